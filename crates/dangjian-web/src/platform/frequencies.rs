//! `/platform/compliance/settings`: how often each kind of organisation life is due. The
//! defaults follow the rules (domain-rules.md §2.3); a 工委 whose own rules are stricter —
//! or that stops tracking 谈心谈话 in the calendar — changes them here, for every branch.

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    meetings::{Frequency, MeetingKind, parse_frequencies},
    roles::Role,
};
use dangjian_store::settings;

use super::{
    meetings::{FREQUENCIES_KEY, configured},
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

pub struct KindRow {
    pub code: &'static str,
    pub name: &'static str,
    /// The frequency code in force, or `none`.
    pub chosen: &'static str,
    pub default: &'static str,
}

#[derive(Template)]
#[template(path = "platform/frequencies.html")]
struct FrequenciesPage {
    title: &'static str,
    page: Frame,
    rows: Vec<KindRow>,
    options: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

/// Only the top of the tree (the 工委's own officers) sets the calendar for everyone.
/// The evaluation settings (`eval::settings_*`) use the same check: they apply to every branch.
pub(crate) async fn require_top(st: &AppState, me: &CurrentUser) -> Result<(), AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let top = scope.root.and_then(|r| scope.all_orgs.iter().find(|o| o.id == r)).is_some_and(|o| o.parent_id.is_none());
    if top { Ok(()) } else { Err(AppError::Forbidden) }
}

async fn render(st: &AppState, me: &CurrentUser, errors: Vec<String>) -> Result<Response, AppError> {
    let now = configured(st).await?;
    let rows = MeetingKind::ALL
        .iter()
        .map(|k| KindRow {
            code: k.code(),
            name: k.name(),
            chosen: now.iter().find(|(x, _)| x == k).map(|(_, f)| f.code()).unwrap_or("none"),
            default: k.default_frequency().name(),
        })
        .collect();
    let mut options: Vec<(&str, &str)> = Frequency::ALL.iter().map(|f| (f.code(), f.name())).collect();
    options.push(("none", "不纳入考核"));
    let page = FrequenciesPage { title: "组织生活频次", page: Frame::for_user(me), rows, options, errors };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/compliance/settings`.
pub async fn form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    render(&st, &me, vec![]).await
}

/// `POST /platform/compliance/settings`: one select per kind, named by the kind's code.
pub async fn save(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let pairs = form_pairs(&body);
    let text: Vec<String> = MeetingKind::ALL
        .iter()
        .filter_map(|k| pairs.iter().find(|(key, _)| key == k.code()).map(|(_, v)| format!("{}={v}", k.code())))
        .collect();
    let normal = match parse_frequencies(&text.join(";")) {
        Ok(n) => n,
        Err(e) => return render(&st, &me, vec![e]).await,
    };
    settings::set(&st.db, FREQUENCIES_KEY, &normal).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "compliance.frequencies",
        FREQUENCIES_KEY,
        audit_trail::SUCCESS,
        &normal,
    )
    .await?;
    Ok(Redirect::to("/platform/compliance").into_response())
}
