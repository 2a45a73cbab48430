//! `/article/{id}`: the article page of the seed site, with the live view count.
//!
//! The page is rendered once per content version and representation (font size, 长者模式)
//! and kept by the render cache; each request splices its exact 阅读 count into it.

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::Response,
};
use dangjian_domain::clock;
use dangjian_store::{StoreError, articles, channels::Channel};
use serde::Deserialize;

use super::{Block, NOTICE_SLUG, Row, SIDE_TITLE_WIDTH, meta, templates::ArticlePage};
use crate::{
    AppError, AppState,
    cache::{self, COUNT_MARK, PageKey, Rendered},
    chrome::{Chrome, Prefs, SiteData},
};

#[derive(Deserialize)]
pub struct ArticleQuery {
    font: Option<String>,
}

/// Titles in the 公告通知 block beside the article.
const NOTICE_ROWS: i64 = 10;

pub async fn page(
    State(st): State<AppState>,
    Path(raw_id): Path<String>,
    Query(q): Query<ArticleQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    // Malformed ids (letters, overflow, negative) are unknown pages, not bad requests.
    let id: i64 = raw_id.parse().ok().filter(|n| *n > 0).ok_or(AppError::NotFound)?;
    let prefs = Prefs::from_request(&headers, q.font.as_deref());
    let version = st.content.version(&st.db).await?;
    let key = PageKey::Article { id, font: prefs.font, elder: prefs.elder };
    let page = match st.content.page(&key, version) {
        Some(p) => p,
        None => {
            let html = render(&st, version, id, prefs).await?;
            let p = Arc::new(Rendered::new(html, true));
            st.content.put_page(key, version, p.clone());
            p
        }
    };
    // Only a page that exists is counted (a 404 returned above).
    let views = st.views.view(&st.db, id).await?;
    Ok(page.respond(Some(views), cache::wants_gzip(&headers)))
}

/// The page with [`COUNT_MARK`] where the count goes.
async fn render(st: &AppState, version: i64, id: i64, prefs: Prefs) -> Result<String, AppError> {
    let article = articles::get_published(&st.db, id).await?;
    let data = st.content.site(&st.db, version).await?;
    let mut chrome = Chrome::new(&data, "", prefs, format!("/article/{id}"));
    let channel = chrome.channel(article.channel_id).cloned().ok_or(StoreError::NotFound)?;
    let (prev, next) = articles::neighbours(&st.db, &article).await?;
    let notice = notice_block(st, &data).await?;
    // Highlight the article's channel in the bar.
    for n in &mut chrome.nav {
        n.current = n.href == format!("/channel/{}", channel.slug);
    }
    let view = ArticlePage {
        title: format!("{} - {} - {}", article.title, channel.name, chrome.site.name),
        meta: meta::article(&chrome.site, &channel, &article),
        published: clock::format_datetime(article.published_at),
        views: COUNT_MARK,
        notice,
        prev,
        next,
        channel,
        article,
        chrome,
    };
    Ok(view.render()?)
}

async fn notice_block(st: &AppState, data: &SiteData) -> Result<Block, AppError> {
    let notice: Option<&Channel> = data.channels.iter().find(|c| c.slug == NOTICE_SLUG);
    let Some(c) = notice.or(data.channels.first()) else {
        return Ok(Block { slug: NOTICE_SLUG.into(), name: "公告通知".into(), rows: vec![] });
    };
    let rows = articles::latest_in_channel(&st.db, c.id, NOTICE_ROWS).await?;
    Ok(Block {
        slug: c.slug.clone(),
        name: c.name.clone(),
        rows: rows.iter().map(|a| Row::new(a, SIDE_TITLE_WIDTH)).collect(),
    })
}
