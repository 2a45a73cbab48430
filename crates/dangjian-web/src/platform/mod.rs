//! The 智慧党建 platform (`/platform`): organisations and members so far. Pages use the
//! backend's frame and sign-in; every handler checks the account's scope.

mod dues;
mod meetings;
mod members;
mod org_edit;
mod orgs;
mod roster;
pub mod scope;
mod steps;
mod transfers;

use axum::{
    Router,
    routing::{get, post},
};

use crate::AppState;

/// Platform routes, for the permission walk test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/platform"),
    ("GET", "/platform/orgs"),
    ("GET", "/platform/me"),
    ("GET", "/platform/compliance"),
    ("GET", "/platform/compliance.xlsx"),
    ("GET", "/platform/transfers"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform", get(orgs::home))
        .route("/platform/orgs", get(orgs::tree))
        .route("/platform/orgs/{id}", get(orgs::page))
        .route("/platform/orgs/{id}/new", get(org_edit::new_form).post(org_edit::create))
        .route("/platform/orgs/{id}/edit", get(org_edit::edit_form).post(org_edit::update))
        .route("/platform/members/{id}", get(members::page))
        .route("/platform/members/{id}/reveal", post(members::reveal))
        .route("/platform/me", get(members::me))
        .route("/platform/members/{id}/steps", post(steps::add))
        .route("/platform/orgs/{id}/meetings", get(meetings::page).post(meetings::create))
        .route("/platform/orgs/{id}/meetings/new", get(meetings::new_form))
        .route("/platform/orgs/{id}/dues", get(dues::page))
        .route("/platform/orgs/{id}/dues/{action}", post(dues::act))
        .route("/platform/orgs/{id}/import", get(roster::form).post(roster::preview))
        .route("/platform/orgs/{id}/import/commit", post(roster::commit))
        .route("/platform/orgs/{id}/roster.xlsx", get(roster::export))
        .route("/platform/roster-template.xlsx", get(roster::template))
        .route("/platform/members/{id}/transfer", post(transfers::issue))
        .route("/platform/transfers", get(transfers::list))
        .route("/platform/transfers/{id}/{action}", post(transfers::act))
        .route("/platform/compliance", get(meetings::compliance))
        .route("/platform/compliance.xlsx", get(meetings::compliance_xlsx))
}
