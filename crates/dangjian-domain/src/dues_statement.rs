//! A member's dues month by month: what was assessed, what an approved 少交/免交 left
//! owing, what was paid, and where that leaves the month. The branch's monthly table,
//! the yearly summary and the export all read months through [`month_line`], so the
//! three can never disagree.

use rust_decimal::Decimal;

use crate::dues::{Adjustment, Category, DuesError, RuleBook, due_after_adjustments};
use crate::month::YearMonth;

/// A base in force from a month on, until the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFrom {
    pub from: YearMonth,
    pub category: Category,
    pub base: Decimal,
}

/// How a month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthState {
    /// No base recorded for this month yet: nothing is assessed.
    NotAssessed,
    /// Paid (any amount recorded for the month; short payments show as [`MonthLine::short`]).
    Paid,
    /// Nothing owed after an approved 免交 (or a 少交 down to zero).
    Exempt,
    Unpaid,
}

impl MonthState {
    /// Settled months count as paid for the 党章第九条 run of unpaid months.
    pub fn is_settled(self) -> bool {
        matches!(self, MonthState::Paid | MonthState::Exempt)
    }
}

/// One member's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthLine {
    pub month: YearMonth,
    /// The rule book's amount before any adjustment.
    pub assessed: Option<Decimal>,
    /// What the member owes after approved adjustments.
    pub owed: Option<Decimal>,
    pub paid: Option<Decimal>,
    pub state: MonthState,
    /// Whether an approved adjustment lowered this month.
    pub adjusted: bool,
}

impl MonthLine {
    /// Paid less than owed (a recorded payment that falls short).
    pub fn short(&self) -> Option<Decimal> {
        match (self.owed, self.paid) {
            (Some(o), Some(p)) if p < o => Some(o - p),
            _ => None,
        }
    }
}

/// The base in force in `month`: the latest one that starts on or before it.
pub fn base_in(bases: &[BaseFrom], month: YearMonth) -> Option<&BaseFrom> {
    bases.iter().filter(|b| b.from <= month).max_by_key(|b| b.from)
}

/// One month of one member. `paid` is the amount recorded for that month, if any.
pub fn month_line(
    book: &RuleBook,
    bases: &[BaseFrom],
    adjustments: &[Adjustment],
    paid: Option<Decimal>,
    month: YearMonth,
) -> Result<MonthLine, DuesError> {
    let Some(base) = base_in(bases, month) else {
        let state = if paid.is_some() { MonthState::Paid } else { MonthState::NotAssessed };
        return Ok(MonthLine { month, assessed: None, owed: None, paid, state, adjusted: false });
    };
    let assessed = book.monthly_due(base.category, base.base, month)?;
    let owed = due_after_adjustments(assessed, month, adjustments);
    let state = match paid {
        Some(_) => MonthState::Paid,
        None if owed.is_zero() && adjustments.iter().any(|a| a.covers(month)) => MonthState::Exempt,
        None => MonthState::Unpaid,
    };
    Ok(MonthLine { month, assessed: Some(assessed), owed: Some(owed), paid, state, adjusted: owed < assessed })
}

/// Totals over many lines (a branch's month or a member's year).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub owed: Decimal,
    pub paid: Decimal,
    pub unpaid_lines: usize,
    pub exempt_lines: usize,
}

impl Totals {
    pub fn add(&mut self, line: &MonthLine) {
        self.owed += line.owed.unwrap_or_default();
        self.paid += line.paid.unwrap_or_default();
        match line.state {
            MonthState::Unpaid => self.unpaid_lines += 1,
            MonthState::Exempt => self.exempt_lines += 1,
            _ => {}
        }
    }

    /// Share of owed money that was paid, in whole percent (100 when nothing was owed).
    pub fn paid_percent(&self) -> Decimal {
        if self.owed.is_zero() {
            return Decimal::ONE_HUNDRED;
        }
        (self.paid.min(self.owed) * Decimal::ONE_HUNDRED / self.owed).round_dp(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dues::AdjustmentKind;
    use proptest::prelude::*;
    use time::macros::date;

    fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }
    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }
    fn in_service(from: &str, base: &str) -> BaseFrom {
        BaseFrom { from: ym(from), category: Category::InService, base: d(base) }
    }
    fn adj(kind: AdjustmentKind, from: &str, through: &str) -> Adjustment {
        Adjustment::approve(
            kind,
            ym(from),
            ym(through),
            date!(2024 - 01 - 05),
            "某部门机关党委",
            date!(2024 - 01 - 10),
            "困难",
        )
        .unwrap()
    }

    #[test]
    fn before_any_base_nothing_is_assessed() {
        let l = month_line(&RuleBook::standard(), &[in_service("2024-03", "4000")], &[], None, ym("2024-02")).unwrap();
        assert_eq!(l.state, MonthState::NotAssessed);
        assert_eq!(l.owed, None);
    }

    #[test]
    fn the_latest_base_on_or_before_the_month_applies() {
        // 4000 × 1 % = 40.00 until May; from June 8000 × 1.5 % = 120.00.
        let bases = [in_service("2024-01", "4000"), in_service("2024-06", "8000")];
        let book = RuleBook::standard();
        assert_eq!(month_line(&book, &bases, &[], None, ym("2024-05")).unwrap().owed, Some(d("40.00")));
        assert_eq!(month_line(&book, &bases, &[], None, ym("2024-06")).unwrap().owed, Some(d("120.00")));
    }

    #[test]
    fn exemption_settles_the_month_and_reduction_lowers_it() {
        let book = RuleBook::standard();
        let bases = [in_service("2024-01", "4000")];
        let exempt = [adj(AdjustmentKind::Exempt, "2024-02", "2024-04")];
        let l = month_line(&book, &bases, &exempt, None, ym("2024-03")).unwrap();
        assert_eq!((l.state, l.owed, l.adjusted), (MonthState::Exempt, Some(d("0.00")), true));
        assert!(l.state.is_settled());
        let outside = month_line(&book, &bases, &exempt, None, ym("2024-05")).unwrap();
        assert_eq!(outside.state, MonthState::Unpaid);

        let reduce = [adj(AdjustmentKind::Reduce { monthly_amount: d("10") }, "2024-01", "2024-12")];
        let l = month_line(&book, &bases, &reduce, Some(d("10.00")), ym("2024-07")).unwrap();
        assert_eq!(
            (l.state, l.assessed, l.owed, l.short()),
            (MonthState::Paid, Some(d("40.00")), Some(d("10.00")), None)
        );
    }

    #[test]
    fn a_short_payment_is_reported() {
        let l = month_line(&RuleBook::standard(), &[in_service("2024-01", "4000")], &[], Some(d("30")), ym("2024-02"))
            .unwrap();
        assert_eq!(l.short(), Some(d("10.00")));
    }

    #[test]
    fn totals_and_percent() {
        let book = RuleBook::standard();
        let bases = [in_service("2024-01", "4000")];
        let mut t = Totals::default();
        for (m, paid) in [("2024-01", Some("40")), ("2024-02", None), ("2024-03", Some("40")), ("2024-04", None)] {
            t.add(&month_line(&book, &bases, &[], paid.map(d), ym(m)).unwrap());
        }
        // 80 of 160 paid = 50.0 %.
        assert_eq!((t.owed, t.paid, t.unpaid_lines), (d("160.00"), d("80"), 2));
        assert_eq!(t.paid_percent(), d("50.0"));
        assert_eq!(Totals::default().paid_percent(), Decimal::ONE_HUNDRED);
    }

    proptest! {
        /// An adjustment never raises what is owed, and owed never exceeds assessed.
        #[test]
        fn adjustments_only_lower(base in 0u32..40_000, amount in 0u32..1_000, m in 1u8..=12) {
            let book = RuleBook::standard();
            let bases = [BaseFrom { from: ym("2024-01"), category: Category::InService, base: Decimal::from(base) }];
            let adjs = [adj(AdjustmentKind::Reduce { monthly_amount: Decimal::from(amount) }, "2024-01", "2024-12")];
            let month = YearMonth::new(2024, m).unwrap();
            let l = month_line(&book, &bases, &adjs, None, month).unwrap();
            prop_assert!(l.owed.unwrap() <= l.assessed.unwrap());
            prop_assert!(l.owed.unwrap() >= Decimal::ZERO);
        }
    }
}
