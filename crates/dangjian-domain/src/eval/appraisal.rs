//! 民主评议党员 (domain-rules.md §2.4): ballots with four grades, the tally per member, and
//! the check of the branch committee's decision before it is fed back to members.
//!
//! The rules checked: 优秀 at most 1/3 of graded members (the share is configuration);
//! 预备党员 take part but are not graded; a 不合格 needs a follow-up record (educate first,
//! then 组织处置 by procedure). Ballots carry no voter: the tally cannot say who voted what.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Ratio;
use super::points::MemberId;

/// The four grades of 民主评议党员.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AppraisalGrade {
    Unqualified,
    BasicallyQualified,
    Qualified,
    Excellent,
}

impl AppraisalGrade {
    /// Best first, as the ballot shows them.
    pub const ALL: [AppraisalGrade; 4] = [
        AppraisalGrade::Excellent,
        AppraisalGrade::Qualified,
        AppraisalGrade::BasicallyQualified,
        AppraisalGrade::Unqualified,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AppraisalGrade::Excellent => "excellent",
            AppraisalGrade::Qualified => "qualified",
            AppraisalGrade::BasicallyQualified => "basically_qualified",
            AppraisalGrade::Unqualified => "unqualified",
        }
    }

    pub fn from_code(code: &str) -> Option<AppraisalGrade> {
        AppraisalGrade::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            AppraisalGrade::Excellent => "优秀",
            AppraisalGrade::Qualified => "合格",
            AppraisalGrade::BasicallyQualified => "基本合格",
            AppraisalGrade::Unqualified => "不合格",
        }
    }

    fn index(self) -> usize {
        AppraisalGrade::ALL.iter().position(|g| *g == self).unwrap_or(0)
    }
}

/// Whether a member is graded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Standing {
    /// 正式党员: graded.
    Full,
    /// 预备党员: takes part, is not graded.
    Probationary,
}

/// A member taking part in the round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    pub member: MemberId,
    pub standing: Standing,
}

/// The round's settings; the default quota is 优秀 ≤ 1/3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalConfig {
    pub excellent_quota: Ratio,
}

impl Default for AppraisalConfig {
    fn default() -> AppraisalConfig {
        AppraisalConfig { excellent_quota: Ratio::ONE_THIRD }
    }
}

/// One anonymous ballot (民主测评票): a grade per member rated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppraisalBallot {
    pub marks: Vec<(MemberId, AppraisalGrade)>,
}

/// Votes for one graded member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub member: MemberId,
    /// Votes per grade, in [`AppraisalGrade::ALL`] order (优秀, 合格, 基本合格, 不合格).
    pub counts: [u32; 4],
    pub votes: u32,
    /// The grade with most votes, the lower grade on a tie: a starting point for the
    /// committee, which also weighs day-to-day performance (not a rule from the sources).
    pub plurality: Option<AppraisalGrade>,
}

impl Tally {
    pub fn count(&self, grade: AppraisalGrade) -> u32 {
        self.counts[grade.index()]
    }
}

/// A data error in ballots or decisions; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppraisalError {
    UnknownMember(MemberId),
    MarkedTwice(MemberId),
}

impl fmt::Display for AppraisalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppraisalError::UnknownMember(m) => write!(f, "党员 {m} 不在本次评议名单中"),
            AppraisalError::MarkedTwice(m) => write!(f, "同一张票对党员 {m} 评了两次"),
        }
    }
}

impl std::error::Error for AppraisalError {}

/// Tallies the ballots for every full member, in participant order. Marks on probationary
/// members are ignored: they are not graded.
pub fn tally(participants: &[Participant], ballots: &[AppraisalBallot]) -> Result<Vec<Tally>, AppraisalError> {
    let standing: BTreeMap<MemberId, Standing> = participants.iter().map(|p| (p.member, p.standing)).collect();
    let mut counts: BTreeMap<MemberId, [u32; 4]> = BTreeMap::new();
    for ballot in ballots {
        let mut seen = BTreeSet::new();
        for (member, grade) in &ballot.marks {
            match standing.get(member) {
                None => return Err(AppraisalError::UnknownMember(*member)),
                Some(_) if !seen.insert(*member) => return Err(AppraisalError::MarkedTwice(*member)),
                Some(Standing::Probationary) => {}
                Some(Standing::Full) => counts.entry(*member).or_default()[grade.index()] += 1,
            }
        }
    }
    Ok(participants
        .iter()
        .filter(|p| p.standing == Standing::Full)
        .map(|p| {
            let c = counts.get(&p.member).copied().unwrap_or_default();
            let votes = c.iter().sum();
            let most = c.iter().copied().max().unwrap_or(0);
            // ALL runs best to worst, so the last grade with the most votes is the lower one.
            let plurality = (most > 0).then(|| {
                AppraisalGrade::ALL.into_iter().zip(c).filter(|(_, n)| *n == most).map(|(g, _)| g).next_back()
            });
            Tally { member: p.member, counts: c, votes, plurality: plurality.flatten() }
        })
        .collect())
}

/// How many members may be rated 优秀: the quota of the graded (full) members, rounded down.
pub fn excellent_quota(participants: &[Participant], config: &AppraisalConfig) -> u32 {
    let graded = participants.iter().filter(|p| p.standing == Standing::Full).count() as u32;
    config.excellent_quota.floor_of(graded)
}

/// The committee's decision for one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub member: MemberId,
    /// `None` for probationary members.
    pub grade: Option<AppraisalGrade>,
    /// The follow-up record (帮教措施, 组织处置) a 不合格 needs.
    pub follow_up: Option<String>,
}

/// Something wrong with the committee's decisions; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionProblem {
    UnknownMember(MemberId),
    Duplicate(MemberId),
    ProbationaryGraded(MemberId),
    NotGraded(MemberId),
    ExcellentOverQuota { count: u32, max: u32, graded: u32 },
    UnqualifiedWithoutFollowUp(MemberId),
}

impl fmt::Display for DecisionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionProblem::UnknownMember(m) => write!(f, "党员 {m} 不在本次评议名单中"),
            DecisionProblem::Duplicate(m) => write!(f, "党员 {m} 的评定意见重复"),
            DecisionProblem::ProbationaryGraded(m) => write!(f, "党员 {m} 是预备党员，参加评议但不评定等次"),
            DecisionProblem::NotGraded(m) => write!(f, "党员 {m} 尚未评定等次"),
            DecisionProblem::ExcellentOverQuota { count, max, graded } => {
                write!(f, "评定为优秀的有 {count} 人，超过参评正式党员 {graded} 人的比例上限 {max} 人")
            }
            DecisionProblem::UnqualifiedWithoutFollowUp(m) => {
                write!(f, "党员 {m} 评定为不合格，须填写帮教或组织处置记录")
            }
        }
    }
}

/// Checks the committee's decisions; an empty list means they may be confirmed.
pub fn validate_decisions(
    participants: &[Participant],
    decisions: &[Decision],
    config: &AppraisalConfig,
) -> Vec<DecisionProblem> {
    let standing: BTreeMap<MemberId, Standing> = participants.iter().map(|p| (p.member, p.standing)).collect();
    let mut problems = Vec::new();
    let mut decided = BTreeSet::new();
    for d in decisions {
        let Some(s) = standing.get(&d.member) else {
            problems.push(DecisionProblem::UnknownMember(d.member));
            continue;
        };
        if !decided.insert(d.member) {
            problems.push(DecisionProblem::Duplicate(d.member));
            continue;
        }
        match (s, d.grade) {
            (Standing::Probationary, Some(_)) => problems.push(DecisionProblem::ProbationaryGraded(d.member)),
            (Standing::Full, None) => problems.push(DecisionProblem::NotGraded(d.member)),
            (Standing::Full, Some(AppraisalGrade::Unqualified))
                if d.follow_up.as_deref().is_none_or(|t| t.trim().is_empty()) =>
            {
                problems.push(DecisionProblem::UnqualifiedWithoutFollowUp(d.member))
            }
            _ => {}
        }
    }
    for p in participants.iter().filter(|p| p.standing == Standing::Full && !decided.contains(&p.member)) {
        problems.push(DecisionProblem::NotGraded(p.member));
    }
    let graded = participants.iter().filter(|p| p.standing == Standing::Full).count() as u32;
    let max = config.excellent_quota.floor_of(graded);
    let mut excellent = BTreeSet::new();
    for d in decisions {
        if d.grade == Some(AppraisalGrade::Excellent) && standing.get(&d.member) == Some(&Standing::Full) {
            excellent.insert(d.member);
        }
    }
    let count = excellent.len() as u32;
    if count > max {
        problems.push(DecisionProblem::ExcellentOverQuota { count, max, graded });
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use AppraisalGrade::{BasicallyQualified as Basic, Excellent, Qualified, Unqualified};
    use proptest::prelude::*;

    fn people() -> Vec<Participant> {
        // Seven full members (1–7) and one probationary member (8).
        let mut v: Vec<Participant> = (1..=7).map(|m| Participant { member: m, standing: Standing::Full }).collect();
        v.push(Participant { member: 8, standing: Standing::Probationary });
        v
    }

    fn decide(member: MemberId, grade: Option<AppraisalGrade>) -> Decision {
        Decision { member, grade, follow_up: None }
    }

    #[test]
    fn tally_counts_full_members_only() {
        let ballots = vec![
            AppraisalBallot { marks: vec![(1, Excellent), (2, Qualified), (8, Excellent)] },
            AppraisalBallot { marks: vec![(1, Excellent), (2, Basic)] },
            AppraisalBallot { marks: vec![(1, Qualified), (2, Qualified), (3, Unqualified)] },
        ];
        let t = tally(&people(), &ballots).unwrap();
        assert_eq!(t.len(), 7, "the probationary member is not tallied");
        assert_eq!((t[0].counts, t[0].votes, t[0].plurality), ([2, 1, 0, 0], 3, Some(Excellent)));
        assert_eq!(t[1].plurality, Some(Qualified));
        assert_eq!(t[2].count(Unqualified), 1);
        assert_eq!(t[3].plurality, None);
        // A 1–1 tie goes to the lower grade.
        let tie = tally(
            &people(),
            &[AppraisalBallot { marks: vec![(4, Excellent)] }, AppraisalBallot { marks: vec![(4, Qualified)] }],
        )
        .unwrap();
        assert_eq!(tie[3].plurality, Some(Qualified));
        let bad = [AppraisalBallot { marks: vec![(1, Excellent), (1, Qualified)] }];
        assert_eq!(tally(&people(), &bad), Err(AppraisalError::MarkedTwice(1)));
        assert_eq!(
            tally(&people(), &[AppraisalBallot { marks: vec![(99, Qualified)] }]),
            Err(AppraisalError::UnknownMember(99))
        );
    }

    #[test]
    fn quota_is_a_third_of_graded_members_rounded_down() {
        // 7 full members (the probationary one does not count): ⌊7/3⌋ = 2.
        assert_eq!(excellent_quota(&people(), &AppraisalConfig::default()), 2);
        let mut ds: Vec<Decision> = (1..=7).map(|m| decide(m, Some(Qualified))).collect();
        ds.push(decide(8, None));
        ds[0].grade = Some(Excellent);
        ds[1].grade = Some(Excellent);
        assert!(validate_decisions(&people(), &ds, &AppraisalConfig::default()).is_empty());
        ds[2].grade = Some(Excellent);
        assert_eq!(
            validate_decisions(&people(), &ds, &AppraisalConfig::default()),
            [DecisionProblem::ExcellentOverQuota { count: 3, max: 2, graded: 7 }]
        );
    }

    #[test]
    fn decision_rules() {
        let mut ds: Vec<Decision> = (1..=6).map(|m| decide(m, Some(Qualified))).collect();
        ds.push(decide(8, Some(Qualified)));
        ds[0].grade = Some(Unqualified);
        ds.push(decide(3, Some(Qualified)));
        let problems = validate_decisions(&people(), &ds, &AppraisalConfig::default());
        assert_eq!(
            problems,
            [
                DecisionProblem::UnqualifiedWithoutFollowUp(1),
                DecisionProblem::ProbationaryGraded(8),
                DecisionProblem::Duplicate(3),
                DecisionProblem::NotGraded(7),
            ]
        );
        assert_eq!(problems[0].to_string(), "党员 1 评定为不合格，须填写帮教或组织处置记录");
        ds[0].follow_up = Some("支部书记谈话，限期改正".into());
        assert!(
            !validate_decisions(&people(), &ds, &AppraisalConfig::default())
                .contains(&DecisionProblem::UnqualifiedWithoutFollowUp(1))
        );
    }

    proptest! {
        #[test]
        fn tally_does_not_depend_on_ballot_order(
            marks in proptest::collection::vec(proptest::collection::vec((1i64..=8, 0usize..4), 0..8), 0..20),
            seed in any::<u64>(),
        ) {
            let ballots: Vec<AppraisalBallot> = marks.into_iter().map(|ms| {
                let mut seen = BTreeSet::new();
                AppraisalBallot { marks: ms.into_iter().filter(|(m, _)| seen.insert(*m)).map(|(m, g)| (m, AppraisalGrade::ALL[g])).collect() }
            }).collect();
            let mut shuffled = ballots.clone();
            let n = shuffled.len();
            if n > 1 { shuffled.rotate_left((seed as usize) % n); shuffled.reverse(); }
            prop_assert_eq!(tally(&people(), &ballots).unwrap(), tally(&people(), &shuffled).unwrap());
        }

        #[test]
        fn accepted_decisions_never_exceed_the_quota(grades in proptest::collection::vec(0usize..4, 7)) {
            let mut ds: Vec<Decision> = grades.iter().enumerate()
                .map(|(i, g)| Decision { member: i as i64 + 1, grade: Some(AppraisalGrade::ALL[*g]), follow_up: Some("记录".into()) })
                .collect();
            ds.push(decide(8, None));
            let ok = validate_decisions(&people(), &ds, &AppraisalConfig::default()).is_empty();
            let excellent = grades.iter().filter(|g| **g == 0).count();
            prop_assert_eq!(ok, excellent <= 2);
        }
    }
}
