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
mod tests;
