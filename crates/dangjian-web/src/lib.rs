//! The HTTP face of dangjian. Handlers are thin: parse, authorise, call the store and
//! the domain, render. Every page is server-rendered and works without JavaScript.

pub mod admin;
mod assets;
pub mod cache;
mod chrome;
mod cookies;
mod error;
mod health;
pub mod jobs;
mod media;
pub mod media_store;
pub mod platform;
pub mod portal;
pub mod search_feed;
mod security;
mod state;
pub mod video_tools;
pub mod views;

pub use error::AppError;
pub use state::{AppState, WebConfig};

use axum::{Router, middleware, routing::get};

/// Uploaded media from the local store, with Range, ETag and conditional requests
/// (tower-http's ServeDir). Nothing is listed; unknown paths are 404.
fn media_service(state: &AppState) -> tower_http::services::ServeDir {
    tower_http::services::ServeDir::new(&state.config.media_dir)
}

/// Builds the whole router. Tests call this and send requests in process.
pub fn router(state: AppState) -> Router {
    let router = Router::new()
        .route("/", get(portal::home::page))
        .route("/channel/{slug}", get(portal::channel::page))
        .route("/article/{id}", get(portal::article::page))
        .route("/search", get(portal::search::page))
        .route("/elder", get(portal::prefs::elder))
        .route("/download/{id}", get(portal::documents::download))
        .route("/video/{id}", get(portal::videos::page))
        .route("/video/{id}/stream", get(portal::videos::stream))
        .route("/video/{id}/poster", get(portal::videos::poster))
        .route("/feed.xml", get(portal::feeds::site_feed))
        .route("/feed/{file}", get(portal::feeds::channel_feed))
        .route("/sitemap.xml", get(portal::feeds::sitemap))
        .route("/sitemap/{file}", get(portal::feeds::sitemap_file))
        .route("/robots.txt", get(portal::feeds::robots))
        .route("/static/{file}", get(assets::serve))
        .nest_service(
            "/media",
            tower::ServiceBuilder::new()
                .layer(middleware::from_fn_with_state(state.clone(), media::if_range))
                .service(media_service(&state)),
        )
        .merge(admin::routes(&state).merge(platform::routes().layer(admin::session_layer(&state))))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .fallback(error::fallback)
        .layer(middleware::from_fn_with_state(state.clone(), error::render_error_pages))
        .layer(middleware::from_fn_with_state(state.clone(), cache::refresh_after_writes));
    security::apply(router).with_state(state)
}
