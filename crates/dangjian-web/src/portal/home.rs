//! The home page: a headline area, the 公告通知 block, and a block per channel.
//! Rendered once per content version (and 长者模式) and served from the render cache.

use std::sync::Arc;

use askama::Template;
use axum::{extract::State, http::HeaderMap, response::Response};
use dangjian_domain::text;
use dangjian_store::articles;

use super::{BLOCK_TITLE_WIDTH, Block, NOTICE_SLUG, Row, meta, templates::HomePage};
use crate::{
    AppError, AppState,
    cache::{self, PageKey, Rendered},
    chrome::{Chrome, Prefs},
};

/// Titles per channel block.
const BLOCK_ROWS: i64 = 8;

pub async fn page(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let prefs = Prefs::from_request(&headers, None);
    let version = st.content.version(&st.db).await?;
    let key = PageKey::Home { elder: prefs.elder };
    let page = match st.content.page(&key, version) {
        Some(p) => p,
        None => {
            let html = render(&st, version, prefs).await?;
            let p = Arc::new(Rendered::new(html, false));
            st.content.put_page(key, version, p.clone());
            p
        }
    };
    Ok(page.respond(None, cache::wants_gzip(&headers)))
}

async fn render(st: &AppState, version: i64, prefs: Prefs) -> Result<String, AppError> {
    let data = st.content.site(&st.db, version).await?;
    let chrome = Chrome::new(&data, "", prefs, "/".into());
    let mut notice = None;
    let mut blocks = Vec::new();
    for c in &chrome.channels {
        let rows = articles::latest_in_channel(&st.db, c.id, BLOCK_ROWS).await?;
        let block = Block {
            slug: c.slug.clone(),
            name: c.name.clone(),
            rows: rows.iter().map(|a| Row::new(a, BLOCK_TITLE_WIDTH)).collect(),
        };
        if c.slug == NOTICE_SLUG { notice = Some(block) } else { blocks.push(block) }
    }
    let mut heads = articles::headlines(&st.db, 7).await?;
    let lead = if heads.is_empty() { None } else { Some(heads.remove(0)) };
    let lead_summary = match &lead {
        Some(l) => {
            let a = articles::get_published(&st.db, l.id).await?;
            text::truncate_width(&a.summary, 150)
        }
        None => String::new(),
    };
    let page = HomePage {
        title: chrome.site.name.clone(),
        meta: meta::home(&chrome.site),
        lead,
        lead_summary,
        headlines: heads.iter().map(|a| Row::new(a, 56)).collect(),
        notice,
        blocks,
        chrome,
    };
    Ok(page.render()?)
}
