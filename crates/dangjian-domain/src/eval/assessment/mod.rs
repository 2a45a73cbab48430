//! 党建考核: one general assessment engine for branches, members and leading cadres.
//!
//! A [`Scheme`] has subjects, weighted indicators and weighted rater groups (知者权重: the
//! groups that know the subject better weigh more, e.g. 分管领导 20 %, 本支部党员 40 %,
//! 服务对象 40 %). Raters choose a grade (格次) per subject and indicator from a scale
//! mapped to points (格次赋分: 好/较好/一般/较差 = 100/80/60/40); the final score maps back
//! to a final 格次 by thresholds, with optional quotas. Optionally each ballot declares how
//! well the rater knows the subject, weighting it within its group. Ballot rules (all the
//! same → invalid, per-ballot grade quotas, trimming) follow the practice cited in
//! domain-rules.md §3; every number is configuration.
//!
//! 全员覆盖: a scheme does not open while a subject in its scope is missing
//! ([`scheme::open`]). Anonymity is structural: a [`Ballot`] has no rater field.

pub mod ballot;
pub mod compute;
pub mod daily;
pub mod scheme;

pub use ballot::{Ballot, BallotError, BallotLine, Invalidity, Mark, validate_ballot};
pub use compute::{ComputeError, GroupResult, SchemeResult, SubjectResult, Turnout, compute};
pub use daily::{DailyEvidence, DailyProposal, propose as propose_daily};
pub use scheme::{
    BallotRules, Familiarity, FinalBand, GradeQuota, Indicator, Level, Limit, PeriodWeights, RaterGroup, Scheme,
    SchemeError, SchemeState, Source, SubjectId, SubjectKind, TieRule, Trim,
};

#[cfg(test)]
mod tests;
