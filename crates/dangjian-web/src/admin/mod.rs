//! The editorial backend (`/admin`): sign-in, accounts, site settings, audit log.
//! Every handler checks the account's roles on the server; the menu only mirrors them.

mod accounts;
mod audit_log;
pub mod audit_trail;
mod auth;
pub mod current;
mod dashboard;
pub mod nav;
pub mod passwords;
mod session_store;
mod site_settings;
pub mod totp;

use axum::{
    Router,
    routing::{get, post},
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

pub use session_store::DbSessionStore;

use crate::AppState;

/// Cookie name of the backend session.
pub const SESSION_COOKIE: &str = "dj_sid";

/// Every admin route with its method, for the permission walk test and the docs.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/password"),
    ("POST", "/admin/password"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("GET", "/admin/settings"),
    ("POST", "/admin/settings"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit/export.csv"),
];

pub fn routes(st: &AppState) -> Router<AppState> {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(st.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(st.config.secure_cookies)
        .with_path("/")
        // Saving on every request slides the idle timeout forward.
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(st.config.session_idle.as_secs() as i64)));
    Router::new()
        .route("/admin", get(dashboard::page))
        .route("/admin/login", get(auth::login_form).post(auth::login))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/password", get(auth::password_form).post(auth::change_password))
        .route("/admin/users", get(accounts::list).post(accounts::create))
        .route("/admin/settings", get(site_settings::form).post(site_settings::save))
        .route("/admin/audit", get(audit_log::page))
        .route("/admin/audit/export.csv", get(audit_log::export_csv))
        .layer(sessions)
}
