//! `/article/{id}`: the article page of the seed site, with the live view count.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, Uri},
    response::Html,
};
use dangjian_domain::clock;
use dangjian_store::{StoreError, articles, channels::Channel};
use serde::Deserialize;

use super::{Block, NOTICE_SLUG, Row, SIDE_TITLE_WIDTH, meta, templates::ArticlePage};
use crate::{
    AppError, AppState,
    chrome::{Chrome, Prefs},
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
    uri: Uri,
) -> Result<Html<String>, AppError> {
    // Malformed ids (letters, overflow, negative) are unknown pages, not bad requests.
    let id: i64 = raw_id.parse().ok().filter(|n| *n > 0).ok_or(AppError::NotFound)?;
    let article = articles::get_published(&st.db, id).await?;
    let unflushed = st.views.hit(id);
    let prefs = Prefs::from_request(&headers, q.font.as_deref());
    let chrome = Chrome::load(&st.db, "", prefs, uri.path().to_owned()).await?;
    let channel = chrome.channel(article.channel_id).cloned().ok_or(StoreError::NotFound)?;
    let (prev, next) = articles::neighbours(&st.db, &article).await?;
    let notice = notice_block(&st, &chrome).await?;
    let mut chrome = chrome;
    // Highlight the article's channel in the bar.
    for n in &mut chrome.nav {
        n.current = n.href == format!("/channel/{}", channel.slug);
    }
    let view = ArticlePage {
        title: format!("{} - {} - {}", article.title, channel.name, chrome.site.name),
        meta: meta::article(&chrome.site, &channel, &article),
        published: clock::format_datetime(article.published_at),
        views: article.views + unflushed,
        notice,
        prev,
        next,
        channel,
        article,
        chrome,
    };
    Ok(Html(view.render()?))
}

async fn notice_block(st: &AppState, chrome: &Chrome) -> Result<Block, AppError> {
    let notice: Option<&Channel> = chrome.channels.iter().find(|c| c.slug == NOTICE_SLUG);
    let Some(c) = notice.or(chrome.channels.first()) else {
        return Ok(Block { slug: NOTICE_SLUG.into(), name: "公告通知".into(), rows: vec![] });
    };
    let rows = articles::latest_in_channel(&st.db, c.id, NOTICE_ROWS).await?;
    Ok(Block {
        slug: c.slug.clone(),
        name: c.name.clone(),
        rows: rows.iter().map(|a| Row::new(a, SIDE_TITLE_WIDTH)).collect(),
    })
}
