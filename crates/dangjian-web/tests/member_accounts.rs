//! The 安全管理员 opens a member's own account from the accounts page: named as in the
//! branch's roster, bound to that member record, one account per member, and the member
//! lands on their own pages. Each runs on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_store::users;
use support::{
    apps,
    client::{Client, PW, account, urlenc},
    tree::tree,
};

#[tokio::test]
async fn a_member_account_is_bound_to_the_named_member_once() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        account(&app, "sec", &["secadmin"], &[], 0).await;
        let mut c = Client::new(&app);
        c.login("sec", PW).await;
        let form = |user: &str, org: i64, member: &str| {
            format!("username={user}&display_name=x&roles=member&org_id={org}&member={}", urlenc(member))
        };
        for (body, expect) in [
            ("username=mem1&roles=member".to_owned(), "党员账号须填写关联的党员姓名"),
            (form("mem1", t.branch_a, "王五"), "所选党组织中没有名为“王五”的党员"),
            (form("mem1", t.branch_a, "#999999"), "没有编号为 999999 的党员"),
            ("username=mem1&roles=editor&member=%E5%BC%A0%E4%B8%89".to_owned(), "只有“党员”角色的账号可以关联"),
            ("username=mem1&roles=member&member=%E5%BC%A0%E4%B8%89".to_owned(), "请选择该党员所在的党组织"),
        ] {
            let r = c.post("/admin/users", &body).await;
            assert!(r.body.contains(expect), "{l}: {body} should say {expect}: {}", r.body);
            assert!(users::by_username(app.db(), "mem1").await.unwrap().is_none(), "{l}: nothing written for {body}");
        }
        let r = c.post("/admin/users", &form("zhangsan", t.branch_a, "张三")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let shown = r.between("初始密码：", "（");
        let id = users::by_username(app.db(), "zhangsan").await.unwrap().unwrap().id;
        assert_eq!(users::platform_binding(app.db(), id).await.unwrap(), (None, Some(t.a_members[0])), "{l}");
        // One account per member, also by number.
        let again = c.post("/admin/users", &form("zhangsan2", t.branch_a, &format!("#{}", t.a_members[0]))).await;
        assert!(again.body.contains("该党员已有账号"), "{l}");
        assert!(users::by_username(app.db(), "zhangsan2").await.unwrap().is_none(), "{l}");

        // The member signs in, changes the password and sees their own record.
        let mut z = Client::new(&app);
        assert_eq!(z.login("zhangsan", &shown).await.header("location"), "/admin/password", "{l}");
        let new = "Dangjian#2026-new";
        let r = z
            .post("/admin/password", &format!("current={}&new={}&confirm={}", urlenc(&shown), urlenc(new), urlenc(new)))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let me = z.get("/platform/me").await;
        assert_eq!(me.status, StatusCode::OK, "{l}");
        assert!(me.body.contains("张三") && me.body.contains("/platform/me/appraisal"), "{l}");
    }
}
