//! 志愿服务 (`/platform/orgs/{id}/volunteer`, `/platform/volunteer/{id}`,
//! `/platform/me/volunteer`): a branch records an activity with its participants' hours,
//! which earn 党性积分 at once through the catalogue's `volunteer_hour` rule (its daily
//! and yearly caps apply). Correcting someone's hours reverses the points granted for the
//! old hours and grants the new ones; the ledger stays append-only.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::points::PointEvent,
    roles::Role,
    volunteer::{parse_hours, validate_activity},
};
use dangjian_store::{StoreError, members, points as pstore, volunteer};
use rust_decimal::Decimal;

use super::{
    eval::{
        field, iso, parse_date,
        sync::{append_reversal, record_event},
        today,
    },
    scope::Scope,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

const MEMBER_STATUSES: &[&str] = &["full", "probationary", "probation_extended"];

/// The party members of a branch: (id, name).
async fn roster(st: &AppState, org_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(members::in_orgs(&st.db, &[org_id])
        .await?
        .into_iter()
        .filter(|m| MEMBER_STATUSES.contains(&m.status.as_str()))
        .map(|m| (m.id, m.name))
        .collect())
}

/// The form's fields, kept when it is shown again with an error.
#[derive(Default)]
pub struct ActivityForm {
    pub held_on: String,
    pub title: String,
    pub place: String,
    pub description: String,
    /// (member, name, hours as typed)
    pub hours: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "platform/volunteer/branch.html")]
struct BranchPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    activities: Vec<(volunteer::Activity, usize, String)>,
    errors: Vec<String>,
    form: ActivityForm,
}

async fn render_branch(
    st: &AppState,
    me: &CurrentUser,
    org_id: i64,
    errors: Vec<String>,
    form: Option<ActivityForm>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let org = scope.org(org_id)?.name.clone();
    let mut activities = Vec::new();
    for a in volunteer::in_orgs(&st.db, &[org_id]).await? {
        let people = volunteer::participants(&st.db, a.id).await?;
        let total: Decimal = people.iter().filter_map(|(_, h, _)| h.parse::<Decimal>().ok()).sum();
        activities.push((a, people.len(), total.normalize().to_string()));
    }
    let form = match form {
        Some(f) => f,
        None => ActivityForm {
            held_on: iso(today()),
            hours: roster(st, org_id).await?.into_iter().map(|(id, n)| (id, n, String::new())).collect(),
            ..Default::default()
        },
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = BranchPage { title: "志愿服务", page: Frame::for_user(me), org_id, org, activities, errors, form };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn branch(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_branch(&st, &me, id, vec![], None).await
}

/// Grants the points of one participant's hours under the event key of `revision`.
async fn grant_hours(
    st: &AppState,
    a: &volunteer::Activity,
    member: i64,
    hours: Decimal,
    revision: i64,
    by: i64,
) -> Result<(), AppError> {
    let Some(on) = parse_date(&a.held_on) else { return Ok(()) };
    let event =
        PointEvent { member, on, action: "volunteer_hour".into(), quantity: hours, approved_application: false };
    // A rule removed from the catalogue earns nothing; the hours stay recorded.
    let _ = record_event(st, &event, &a.title, Some(volunteer::event_key(a.id, member, revision)), Some(by)).await?;
    Ok(())
}

pub async fn create(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(org_id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    scope.org(org_id)?;
    let pairs = form_pairs(&body);
    let people = roster(&st, org_id).await?;
    let clean = |k: &str| field(&pairs, k).chars().filter(|c| !c.is_control() || *c == '\n').collect::<String>();
    let form = ActivityForm {
        held_on: field(&pairs, "held_on"),
        title: clean("title"),
        place: clean("place"),
        description: clean("description"),
        hours: people.iter().map(|(id, n)| (*id, n.clone(), field(&pairs, &format!("h{id}")))).collect(),
    };
    let mut hours = Vec::new();
    let mut errors = Vec::new();
    for (id, name, h) in &form.hours {
        if h.is_empty() {
            continue;
        }
        match parse_hours(h, name) {
            Ok(v) => hours.push((*id, v)),
            Err(e) => errors.push(e),
        }
    }
    let held_on = parse_date(&form.held_on);
    let ids: Vec<i64> = hours.iter().map(|(id, _)| *id).collect();
    if errors.is_empty()
        && let Err(e) = validate_activity(&form.title, &form.place, &form.description, held_on, today(), &ids)
    {
        errors.push(e);
    }
    if !errors.is_empty() {
        return render_branch(&st, &me, org_id, errors, Some(form)).await;
    }
    let held = iso(held_on.unwrap_or_else(today));
    let new = volunteer::NewActivity {
        org_id,
        held_on: &held,
        title: form.title.trim(),
        place: form.place.trim(),
        description: form.description.trim(),
    };
    let stored: Vec<(i64, String)> = hours.iter().map(|(m, h)| (*m, h.to_string())).collect();
    let id = volunteer::create(&st.db, &new, &stored, Some(me.user.id), clock::now_micros()).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "volunteer.create",
        &format!("volunteer:{id}"),
        audit_trail::SUCCESS,
        &format!("{} participants", hours.len()),
    )
    .await?;
    let a = volunteer::get(&st.db, id).await?;
    for (member, h) in hours {
        grant_hours(&st, &a, member, h, 1, me.user.id).await?;
    }
    Ok(Redirect::to(&format!("/platform/volunteer/{id}")).into_response())
}

pub struct Participant {
    pub id: i64,
    pub name: String,
    pub hours: String,
    pub points: String,
    pub corrected: bool,
}

#[derive(Template)]
#[template(path = "platform/volunteer/activity.html")]
struct ActivityPage {
    title: &'static str,
    page: Frame,
    a: volunteer::Activity,
    org: String,
    people: Vec<Participant>,
    errors: Vec<String>,
}

/// The activity, when the signed-in officer's scope reaches its branch (404 otherwise).
async fn managed(st: &AppState, me: &CurrentUser, id: i64) -> Result<(Scope, volunteer::Activity), AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let a = volunteer::get(&st.db, id).await?;
    scope.org(a.org_id)?;
    Ok((scope, a))
}

/// The points currently standing for a participant's hours ("—" when none was granted).
async fn points_of(st: &AppState, a: i64, member: i64, revision: i64) -> Result<String, AppError> {
    Ok(match pstore::entry_by_key(&st.db, &volunteer::event_key(a, member, revision)).await? {
        Some(l) => l.points,
        None => "—".into(),
    })
}

async fn render_activity(st: &AppState, me: &CurrentUser, id: i64, errors: Vec<String>) -> Result<Response, AppError> {
    let (scope, a) = managed(st, me, id).await?;
    let mut people = Vec::new();
    for (member, hours, revision) in volunteer::participants(&st.db, id).await? {
        people.push(Participant {
            id: member,
            name: members::get(&st.db, member).await.map(|m| m.name).unwrap_or_else(|_| format!("#{member}")),
            points: points_of(st, id, member, revision).await?,
            corrected: revision > 1,
            hours,
        });
    }
    let org = scope.org(a.org_id)?.name.clone();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ActivityPage { title: "志愿服务", page: Frame::for_user(me), a, org, people, errors };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_activity(&st, &me, id, vec![]).await
}

/// `save`: corrected hours (`h{member}`) for participants already recorded. Every value is
/// checked before anything is written; each change reverses the old points and grants
/// the new.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let (_, a) = managed(&st, &me, id).await?;
    if action != "save" {
        return Err(AppError::NotFound);
    }
    let pairs = form_pairs(&body);
    let mut changes = Vec::new();
    for (member, old, revision) in volunteer::participants(&st.db, id).await? {
        let typed = field(&pairs, &format!("h{member}"));
        if typed.is_empty() {
            continue;
        }
        let name = members::get(&st.db, member).await.map(|m| m.name).unwrap_or_default();
        let new = match parse_hours(&typed, &name) {
            Ok(h) => h,
            Err(e) => return render_activity(&st, &me, id, vec![e]).await,
        };
        if old.parse::<Decimal>().ok() != Some(new) {
            changes.push((member, old, new, revision));
        }
    }
    let reason: String = field(&pairs, "reason").chars().filter(|c| !c.is_control()).take(200).collect();
    if !changes.is_empty() && reason.trim().is_empty() {
        return render_activity(&st, &me, id, vec!["更正时长须填写理由".into()]).await;
    }
    for (member, old, new, revision) in &changes {
        // A revision changed meanwhile is a `Conflict`, shown with its message by `AppError`.
        let new_revision = volunteer::set_hours(&st.db, id, *member, &new.to_string(), *revision).await?;
        if let Some(line) = pstore::entry_by_key(&st.db, &volunteer::event_key(id, *member, *revision)).await? {
            let note = format!("志愿服务时长更正 {old} → {new} 小时：{reason}");
            let year = parse_date(&line.on_date).map(|d| d.year()).unwrap_or_else(|| today().year());
            let r = append_reversal(&st, *member, year, line.id, &note, Some(me.user.id)).await;
            match r {
                Ok(_) | Err(StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        grant_hours(&st, &a, *member, *new, new_revision, me.user.id).await?;
        audit_trail::record(
            &st,
            Actor::User(&me),
            "volunteer.correct",
            &format!("volunteer:{id}"),
            audit_trail::SUCCESS,
            &format!("member {member}: {old} -> {new}"),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/platform/volunteer/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "platform/volunteer/mine.html")]
struct MinePage {
    title: &'static str,
    page: Frame,
    /// (activity, hours, points)
    rows: Vec<(volunteer::Activity, String, String)>,
    total: String,
}

/// `/platform/me/volunteer`: the member's own activities, hours and points.
pub async fn mine(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    let scope = Scope::of(&st, &me).await?;
    let Some(member) = scope.member else {
        return Err(AppError::Conflict("您的账号尚未关联党员信息，请联系所在党支部。".into()));
    };
    let mut rows = Vec::new();
    let mut total = Decimal::ZERO;
    for (a, hours, revision) in volunteer::of_member(&st.db, member).await? {
        total += hours.parse::<Decimal>().unwrap_or_default();
        let points = points_of(&st, a.id, member, revision).await?;
        rows.push((a, hours, points));
    }
    let page =
        MinePage {
            title: "我的志愿服务", page: Frame::for_user(&me), rows, total: total.normalize().to_string()
        };
    Ok(Html(page.render()?).into_response())
}
