use super::*;
use proptest::prelude::*;
use time::macros::date;

fn branch(full: u32, probationary: u32, committee: u32) -> OrgFacts {
    OrgFacts {
        kind: OrgKind::Branch,
        full_members: full,
        probationary_members: probationary,
        committee_members: committee,
        units_covered: None,
        elected_on: Some(date!(2024 - 01 - 10)),
    }
}

const TODAY: Date = time::macros::date!(2024 - 06 - 01);

fn issues(facts: &OrgFacts) -> Vec<OrgIssue> {
    check_org(facts, TODAY, &OrgPolicy::default())
}

#[test]
fn a_well_formed_branch_has_no_issues() {
    assert!(issues(&branch(3, 0, 0)).is_empty());
    assert!(issues(&branch(6, 2, 0)).is_empty());
    assert!(issues(&branch(7, 0, 3)).is_empty());
    assert!(issues(&branch(45, 5, 5)).is_empty());
}

#[test]
fn fewer_than_three_full_members() {
    assert_eq!(issues(&branch(2, 3, 0)), vec![OrgIssue::TooFewFullMembers { kind: OrgKind::Branch, full: 2, min: 3 }]);
    assert_eq!(
        issues(&branch(2, 0, 0))[0].to_string(),
        "党支部只有 2 名正式党员，不足 3 名，应与其他单位成立联合党支部或合并"
    );
    assert!(issues(&branch(3, 0, 0)).is_empty());
    let mut joint = branch(2, 0, 0);
    joint.kind = OrgKind::JointBranch;
    assert_eq!(issues(&joint).len(), 1);
    joint.full_members = 8;
    joint.committee_members = 3;
    joint.units_covered = Some(5);
    assert!(issues(&joint).is_empty());
    joint.units_covered = Some(6);
    assert_eq!(issues(&joint), vec![OrgIssue::JointBranchTooManyUnits { units: 6, max: 5 }]);
}

#[test]
fn committee_from_seven_full_members() {
    assert_eq!(issues(&branch(7, 0, 0)), vec![OrgIssue::NoCommittee { full: 7 }]);
    // Probationary members do not count towards the seven.
    assert!(issues(&branch(6, 5, 0)).is_empty());
    assert_eq!(issues(&branch(9, 0, 2)), vec![OrgIssue::CommitteeTooSmall { size: 2, min: 3 }]);
    assert!(issues(&branch(9, 0, 3)).is_empty());
    assert!(issues(&branch(9, 0, 5)).is_empty());
    let six = issues(&branch(20, 0, 6));
    assert_eq!(six, vec![OrgIssue::CommitteeAboveUsual { size: 6, usual_max: 5 }]);
    assert_eq!(six[0].severity(), Severity::Notice);
    assert_eq!(issues(&branch(20, 0, 7)), vec![OrgIssue::CommitteeAboveUsual { size: 7, usual_max: 5 }]);
    let eight = issues(&branch(20, 0, 8));
    assert_eq!(eight, vec![OrgIssue::CommitteeTooLarge { size: 8, max: 7 }]);
    assert_eq!(eight[0].to_string(), "支部委员会有 8 人，最多不超过 7 人");
    assert_eq!(eight[0].severity(), Severity::Warning);
}

#[test]
fn small_branch_with_a_committee_gets_a_notice() {
    let found = issues(&branch(5, 0, 3));
    assert_eq!(found, vec![OrgIssue::CommitteeNotNeeded { full: 5, size: 3 }]);
    assert_eq!(found[0].severity(), Severity::Notice);
}

#[test]
fn more_than_fifty_members_should_be_a_general_branch() {
    assert!(issues(&branch(45, 5, 5)).is_empty());
    let found = issues(&branch(46, 5, 5));
    assert_eq!(found, vec![OrgIssue::BranchTooLarge { members: 51, max: 50 }]);
    assert_eq!(found[0].to_string(), "党支部有党员 51 名，一般不超过 50 名，党员较多的可成立党总支");
    let mut general = branch(100, 0, 0);
    general.kind = OrgKind::GeneralBranch;
    assert!(issues(&general).is_empty());
    general.probationary_members = 1;
    assert_eq!(issues(&general), vec![OrgIssue::GeneralBranchTooLarge { members: 101, max: 100 }]);
}

#[test]
fn branch_terms_are_three_years_with_a_ninety_day_reminder() {
    let p = OrgPolicy::default();
    let elected = Some(date!(2021 - 06 - 01));
    let ends = date!(2024 - 06 - 01);
    assert_eq!(term_status(OrgKind::Branch, elected, date!(2024 - 03 - 02), &p), TermStatus::Current { ends_on: ends });
    assert_eq!(
        term_status(OrgKind::Branch, elected, date!(2024 - 03 - 03), &p),
        TermStatus::DueSoon { ends_on: ends, days_left: 90 }
    );
    assert_eq!(term_status(OrgKind::Branch, elected, ends, &p), TermStatus::DueSoon { ends_on: ends, days_left: 0 });
    assert_eq!(
        term_status(OrgKind::Branch, elected, date!(2024 - 06 - 02), &p),
        TermStatus::Overdue { ends_on: ends, days_over: 1 }
    );
    assert_eq!(
        term_status(OrgKind::GeneralBranch, elected, date!(2024 - 06 - 02), &p),
        TermStatus::Overdue { ends_on: ends, days_over: 1 }
    );
}

#[test]
fn committee_terms_are_five_years() {
    let p = OrgPolicy::default();
    let elected = Some(date!(2020 - 02 - 29));
    for kind in [OrgKind::OrgansCommittee, OrgKind::DepartmentCommittee] {
        assert_eq!(
            term_status(kind, elected, date!(2024 - 06 - 02), &p),
            TermStatus::Current { ends_on: date!(2025 - 02 - 28) }
        );
    }
    for kind in [OrgKind::WorkingCommittee, OrgKind::LeadingGroup, OrgKind::Group] {
        assert_eq!(term_status(kind, elected, date!(2030 - 01 - 01), &p), TermStatus::NotApplicable);
    }
    assert_eq!(term_status(OrgKind::Branch, None, TODAY, &p), TermStatus::Unknown);
}

#[test]
fn term_lengths_are_configurable() {
    let p = OrgPolicy { branch_term_years: 5, term_due_soon_days: 30, ..OrgPolicy::default() };
    let elected = Some(date!(2021 - 06 - 01));
    let ends_on = date!(2026 - 06 - 01);
    assert_eq!(term_status(OrgKind::Branch, elected, date!(2026 - 05 - 01), &p), TermStatus::Current { ends_on });
    assert_eq!(
        term_status(OrgKind::Branch, elected, date!(2026 - 05 - 02), &p),
        TermStatus::DueSoon { ends_on, days_left: 30 }
    );
    let p = OrgPolicy { committee_term_years: 4, ..OrgPolicy::default() };
    assert_eq!(OrgKind::OrgansCommittee.term_years(&p), Some(4));
}

#[test]
fn term_issues_appear_in_the_check() {
    let mut facts = branch(10, 0, 3);
    facts.elected_on = Some(date!(2021 - 05 - 01));
    let found = issues(&facts);
    assert_eq!(found, vec![OrgIssue::TermOverdue { ends_on: date!(2024 - 05 - 01), days_over: 31 }]);
    assert_eq!(found[0].to_string(), "本届任期已于 2024-05-01 届满，已超期 31 天未换届");
    assert!(found[0].citation().contains("党章第三十一条"));
    facts.elected_on = Some(date!(2021 - 07 - 01));
    assert_eq!(issues(&facts)[0].to_string(), "本届任期将于 2024-07-01 届满（还有 30 天），请做好换届准备");
    facts.elected_on = Some(date!(2021 - 06 - 01));
    assert_eq!(issues(&facts)[0].to_string(), "本届任期今天（2024-06-01）届满，应按期换届");
    facts.elected_on = None;
    assert_eq!(issues(&facts), vec![OrgIssue::TermUnknown]);
}

#[test]
fn warnings_come_before_notices() {
    let mut facts = branch(2, 0, 1);
    facts.elected_on = Some(date!(2021 - 07 - 01));
    let found = issues(&facts);
    let severities: Vec<_> = found.iter().map(OrgIssue::severity).collect();
    assert_eq!(severities, vec![Severity::Warning, Severity::Notice, Severity::Notice]);
    assert!(matches!(found[0], OrgIssue::TooFewFullMembers { .. }));
}

#[test]
fn codes_round_trip() {
    for k in OrgKind::ALL {
        assert_eq!(OrgKind::from_code(k.code()), Some(k));
        assert!(!k.name().is_empty());
    }
    assert_eq!(OrgKind::from_code("x"), None);
    assert_eq!(Severity::Warning.name(), "警告");
}

#[test]
fn quorum_is_more_than_half() {
    assert!(!quorum_met(10, 5));
    assert!(quorum_met(10, 6));
    assert!(!quorum_met(9, 4));
    assert!(quorum_met(9, 5));
    assert!(quorum_met(1, 1));
    assert!(!quorum_met(0, 0));
    assert!(!quorum_met(2, 1));
    // Extra people do not make up for anyone.
    assert!(quorum_met(3, 10));
}

#[test]
fn probationary_members_count_only_where_there_is_no_vote() {
    // 8 正式 (4 present) and 4 预备 (all present).
    let a = Attendance { full_entitled: 8, full_present: 4, probationary_entitled: 4, probationary_present: 4 };
    assert!(a.quorate(QuorumRule::ORDINARY), "8 of 12 present");
    assert!(!a.quorate(QuorumRule::Ordinary { count_probationary: false }), "4 of 8 正式");
    assert!(!a.quorate(QuorumRule::Resolution), "4 of 8 正式 is not more than half");
    let b = Attendance { full_present: 5, ..a };
    assert!(b.quorate(QuorumRule::Resolution));
    assert!(!b.quorate(QuorumRule::ELECTION), "5 of 8 is below 4/5");
    // Probationary members cannot bring more than themselves.
    let c = Attendance { full_entitled: 8, full_present: 3, probationary_entitled: 1, probationary_present: 5 };
    assert!(!c.quorate(QuorumRule::ORDINARY), "4 of 9, not 8 of 9");
}

#[test]
fn election_needs_four_fifths() {
    let at = |present| Attendance { full_entitled: 10, full_present: present, ..Attendance::default() };
    assert!(!at(7).quorate(QuorumRule::ELECTION));
    assert!(at(8).quorate(QuorumRule::ELECTION));
    let five = Attendance { full_entitled: 5, full_present: 4, ..Attendance::default() };
    assert!(five.quorate(QuorumRule::ELECTION), "exactly 4/5");
    let two_thirds = QuorumRule::Election { threshold: Threshold::AtLeast { num: 2, den: 3 } };
    assert!(at(7).quorate(two_thirds));
    assert!(!at(6).quorate(two_thirds));
    assert!(!Threshold::AtLeast { num: 1, den: 0 }.met(5, 5));
}

#[test]
fn resolution_counts_all_entitled_not_those_present() {
    // 20 正式党员 entitled, 12 present, 10 yes: a majority of those present but not
    // more than half of the 20.
    assert!(!resolution_passed(20, 10));
    assert!(resolution_passed(20, 11));
    assert!(resolution_passed(3, 2));
    assert!(!resolution_passed(0, 0));
}

proptest! {
    #[test]
    fn quorum_matches_integer_definition(entitled in 0u32..10_000, present in 0u32..10_000) {
        let expected = entitled > 0 && present.min(entitled) > entitled / 2;
        prop_assert_eq!(quorum_met(entitled, present), expected);
    }

    #[test]
    fn quorum_is_monotone_in_attendance(entitled in 0u32..1000, a in 0u32..1000, b in 0u32..1000) {
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(!quorum_met(entitled, lo) || quorum_met(entitled, hi));
        let at = |p| Attendance { full_entitled: entitled, full_present: p, ..Attendance::default() };
        prop_assert!(!at(lo).quorate(QuorumRule::ELECTION) || at(hi).quorate(QuorumRule::ELECTION));
        // An election quorum is always also an ordinary quorum.
        prop_assert!(!at(lo).quorate(QuorumRule::ELECTION) || at(lo).quorate(QuorumRule::Resolution));
    }

    #[test]
    fn term_status_agrees_with_the_end_date(
        elected_days in 0i64..20_000,
        today_days in 0i64..25_000,
        k in 0usize..8,
    ) {
        let p = OrgPolicy::default();
        let kind = OrgKind::ALL[k];
        let elected = date!(1980 - 01 - 01) + time::Duration::days(elected_days);
        let today = date!(1980 - 01 - 01) + time::Duration::days(today_days);
        match term_status(kind, Some(elected), today, &p) {
            TermStatus::NotApplicable => prop_assert!(kind.term_years(&p).is_none()),
            TermStatus::Unknown => prop_assert!(false, "date was given"),
            TermStatus::Current { ends_on } => prop_assert!((ends_on - today).whole_days() > 90),
            TermStatus::DueSoon { ends_on, days_left } => {
                prop_assert!((0..=90).contains(&days_left));
                prop_assert_eq!((ends_on - today).whole_days(), days_left);
            }
            TermStatus::Overdue { ends_on, days_over } => {
                prop_assert!(days_over > 0);
                prop_assert!(today > ends_on);
            }
        }
    }

    #[test]
    fn well_formed_branches_pass(full in 3u32..45, probationary in 0u32..6, committee in 3u32..=5) {
        let committee = if full >= 7 { committee } else { 0 };
        prop_assert!(issues(&branch(full, probationary, committee)).is_empty());
    }
}
