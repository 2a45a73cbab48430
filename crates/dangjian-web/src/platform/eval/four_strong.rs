//! 四强党支部 designation on top of 达标: the 工委 designates a branch that holds 达标 or
//! 示范 (and has not lost it to the 退出机制), after confirming the four criteria, and can
//! revoke it, each time with a reason. The rule is `grading::designate_four_strong`; a
//! designation is a new grade-history row keeping the held grade, with the reason as its
//! note, so the history shows when and why. A later removal below 达标 drops it as before.

use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::{
    clock,
    eval::grading::{self as flow, FourStrong},
};
use dangjian_store::{StoreError, grading as store, orgs::Org};

use super::{
    super::scope::Scope,
    field,
    grading::{audit, is_committee, render},
    grading_sheet::held_grades,
    iso, today,
};
use crate::{AppError, AppState, admin::current::CurrentUser};

/// A checkbox of the form: ticked when present with any value but "" or "off".
fn ticked(pairs: &[(String, String)], name: &str) -> bool {
    !matches!(field(pairs, name).as_str(), "" | "off" | "false" | "0")
}

/// `designate` or `revoke`, from `grading::act` once the branch is known to be in scope.
pub(super) async fn act(
    st: &AppState,
    me: &CurrentUser,
    scope: &Scope,
    org: &Org,
    year: i32,
    action: &str,
    pairs: &[(String, String)],
) -> Result<Response, AppError> {
    let id = org.id;
    if !(is_committee(scope) && scope.is_above(id)) {
        return Err(AppError::Forbidden);
    }
    let reason: String = field(pairs, "reason").chars().take(300).collect();
    let rows = store::history(&st.db, id).await?;
    let held = held_grades(&rows);
    let on = today();
    let designate = action == "designate";
    let step = if designate {
        let criteria = FourStrong {
            political_function: ticked(pairs, "c.political"),
            committee: ticked(pairs, "c.committee"),
            membership: ticked(pairs, "c.membership"),
            role: ticked(pairs, "c.role"),
        };
        flow::designate_four_strong(&held, &criteria, &reason, on)
    } else {
        flow::revoke_four_strong(&held, &reason, on)
    };
    let next = match step {
        Ok(n) => n,
        Err(e) => return render(st, me, scope, org, year, None, vec![e.to_string()]).await,
    };
    let last = rows.last().ok_or(AppError::NotFound)?;
    let note = format!("{}：{}", if designate { "命名“四强党支部”" } else { "撤销“四强党支部”" }, reason.trim());
    match store::set_four_strong(&st.db, last, next.four_strong, &iso(on), &note, clock::now_micros()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(m)) => return render(st, me, scope, org, year, None, vec![m]).await,
        Err(e) => return Err(e.into()),
    }
    audit(st, me, &format!("grading.{action}"), id, &note).await?;
    Ok(Redirect::to(&format!("/platform/orgs/{id}/grading?year={year}")).into_response())
}
