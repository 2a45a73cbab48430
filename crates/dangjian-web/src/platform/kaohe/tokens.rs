//! 群众评价 one-time links: the scheme page's `tokens` action makes them and shows each once,
//! as an absolute link and as a QR code drawn on the server (inline SVG, no script), laid
//! out as cards the office prints on A4, cuts apart and hands to 服务对象. The store keeps
//! only each token's hash, so this page is the only time the links exist in the clear.

use askama::Template;
use axum::{
    http::{HeaderMap, HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::eval::assessment::{SchemeState, Source};
use dangjian_store::kaohe;
use qrcode::{EcLevel, QrCode, render::svg};

use crate::{
    AppError, AppState,
    admin::{
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

/// Most links one request makes: a few A4 sheets' worth, and a bounded page.
const MAX_LINKS: usize = 500;

/// One printed card: the link and its QR code.
pub struct Card {
    pub link: String,
    /// `<svg …>…</svg>`, safe to insert as is: drawn here from the link's modules only.
    pub qr: String,
}

#[derive(Template)]
#[template(path = "platform/kaohe/tokens.html")]
struct TokensPage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    group: String,
    cards: Vec<Card>,
}

/// The QR code of `link` as an inline SVG element: one unit per module, a four-module
/// quiet zone, error correction level M (survives a smudge on a printed card). CSS gives it
/// its printed size, so the `width`/`height` attributes only state the module count.
pub fn qr_svg(link: &str) -> Result<String, AppError> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code for a voting link: {e}")))?;
    let image = code.render::<svg::Color>().module_dimensions(1, 1).quiet_zone(true).build();
    // The renderer writes a standalone document; inline SVG in HTML takes no XML prologue.
    let start = image.find("<svg").ok_or_else(|| AppError::Internal("QR renderer gave no <svg>".into()))?;
    Ok(image[start..].replacen("<svg ", r#"<svg class="qr" role="img" aria-label="评价二维码" "#, 1))
}

/// The site's address as the browser reached it (`Host`), so printed links lead back here:
/// `https` when cookies are marked secure (served over TLS), `http` otherwise. Without a
/// `Host` header the links stay relative (they still work when copied on this site).
fn base_url(st: &AppState, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("").trim();
    // A Host with anything but host characters is not put into printed links.
    let clean = !host.is_empty() && host.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
    if !clean {
        return String::new();
    }
    format!("{}://{host}", if st.config.secure_cookies { "https" } else { "http" })
}

/// `POST /platform/kaohe/{id}/tokens` (`group`, `count`), called by the scheme's action
/// handler once the officer's reach is checked: `Ok(Err(message))` when the form is
/// refused (the scheme page shows it), the printable page otherwise.
pub(super) async fn make(
    st: &AppState,
    me: &CurrentUser,
    headers: &HeaderMap,
    row: &kaohe::SchemeRow,
    group: &str,
    count: &str,
) -> Result<Result<Response, String>, AppError> {
    let s = &row.scheme;
    if !matches!(SchemeState::from_code(&row.state), Some(SchemeState::Draft | SchemeState::Open)) {
        return Ok(Err("测评已截止，不能再生成评价链接".into()));
    }
    let Some(group) = s.groups.iter().find(|g| g.code == group && g.source == Source::Public) else {
        return Ok(Err("请选择一个群众评价主体".into()));
    };
    let Some(n) = count.parse::<usize>().ok().filter(|n| (1..=MAX_LINKS).contains(n)) else {
        return Ok(Err(format!("链接数量应为 1 到 {MAX_LINKS}")));
    };
    let tokens = kaohe::create_tokens(&st.db, row.id, &group.code, &s.subjects, n).await?;
    audit_trail::record(
        st,
        Actor::User(me),
        "kaohe.tokens",
        &format!("kaohe:{}", row.id),
        audit_trail::SUCCESS,
        &format!("{n} for {}", group.code),
    )
    .await?;
    let base = base_url(st, headers);
    let cards = tokens
        .iter()
        .map(|t| {
            let link = format!("{base}/vote/{t}");
            Ok(Card { qr: qr_svg(&link)?, link })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let page = TokensPage {
        title: "群众评价链接",
        page: Frame::for_user(me),
        id: row.id,
        name: row.name.clone(),
        group: group.name.clone(),
        cards,
    };
    let mut r = Html(page.render()?).into_response();
    // Shown once: no cache may keep the only clear copy of the links.
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(Ok(r))
}
