//! 民主评议党员 (domain-rules.md §2.4): ballots with four grades, the tally per member, and
//! the check of the branch committee's decision before it is fed back to members.
//!
//! The rules checked: 优秀 at most 1/3 of graded members (the share is configuration);
//! 预备党员 take part but are not graded; a 不合格 needs a follow-up record (educate first,
//! then 组织处置 by procedure). Ballots carry no voter: the tally cannot say who voted what.
//!
//! A round moves through [`RoundStage`]s: 个人自评 while it is open, 党员互评 online once
//! the branch starts voting, then voting is closed (explicitly) and only then may the
//! committee decide. Each participant, 正式 or 预备, casts one online ballot that grades
//! every 正式党员 but themself ([`ballot_sheet`], [`check_online_ballot`]); the paper
//! 民主测评票 of the meeting (which non-members may fill in) are counted beside the online
//! ones and the committee reads the sum ([`combined_tally`]).

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

/// Where a round stands. Stored as its [`RoundStage::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RoundStage {
    /// 个人自评: participants write their self-assessment; paper ballots may be entered.
    Open,
    /// 网上投票: participants cast their online ballot; self-assessments may still change.
    Voting,
    /// 投票已截止: nothing more is cast or written; the committee may decide.
    Closed,
    /// 评定完成: the decision is recorded and fed back.
    Decided,
}

/// A step the branch takes on a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundStep {
    StartVoting,
    CloseVoting,
    ReopenVoting,
    Decide,
}

impl RoundStage {
    pub fn code(self) -> &'static str {
        match self {
            RoundStage::Open => "open",
            RoundStage::Voting => "voting",
            RoundStage::Closed => "closed",
            RoundStage::Decided => "decided",
        }
    }

    pub fn from_code(code: &str) -> Option<RoundStage> {
        [RoundStage::Open, RoundStage::Voting, RoundStage::Closed, RoundStage::Decided]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            RoundStage::Open => "个人自评阶段",
            RoundStage::Voting => "网上投票中",
            RoundStage::Closed => "投票已截止，待支部委员会评定",
            RoundStage::Decided => "评议结果已确定",
        }
    }

    /// Self-assessments may be written and edited until voting closes.
    pub fn takes_self_assessments(self) -> bool {
        matches!(self, RoundStage::Open | RoundStage::Voting)
    }

    /// Paper ballots may be entered until voting closes.
    pub fn takes_paper_ballots(self) -> bool {
        matches!(self, RoundStage::Open | RoundStage::Voting)
    }

    /// Online ballots are taken only while voting is open.
    pub fn takes_online_ballots(self) -> bool {
        self == RoundStage::Voting
    }

    /// The stage a step leads to, or why it cannot be taken now.
    pub fn after(self, step: RoundStep) -> Result<RoundStage, StageProblem> {
        use RoundStage::*;
        match (self, step) {
            (Open, RoundStep::StartVoting) => Ok(Voting),
            (Open | Voting, RoundStep::CloseVoting) => Ok(Closed),
            (Closed, RoundStep::ReopenVoting) => Ok(Voting),
            (Closed, RoundStep::Decide) => Ok(Decided),
            (Decided, _) => Err(StageProblem::AlreadyDecided),
            (Open | Voting, RoundStep::Decide) => Err(StageProblem::VotingNotClosed),
            (Voting, RoundStep::StartVoting) => Err(StageProblem::AlreadyVoting),
            (Closed, RoundStep::StartVoting | RoundStep::CloseVoting) => Err(StageProblem::AlreadyClosed),
            (Open | Voting, RoundStep::ReopenVoting) => Err(StageProblem::NotClosed),
        }
    }
}

/// Why a step cannot be taken in the round's stage; shown as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageProblem {
    AlreadyDecided,
    VotingNotClosed,
    AlreadyVoting,
    AlreadyClosed,
    NotClosed,
}

impl fmt::Display for StageProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StageProblem::AlreadyDecided => "评议结果已确定，不能再修改",
            StageProblem::VotingNotClosed => "请先结束投票，再由支部委员会评定",
            StageProblem::AlreadyVoting => "网上投票已经开始",
            StageProblem::AlreadyClosed => "投票已经结束",
            StageProblem::NotClosed => "投票尚未结束，无需重新开放",
        })
    }
}

/// The longest self-assessment kept, in characters (about two pages of 自我评价).
pub const SELF_ASSESSMENT_MAX_CHARS: usize = 2000;

/// Something wrong with a self-assessment; shown as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelfAssessmentProblem {
    Empty,
    TooLong {
        chars: usize,
        max: usize,
    },
    /// 预备党员 are not graded, so they give no self grade either.
    ProbationaryGrade,
}

impl fmt::Display for SelfAssessmentProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelfAssessmentProblem::Empty => f.write_str("请填写个人自评内容"),
            SelfAssessmentProblem::TooLong { chars, max } => {
                write!(f, "个人自评不超过 {max} 字，现有 {chars} 字，请精简后再提交")
            }
            SelfAssessmentProblem::ProbationaryGrade => f.write_str("预备党员参加评议但不评定等次，无需填写自评等次"),
        }
    }
}

/// Checks a self-assessment: some text, at most [`SELF_ASSESSMENT_MAX_CHARS`] characters,
/// and a self grade only from a 正式党员.
pub fn check_self_assessment(
    text: &str,
    grade: Option<AppraisalGrade>,
    standing: Standing,
) -> Result<(), SelfAssessmentProblem> {
    let chars = text.trim().chars().count();
    if chars == 0 {
        return Err(SelfAssessmentProblem::Empty);
    }
    if chars > SELF_ASSESSMENT_MAX_CHARS {
        return Err(SelfAssessmentProblem::TooLong { chars, max: SELF_ASSESSMENT_MAX_CHARS });
    }
    if grade.is_some() && standing == Standing::Probationary {
        return Err(SelfAssessmentProblem::ProbationaryGrade);
    }
    Ok(())
}

/// Whom a participant grades on the online ballot: every 正式党员 of the round but
/// themself, in participant order. 预备党员 vote but are on nobody's sheet.
pub fn ballot_sheet(participants: &[Participant], voter: MemberId) -> Vec<MemberId> {
    participants.iter().filter(|p| p.standing == Standing::Full && p.member != voter).map(|p| p.member).collect()
}

/// Something wrong with an online ballot; the ballot is refused whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotProblem {
    /// The voter does not take part in the round.
    NotParticipant,
    UnknownMember(MemberId),
    /// A participant may not grade themself.
    RatesSelf,
    /// A 预备党员 was graded.
    NotGraded(MemberId),
    MarkedTwice(MemberId),
    /// Members on the sheet left without a grade (every one must be marked).
    Missing(Vec<MemberId>),
}

impl fmt::Display for BallotProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BallotProblem::NotParticipant => f.write_str("您不是本次民主评议的参评党员，不能投票"),
            BallotProblem::UnknownMember(m) => write!(f, "党员 {m} 不在本次评议名单中"),
            BallotProblem::RatesSelf => f.write_str("测评票不评价本人"),
            BallotProblem::NotGraded(m) => write!(f, "党员 {m} 是预备党员，参加评议但不评定等次"),
            BallotProblem::MarkedTwice(m) => write!(f, "同一张票对党员 {m} 评了两次"),
            BallotProblem::Missing(ms) => write!(f, "还有 {} 名党员没有选择等次，请逐一评定后再提交", ms.len()),
        }
    }
}

/// Checks an online ballot: the voter takes part, and it grades exactly the members on
/// the voter's [`ballot_sheet`], each once.
pub fn check_online_ballot(
    participants: &[Participant],
    voter: MemberId,
    ballot: &AppraisalBallot,
) -> Result<(), BallotProblem> {
    if !participants.iter().any(|p| p.member == voter) {
        return Err(BallotProblem::NotParticipant);
    }
    let standing: BTreeMap<MemberId, Standing> = participants.iter().map(|p| (p.member, p.standing)).collect();
    let mut seen = BTreeSet::new();
    for (member, _) in &ballot.marks {
        match standing.get(member) {
            None => return Err(BallotProblem::UnknownMember(*member)),
            Some(_) if *member == voter => return Err(BallotProblem::RatesSelf),
            Some(Standing::Probationary) => return Err(BallotProblem::NotGraded(*member)),
            Some(Standing::Full) if !seen.insert(*member) => return Err(BallotProblem::MarkedTwice(*member)),
            Some(Standing::Full) => {}
        }
    }
    let missing: Vec<MemberId> = ballot_sheet(participants, voter).into_iter().filter(|m| !seen.contains(m)).collect();
    if missing.is_empty() { Ok(()) } else { Err(BallotProblem::Missing(missing)) }
}

/// Votes for one graded member from both kinds of ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CombinedTally {
    pub member: MemberId,
    /// Paper 民主测评票, per grade in [`AppraisalGrade::ALL`] order.
    pub paper: [u32; 4],
    /// Online ballots, per grade in the same order.
    pub online: [u32; 4],
    /// The sum, with its plurality: what the committee reads.
    pub total: Tally,
}

/// Tallies paper and online ballots apart and adds them up, per full member in
/// participant order. Either set failing [`tally`] is an error.
pub fn combined_tally(
    participants: &[Participant],
    paper: &[AppraisalBallot],
    online: &[AppraisalBallot],
) -> Result<Vec<CombinedTally>, AppraisalError> {
    let p = tally(participants, paper)?;
    let o = tally(participants, online)?;
    let all: Vec<AppraisalBallot> = paper.iter().chain(online).cloned().collect();
    let total = tally(participants, &all)?;
    Ok(total
        .into_iter()
        .zip(p.into_iter().zip(o))
        .map(|(total, (p, o))| CombinedTally { member: total.member, paper: p.counts, online: o.counts, total })
        .collect())
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

    #[test]
    fn stages_take_steps_in_order() {
        use RoundStage::*;
        use RoundStep::*;
        assert_eq!(Open.after(StartVoting), Ok(Voting));
        assert_eq!(Open.after(CloseVoting), Ok(Closed), "a paper-only round closes without online voting");
        assert_eq!(Voting.after(CloseVoting), Ok(Closed));
        assert_eq!(Closed.after(ReopenVoting), Ok(Voting));
        assert_eq!(Closed.after(Decide), Ok(Decided));
        assert_eq!(Open.after(Decide), Err(StageProblem::VotingNotClosed));
        assert_eq!(Voting.after(Decide), Err(StageProblem::VotingNotClosed));
        assert_eq!(Voting.after(StartVoting), Err(StageProblem::AlreadyVoting));
        assert_eq!(Closed.after(CloseVoting), Err(StageProblem::AlreadyClosed));
        assert_eq!(Voting.after(ReopenVoting), Err(StageProblem::NotClosed));
        for step in [StartVoting, CloseVoting, ReopenVoting, Decide] {
            assert_eq!(Decided.after(step), Err(StageProblem::AlreadyDecided));
        }
        assert_eq!(Open.after(Decide).unwrap_err().to_string(), "请先结束投票，再由支部委员会评定");
        assert!(Open.takes_self_assessments() && Voting.takes_self_assessments());
        assert!(!Closed.takes_self_assessments() && !Decided.takes_self_assessments());
        assert!(Voting.takes_online_ballots() && !Open.takes_online_ballots() && !Closed.takes_online_ballots());
        assert!(Voting.takes_paper_ballots() && !Closed.takes_paper_ballots());
        for s in [Open, Voting, Closed, Decided] {
            assert_eq!(RoundStage::from_code(s.code()), Some(s));
        }
        assert_eq!(RoundStage::from_code("draft"), None);
    }

    #[test]
    fn self_assessment_rules() {
        let full = Standing::Full;
        assert_eq!(check_self_assessment("  \n ", None, full), Err(SelfAssessmentProblem::Empty));
        assert_eq!(check_self_assessment("认真学习", Some(Qualified), full), Ok(()));
        let long = "学".repeat(SELF_ASSESSMENT_MAX_CHARS);
        assert_eq!(check_self_assessment(&long, None, full), Ok(()), "the limit counts characters, not bytes");
        let longer = format!("{long}习");
        let err = check_self_assessment(&longer, None, full).unwrap_err();
        assert_eq!(err, SelfAssessmentProblem::TooLong { chars: 2001, max: 2000 });
        assert_eq!(err.to_string(), "个人自评不超过 2000 字，现有 2001 字，请精简后再提交");
        assert_eq!(
            check_self_assessment("预备期小结", Some(Excellent), Standing::Probationary),
            Err(SelfAssessmentProblem::ProbationaryGrade)
        );
        assert_eq!(check_self_assessment("预备期小结", None, Standing::Probationary), Ok(()));
    }

    #[test]
    fn the_online_sheet_is_every_full_member_but_the_voter() {
        assert_eq!(ballot_sheet(&people(), 3), [1, 2, 4, 5, 6, 7]);
        // The probationary member votes on all seven and is on nobody's sheet.
        assert_eq!(ballot_sheet(&people(), 8), [1, 2, 3, 4, 5, 6, 7]);
        let full = |voter: MemberId| AppraisalBallot {
            marks: ballot_sheet(&people(), voter).into_iter().map(|m| (m, Qualified)).collect(),
        };
        assert_eq!(check_online_ballot(&people(), 3, &full(3)), Ok(()));
        assert_eq!(check_online_ballot(&people(), 8, &full(8)), Ok(()));
        assert_eq!(check_online_ballot(&people(), 99, &full(3)), Err(BallotProblem::NotParticipant));
        let mut own = full(3);
        own.marks.push((3, Excellent));
        assert_eq!(check_online_ballot(&people(), 3, &own), Err(BallotProblem::RatesSelf));
        let mut probationary = full(3);
        probationary.marks.push((8, Excellent));
        assert_eq!(check_online_ballot(&people(), 3, &probationary), Err(BallotProblem::NotGraded(8)));
        let mut twice = full(3);
        twice.marks.push((1, Excellent));
        assert_eq!(check_online_ballot(&people(), 3, &twice), Err(BallotProblem::MarkedTwice(1)));
        let mut unknown = full(3);
        unknown.marks.push((42, Excellent));
        assert_eq!(check_online_ballot(&people(), 3, &unknown), Err(BallotProblem::UnknownMember(42)));
        let mut short = full(3);
        short.marks.retain(|(m, _)| *m != 2 && *m != 6);
        let err = check_online_ballot(&people(), 3, &short).unwrap_err();
        assert_eq!(err, BallotProblem::Missing(vec![2, 6]));
        assert_eq!(err.to_string(), "还有 2 名党员没有选择等次，请逐一评定后再提交");
        assert_eq!(
            check_online_ballot(&people(), 3, &AppraisalBallot::default()),
            Err(BallotProblem::Missing(vec![1, 2, 4, 5, 6, 7]))
        );
    }

    #[test]
    fn the_committee_reads_paper_plus_online() {
        let paper = vec![
            AppraisalBallot { marks: vec![(1, Excellent), (2, Qualified)] },
            AppraisalBallot { marks: vec![(1, Qualified)] },
        ];
        let online = vec![
            AppraisalBallot { marks: vec![(1, Excellent), (2, Basic)] },
            AppraisalBallot { marks: vec![(1, Excellent), (2, Basic), (8, Excellent)] },
        ];
        let t = combined_tally(&people(), &paper, &online).unwrap();
        assert_eq!(t.len(), 7);
        assert_eq!((t[0].paper, t[0].online, t[0].total.counts), ([1, 1, 0, 0], [2, 0, 0, 0], [3, 1, 0, 0]));
        assert_eq!(t[0].total.votes, 4);
        assert_eq!(t[0].total.plurality, Some(Excellent));
        // Paper alone says 合格 for member 2; with the online ballots it is 基本合格.
        assert_eq!(t[1].total.counts, [0, 1, 2, 0]);
        assert_eq!(t[1].total.plurality, Some(Basic));
        assert_eq!(t[2].total.votes, 0);
        let bad = [AppraisalBallot { marks: vec![(99, Qualified)] }];
        assert_eq!(combined_tally(&people(), &paper, &bad), Err(AppraisalError::UnknownMember(99)));
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

        #[test]
        fn combined_counts_are_paper_plus_online(
            marks in proptest::collection::vec(proptest::collection::vec((1i64..=8, 0usize..4), 0..8), 0..16),
            split in 0usize..16,
        ) {
            let ballots: Vec<AppraisalBallot> = marks.into_iter().map(|ms| {
                let mut seen = BTreeSet::new();
                AppraisalBallot { marks: ms.into_iter().filter(|(m, _)| seen.insert(*m)).map(|(m, g)| (m, AppraisalGrade::ALL[g])).collect() }
            }).collect();
            let (paper, online) = ballots.split_at(split.min(ballots.len()));
            for t in combined_tally(&people(), paper, online).unwrap() {
                for g in 0..4 {
                    prop_assert_eq!(t.total.counts[g], t.paper[g] + t.online[g]);
                }
            }
        }
    }
}
