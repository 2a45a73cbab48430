//! The editorial backend (`/admin`): sign-in, accounts, site settings, audit log.
//! Every handler checks the account's roles on the server; the menu only mirrors them.

pub(crate) mod accounts;
mod article_form;
mod articles;
mod audit_log;
pub mod audit_trail;
mod auth;
mod channel_admin;
pub mod current;
mod dashboard;
mod diff;
mod documents;
mod docx_import;
pub(crate) mod media_upload;
pub mod nav;
pub mod passwords;
mod review_desk;
mod scope;
mod session_store;
mod site_content;
mod site_settings;
mod term_check;
pub mod totp;
mod totp_setup;
mod videos;

use axum::{
    Router,
    routing::{get, post},
};
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

pub use session_store::DbSessionStore;

use crate::AppState;

/// Admin routes that act on one record, with `{id}` for its identifier.
pub const ID_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin/articles/{id}/edit"),
    ("POST", "/admin/articles/{id}"),
    ("GET", "/admin/articles/{id}/history"),
    ("POST", "/admin/articles/{id}/publish-time"),
    ("GET", "/admin/revisions/{id}"),
    ("POST", "/admin/revisions/{id}/review"),
    ("POST", "/admin/revisions/{id}/restore"),
    ("GET", "/admin/channels/{id}"),
    ("POST", "/admin/channels/{id}"),
    ("POST", "/admin/links/{id}"),
    ("POST", "/admin/links/{id}/delete"),
];

/// Cookie name of the backend session.
pub const SESSION_COOKIE: &str = "dj_sid";

/// Every admin route with its method, for the permission walk test and the docs.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin"),
    ("GET", "/admin/documents"),
    ("POST", "/admin/documents"),
    ("GET", "/admin/videos"),
    ("POST", "/admin/videos"),
    ("POST", "/admin/videos/{id}/{action}"),
    ("GET", "/admin/password"),
    ("POST", "/admin/password"),
    ("GET", "/admin/users"),
    ("POST", "/admin/users"),
    ("GET", "/admin/settings"),
    ("POST", "/admin/settings"),
    ("GET", "/admin/audit"),
    ("GET", "/admin/audit/export.csv"),
    ("GET", "/admin/audit/export.xlsx"),
    ("GET", "/admin/totp"),
    ("GET", "/admin/links"),
    ("POST", "/admin/links"),
    ("GET", "/admin/terms"),
    ("POST", "/admin/terms"),
    ("POST", "/admin/users/totp-policy"),
    ("GET", "/admin/channels"),
    ("POST", "/admin/channels"),
    ("GET", "/admin/channels/new"),
    ("POST", "/admin/channels/new"),
    ("GET", "/admin/articles"),
    ("GET", "/admin/articles/new"),
    ("POST", "/admin/articles"),
    ("GET", "/admin/review"),
    ("POST", "/admin/preview"),
    ("POST", "/admin/media"),
    ("POST", "/admin/articles/import"),
];

/// The session layer shared by `/admin` and `/platform`.
pub fn session_layer(st: &AppState) -> SessionManagerLayer<DbSessionStore> {
    SessionManagerLayer::new(DbSessionStore::new(st.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(st.config.secure_cookies)
        .with_path("/")
        // Saving on every request slides the idle timeout forward.
        .with_always_save(true)
        .with_expiry(Expiry::OnInactivity(time::Duration::seconds(st.config.session_idle.as_secs() as i64)))
}

pub fn routes(st: &AppState) -> Router<AppState> {
    let sessions = session_layer(st);
    Router::new()
        .route("/admin", get(dashboard::page))
        .route("/admin/login", get(auth::login_form).post(auth::login))
        .route("/admin/logout", post(auth::logout))
        .route("/admin/password", get(auth::password_form).post(auth::change_password))
        .route("/admin/users", get(accounts::list).post(accounts::create))
        .route("/admin/settings", get(site_settings::form).post(site_settings::save))
        .route("/admin/audit", get(audit_log::page))
        .route("/admin/audit/export.csv", get(audit_log::export_csv))
        .route("/admin/audit/export.xlsx", get(audit_log::export_xlsx))
        .route("/admin/links", get(site_content::links_list).post(site_content::link_add))
        .route("/admin/links/{id}", post(site_content::link_save))
        .route("/admin/links/{id}/delete", post(site_content::link_delete))
        .route("/admin/terms", get(site_content::terms_form).post(site_content::terms_save))
        .route("/admin/users/totp-policy", post(accounts::totp_policy))
        .route("/admin/totp", get(totp_setup::form).post(totp_setup::enrol))
        .route("/admin/channels", get(channel_admin::list).post(channel_admin::save))
        .route("/admin/channels/new", get(channel_admin::new_form).post(channel_admin::create))
        .route("/admin/channels/{id}", get(channel_admin::edit_form).post(channel_admin::update))
        .route("/admin/articles", get(articles::list).post(articles::create))
        .route("/admin/articles/new", get(articles::new_form))
        .route(
            "/admin/articles/import",
            post(docx_import::import).layer(axum::extract::DefaultBodyLimit::max(media_upload::MAX_UPLOAD)),
        )
        .route("/admin/articles/{id}", post(articles::save))
        .route("/admin/articles/{id}/edit", get(articles::edit_form))
        .route("/admin/articles/{id}/history", get(review_desk::history))
        .route("/admin/articles/{id}/publish-time", post(review_desk::retime))
        .route("/admin/preview", post(articles::preview))
        .route(
            "/admin/media",
            post(media_upload::upload).layer(axum::extract::DefaultBodyLimit::max(media_upload::MAX_UPLOAD)),
        )
        .route(
            "/admin/documents",
            get(documents::form)
                .post(documents::upload)
                .layer(axum::extract::DefaultBodyLimit::max(documents::MAX_BODY)),
        )
        .route(
            "/admin/videos",
            get(videos::form).post(videos::upload).layer(axum::extract::DefaultBodyLimit::max(videos::MAX_BODY)),
        )
        .route("/admin/videos/{id}/{action}", post(videos::act))
        .route("/admin/review", get(review_desk::queue))
        .route("/admin/revisions/{id}", get(review_desk::view))
        .route("/admin/revisions/{id}/review", post(review_desk::act))
        .route("/admin/revisions/{id}/restore", post(review_desk::restore))
        .layer(sessions)
}
