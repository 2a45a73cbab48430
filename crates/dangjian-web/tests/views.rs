//! The view counter is exact: N concurrent views raise the stored count by exactly N,
//! and the pages they got showed each count from before + 1 to before + N once.

mod support;

use dangjian_store::articles;
use support::{apps, fixture};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_views_are_counted_exactly() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        let id = f.news_ids[5];
        let before = articles::views(app.db(), id).await.unwrap();
        const N: usize = 200;
        let mut tasks = Vec::new();
        for i in 0..N {
            let app_router = app.router.clone();
            let state = app.state.clone();
            let db = app.db().clone();
            tasks.push(tokio::spawn(async move {
                use tower::ServiceExt;
                let req = axum::http::Request::get(format!("/article/{id}")).body(axum::body::Body::empty()).unwrap();
                let r = app_router.oneshot(req).await.unwrap();
                assert_eq!(r.status(), 200);
                let body = axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap();
                let body = String::from_utf8_lossy(&body);
                let s = body.find("id=\"view-count\">").unwrap() + "id=\"view-count\">".len();
                let shown: i64 = body[s..s + body[s..].find('<').unwrap()].parse().unwrap();
                // Flush while views are still arriving: no delta may be lost or doubled.
                if i % 37 == 0 {
                    state.views.flush(&db).await.unwrap();
                }
                shown
            }));
        }
        let mut shown = Vec::new();
        for t in tasks {
            shown.push(t.await.unwrap());
        }
        shown.sort_unstable();
        let want: Vec<i64> = (before + 1..=before + N as i64).collect();
        assert_eq!(shown, want, "{l}: every view saw its own count");
        app.state.views.flush(app.db()).await.unwrap();
        assert_eq!(app.state.views.unflushed(id), 0, "{l}");
        let after = articles::views(app.db(), id).await.unwrap();
        assert_eq!(after - before, N as i64, "{l}");
    }
}

#[tokio::test]
async fn page_shows_stored_plus_pending_and_grows_each_view() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        let url = format!("/article/{}", f.news_ids[1]);
        let count = |body: &str| -> i64 {
            let s = body.find("id=\"view-count\">").unwrap() + "id=\"view-count\">".len();
            body[s..s + body[s..].find('<').unwrap()].parse().unwrap()
        };
        let a = count(&app.get(&url).await.body);
        let b = count(&app.get(&url).await.body);
        app.state.views.flush(app.db()).await.unwrap();
        let c = count(&app.get(&url).await.body);
        assert_eq!((a, b, c), (101, 102, 103), "{l}");
    }
}

#[tokio::test]
async fn a_failed_flush_keeps_the_deltas() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let id = f.news_ids[2];
        app.state.views.hit(id);
        app.state.views.hit(id);
        let closed = app.db().clone();
        closed.close().await;
        assert!(app.state.views.flush(&closed).await.is_err(), "{}", app.label());
        assert_eq!(app.state.views.unflushed(id), 2, "{}: nothing lost", app.label());
    }
}
