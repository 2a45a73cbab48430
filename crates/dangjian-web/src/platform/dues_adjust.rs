//! 少交/免交 (中组发〔2008〕3号): a member in hardship applies, the 支部 discusses it and
//! records the application here; the higher 党委 approves or rejects it. Only an approved
//! application changes what the member owes, and only for the months it covers.

use std::str::FromStr;

use dangjian_domain::{
    clock,
    dues::{Adjustment, AdjustmentKind},
    month::YearMonth,
};
use dangjian_store::{StoreError, adjustments, members};
use rust_decimal::Decimal;
use time::{Date, macros::format_description};

use super::{dues::today, scope::Scope};
use crate::{
    AppError, AppState,
    admin::{
        audit_trail::{self, Actor},
        current::CurrentUser,
    },
};

fn date(s: &str) -> Option<Date> {
    Date::parse(s, format_description!("[year]-[month]-[day]")).ok()
}

/// `POST …/dues/apply`: the branch records an application it has discussed. `Ok(Err(msg))`
/// is a form error for the user; nothing is written then.
pub async fn apply(
    st: &AppState,
    me: &CurrentUser,
    branch_id: i64,
    get: &(dyn Fn(&str) -> String + Sync),
) -> Result<Result<(), String>, AppError> {
    let roster = members::in_orgs(&st.db, &[branch_id]).await?;
    let Some(member) = get("member_id").parse::<i64>().ok().filter(|m| roster.iter().any(|r| r.id == *m)) else {
        return Ok(Err("请选择本支部的党员".into()));
    };
    let (Ok(from), Ok(through)) = (get("from_month").parse::<YearMonth>(), get("through_month").parse::<YearMonth>())
    else {
        return Ok(Err("起止月份格式应为 年-月".into()));
    };
    if through < from {
        return Ok(Err("结束月份早于开始月份".into()));
    }
    if through.months_since(from) >= 24 {
        return Ok(Err("一次申请最长 24 个月，期满后请重新申请".into()));
    }
    if date(&get("branch_discussed_on")).filter(|d| *d <= today()).is_none() {
        return Ok(Err("支部讨论日期格式应为 年-月-日，且不能晚于今天".into()));
    }
    let reason: String = get("reason").chars().take(300).collect();
    if reason.trim().is_empty() {
        return Ok(Err("须写明少交或免交的理由".into()));
    }
    let (kind, amount) = match get("kind").as_str() {
        "exempt" => ("exempt", None),
        "reduce" => match Decimal::from_str(&get("monthly_amount")) {
            Ok(a) if a >= Decimal::ZERO && a.scale() <= 2 => ("reduce", Some(format!("{a:.2}"))),
            _ => return Ok(Err("少交后每月金额须为不小于 0 的金额，最多两位小数".into())),
        },
        _ => return Ok(Err("请选择少交或免交".into())),
    };
    let new = adjustments::NewAdjustment {
        member_id: member,
        kind: kind.into(),
        monthly_amount: amount,
        from_month: from.to_string(),
        through_month: through.to_string(),
        branch_discussed_on: get("branch_discussed_on"),
        reason: reason.trim().into(),
    };
    let id = adjustments::insert(&st.db, &new, me.user.id, clock::now_micros()).await?;
    audit_trail::record(
        st,
        Actor::User(me),
        "dues.adjustment.apply",
        &format!("member:{member}"),
        audit_trail::SUCCESS,
        &format!("#{id} {kind} {from}..{through}"),
    )
    .await?;
    Ok(Ok(()))
}

/// `POST …/dues/approve` and `…/dues/reject`: only an account of a 党委 above the branch.
pub async fn decide(
    st: &AppState,
    me: &CurrentUser,
    scope: &Scope,
    branch_id: i64,
    approve: bool,
    get: &(dyn Fn(&str) -> String + Sync),
) -> Result<Result<(), String>, AppError> {
    if !scope.is_above(branch_id) {
        return Err(AppError::Forbidden);
    }
    let row = match get("adjustment_id").parse::<i64>() {
        Ok(id) => adjustments::get(&st.db, id).await?,
        Err(_) => None,
    };
    let roster = members::in_orgs(&st.db, &[branch_id]).await?;
    let Some(row) = row.filter(|r| roster.iter().any(|m| m.id == r.member_id)) else {
        return Err(AppError::NotFound);
    };
    let approver = scope.root_name().unwrap_or_default().to_owned();
    let today = today();
    let note: String = get("note").chars().take(300).collect();
    if approve {
        // The domain refuses an approval whose dates or fields are out of order.
        let kind = match (row.kind.as_str(), row.monthly_amount.as_deref().map(Decimal::from_str)) {
            ("reduce", Some(Ok(monthly_amount))) => AdjustmentKind::Reduce { monthly_amount },
            _ => AdjustmentKind::Exempt,
        };
        let checked = Adjustment::approve(
            kind,
            row.from_month.parse().unwrap_or(YearMonth::MIN),
            row.through_month.parse().unwrap_or(YearMonth::MIN),
            date(&row.branch_discussed_on).unwrap_or(today),
            &approver,
            today,
            &row.reason,
        );
        if let Err(e) = checked {
            return Ok(Err(e.to_string()));
        }
    } else if note.trim().is_empty() {
        return Ok(Err("不予批准时须写明理由".into()));
    }
    let on = today.format(format_description!("[year]-[month]-[day]")).unwrap_or_default();
    match adjustments::decide(&st.db, row.id, approve, &approver, &on, note.trim(), me.user.id).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => return Ok(Err("该申请已经处理过，不能重复审批".into())),
        Err(e) => return Err(e.into()),
    }
    audit_trail::record(
        st,
        Actor::User(me),
        if approve { "dues.adjustment.approve" } else { "dues.adjustment.reject" },
        &format!("member:{}", row.member_id),
        audit_trail::SUCCESS,
        &format!("#{}", row.id),
    )
    .await?;
    Ok(Ok(()))
}
