//! Response headers every page carries: a CSP that allows no inline script, no framing,
//! no MIME sniffing, and a request id for the logs.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::{
    Router,
    http::{HeaderName, HeaderValue, Request, header},
};
use tower::ServiceBuilder;
use tower_http::{
    csrf::CsrfLayer,
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    set_header::SetResponseHeaderLayer,
};

/// The Content-Security-Policy of every response.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       media-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Request ids: a random per-process prefix and a counter, cheap and unique enough to
/// find a request in the logs.
#[derive(Clone)]
struct Ids {
    prefix: u32,
    next: std::sync::Arc<AtomicU64>,
}

impl MakeRequestId for Ids {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        HeaderValue::from_str(&format!("{:08x}-{n}", self.prefix)).ok().map(RequestId::new)
    }
}

/// The layers, outermost first: the request id is set before anything else runs.
pub fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let x_request_id = HeaderName::from_static("x-request-id");
    router.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(
                x_request_id.clone(),
                Ids { prefix: fastrand::u32(..), next: Default::default() },
            ))
            .layer(PropagateRequestIdLayer::new(x_request_id))
            // Cross-site state-changing requests are refused from the browser's own
            // Sec-Fetch-Site / Origin headers (the Go 1.25 scheme); SameSite=Lax session
            // cookies are the second line.
            .layer(CsrfLayer::new())
            .layer(SetResponseHeaderLayer::if_not_present(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"))),
    )
}
