//! Evaluation pages: 达标定级 through the whole flow with the 退出机制, 党性积分 with
//! automatic entries, applications, reversals and the rankings switch, and 民主评议党员
//! with its quota and follow-up rules; the 工委's pages that edit the standard, the points
//! catalogue and the index weights; points granted as meetings and payments are recorded. Each runs on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_domain::eval::{
    member_index::{IndexConfig, MissingPart},
    standard::{ItemKind, Standard, default_standard},
};
use dangjian_store::{Db, grading, meetings, points};
use support::{
    App, apps,
    client::urlenc,
    tree::{Tree, member, officer, signed_in, this_year, tree},
};

/// A full sheet: nothing deducted, full marks on scored items, evidence everywhere it is
/// asked for, and the veto items as given.
fn sheet(year: i32, vetoes: &[&str], evidence: bool) -> String {
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
        if evidence && !i.evidence.is_empty() && i.kind != ItemKind::Bonus {
            f.push_str(&format!("&e.{}={}", i.code, urlenc("材料目录")));
        }
    }
    f
}

async fn stage(db: &Db, org: i64, year: i32) -> String {
    grading::assessment_for(db, org, year, "annual").await.unwrap().map(|a| a.stage).unwrap_or_default()
}

async fn setup(app: &App) -> Tree {
    let t = tree(app).await;
    officer(app, "sec_a", t.branch_a).await;
    officer(app, "jiguan", t.committee).await;
    officer(app, "gongwei", t.root).await;
    member(app, "zhangsan", t.a_members[0]).await;
    t
}

#[tokio::test]
async fn a_branch_is_graded_through_the_whole_flow_and_a_veto_removes_its_grade() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        // The branch held 示范 from an earlier round.
        grading::record_grade(
            db,
            &grading::EarlierGrade {
                org_id: t.branch_a,
                year: y - 1,
                on_date: format!("{}-01-10", y - 1),
                grade: "model".into(),
                four_strong: true,
                total: "93.00".into(),
            },
            0,
        )
        .await
        .unwrap();
        let url = format!("/platform/orgs/{}/grading", t.branch_a);
        let mut sec = signed_in(&app, "sec_a").await;
        let r = sec.get(&url).await;
        assert!(r.status == StatusCode::OK && r.body.contains("尚未开始"), "{l}: {}", r.status);
        // Only the branch itself opens its self-assessment.
        let mut jg = signed_in(&app, "jiguan").await;
        assert_eq!(jg.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(sec.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(stage(db, t.branch_a, y).await, "draft", "{l}");

        // Refusals: nothing scored, a bad number, missing evidence. Nothing moves.
        let r = sec.post(&format!("{url}/submit"), &format!("year={y}")).await;
        assert!(r.body.contains("尚未评分"), "{l}");
        let bad = sheet(y, &[], true).replace("v.support.venue=0", "v.support.venue=abc");
        let r = sec.post(&format!("{url}/submit"), &bad).await;
        assert!(r.body.contains("党员活动场所”的分值应为数字"), "{l}");
        let r = sec.post(&format!("{url}/submit"), &sheet(y, &[], false)).await;
        assert!(r.body.contains("以下指标需上传佐证材料"), "{l}");
        let over = sheet(y, &[], true).replace("v.support.venue=0", "v.support.venue=9");
        let r = sec.post(&format!("{url}/submit"), &over).await;
        assert!(r.body.contains("的分值须在 0 到 5 之间"), "{l}");
        assert_eq!(stage(db, t.branch_a, y).await, "draft", "{l}");

        // Saving shows the live breakdown; submitting moves to 自评.
        let r = sec.post(&format!("{url}/save"), &sheet(y, &[], true)).await;
        assert!(r.status == StatusCode::OK && r.body.contains("当前填写（未提交）"), "{l}");
        assert!(r.body.contains("三会一课完成率"), "{l}: automatic items are measured");
        let r = sec.post(&format!("{url}/submit"), &sheet(y, &[], true)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(stage(db, t.branch_a, y).await, "self_assessed", "{l}");
        assert!(
            sec.post(&format!("{url}/save"), &sheet(y, &[], true)).await.body.contains("自评已提交，不能再修改"),
            "{l}"
        );
        // The branch cannot score its own 初评; the 机关党委 cannot review.
        assert_eq!(sec.post(&format!("{url}/preliminary"), &sheet(y, &[], true)).await.status, StatusCode::FORBIDDEN);
        let r = jg.post(&format!("{url}/send_back"), &format!("year={y}&reason=")).await;
        assert!(r.body.contains("须填写退回或异议理由"), "{l}");
        let r = jg.post(&format!("{url}/preliminary"), &sheet(y, &["veto.incident"], true)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert_eq!(jg.post(&format!("{url}/review"), &sheet(y, &[], true)).await.status, StatusCode::FORBIDDEN, "{l}");

        let mut gw = signed_in(&app, "gongwei").await;
        let r = gw.post(&format!("{url}/finalise"), &format!("year={y}")).await;
        assert!(r.body.contains("阶段不能定级"), "{l}");
        let r = gw.post(&format!("{url}/review"), &sheet(y, &["veto.incident"], true)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let a = grading::assessment_for(db, t.branch_a, y, "annual").await.unwrap().unwrap();
        assert_eq!((a.stage.as_str(), a.grade.as_deref()), ("reviewed", Some("substandard")), "{l}");
        assert_eq!(gw.post(&format!("{url}/notice"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER);
        let r = gw.post(&format!("{url}/finalise"), &format!("year={y}")).await;
        assert!(r.body.contains("期满后方可定级"), "{l}");
        // Let the notice period run out.
        dangjian_store::on_pool!(db, |p| sqlx::query(
            "UPDATE grading_assessments SET notice_from = '2000-01-01', notice_to = '2000-01-05' WHERE id = $1"
        )
        .bind(a.id)
        .execute(p)
        .await
        .map(|_| ()))
        .unwrap();
        let r = gw.post(&format!("{url}/finalise"), &format!("year={y}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = gw.post(&format!("{url}/finalise"), &format!("year={y}")).await;
        assert!(r.body.contains("阶段不能定级"), "{l}: finalised once");

        // The 退出机制: the grade falls, 四强 with it, and rectification items open.
        let history = grading::history(db, t.branch_a).await.unwrap();
        assert_eq!(history.iter().map(|g| g.grade.as_str()).collect::<Vec<_>>(), ["model", "substandard"], "{l}");
        let removals = grading::removals(db, t.branch_a).await.unwrap();
        assert_eq!(removals.len(), 1, "{l}");
        let (removal, items) = &removals[0];
        assert!(removal.reasons.contains("触发一票否决") && removal.four_strong_revoked, "{l}: {removal:?}");
        assert!(items.iter().any(|i| i.vetoed && i.item == "veto.incident"), "{l}");
        let page = sec.get(&url).await;
        assert!(page.body.contains("退出记录") && page.body.contains("同时取消“四强党支部”命名"), "{l}");
        let item = items[0].id;
        let r = sec.post(&format!("{url}/rectify"), &format!("year={y}&rectification_id={item}&done_note=")).await;
        assert!(r.body.contains("请写明整改情况"), "{l}");
        let r = sec
            .post(
                &format!("{url}/rectify"),
                &format!("year={y}&rectification_id={item}&done_note={}", urlenc("已整改")),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(sec.get(&url).await.body.contains("已整改：已整改"), "{l}");

        // Statistics: the 工委 sees every branch and the export; a branch only itself.
        let o = gw.get(&format!("/platform/grading?year={y}")).await;
        assert!(o.body.contains("第一党支部") && o.body.contains("第二党支部"), "{l}");
        assert!(o.body.contains("市财政局机关党委</td><td data-label=\"年度\">"), "{l}: statistics by department");
        let own = sec.get("/platform/grading").await;
        assert!(own.body.contains("第一党支部") && !own.body.contains("第二党支部"), "{l}");
        let x = gw.get(&format!("/platform/grading.xlsx?year={y}")).await;
        assert!(x.body.starts_with("PK") && x.header("content-disposition").contains("filename*=UTF-8''"), "{l}");
        assert_eq!(gw.get("/platform/grading?year=1990").await.status, StatusCode::NOT_FOUND, "{l}");
        let mut zs = signed_in(&app, "zhangsan").await;
        assert_eq!(zs.get("/platform/grading").await.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn points_come_from_records_once_and_corrections_reverse() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        let (zhang, li) = (t.a_members[0], t.a_members[1]);
        meetings::insert(
            db,
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
        let url = format!("/platform/orgs/{}/points", t.branch_a);
        let mut sec = signed_in(&app, "sec_a").await;
        let r = sec.post(&format!("{url}/sync"), &format!("year={y}")).await;
        assert!(r.body.contains("新增 2 条"), "{l}: {}", r.status);
        let r = sec.post(&format!("{url}/sync"), &format!("year={y}")).await;
        assert!(r.body.contains("新增 0 条"), "{l}: the sync is idempotent");

        let mut zs = signed_in(&app, "zhangsan").await;
        let me = zs.get("/platform/me/points").await;
        assert!(me.body.contains("参加组织生活：党课") && me.body.contains(">2.00</strong>"), "{l}: {}", me.body);
        assert!(me.body.contains("党员量化评议指数") && me.body.contains("组织生活出勤率"), "{l}");
        // Applications: only rules open to application, with evidence.
        for (form, expect) in [
            (format!("action=good_deed&on_date={y}-01-20&quantity=1&evidence="), "请填写佐证材料"),
            (format!("action=quiz&on_date={y}-01-20&quantity=1&evidence=x"), "请选择可以申报的积分项目"),
            ("action=good_deed&on_date=2999-01-01&quantity=1&evidence=x".into(), "不能晚于今天"),
            (format!("action=good_deed&on_date={y}-01-20&quantity=-1&evidence=x"), "数量须为大于 0 的数"),
        ] {
            let r = zs.post("/platform/me/points", &form).await;
            assert!(r.body.contains(expect), "{l}: {form} → {expect}");
        }
        assert!(points::applications_of(db, &[zhang]).await.unwrap().is_empty(), "{l}");
        let r = zs
            .post("/platform/me/points", &format!("action=good_deed&on_date={y}-01-20&evidence={}", urlenc("社区证明")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let app_id = points::applications_of(db, &[zhang]).await.unwrap()[0].id;
        // The member cannot approve; the branch can, once.
        assert_eq!(
            zs.post(&format!("{url}/approve"), &format!("application_id={app_id}")).await.status,
            StatusCode::FORBIDDEN
        );
        let r = sec.post(&format!("{url}/reject"), &format!("year={y}&application_id={app_id}&note=")).await;
        assert!(r.body.contains("不同意时须写明理由"), "{l}");
        let r = sec.post(&format!("{url}/approve"), &format!("year={y}&application_id={app_id}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = sec.post(&format!("{url}/approve"), &format!("year={y}&application_id={app_id}")).await;
        assert!(r.body.contains("已经处理过"), "{l}");
        assert!(zs.get("/platform/me/points").await.body.contains(">4.00</strong>"), "{l}");

        // Points the branch records go through the caps: 志愿服务 8 hours a day at most.
        let r = sec
            .post(
                &format!("{url}/grant"),
                &format!("year={y}&member_id={zhang}&action=volunteer_hour&on_date={y}-02-01&quantity=10"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = sec
            .post(
                &format!("{url}/grant"),
                &format!("year={y}&member_id={}&action=volunteer_hour&on_date={y}-02-01&quantity=1", t.b_members[0]),
            )
            .await;
        assert!(r.body.contains("请选择本支部的党员"), "{l}");
        let me = zs.get("/platform/me/points").await;
        assert!(me.body.contains("已达每日上限 8 分") && me.body.contains(">12.00</strong>"), "{l}");

        // A correction is a reversing entry with a reason; an entry is reversed once.
        let from = format!("{y}-01-01");
        let to = format!("{y}-12-31");
        let lines = points::ledger(db, &[zhang], &from, &to).await.unwrap();
        let attend = lines.iter().find(|e| e.action == "org_life_attendance").unwrap().id;
        let r = sec.post(&format!("{url}/reverse"), &format!("year={y}&entry_id={attend}&reason=")).await;
        assert!(r.body.contains("冲正须填写理由"), "{l}");
        let r = sec
            .post(&format!("{url}/reverse"), &format!("year={y}&entry_id={attend}&reason={}", urlenc("签到有误")))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = sec.post(&format!("{url}/reverse"), &format!("year={y}&entry_id={attend}&reason=x")).await;
        assert!(r.body.contains("已冲正，不能再次冲正"), "{l}");
        let me = zs.get("/platform/me/points").await;
        assert!(me.body.contains("冲正：签到有误") && me.body.contains(">10.00</strong>"), "{l}");
        // Still counted once: the sync does not bring the reversed event back.
        sec.post(&format!("{url}/sync"), &format!("year={y}")).await;
        assert!(zs.get("/platform/me/points").await.body.contains(">10.00</strong>"), "{l}");
        let n = points::ledger(db, &[zhang], &from, &to).await.unwrap().len();
        assert_eq!(n, 4, "{l}: attendance, its reversal, the application and the hours");

        // Rankings are off until the branch turns them on.
        assert!(!sec.get(&url).await.body.contains("<th>排名</th>"), "{l}");
        assert_eq!(
            sec.post(&format!("{url}/rankings"), &format!("year={y}&enabled=on")).await.status,
            StatusCode::SEE_OTHER
        );
        assert!(sec.get(&url).await.body.contains("<th>排名</th>"), "{l}");

        // A member sees only their own points.
        assert_eq!(zs.get(&format!("/platform/members/{li}/points")).await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(zs.get(&format!("/platform/members/{zhang}/points")).await.status, StatusCode::OK, "{l}");
        assert_eq!(zs.get(&url).await.status, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(sec.get(&format!("/platform/members/{li}/points")).await.status, StatusCode::OK, "{l}");
    }
}

#[tokio::test]
async fn appraisal_keeps_the_quota_needs_follow_up_and_feeds_back() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        let (zhang, li) = (t.a_members[0], t.a_members[1]);
        let url = format!("/platform/orgs/{}/appraisal", t.branch_a);
        let mut sec = signed_in(&app, "sec_a").await;
        let r = sec.post(&format!("{url}/ballot"), &format!("year={y}&mark.{zhang}=excellent")).await;
        assert!(r.body.contains("尚未开始"), "{l}");
        assert_eq!(sec.post(&format!("{url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER, "{l}");
        let r = sec.post(&format!("{url}/open"), &format!("year={y}")).await;
        assert!(r.body.contains("已经开始"), "{l}");
        let r = sec.post(&format!("{url}/ballot"), &format!("year={y}")).await;
        assert!(r.body.contains("没有评任何人"), "{l}");
        for marks in [format!("mark.{zhang}=excellent&mark.{li}=qualified"), format!("mark.{zhang}=excellent")] {
            let r = sec.post(&format!("{url}/ballot"), &format!("year={y}&{marks}")).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        }
        let page = sec.get(&url).await;
        assert!(page.body.contains(r#"<strong class="ballots">2</strong>"#), "{l}");
        // Ballots keep no rater.
        let cols: Vec<String> = dangjian_store::on_pool!(db, |p| sqlx::query_scalar::<_, String>(
            "SELECT marks FROM appraisal_ballots ORDER BY marks"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        assert_eq!(cols.len(), 2, "{l}");

        // Deciding waits until voting is closed.
        let r = sec.post(&format!("{url}/decide"), &format!("year={y}&grade.{zhang}=qualified")).await;
        assert!(r.body.contains("请先结束投票"), "{l}");
        assert_eq!(sec.post(&format!("{url}/close"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER, "{l}");
        // Two graded members: 优秀 quota is ⌊2/3⌋ = 0; 不合格 needs a follow-up record.
        let r = sec
            .post(&format!("{url}/decide"), &format!("year={y}&grade.{zhang}=excellent&grade.{li}=unqualified"))
            .await;
        assert!(r.body.contains("超过参评正式党员 2 人的比例上限 0 人"), "{l}: {}", r.body);
        assert!(r.body.contains("李四 评定为不合格，须填写帮教或组织处置记录"), "{l}");
        let r = sec.post(&format!("{url}/decide"), &format!("year={y}&grade.{zhang}=qualified")).await;
        assert!(r.body.contains("李四 尚未评定等次"), "{l}");
        let round = dangjian_store::appraisal::round_for(db, t.branch_a, y).await.unwrap().unwrap();
        assert_eq!(round.status, "closed", "{l}: nothing decided");
        let feedback = urlenc("学习认真，希望多联系群众");
        let r = sec
            .post(
                &format!("{url}/decide"),
                &format!(
                    "year={y}&grade.{zhang}=qualified&feedback.{zhang}={feedback}&grade.{li}=unqualified&follow_up.{li}={}",
                    urlenc("支部书记谈心谈话，限期改正")
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = sec.post(&format!("{url}/ballot"), &format!("year={y}&mark.{zhang}=excellent")).await;
        assert!(r.body.contains("评议已结束"), "{l}");
        // The member reads the result and feedback on their own page; it feeds the index.
        let mut zs = signed_in(&app, "zhangsan").await;
        let me = zs.get("/platform/me/points").await;
        assert!(me.body.contains("学习认真，希望多联系群众") && me.body.contains("<td>合格</td>"), "{l}");
        assert!(me.body.contains("民主评议结果"), "{l}");
        assert_eq!(zs.get(&url).await.status, StatusCode::FORBIDDEN, "{l}");
    }
}

/// The standard as the settings form posts it (`a{i}.*` aspects, `i{j}.*` items).
fn standard_form(s: &Standard, base: u32) -> Vec<(String, String)> {
    let mut f = vec![
        ("base_version".to_owned(), base.to_string()),
        ("name".to_owned(), s.name.clone()),
        ("total_cap".to_owned(), s.total_cap.map(|c| c.to_string()).unwrap_or_default()),
        ("model_min".to_owned(), s.bands.model_min.to_string()),
        ("standard_min".to_owned(), s.bands.standard_min.to_string()),
    ];
    let mut j = 0;
    for (i, a) in s.aspects.iter().enumerate() {
        f.push((format!("a{i}.code"), a.code.clone()));
        f.push((format!("a{i}.name"), a.name.clone()));
        f.push((format!("a{i}.weight"), a.weight.to_string()));
        for item in &a.items {
            let (map, params) = item.auto.as_ref().map(|r| r.mapping.to_form()).unwrap_or(("", String::new()));
            let source = item.auto.as_ref().map(|r| r.source.code()).unwrap_or("");
            for (k, v) in [
                ("aspect", i.to_string()),
                ("code", item.code.clone()),
                ("name", item.name.clone()),
                ("kind", item.kind.code().to_owned()),
                ("max", item.max_points.to_string()),
                ("evidence", item.evidence.clone()),
                ("source", source.to_owned()),
                ("map", map.to_owned()),
                ("params", params),
            ] {
                f.push((format!("i{j}.{k}"), v));
            }
            j += 1;
        }
    }
    f
}

fn body(f: &[(String, String)]) -> String {
    f.iter().map(|(k, v)| format!("{}={}", urlenc(k), urlenc(v))).collect::<Vec<_>>().join("&")
}

fn set(f: &mut [(String, String)], k: &str, v: &str) {
    f.iter_mut().find(|(key, _)| key == k).unwrap_or_else(|| panic!("{k}")).1 = v.to_owned();
}

#[tokio::test]
async fn the_committee_edits_the_standard_and_each_save_is_a_new_version() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let y = this_year();
        let url = "/platform/grading/standard";
        let mut gw = signed_in(&app, "gongwei").await;
        let r = gw.get(url).await;
        assert!(r.status == StatusCode::OK && r.body.contains("现行为第 1 版"), "{l}: {}", r.status);
        assert!(gw.get("/platform/grading").await.body.contains(r#"href="/platform/grading/standard""#), "{l}");
        // Only the 工委's own officers: not a 机关党委, a branch or a member.
        for who in ["jiguan", "sec_a", "zhangsan"] {
            let mut c = signed_in(&app, who).await;
            assert_eq!(c.get(url).await.status, StatusCode::FORBIDDEN, "{l}: {who}");
            let f = standard_form(&default_standard(), 1);
            assert_eq!(c.post(url, &body(&f)).await.status, StatusCode::FORBIDDEN, "{l}: {who}");
        }
        // A branch opens its assessment under version 1.
        let mut sec = signed_in(&app, "sec_a").await;
        let grading_url = format!("/platform/orgs/{}/grading", t.branch_a);
        assert_eq!(sec.post(&format!("{grading_url}/open"), &format!("year={y}")).await.status, StatusCode::SEE_OTHER);
        let v1 = grading::latest_standard(db, "branch_standard").await.unwrap().unwrap();
        let opened = grading::assessment_for(db, t.branch_a, y, "annual").await.unwrap().unwrap();
        assert_eq!(opened.standard_id, v1.id, "{l}");

        // Refusals name the fault and store nothing.
        let base = standard_form(&default_standard(), 1);
        for (k, v, expect) in [
            ("a0.weight", "20", "各方面权重之和须为 100，现为 105"),
            ("a1.weight", "二十五", "方面“组织生活”的权重应为数字"),
            ("i0.max", "0", "指标 org_setup.structure：分值须大于 0"),
            ("i1.params", "3分", "指标“按期换届”：“3分”不是数字"),
            ("model_min", "70", "等次线：须满足 0 ≤ 达标线 ≤ 示范线"),
            ("i5.code", "org_life.life_meeting", "指标编号 org_life.life_meeting 重复"),
        ] {
            let mut f = base.clone();
            set(&mut f, k, v);
            let r = gw.post(url, &body(&f)).await;
            assert!(r.status == StatusCode::OK && r.body.contains(expect), "{l}: {k}={v} → {expect}");
            assert!(r.body.contains(&format!(r#"value="{}""#, v)), "{l}: the form keeps what was typed");
        }
        let r = gw.post(url, &body(&base)).await;
        assert!(r.body.contains("没有任何修改"), "{l}");
        assert_eq!(grading::latest_standard(db, "branch_standard").await.unwrap().unwrap().version, 1, "{l}");

        // A real change: weights moved, a band raised, an item added in a blank row, an item
        // deleted. Saved as version 2.
        let mut f = base.clone();
        set(&mut f, "a0.weight", "10");
        set(&mut f, "a2.weight", "25");
        set(&mut f, "model_min", "92");
        for (k, v) in [
            ("i99.aspect", "2"),
            ("i99.code", "education.online"),
            ("i99.name", "网上学习"),
            ("i99.kind", "bonus"),
            ("i99.max", "2"),
            ("i99.evidence", "学习记录"),
            ("i2.drop", "on"),
        ] {
            f.push((k.to_owned(), v.to_owned()));
        }
        // Rows are read in order until the first missing number, so the new item is i{n}.
        let n = default_standard().items().count();
        for (k, _) in f.iter_mut().filter(|(k, _)| k.starts_with("i99.")) {
            *k = k.replace("i99.", &format!("i{n}."));
        }
        let r = gw.post(url, &body(&f)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let v2 = grading::latest_standard(db, "branch_standard").await.unwrap().unwrap();
        let s2: Standard = serde_json::from_str(&v2.body).unwrap();
        assert_eq!((v2.version, s2.version, s2.bands.model_min.to_string()), (2, 2, "92".into()), "{l}");
        assert_eq!(s2.aspects[0].weight.to_string(), "10", "{l}");
        assert!(s2.item("education.online").is_some() && s2.item("org_setup.officers").is_none(), "{l}");
        assert!(gw.get(url).await.body.contains("现行为第 2 版"), "{l}");
        // The assessment opened before keeps version 1; a stale form is refused.
        let kept = grading::assessment_for(db, t.branch_a, y, "annual").await.unwrap().unwrap();
        assert_eq!(kept.standard_id, v1.id, "{l}");
        assert!(sec.get(&grading_url).await.body.contains("达标定级标准（第 1 版）"), "{l}: scored under version 1");
        let r = gw.post(url, &body(&base)).await;
        assert!(r.body.contains("已被他人更新为第 2 版"), "{l}");
        assert_eq!(grading::latest_standard(db, "branch_standard").await.unwrap().unwrap().version, 2, "{l}");
    }
}

#[tokio::test]
async fn the_committee_edits_points_rules_and_index_weights_and_records_grant_points_at_once() {
    for app in apps().await {
        let l = app.label();
        let t = setup(&app).await;
        let db = app.db();
        let (zhang, li) = (t.a_members[0], t.a_members[1]);
        let url = "/platform/points/catalogue";
        let mut gw = signed_in(&app, "gongwei").await;
        let r = gw.get(url).await;
        assert!(r.status == StatusCode::OK && r.body.contains(r#"value="org_life_attendance""#), "{l}");
        let mut sec = signed_in(&app, "sec_a").await;
        assert_eq!(sec.get(url).await.status, StatusCode::FORBIDDEN, "{l}");
        assert_eq!(
            sec.post(url, "r0.action=x&r0.name=x&r0.points=1&r0.sign=award").await.status,
            StatusCode::FORBIDDEN
        );

        let rows = |points: &str, year_cap: &str| {
            format!(
                "r0.action=org_life_attendance&r0.name={}&r0.points={points}&r0.sign=award&r0.per_month=10\
                 &r1.action=org_life_absence&r1.name={}&r1.points=2&r1.sign=deduct\
                 &r2.action=dues_on_time&r2.name={}&r2.points=1&r2.sign=award&r2.per_year={year_cap}\
                 &r3.action=good_deed&r3.name={}&r3.points=2&r3.sign=award&r3.by_application=on\
                 &r4.action=quiz&r4.name=x&r4.points=1&r4.sign=award&r4.drop=on&r5.action=&r5.name=&r5.points=",
                urlenc("参加组织生活"),
                urlenc("无故缺席组织生活"),
                urlenc("按月交纳党费"),
                urlenc("为群众办实事")
            )
        };
        let before = points::config_get(db, points::CATALOGUE_KEY).await.unwrap();
        for (form, expect) in [
            (rows("0", "12"), "第 1 条积分规则：分值须大于 0"),
            (rows("3", "-1"), "第 3 条积分规则：上限不能为负数"),
            (rows("三", "12"), "第 1 条积分规则：分值应为数字"),
            (rows("3", "12").replace("r1.action=org_life_absence", "r1.action=org_life_attendance"), "重复"),
        ] {
            let r = gw.post(url, &form).await;
            assert!(r.status == StatusCode::OK && r.body.contains(expect), "{l}: {expect}");
        }
        assert_eq!(points::config_get(db, points::CATALOGUE_KEY).await.unwrap(), before, "{l}: nothing saved");
        let r = gw.post(url, &rows("3", "12")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let page = gw.get(url).await.body;
        assert!(
            page.contains(r#"value="good_deed""#) && !page.contains(r#"value="quiz""#),
            "{l}: the deleted row is gone"
        );

        // A meeting recorded through its page grants attendance points at once, with the
        // new rule (3), and the absence without a reason costs 2; the sync adds nothing.
        let today = dangjian_domain::clock::from_micros(dangjian_domain::clock::now_micros()).date();
        let (iso, month) = (today.to_string(), format!("{:04}-{:02}", today.year(), u8::from(today.month())));
        let form = format!("kind=party_lecture&held_on={iso}&topic={}&present={zhang}", urlenc("党课"));
        let r = sec.post(&format!("/platform/orgs/{}/meetings", t.branch_a), &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let (from, to) = (format!("{}-01-01", today.year()), format!("{}-12-31", today.year()));
        let lines = points::ledger(db, &[zhang, li], &from, &to).await.unwrap();
        let got: Vec<(i64, &str, &str)> =
            lines.iter().map(|e| (e.member_id, e.action.as_str(), e.points.as_str())).collect();
        assert!(got.contains(&(zhang, "org_life_attendance", "3.00")), "{l}: {got:?}");
        assert!(got.contains(&(li, "org_life_absence", "-2.00")), "{l}: {got:?}");
        assert!(
            lines
                .iter()
                .all(|e| e.event_key.as_deref().is_some_and(|k| k.starts_with("meeting:") || k.starts_with("absent:")))
        );
        // A payment recorded through the dues page grants the month's points at once.
        let form = format!("member_id={zhang}&month={month}&paid_on={iso}&amount=15.00&method=cash");
        let r = sec.post(&format!("/platform/orgs/{}/dues/pay", t.branch_a), &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let lines = points::ledger(db, &[zhang], &from, &to).await.unwrap();
        let key = format!("dues:{zhang}:{month}");
        assert!(lines.iter().any(|e| e.event_key.as_deref() == Some(key.as_str()) && e.points == "1.00"), "{l}");
        let r =
            sec.post(&format!("/platform/orgs/{}/points/sync", t.branch_a), &format!("year={}", today.year())).await;
        assert!(r.body.contains("新增 0 条"), "{l}: already granted when recorded");
        // A grant that fails (here: an unreadable catalogue) does not fail the record; the
        // sync catches up once the catalogue is readable again.
        let good = points::config_get(db, points::CATALOGUE_KEY).await.unwrap().unwrap();
        points::config_set(db, points::CATALOGUE_KEY, "{broken", 0).await.unwrap();
        let form = format!("kind=party_lecture&held_on={iso}&topic={}&present={zhang}", urlenc("补课"));
        let r = sec.post(&format!("/platform/orgs/{}/meetings", t.branch_a), &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: the meeting is saved");
        assert_eq!(meetings::in_orgs(db, &[t.branch_a], &from, &to).await.unwrap().len(), 2, "{l}");
        assert_eq!(points::ledger(db, &[zhang], &from, &to).await.unwrap().len(), 2, "{l}: nothing granted yet");
        points::config_set(db, points::CATALOGUE_KEY, &good, 0).await.unwrap();
        let r =
            sec.post(&format!("/platform/orgs/{}/points/sync", t.branch_a), &format!("year={}", today.year())).await;
        assert!(r.status == StatusCode::OK && !r.body.contains("新增 0 条"), "{l}: the sync catches up");
        assert_eq!(points::ledger(db, &[zhang], &from, &to).await.unwrap().len(), 3, "{l}");

        // The index weights: percent, summing to 100.
        let url = "/platform/points/index";
        assert_eq!(sec.get(url).await.status, StatusCode::FORBIDDEN, "{l}");
        let r = gw.get(url).await;
        assert!(r.status == StatusCode::OK && r.body.contains(r#"name="w.points" value="40""#), "{l}");
        let r = gw.post(url, "w.points=50&w.attendance=30&w.appraisal=30&missing=renormalise").await;
        assert!(r.body.contains("各部分权重之和须为 100%，现为 110%"), "{l}");
        let r = gw.post(url, "w.points=abc&w.attendance=30&w.appraisal=30&missing=renormalise").await;
        assert!(r.body.contains("“党性积分”的权重应为数字"), "{l}");
        let r = gw.post(url, "w.points=50&w.attendance=20&w.appraisal=30&missing=zero").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let cfg: IndexConfig =
            serde_json::from_str(&points::config_get(db, points::INDEX_KEY).await.unwrap().unwrap()).unwrap();
        assert_eq!(cfg.parts[0].weight.normalize().to_string(), "0.5", "{l}");
        assert_eq!(cfg.missing, MissingPart::Zero, "{l}");
        let mut zs = signed_in(&app, "zhangsan").await;
        assert_eq!(zs.get("/platform/me/points").await.status, StatusCode::OK, "{l}");
    }
}
