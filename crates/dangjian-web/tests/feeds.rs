//! RSS, sitemap and robots.txt, each parsed with an XML parser (quick-xml, with end-tag
//! checks), on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_store::articles::{self, NewArticle};
use quick_xml::{Reader, events::Event};
use support::{HOUR, T0, apps, fixture};

/// Parses a whole document; returns each element's path and text, e.g.
/// ("rss/channel/item/link", "https://…"). Panics on malformed XML.
fn parse(xml: &str) -> Vec<(String, String)> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    let mut out = Vec::new();
    let mut saw_decl = false;
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("malformed XML at {}: {e}", reader.buffer_position())) {
            Event::Decl(_) => saw_decl = true,
            Event::Start(e) => {
                path.push(e.name().as_ref().to_owned());
                text.clear();
            }
            Event::Empty(e) => out.push((format!("{}/{}", path.join("/"), e.name().as_ref()), String::new())),
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(
                    quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or_else(|| panic!("unknown entity &{};", &*r)),
                ),
            },
            Event::End(_) => {
                if !text.trim().is_empty() {
                    out.push((path.join("/"), std::mem::take(&mut text)));
                }
                text.clear();
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(saw_decl, "no XML declaration");
    assert!(path.is_empty(), "unclosed elements: {path:?}");
    out
}

fn values<'a>(doc: &'a [(String, String)], path: &str) -> Vec<&'a str> {
    doc.iter().filter(|(p, _)| p == path).map(|(_, v)| v.as_str()).collect()
}

#[tokio::test]
async fn rss_feeds_list_published_articles_with_absolute_links() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let r = app.get("/feed.xml").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.header("content-type").starts_with("application/rss+xml"), "{l}");
        let doc = parse(&r.body);
        assert_eq!(values(&doc, "rss/channel/title"), ["测试市机关党建网"], "{l}");
        let links = values(&doc, "rss/channel/item/link");
        assert_eq!(links.len(), 30, "{l}: 30 newest items");
        assert!(links.iter().all(|u| u.starts_with("https://www.test-dj.gov.cn/article/")), "{l}: {links:?}");
        assert!(!links.contains(&format!("https://www.test-dj.gov.cn/article/{}", f.draft).as_str()), "{l}");
        // Newest first: the three notices lead.
        assert_eq!(values(&doc, "rss/channel/item/title")[0], "关于做好党费收缴工作的通知", "{l}");
        assert!(values(&doc, "rss/channel/item/pubDate")[0].ends_with("+0000"), "{l}");

        let r = app.get("/feed/gonggao.xml").await;
        let doc = parse(&r.body);
        assert_eq!(values(&doc, "rss/channel/item/title").len(), 3, "{l}");
        assert!(values(&doc, "rss/channel/item/category").iter().all(|c| *c == "公告通知"), "{l}");
        assert_eq!(values(&doc, "rss/channel/link"), ["https://www.test-dj.gov.cn/channel/gonggao"], "{l}");
        // A long title with 《》 and （） survives the escaping round trip.
        assert!(values(&doc, "rss/channel/item/title").contains(&f.long_title.as_str()), "{l}");
        let empty = parse(&app.get("/feed/tashan.xml").await.body);
        assert!(values(&empty, "rss/channel/item/title").is_empty(), "{l}");
        assert_eq!(app.get("/feed/nope.xml").await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(app.get("/feed/gonggao").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn sitemap_and_robots_describe_the_portal() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let doc = parse(&app.get("/sitemap.xml").await.body);
        let locs = values(&doc, "urlset/url/loc");
        // Home, three channels, 48 published articles.
        assert_eq!(locs.len(), 1 + 3 + 48, "{l}");
        assert!(locs.contains(&"https://www.test-dj.gov.cn/channel/dongtai"), "{l}");
        assert!(!locs.iter().any(|u| u.ends_with(&format!("/article/{}", f.draft))), "{l}");
        assert_eq!(values(&doc, "urlset/url/lastmod").len(), 48, "{l}");
        let robots = app.get("/robots.txt").await;
        assert!(robots.header("content-type").starts_with("text/plain"), "{l}");
        assert!(robots.body.contains("Disallow: /admin/") && robots.body.contains("Disallow: /platform/"), "{l}");
        assert!(robots.body.contains("Sitemap: https://www.test-dj.gov.cn/sitemap.xml"), "{l}");
    }
}

#[tokio::test]
async fn a_sitemap_past_fifty_thousand_urls_becomes_an_index_of_files() {
    for app in apps().await {
        let l = app.label();
        fixture(app.db()).await;
        // 52 URLs from the fixture plus 50,000 more: two files.
        let rows: Vec<NewArticle> = (0..50_000)
            .map(|i| NewArticle {
                channel_id: 1,
                title: format!("批量文章{i}"),
                status: "published".into(),
                published_at: T0 + i * HOUR,
                created_at: T0,
                ..Default::default()
            })
            .collect();
        for chunk in rows.chunks(5_000) {
            articles::insert_many(app.db(), chunk).await.unwrap();
        }
        let index = parse(&app.get("/sitemap.xml").await.body);
        let files = values(&index, "sitemapindex/sitemap/loc");
        assert_eq!(
            files,
            ["https://www.test-dj.gov.cn/sitemap/0.xml", "https://www.test-dj.gov.cn/sitemap/1.xml"],
            "{l}"
        );
        let first = parse(&app.get("/sitemap/0.xml").await.body);
        let second = parse(&app.get("/sitemap/1.xml").await.body);
        let (a, b) = (values(&first, "urlset/url/loc"), values(&second, "urlset/url/loc"));
        assert_eq!((a.len(), b.len()), (50_000, 52), "{l}");
        // No URL twice, none lost.
        let mut all: Vec<&str> = a.iter().chain(b.iter()).copied().collect();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 50_052, "{l}");
        assert_eq!(app.get("/sitemap/2.xml").await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(app.get("/sitemap/x.xml").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}
