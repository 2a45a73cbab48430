//! The render cache: pages come from memory, yet an edit or a withdrawal shows on the
//! very next request of the node that made it, other nodes catch up when they next read
//! the content version, gzip bodies carry the live count, and channel pages are keyset
//! pages that list exactly what OFFSET pages did.

mod support;

use std::io::Read as _;

use axum::http::StatusCode;
use dangjian_store::{articles, settings};
use dangjian_web::{AppState, WebConfig};
use support::{
    App, apps,
    client::{Client, PW, account, urlenc},
    fixture,
};

fn edit_form(channel: i64, title: &str) -> String {
    format!(
        "channel_id={channel}&title={}&body_md={}&publisher=%E5%8A%9E%E5%85%AC%E5%AE%A4&source_unit=x&editors=y&do=submit",
        urlenc(title),
        urlenc("改过的正文。")
    )
}

/// The page with the count taken out.
fn without_count(body: &str) -> String {
    let s = body.find("id=\"view-count\">").unwrap() + "id=\"view-count\">".len();
    let e = s + body[s..].find('<').unwrap();
    format!("{}{}", &body[..s], &body[e..])
}

fn count(body: &str) -> i64 {
    let s = body.find("id=\"view-count\">").unwrap() + "id=\"view-count\">".len();
    body[s..s + body[s..].find('<').unwrap()].parse().unwrap()
}

#[tokio::test]
async fn an_edit_shows_on_the_next_request_of_every_cached_page() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let id = *f.news_ids.last().unwrap();
        let url = format!("/article/{id}");
        // Warm the cache: each page twice, the second from memory.
        for u in [url.as_str(), "/", "/channel/dongtai"] {
            app.get(u).await;
            assert_eq!(app.get(u).await.status, StatusCode::OK, "{l}: {u}");
        }
        assert!(app.state.content.pages_held().0 >= 3, "{l}: pages are cached");

        account(&app, "editor", &["editor"], &[f.news], 0).await;
        let mut ed = Client::new(&app);
        assert_eq!(ed.login("editor", PW).await.status, StatusCode::SEE_OTHER, "{l}");
        // The news channel needs no review: submitting publishes at once.
        let r = ed.post(&format!("/admin/articles/{id}"), &edit_form(f.news, "改过的标题")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);

        let page = app.get(&url).await;
        assert!(page.body.contains("<h1>改过的标题</h1>") && page.body.contains("改过的正文"), "{l}: article");
        assert!(app.get("/").await.body.contains("改过的标题"), "{l}: home block");
        assert!(app.get("/channel/dongtai").await.body.contains("改过的标题"), "{l}: channel list");
    }
}

#[tokio::test]
async fn a_withdrawal_shows_on_the_next_request() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = Client::new(&app);
        ed.login("editor", PW).await;
        let form = format!("{}&unpublish_at=2099-01-02T08:00", edit_form(f.empty, "将要下线的通知"));
        assert_eq!(ed.post("/admin/articles", &form).await.status, StatusCode::SEE_OTHER, "{l}");
        let id = articles::page_in_channel(app.db(), f.empty, 0, 1).await.unwrap()[0].id;
        let url = format!("/article/{id}");
        for _ in 0..2 {
            assert_eq!(app.get(&url).await.status, StatusCode::OK, "{l}");
            assert!(app.get("/channel/tashan").await.body.contains("将要下线的通知"), "{l}");
        }
        let t = dangjian_web::jobs::tick(&app.state, 4_070_995_200_000_000).await.unwrap();
        assert_eq!(t.withdrawn, [id], "{l}");
        assert_eq!(app.get(&url).await.status, StatusCode::NOT_FOUND, "{l}: withdrawn article");
        assert!(!app.get("/channel/tashan").await.body.contains("将要下线的通知"), "{l}: withdrawn from the list");
        assert!(!app.get("/").await.body.contains("将要下线的通知"), "{l}: withdrawn from the home page");
    }
}

/// A second node on the same database, trusting a version read for an hour.
fn second_node(app: &App) -> (axum::Router, AppState) {
    let config = WebConfig {
        content_check: std::time::Duration::from_secs(3600),
        media_dir: app.test_db.dir.path().join("media"),
        ..WebConfig::default()
    };
    let state = AppState::new(app.db().clone(), config);
    (dangjian_web::router(state.clone()), state)
}

async fn get_from(router: &axum::Router, uri: &str) -> String {
    use tower::ServiceExt;
    let req = axum::http::Request::get(uri).body(axum::body::Body::empty()).unwrap();
    let r = router.clone().oneshot(req).await.unwrap();
    String::from_utf8(axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap()
}

#[tokio::test]
async fn another_node_sees_a_change_when_it_next_reads_the_version() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let (other, other_state) = second_node(&app);
        let url = format!("/article/{}", f.news_ids[7]);
        assert!(get_from(&other, "/").await.contains("<title>测试市机关党建网</title>"), "{l}");
        assert_eq!(count(&get_from(&other, &url).await), 101, "{l}");
        // A change made on another node (here: straight into the database).
        settings::set(app.db(), "site_name", "改名后的党建网").await.unwrap();
        assert!(
            get_from(&other, "/").await.contains("<title>测试市机关党建网</title>"),
            "{l}: within its check interval a node serves what it has"
        );
        // Views on both nodes add up in the database.
        other_state.views.flush(app.db()).await.unwrap();
        assert_eq!(count(&app.get(&url).await.body), 102, "{l}");
        app.state.views.flush(app.db()).await.unwrap();
        assert_eq!(articles::views(app.db(), f.news_ids[7]).await.unwrap(), 102, "{l}");
        // The first node reads the version on its first request and shows the change.
        assert!(app.get("/").await.body.contains("<title>改名后的党建网</title>"), "{l}");
        // When its interval is over the second node reads the version again.
        other_state.content.expire();
        assert!(get_from(&other, "/").await.contains("<title>改名后的党建网</title>"), "{l}: the change shows");
    }
}

#[tokio::test]
async fn gzip_bodies_carry_the_live_count() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let url = format!("/article/{}", f.news_ids[3]);
        let plain = app.get(&url).await;
        assert_eq!(plain.header("content-encoding"), "", "{l}: no gzip unless asked");
        assert_eq!(plain.header("vary"), "Accept-Encoding", "{l}");
        for n in 1..=2 {
            let r = app.get_bytes(&url, &[("accept-encoding", "gzip, deflate, br")]).await;
            assert_eq!(r.0.get("content-encoding").unwrap(), "gzip", "{l}");
            let mut html = String::new();
            flate2::read::GzDecoder::new(&r.1[..]).read_to_string(&mut html).unwrap();
            assert_eq!(count(&html), count(&plain.body) + n, "{l}: each view counted");
            assert_eq!(without_count(&html), without_count(&plain.body), "{l}");
        }
        let home = app.get_bytes("/", &[("accept-encoding", "gzip")]).await;
        let mut html = String::new();
        flate2::read::GzDecoder::new(&home.1[..]).read_to_string(&mut html).unwrap();
        assert_eq!(html, app.get("/").await.body, "{l}");
    }
}

#[tokio::test]
async fn preferences_are_separate_representations() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let url = format!("/article/{}", f.news_ids[4]);
        let m = app.get(&url).await;
        let large = app.get(&format!("{url}?font=l")).await;
        let elder = app.get_with(&url, &[("cookie", "elder=1; fs=s")]).await;
        assert!(m.body.contains("fs-m") && large.body.contains("fs-l") && elder.body.contains("fs-s"), "{l}");
        assert!(elder.body.contains("class=\"elder\"") && !m.body.contains("class=\"elder\""), "{l}");
        assert!(app.get(&url).await.body.contains("fs-m"), "{l}: the default page is still the default");
        assert_eq!(count(&elder.body), count(&m.body) + 2, "{l}: one count over all representations");
    }
}

#[tokio::test]
async fn channel_pages_list_what_offset_pages_listed() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        // 45 news articles: pages of 20, 20 and 5.
        for n in 1..=3u32 {
            let r = app.get(&format!("/channel/dongtai?page={n}")).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: page {n}");
            let want = articles::page_in_channel(app.db(), f.news, i64::from(n - 1) * 20, 20).await.unwrap();
            let shown: Vec<i64> = r
                .body
                .split("<li>")
                .skip(1)
                .filter_map(|li| li.split("href=\"/article/").nth(1))
                .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
                .collect();
            let want: Vec<i64> = want.iter().map(|a| a.id).collect();
            assert_eq!(shown, want, "{l}: page {n}");
        }
        assert_eq!(app.get("/channel/dongtai?page=4").await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(app.get("/channel/nosuch").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}
