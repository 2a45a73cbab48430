//! What the platform already knows about a branch, as the values of the standard's
//! automatic items (`AutoSource`): the branch never types these in.

use std::collections::HashMap;

use dangjian_domain::{
    dues::RuleBook,
    eval::standard::AutoSource,
    meetings::compliance_rate,
    members::{Progress, Step, StepRecord},
    month::YearMonth,
    orgs::{OrgKind, OrgPolicy, TermStatus, term_status},
};
use dangjian_store::{members, orgs};
use rust_decimal::Decimal;
use time::{Date, Month};

use super::{super::dues_ledger, super::meetings::branch_calendar, parse_date};
use crate::{AppError, AppState};

/// The day the year's values are taken on: today for the current year, 31 December for
/// a past one.
pub fn as_of(year: i32, today: Date) -> Date {
    if year >= today.year() { today } else { Date::from_calendar_date(year, Month::December, 31).unwrap_or(today) }
}

/// Every automatic value of a branch for a year, with a line saying where it came from.
pub async fn measure(
    st: &AppState,
    org: &orgs::Org,
    year: i32,
    today: Date,
) -> Result<HashMap<AutoSource, (Decimal, String)>, AppError> {
    let on = as_of(year, today);
    let mut out = HashMap::new();

    let (periods, _) = branch_calendar(st, org.id, on).await?;
    let rate = compliance_rate(&periods);
    let value = if rate.counted == 0 { Decimal::ONE } else { Decimal::from(rate.met) / Decimal::from(rate.counted) };
    out.insert(
        AutoSource::MeetingComplianceRate,
        (value.round_dp(4), format!("{} 年已到期 {} 期，按时开展 {} 期", year, rate.counted, rate.met)),
    );

    // Arrears: members with at least one unpaid month up to the month before the date.
    let book = RuleBook::standard();
    let through = YearMonth::of(on).prev();
    let ledger = dues_ledger::load(st, org.id).await?;
    let in_arrears = ledger.iter().filter(|m| m.unpaid_run(&book, through) > 0).count();
    out.insert(
        AutoSource::DuesArrears,
        (Decimal::from(in_arrears), format!("截至 {through} 有欠交党费的党员 {in_arrears} 人")),
    );

    let kind = OrgKind::from_code(&org.kind).unwrap_or(OrgKind::Branch);
    let elected = org.term_start.as_deref().and_then(parse_date);
    let overdue = matches!(term_status(kind, elected, on, &OrgPolicy::default()), TermStatus::Overdue { .. });
    out.insert(
        AutoSource::OverdueTermRenewal,
        (Decimal::from(u8::from(overdue)), if overdue { "届期已满，尚未换届".into() } else { "未发现逾期换届".into() }),
    );

    // 发展党员: histories whose steps are out of order (time limits were checked, or
    // overridden with a recorded reason, when each step was saved).
    let mut breaches = 0u32;
    for m in members::in_orgs(&st.db, &[org.id]).await? {
        let history: Vec<StepRecord> = members::steps(&st.db, m.id)
            .await?
            .into_iter()
            .filter_map(|(code, date)| Some(StepRecord::new(Step::from_code(&code, 0)?, parse_date(&date)?)))
            .collect();
        if Progress::replay(&history).is_err() {
            breaches += 1;
        }
    }
    out.insert(
        AutoSource::DevelopmentRuleBreaches,
        (Decimal::from(breaches), format!("发展程序顺序有误的党员 {breaches} 人")),
    );
    Ok(out)
}
