//! Loads a branch's dues records once (bases, payments, approved 少交/免交) and answers
//! month by month through the domain's [`month_line`], for the month table, the year
//! table, the 工委's summary and the exports alike.

use std::{collections::BTreeMap, str::FromStr};

use dangjian_domain::{
    dues::{Adjustment, AdjustmentKind, ArrearsStatus, Category, RuleBook, consecutive_unpaid_months},
    dues_statement::{BaseFrom, MonthLine, month_line},
    month::YearMonth,
};
use dangjian_store::{adjustments, dues, members};
use rust_decimal::Decimal;
use time::{Date, macros::format_description};

use crate::{AppError, AppState};

/// A recorded payment.
#[derive(Debug, Clone)]
pub struct Paid {
    pub amount: Decimal,
    pub paid_on: String,
    pub method: String,
}

/// One member's dues records.
#[derive(Debug, Clone)]
pub struct MemberDues {
    pub id: i64,
    pub name: String,
    pub bases: Vec<BaseFrom>,
    pub adjustments: Vec<Adjustment>,
    pub payments: BTreeMap<YearMonth, Paid>,
}

impl MemberDues {
    /// The member's month. A rule-book error (no rule for a month before 2008) reads as
    /// "not assessed" rather than failing the whole table.
    pub fn line(&self, book: &RuleBook, month: YearMonth) -> MonthLine {
        let paid = self.payments.get(&month).map(|p| p.amount);
        month_line(book, &self.bases, &self.adjustments, paid, month).unwrap_or(MonthLine {
            month,
            assessed: None,
            owed: None,
            paid,
            state: dangjian_domain::dues_statement::MonthState::NotAssessed,
            adjusted: false,
        })
    }

    /// The run of unpaid months ending with `through` (settled months — paid or exempt —
    /// break it), counted from the first month with a base.
    pub fn unpaid_run(&self, book: &RuleBook, through: YearMonth) -> u32 {
        let Some(start) = self.bases.iter().map(|b| b.from).min() else { return 0 };
        if start > through {
            return 0;
        }
        let settled: Vec<YearMonth> =
            start.through(through).filter(|m| self.line(book, *m).state.is_settled()).collect();
        consecutive_unpaid_months(&settled, through, start)
    }

    pub fn arrears(&self, book: &RuleBook, through: YearMonth) -> ArrearsStatus {
        ArrearsStatus::from_unpaid(self.unpaid_run(book, through))
    }

    /// The category in force in `month`, for display.
    pub fn category(&self, month: YearMonth) -> Option<Category> {
        dangjian_domain::dues_statement::base_in(&self.bases, month).map(|b| b.category)
    }
}

fn date(s: &str) -> Option<Date> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

/// An approved row as the domain's [`Adjustment`]; rows that no longer validate are skipped
/// (they could only come from hand-edited data).
pub fn approved(row: &adjustments::AdjustmentRow) -> Option<Adjustment> {
    if row.status != "approved" {
        return None;
    }
    let kind = match row.kind.as_str() {
        "exempt" => AdjustmentKind::Exempt,
        "reduce" => AdjustmentKind::Reduce { monthly_amount: Decimal::from_str(row.monthly_amount.as_deref()?).ok()? },
        _ => return None,
    };
    Adjustment::approve(
        kind,
        row.from_month.parse().ok()?,
        row.through_month.parse().ok()?,
        date(&row.branch_discussed_on)?,
        &row.approver,
        date(row.decided_on.as_deref()?)?,
        &row.reason,
    )
    .ok()
}

/// Every member of the branch `org_id` with their dues records, by name.
pub async fn load(st: &AppState, org_id: i64) -> Result<Vec<MemberDues>, AppError> {
    let roster = members::in_orgs(&st.db, &[org_id]).await?;
    let ids: Vec<i64> = roster.iter().map(|m| m.id).collect();
    let history = dues::base_history(&st.db, &ids).await?;
    let payments = dues::payments_for(&st.db, &ids).await?;
    let adjustments = adjustments::in_org(&st.db, org_id).await?;
    let mut out: Vec<MemberDues> = roster
        .into_iter()
        .map(|m| MemberDues { id: m.id, name: m.name, bases: vec![], adjustments: vec![], payments: BTreeMap::new() })
        .collect();
    let index: BTreeMap<i64, usize> = out.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    for (member, category, base, from) in history {
        let (Some(&i), Some(category), Ok(base), Ok(from)) =
            (index.get(&member), Category::from_code(&category), Decimal::from_str(&base), from.parse())
        else {
            continue;
        };
        // A later entry for the same month replaces the earlier one.
        out[i].bases.retain(|b| b.from != from);
        out[i].bases.push(BaseFrom { from, category, base });
    }
    for (member, month, amount, paid_on, method) in payments {
        let (Some(&i), Ok(month), Ok(amount)) = (index.get(&member), month.parse(), Decimal::from_str(&amount)) else {
            continue;
        };
        out[i].payments.insert(month, Paid { amount, paid_on, method });
    }
    for row in &adjustments {
        if let (Some(&i), Some(a)) = (index.get(&row.member_id), approved(row)) {
            out[i].adjustments.push(a);
        }
    }
    Ok(out)
}
