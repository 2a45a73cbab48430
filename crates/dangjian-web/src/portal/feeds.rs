//! Feeds and discovery: RSS 2.0 for the site (`/feed.xml`) and each channel
//! (`/feed/{slug}.xml`), `sitemap.xml` (a sitemap index past 50,000 URLs, as the protocol
//! requires, with files `/sitemap/{n}.xml`), and `robots.txt`. Absolute links use the
//! configured 网站域名, falling back to the request's Host.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use dangjian_store::{channels, feeds};
use quick_xml::{
    Writer,
    events::{BytesDecl, BytesText, Event},
};
use time::{OffsetDateTime, format_description::well_known::Rfc2822};

use crate::{AppError, AppState};

/// Settings and channels from the render cache (no query while the content is unchanged).
async fn site_data(st: &AppState) -> Result<std::sync::Arc<crate::chrome::SiteData>, AppError> {
    let version = st.content.version(&st.db).await?;
    Ok(st.content.site(&st.db, version).await?)
}

/// Items per RSS feed.
pub const FEED_ITEMS: i64 = 30;

/// URLs per sitemap file: the protocol's limit.
pub const SITEMAP_URLS: i64 = 50_000;

/// The site's origin for absolute links: `site_domain` from the settings (with `https://`
/// added when it has no scheme), else the request's Host over plain HTTP.
fn origin(domain: &str, headers: &HeaderMap) -> String {
    let domain = domain.trim().trim_end_matches('/');
    if domain.starts_with("http://") || domain.starts_with("https://") {
        return domain.to_owned();
    }
    if !domain.is_empty() {
        return format!("https://{domain}");
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    // Only characters a host name and port can have: a crafted Host cannot inject markup.
    let host: String = host.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':')).collect();
    format!("http://{host}")
}

fn rfc2822(micros: i64) -> String {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(micros) * 1000)
        .ok()
        .and_then(|t| t.format(&Rfc2822).ok())
        .unwrap_or_default()
}

fn w3c_date(micros: i64) -> String {
    dangjian_domain::clock::from_micros(micros)
        .date()
        .format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

fn xml_response(body: Vec<u8>, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    r
}

type XmlResult = Result<(), std::io::Error>;

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> XmlResult {
    w.create_element(name).write_text_content(BytesText::new(value))?;
    Ok(())
}

struct FeedHead {
    title: String,
    link: String,
    description: String,
    self_url: String,
}

fn rss(head: &FeedHead, items: &[(feeds::FeedItem, String)], origin: &str) -> Result<Vec<u8>, AppError> {
    let xe = |e: std::io::Error| AppError::Internal(format!("rss: {e}"));
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(xe)?;
    w.create_element("rss")
        .with_attribute(("version", "2.0"))
        .with_attribute(("xmlns:atom", "http://www.w3.org/2005/Atom"))
        .write_inner_content(|w| {
            w.create_element("channel").write_inner_content(|w| {
                text(w, "title", &head.title)?;
                text(w, "link", &head.link)?;
                text(w, "description", &head.description)?;
                text(w, "language", "zh-cn")?;
                w.create_element("atom:link")
                    .with_attribute(("href", head.self_url.as_str()))
                    .with_attribute(("rel", "self"))
                    .with_attribute(("type", "application/rss+xml"))
                    .write_empty()?;
                if let Some((first, _)) = items.first() {
                    text(w, "lastBuildDate", &rfc2822(first.published_at))?;
                }
                for (item, channel) in items {
                    let link = format!("{origin}/article/{}", item.id);
                    w.create_element("item").write_inner_content(|w| {
                        text(w, "title", &item.title)?;
                        text(w, "link", &link)?;
                        w.create_element("guid")
                            .with_attribute(("isPermaLink", "true"))
                            .write_text_content(BytesText::new(&link))?;
                        text(w, "pubDate", &rfc2822(item.published_at))?;
                        if !channel.is_empty() {
                            text(w, "category", channel)?;
                        }
                        if !item.summary.is_empty() {
                            text(w, "description", &item.summary)?;
                        }
                        Ok::<(), std::io::Error>(())
                    })?;
                }
                Ok::<(), std::io::Error>(())
            })?;
            Ok::<(), std::io::Error>(())
        })
        .map_err(xe)?;
    Ok(w.into_inner())
}

async fn feed(st: &AppState, headers: &HeaderMap, channel: Option<channels::Channel>) -> Result<Response, AppError> {
    let data = site_data(st).await?;
    let site = data.site.name.clone();
    let origin = origin(&data.site.domain, headers);
    let all = &data.channels;
    let items = feeds::newest(&st.db, channel.as_ref().map(|c| c.id), FEED_ITEMS).await?;
    let items: Vec<(feeds::FeedItem, String)> = items
        .into_iter()
        .map(|i| {
            let name = all.iter().find(|c| c.id == i.channel_id).map(|c| c.name.clone()).unwrap_or_default();
            (i, name)
        })
        .collect();
    let head = match &channel {
        Some(c) => FeedHead {
            title: format!("{} - {site}", c.name),
            link: format!("{origin}/channel/{}", c.slug),
            description: if c.description.is_empty() {
                format!("{site}{}栏目", c.name)
            } else {
                c.description.clone()
            },
            self_url: format!("{origin}/feed/{}.xml", c.slug),
        },
        None => FeedHead {
            title: site.clone(),
            link: format!("{origin}/"),
            description: format!("{site}最新发布"),
            self_url: format!("{origin}/feed.xml"),
        },
    };
    Ok(xml_response(rss(&head, &items, &origin)?, "application/rss+xml; charset=utf-8"))
}

/// `GET /feed.xml`.
pub async fn site_feed(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    feed(&st, &headers, None).await
}

/// `GET /feed/{slug}.xml`: list channels only (a link or page channel has no items).
pub async fn channel_feed(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let slug = file.strip_suffix(".xml").ok_or(AppError::NotFound)?;
    let channel = site_data(&st).await?.channels.iter().find(|c| c.slug == slug).cloned().ok_or(AppError::NotFound)?;
    if channel.kind == "link" {
        return Err(AppError::NotFound);
    }
    feed(&st, &headers, Some(channel)).await
}

fn urlset(urls: &[(String, Option<String>)]) -> Result<Vec<u8>, AppError> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let xe = |e: std::io::Error| AppError::Internal(format!("sitemap: {e}"));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(xe)?;
    w.create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for (loc, lastmod) in urls {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", loc)?;
                    if let Some(d) = lastmod {
                        text(w, "lastmod", d)?;
                    }
                    Ok::<(), std::io::Error>(())
                })?;
            }
            Ok::<(), std::io::Error>(())
        })
        .map_err(xe)?;
    Ok(w.into_inner())
}

/// The fixed pages (home and list channels) every sitemap starts with.
async fn fixed_urls(st: &AppState, origin: &str) -> Result<Vec<(String, Option<String>)>, AppError> {
    let mut urls = vec![(format!("{origin}/"), None)];
    for c in site_data(st).await?.channels.iter().filter(|c| c.kind != "link") {
        urls.push((format!("{origin}/channel/{}", c.slug), None));
    }
    Ok(urls)
}

/// Articles of sitemap file `n` (0-based): the fixed pages count toward file 0.
async fn file_urls(st: &AppState, origin: &str, n: i64) -> Result<Vec<(String, Option<String>)>, AppError> {
    let fixed = fixed_urls(st, origin).await?;
    let fixed_len = fixed.len() as i64;
    let (mut urls, skip, take) = if n == 0 {
        (fixed, 0, SITEMAP_URLS - fixed_len)
    } else {
        (vec![], n * SITEMAP_URLS - fixed_len, SITEMAP_URLS)
    };
    let after = if skip == 0 {
        0
    } else {
        match feeds::nth_published_id(&st.db, skip - 1).await? {
            Some(id) => id,
            None => return Err(AppError::NotFound),
        }
    };
    for (id, updated) in feeds::published_after(&st.db, after, take).await? {
        urls.push((format!("{origin}/article/{id}"), Some(w3c_date(updated))));
    }
    Ok(urls)
}

/// `GET /sitemap.xml`: one urlset, or an index of files once the site passes 50,000 URLs.
pub async fn sitemap(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let origin = origin(&site_data(&st).await?.site.domain, &headers);
    let total = fixed_urls(&st, &origin).await?.len() as i64 + feeds::published_count(&st.db).await?;
    if total <= SITEMAP_URLS {
        return Ok(xml_response(urlset(&file_urls(&st, &origin, 0).await?)?, "application/xml; charset=utf-8"));
    }
    let files = (total + SITEMAP_URLS - 1) / SITEMAP_URLS;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    let xe = |e: std::io::Error| AppError::Internal(format!("sitemap: {e}"));
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(xe)?;
    w.create_element("sitemapindex")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for n in 0..files {
                w.create_element("sitemap")
                    .write_inner_content(|w| text(w, "loc", &format!("{origin}/sitemap/{n}.xml")))?;
            }
            Ok::<(), std::io::Error>(())
        })
        .map_err(xe)?;
    Ok(xml_response(w.into_inner(), "application/xml; charset=utf-8"))
}

/// `GET /sitemap/{n}.xml`.
pub async fn sitemap_file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let n: i64 =
        file.strip_suffix(".xml").and_then(|n| n.parse().ok()).filter(|n| *n >= 0).ok_or(AppError::NotFound)?;
    let origin = origin(&site_data(&st).await?.site.domain, &headers);
    Ok(xml_response(urlset(&file_urls(&st, &origin, n).await?)?, "application/xml; charset=utf-8"))
}

/// `GET /robots.txt`: the portal is open to crawlers; the backends are not.
pub async fn robots(State(st): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let origin = origin(&site_data(&st).await?.site.domain, &headers);
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin/\nDisallow: /platform/\nDisallow: /api/\n\nSitemap: {origin}/sitemap.xml\n"
    );
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_prefer_the_configured_domain_and_clean_the_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("example.org:8080"));
        assert_eq!(origin("dj.example.gov.cn/", &h), "https://dj.example.gov.cn");
        assert_eq!(origin("http://10.0.0.1", &h), "http://10.0.0.1");
        assert_eq!(origin("", &h), "http://example.org:8080");
        h.insert(header::HOST, HeaderValue::from_static("evil\"><x>.org"));
        assert_eq!(origin("", &h), "http://evilx.org");
    }

    #[test]
    fn dates_are_rfc2822() {
        // 2024-03-01 10:00 Asia/Shanghai = 02:00 UTC.
        assert_eq!(rfc2822(1_709_258_400_000_000), "Fri, 01 Mar 2024 02:00:00 +0000");
    }
}
