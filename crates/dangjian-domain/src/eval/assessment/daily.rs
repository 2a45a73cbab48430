//! 日常得分 from platform records: the part of a 考核 that is not a year-end ballot but
//! how the subject did over the period, taken from what the platform already recorded
//! instead of typed in by hand (domain-rules.md §3: 日常考核与年底考核相结合).
//!
//! A member's daily score is their 党员量化评议指数 of the year (which already weighs
//! 党性积分, attendance and the 民主评议 result); a branch's is its reviewed 达标定级
//! score of the year, or, before it is graded, its 三会一课 on-time rate. Each source is
//! on 0–100 (or 0–1), so it is scaled to the scheme's top level points. Which source was
//! used is always said, because the officer confirms the numbers before they count.

use rust_decimal::Decimal;

use crate::eval::{clamp, round_score};

/// What the platform knows about a subject for the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DailyEvidence {
    /// A member's 党员量化评议指数 (0–100).
    MemberIndex(Decimal),
    /// A branch's 达标定级 total of the year as it stands (0–100).
    BranchGrading(Decimal),
    /// A branch's 三会一课 on-time rate (0–1), used while the branch has no grade that year.
    MeetingRate(Decimal),
}

impl DailyEvidence {
    /// The source's name as the officer reads it.
    pub fn source(self) -> &'static str {
        match self {
            DailyEvidence::MemberIndex(_) => "党员量化评议指数",
            DailyEvidence::BranchGrading(_) => "达标定级得分",
            DailyEvidence::MeetingRate(_) => "三会一课按时开展率",
        }
    }

    /// The value on 0–100 (rates are turned into percentages), clamped.
    pub fn percent(self) -> Decimal {
        let v = match self {
            DailyEvidence::MemberIndex(v) | DailyEvidence::BranchGrading(v) => v,
            DailyEvidence::MeetingRate(r) => r * Decimal::ONE_HUNDRED,
        };
        clamp(v, Decimal::ZERO, Decimal::ONE_HUNDRED)
    }
}

/// A proposed daily score with the line that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DailyProposal {
    pub score: Decimal,
    pub explanation: String,
}

/// Scales the evidence to a scheme whose best level is worth `max_points`, two decimals.
pub fn propose(evidence: DailyEvidence, max_points: Decimal) -> DailyProposal {
    let pct = evidence.percent();
    let score = round_score(clamp(pct * max_points / Decimal::ONE_HUNDRED, Decimal::ZERO, max_points));
    let shown = pct.round_dp(2).normalize();
    let explanation = if max_points == Decimal::ONE_HUNDRED {
        format!("{} {shown}", evidence.source())
    } else {
        format!("{} {shown}（百分制），折合满分 {} 分", evidence.source(), max_points.normalize())
    };
    DailyProposal { score, explanation }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_member_index_on_a_100_point_scale_is_taken_as_it_is() {
        let p = propose(DailyEvidence::MemberIndex(d("86.45")), d("100"));
        assert_eq!(p.score, d("86.45"));
        assert_eq!(p.explanation, "党员量化评议指数 86.45");
    }

    #[test]
    fn a_meeting_rate_becomes_a_percentage_and_is_scaled_to_the_top_level() {
        // 11 of 12 periods on time = 91.67 %; on a scale whose best level is 10 points → 9.17.
        let rate = Decimal::from(11) / Decimal::from(12);
        let p = propose(DailyEvidence::MeetingRate(rate), d("10"));
        assert_eq!(p.score, d("9.17"));
        assert_eq!(p.explanation, "三会一课按时开展率 91.67（百分制），折合满分 10 分");
    }

    #[test]
    fn out_of_range_evidence_is_clamped() {
        assert_eq!(propose(DailyEvidence::BranchGrading(d("104")), d("100")).score, d("100"));
        assert_eq!(propose(DailyEvidence::BranchGrading(d("-3")), d("100")).score, d("0"));
    }

    proptest! {
        #[test]
        fn the_score_stays_within_the_scale(v in -50_000i64..=200_000, top in 1i64..=500, kind in 0u8..3) {
            let v = Decimal::new(v, 2);
            let top = Decimal::from(top);
            let e = match kind {
                0 => DailyEvidence::MemberIndex(v),
                1 => DailyEvidence::BranchGrading(v),
                _ => DailyEvidence::MeetingRate(v / Decimal::ONE_HUNDRED),
            };
            let p = propose(e, top);
            prop_assert!(p.score >= Decimal::ZERO && p.score <= top);
            prop_assert!(p.score.scale() <= 2);
        }
    }
}
