//! `/elder?on=1&back=/path`: the no-JavaScript way to switch 长者模式. It sets the
//! cookie and sends the reader back to where they were (a local path only).

use axum::{
    extract::Query,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct ElderQuery {
    on: Option<String>,
    back: Option<String>,
}

/// A path on this site, or `/`: never an open redirect.
fn safe_back(back: Option<&str>) -> &str {
    match back {
        Some(b) if b.starts_with('/') && !b.starts_with("//") && !b.contains('\\') => b,
        _ => "/",
    }
}

pub async fn elder(Query(q): Query<ElderQuery>) -> Response {
    let on = q.on.as_deref() == Some("1");
    let cookie = format!("elder={}; Path=/; Max-Age=31536000; SameSite=Lax", if on { 1 } else { 0 });
    let back = safe_back(q.back.as_deref());
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let (Ok(c), Ok(l)) = (HeaderValue::from_str(&cookie), HeaderValue::from_str(back)) {
        r.headers_mut().insert(header::SET_COOKIE, c);
        r.headers_mut().insert(header::LOCATION, l);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::safe_back;

    #[test]
    fn only_local_paths() {
        assert_eq!(safe_back(Some("/article/3")), "/article/3");
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
    }
}
