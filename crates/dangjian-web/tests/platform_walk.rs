//! The scope walk: a branch secretary and a plain member open every platform route that
//! takes an identifier, with identifiers from another branch (its organisation, member,
//! meeting, attachment, transfer, 少交/免交 application, 考核 scheme, 知识测试, 志愿服务 activity), by GET and by POST with a body
//! that names the other branch's records. Every answer must be 403 or 404, and nothing may
//! be written. `platform::ID_ROUTES` is checked against the router's source by a unit test,
//! so a route added later is walked too.

mod support;

use axum::http::StatusCode;
use dangjian_store::{
    Db, adjustments, kaohe, meetings,
    orgs::{self, NewOrg},
    quizzes, transfers,
};
use dangjian_web::platform::{EVAL_ACTIONS, ID_ROUTES};
use support::{
    apps,
    client::{Client, PW, account},
    tree::tree,
};

const TABLES: &[&str] = &[
    "organisations",
    "members",
    "member_steps",
    "org_committee",
    "meetings",
    "meeting_attendance",
    "meeting_files",
    "dues_bases",
    "dues_payments",
    "dues_adjustments",
    "transfers",
    "pending_imports",
    "grading_standards",
    "grading_assessments",
    "grading_entries",
    "branch_grades",
    "grade_removals",
    "grade_rectifications",
    "eval_config",
    "points_rankings",
    "points_ledger",
    "points_applications",
    "appraisal_rounds",
    "appraisal_participants",
    "appraisal_ballots",
    "kaohe_schemes",
    "kaohe_raters",
    "kaohe_tokens",
    "kaohe_ballots",
    "kaohe_offline",
    "kaohe_daily",
    "quizzes",
    "quiz_attempts",
    "volunteer_activities",
    "volunteer_hours",
];

async fn counts(db: &Db) -> Vec<(String, i64, String)> {
    let mut out = Vec::new();
    for t in TABLES {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}"));
        let n: i64 = dangjian_store::on_pool!(db, |p| sqlx::query_scalar(sql).fetch_one(p).await).unwrap();
        out.push((t.to_string(), n, String::new()));
    }
    // Updates leave counts alone: watch the other branch's records too.
    let sql = "SELECT COALESCE(MAX(updated_at), 0) FROM members";
    let touched: i64 = dangjian_store::on_pool!(db, |p| sqlx::query_scalar(sql).fetch_one(p).await).unwrap();
    let status: Vec<String> =
        dangjian_store::on_pool!(db, |p| sqlx::query_scalar("SELECT status FROM transfers ORDER BY id")
            .fetch_all(p)
            .await)
        .unwrap();
    let adj: Vec<String> =
        dangjian_store::on_pool!(db, |p| sqlx::query_scalar("SELECT status FROM dues_adjustments ORDER BY id")
            .fetch_all(p)
            .await)
        .unwrap();
    out.push(("members.updated_at".into(), touched, String::new()));
    out.push(("transfer statuses".into(), 0, status.join(",")));
    out.push(("adjustment statuses".into(), 0, adj.join(",")));
    // The evaluation records of the other branch change state in place: watch those too.
    for (label, sql) in [
        ("assessment stages", "SELECT stage FROM grading_assessments ORDER BY id"),
        ("rectification statuses", "SELECT status FROM grade_rectifications ORDER BY id"),
        ("points application statuses", "SELECT status FROM points_applications ORDER BY id"),
        ("appraisal round statuses", "SELECT status FROM appraisal_rounds ORDER BY id"),
    ] {
        let v: Vec<String> = dangjian_store::on_pool!(db, |p| sqlx::query_scalar(sql).fetch_all(p).await).unwrap();
        out.push((label.into(), 0, v.join(",")));
    }
    let kaohe: Vec<String> =
        dangjian_store::on_pool!(db, |p| sqlx::query_scalar("SELECT state FROM kaohe_schemes ORDER BY id")
            .fetch_all(p)
            .await)
        .unwrap();
    out.push(("kaohe states".into(), 0, kaohe.join(",")));
    out
}

/// A published quiz for `org`, open today, answered by `member`.
async fn quiz_of(db: &Db, org: i64, member: i64) -> i64 {
    let quiz = dangjian_domain::quiz::text::parse("题\nA. 甲\nB. 乙\n答案：A", false).unwrap();
    let today = dangjian_domain::clock::from_micros(dangjian_domain::clock::now_micros()).date().to_string();
    let input =
        quizzes::QuizInput {
            org_id: org, title: "第二支部测试", opens_on: &today, closes_on: &today, quiz: &quiz
        };
    let id = quizzes::create(db, &input, None, 0).await.unwrap();
    quizzes::set_state(db, id, "draft", "published", 0).await.unwrap();
    quizzes::submit(db, id, member, &[vec![0]], 10, 10, 0).await.unwrap();
    id
}

#[tokio::test]
async fn every_platform_route_refuses_another_branchs_identifiers() {
    for app in apps().await {
        let l = app.label();
        let db = app.db();
        let t = tree(&app).await;
        let branch_c = orgs::insert(
            db,
            &NewOrg {
                parent_id: Some(t.committee),
                kind: "branch".into(),
                name: "第三党支部".into(),
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let b_member = t.b_members[0];
        let above = account(&app, "jiguan", &["officer"], &[], 0).await;
        dangjian_store::users::set_platform_binding(db, above, Some(t.committee), None).await.unwrap();
        let meeting = meetings::insert(
            db,
            &meetings::NewMeeting {
                org_id: t.branch_b,
                kind: "branch_general_meeting".into(),
                held_on: "2024-03-01".into(),
                topic: "第二支部党员大会".into(),
                attendance: vec![(b_member, true, String::new())],
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let file =
            meetings::add_file(db, meeting, "签到表.pdf", "application/pdf", b"%PDF-1.4 test", above, 0).await.unwrap();
        let transfer = transfers::create(db, b_member, t.branch_b, branch_c, "2024-03-01", "2024-05-30", "", above, 0)
            .await
            .unwrap();
        let adjustment = adjustments::insert(
            db,
            &adjustments::NewAdjustment {
                member_id: b_member,
                kind: "exempt".into(),
                monthly_amount: None,
                from_month: "2024-01".into(),
                through_month: "2024-06".into(),
                branch_discussed_on: "2024-01-05".into(),
                reason: "困难".into(),
            },
            above,
            0,
        )
        .await
        .unwrap();

        // Evaluation records of branch B: an assessment submitted to 自评 with a removal and
        // a rectification item, a ledger line, a pending application, an open appraisal round.
        let year = time::OffsetDateTime::now_utc().year();
        let body = serde_json::to_string(&dangjian_domain::eval::standard::default_standard()).unwrap();
        let standard =
            dangjian_store::grading::insert_standard(db, "branch_standard", 1, &body, None, 0).await.unwrap();
        let assessment =
            dangjian_store::grading::open_assessment(db, t.branch_b, year, "annual", standard, 0).await.unwrap();
        let submitted = dangjian_store::grading::FlowUpdate { stage: "self_assessed".into(), ..Default::default() };
        dangjian_store::grading::transition(db, assessment.id, "draft", &submitted, None, 0).await.unwrap();
        let _ = dangjian_store::grading::record_grade(
            db,
            &dangjian_store::grading::EarlierGrade {
                org_id: t.branch_b,
                year: year - 1,
                on_date: format!("{}-01-10", year - 1),
                grade: "standard".into(),
                four_strong: false,
                total: "85.00".into(),
            },
            0,
        )
        .await
        .unwrap();
        let removal = dangjian_store::grading::FinalGrade {
            on_date: format!("{year}-01-01"),
            grade: "substandard".into(),
            four_strong: false,
            total: "70.00".into(),
            removal: Some(dangjian_store::grading::NewRemoval {
                check_kind: "spot_check".into(),
                from_grade: "standard".into(),
                to_grade: "substandard".into(),
                four_strong_revoked: false,
                reasons: "抽查".into(),
                rectifications: vec![dangjian_store::grading::NewRectification {
                    aspect: "组织生活".into(),
                    item: "org_life.themed_day".into(),
                    name: "主题党日".into(),
                    lost: "5".into(),
                    vetoed: false,
                    note: String::new(),
                }],
            }),
        };
        let spot =
            dangjian_store::grading::open_assessment(db, t.branch_b, year, "spot_check", standard, 0).await.unwrap();
        let done = dangjian_store::grading::FlowUpdate { stage: "final".into(), ..Default::default() };
        dangjian_store::grading::transition(db, spot.id, "draft", &done, Some(&removal), 0).await.unwrap();
        let rectification = dangjian_store::grading::removals(db, t.branch_b).await.unwrap()[0].1[0].id;
        let line = dangjian_store::points::NewLine {
            member_id: b_member,
            on_date: format!("{year}-01-02"),
            action: "quiz".into(),
            points: "5.00".into(),
            reverses: None,
            reason: "知识测试".into(),
            event_key: None,
        };
        let entry = dangjian_store::points::append_with(db, b_member, year, None, 0, |_| {
            Ok::<_, dangjian_store::StoreError>(Some(line))
        })
        .await
        .unwrap()
        .unwrap()
        .unwrap();
        let application =
            dangjian_store::points::apply(db, b_member, "good_deed", &format!("{year}-01-03"), "1", "证明", 0)
                .await
                .unwrap();
        dangjian_store::appraisal::open(db, t.branch_b, year, &[(b_member, "full".into())], 0).await.unwrap();
        // A 考核 scheme of the other branch, open, with a 日常 score, an offline group and a
        // rater of its own.
        let mut foreign = dangjian_domain::eval::assessment::Scheme::with_defaults(
            "walk",
            "第二支部考核",
            dangjian_domain::eval::assessment::SubjectKind::Branch,
            vec![t.branch_b],
            vec![dangjian_domain::eval::assessment::Indicator {
                code: "i1".into(),
                name: "政治建设".into(),
                weight: rust_decimal::Decimal::ONE,
            }],
        );
        foreign.groups[1].source = dangjian_domain::eval::assessment::Source::Offline;
        foreign.groups[1].accepts_points = true;
        let scheme = kaohe::create(db, t.branch_b, &foreign, Some(above), 0).await.unwrap();
        kaohe::assign(db, scheme, &[above], "leaders", &[t.branch_b]).await.unwrap();
        kaohe::transition(db, scheme, "draft", "open", None, 0).await.unwrap();
        kaohe::set_daily(db, scheme, &[(t.branch_b, rust_decimal::Decimal::from(80))]).await.unwrap();
        // A published 知识测试 of the other branch with an attempt by its member.
        let quiz = quiz_of(db, t.branch_b, b_member).await;
        let activity = dangjian_store::volunteer::create(
            db,
            &dangjian_store::volunteer::NewActivity {
                org_id: t.branch_b,
                held_on: "2024-03-01",
                title: "第二支部志愿服务",
                place: "",
                description: "",
            },
            &[(b_member, "2".into())],
            None,
            0,
        )
        .await
        .unwrap();

        let sec = account(&app, "sec_a", &["officer"], &[], 0).await;
        dangjian_store::users::set_platform_binding(db, sec, Some(t.branch_a), None).await.unwrap();
        let own = account(&app, "zhangsan", &["member"], &[], 0).await;
        dangjian_store::users::set_platform_binding(db, own, None, Some(t.a_members[0])).await.unwrap();

        // A body naming the other branch's records in every field a handler might read.
        let body = format!(
            "member_id={b_member}&adjustment_id={adjustment}&category=in_service&base=5000&month=2024-03&amount=25\
             &paid_on=2024-03-05&method=x&kind=exempt&from_month=2024-01&through_month=2024-02\
             &branch_discussed_on=2024-01-01&reason=x&note=x&name=%E6%B5%8B&id_number=110105199003071239\
             &step=apply&on_date=2024-01-01&to_org={branch_c}&topic=x&held_on=2024-03-01&present={b_member}\
             &token=x&group_id={}&parent_id={}&year={year}&application_id={application}&entry_id={entry}\
             &rectification_id={rectification}&done_note=x&enabled=on&action=quiz&quantity=1&evidence=x\
             &h{b_member}=5&mark.{b_member}=excellent&grade.{b_member}=qualified&feedback.{b_member}=x&v.support.venue=0\
             &group=leaders&group=members&group=served&user={above}&mode=all\
             &subject={}&count=2&p0=90&d{}=50&f=0&m{}_0=0&confirm_invalid=1",
            t.branch_b, t.branch_b, t.branch_b, t.branch_b, t.branch_b
        );
        let id_for = |path: &str| -> i64 {
            if path.starts_with("/platform/orgs/") {
                t.branch_b
            } else if path.starts_with("/platform/members/") {
                b_member
            } else if path.starts_with("/platform/kaohe/") {
                scheme
            } else if path.starts_with("/platform/quizzes/") || path.starts_with("/platform/me/quizzes/") {
                quiz
            } else if path.starts_with("/platform/volunteer/") {
                activity
            } else if path.starts_with("/platform/meetings/") {
                meeting
            } else {
                transfer
            }
        };
        let base = [
            "base", "pay", "apply", "approve", "reject", "dispatch", "receive", "receipt", "cancel", "subjects",
            "open", "close", "publish", "assign", "tokens", "daily", "offline",
        ];
        let actions: Vec<&str> =
            base.iter().copied().chain(EVAL_ACTIONS.iter().copied().filter(|a| !base.contains(a))).collect();
        let before = counts(db).await;
        for user in ["sec_a", "zhangsan"] {
            let mut c = Client::new(&app);
            assert_eq!(c.login(user, PW).await.status, StatusCode::SEE_OTHER, "{l}");
            let mut walked = 0;
            for (method, path) in ID_ROUTES {
                let with_ids = path.replace("{id}", &id_for(path).to_string()).replace("{file}", &file.to_string());
                let uris: Vec<String> = if with_ids.contains("{action}") {
                    actions.iter().map(|a| with_ids.replace("{action}", a)).collect()
                } else {
                    vec![with_ids]
                };
                for uri in uris {
                    let bodies: &[&str] = if *method == "POST" { &["", &body] } else { &[""] };
                    for b in bodies {
                        let r = c.send(method, &uri, (*method == "POST").then_some(*b), &[]).await;
                        assert!(
                            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::FORBIDDEN,
                            "{l}: {user} {method} {uri} with body {:?} answered {}",
                            &b[..b.len().min(40)],
                            r.status
                        );
                        walked += 1;
                    }
                }
            }
            assert!(walked > 40, "{l}: only {walked} requests");
        }
        assert_eq!(counts(db).await, before, "{l}: the walk changed data");
        // The identifiers were real: the committee's officer reaches them.
        let mut c = Client::new(&app);
        c.login("jiguan", PW).await;
        for uri in [
            format!("/platform/orgs/{}", t.branch_b),
            format!("/platform/members/{b_member}"),
            format!("/platform/meetings/{meeting}"),
            format!("/platform/meetings/{meeting}/files/{file}"),
            format!("/platform/orgs/{}/grading", t.branch_b),
            format!("/platform/orgs/{}/points", t.branch_b),
            format!("/platform/orgs/{}/appraisal", t.branch_b),
            format!("/platform/members/{b_member}/points"),
            format!("/platform/kaohe/{scheme}"),
            format!("/platform/kaohe/{scheme}/ballot"),
            format!("/platform/quizzes/{quiz}"),
            format!("/platform/volunteer/{activity}"),
            format!("/platform/orgs/{}/volunteer", t.branch_b),
        ] {
            assert_eq!(c.get(&uri).await.status, StatusCode::OK, "{l}: {uri}");
        }
    }
}
