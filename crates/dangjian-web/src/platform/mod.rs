//! The 智慧党建 platform (`/platform`): organisations and members so far. Pages use the
//! backend's frame and sign-in; every handler checks the account's scope.

mod members;
mod orgs;
pub mod scope;

use axum::{
    Router,
    routing::{get, post},
};

use crate::AppState;

/// Platform routes, for the permission walk test.
pub const ROUTES: &[(&str, &str)] = &[("GET", "/platform"), ("GET", "/platform/orgs"), ("GET", "/platform/me")];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform", get(orgs::home))
        .route("/platform/orgs", get(orgs::tree))
        .route("/platform/orgs/{id}", get(orgs::page))
        .route("/platform/members/{id}", get(members::page))
        .route("/platform/members/{id}/reveal", post(members::reveal))
        .route("/platform/me", get(members::me))
}
