//! Ballots and their validity.
//!
//! A ballot has no rater field: anonymity is structural. Whoever stores ballots keeps the
//! token or sign-in that admitted the rater apart from the ballot (only "this token was
//! used" and turnout per group), so no page, export or API can join them again.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;

use super::scheme::{Scheme, SubjectId};

/// One mark for one subject and indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// The index of a grade in the scheme's scale (0 = best).
    Level(u8),
    /// Points entered directly, for groups that accept them (线下 inspection scores), at
    /// most two decimals, within 0..=the scale's top points.
    Points(Decimal),
}

/// The marks for one subject, one per indicator in the scheme's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotLine {
    pub subject: SubjectId,
    pub marks: Vec<Mark>,
}

/// One anonymous ballot of one rater group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// The index of the rater group in the scheme.
    pub group: usize,
    /// The index of the declared familiarity, when the scheme asks for it.
    pub familiarity: Option<u8>,
    pub lines: Vec<BallotLine>,
}

/// Why a ballot does not count: a rule the rater broke. Shown to the rater before
/// submitting, and counted (not listed per ballot) in the results.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Invalidity {
    Empty,
    /// A line without a mark for every indicator.
    Incomplete {
        subject: SubjectId,
    },
    MissingFamiliarity,
    /// Two or more subjects, one identical mark everywhere.
    AllSame,
    TooMany {
        level: String,
        indicator: String,
        count: u32,
        limit: u32,
    },
    TooFew {
        level: String,
        indicator: String,
        count: u32,
        limit: u32,
    },
}

impl Invalidity {
    /// A stable code for counting invalid ballots by reason.
    pub fn code(&self) -> &'static str {
        match self {
            Invalidity::Empty => "empty",
            Invalidity::Incomplete { .. } => "incomplete",
            Invalidity::MissingFamiliarity => "missing_familiarity",
            Invalidity::AllSame => "all_same",
            Invalidity::TooMany { .. } => "too_many",
            Invalidity::TooFew { .. } => "too_few",
        }
    }
}

impl fmt::Display for Invalidity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalidity::Empty => write!(f, "空票"),
            Invalidity::Incomplete { subject } => write!(f, "对象 {subject} 有指标未评"),
            Invalidity::MissingFamiliarity => write!(f, "未选择熟悉程度"),
            Invalidity::AllSame => write!(f, "对所有对象的评价完全相同，按规定为无效票"),
            Invalidity::TooMany { level, indicator, count, limit } => {
                write!(f, "“{indicator}”评为“{level}”的有 {count} 人，最多 {limit} 人")
            }
            Invalidity::TooFew { level, indicator, count, limit } => {
                write!(f, "“{indicator}”评为“{level}”的只有 {count} 人，至少 {limit} 人")
            }
        }
    }
}

/// A ballot that does not fit the scheme at all: a bug or tampering upstream, not a rater's
/// choice, so the computation stops instead of silently dropping it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotError {
    UnknownGroup(usize),
    UnknownSubject(SubjectId),
    SubjectTwice(SubjectId),
    LevelOutOfRange(u8),
    FamiliarityOutOfRange(u8),
    FamiliarityNotAsked,
    PointsNotAccepted { group: String },
    PointsOutOfRange(Decimal),
}

impl fmt::Display for BallotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BallotError::UnknownGroup(g) => write!(f, "评价主体 {g} 不在方案中"),
            BallotError::UnknownSubject(s) => write!(f, "考核对象 {s} 不在方案中"),
            BallotError::SubjectTwice(s) => write!(f, "同一张票对考核对象 {s} 评了两次"),
            BallotError::LevelOutOfRange(l) => write!(f, "格次 {l} 不在评价等次中"),
            BallotError::FamiliarityOutOfRange(l) => write!(f, "熟悉程度 {l} 不在方案中"),
            BallotError::FamiliarityNotAsked => write!(f, "本方案不填写熟悉程度"),
            BallotError::PointsNotAccepted { group } => write!(f, "“{group}”只能选择格次，不能直接打分"),
            BallotError::PointsOutOfRange(p) => write!(f, "分数 {p} 超出范围"),
        }
    }
}

impl std::error::Error for BallotError {}

/// Checks a ballot against the scheme: `Err` when it does not fit the scheme at all,
/// `Ok(Some(_))` when it breaks a validity rule, `Ok(None)` when it counts. `subjects`
/// must be the scheme's subjects, sorted (as the computation prepares them once).
pub(crate) fn check(
    scheme: &Scheme,
    sorted_subjects: &[SubjectId],
    ballot: &Ballot,
) -> Result<Option<Invalidity>, BallotError> {
    let group = scheme.groups.get(ballot.group).ok_or(BallotError::UnknownGroup(ballot.group))?;
    match (&scheme.familiarity, ballot.familiarity) {
        (None, Some(_)) => return Err(BallotError::FamiliarityNotAsked),
        (Some(levels), Some(f)) if usize::from(f) >= levels.len() => {
            return Err(BallotError::FamiliarityOutOfRange(f));
        }
        _ => {}
    }
    let max_points = scheme.max_points();
    let mut seen = BTreeSet::new();
    let mut incomplete = None;
    for line in &ballot.lines {
        if sorted_subjects.binary_search(&line.subject).is_err() {
            return Err(BallotError::UnknownSubject(line.subject));
        }
        if !seen.insert(line.subject) {
            return Err(BallotError::SubjectTwice(line.subject));
        }
        for mark in &line.marks {
            match mark {
                Mark::Level(l) if usize::from(*l) >= scheme.scale.len() => {
                    return Err(BallotError::LevelOutOfRange(*l));
                }
                Mark::Points(_) if !group.accepts_points => {
                    return Err(BallotError::PointsNotAccepted { group: group.name.clone() });
                }
                Mark::Points(p) if *p < Decimal::ZERO || *p > max_points || p.normalize().scale() > 2 => {
                    return Err(BallotError::PointsOutOfRange(*p));
                }
                _ => {}
            }
        }
        if line.marks.len() != scheme.indicators.len() && incomplete.is_none() {
            incomplete = Some(Invalidity::Incomplete { subject: line.subject });
        }
    }
    if ballot.lines.is_empty() {
        return Ok(Some(Invalidity::Empty));
    }
    if let Some(i) = incomplete {
        return Ok(Some(i));
    }
    if scheme.familiarity.is_some() && ballot.familiarity.is_none() {
        return Ok(Some(Invalidity::MissingFamiliarity));
    }
    if scheme.rules.invalid_if_all_same && ballot.lines.len() >= 2 {
        let first = ballot.lines[0].marks.first();
        if ballot.lines.iter().flat_map(|l| l.marks.iter()).all(|m| Some(m) == first) {
            return Ok(Some(Invalidity::AllSame));
        }
    }
    let n = ballot.lines.len() as u32;
    for quota in scheme.rules.grade_quotas.iter().filter(|q| n >= q.min_subjects) {
        let Some(level) = scheme.level(&quota.level) else { continue };
        for (i, indicator) in scheme.indicators.iter().enumerate() {
            let count = ballot.lines.iter().filter(|l| l.marks[i] == Mark::Level(level as u8)).count() as u32;
            let name = || (scheme.scale[level].name.clone(), indicator.name.clone());
            if let Some(limit) = quota.at_most.map(|l| l.of(n))
                && count > limit
            {
                let (level, indicator) = name();
                return Ok(Some(Invalidity::TooMany { level, indicator, count, limit }));
            }
            if let Some(limit) = quota.at_least.map(|l| l.of(n))
                && count < limit
            {
                let (level, indicator) = name();
                return Ok(Some(Invalidity::TooFew { level, indicator, count, limit }));
            }
        }
    }
    Ok(None)
}

/// Checks one ballot before it is submitted, so the form can tell the rater why it would
/// not count. Same rules as the computation.
pub fn validate_ballot(scheme: &Scheme, ballot: &Ballot) -> Result<Option<Invalidity>, BallotError> {
    let mut subjects = scheme.subjects.clone();
    subjects.sort_unstable();
    check(scheme, &subjects, ballot)
}
