use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::scheme::{self, default_groups};
use super::*;
use crate::eval::Ratio;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const GOOD: Mark = Mark::Level(0);
const FAIR: Mark = Mark::Level(1);
const AVG: Mark = Mark::Level(2);
const POOR: Mark = Mark::Level(3);
const FAMILIAR: Option<u8> = Some(0);
const UNFAMILIAR: Option<u8> = Some(2);

/// Two indicators weighted 0.6 / 0.4, the default groups, scale, familiarity and rules,
/// ballots only (no 日常 part).
fn two_indicator_scheme(subjects: Vec<SubjectId>) -> Scheme {
    let ind = |code: &str, name: &str, w: &str| Indicator { code: code.into(), name: name.into(), weight: d(w) };
    let mut s = Scheme::with_defaults(
        "2026-branches",
        "2026 年度党支部考核",
        SubjectKind::Branch,
        subjects,
        vec![ind("politics", "政治建设", "0.6"), ind("results", "工作实绩", "0.4")],
    );
    s.period_weights = None;
    s
}

fn line(subject: SubjectId, marks: &[Mark]) -> BallotLine {
    BallotLine { subject, marks: marks.to_vec() }
}

fn ballot(group: usize, familiarity: Option<u8>, lines: Vec<BallotLine>) -> Ballot {
    Ballot { group, familiarity, lines }
}

const LEADERS: usize = 0;
const MEMBERS: usize = 1;
const SERVED: usize = 2;

#[test]
fn worked_example_with_familiarity_and_a_missing_group() {
    let s = two_indicator_scheme(vec![1, 2]);
    let ballots = vec![
        // Subject 1, 分管领导, 熟悉: 好/较好 → 0.6×100 + 0.4×80 = 92.
        ballot(LEADERS, FAMILIAR, vec![line(1, &[GOOD, FAIR])]),
        // Subject 1, 本支部党员: 熟悉 好/好 → 100 (weight 1.0); 不太熟悉 一般/较好 → 36 + 32 = 68 (weight 0.5).
        ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, GOOD])]),
        ballot(MEMBERS, UNFAMILIAR, vec![line(1, &[AVG, FAIR])]),
        // Subject 2: one ballot per group, all 较好 → 80 everywhere.
        ballot(LEADERS, FAMILIAR, vec![line(2, &[FAIR, FAIR])]),
        ballot(MEMBERS, FAMILIAR, vec![line(2, &[FAIR, FAIR])]),
        ballot(SERVED, FAMILIAR, vec![line(2, &[FAIR, FAIR])]),
    ];
    let r = compute(&s, &ballots, &BTreeMap::new()).unwrap();
    let s1 = &r.subjects[0];
    // 党员 mean = (1.0×100 + 0.5×68) / 1.5 = 134 / 1.5 = 89.333… → 89.33
    assert_eq!(s1.groups[LEADERS].mean, Some(d("92")));
    assert_eq!(s1.groups[MEMBERS].mean, Some(d("89.33")));
    assert_eq!(s1.groups[SERVED].mean, None);
    // 服务对象 has no ballot: 0.2 and 0.4 become 1/3 and 2/3.
    // 92/3 + 2/3 × 89.333… = 30.666… + 59.555… = 90.222… → 90.22
    assert!(s1.groups_renormalised);
    assert_eq!(s1.groups.iter().map(|g| g.effective_weight).sum::<Decimal>(), Decimal::ONE);
    assert_eq!(s1.groups[SERVED].effective_weight, Decimal::ZERO);
    assert_eq!(s1.groups[LEADERS].contribution, d("30.67"));
    assert_eq!(s1.groups[MEMBERS].contribution, d("59.56"));
    assert_eq!(s1.score, Some(d("90.22")));
    // Per indicator. 党员: 政治建设 (1.0×100 + 0.5×60)/1.5 = 86.67, 工作实绩 (1.0×100 + 0.5×80)/1.5 = 93.33.
    assert_eq!(s1.groups[MEMBERS].indicator_means, [d("86.67"), d("93.33")]);
    assert!(s1.groups[SERVED].indicator_means.is_empty());
    // Combined with 1/3 and 2/3: 100/3 + 2/3×86.67 = 91.11 and 80/3 + 2/3×93.33 = 88.89
    // (and 0.6×91.11… + 0.4×88.88… = 90.22, the score).
    assert_eq!(s1.indicators, [d("91.11"), d("88.89")]);
    assert_eq!(s1.groups[MEMBERS].valid, 2);
    let s2 = &r.subjects[1];
    assert_eq!(s2.score, Some(d("80")));
    assert!(!s2.groups_renormalised);
    // 2 scored subjects: 优秀 ≤ ⌊2/3⌋ = 0, so 90.22 reaches 优秀 by score but is 良好 by quota.
    assert_eq!(s1.band_by_score, Some(0));
    assert_eq!(s1.band, Some(1));
    assert!(s1.moved_by_quota());
    assert_eq!(r.band_counts, [0, 2, 0, 0]);
    assert_eq!((r.turnout[MEMBERS].ballots, r.turnout[SERVED].ballots), (3, 1));
    // Subject 2 per source: 内部 = 0.2×80 + 0.4×80 = 48, 群众 = 0.4×80 = 32.
    assert_eq!(s2.by_source(), [(Source::Internal, d("48")), (Source::Public, d("32"))]);
}

#[test]
fn weights_and_points_keep_few_decimals() {
    let mut s = two_indicator_scheme(vec![1]);
    s.indicators[0].weight = d("0.3333333");
    assert!(s.validate().is_err());
    s.indicators[0].weight = d("0.333333000");
    assert!(s.validate().is_ok(), "trailing zeros do not count");
    let p = points_scheme(vec![1]);
    let b = ballot(0, None, vec![line(1, &[Mark::Points(d("80.125"))])]);
    assert_eq!(validate_ballot(&p, &b), Err(BallotError::PointsOutOfRange(d("80.125"))));
}

#[test]
fn identical_ballots_over_several_subjects_are_invalid() {
    let s = two_indicator_scheme(vec![1, 2]);
    let ballots = vec![
        ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, GOOD]), line(2, &[GOOD, GOOD])]),
        ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, FAIR]), line(2, &[AVG, AVG])]),
        ballot(MEMBERS, None, vec![line(1, &[POOR, POOR])]),
    ];
    assert_eq!(validate_ballot(&s, &ballots[0]), Ok(Some(Invalidity::AllSame)));
    assert_eq!(validate_ballot(&s, &ballots[2]), Ok(Some(Invalidity::MissingFamiliarity)));
    let r = compute(&s, &ballots, &BTreeMap::new()).unwrap();
    assert_eq!(r.subjects[0].groups[MEMBERS].valid, 1);
    assert_eq!(r.subjects[0].groups[MEMBERS].invalid, 2);
    // Only the second ballot counts: 0.6×100 + 0.4×80 = 92 and 60.
    assert_eq!(r.subjects[0].score, Some(d("92")));
    assert_eq!(r.subjects[1].score, Some(d("60")));
    assert_eq!(r.invalid_by_reason, BTreeMap::from([("all_same", 1), ("missing_familiarity", 1)]));
    assert_eq!((r.turnout[MEMBERS].valid, r.turnout[MEMBERS].invalid), (1, 2));
    // A single subject rated 好 everywhere is not "everyone the same".
    assert_eq!(validate_ballot(&s, &ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, GOOD])])), Ok(None));
}

#[test]
fn more_than_five_ballots_drop_the_highest_and_lowest() {
    // Seven 党员 ballots for subject 1 scoring 100, 100, 80, 80, 60, 60, 40 (all 熟悉).
    // Trimmed: one 100 and the 40 go → (100 + 80 + 80 + 60 + 60) / 5 = 76.
    let s = two_indicator_scheme(vec![1]);
    let marks = [GOOD, GOOD, FAIR, FAIR, AVG, AVG, POOR];
    let ballots: Vec<Ballot> = marks.iter().map(|m| ballot(MEMBERS, FAMILIAR, vec![line(1, &[*m, *m])])).collect();
    let r = compute(&s, &ballots, &BTreeMap::new()).unwrap();
    let g = &r.subjects[0].groups[MEMBERS];
    assert_eq!((g.valid, g.trimmed, g.mean), (7, 2, Some(d("76"))));
    // Five ballots: no trimming; (100 + 100 + 80 + 80 + 60) / 5 = 84.
    let r = compute(&s, &ballots[..5], &BTreeMap::new()).unwrap();
    assert_eq!((r.subjects[0].groups[MEMBERS].trimmed, r.subjects[0].score), (0, Some(d("84"))));
}

#[test]
fn per_ballot_grade_quotas() {
    let mut s = two_indicator_scheme(vec![1, 2, 3]);
    s.rules.grade_quotas =
        vec![GradeQuota { level: "good".into(), at_most: Some(Limit::Count(1)), at_least: None, min_subjects: 2 }];
    s.rules.grade_quotas.push(GradeQuota {
        level: "poor".into(),
        at_most: None,
        at_least: Some(Limit::Share(Ratio::ONE_THIRD)),
        min_subjects: 3,
    });
    let two_good =
        ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, FAIR]), line(2, &[GOOD, FAIR]), line(3, &[POOR, POOR])]);
    assert_eq!(
        validate_ballot(&s, &two_good),
        Ok(Some(Invalidity::TooMany { level: "好".into(), indicator: "政治建设".into(), count: 2, limit: 1 }))
    );
    let no_poor =
        ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, FAIR]), line(2, &[FAIR, FAIR]), line(3, &[AVG, POOR])]);
    let err = validate_ballot(&s, &no_poor).unwrap().unwrap();
    assert_eq!(err.to_string(), "“政治建设”评为“较差”的只有 0 人，至少 1 人");
    let fine = ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, FAIR]), line(2, &[FAIR, GOOD]), line(3, &[POOR, POOR])]);
    assert_eq!(validate_ballot(&s, &fine), Ok(None));
}

#[test]
fn malformed_ballots_stop_the_computation() {
    let s = two_indicator_scheme(vec![1, 2]);
    let bad = |b: Ballot| compute(&s, &[b], &BTreeMap::new()).unwrap_err();
    assert_eq!(
        bad(ballot(7, FAMILIAR, vec![line(1, &[GOOD, GOOD])])),
        ComputeError::Ballot { index: 0, error: BallotError::UnknownGroup(7) }
    );
    assert!(matches!(
        bad(ballot(MEMBERS, FAMILIAR, vec![line(9, &[GOOD, GOOD])])),
        ComputeError::Ballot { error: BallotError::UnknownSubject(9), .. }
    ));
    assert!(matches!(
        bad(ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, Mark::Level(4)])])),
        ComputeError::Ballot { error: BallotError::LevelOutOfRange(4), .. }
    ));
    assert!(matches!(
        bad(ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, GOOD]), line(1, &[GOOD, FAIR])])),
        ComputeError::Ballot { error: BallotError::SubjectTwice(1), .. }
    ));
    assert!(matches!(
        bad(ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD, Mark::Points(d("75"))])])),
        ComputeError::Ballot { error: BallotError::PointsNotAccepted { .. }, .. }
    ));
    let incomplete = ballot(MEMBERS, FAMILIAR, vec![line(1, &[GOOD])]);
    assert_eq!(validate_ballot(&s, &incomplete), Ok(Some(Invalidity::Incomplete { subject: 1 })));
}

/// One group that takes points, one indicator: each subject's score is the points given.
fn points_scheme(subjects: Vec<SubjectId>) -> Scheme {
    let mut s = two_indicator_scheme(subjects);
    s.indicators.truncate(1);
    s.groups = vec![RaterGroup {
        code: "inspection".into(),
        name: "考核组".into(),
        weight: Decimal::ONE,
        source: Source::Offline,
        accepts_points: true,
    }];
    s.familiarity = None;
    s.rules = BallotRules { invalid_if_all_same: false, grade_quotas: vec![], trim: None };
    s
}

fn scored(scores: &[(SubjectId, &str)]) -> Vec<Ballot> {
    scores.iter().map(|(s, p)| ballot(0, None, vec![line(*s, &[Mark::Points(d(p))])])).collect()
}

#[test]
fn quota_by_rank_and_the_tie_rule() {
    // Six subjects: 优秀 ≤ ⌊6/3⌋ = 2.
    let mut s = points_scheme(vec![1, 2, 3, 4, 5, 6]);
    let r = compute(&s, &scored(&[(1, "95"), (2, "91"), (3, "93"), (4, "85"), (5, "92"), (6, "50")]), &BTreeMap::new())
        .unwrap();
    let bands: Vec<Option<usize>> = r.subjects.iter().map(|x| x.band).collect();
    // 95 and 93 are 优秀; 92 and 91 reach 优秀 by score but go to 良好; 85 良好; 50 较差.
    assert_eq!(bands, [Some(0), Some(1), Some(0), Some(1), Some(1), Some(3)]);
    assert_eq!(r.band_counts, [2, 3, 0, 1]);
    let ranks: Vec<Option<u32>> = r.subjects.iter().map(|x| x.rank).collect();
    assert_eq!(ranks, [Some(1), Some(4), Some(2), Some(5), Some(3), Some(6)]);
    // A tie at the quota's edge: 95, 93, 93 for 2 places.
    let tied = scored(&[(1, "95"), (2, "93"), (3, "93"), (4, "85"), (5, "80"), (6, "50")]);
    let r = compute(&s, &tied, &BTreeMap::new()).unwrap();
    assert_eq!(r.band_counts[0], 1, "DemoteAllTied: both 93s go to 良好");
    assert_eq!((r.subjects[1].rank, r.subjects[2].rank), (Some(2), Some(2)));
    s.tie_rule = TieRule::LowerIdFirst;
    let r = compute(&s, &tied, &BTreeMap::new()).unwrap();
    assert_eq!((r.subjects[1].band, r.subjects[2].band), (Some(0), Some(1)));
}

#[test]
fn daily_and_year_end_are_combined() {
    // 日常 60 % + 年底 40 %: 0.6×80 + 0.4×90 = 48 + 36 = 84.
    let mut s = points_scheme(vec![1, 2, 3]);
    s.period_weights = Some(scheme::default_period_weights());
    let daily = BTreeMap::from([(1, d("80")), (3, d("70"))]);
    let r = compute(&s, &scored(&[(1, "90"), (2, "90")]), &daily).unwrap();
    assert_eq!((r.subjects[0].score, r.subjects[0].period_missing), (Some(d("84")), false));
    // No daily score: the year-end counts alone, flagged.
    assert_eq!((r.subjects[1].score, r.subjects[1].period_missing), (Some(d("90")), true));
    // No ballot: the daily score counts alone.
    assert_eq!((r.subjects[2].year_end, r.subjects[2].score), (None, Some(d("70"))));
    assert_eq!(compute(&s, &[], &BTreeMap::from([(9, d("1"))])).unwrap_err(), ComputeError::UnknownDailySubject(9));
    assert!(matches!(compute(&s, &[], &BTreeMap::from([(1, d("101"))])), Err(ComputeError::DailyOutOfRange { .. })));
}

#[test]
fn a_subject_without_any_score_gets_no_band() {
    let s = two_indicator_scheme(vec![1, 2]);
    let r = compute(&s, &[ballot(LEADERS, FAMILIAR, vec![line(1, &[AVG, AVG])])], &BTreeMap::new()).unwrap();
    assert_eq!((r.subjects[1].score, r.subjects[1].band, r.subjects[1].rank), (None, None, None));
    assert_eq!(r.subjects[0].band, Some(2));
}

#[test]
fn opening_requires_full_coverage() {
    let s = two_indicator_scheme(vec![1, 2]);
    assert_eq!(scheme::open(SchemeState::Draft, &s, &[1, 2, 3, 5]), Err(SchemeError::MissingSubjects(vec![3, 5])));
    assert_eq!(SchemeError::MissingSubjects(vec![3, 5]).to_string(), "全员覆盖：以下考核对象未纳入方案：3、5");
    let open = scheme::open(SchemeState::Draft, &s, &[2, 1]).unwrap();
    assert_eq!(open, SchemeState::Open);
    assert!(scheme::open(open, &s, &[]).is_err());
    let closed = scheme::close(open).unwrap();
    assert_eq!(scheme::publish(closed), Ok(SchemeState::Published));
    assert!(scheme::publish(open).is_err());
    let mut broken = s.clone();
    broken.groups[0].weight = Decimal::ZERO;
    assert!(matches!(scheme::open(SchemeState::Draft, &broken, &[]), Err(SchemeError::Config(_))));
    let mut broken = s;
    broken.bands.swap(0, 1);
    assert!(broken.validate().is_err());
}

#[test]
fn defaults_match_the_reference() {
    let scale: Vec<(String, Decimal)> = scheme::default_scale().into_iter().map(|l| (l.name, l.points)).collect();
    assert_eq!(
        scale,
        [("好".into(), d("100")), ("较好".into(), d("80")), ("一般".into(), d("60")), ("较差".into(), d("40"))]
    );
    let groups: Vec<Decimal> = default_groups().into_iter().map(|g| g.weight).collect();
    assert_eq!(groups, [d("0.2"), d("0.4"), d("0.4")]);
}

/// A small random election: 5 subjects, 3 indicators, 3 groups, some ballots invalid.
fn random_ballots() -> impl Strategy<Value = Vec<Ballot>> {
    let line = (0u8..4, 0u8..4, 0u8..4, any::<bool>());
    let ballot = (0usize..3, proptest::option::weighted(0.9, 0u8..3), proptest::collection::vec(line, 5));
    proptest::collection::vec(ballot, 0..40).prop_map(|bs| {
        bs.into_iter()
            .map(|(group, familiarity, lines)| Ballot {
                group,
                familiarity,
                lines: lines
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (.., keep))| *keep)
                    .map(|(i, (a, b, c, _))| BallotLine {
                        subject: i as SubjectId + 1,
                        marks: vec![Mark::Level(a), Mark::Level(b), Mark::Level(c)],
                    })
                    .collect(),
            })
            .collect()
    })
}

fn three_indicator_scheme() -> Scheme {
    let mut s = two_indicator_scheme(vec![1, 2, 3, 4, 5]);
    s.indicators.push(Indicator { code: "style".into(), name: "作风建设".into(), weight: d("0.25") });
    s.rules.trim = Some(Trim { more_than: 3, drop_each_end: 1 });
    s
}

proptest! {
    #[test]
    fn results_do_not_depend_on_ballot_order(ballots in random_ballots(), rot in 0usize..40) {
        let s = three_indicator_scheme();
        let a = compute(&s, &ballots, &BTreeMap::new()).unwrap();
        let mut shuffled = ballots.clone();
        if !shuffled.is_empty() {
            let n = shuffled.len();
            shuffled.rotate_left(rot % n);
            shuffled.reverse();
        }
        prop_assert_eq!(a, compute(&s, &shuffled, &BTreeMap::new()).unwrap());
    }

    #[test]
    fn scores_stay_within_the_scale_and_weights_sum_to_one(ballots in random_ballots()) {
        let s = three_indicator_scheme();
        let r = compute(&s, &ballots, &BTreeMap::new()).unwrap();
        for subject in &r.subjects {
            if let Some(score) = subject.score {
                prop_assert!(score >= d("40") && score <= d("100"), "{}", score);
                prop_assert_eq!(subject.groups.iter().map(|g| g.effective_weight).sum::<Decimal>(), Decimal::ONE);
            }
            for g in &subject.groups {
                if let Some(m) = g.mean {
                    prop_assert!(m >= d("40") && m <= d("100"));
                }
                prop_assert!(g.indicator_means.iter().all(|m| *m >= d("40") && *m <= d("100")));
            }
            prop_assert!(subject.indicators.iter().all(|m| *m >= d("40") && *m <= d("100")));
        }
    }

    #[test]
    fn band_quotas_are_never_exceeded(
        scores in proptest::collection::vec(0u32..=20, 1..40),
        lower_id_first in any::<bool>(),
        num in 1u32..=3,
    ) {
        // Scores on a coarse grid (multiples of 5) so ties at the quota's edge are common.
        let ids: Vec<SubjectId> = (1..=scores.len() as SubjectId).collect();
        let mut s = points_scheme(ids.clone());
        s.bands[0].quota = Some(Ratio::new(num, 4));
        s.bands[1].quota = Some(Ratio::new(1, 2));
        s.tie_rule = if lower_id_first { TieRule::LowerIdFirst } else { TieRule::DemoteAllTied };
        let ballots: Vec<Ballot> = ids.iter().zip(&scores)
            .map(|(id, v)| ballot(0, None, vec![line(*id, &[Mark::Points(Decimal::from(v * 5))])]))
            .collect();
        let r = compute(&s, &ballots, &BTreeMap::new()).unwrap();
        let n = scores.len() as u32;
        prop_assert!(r.band_counts[0] <= Ratio::new(num, 4).floor_of(n));
        prop_assert!(r.band_counts[1] <= Ratio::new(1, 2).floor_of(n));
        prop_assert_eq!(r.band_counts.iter().sum::<u32>(), n);
        for x in &r.subjects {
            // A quota only ever moves a subject down, never up.
            prop_assert!(x.band >= x.band_by_score);
        }
    }
}
