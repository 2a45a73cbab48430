//! `/channel/{slug}?page=N`: 20 titles a page with page links and the total count.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, Uri},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::paging::{self, PAGE_SIZE};
use dangjian_store::{articles, channels};
use serde::Deserialize;

use super::{
    LIST_TITLE_WIDTH, Row, meta,
    templates::{ChannelPage, PageLink},
};
use crate::{
    AppError, AppState,
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
    uri: Uri,
) -> Result<Response, AppError> {
    let channel = channels::by_slug(&st.db, &slug).await?;
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
    if channel.kind == "download" {
        return super::documents::channel_page(&st, channel, &headers, uri.path().to_owned()).await;
    }
    let total = articles::count_in_channel(&st.db, channel.id).await?;
    // A bad or past-the-end page is a 404: a broken link, not a server fault.
    let page = paging::page_for(q.page.as_deref(), total as u64, PAGE_SIZE).map_err(|_| AppError::NotFound)?;
    let items = articles::page_in_channel(&st.db, channel.id, page.offset as i64, i64::from(page.size)).await?;
    let chrome = Chrome::load(&st.db, &slug, Prefs::from_request(&headers, None), uri.path().to_owned()).await?;
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
        total,
        prev_href: (page.number > 1).then(|| href(page.number - 1)),
        next_href: (page.number < page.count).then(|| href(page.number + 1)),
        page,
        page_links,
        channel,
        chrome,
    };
    Ok(Html(view.render()?).into_response())
}
