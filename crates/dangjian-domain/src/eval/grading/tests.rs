use super::*;
use time::macros::date;

fn held(grade: Grade, four_strong: bool) -> Vec<HeldGrade> {
    vec![HeldGrade { on: date!(2025 - 01 - 10), grade, four_strong }]
}

const ALL: FourStrong = FourStrong { political_function: true, committee: true, membership: true, role: true };

#[test]
fn four_strong_sits_on_top_of_a_held_standard_grade() {
    let on = date!(2025 - 06 - 01);
    for g in [Grade::Standard, Grade::Model] {
        let h = designate_four_strong(&held(g, false), &ALL, "四项均达到", on).unwrap();
        assert_eq!(h, HeldGrade { on, grade: g, four_strong: true });
    }
    assert_eq!(designate_four_strong(&[], &ALL, "x", on), Err(DesignationError::NotGraded));
    let below = designate_four_strong(&held(Grade::Substandard, false), &ALL, "x", on).unwrap_err();
    assert_eq!(below, DesignationError::BelowStandard(Grade::Substandard));
    assert!(below.to_string().contains("须先达标"), "{below}");
    // A grade removed by a spot check is a lower last entry: the earlier 达标 does not count.
    let mut removed = held(Grade::Model, false);
    removed.push(HeldGrade { on: date!(2025 - 03 - 01), grade: Grade::Substandard, four_strong: false });
    assert!(matches!(designate_four_strong(&removed, &ALL, "x", on), Err(DesignationError::BelowStandard(_))));
}

#[test]
fn four_strong_needs_every_criterion_a_reason_and_no_double_designation() {
    let on = date!(2025 - 06 - 01);
    let some = FourStrong { role: false, membership: false, ..ALL };
    let err = designate_four_strong(&held(Grade::Standard, false), &some, "x", on).unwrap_err();
    assert_eq!(err, DesignationError::Lacking(vec!["未达到“党员队伍强”".into(), "未达到“作用发挥强”".into()]));
    assert_eq!(
        designate_four_strong(&held(Grade::Standard, false), &ALL, "  ", on),
        Err(DesignationError::ReasonRequired)
    );
    assert_eq!(
        designate_four_strong(&held(Grade::Standard, true), &ALL, "x", on),
        Err(DesignationError::AlreadyDesignated)
    );
}

#[test]
fn revoking_keeps_the_grade() {
    let on = date!(2025 - 07 - 01);
    let h = revoke_four_strong(&held(Grade::Model, true), "作用发挥不明显", on).unwrap();
    assert_eq!(h, HeldGrade { on, grade: Grade::Model, four_strong: false });
    assert_eq!(revoke_four_strong(&held(Grade::Model, false), "x", on), Err(DesignationError::NotDesignated));
    assert_eq!(revoke_four_strong(&[], "x", on), Err(DesignationError::NotDesignated));
    assert_eq!(revoke_four_strong(&held(Grade::Model, true), "", on), Err(DesignationError::ReasonRequired));
}

#[test]
fn a_spot_check_concludes_from_draft_only() {
    let flow = AssessmentFlow::new();
    let sheet = SheetScore {
        standard: "s".into(),
        version: 1,
        aspects: vec![],
        uncapped: Decimal::from(72),
        total: Decimal::from(72),
        vetoes: vec![],
        grade: Grade::Substandard,
    };
    let done = conclude_spot_check(&flow, &sheet).unwrap();
    assert_eq!(done.stage, Stage::Final);
    assert_eq!(done.reviewed_total, Some(Decimal::from(72)));
    assert_eq!(done.grade, Some(Grade::Substandard));
    assert!(done.notice.is_none() && done.self_total.is_none());
    let again = conclude_spot_check(&done, &sheet).unwrap_err();
    assert_eq!(again, FlowError::NotAllowed { from: Stage::Final, action: "抽查评分" });
}
