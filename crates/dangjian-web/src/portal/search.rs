//! `/search?q=&channel=&sort=&page=`: site search over published articles (政府网站
//! must have one). The index may lag the database by a moment, so every page of hits is
//! checked against the database and anything no longer published is dropped: a withdrawn
//! article never shows, not even in the second before the index hears of it.

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{HeaderMap, Uri},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{clock, paging};
use dangjian_search::{MAX_RESULTS, SearchQuery, SearchResults, Sort};
use dangjian_store::outbox;
use serde::Deserialize;

use super::{meta, templates::PageLink};
use crate::{
    AppError, AppState,
    chrome::{Chrome, Prefs, urlencode},
};

/// Hits per page.
pub const PER_PAGE: usize = 10;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    q: Option<String>,
    channel: Option<String>,
    sort: Option<String>,
    page: Option<String>,
}

/// One hit as the page shows it.
pub struct HitView {
    pub id: i64,
    /// Escaped title with `<mark>`s (from the index; safe to emit).
    pub title_html: String,
    /// Escaped snippet with `<mark>`s.
    pub snippet_html: String,
    pub channel_name: String,
    pub source: String,
    pub date: String,
}

/// A channel in the filter.
pub struct ChannelOption {
    pub slug: String,
    pub name: String,
    pub selected: bool,
}

/// What the page says above the hits.
#[derive(PartialEq)]
pub enum Outcome {
    /// Nothing searchable was typed.
    NoQuery,
    /// The index is not there (a node started without one); the rest of the site works.
    Unavailable,
    NoHits,
    Hits,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: meta::Meta,
    pub q: String,
    pub newest: bool,
    pub channels: Vec<ChannelOption>,
    /// A channel filter is on.
    pub filtered: bool,
    pub outcome: Outcome,
    pub total: usize,
    pub hits: Vec<HitView>,
    pub page: u32,
    pub page_count: u32,
    pub page_links: Vec<PageLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
    /// `/search?…` with the current query and sort but without a channel.
    pub all_channels_href: String,
}

pub async fn page(
    State(st): State<AppState>,
    Query(p): Query<SearchParams>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, AppError> {
    // The frame from the render cache's site data (no settings/channels/links queries);
    // "/search" matches no channel slug, so no item of the channel bar is marked current.
    let version = st.content.version(&st.db).await?;
    let data = st.content.site(&st.db, version).await?;
    let chrome = Chrome::new(&data, "/search", Prefs::from_request(&headers, None), uri.to_string());
    let q = p.q.as_deref().unwrap_or("").trim().chars().take(dangjian_search::MAX_QUERY_CHARS).collect::<String>();
    // Only a channel that exists filters; anything else is ignored rather than an error.
    let channel = p.channel.filter(|s| chrome.channels.iter().any(|c| &c.slug == s));
    let newest = p.sort.as_deref() == Some("time");
    let number = p.page.as_deref().and_then(|s| s.trim().parse::<u32>().ok()).filter(|n| *n >= 1).unwrap_or(1);

    let (outcome, results) = match (&st.search, q.is_empty()) {
        (_, true) => (Outcome::NoQuery, SearchResults::default()),
        (None, false) => (Outcome::Unavailable, SearchResults::default()),
        (Some(index), false) => {
            let (index, text, ch) = (index.clone(), q.clone(), channel.clone());
            let sort = if newest { Sort::Newest } else { Sort::Relevance };
            let slot = st.search_slots.clone().acquire_owned().await.map_err(|e| AppError::Internal(e.to_string()))?;
            let r = tokio::task::spawn_blocking(move || {
                let _slot = slot;
                index.search(&SearchQuery {
                    text: &text,
                    channel: ch.as_deref(),
                    sort,
                    page: number as usize,
                    per_page: PER_PAGE,
                })
            })
            .await
            .map_err(|e| AppError::Internal(format!("search task: {e}")))?
            .map_err(|e| AppError::Internal(e.to_string()))?;
            let outcome = if !r.searchable {
                Outcome::NoQuery
            } else if r.total == 0 {
                Outcome::NoHits
            } else {
                Outcome::Hits
            };
            (outcome, r)
        }
    };

    // The database has the last word on what is published.
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let live = outbox::published_ids(&st.db, &ids).await?;
    let hits: Vec<HitView> = results
        .hits
        .into_iter()
        .filter(|h| live.contains(&h.id))
        .map(|h| HitView {
            channel_name: chrome
                .channels
                .iter()
                .find(|c| c.slug == h.channel)
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            id: h.id,
            title_html: h.title_html,
            snippet_html: h.snippet_html,
            source: h.source,
            date: clock::format_date(h.published_at),
        })
        .collect();

    let total = results.total;
    let page_count = total.min(MAX_RESULTS).div_ceil(PER_PAGE).max(1) as u32;
    let href = |n: u32, ch: Option<&str>| {
        let mut s = format!("/search?q={}", urlencode(&q));
        if let Some(c) = ch {
            s.push_str(&format!("&channel={}", urlencode(c)));
        }
        if newest {
            s.push_str("&sort=time");
        }
        if n > 1 {
            s.push_str(&format!("&page={n}"));
        }
        s
    };
    let ch = channel.as_deref();
    let page_links = if outcome == Outcome::Hits {
        paging::page_links(number.min(page_count), page_count, 3)
            .into_iter()
            .map(|n| PageLink {
                number: n,
                href: n.map(|n| href(n, ch)).unwrap_or_default(),
                current: n == Some(number),
            })
            .collect()
    } else {
        Vec::new()
    };
    let title = if q.is_empty() {
        format!("站内搜索 - {}", chrome.site.name)
    } else {
        format!("搜索：{q} - {}", chrome.site.name)
    };
    let channels = chrome
        .channels
        .iter()
        .filter(|c| c.kind == "list" && c.parent_id.is_none())
        .map(|c| ChannelOption {
            slug: c.slug.clone(),
            name: c.name.clone(),
            selected: Some(&c.slug) == channel.as_ref(),
        })
        .collect();
    let view = SearchPage {
        meta: meta::site(&chrome.site),
        title,
        newest,
        filtered: channel.is_some(),
        channels,
        total,
        hits,
        page: number,
        page_count,
        page_links,
        prev_href: (outcome == Outcome::Hits && number > 1).then(|| href(number.min(page_count + 1) - 1, ch)),
        next_href: (outcome == Outcome::Hits && number < page_count).then(|| href(number + 1, ch)),
        all_channels_href: href(1, None),
        outcome,
        q,
        chrome,
    };
    Ok(Html(view.render()?).into_response())
}
