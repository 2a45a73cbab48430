//! Evaluation engines: 达标定级 ([`standard`], [`grading`]), 党性积分 ([`points`]), the
//! 党员量化评议指数 ([`member_index`]), 民主评议党员 ([`appraisal`]) and the general 党建考核
//! engine ([`assessment`]: 知者权重 and 格次赋分).
//!
//! No public page fixes the numbers of these schemes (domain-rules.md §3: the 苏州 score
//! sheet was not found, 知者权重 and 格次赋分 are documented practice, not rules). So every
//! number is configuration — plain data with `serde` derives so storage can keep it as
//! JSON — and the defaults are the ones the reference document cites, each marked where
//! it is a proposal. Every engine returns its computation, not just its answer: the
//! people being graded are entitled to see how the figure was reached.
//!
//! Scores are [`Decimal`]; a score shown to a user or compared with a threshold is never
//! a float, so 89.995 is 90.00 on the page and in the band check alike.

pub mod appraisal;
pub mod assessment;
pub mod grading;
pub mod member_index;
pub mod points;
pub mod standard;

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// A share such as "at most 1/3", kept as two integers so that a third of 7 members is
/// exactly 2 and never 2.333… compared with a rounded float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Ratio {
    pub num: u32,
    pub den: u32,
}

impl Ratio {
    /// 优秀 ≤ 1/3 of those graded (民主评议党员, domain-rules.md §2.4).
    pub const ONE_THIRD: Ratio = Ratio { num: 1, den: 3 };

    pub const fn new(num: u32, den: u32) -> Ratio {
        Ratio { num, den }
    }

    /// The largest whole count that stays within the share of `n`: ⌊n × num / den⌋.
    /// A quota is a ceiling, so it rounds down (1/3 of 4 is 1, not 2).
    pub fn floor_of(self, n: u32) -> u32 {
        if self.den == 0 {
            return 0;
        }
        (u64::from(n) * u64::from(self.num) / u64::from(self.den)).min(u64::from(n)) as u32
    }

    /// A usable share lies in (0, 1].
    pub fn is_valid(self) -> bool {
        self.den > 0 && self.num > 0 && self.num <= self.den
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// A configuration that cannot be used, with the field at fault so a form can point at it.
/// The message is shown to users as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub field: String,
    pub message: String,
}

impl ConfigError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> ConfigError {
        ConfigError { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.field, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Rounds a score to the two decimals that are shown, half away from zero as people round
/// by hand. Band checks use this rounded figure, so the page and the grade never disagree.
/// The scale is always 2, so the figure prints as "87.00" wherever it is shown.
pub fn round_score(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// Rescales positive weights so they sum to exactly 1. The last weight takes the residue
/// of the divisions (at most a few units of 10⁻²⁸), so a page that adds up the shares
/// shown always gets 1. Returns `None` when the weights sum to zero or less.
pub fn renormalise(weights: &[Decimal]) -> Option<Vec<Decimal>> {
    let sum: Decimal = weights.iter().copied().sum();
    if sum <= Decimal::ZERO {
        return None;
    }
    let mut out: Vec<Decimal> = weights.iter().map(|w| *w / sum).collect();
    if let Some((last, rest)) = out.split_last_mut() {
        let taken: Decimal = rest.iter().copied().sum();
        *last = Decimal::ONE - taken;
    }
    Some(out)
}

/// Clamps `v` into `lo..=hi`.
pub(crate) fn clamp(v: Decimal, lo: Decimal, hi: Decimal) -> Decimal {
    v.max(lo).min(hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn quota_rounds_down() {
        assert_eq!(Ratio::ONE_THIRD.floor_of(4), 1);
        assert_eq!(Ratio::ONE_THIRD.floor_of(6), 2);
        assert_eq!(Ratio::ONE_THIRD.floor_of(2), 0);
        assert_eq!(Ratio::new(1, 1).floor_of(5), 5);
    }

    #[test]
    fn stored_codes_round_trip() {
        macro_rules! round_trip {
            ($($t:ty),*) => {$(
                for v in <$t>::ALL {
                    assert_eq!(<$t>::from_code(v.code()), Some(v), "{}", v.code());
                }
            )*};
        }
        round_trip!(
            grading::Grade,
            grading::CheckKind,
            standard::ItemKind,
            standard::AutoSource,
            appraisal::AppraisalGrade,
            assessment::SubjectKind,
            assessment::Source,
            assessment::SchemeState
        );
        for s in [points::Sign::Award, points::Sign::Deduct] {
            assert_eq!(points::Sign::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn thirds_sum_to_exactly_one() {
        let w = renormalise(&[Decimal::ONE, Decimal::ONE, Decimal::ONE]).unwrap();
        assert_eq!(w.iter().copied().sum::<Decimal>(), Decimal::ONE);
        assert!(renormalise(&[Decimal::ZERO]).is_none());
    }

    proptest! {
        #[test]
        fn renormalised_weights_sum_to_one(ws in proptest::collection::vec(1i64..10_000, 1..12)) {
            let ws: Vec<Decimal> = ws.into_iter().map(|w| Decimal::new(w, 2)).collect();
            let out = renormalise(&ws).unwrap();
            prop_assert_eq!(out.iter().copied().sum::<Decimal>(), Decimal::ONE);
            prop_assert!(out.iter().all(|w| *w > Decimal::ZERO));
        }
    }
}
