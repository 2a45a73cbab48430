//! Static assets compiled into the binary, so one file is the whole portal. Their URLs
//! carry a content hash, which lets browsers cache them for a year.

use std::sync::OnceLock;

use axum::{
    extract::Path,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::AppError;

struct Asset {
    name: &'static str,
    mime: &'static str,
    body: &'static [u8],
}

const ASSETS: &[Asset] = &[
    Asset { name: "site.css", mime: "text/css; charset=utf-8", body: include_bytes!("../static/site.css") },
    Asset { name: "admin.css", mime: "text/css; charset=utf-8", body: include_bytes!("../static/admin.css") },
    Asset { name: "admin.js", mime: "text/javascript; charset=utf-8", body: include_bytes!("../static/admin.js") },
    Asset { name: "site.js", mime: "text/javascript; charset=utf-8", body: include_bytes!("../static/site.js") },
    Asset { name: "favicon.svg", mime: "image/svg+xml", body: include_bytes!("../static/favicon.svg") },
];

/// FNV-1a, enough to tell two versions of a file apart.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3))
}

fn versioned(name: &'static str) -> String {
    let a = ASSETS.iter().find(|a| a.name == name).expect("asset exists");
    format!("/static/{}?v={:08x}", name, fnv(a.body) as u32)
}

/// URL of the stylesheet, with its version.
pub fn css_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| versioned("site.css"))
}

/// URL of the backend stylesheet, with its version.
pub fn admin_css_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| versioned("admin.css"))
}

/// URL of the backend script, with its version.
pub fn admin_js_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| versioned("admin.js"))
}

/// URL of the script, with its version.
pub fn js_url() -> &'static str {
    static U: OnceLock<String> = OnceLock::new();
    U.get_or_init(|| versioned("site.js"))
}

/// `GET /static/{file}` with an ETag and long caching.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Result<Response, AppError> {
    let a = ASSETS.iter().find(|a| a.name == file).ok_or(AppError::NotFound)?;
    let etag = format!("\"{:016x}\"", fnv(a.body));
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mut r = a.body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.mime));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_url_resolves() {
        for url in [css_url(), js_url(), admin_css_url(), admin_js_url()] {
            assert!(url.starts_with("/static/") && url.contains("?v="), "{url}");
        }
    }
}
