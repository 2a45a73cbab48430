//! `/admin/channels`: the 系统管理员 sets how many review levels each channel needs.

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::roles::Role;
use dangjian_store::{channels, revisions};

use super::{
    accounts::form_pairs,
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
};
use crate::{AppError, AppState};

pub struct Row {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub sort_order: i32,
    pub levels: i32,
}

#[derive(Template)]
#[template(path = "admin/channels.html")]
struct ChannelsPage {
    title: &'static str,
    page: Frame,
    rows: Vec<Row>,
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let mut rows = Vec::new();
    for c in channels::list(&st.db).await? {
        rows.push(Row {
            levels: revisions::review_levels(&st.db, c.id).await?,
            id: c.id,
            name: c.name,
            slug: c.slug,
            kind: c.kind,
            sort_order: c.sort_order,
        });
    }
    Ok(Html(ChannelsPage { title: "栏目管理", page: Frame::for_user(&me), rows }.render()?).into_response())
}

pub async fn save(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let known: Vec<i64> = channels::list(&st.db).await?.iter().map(|c| c.id).collect();
    let mut changes = Vec::new();
    for (k, v) in form_pairs(&body) {
        let Some(id) = k.strip_prefix("levels_").and_then(|s| s.parse::<i64>().ok()) else { continue };
        let Ok(levels) = v.parse::<i32>() else { return Err(AppError::BadRequest) };
        if !known.contains(&id) || !(0..=3).contains(&levels) {
            return Err(AppError::BadRequest);
        }
        if revisions::review_levels(&st.db, id).await? != levels {
            revisions::set_review_levels(&st.db, id, levels).await?;
            changes.push(format!("{id}:{levels}"));
        }
    }
    if !changes.is_empty() {
        audit_trail::record(
            &st,
            Actor::User(&me),
            "channel.review_levels",
            "channels",
            audit_trail::SUCCESS,
            &changes.join(","),
        )
        .await?;
    }
    Ok(Redirect::to("/admin/channels").into_response())
}
