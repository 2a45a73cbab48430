use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

use super::*;
use crate::eval::grading::{self, AssessmentFlow, CheckKind, FlowConfig, FlowError, HeldGrade, RemovalReason, Stage};

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn manual(item: &str, v: &str) -> SheetEntry {
    SheetEntry {
        item: item.into(),
        input: ItemInput::Manual(d(v)),
        evidence: vec!["file-1".into()],
        note: String::new(),
    }
}

fn measured(item: &str, v: &str) -> SheetEntry {
    SheetEntry { item: item.into(), input: ItemInput::Measured(d(v)), evidence: vec![], note: String::new() }
}

fn veto(item: &str, fired: bool) -> SheetEntry {
    SheetEntry { item: item.into(), input: ItemInput::Veto(fired), evidence: vec![], note: String::new() }
}

/// The worked sheet on the default standard; `meetings` is the 三会一课 compliance rate.
fn sheet(meetings: &str) -> Vec<SheetEntry> {
    vec![
        manual("org_setup.structure", "1"),
        measured("org_setup.term", "1"),
        manual("org_setup.officers", "0"),
        measured("org_life.three_meetings", meetings),
        manual("org_life.life_meeting", "0"),
        manual("org_life.themed_day", "2"),
        manual("education.study", "0"),
        measured("education.dues", "1"),
        manual("education.management", "0"),
        measured("development.procedure", "0"),
        manual("support.venue", "0"),
        manual("support.funds", "0"),
        manual("support.records", "0"),
        manual("mechanism.responsibility", "1"),
        manual("mechanism.rules", "0"),
        manual("mechanism.innovation", "2"),
    ]
}

#[test]
fn default_standard_is_valid_and_weights_sum_to_100() {
    let s = default_standard();
    s.validate().unwrap();
    assert_eq!(s.aspects.iter().map(|a| a.weight).sum::<Decimal>(), Decimal::ONE_HUNDRED);
    let names: Vec<&str> = s.aspects.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["组织设置", "组织生活", "党员教育管理", "发展党员", "基本保障", "工作机制"]);
}

#[test]
fn worked_sheet_scores_90_and_is_model() {
    // 组织设置 15: structure 5−1=4, term 5−3×1=2 (one overdue 换届), officers 5 → 11/15 → 15×11/15 = 11
    // 组织生活 25: meetings 15×0.8=12, life meeting 5, themed day 5−2=3 → 20/25 → 20
    // 党员教育管理 20: study 8, dues 6−2×1=4, management 6 → 18/20 → 18
    // 发展党员 10: no breach → 10;  基本保障 15: nothing deducted → 15
    // 工作机制 15: responsibility 8−1=7, rules 7 → 14/15 → 14, plus bonus 2 → 16
    // total 11+20+18+10+15+16 = 90 → 示范 (≥ 90)
    let s = default_standard();
    let score = score_sheet(&s, &sheet("0.8")).unwrap();
    let contributions: Vec<Decimal> = score.aspects.iter().map(|a| a.contribution).collect();
    assert_eq!(contributions, [d("11"), d("20"), d("18"), d("10"), d("15"), d("16")]);
    assert_eq!(score.total, d("90"));
    assert_eq!(score.grade, Grade::Model);
    assert!(score.vetoes.is_empty());
    assert!(score.missing_evidence().is_empty());
}

#[test]
fn a_veto_means_substandard_whatever_the_total() {
    let s = default_standard();
    let mut entries = sheet("1");
    entries.push(veto("veto.incident", true));
    let score = score_sheet(&s, &entries).unwrap();
    assert!(score.total >= d("90"));
    assert_eq!(score.grade, Grade::Substandard);
    assert_eq!(score.vetoes, ["veto.incident"]);
}

#[test]
fn bonus_cannot_lift_the_total_past_the_cap() {
    let s = default_standard();
    let entries: Vec<SheetEntry> = sheet("1")
        .into_iter()
        .map(|mut e| {
            if let ItemInput::Manual(v) = &mut e.input
                && e.item != "mechanism.innovation"
            {
                *v = Decimal::ZERO;
            }
            if let ItemInput::Measured(v) = &mut e.input
                && e.item != "org_life.three_meetings"
            {
                *v = Decimal::ZERO;
            }
            e
        })
        .collect();
    let score = score_sheet(&s, &entries).unwrap();
    assert_eq!(score.uncapped, d("102"));
    assert_eq!(score.total, d("100"));
}

#[test]
fn sheet_errors_are_refused() {
    let s = default_standard();
    let mut entries = sheet("1");
    entries.pop();
    entries.remove(0);
    assert_eq!(score_sheet(&s, &entries), Err(SheetError::Missing("org_setup.structure".into())));
    let mut entries = sheet("1");
    entries[0] = manual("org_setup.structure", "6");
    assert!(matches!(score_sheet(&s, &entries), Err(SheetError::OutOfRange { .. })));
    let mut entries = sheet("1");
    entries[1] = manual("org_setup.term", "0");
    assert!(matches!(score_sheet(&s, &entries), Err(SheetError::WrongInput { .. })));
    let mut entries = sheet("1");
    entries.push(manual("nope", "0"));
    assert_eq!(score_sheet(&s, &entries), Err(SheetError::UnknownItem("nope".into())));
    let mut broken = default_standard();
    broken.bands.model_min = d("70");
    assert!(matches!(score_sheet(&broken, &sheet("1")), Err(SheetError::Standard(_))));
}

#[test]
fn auto_mappings() {
    let max = d("10");
    let lin = AutoMapping::Linear { full_at: d("0"), zero_at: d("5") };
    assert_eq!(lin.points(d("0"), max), d("10"));
    assert_eq!(lin.points(d("2"), max), d("6"));
    assert_eq!(lin.points(d("9"), max), d("0"));
    let steps = AutoMapping::Steps(vec![
        Step { at_least: d("0.6"), points: d("5") },
        Step { at_least: d("0.9"), points: d("10") },
    ]);
    assert_eq!(steps.points(d("0.95"), max), d("10"));
    assert_eq!(steps.points(d("0.7"), max), d("5"));
    assert_eq!(steps.points(d("0.1"), max), d("0"));
    assert_eq!(AutoMapping::PerUnit { points_per_unit: d("3") }.points(d("4"), max), d("0"));
}

#[test]
fn evidence_is_required_before_submitting() {
    let s = default_standard();
    let mut entries = sheet("1");
    entries[0].evidence.clear();
    let score = score_sheet(&s, &entries).unwrap();
    assert_eq!(score.missing_evidence(), ["org_setup.structure"]);
    let err = grading::submit_self(&AssessmentFlow::new(), &score).unwrap_err();
    assert_eq!(err, FlowError::EvidenceMissing(vec!["org_setup.structure".into()]));
}

#[test]
fn the_flow_runs_from_self_assessment_to_final() {
    let s = default_standard();
    let score = score_sheet(&s, &sheet("0.8")).unwrap();
    let f = grading::submit_self(&AssessmentFlow::new(), &score).unwrap();
    assert!(grading::review(&f, &score).is_err());
    let f = grading::send_back(&f, "补充会议记录").unwrap();
    assert_eq!(f.stage, Stage::Draft);
    let f = grading::submit_self(&f, &score).unwrap();
    let f = grading::preliminary(&f, &score).unwrap();
    let f = grading::review(&f, &score).unwrap();
    let cfg = FlowConfig { notice_days: 5 };
    let f = grading::start_notice(&f, date!(2026 - 03 - 02), &cfg).unwrap();
    // Five days including the first: 2 March to 6 March; final from 7 March.
    assert_eq!(f.notice, Some((date!(2026 - 03 - 02), date!(2026 - 03 - 06))));
    assert_eq!(
        grading::finalise(&f, date!(2026 - 03 - 06)),
        Err(FlowError::NoticeRunning { until: date!(2026 - 03 - 06) })
    );
    assert_eq!(grading::object(&f, " "), Err(FlowError::ReasonRequired));
    let objected = grading::object(&f, "群众反映台账不实").unwrap();
    assert_eq!(objected.stage, Stage::Preliminary);
    let f = grading::finalise(&f, date!(2026 - 03 - 07)).unwrap();
    assert_eq!(f.stage, Stage::Final);
    assert_eq!(f.grade, Some(Grade::Model));
    assert_eq!(f.reviewed_total, Some(d("90")));
}

#[test]
fn spot_check_below_the_band_lowers_the_grade_and_opens_rectification() {
    // Same sheet with 三会一课 at 60 %: meetings 15×0.6 = 9, 组织生活 17/25 → 17; total 87 → 达标.
    let s = default_standard();
    let score = score_sheet(&s, &sheet("0.6")).unwrap();
    assert_eq!(score.total, d("87"));
    let history = [HeldGrade { on: date!(2026 - 03 - 07), grade: Grade::Model, four_strong: true }];
    let r = grading::exit_check(&history, CheckKind::SpotCheck, date!(2026 - 09 - 01), &score, &s.bands).unwrap();
    assert_eq!((r.from, r.to), (Grade::Model, Grade::Standard));
    assert!(!r.four_strong_revoked, "四强 stays while the branch is still 达标");
    assert_eq!(r.reasons, [RemovalReason::BelowBand { held: Grade::Model, minimum: d("90"), total: d("87") }]);
    assert_eq!(r.reasons[0].to_string(), "得分 87.00 低于“示范”等次最低分 90");
    let lost: Vec<(&str, Decimal)> = r.rectification.iter().map(|x| (x.item.as_str(), x.lost)).collect();
    assert_eq!(
        lost,
        [
            ("org_setup.structure", d("1")),
            ("org_setup.term", d("3")),
            ("org_life.three_meetings", d("6")),
            ("org_life.themed_day", d("2")),
            ("education.dues", d("2")),
            ("mechanism.responsibility", d("1")),
        ]
    );
}

#[test]
fn a_veto_removes_the_grade_and_four_strong() {
    let s = default_standard();
    let mut entries = sheet("1");
    entries.push(veto("veto.discipline", true));
    let score = score_sheet(&s, &entries).unwrap();
    let history = [HeldGrade { on: date!(2025 - 03 - 01), grade: Grade::Standard, four_strong: true }];
    let r = grading::exit_check(&history, CheckKind::Annual, date!(2026 - 03 - 01), &score, &s.bands).unwrap();
    assert_eq!(r.to, Grade::Substandard);
    assert!(r.four_strong_revoked);
    assert_eq!(r.reasons[0].to_string(), "触发一票否决：班子成员发生严重违纪违法");
    assert!(r.rectification.iter().any(|x| x.vetoed && x.item == "veto.discipline"));
    // Nothing held, nothing to remove; a score that keeps the band removes nothing.
    assert!(grading::exit_check(&[], CheckKind::Annual, date!(2026 - 03 - 01), &score, &s.bands).is_none());
    let fine = score_sheet(&s, &sheet("1")).unwrap();
    assert!(grading::exit_check(&history, CheckKind::Annual, date!(2026 - 03 - 01), &fine, &s.bands).is_none());
}

#[test]
fn four_strong_sits_on_top_of_standard() {
    use grading::{FourStrong, four_strong_designation};
    let all = FourStrong { political_function: true, committee: true, membership: true, role: true };
    assert!(four_strong_designation(Grade::Standard, &all).is_ok());
    let err = four_strong_designation(Grade::Substandard, &FourStrong { role: false, ..all }).unwrap_err();
    assert_eq!(err, ["须先达标", "未达到“作用发挥强”"]);
}

#[test]
fn statistics_count_per_department_and_year() {
    let rows = [("机关一", 2026, Grade::Model), ("机关一", 2026, Grade::Standard), ("机关二", 2026, Grade::Model)];
    let stats = grading::grade_statistics(rows);
    assert_eq!(stats[&("机关一", 2026)].total(), 2);
    assert_eq!(stats[&("机关二", 2026)].model, 1);
}

proptest! {
    #[test]
    fn total_stays_within_zero_and_the_cap(
        deductions in proptest::collection::vec(0u32..=100, 16),
        rate in 0u32..=100,
        bonus in 0u32..=300,
    ) {
        let s = default_standard();
        let entries: Vec<SheetEntry> = s
            .items()
            .zip(deductions.iter().cycle())
            .filter(|((_, item), _)| item.kind != ItemKind::Veto)
            .map(|((_, item), pct)| {
                let share = Decimal::from(*pct) / Decimal::ONE_HUNDRED;
                let input = match (&item.auto, item.kind) {
                    (Some(_), _) if item.code == "org_life.three_meetings" => {
                        ItemInput::Measured(Decimal::from(rate) / Decimal::ONE_HUNDRED)
                    }
                    (Some(_), _) => ItemInput::Measured(Decimal::from(*pct % 7)),
                    (None, ItemKind::Bonus) => ItemInput::Manual(Decimal::new(i64::from(bonus), 2)),
                    (None, _) => ItemInput::Manual(crate::eval::round_score(item.max_points * share)),
                };
                SheetEntry { item: item.code.clone(), input, evidence: vec!["x".into()], note: String::new() }
            })
            .collect();
        let score = score_sheet(&s, &entries).unwrap();
        prop_assert!(score.total >= Decimal::ZERO && score.total <= Decimal::ONE_HUNDRED);
        for a in &score.aspects {
            prop_assert!(a.base_points >= Decimal::ZERO && a.base_points <= a.base_max);
        }
    }
}
