//! 视频点播 on the portal: a `video` channel lists its videos with posters, lengths, dates
//! and view counts; `/video/{id}` plays one in an HTML5 `<video>` and counts the view.
//! The bytes come only through `/video/{id}/stream` and `/video/{id}/poster`, which check
//! that the video is published before serving a local file (with ranges) or redirecting
//! to a short-lived presigned URL of the object store.

use askama::Template;
use axum::{
    body::Body,
    extract::{Path, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::clock;
use dangjian_store::{
    articles::{self, ArticleItem},
    channels::Channel,
    videos::{self, Video},
};
use tower::ServiceExt;

use super::meta::{self, Meta};
use crate::{
    AppError, AppState,
    chrome::{Chrome, Prefs, SiteData},
    media_store::Delivery,
    video_tools::format_duration,
};

/// Videos on one page of a channel.
pub const PAGE_SIZE: i64 = 24;

pub struct Card {
    pub id: i64,
    pub title: String,
    pub duration: String,
    pub date: String,
    pub views: i64,
}

impl From<Video> for Card {
    fn from(v: Video) -> Self {
        Card {
            id: v.id,
            duration: format_duration(v.duration_ms),
            date: clock::format_date(v.published_at),
            views: v.views,
            title: v.title,
        }
    }
}

#[derive(Template)]
#[template(path = "videos.html")]
pub struct VideosPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub channel: Channel,
    pub cards: Vec<Card>,
    pub page: i64,
    pub pages: i64,
    /// The channel's articles (reports about the videos), newest first.
    pub reports: Vec<ArticleItem>,
}

impl VideosPage {
    fn report_date(&self, a: &ArticleItem) -> String {
        clock::format_date(a.published_at)
    }
}

/// The list of a `video` channel (called by the channel page). Not cached: view counts
/// change with every play.
pub async fn channel_page(
    st: &AppState,
    data: &SiteData,
    channel: Channel,
    headers: &HeaderMap,
    query: Option<&str>,
) -> Result<Response, AppError> {
    let total = videos::count_in_channel(&st.db, channel.id).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let page = match query {
        None => 1,
        Some(p) => p.parse::<i64>().ok().filter(|n| (1..=pages).contains(n)).ok_or(AppError::NotFound)?,
    };
    let cards = videos::in_channel(&st.db, channel.id, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await?
        .into_iter()
        .map(Card::from)
        .collect();
    let reports = if page == 1 { articles::latest_in_channel(&st.db, channel.id, 10).await? } else { Vec::new() };
    let chrome =
        Chrome::new(data, &channel.slug, Prefs::from_request(headers, None), format!("/channel/{}", channel.slug));
    let view = VideosPage {
        title: format!("{} - {}", channel.name, chrome.site.name),
        meta: meta::column(&chrome.site, &channel),
        cards,
        page,
        pages,
        reports,
        channel,
        chrome,
    };
    Ok(Html(view.render()?).into_response())
}

#[derive(Template)]
#[template(path = "video.html")]
pub struct VideoPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub channel: Channel,
    pub video: Video,
    pub duration: String,
    pub published: String,
    pub views: i64,
}

/// `GET /video/{id}`: the player page; every load counts one view.
pub async fn page(State(st): State<AppState>, Path(id): Path<i64>, headers: HeaderMap) -> Result<Response, AppError> {
    let video = videos::get(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    let version = st.content.version(&st.db).await?;
    let data = st.content.site(&st.db, version).await?;
    let channel = data.channels.iter().find(|c| c.id == video.channel_id).cloned().ok_or(AppError::NotFound)?;
    let views = videos::count_view(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    let chrome = Chrome::new(&data, &channel.slug, Prefs::from_request(&headers, None), format!("/video/{id}"));
    let mut meta = meta::column(&chrome.site, &channel);
    meta.push(("ArticleTitle", video.title.clone()));
    meta.push(("PubDate", clock::format_minute(video.published_at)));
    meta.push(("ContentSource", chrome.site.name.clone()));
    meta.push(("Description", video.summary.clone()));
    meta.push(("Url", format!("/video/{id}")));
    let view = VideoPage {
        title: format!("{} - {}", video.title, chrome.site.name),
        duration: format_duration(video.duration_ms),
        published: clock::format_minute(video.published_at),
        views,
        meta,
        channel,
        video,
        chrome,
    };
    let mut r = Html(view.render()?).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// `GET /video/{id}/stream`: the video file of a published video.
pub async fn stream(State(st): State<AppState>, Path(id): Path<i64>, req: Request) -> Result<Response, AppError> {
    let video = videos::get(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    serve_object(&st, &video.media_key, req).await
}

/// `GET /video/{id}/poster`: the poster image of a published video.
pub async fn poster(State(st): State<AppState>, Path(id): Path<i64>, req: Request) -> Result<Response, AppError> {
    let video = videos::get(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    serve_object(&st, &video.poster_key, req).await
}

/// Sends a stored object after the caller's permission check: a local file with ranges,
/// `Last-Modified`, conditional requests and `If-Range`; or a redirect to a presigned URL.
pub async fn serve_object(st: &AppState, key: &str, mut req: Request) -> Result<Response, AppError> {
    let store = st.media()?;
    match store.deliver(key).await.ok_or(AppError::NotFound)? {
        Delivery::Redirect(url) => {
            let mut r = Redirect::to(&url).into_response();
            // The URL expires soon: no cache may keep the redirect longer than that.
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            Ok(r)
        }
        Delivery::Local(path) => {
            // A weak validator from size and modification time, for caches that revalidate
            // with `If-None-Match` (weak: it never satisfies `If-Range`, which needs strong).
            let etag = std::fs::metadata(&path).ok().and_then(|m| {
                let modified = m.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
                HeaderValue::from_str(&format!("W/\"{:x}-{:x}\"", m.len(), modified.as_micros())).ok()
            });
            if let (Some(tag), Some(inm)) = (&etag, req.headers().get(header::IF_NONE_MATCH)) {
                let matches = inm.to_str().unwrap_or("").split(',').any(|t| {
                    let t = t.trim();
                    t == "*" || t.trim_start_matches("W/") == tag.to_str().unwrap_or("").trim_start_matches("W/")
                });
                if matches {
                    let mut r = StatusCode::NOT_MODIFIED.into_response();
                    r.headers_mut().insert(header::ETAG, tag.clone());
                    return Ok(r);
                }
            }
            crate::media::drop_stale_range(&mut req, &path);
            let r = tower_http::services::ServeFile::new(&path)
                .oneshot(req)
                .await
                .map_err(|e| AppError::Internal(format!("media: {e}")))?;
            let mut r = r.map(Body::new);
            if r.status() == StatusCode::NOT_FOUND {
                return Err(AppError::NotFound);
            }
            r.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            if let Some(tag) = etag.filter(|_| r.status().is_success()) {
                r.headers_mut().insert(header::ETAG, tag);
            }
            Ok(r)
        }
    }
}
