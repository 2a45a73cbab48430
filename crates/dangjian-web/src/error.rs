//! One error type for every handler, and the middleware that turns it into a page in the
//! site's own style. A 500 is logged with its request id and never shows internals.

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use dangjian_store::StoreError;

use crate::{
    AppState,
    chrome::{Chrome, Prefs},
    portal::templates::ErrorPage,
};

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The request is malformed in a way no form can explain.
    #[error("bad request")]
    BadRequest,
    /// The action clashes with the current state (someone else acted first); the
    /// message is shown to the user.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Signed in, but this account may not do this.
    #[error("forbidden")]
    Forbidden,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            // A state that changed under the request (someone else acted first) is the
            // user's to see, not a server failure. Store messages written for users are in
            // Chinese; constraint names and internal codes are replaced by a general line.
            StoreError::Conflict(m) if m.is_ascii() => {
                AppError::Conflict("该操作与已有记录冲突（可能已被他人处理），请刷新页面后重试".into())
            }
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Marker left on an error response for [`render_error_pages`] to fill in.
#[derive(Clone, Debug)]
struct ErrorMarker {
    /// Logged, never shown.
    detail: Option<String>,
    /// Shown to the user (already in their language).
    public: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut public = None;
        let (status, detail) = match self {
            AppError::Conflict(m) => {
                public = Some(m);
                (StatusCode::CONFLICT, None)
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, None),
            AppError::Forbidden => (StatusCode::FORBIDDEN, None),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, None),
            AppError::Internal(d) => (StatusCode::INTERNAL_SERVER_ERROR, Some(d)),
        };
        let mut r = status.into_response();
        r.extensions_mut().insert(ErrorMarker { detail, public });
        r
    }
}

/// Unknown paths.
pub async fn fallback() -> AppError {
    AppError::NotFound
}

/// Replaces the body of every error response a handler produced with the site's own
/// 404 or 500 page, and logs 500s with the request id.
pub async fn render_error_pages(State(st): State<AppState>, req: Request, next: Next) -> Response {
    // Cheap copies (reference-counted bytes) of what an error page needs; the request
    // itself goes to the handler.
    let request_id = req.headers().get("x-request-id").cloned();
    let cookies = req.headers().get(header::COOKIE).cloned();
    let uri = req.uri().clone();
    let resp = next.run(req).await;
    let Some(marker) = resp.extensions().get::<ErrorMarker>().cloned() else {
        return resp;
    };
    let request_id = request_id.as_ref().and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned();
    let mut headers = axum::http::HeaderMap::new();
    if let Some(c) = cookies {
        headers.insert(header::COOKIE, c);
    }
    let prefs = Prefs::from_request(&headers, None);
    let path = uri.path().to_owned();
    let status = resp.status();
    if let Some(detail) = &marker.detail {
        tracing::error!(request_id = %request_id, path = %path, error = %detail, "request failed");
    }
    let data = match st.content.version(&st.db).await {
        Ok(v) => st.content.site(&st.db, v).await.ok(),
        Err(_) => None,
    };
    let body = match data {
        Some(data) => {
            let mut page = ErrorPage::new(Chrome::new(&data, "", prefs, path), status, request_id);
            if let Some(m) = &marker.public {
                page.message = m.clone();
            }
            page.render().ok()
        }
        None => None,
    };
    let body = body.unwrap_or_else(|| {
        format!(
            "<!doctype html><meta charset=utf-8><title>{0}</title><h1>{0}</h1><p><a href=\"/\">返回首页</a></p>",
            match status {
                StatusCode::NOT_FOUND => "页面不存在",
                StatusCode::FORBIDDEN => "没有权限",
                _ => "服务器内部错误",
            }
        )
    });
    let mut out = (status, Html(body)).into_response();
    out.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    out
}

use askama::Template as _;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_conflict_is_shown_to_the_user_never_a_500() {
        let shown = |e: StoreError| match AppError::from(e) {
            AppError::Conflict(m) => m,
            other => panic!("{other:?}"),
        };
        assert_eq!(shown(StoreError::Conflict("该申请已处理".into())), "该申请已处理");
        // A constraint name is not for users.
        assert!(shown(StoreError::Conflict("users_username_key".into())).contains("请刷新页面后重试"));
    }
}
