//! `/channel/{slug}?page=N`: 20 titles a page with page links and the total count.
//!
//! Pages are keyset pages: the render cache keeps, per content version, each channel's
//! count and the key of the last row of every full page, so page N starts at a known key
//! instead of skipping (N − 1) × 20 rows, and the last page costs what the first does.

use std::sync::Arc;

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
};
use dangjian_domain::paging::{self, PAGE_SIZE, Page};
use dangjian_store::{articles, channels::Channel};
use serde::Deserialize;

use super::{
    LIST_TITLE_WIDTH, Row, meta,
    templates::{ChannelPage, PageLink},
};
use crate::{
    AppError, AppState,
    cache::{self, ListIndex, PageKey, Rendered},
    chrome::{Chrome, Prefs},
};

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

pub async fn page(
    State(st): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<ListQuery>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let version = st.content.version(&st.db).await?;
    let data = st.content.site(&st.db, version).await?;
    let channel = data.channels.iter().find(|c| c.slug == slug).ok_or(AppError::NotFound)?;
    // An external-link channel goes where it points; a single-page channel shows its
    // one (latest) article.
    if channel.kind == "link" && !channel.external_url.is_empty() {
        return Ok(Redirect::to(&channel.external_url).into_response());
    }
    if channel.kind == "page" {
        let latest = articles::latest_in_channel(&st.db, channel.id, 1).await?;
        let first = latest.first().ok_or(AppError::NotFound)?;
        return Ok(Redirect::to(&format!("/article/{}", first.id)).into_response());
    }
    // 资料中心 lists documents, which change with every download: never cached.
    if channel.kind == "download" {
        return super::documents::channel_page(&st, &data, channel.clone(), &headers, format!("/channel/{slug}")).await;
    }
    // 视频点播 lists videos with their view counts: not cached either.
    if channel.kind == "video" {
        return super::videos::channel_page(&st, &data, channel.clone(), &headers, q.page.as_deref()).await;
    }
    let index = st.content.list_index(&st.db, version, channel.id).await?;
    // A bad or past-the-end page is a 404: a broken link, not a server fault.
    let page = paging::page_for(q.page.as_deref(), index.total as u64, PAGE_SIZE).map_err(|_| AppError::NotFound)?;
    let prefs = Prefs::from_request(&headers, None);
    let key = PageKey::Channel { id: channel.id, page: page.number, elder: prefs.elder };
    let rendered = match st.content.page(&key, version) {
        Some(p) => p,
        None => {
            let chrome = Chrome::new(&data, &slug, prefs, format!("/channel/{slug}"));
            let html = render(&st, chrome, channel.clone(), &index, page).await?;
            let p = Arc::new(Rendered::new(html, false));
            st.content.put_page(key, version, p.clone());
            p
        }
    };
    Ok(rendered.respond(None, cache::wants_gzip(&headers)))
}

async fn render(
    st: &AppState,
    chrome: Chrome,
    channel: Channel,
    index: &ListIndex,
    page: Page,
) -> Result<String, AppError> {
    // Page n starts after the last row of page n − 1.
    let after = (page.number as usize).checked_sub(2).and_then(|i| index.marks.get(i)).copied();
    let items = articles::page_after(&st.db, channel.id, after, i64::from(page.size)).await?;
    let slug = &channel.slug;
    let href = |n: u32| {
        if n == 1 { format!("/channel/{slug}") } else { format!("/channel/{slug}?page={n}") }
    };
    let page_links = paging::page_links(page.number, page.count, 3)
        .into_iter()
        .map(|n| PageLink { number: n, href: n.map(href).unwrap_or_default(), current: n == Some(page.number) })
        .collect();
    let title = if page.number > 1 {
        format!("{} - 第{}页 - {}", channel.name, page.number, chrome.site.name)
    } else {
        format!("{} - {}", channel.name, chrome.site.name)
    };
    let view = ChannelPage {
        title,
        meta: meta::column(&chrome.site, &channel),
        rows: items.iter().map(|a| Row::new(a, LIST_TITLE_WIDTH)).collect(),
        total: index.total,
        prev_href: (page.number > 1).then(|| href(page.number - 1)),
        next_href: (page.number < page.count).then(|| href(page.number + 1)),
        page,
        page_links,
        channel,
        chrome,
    };
    Ok(view.render()?)
}
