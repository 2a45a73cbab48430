//! Branch records beyond the roster: 少交/免交 with the higher 党委's approval, the yearly
//! dues summaries and their exports, meeting attachments, the single-member form and
//! 党小组 counts. Each runs on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_store::{adjustments, audit, meetings, members, orgs, users};
use support::{
    apps,
    client::{Client, PW, account, multipart, urlenc},
    test_key,
    tree::{signed_in, this_year, tree},
};

#[tokio::test]
async fn an_exemption_counts_only_once_the_higher_committee_approves_it() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), sec, Some(t.branch_a), None).await.unwrap();
        let above = account(&app, "jiguan", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), above, Some(t.committee), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let y = this_year();
        let zhang = t.a_members[0];
        let dues = format!("/platform/orgs/{}/dues", t.branch_a);
        // Base 4000 (1 % → 40.00 a month) from January; January paid.
        let r = c
            .post(&format!("{dues}/base"), &format!("member_id={zhang}&category=in_service&base=4000&month={y}-01"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = c
            .post(
                &format!("{dues}/pay"),
                &format!("member_id={zhang}&month={y}-01&amount=40.00&paid_on={y}-01-10&method=x"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);

        // Bad applications are refused with a reason and write nothing.
        for (form, expect) in [
            (
                format!(
                    "member_id={}&kind=exempt&from_month={y}-03&through_month={y}-04&branch_discussed_on={y}-02-20&reason=x",
                    t.b_members[0]
                ),
                "请选择本支部的党员",
            ),
            (
                format!(
                    "member_id={zhang}&kind=exempt&from_month={y}-04&through_month={y}-03&branch_discussed_on={y}-02-20&reason=x"
                ),
                "结束月份早于开始月份",
            ),
            (
                format!(
                    "member_id={zhang}&kind=exempt&from_month={y}-03&through_month={y}-04&branch_discussed_on={y}-02-20&reason=+"
                ),
                "须写明",
            ),
            (
                format!(
                    "member_id={zhang}&kind=reduce&monthly_amount=-1&from_month={y}-03&through_month={y}-04&branch_discussed_on={y}-02-20&reason=x"
                ),
                "不小于 0",
            ),
            (
                format!(
                    "member_id={zhang}&kind=exempt&from_month={y}-03&through_month={y}-04&branch_discussed_on=2999-01-01&reason=x"
                ),
                "不能晚于今天",
            ),
        ] {
            let r = c.post(&format!("{dues}/apply"), &form).await;
            assert!(r.body.contains(expect), "{l}: {form} → wanted {expect}");
        }
        assert!(adjustments::in_org(app.db(), t.branch_a).await.unwrap().is_empty(), "{l}");

        let reason = urlenc("家庭生活困难");
        let r = c
            .post(
                &format!("{dues}/apply"),
                &format!("member_id={zhang}&kind=exempt&from_month={y}-03&through_month={y}-04&branch_discussed_on={y}-02-20&reason={reason}&month={y}-03"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let id = adjustments::in_org(app.db(), t.branch_a).await.unwrap()[0].id;
        // Pending: March is still owed; the branch cannot approve its own application.
        let march = c.get(&format!("{dues}?month={y}-03")).await;
        assert!(march.body.contains("待上级党委审批") && march.body.contains("未交"), "{l}");
        assert!(!march.body.contains("/dues/approve"), "{l}: the branch sees no approve button");
        let r = c.post(&format!("{dues}/approve"), &format!("adjustment_id={id}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");

        let mut j = signed_in(&app, "jiguan").await;
        let r = j.post(&format!("{dues}/reject"), &format!("adjustment_id={id}&note=")).await;
        assert!(r.body.contains("不予批准时须写明理由"), "{l}");
        let r = j.post(&format!("{dues}/approve"), &format!("adjustment_id={id}&month={y}-03")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = j.post(&format!("{dues}/reject"), &format!("adjustment_id={id}&note=x")).await;
        assert!(r.body.contains("不能重复审批"), "{l}");
        let row = adjustments::get(app.db(), id).await.unwrap().unwrap();
        assert_eq!((row.status.as_str(), row.approver.as_str()), ("approved", "市财政局机关党委"), "{l}");

        let march = c.get(&format!("{dues}?month={y}-03")).await;
        assert!(march.body.contains("经批准免交") && march.body.contains("已批准"), "{l}");
        // The year: January paid, February unpaid, March and April exempt.
        let year = c.get(&format!("{dues}/year?year={y}")).await;
        assert_eq!(year.status, StatusCode::OK, "{l}");
        let cells = year.between("<tbody>", "</tbody>");
        let zhang_row = cells.split("<tr>").find(|r| r.contains("张三")).unwrap().to_owned();
        assert!(zhang_row.contains(r#"class="due-paid">40.00"#), "{l}: {zhang_row}");
        assert!(zhang_row.contains(r#"class="due-exempt">免交"#), "{l}: {zhang_row}");
        assert!(zhang_row.contains(r#"class="due-unpaid">未交"#), "{l}: {zhang_row}");
        // The export is a workbook with a Chinese file name.
        let x = c.get(&format!("{dues}/year.xlsx?year={y}")).await;
        assert!(x.body.starts_with("PK"), "{l}");
        let cd = x.header("content-disposition");
        assert!(
            cd.starts_with("attachment;") && cd.contains("filename*=UTF-8''") && cd.contains("%E5%85%9A%E8%B4%B9"),
            "{l}: {cd}"
        );
        // The committee's overview lists both branches; a branch sees only itself.
        let all = j.get(&format!("/platform/dues?year={y}")).await;
        assert!(all.body.contains("第一党支部") && all.body.contains("第二党支部"), "{l}");
        let own = c.get("/platform/dues").await;
        assert!(own.body.contains("第一党支部") && !own.body.contains("第二党支部"), "{l}");
        assert!(j.get(&format!("/platform/dues.xlsx?year={y}")).await.body.starts_with("PK"), "{l}");
        assert_eq!(j.get("/platform/dues?year=1990").await.status, StatusCode::NOT_FOUND, "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("dues.adjustment.approve".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(ev.len(), 1, "{l}");
    }
}

#[tokio::test]
async fn meeting_attachments_are_checked_kept_and_served_as_downloads() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), sec, Some(t.branch_a), None).await.unwrap();
        let meeting = meetings::insert(
            app.db(),
            &meetings::NewMeeting {
                org_id: t.branch_a,
                kind: "party_lecture".into(),
                held_on: "2024-03-01".into(),
                topic: "专题党课".into(),
                minutes: "第一项\n第二项".into(),
                attendance: vec![(t.a_members[0], true, String::new()), (t.a_members[1], false, "出差".into())],
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let page = c.get(&format!("/platform/meetings/{meeting}")).await;
        assert!(page.body.contains("专题党课") && page.body.contains("李四（出差）"), "{l}");
        let url = format!("/platform/meetings/{meeting}/files");
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
        let (ct, body) = multipart("file", "../签到表.pdf", pdf);
        let r = c.send_bytes("POST", &url, &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        // Not an accepted type: refused, nothing kept.
        let (ct, body) = multipart("file", "run.sh", b"#!/bin/sh\necho hi\n");
        let r = c.send_bytes("POST", &url, &ct, body).await;
        assert!(r.body.contains("不支持的文件类型"), "{l}");
        let (ct, body) = multipart("file", "empty.pdf", b"");
        assert!(c.send_bytes("POST", &url, &ct, body).await.body.contains("请选择要上传的文件"), "{l}");
        let files = meetings::files(app.db(), meeting).await.unwrap();
        assert_eq!(files.len(), 1, "{l}");
        assert_eq!(files[0].name, "签到表.pdf", "{l}");
        let d = c.get(&format!("{url}/{}", files[0].id)).await;
        assert_eq!(d.status, StatusCode::OK, "{l}");
        assert!(d.body.starts_with("%PDF"), "{l}");
        let cd = d.header("content-disposition");
        assert!(cd.starts_with("attachment;") && cd.contains("%E7%AD%BE%E5%88%B0%E8%A1%A8.pdf"), "{l}: {cd}");
        assert_eq!(d.header("x-content-type-options"), "nosniff", "{l}");
        // The file through another meeting of the same branch: 404.
        let other = meetings::insert(
            app.db(),
            &meetings::NewMeeting {
                org_id: t.branch_a,
                kind: "party_lecture".into(),
                held_on: "2024-04-01".into(),
                topic: "另一次党课".into(),
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let r = c.get(&format!("/platform/meetings/{other}/files/{}", files[0].id)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn a_member_is_added_and_corrected_by_form_with_the_import_checks() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), sec, Some(t.branch_a), None).await.unwrap();
        let group = orgs::insert(
            app.db(),
            &orgs::NewOrg {
                parent_id: Some(t.branch_a),
                kind: "group".into(),
                name: "第一党小组".into(),
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let url = format!("/platform/orgs/{}/members/new", t.branch_a);
        assert!(c.get(&url).await.body.contains("第一党小组"), "{l}");
        let before = members::in_orgs(app.db(), &[t.branch_a]).await.unwrap().len();
        let name = urlenc("赵六");
        // Bad checksum, wrong gender, bad phone: every problem named, nothing written.
        let r = c
            .post(&url, &format!("name={name}&id_number=110105199003071238&phone=123&category=in_service&status=full"))
            .await;
        assert!(r.body.contains("身份证号") && r.body.contains("手机号应为 11 位数字"), "{l}");
        assert!(r.body.contains("value=\"赵六\""), "{l}: typed values are kept");
        // A duplicate of an existing member's ID number.
        let r = c
            .post(&url, &format!("name={name}&id_number=110105199003071239&phone=&category=in_service&status=full"))
            .await;
        assert!(r.body.contains("该党员已在系统中"), "{l}");
        assert_eq!(members::in_orgs(app.db(), &[t.branch_a]).await.unwrap().len(), before, "{l}");
        let r = c
            .post(
                &url,
                &format!("name={name}&id_number=110105199205060028&phone=13900004444&category=retired&status=probationary&group_id={group}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let all = members::in_orgs(app.db(), &[t.branch_a]).await.unwrap();
        let zhao = all.iter().find(|m| m.name == "赵六").unwrap();
        assert_eq!((zhao.gender.as_str(), zhao.birth_date.as_deref()), ("女", Some("1992-05-06")), "{l}");
        assert_eq!(
            (zhao.category.as_str(), zhao.status.as_str(), zhao.group_id),
            ("retired", "probationary", Some(group)),
            "{l}"
        );
        assert!(!zhao.id_number_enc.contains("110105199205060028"), "{l}: encrypted at rest");
        assert_eq!(test_key().decrypt(&zhao.phone_enc).unwrap(), "13900004444", "{l}");
        // The group's page and the tree count her.
        assert!(c.get(&format!("/platform/orgs/{group}")).await.body.contains("赵六"), "{l}");
        assert!(c.get(&format!("/platform/orgs/{}", t.branch_a)).await.body.contains("第一党小组（1 人）"), "{l}");

        // Edit: blank ID number and phone keep them; the form never shows them in full.
        let edit = format!("/platform/members/{}/edit", zhao.id);
        let form = c.get(&edit).await;
        assert!(!form.body.contains("110105199205060028") && !form.body.contains("13900004444"), "{l}");
        let post = urlenc("支部委员");
        let r = c.post(&edit, &format!("name={name}&post={post}&category=retired&id_number=&phone=")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let zhao = members::get(app.db(), zhao.id).await.unwrap();
        assert_eq!((zhao.post.as_str(), zhao.group_id), ("支部委员", None), "{l}");
        assert_eq!(test_key().decrypt(&zhao.id_number_enc).unwrap(), "110105199205060028", "{l}");
        // Taking another member's ID number is refused.
        let r = c.post(&edit, &format!("name={name}&category=retired&id_number=110105199003071239")).await;
        assert!(r.body.contains("另一名党员已使用该身份证号"), "{l}");
        // Another branch's member cannot be edited.
        assert_eq!(
            c.get(&format!("/platform/members/{}/edit", t.b_members[0])).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let mut anon = Client::new(&app);
        assert_eq!(anon.get(&edit).await.header("location"), "/admin/login", "{l}");
        let _ = PW;
    }
}

#[tokio::test]
async fn the_committee_office_sets_meeting_frequencies_for_every_branch() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let top = account(&app, "gongwei", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), top, Some(t.root), None).await.unwrap();
        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), sec, Some(t.branch_a), None).await.unwrap();
        let mut s = signed_in(&app, "sec_a").await;
        assert_eq!(s.get("/platform/compliance/settings").await.status, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(
            s.post("/platform/compliance/settings", "party_lecture=monthly").await.status,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let calendar = format!("/platform/orgs/{}/meetings", t.branch_a);
        let lecture_cells = |body: &str| {
            let row = body.split("<tr>").find(|r| r.contains("<td>党课</td>")).unwrap_or("").to_owned();
            row.matches("class=\"period").count()
        };
        let before = lecture_cells(&s.get(&calendar).await.body);
        assert_eq!(before, 4, "{l}: 党课 is quarterly by default");

        let mut c = signed_in(&app, "gongwei").await;
        let form = c.get("/platform/compliance/settings").await;
        assert!(form.body.contains("党课（默认每季度）"), "{l}");
        let r = c.post("/platform/compliance/settings", "party_lecture=weekly").await;
        assert!(r.body.contains("未知的频次"), "{l}");
        let r = c.post("/platform/compliance/settings", "party_lecture=monthly&heart_to_heart_talk=none").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let after = s.get(&calendar).await.body;
        assert_eq!(lecture_cells(&after), 12, "{l}: 党课 monthly for every branch");
        let talk = after.split("<tr>").find(|r| r.contains("<td>谈心谈话</td>")).unwrap_or("").to_owned();
        assert!(!talk.contains("class=\"period"), "{l}: 谈心谈话 no longer tracked: {talk}");
    }
}

#[tokio::test]
async fn posts_held_show_on_the_record_and_lists_export_to_xlsx() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        orgs::set_committee(app.db(), t.branch_a, &[(t.a_members[0], "书记".into())]).await.unwrap();
        let top = account(&app, "gongwei", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), top, Some(t.root), None).await.unwrap();
        let mut c = signed_in(&app, "gongwei").await;
        let page = c.get(&format!("/platform/members/{}", t.a_members[0])).await;
        assert!(page.body.contains("第一党支部 书记"), "{l}");
        for (uri, name) in [
            ("/platform/orgs.xlsx", "%E5%85%9A%E7%BB%84%E7%BB%87"),
            ("/platform/transfers.xlsx", "%E7%BB%84%E7%BB%87%E5%85%B3%E7%B3%BB"),
        ] {
            let x = c.get(uri).await;
            assert_eq!(x.status, StatusCode::OK, "{l}: {uri}");
            assert!(x.body.starts_with("PK") && x.header("content-disposition").contains(name), "{l}: {uri}");
        }
    }
}

#[tokio::test]
async fn a_vote_at_the_general_meeting_counts_only_full_members_for_quorum() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        let key = test_key();
        let prob = members::insert_many(
            app.db(),
            &[members::NewMember {
                org_id: t.branch_a,
                name: "预备甲".into(),
                id_number_enc: key.encrypt("110105199205060028"),
                id_number_hash: Some(key.hash("110105199205060028")),
                category: "in_service".into(),
                status: "probationary".into(),
                ..Default::default()
            }],
            0,
        )
        .await
        .unwrap()[0];
        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        users::set_platform_binding(app.db(), sec, Some(t.branch_a), None).await.unwrap();
        let mut c = signed_in(&app, "sec_a").await;
        let url = format!("/platform/orgs/{}/meetings", t.branch_a);
        // One of two 正式党员 and the 预备党员: 2 of 3 members, but 1 of 2 voters.
        let here = format!("present={}&present={prob}", t.a_members[0]);
        for (agenda, quorate) in [("ordinary", true), ("resolution", false), ("election", false)] {
            let form = format!("kind=branch_general_meeting&held_on=2024-03-01&topic=x&agenda={agenda}&{here}");
            assert_eq!(c.post(&url, &form).await.status, StatusCode::SEE_OTHER, "{l}: {agenda}");
            let list = meetings::in_orgs(app.db(), &[t.branch_a], "2024-01-01", "2024-12-31").await.unwrap();
            assert_eq!(list[0].quorum_met, Some(quorate), "{l}: {agenda}");
        }
    }
}
