//! The local media store at `/media/`: tower-http's `ServeDir` does ranges, `Last-Modified`
//! and conditional GETs; this module adds what it leaves out — `If-Range` (RFC 9110
//! §13.1.5): a range request whose validator no longer matches gets the whole file, so a
//! player resuming a download of a replaced file never splices two versions together.

use std::{path::Path, time::SystemTime};

use axum::{
    extract::{Request, State},
    http::header,
    middleware::Next,
    response::Response,
};
use time::{OffsetDateTime, macros::format_description};

use crate::AppState;

/// `Last-Modified` as ServeDir writes it (IMF-fixdate).
fn http_date(t: SystemTime) -> Option<String> {
    OffsetDateTime::from(t)
        .format(format_description!(
            "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
        ))
        .ok()
}

/// Drops `Range` from a request for the file at `path` when its `If-Range` no longer
/// matches (for handlers that serve one file after their own checks).
pub fn drop_stale_range(req: &mut Request, path: &Path) {
    if req.headers().contains_key(header::RANGE)
        && let Some(validator) = req.headers().get(header::IF_RANGE).and_then(|v| v.to_str().ok())
    {
        let holds = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(http_date)
            .is_some_and(|d| d == validator.trim());
        if !holds {
            req.headers_mut().remove(header::RANGE);
        }
    }
}

/// Drops `Range` from requests whose `If-Range` does not match, before ServeDir sees them.
pub async fn if_range(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.headers().contains_key(header::IF_RANGE) {
        let rel = req.uri().path().trim_start_matches("/media").trim_start_matches('/').to_owned();
        // ServeDir refuses such paths itself; they must not name a file here either.
        if rel.split('/').any(|part| part == ".." || part.starts_with('.')) {
            req.headers_mut().remove(header::RANGE);
        } else {
            drop_stale_range(&mut req, &st.config.media_dir.join(rel));
        }
    }
    next.run(req).await
}
