//! 达标定级 beyond the annual flow: a spot check (抽查) by the 机关党委 that removes a held
//! grade with reasons and rectification items, or confirms it and leaves the history alone;
//! and the 工委's 四强党支部 designation on top of 达标, refused below it, revoked with a
//! reason; a spot check saved as a draft over several visits before it is concluded. Each
//! runs on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_domain::eval::standard::{ItemKind, default_standard};
use dangjian_store::{Db, audit, grading};
use support::{
    App, apps,
    client::urlenc,
    tree::{Tree, officer, signed_in, this_year, tree},
};

async fn setup(app: &App) -> Tree {
    let t = tree(app).await;
    officer(app, "sec_a", t.branch_a).await;
    officer(app, "jiguan", t.committee).await;
    officer(app, "gongwei", t.root).await;
    t
}

/// A full sheet: nothing deducted, full marks on scored items, and the veto items as given.
fn sheet(year: i32, vetoes: &[&str]) -> String {
    let mut f = format!("year={year}");
    for (_, i) in default_standard().items() {
        match i.kind {
            ItemKind::Veto => {
                if vetoes.contains(&i.code.as_str()) {
                    f.push_str(&format!("&v.{}=on", i.code));
                }
            }
            _ if i.auto.is_some() => {}
            ItemKind::Scored => f.push_str(&format!("&v.{}={}", i.code, i.max_points)),
            _ => f.push_str(&format!("&v.{}=0", i.code)),
        }
    }
    f
}

async fn hold(db: &Db, org_id: i64, year: i32, grade: &str, four_strong: bool) {
    let g = grading::EarlierGrade {
        org_id,
        year,
        on_date: format!("{year}-01-10"),
        grade: grade.into(),
        four_strong,
        total: "91.00".into(),
    };
    grading::record_grade(db, &g, 0).await.unwrap();
}

async fn audited(db: &Db, action: &str) -> Vec<audit::Event> {
    audit::list(db, &audit::Filter { action: Some(action.into()), limit: 10, ..Default::default() }).await.unwrap()
}

#[tokio::test]
async fn a_spot_check_below_the_band_removes_the_grade_and_opens_rectification() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        hold(db, t.branch_a, y - 1, "model", true).await;
        let url = format!("/platform/orgs/{}/spot-check", t.branch_a);

        // The branch sees the page but neither opens nor scores its own spot check.
        let mut sec = signed_in(&app, "sec_a").await;
        let r = sec.get(&format!("{url}?year={y}")).await;
        assert!(r.status == StatusCode::OK && r.body.contains("尚未抽查"), "{l}: {}", r.status);
        assert!(!r.body.contains("spot-check/open"), "{l}");
        assert_eq!(sec.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(sec.post(&format!("{url}/conclude"), &sheet(y, &[])).await.status, StatusCode::FORBIDDEN);
        assert!(grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().is_none(), "{l}");

        // The 机关党委 opens it; nothing to conclude before that, unknown actions are 404.
        let mut jg = signed_in(&app, "jiguan").await;
        assert_eq!(jg.post(&format!("{url}/conclude"), &sheet(y, &[])).await.status, StatusCode::NOT_FOUND);
        assert_eq!(jg.post(&format!("{url}/nope"), &format!("year={y}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(jg.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER);
        let page = jg.get(&format!("{url}?year={y}")).await;
        assert!(page.body.contains("提交抽查结果") && page.body.contains("三会一课完成率"), "{l}: the same sheet");
        assert!(page.body.contains("示范（四强党支部）"), "{l}: the held grade is shown");

        // Bad input: a clear message and nothing written.
        let bad = sheet(y, &[]).replace("v.support.venue=0", "v.support.venue=abc");
        assert!(jg.post(&format!("{url}/conclude"), &bad).await.body.contains("党员活动场所”的分值应为数字"), "{l}");
        let r = jg.post(&format!("{url}/conclude"), &format!("year={y}")).await;
        assert!(r.body.contains("尚未评分"), "{l}");
        let a = grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().unwrap();
        assert_eq!(a.stage, "draft", "{l}");
        assert!(grading::entries(db, a.id, "reviewed").await.unwrap().is_empty(), "{l}");

        // A veto found on the spot: concluded at once, the grade and 四强 fall, items open.
        let r = jg.post(&format!("{url}/conclude"), &sheet(y, &["veto.incident"])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let a = grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().unwrap();
        assert_eq!((a.stage.as_str(), a.grade.as_deref()), ("final", Some("substandard")), "{l}");
        assert!(a.self_total.is_none() && a.notice_from.is_none(), "{l}: no self-assessment, no notice");
        let history = grading::history(db, t.branch_a).await.unwrap();
        assert_eq!(history.iter().map(|g| g.grade.as_str()).collect::<Vec<_>>(), ["model", "substandard"], "{l}");
        assert!(!history[1].four_strong, "{l}");
        let removals = grading::removals(db, t.branch_a).await.unwrap();
        assert_eq!(removals.len(), 1, "{l}");
        let (removal, items) = &removals[0];
        assert_eq!((removal.check_kind.as_str(), removal.assessment_id), ("spot_check", Some(a.id)), "{l}");
        assert!(removal.reasons.contains("触发一票否决") && removal.four_strong_revoked, "{l}: {removal:?}");
        assert!(items.iter().any(|i| i.vetoed && i.item == "veto.incident"), "{l}");
        let r = jg.post(&format!("{url}/conclude"), &sheet(y, &[])).await;
        assert!(r.body.contains("阶段不能抽查评分"), "{l}: concluded once");
        assert_eq!(grading::removals(db, t.branch_a).await.unwrap().len(), 1, "{l}");
        let ev = audited(db, "grading.spot_conclude").await;
        assert_eq!((ev.len(), ev[0].username.as_str()), (1, "jiguan"), "{l}");
        assert_eq!(audited(db, "grading.spot_open").await.len(), 1, "{l}");

        // The branch's grading page shows the removal by the spot check, its items, and the check.
        let g = sec.get(&format!("/platform/orgs/{}/grading?year={y}", t.branch_a)).await;
        assert!(g.body.contains("抽查，由“示范”调整为“未达标”"), "{l}: the removal");
        assert!(g.body.contains("同时取消“四强党支部”命名") && g.body.contains("待整改"), "{l}");
        assert!(g.body.contains("由“示范”调整为“未达标”</td>"), "{l}: the spot check in the list");
        assert!(g.body.contains("现有等次：<strong>未达标</strong>"), "{l}");
    }
}

#[tokio::test]
async fn a_spot_check_that_finds_nothing_to_remove_keeps_the_history() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        hold(db, t.branch_b, y - 1, "substandard", false).await;
        let url = format!("/platform/orgs/{}/spot-check", t.branch_b);
        // The 工委 is above every branch and may check too.
        let mut gw = signed_in(&app, "gongwei").await;
        assert_eq!(gw.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER);
        let r = gw.post(&format!("{url}/conclude"), &sheet(y, &[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(grading::history(db, t.branch_b).await.unwrap().len(), 1, "{l}: the history is unchanged");
        assert!(grading::removals(db, t.branch_b).await.unwrap().is_empty(), "{l}");
        let page = gw.get(&format!("{url}?year={y}")).await;
        assert!(page.body.contains("未改变现有等次") && page.body.contains("抽查评分："), "{l}");
        assert!(!page.body.contains("提交抽查结果"), "{l}: no form once concluded");
        let g = gw.get(&format!("/platform/orgs/{}/grading?year={y}", t.branch_b)).await;
        assert!(g.body.contains("未改变现有等次</td>"), "{l}: listed with the branch's checks");
    }
}

#[tokio::test]
async fn the_committee_designates_four_strong_on_top_of_standard_and_revokes_it() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        hold(db, t.branch_a, y - 1, "standard", false).await;
        hold(db, t.branch_b, y - 1, "substandard", false).await;
        let all = "c.political=on&c.committee=on&c.membership=on&c.role=on";
        let reason = urlenc("四项条件经考察均达到");
        let a_url = format!("/platform/orgs/{}/grading", t.branch_a);
        let b_url = format!("/platform/orgs/{}/grading", t.branch_b);

        // Only the 工委: neither the branch nor the 机关党委.
        let mut sec = signed_in(&app, "sec_a").await;
        let mut jg = signed_in(&app, "jiguan").await;
        for c in [&mut sec, &mut jg] {
            let r = c.post(&format!("{a_url}/designate"), &format!("year={y}&{all}&reason={reason}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        }
        let mut gw = signed_in(&app, "gongwei").await;
        assert!(!gw.get(&b_url).await.body.contains("/grading/designate"), "{l}: not offered below 达标");
        // Refusals, each with a clear message and nothing written.
        let r = gw.post(&format!("{b_url}/designate"), &format!("year={y}&{all}&reason={reason}")).await;
        assert!(r.body.contains("现有等次为“未达标”，须先达标方可命名“四强党支部”"), "{l}: {}", r.status);
        let r = gw.post(&format!("{a_url}/designate"), &format!("year={y}&c.political=on&reason={reason}")).await;
        assert!(r.body.contains("未达到“作用发挥强”"), "{l}");
        let r = gw.post(&format!("{a_url}/designate"), &format!("year={y}&{all}&reason=")).await;
        assert!(r.body.contains("须填写命名或撤销的理由"), "{l}");
        let r = gw.post(&format!("{a_url}/revoke"), &format!("year={y}&reason={reason}")).await;
        assert!(r.body.contains("不是“四强党支部”"), "{l}");
        assert_eq!(grading::history(db, t.branch_a).await.unwrap().len(), 1, "{l}");
        assert_eq!(grading::history(db, t.branch_b).await.unwrap().len(), 1, "{l}");

        // Designated: a history row keeping 达标, with the reason; shown on the page.
        assert!(gw.get(&a_url).await.body.contains("/grading/designate"), "{l}");
        let r = gw.post(&format!("{a_url}/designate"), &format!("year={y}&{all}&reason={reason}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let h = grading::history(db, t.branch_a).await.unwrap();
        let last = h.last().unwrap();
        assert_eq!((h.len(), last.grade.as_str(), last.four_strong), (2, "standard", true), "{l}");
        assert!(last.note.contains("四项条件经考察均达到"), "{l}: {}", last.note);
        let page = sec.get(&a_url).await;
        assert!(page.body.contains("现有等次：<strong>达标 · 四强党支部</strong>"), "{l}");
        assert!(page.body.contains("命名“四强党支部”：四项条件经考察均达到"), "{l}");
        let r = gw.post(&format!("{a_url}/designate"), &format!("year={y}&{all}&reason={reason}")).await;
        assert!(r.body.contains("已命名为“四强党支部”"), "{l}");
        let o = gw.get(&format!("/platform/grading?year={y}")).await;
        assert!(o.body.contains("达标 · 四强"), "{l}: the overview shows it");
        let stats = o.between("<table class=\"grid stats stack\">", "</table>");
        let counts = r#"<td data-label="示范">0</td><td data-label="达标">1</td><td data-label="未达标">1</td><td data-label="其中四强">1</td><td data-label="合计">2</td>"#;
        assert!(stats.contains(counts), "{l}: 四强 counted: {stats}");

        // Revoked with a reason; 达标 stays.
        let r = gw.post(&format!("{a_url}/revoke"), &format!("year={y}&reason=")).await;
        assert!(r.body.contains("须填写命名或撤销的理由"), "{l}");
        let r = gw.post(&format!("{a_url}/revoke"), &format!("year={y}&reason={}", urlenc("作用发挥不明显"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let h = grading::history(db, t.branch_a).await.unwrap();
        let last = h.last().unwrap();
        assert_eq!((h.len(), last.grade.as_str(), last.four_strong), (3, "standard", false), "{l}");
        assert!(sec.get(&a_url).await.body.contains("撤销“四强党支部”：作用发挥不明显"), "{l}");
        assert_eq!(audited(db, "grading.designate").await.len(), 1, "{l}");
        assert_eq!(audited(db, "grading.revoke").await.len(), 1, "{l}");
    }
}

#[tokio::test]
async fn a_spot_check_is_saved_over_several_visits_and_concluded_once() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        hold(db, t.branch_a, y - 1, "standard", false).await;
        let url = format!("/platform/orgs/{}/spot-check", t.branch_a);
        let mut jg = signed_in(&app, "jiguan").await;
        assert_eq!(jg.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER);
        let a = grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().unwrap();
        let page = jg.get(&format!("{url}?year={y}")).await;
        assert!(page.body.contains("spot-check/save") && !page.body.contains("已暂存"), "{l}");

        // The branch cannot save its own check; bad input is refused and nothing is stored.
        let mut sec = signed_in(&app, "sec_a").await;
        let first = format!("year={y}&v.support.venue=2&n.support.venue={}", urlenc("场所面积不足"));
        assert_eq!(sec.post(&format!("{url}/save"), &first).await.status, StatusCode::FORBIDDEN, "{l}");
        let r = jg.post(&format!("{url}/save"), &format!("year={y}&v.support.venue=abc")).await;
        assert!(r.body.contains("党员活动场所”的分值应为数字"), "{l}");
        assert!(grading::entries(db, a.id, "reviewed").await.unwrap().is_empty(), "{l}");

        // First visit: one item scored, kept as a draft and shown again.
        assert_eq!(jg.post(&format!("{url}/save"), &first).await.status, StatusCode::SEE_OTHER, "{l}");
        let saved = grading::entries(db, a.id, "reviewed").await.unwrap();
        let venue = saved.iter().find(|e| e.item == "support.venue").expect("the venue line");
        assert_eq!((venue.value.as_str(), venue.note.as_str()), ("2", "场所面积不足"), "{l}");
        let a2 = grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().unwrap();
        assert_eq!((a2.stage.as_str(), a2.grade.as_deref()), ("draft", None), "{l}: still being scored");
        assert_eq!(grading::history(db, t.branch_a).await.unwrap().len(), 1, "{l}: no grade written");
        let page = jg.get(&format!("{url}?year={y}")).await;
        assert!(page.body.contains("已暂存") && page.body.contains("评分中"), "{l}");
        assert!(page.body.contains(r#"name="v.support.venue" inputmode="decimal" value="2""#), "{l}: the value again");
        assert!(page.body.contains(r#"value="场所面积不足""#), "{l}: the note again");

        // Second visit, by the 工委's officer: the whole sheet, concluded; the grade stands.
        let mut gw = signed_in(&app, "gongwei").await;
        let r = gw.post(&format!("{url}/conclude"), &sheet(y, &[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let done = grading::assessment_for(db, t.branch_a, y, "spot_check").await.unwrap().unwrap();
        assert_eq!(done.stage, "final", "{l}");
        let lines = grading::entries(db, a.id, "reviewed").await.unwrap();
        assert_eq!(lines.iter().find(|e| e.item == "support.venue").unwrap().value, "0", "{l}: the concluded sheet");

        // Concluded: saving is refused in words and changes nothing.
        let r = jg.post(&format!("{url}/save"), &first).await;
        assert!(r.body.contains("该抽查已完成，不能再修改"), "{l}: {}", r.status);
        assert_eq!(grading::entries(db, a.id, "reviewed").await.unwrap(), lines, "{l}");
        let page = jg.get(&format!("{url}?year={y}")).await;
        assert!(!page.body.contains("已暂存") && page.body.contains("抽查评分："), "{l}");
        assert_eq!(audited(db, "grading.spot_save").await.len(), 1, "{l}");
    }
}

#[tokio::test]
async fn the_overview_is_read_one_department_or_one_stage_at_a_time() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        // A second department with one branch, graded already.
        let o = |parent, kind: &str, name: &str| dangjian_store::orgs::NewOrg {
            parent_id: Some(parent),
            kind: kind.into(),
            name: name.into(),
            ..Default::default()
        };
        let dept =
            dangjian_store::orgs::insert(db, &o(t.root, "organs_committee", "市教育局机关党委"), 0).await.unwrap();
        let c = dangjian_store::orgs::insert(db, &o(dept, "branch", "教研党支部"), 0).await.unwrap();
        hold(db, c, y, "standard", false).await;
        let mut gw = signed_in(&app, "gongwei").await;
        let all = gw.get(&format!("/platform/grading?year={y}")).await;
        assert!(all.body.contains("共 3 个党支部"), "{l}");
        assert!(all.body.contains("尚未开始 3</a>"), "{l}: the stage counts");
        assert!(all.body.contains(r#"<option value="市教育局机关党委">"#), "{l}: departments offered");

        let one = gw.get(&format!("/platform/grading?year={y}&dept={}", urlenc("市教育局机关党委"))).await;
        assert!(one.body.contains("教研党支部") && !one.body.contains("第一党支部"), "{l}");
        assert!(one.body.contains("市教育局机关党委 1 个"), "{l}");
        let none = gw.get(&format!("/platform/grading?year={y}&stage={}", urlenc("已定级"))).await;
        assert!(none.body.contains("没有符合条件的党支部"), "{l}");
        let waiting = gw.get(&format!("/platform/grading?year={y}&stage={}", urlenc("尚未开始"))).await;
        for name in ["第一党支部", "第二党支部", "教研党支部"] {
            assert!(waiting.body.contains(name), "{l}: {name}");
        }
        // The statistics below still count every department.
        let stats = none.between("<table class=\"grid stats stack\">", "</table>");
        assert!(stats.contains("市教育局机关党委"), "{l}: {stats}");
    }
}
