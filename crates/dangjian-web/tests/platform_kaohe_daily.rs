//! 党建考核 日常得分 taken from platform records, on SQLite and (when configured)
//! PostgreSQL: a member scheme proposes each member's 量化评议指数, a branch scheme the
//! branch's 达标定级 score or, without one, its 三会一课 on-time rate; opening the page
//! saves nothing, and the officer's confirmation goes through the ordinary save.

mod support;

use axum::http::StatusCode;
use dangjian_store::{Db, grading, meetings};
use support::{
    App, apps,
    client::{Client, urlenc},
    tree::{Tree, officer, signed_in, this_year, tree},
};

async fn daily_rows(app: &App) -> i64 {
    dangjian_store::on_pool!(app.db(), |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM kaohe_daily")
        .fetch_one(p)
        .await)
    .unwrap()
}

async fn scheme(c: &mut Client<'_>, t: &Tree, kind: &str, daily: &str) -> String {
    let form = format!(
        "name={}&org_id={}&kind={kind}&indicators={}&groups={}&daily={daily}",
        urlenc("年度考核"),
        t.committee,
        urlenc("工作实绩 100"),
        urlenc("本支部党员 100 内部"),
    );
    let r = c.post("/platform/kaohe", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.header("location").to_owned()
}

/// The value the records page puts in a subject's input.
fn proposed(body: &str, subject: i64) -> String {
    let at = body.find(&format!("name=\"d{subject}\" value=\"")).unwrap_or_else(|| panic!("d{subject} missing"));
    body[at..].split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

async fn hold(db: &Db, org_id: i64, year: i32, total: &str) {
    let g = grading::EarlierGrade {
        org_id,
        year,
        on_date: format!("{year}-01-10"),
        grade: "standard".into(),
        four_strong: false,
        total: total.into(),
    };
    grading::record_grade(db, &g, 0).await.unwrap();
}

#[tokio::test]
async fn a_member_scheme_proposes_each_members_index_and_saves_only_when_confirmed() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        officer(&app, "jiguan", t.committee).await;
        let y = this_year();
        let (zhang, li, wang) = (t.a_members[0], t.a_members[1], t.b_members[0]);
        // 张三 attends, 李四 is absent: the meeting grants points at once.
        meetings::insert(
            app.db(),
            &meetings::NewMeeting {
                org_id: t.branch_a,
                kind: "party_lecture".into(),
                held_on: format!("{y}-01-15"),
                topic: "党课".into(),
                attendance: vec![(zhang, true, String::new()), (li, false, String::new())],
                ..Default::default()
            },
            0,
        )
        .await
        .unwrap();
        let mut c = signed_in(&app, "jiguan").await;
        assert_eq!(
            c.post(&format!("/platform/orgs/{}/points/sync", t.branch_a), &format!("year={y}")).await.status,
            StatusCode::OK,
            "{l}"
        );
        let url = scheme(&mut c, &t, "member", "40").await;
        let r = c.get(&format!("{url}/daily/records?year={y}")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        // 张三: 2 points → 2, attendance 1/1 → 100, no 民主评议 yet so the weights 0.4 and
        // 0.3 become 4/7 and 3/7: (0.4 × 2 + 0.3 × 100) / 0.7 = 44.00.
        assert_eq!(proposed(&r.body, zhang), "44.00", "{l}");
        assert!(r.body.contains("党员量化评议指数 44"), "{l}");
        // 李四's points are below zero (clamped to 0) and attendance 0/1: 0. 王五 has no
        // attendance, so the index is his points alone: 0.
        assert_eq!(proposed(&r.body, li), "0.00", "{l}");
        assert_eq!(proposed(&r.body, wang), "0.00", "{l}");
        // The member's own page shows the same index.
        let page = c.get(&format!("/platform/members/{zhang}/points?year={y}")).await;
        assert!(page.body.contains("44.00"), "{l}: the two pages agree");
        assert_eq!(daily_rows(&app).await, 0, "{l}: opening the page saves nothing");

        // The officer corrects one number and saves.
        let r = c.post(&format!("{url}/daily"), &format!("d{zhang}=44.00&d{li}=5.5&d{wang}=0.00")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(daily_rows(&app).await, 3, "{l}");
        let r = c.get(&format!("{url}/daily/records?year={y}")).await;
        assert!(r.body.contains("<td class=\"num\">5.5</td>"), "{l}: the saved value is shown beside the proposal");

        // A member cannot open it; another committee's officer gets a 404.
        let member = support::client::account(&app, "zhangsan", &["member"], &[], 0).await;
        dangjian_store::users::set_platform_binding(app.db(), member, None, Some(zhang)).await.unwrap();
        let mut m = signed_in(&app, "zhangsan").await;
        assert_eq!(m.get(&format!("{url}/daily/records")).await.status, StatusCode::FORBIDDEN, "{l}");
        officer(&app, "sec_b", t.branch_b).await;
        let mut other = signed_in(&app, "sec_b").await;
        assert_eq!(other.get(&format!("{url}/daily/records")).await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn a_branch_scheme_proposes_the_grading_score_else_the_meeting_rate() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        officer(&app, "jiguan", t.committee).await;
        // Last year, so every period but December is over.
        let y = this_year() - 1;
        hold(app.db(), t.branch_a, y, "91.50").await;
        let mut c = signed_in(&app, "jiguan").await;
        let url = scheme(&mut c, &t, "branch", "50").await;
        let r = c.get(&format!("{url}/daily/records?year={y}")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert_eq!(proposed(&r.body, t.branch_a), "91.50", "{l}");
        assert!(r.body.contains("达标定级得分 91.5"), "{l}");
        // 第二党支部 has no grade and held no meeting: every decided period is missing.
        assert_eq!(proposed(&r.body, t.branch_b), "0.00", "{l}");
        assert!(r.body.contains("三会一课按时开展率 0"), "{l}");

        // A scheme without a 日常 part has nothing to propose.
        let plain = scheme(&mut c, &t, "branch", "").await;
        let r = c.get(&format!("{plain}/daily/records")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.body.contains("本方案不计日常得分"), "{l}");
    }
}
