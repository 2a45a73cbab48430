//! Recording a step of the development path (发展党员). The rules of the 2014 细则 are
//! checked by the domain; a step that breaks an overridable rule is refused with the
//! rule named, unless the officer records who approved it and why (kept with the step
//! and in the audit log).

use axum::{
    extract::{Path, RawForm, State},
    response::{IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    members::{Authorisation, Introducer, Progress, Step, StepFacts, StepRecord, record_step},
    roles::Role,
};
use dangjian_store::members;
use time::{Date, macros::format_description};

use super::scope::Scope;
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
    },
};

fn date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// Months of an extension are kept in the step's note as `months=N`.
fn months_of(note: &str) -> u32 {
    note.strip_prefix("months=").and_then(|m| m.parse().ok()).unwrap_or(0)
}

pub async fn add(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let m = members::get(&st.db, id).await?;
    if !scope.orgs.contains(&m.org_id) {
        return Err(AppError::NotFound);
    }
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let months: u32 = get("months").parse().unwrap_or(0);
    let Some(step) = Step::from_code(&get("step"), months) else {
        return Err(AppError::Conflict("请选择发展环节".into()));
    };
    let Some(on) = date(&get("on_date")).filter(|d| *d <= clock::from_micros(clock::now_micros()).date()) else {
        return Err(AppError::Conflict("日期格式应为 年-月-日，且不能晚于今天".into()));
    };
    let history: Vec<StepRecord> = members::steps_with_notes(&st.db, id)
        .await?
        .into_iter()
        .filter_map(|(code, d, note)| Some(StepRecord::new(Step::from_code(&code, months_of(&note))?, date(&d)?)))
        .collect();
    let roster = members::in_orgs(&st.db, &[m.org_id]).await?;
    let introducers = pairs
        .iter()
        .filter(|(k, _)| k == "introducer")
        .filter_map(|(_, v)| v.parse::<i64>().ok())
        .filter_map(|i| roster.iter().find(|r| r.id == i && r.id != id))
        .map(|r| Introducer { name: r.name.clone(), full_member: r.status == "full" })
        .collect();
    let facts = StepFacts { birth_date: m.birth_date.as_deref().and_then(date), introducers };
    let (by, reason) = (get("approved_by"), get("override_reason"));
    let auth =
        (!by.is_empty() || !reason.is_empty()).then(|| Authorisation { by: by.clone(), reason: reason.clone(), on });
    let record = record_step(&history, step, on, &facts, auth).map_err(|e| AppError::Conflict(e.to_string()))?;
    let mut after = history.clone();
    after.push(record.clone());
    let stage = Progress::replay(&after).ok().and_then(|p| p.stage).map(|s| s.code()).unwrap_or("applicant");
    let note = if let Step::ExtendProbation { months } = step { format!("months={months}") } else { String::new() };
    let override_text = record
        .overridden
        .as_ref()
        .map(|o| {
            format!(
                "{}批准：{}（{}）",
                o.authorisation.by,
                o.authorisation.reason,
                o.breaches.iter().map(|b| b.message.clone()).collect::<Vec<_>>().join("；")
            )
        })
        .unwrap_or_default();
    let on_s = on.format(format_description!("[year]-[month]-[day]")).unwrap_or_default();
    members::add_step(&st.db, id, step.code(), &on_s, &note, &override_text, me.user.id, stage, clock::now_micros())
        .await?;
    let detail = if override_text.is_empty() {
        format!("{} {on_s}", step.name())
    } else {
        format!("{} {on_s}；{override_text}", step.name())
    };
    audit_trail::record(&st, Actor::User(&me), "member.step", &format!("member:{id}"), audit_trail::SUCCESS, &detail)
        .await?;
    Ok(Redirect::to(&format!("/platform/members/{id}")).into_response())
}
