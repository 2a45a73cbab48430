//! `generate_evaluation` after `generate_platform`: a standard, last year's assessments
//! with one branch losing its grade, points, a decided 民主评议, this year's spot check
//! and a 四强 designation, on both backends.

use dangjian_demo::{EvalOptions, PlatformOptions, generate_evaluation, generate_platform};
use dangjian_domain::eval::standard::{Standard, score_sheet};
use dangjian_pii::PiiKey;
use dangjian_store::{grading, orgs, testing::TestDb};
use time::{Date, macros::date};

const NOW: i64 = 1_749_952_800_000_000;
const TODAY: Date = date!(2025 - 06 - 15);

#[tokio::test]
async fn demo_has_a_year_of_assessments_with_one_branch_losing_its_grade() {
    for t in TestDb::all().await {
        let l = t.label;
        let key = PiiKey::from_hex(&"ab".repeat(32)).unwrap();
        let opts = PlatformOptions { members: 300, seed: 7, today: TODAY, now_micros: NOW };
        generate_platform(&t.db, &key, &opts, &|_, _| {}).await.unwrap();
        let e = EvalOptions { seed: 7, today: TODAY, now_micros: NOW };
        let s = generate_evaluation(&t.db, &e).await.unwrap();
        let branches = orgs::all(&t.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|o| o.kind == "branch" || o.kind == "joint_branch")
            .count();
        assert_eq!(s.assessments, branches, "{l}");
        assert_eq!(s.removals, 1, "{l}: {s:?}");
        assert!(s.ledger_lines > 0 && s.appraisal_rounds > 0, "{l}: {s:?}");
        // Every assessment is final, and its stored totals are what the engine computes.
        let std_row = grading::latest_standard(&t.db, "branch_standard").await.unwrap().unwrap();
        let standard: Standard = serde_json::from_str(&std_row.body).unwrap();
        for a in grading::assessments_in_year(&t.db, 2024).await.unwrap() {
            assert_eq!(a.stage, "final", "{l}");
            let rows = grading::entries(&t.db, a.id, "reviewed").await.unwrap();
            assert!(!rows.is_empty(), "{l}");
            // Graded rows only: a 四强 designation adds a row with its reason as the note.
            let history: Vec<_> =
                grading::history(&t.db, a.org_id).await.unwrap().into_iter().filter(|g| g.note.is_empty()).collect();
            assert_eq!(history.len(), 2, "{l}");
            assert_eq!(Some(&history[1].total), a.reviewed_total.as_ref(), "{l}");
        }
        // This year: one concluded spot check that leaves the grade alone, and one 示范
        // branch designated 四强 with the reason on its history row.
        let spot: Vec<_> = grading::assessments_in_year(&t.db, 2025)
            .await
            .unwrap()
            .into_iter()
            .filter(|a| a.check_kind == "spot_check")
            .collect();
        assert_eq!(spot.len(), 1, "{l}");
        let (s0, kept) = (&spot[0], grading::history(&t.db, spot[0].org_id).await.unwrap());
        assert_eq!(s0.stage, "final", "{l}");
        assert_eq!(s0.grade.as_deref(), Some(kept.last().unwrap().grade.as_str()), "{l}: the grade is confirmed");
        assert!(kept.last().unwrap().grade != "substandard" && kept.len() == 2, "{l}: {kept:?}");
        assert!(grading::removals(&t.db, s0.org_id).await.unwrap().is_empty(), "{l}");
        assert!(!grading::entries(&t.db, s0.id, "reviewed").await.unwrap().is_empty(), "{l}");
        let named: Vec<_> = grading::all_grades(&t.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|g| g.note.contains(dangjian_demo::checks_demo::FOUR_STRONG_REASON))
            .collect();
        assert_eq!(named.len(), 1, "{l}: {named:?}");
        assert!(named[0].four_strong && named[0].grade == "model", "{l}: {named:?}");
        assert!(named[0].note.starts_with("命名“四强党支部”："), "{l}");
        assert_ne!(named[0].org_id, s0.org_id, "{l}: two different branches");
        assert!(score_sheet(&standard, &[]).is_err(), "{l}: the stored standard is the domain's");
        // A second run is refused.
        assert!(generate_evaluation(&t.db, &e).await.is_err(), "{l}");
    }
}
