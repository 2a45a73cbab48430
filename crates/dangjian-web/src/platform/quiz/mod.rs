//! 知识测试 (`/platform/quizzes` for officers, `/platform/me/quizzes` for members).
//!
//! Officers of an organisation write a quiz for its whole subtree, publish it (which
//! freezes the questions) and close it; they see participation per branch and the score
//! bands, and export them. Members answer on one page that works on a phone and submit
//! once. Marking happens here on the server (the answer page never carries the answers),
//! and the score earns 党性积分 through the catalogue's `quiz` rule with the event key
//! `quiz:{quiz}:{member}`, so the monthly cap applies and nothing counts twice.

mod import;
mod manage;
mod report;
mod take;

use axum::{
    Router,
    routing::{get, post},
};
use dangjian_domain::roles::Role;
use dangjian_store::{StoreError, orgs, quizzes};

use super::scope::Scope;
use crate::{AppError, AppState, admin::current::CurrentUser};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform/quizzes", get(manage::list).post(manage::create))
        .route("/platform/quizzes/template.xlsx", get(import::template))
        .route("/platform/quizzes/import", post(import::import))
        .route("/platform/quizzes/{id}", get(manage::page))
        .route("/platform/quizzes/{id}/{action}", post(manage::act))
        .route("/platform/quizzes/{id}/results.xlsx", get(report::xlsx))
        .route("/platform/me/quizzes", get(take::list))
        .route("/platform/me/quizzes/{id}", get(take::page).post(take::submit))
}

/// Member statuses that take quizzes (party members, not applicants).
pub(super) const MEMBER_STATUSES: &[&str] = &["full", "probationary", "probation_extended"];

pub(super) fn state_name(code: &str) -> &'static str {
    match code {
        "draft" => "草稿",
        "published" => "已发布",
        "closed" => "已结束",
        _ => "未知",
    }
}

/// The quiz, when the signed-in officer's scope reaches its organisation; 404 otherwise
/// (another organisation's identifiers reveal nothing), 403 for non-officers.
pub(super) async fn managed(st: &AppState, me: &CurrentUser, id: i64) -> Result<(Scope, quizzes::QuizRow), AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let row = quizzes::get(&st.db, id).await?;
    scope.org(row.org_id)?;
    Ok((scope, row))
}

/// The organisations whose quizzes a member of `org_id` takes: the organisation and every
/// organisation above it (a quiz is for its organisation's whole subtree).
pub(super) fn quiz_owners(all: &[orgs::Org], org_id: i64) -> Vec<i64> {
    all.iter().filter(|o| orgs::subtree(all, o.id).contains(&org_id)).map(|o| o.id).collect()
}

/// A store conflict in words the page can show.
pub(super) fn conflict(e: StoreError, message: &str) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::Conflict(message.to_owned()),
        other => other.into(),
    }
}

/// A single-line form value, cleaned of control characters.
pub(super) fn line(v: &str) -> String {
    v.trim().chars().filter(|c| !c.is_control()).collect()
}
