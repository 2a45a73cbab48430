//! The review workflow (三审): draft → 一审 → 二审 → 三审 → published, with 0–3 levels
//! per channel. A rejection at any level returns the article to its author as a draft.
//! Also the rule that protects publish dates: a government site fails its inspection for
//! a forged date (伪造发稿日期), so the date a reader sees cannot be earlier than the
//! moment the content was first submitted, except by a 系统管理员 with a written reason.

use std::fmt;

/// Where an article (or a revision of it) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Draft,
    /// Waiting for review at this level (1, 2 or 3).
    InReview(u8),
    /// Approved, waiting for its publish time.
    Scheduled,
    Published,
    /// Taken off the portal.
    Withdrawn,
}

impl State {
    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::InReview(1) => "review1",
            State::InReview(2) => "review2",
            State::InReview(_) => "review3",
            State::Scheduled => "scheduled",
            State::Published => "published",
            State::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        Some(match code {
            "draft" => State::Draft,
            "review1" => State::InReview(1),
            "review2" => State::InReview(2),
            "review3" => State::InReview(3),
            "scheduled" => State::Scheduled,
            "published" => State::Published,
            "withdrawn" => State::Withdrawn,
            _ => return None,
        })
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            State::Draft => "草稿",
            State::InReview(1) => "待一审",
            State::InReview(2) => "待二审",
            State::InReview(_) => "待三审",
            State::Scheduled => "待发布",
            State::Published => "已发布",
            State::Withdrawn => "已撤下",
        }
    }
}

/// A step that is not allowed from the current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepError {
    NotAllowed { from: State, action: &'static str },
    WrongLevel { expected: u8, got: u8 },
    BadLevels(u8),
    OpinionRequired,
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::NotAllowed { from, action } => {
                write!(f, "“{}”状态的稿件不能{action}", from.name())
            }
            StepError::WrongLevel { expected, got } => {
                write!(f, "该稿件待第 {expected} 级审核，您的审核级别为第 {got} 级")
            }
            StepError::BadLevels(n) => write!(f, "审核级数须为 0–3，当前为 {n}"),
            StepError::OpinionRequired => write!(f, "退回稿件须填写审核意见"),
        }
    }
}

/// Submits a draft. With no review levels it is approved at once.
pub fn submit(from: State, levels: u8, publish_at: i64, now: i64) -> Result<State, StepError> {
    if levels > 3 {
        return Err(StepError::BadLevels(levels));
    }
    match from {
        State::Draft | State::Withdrawn => Ok(if levels == 0 { approved(publish_at, now) } else { State::InReview(1) }),
        _ => Err(StepError::NotAllowed { from, action: "提交审核" }),
    }
}

/// Approves at `level`. The last level publishes (or schedules).
pub fn approve(from: State, level: u8, levels: u8, publish_at: i64, now: i64) -> Result<State, StepError> {
    if levels > 3 {
        return Err(StepError::BadLevels(levels));
    }
    match from {
        State::InReview(l) if l != level => Err(StepError::WrongLevel { expected: l, got: level }),
        State::InReview(l) if l >= levels => Ok(approved(publish_at, now)),
        State::InReview(l) => Ok(State::InReview(l + 1)),
        _ => Err(StepError::NotAllowed { from, action: "审核通过" }),
    }
}

/// Rejects at `level` with an opinion: back to the author as a draft.
pub fn reject(from: State, level: u8, opinion: &str) -> Result<State, StepError> {
    if opinion.trim().is_empty() {
        return Err(StepError::OpinionRequired);
    }
    match from {
        State::InReview(l) if l != level => Err(StepError::WrongLevel { expected: l, got: level }),
        State::InReview(_) => Ok(State::Draft),
        _ => Err(StepError::NotAllowed { from, action: "退回" }),
    }
}

fn approved(publish_at: i64, now: i64) -> State {
    if publish_at > now { State::Scheduled } else { State::Published }
}

/// Why a publish time is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackdateError {
    /// Earlier than first submission and the user may not backdate.
    NotAllowed,
    /// A 系统管理员 may backdate, but must say why (the reason is audited).
    ReasonRequired,
}

impl fmt::Display for BackdateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackdateError::NotAllowed => {
                write!(f, "发布时间不能早于稿件首次提交的时间（伪造发稿日期属于单项否决问题）")
            }
            BackdateError::ReasonRequired => write!(f, "将发布时间设为早于首次提交时间，须填写理由（将记入审计日志）"),
        }
    }
}

/// Checks a requested publish time against the first submission time.
pub fn check_publish_time(
    publish_at: i64,
    first_submitted_at: i64,
    may_backdate: bool,
    reason: &str,
) -> Result<(), BackdateError> {
    if publish_at >= first_submitted_at {
        return Ok(());
    }
    match (may_backdate, reason.trim().is_empty()) {
        (false, _) => Err(BackdateError::NotAllowed),
        (true, true) => Err(BackdateError::ReasonRequired),
        (true, false) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn three_levels_in_order() {
        let s = submit(State::Draft, 3, 0, 10).unwrap();
        assert_eq!(s, State::InReview(1));
        let s = approve(s, 1, 3, 0, 10).unwrap();
        assert_eq!(s, State::InReview(2));
        assert_eq!(approve(s, 3, 3, 0, 10), Err(StepError::WrongLevel { expected: 2, got: 3 }));
        let s = approve(s, 2, 3, 0, 10).unwrap();
        let s = approve(s, 3, 3, 0, 10).unwrap();
        assert_eq!(s, State::Published);
    }

    #[test]
    fn no_levels_publish_at_once_or_schedule() {
        assert_eq!(submit(State::Draft, 0, 5, 10), Ok(State::Published));
        assert_eq!(submit(State::Draft, 0, 50, 10), Ok(State::Scheduled));
        assert_eq!(submit(State::Draft, 4, 5, 10), Err(StepError::BadLevels(4)));
    }

    #[test]
    fn reject_needs_an_opinion_and_returns_a_draft() {
        let s = State::InReview(2);
        assert_eq!(reject(s, 2, "  "), Err(StepError::OpinionRequired));
        assert_eq!(reject(s, 2, "领导姓名有误"), Ok(State::Draft));
        assert!(reject(State::Published, 1, "x").is_err());
    }

    #[test]
    fn cannot_resubmit_while_in_review() {
        assert!(submit(State::InReview(1), 3, 0, 0).is_err());
        assert!(approve(State::Draft, 1, 3, 0, 0).is_err());
    }

    #[test]
    fn codes_round_trip() {
        for s in [
            State::Draft,
            State::InReview(1),
            State::InReview(2),
            State::InReview(3),
            State::Scheduled,
            State::Published,
            State::Withdrawn,
        ] {
            assert_eq!(State::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn backdating() {
        assert_eq!(check_publish_time(100, 100, false, ""), Ok(()));
        assert_eq!(check_publish_time(99, 100, false, "理由"), Err(BackdateError::NotAllowed));
        assert_eq!(check_publish_time(99, 100, true, ""), Err(BackdateError::ReasonRequired));
        assert_eq!(check_publish_time(99, 100, true, "补录纸质发文"), Ok(()));
    }

    proptest! {
        /// Approving at the right level from submission always ends published after
        /// exactly `levels` approvals, never earlier.
        #[test]
        fn approvals_needed_equal_levels(levels in 1u8..=3) {
            let mut s = submit(State::Draft, levels, 0, 1).unwrap();
            for l in 1..=levels {
                prop_assert_ne!(s, State::Published);
                s = approve(s, l, levels, 0, 1).unwrap();
            }
            prop_assert_eq!(s, State::Published);
        }
    }
}
