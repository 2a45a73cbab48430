//! 党建考核 of 领导干部 through the router, on SQLite and (when configured) PostgreSQL: the
//! subjects are the 班子 members of every organisation in the scheme's subtree, named with
//! their posts; 全员覆盖 counts them like any other subject; the 日常 part proposes each
//! cadre's 量化评议指数.

mod support;

use axum::http::StatusCode;
use dangjian_store::{kaohe, orgs};
use support::{
    apps,
    client::urlenc,
    tree::{officer, signed_in, this_year, tree},
};

#[tokio::test]
async fn a_leading_cadre_scheme_covers_every_committee_member_in_reach() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let db = app.db();
        officer(&app, "jiguan", t.committee).await;
        // 张三 is 书记 of 第一党支部 and 委员 of the 机关党委; 李四 is 组织委员; 王五 holds no post.
        orgs::set_committee(db, t.branch_a, &[(t.a_members[0], "书记".into()), (t.a_members[1], "组织委员".into())])
            .await
            .unwrap();
        orgs::set_committee(db, t.committee, &[(t.a_members[0], "委员".into())]).await.unwrap();
        let mut c = signed_in(&app, "jiguan").await;
        let form = format!(
            "name={}&org_id={}&kind=leading_cadre&indicators={}&groups={}&daily=30",
            urlenc("领导干部年度考核"),
            t.committee,
            urlenc("履职尽责 100"),
            urlenc("本单位党员 100 内部"),
        );
        let r = c.post("/platform/kaohe", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let url = r.header("location").to_owned();
        let id: i64 = url.rsplit('/').next().unwrap().parse().unwrap();
        let row = kaohe::get(db, id).await.unwrap();
        let mut subjects = row.scheme.subjects.clone();
        subjects.sort();
        assert_eq!(subjects, vec![t.a_members[0], t.a_members[1]], "{l}: the two cadres, 王五 left out");

        let page = c.get(&url).await;
        assert!(page.body.contains("领导干部"), "{l}");
        assert!(page.body.contains("张三（市财政局机关党委委员、第一党支部书记）"), "{l}: {}", page.body);
        assert!(page.body.contains("李四（第一党支部组织委员）"), "{l}");
        // Every cadre is in, so the scheme opens.
        let r = c.post(&format!("{url}/open"), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        // The 日常 part: each cadre's index (no records: 0).
        let r = c.get(&format!("{url}/daily/records?year={}", this_year())).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert_eq!(r.body.matches("党员量化评议指数").count(), 3, "{l}: the hint and two rows");
    }
}
