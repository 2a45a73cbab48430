//! The 智慧党建 platform's scope: officers see their subtree, members their own record,
//! personal data masked unless revealed (and every reveal audited).

mod support;

use axum::http::StatusCode;
use dangjian_store::{audit, members, members::NewMember, orgs, users};
use support::{
    apps,
    client::{Client, account},
    test_key,
    tree::{signed_in, tree},
};

#[tokio::test]
async fn a_branch_officer_sees_only_their_branch() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.branch_a), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let page = c.get("/platform/orgs").await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("第一党支部") && !page.body.contains("第二党支部"), "{l}");
        // Another branch, its members, and the levels above answer 404.
        for path in [
            format!("/platform/orgs/{}", t.branch_b),
            format!("/platform/orgs/{}", t.root),
            format!("/platform/members/{}", t.b_members[0]),
        ] {
            assert_eq!(c.get(&path).await.status, StatusCode::NOT_FOUND, "{l}: {path}");
        }
        let r = c.post(&format!("/platform/members/{}/reveal", t.b_members[0]), "").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        // Lists are masked.
        let roster = c.get(&format!("/platform/orgs/{}", t.branch_a)).await;
        assert!(roster.body.contains("110105********1239") && roster.body.contains("138****5678"), "{l}");
        assert!(!roster.body.contains("110105199003071239") && !roster.body.contains("13812345678"), "{l}");
        // Revealing shows the full number and is audited.
        let page = c.get(&format!("/platform/members/{}", t.a_members[0])).await;
        assert!(!page.body.contains("110105199003071239"), "{l}");
        let shown = c.post(&format!("/platform/members/{}/reveal", t.a_members[0]), "").await;
        assert!(shown.body.contains("110105199003071239") && shown.body.contains("13812345678"), "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("member.reveal".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!((ev.len(), ev[0].username.as_str()), (1, "sec_a"), "{l}");
        assert_eq!(ev[0].target, format!("member:{}", t.a_members[0]), "{l}");
    }
}

#[tokio::test]
async fn the_committee_office_sees_everything_with_rule_warnings() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "gongwei", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.root), None).await.unwrap();
        let mut c = signed_in(&app, "gongwei").await;
        let page = c.get("/platform/orgs").await;
        assert!(page.body.contains("第一党支部") && page.body.contains("第二党支部"), "{l}");
        // Both branches have fewer than 3 正式党员.
        assert!(page.body.contains("不足 3 名"), "{l}: {}", page.body);
        assert_eq!(c.get(&format!("/platform/members/{}", t.b_members[0])).await.status, StatusCode::OK, "{l}");
    }
}

#[tokio::test]
async fn a_member_sees_their_own_record_only() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "zhangsan", &["member"], &[], 0).await;
        users::set_platform_binding(app.db(), id, None, Some(t.a_members[0])).await.unwrap();
        let mut c = signed_in(&app, "zhangsan").await;
        let me = c.get("/platform/me").await;
        assert_eq!(me.status, StatusCode::OK, "{l}");
        assert!(me.body.contains("张三") && me.body.contains("递交入党申请书"), "{l}");
        assert_eq!(c.get(&format!("/platform/members/{}", t.a_members[1])).await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(c.get("/platform/orgs").await.status, StatusCode::FORBIDDEN, "{l}");
        let own = c.post(&format!("/platform/members/{}/reveal", t.a_members[0]), "").await;
        assert!(own.body.contains("110105199003071239"), "{l}: a member may see their own data");
        let _ = t.branch_a;
        // Anonymous: sign in first.
        let mut anon = Client::new(&app);
        assert_eq!(anon.get("/platform/me").await.header("location"), "/admin/login", "{l}");
    }
}

#[tokio::test]
async fn the_security_admin_binds_an_officer_to_an_organisation() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        account(&app, "sec", &["secadmin"], &[], 0).await;
        let mut sec = signed_in(&app, "sec").await;
        let r = sec.post("/admin/users", "username=officer1&roles=officer").await;
        assert!(r.body.contains("须选择所属党组织"), "{l}");
        let r = sec.post("/admin/users", &format!("username=officer1&roles=officer&org_id={}", t.branch_b)).await;
        let pw = r.between("初始密码：", "（");
        let u = users::by_username(app.db(), "officer1").await.unwrap().unwrap();
        assert_eq!(users::platform_binding(app.db(), u.id).await.unwrap(), (Some(t.branch_b), None), "{l}");
        let mut o = Client::new(&app);
        o.login("officer1", &pw).await;
        o.post(
            "/admin/password",
            &format!("current={}&new=Xx1%21abcdef&confirm=Xx1%21abcdef", support::client::urlenc(&pw)),
        )
        .await;
        let page = o.get("/platform/orgs").await;
        assert!(page.body.contains("第二党支部") && !page.body.contains("第一党支部"), "{l}");
    }
}

#[tokio::test]
async fn meetings_are_recorded_with_quorum_and_fill_the_calendar() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.branch_a), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let url = format!("/platform/orgs/{}/meetings", t.branch_a);
        let before = c.get(&url).await;
        assert_eq!(before.status, StatusCode::OK, "{l}");
        assert!(before.body.contains("支部党员大会") && !before.body.contains("class=\"period met\""), "{l}");
        // Two members, no committee and no 党小组: neither meeting is owed.
        assert!(before.body.contains("<tr><td>支部党员大会</td>"), "{l}");
        assert!(!before.body.contains("<tr><td>支委会</td>") && !before.body.contains("<tr><td>党小组会</td>"), "{l}");
        let today = dangjian_domain::clock::from_micros(dangjian_domain::clock::now_micros()).date();
        let day = format!("{:04}-{:02}-{:02}", today.year(), today.month() as u8, today.day());
        // Bad input: every error at once, nothing written.
        let r = c.post(&url, &format!("kind=&held_on=2999-01-01&topic=&present={}", t.b_members[0])).await;
        assert!(
            r.body.contains("请选择会议类型") && r.body.contains("不能晚于今天") && r.body.contains("主题不能为空"),
            "{l}"
        );
        assert!(r.body.contains("不属于本支部"), "{l}");
        // One of two members present: not more than half, so no quorum, and it does not count.
        let form = |present: &str| {
            format!(
                "kind=branch_general_meeting&held_on={day}&topic=%E5%AD%A6%E4%B9%A0&place=%E4%BC%9A%E8%AE%AE%E5%AE%A4&{present}"
            )
        };
        let r = c
            .post(&url, &form(&format!("present={}&reason_{}=%E5%87%BA%E5%B7%AE", t.a_members[0], t.a_members[1])))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let page = c.get(&url).await;
        assert!(page.body.contains("未达到"), "{l}");
        assert!(!page.body.contains("class=\"period met\""), "{l}: a meeting without quorum does not count");
        let r = c.post(&url, &form(&format!("present={}&present={}", t.a_members[0], t.a_members[1]))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let page = c.get(&url).await;
        assert!(page.body.contains("class=\"period met\""), "{l}: this quarter's 党员大会 is met");
        // Another branch's calendar is out of reach.
        assert_eq!(
            c.get(&format!("/platform/orgs/{}/meetings", t.branch_b)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let r = c.post(&format!("/platform/orgs/{}/meetings", t.branch_b), &form("")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        // The committee office sees every branch and exports the overview.
        let gid = account(&app, "gongwei", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), gid, Some(t.root), None).await.unwrap();
        let mut g = signed_in(&app, "gongwei").await;
        let o = g.get("/platform/compliance").await;
        assert!(o.body.contains("第一党支部") && o.body.contains("第二党支部"), "{l}");
        let x = g.get("/platform/compliance.xlsx").await;
        assert_eq!(x.status, StatusCode::OK, "{l}");
        assert!(x.body.starts_with("PK"), "{l}");
    }
}

#[tokio::test]
async fn dues_follow_the_2008_rules_with_back_payment_and_arrears() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.branch_a), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let today = dangjian_domain::clock::from_micros(dangjian_domain::clock::now_micros()).date();
        let this = dangjian_domain::month::YearMonth::of(today);
        let early = this.add_months(-7);
        let base_url = format!("/platform/orgs/{}/dues", t.branch_a);
        let (zhang, li) = (t.a_members[0], t.a_members[1]);
        // The cliff at 3000: 0.5% of 3000.00 is 15.00, 1% of 3000.01 is 30.00 (not progressive).
        for (m, base) in [(zhang, "3000.00"), (li, "3000.01")] {
            let r = c
                .post(
                    &format!("{base_url}/base"),
                    &format!("member_id={m}&category=in_service&base={base}&month={early}"),
                )
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        }
        let page = c.get(&format!("{base_url}?month={this}")).await;
        assert!(page.body.contains("<td>15.00</td>") && page.body.contains("<td>30.00</td>"), "{l}");
        assert!(page.body.contains("本月应缴合计 <strong>45.00</strong>"), "{l}");
        // Bad input is refused with a message.
        let r = c
            .post(&format!("{base_url}/base"), &format!("member_id={zhang}&category=in_service&base=-1&month={this}"))
            .await;
        assert!(r.body.contains("不小于 0"), "{l}");
        let r = c
            .post(
                &format!("{base_url}/base"),
                &format!("member_id={}&category=in_service&base=100&month={this}", t.b_members[0]),
            )
            .await;
        assert!(r.body.contains("请选择本支部的党员"), "{l}");
        // A payment, then the same month again.
        let day = format!("{:04}-{:02}-{:02}", today.year(), today.month() as u8, today.day());
        let pay = |m: i64, month: dangjian_domain::month::YearMonth| {
            format!("member_id={m}&amount=15.00&paid_on={day}&method=%E7%8E%B0%E9%87%91&month={month}")
        };
        assert_eq!(c.post(&format!("{base_url}/pay"), &pay(zhang, this)).await.status, StatusCode::SEE_OTHER, "{l}");
        assert!(c.post(&format!("{base_url}/pay"), &pay(zhang, this)).await.body.contains("不能重复登记"), "{l}");
        // Back payment: at most 6 months back.
        let r = c.post(&format!("{base_url}/pay"), &pay(zhang, early)).await;
        assert!(r.body.contains("已超过补交期限"), "{l}");
        // 李四 has paid nothing for 8 months: the 党章第九条 warning.
        let page = c.get(&format!("{base_url}?month={this}")).await;
        assert!(page.body.contains("党章第九条"), "{l}");
        // Another branch is out of reach.
        assert_eq!(c.get(&format!("/platform/orgs/{}/dues", t.branch_b)).await.status, StatusCode::NOT_FOUND, "{l}");
        let ev =
            audit::list(app.db(), &audit::Filter { action: Some("dues.pay".into()), limit: 5, ..Default::default() })
                .await
                .unwrap();
        assert_eq!(ev.len(), 1, "{l}");
    }
}

#[tokio::test]
async fn development_steps_are_checked_and_overrides_recorded() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let key = test_key();
        let new = NewMember {
            org_id: t.branch_a,
            name: "赵申请".into(),
            birth_date: Some("2000-01-01".into()),
            id_number_enc: key.encrypt("110105200001010017"),
            id_number_hash: Some(key.hash("110105200001010017")),
            category: "in_service".into(),
            status: "applicant".into(),
            steps: vec![("apply".into(), "2024-01-10".into())],
            ..Default::default()
        };
        let mid = members::insert_many(app.db(), &[new], 0).await.unwrap()[0];
        let id = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.branch_a), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let url = format!("/platform/members/{mid}/steps");
        // The talk came seven weeks after the application: refused, with the rule named.
        let r = c.post(&url, "step=application_talk&on_date=2024-03-01").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.body.contains("一个月") || r.body.contains("1 个月"), "{l}: {}", r.between("<p>", "</p>"));
        // With who approved it and why, it is recorded, and the reason is audited.
        let r = c.post(&url, "step=application_talk&on_date=2024-03-01&approved_by=%E6%9C%BA%E5%85%B3%E5%85%9A%E5%A7%94&override_reason=%E7%94%B3%E8%AF%B7%E4%BA%BA%E5%A4%96%E6%B4%BE").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(c.post(&url, "step=confirm_activist&on_date=2024-03-05").await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(members::get(app.db(), mid).await.unwrap().status, "activist", "{l}");
        // Less than a year as 积极分子: refused.
        let r = c.post(&url, "step=confirm_candidate&on_date=2024-06-01").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert_eq!(members::get(app.db(), mid).await.unwrap().status, "activist", "{l}: nothing written");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("member.step".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert!(ev.iter().any(|e| e.detail.contains("申请人外派")), "{l}");
        // Other branches' members are out of reach.
        let r = c.post(&format!("/platform/members/{}/steps", t.b_members[0]), "step=apply&on_date=2024-01-01").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
    }
}

fn roster_xlsx(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "性别", "出生日期", "身份证号", "手机号", "所在党支部"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_roster_with_errors_is_previewed_and_only_good_rows_imported_on_request() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let id = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), id, Some(t.branch_a), None).await.unwrap();
        let c = signed_in(&app, "sec_a").await;
        let cookie = c.cookie.clone().unwrap();
        let upload = |bytes: Vec<u8>| {
            let boundary = "----djroster";
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"名册.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            Request::post(format!("/platform/orgs/{}/import", t.branch_a))
                .header("cookie", &cookie)
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap()
        };
        let file = roster_xlsx(&[
            ["陈一", "男", "1985-11-20", "110105198511200012", "13911112222", ""],
            ["错号", "", "", "110105198511200017", "", ""],
            ["日期", "", "1985-02-30", "110105198502280014", "", ""],
            ["重复", "男", "", "110105198511200012", "", ""],
            ["别支", "", "", "110105199001010010", "", "第二党支部"],
            ["已有", "", "", "110105199003071239", "", ""],
            ["刘二", "女", "1992/5/6", "110105199205060028", "139-0000-3333", ""],
        ]);
        let before = members::in_orgs(app.db(), &[t.branch_a]).await.unwrap().len();
        let r = app.router.clone().oneshot(upload(file)).await.unwrap();
        let body = String::from_utf8(axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        for expect in [
            "第 3 行",
            "第 4 行",
            "第 5 行",
            "第 6 行",
            "第 7 行",
            "与第 2 行重复",
            "该党员已在系统中",
            "未知或无权管理的党支部",
        ] {
            assert!(body.contains(expect), "{l}: preview lacks {expect}");
        }
        assert!(body.contains("仅导入 2 条无误记录"), "{l}");
        assert_eq!(members::in_orgs(app.db(), &[t.branch_a]).await.unwrap().len(), before, "{l}: nothing written yet");
        let token = body.split("name=\"token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        let mut c = c;
        let r = c.post(&format!("/platform/orgs/{}/import/commit", t.branch_a), &format!("token={token}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let after = members::in_orgs(app.db(), &[t.branch_a]).await.unwrap();
        assert_eq!(after.len(), before + 2, "{l}");
        let liu = after.iter().find(|m| m.name == "刘二").unwrap();
        assert_eq!(liu.birth_date.as_deref(), Some("1992-05-06"), "{l}");
        assert_eq!(test_key().decrypt(&liu.phone_enc).unwrap(), "13900003333", "{l}");
        // The token is single use.
        let again = c.post(&format!("/platform/orgs/{}/import/commit", t.branch_a), &format!("token={token}")).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        // Not a spreadsheet: a clear message.
        let r = app.router.clone().oneshot(upload(b"garbage".to_vec())).await.unwrap();
        let body = String::from_utf8(axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        assert!(body.contains("不是有效的 Excel"), "{l}");
        // Export: masked, a real workbook.
        let x = c.get(&format!("/platform/orgs/{}/roster.xlsx", t.branch_a)).await;
        assert!(x.body.starts_with("PK"), "{l}");
        assert_eq!(
            c.get(&format!("/platform/orgs/{}/roster.xlsx", t.branch_b)).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
    }
}

#[tokio::test]
async fn a_transfer_moves_a_member_once_with_each_side_doing_its_part() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let a = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), a, Some(t.branch_a), None).await.unwrap();
        let b = account(&app, "sec_b", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), b, Some(t.branch_b), None).await.unwrap();
        let mut ca = signed_in(&app, "sec_a").await;
        let mut cb = signed_in(&app, "sec_b").await;
        let zhang = t.a_members[0];
        let r = ca.post(&format!("/platform/members/{zhang}/transfer"), &format!("to_org={}", t.branch_a)).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}: not to the same branch");
        let r = ca
            .post(&format!("/platform/members/{zhang}/transfer"), &format!("to_org={}&validity_days=30", t.branch_b))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let r = ca.post(&format!("/platform/members/{zhang}/transfer"), &format!("to_org={}", t.branch_b)).await;
        assert!(r.body.contains("未完成的组织关系转接"), "{l}: one open transfer at a time");
        let tid = dangjian_store::transfers::for_orgs(app.db(), &[t.branch_a]).await.unwrap()[0].id;
        // The sender cannot receive; the receiver can.
        assert_eq!(
            ca.post(&format!("/platform/transfers/{tid}/receive"), "").await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let incoming = cb.get("/platform/transfers").await;
        assert!(incoming.body.contains("张三") && incoming.body.contains("接收"), "{l}");
        assert_eq!(
            cb.post(&format!("/platform/transfers/{tid}/receive"), "").await.status,
            StatusCode::SEE_OTHER,
            "{l}"
        );
        // Exactly one branch at any time: now in B, out of A's reach.
        assert_eq!(members::get(app.db(), zhang).await.unwrap().org_id, t.branch_b, "{l}");
        assert_eq!(ca.get(&format!("/platform/members/{zhang}")).await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(cb.get(&format!("/platform/members/{zhang}")).await.status, StatusCode::OK, "{l}");
        // Receiving twice is refused; the receipt closes it.
        assert_eq!(
            cb.post(&format!("/platform/transfers/{tid}/receive"), "").await.status,
            StatusCode::CONFLICT,
            "{l}"
        );
        assert_eq!(
            cb.post(&format!("/platform/transfers/{tid}/receipt"), "").await.status,
            StatusCode::SEE_OTHER,
            "{l}"
        );
        assert!(ca.get("/platform/transfers").await.body.contains("回执已退回"), "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("transfer.receive".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(ev.len(), 1, "{l}");
    }
}

#[tokio::test]
async fn officers_create_organisations_and_set_the_committee() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let a = account(&app, "gongwei", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), a, Some(t.root), None).await.unwrap();
        let mut c = signed_in(&app, "gongwei").await;
        let r = c.post(&format!("/platform/orgs/{}/new", t.root), "name=&kind=branch").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.body.contains("名称不能为空"), "{l}");
        let r = c
            .post(
                &format!("/platform/orgs/{}/new", t.root),
                "name=%E6%96%B0%E6%94%AF%E9%83%A8&kind=branch&founded_on=2020-07-01&term_start=2023-07-01",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(c.get("/platform/orgs").await.body.contains("新支部"), "{l}");
        // Committee posts: only full members of the branch; one 书记.
        let edit = format!("/platform/orgs/{}/edit", t.branch_a);
        let form = |extra: &str| {
            format!("name=%E7%AC%AC%E4%B8%80%E5%85%9A%E6%94%AF%E9%83%A8&kind=branch&term_start=2023-01-01&{extra}")
        };
        let r = c.post(&edit, &form(&format!("post_{}=%E4%B9%A6%E8%AE%B0", t.b_members[0]))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}: not a member of this branch");
        let r = c
            .post(
                &edit,
                &form(&format!(
                    "post_{}=%E4%B9%A6%E8%AE%B0&post_{}=%E4%B9%A6%E8%AE%B0",
                    t.a_members[0], t.a_members[1]
                )),
            )
            .await;
        assert!(r.body.contains("书记只能有 1 名"), "{l}");
        let r = c
            .post(
                &edit,
                &form(&format!(
                    "post_{}=%E4%B9%A6%E8%AE%B0&post_{}=%E7%BB%84%E7%BB%87%E5%A7%94%E5%91%98",
                    t.a_members[0], t.a_members[1]
                )),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let committee = orgs::committee(app.db(), t.branch_a).await.unwrap();
        assert_eq!(committee.len(), 2, "{l}");
        assert_eq!(orgs::get(app.db(), t.branch_a).await.unwrap().term_start.as_deref(), Some("2023-01-01"), "{l}");
        // A branch officer cannot edit the level above.
        let b = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), b, Some(t.branch_a), None).await.unwrap();
        let mut s = signed_in(&app, "sec_a").await;
        assert_eq!(s.get(&format!("/platform/orgs/{}/edit", t.root)).await.status, StatusCode::NOT_FOUND, "{l}");
    }
}
