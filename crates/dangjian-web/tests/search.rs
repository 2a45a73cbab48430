//! Site search through the router, on SQLite and (when `DANGJIAN_TEST_POSTGRES_URL` is
//! set) PostgreSQL: Chinese words, highlighting, filters, paging, hostile queries, and
//! withdrawn articles gone at once.

mod support;

use std::sync::Arc;

use axum::http::StatusCode;
use dangjian_search::{SearchIndex, WriterOptions};
use dangjian_store::articles::{self, NewArticle};
use dangjian_web::search_feed;
use support::{App, HOUR, T0, apps_with_search, fixture};

fn index(app: &App) -> &Arc<SearchIndex> {
    app.state.search.as_ref().unwrap()
}

async fn feed(app: &App) {
    search_feed::apply_pending(app.db(), index(app)).await.unwrap();
}

fn enc(s: &str) -> String {
    support::client::urlenc(s)
}

#[tokio::test]
async fn chinese_words_are_found_and_marked() {
    for app in apps_with_search().await {
        let l = app.label();
        fixture(app.db()).await;
        feed(&app).await;
        let r = app.get(&format!("/search?q={}", enc("党费"))).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("找到相关结果 <strong>1</strong> 条"), "{l}: {}", r.body);
        assert!(r.body.contains("关于做好<mark>党费</mark>收缴工作的通知"), "{l}");
        assert!(r.body.contains("<span>公告通知</span>"), "{l}: channel name shown");
        assert!(r.body.contains("<title>搜索：党费 - 测试市机关党建网</title>"), "{l}");
        // The query is echoed escaped in the form.
        let r = app.get(&format!("/search?q={}", enc("<b>党费</b>"))).await;
        assert!(r.body.contains("value=\"&#60;b&#62;党费&#60;/b&#62;\""), "{l}");
        // Drafts are not searchable.
        let r = app.get(&format!("/search?q={}", enc("草稿"))).await;
        assert!(r.body.contains("没有找到与“<strong>草稿</strong>”相关的内容"), "{l}");
        // 供稿单位 is searched.
        let r = app.get(&format!("/search?q={}", enc("财政局"))).await;
        assert!(r.body.contains("找到相关结果 <strong>48</strong> 条"), "{l}");
    }
}

#[tokio::test]
async fn channel_filter_sort_and_pages() {
    for app in apps_with_search().await {
        let l = app.label();
        fixture(app.db()).await;
        feed(&app).await;
        let q = enc("党建动态");
        let r = app.get(&format!("/search?q={q}&sort=time")).await;
        assert!(r.body.contains("找到相关结果 <strong>45</strong> 条，第 1/5 页"), "{l}: {}", r.body);
        let first = r.body.find("<mark>党建动态</mark>第44篇").expect("newest first");
        assert!(first < r.body.find("第43篇").unwrap(), "{l}");
        assert!(r.body.contains(&format!("href=\"/search?q={q}&#38;sort=time&#38;page=2\" rel=\"next\"")), "{l}");
        let r = app.get(&format!("/search?q={q}&sort=time&page=5")).await;
        assert_eq!(r.body.matches("<li>\n      <h2>").count(), 5, "{l}");
        assert!(r.body.contains("第00篇"), "{l}");
        // A page past the end is a friendly empty page, not an error.
        let r = app.get(&format!("/search?q={q}&page=99")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        // Channel filter: no news in 公告通知, with a way back to every channel.
        let r = app.get(&format!("/search?q={q}&channel=gonggao")).await;
        assert!(r.body.contains("相关的本栏目内容"), "{l}");
        assert!(r.body.contains(&format!("href=\"/search?q={q}\">在全部栏目中查找")), "{l}");
        assert!(r.body.contains("<option value=\"gonggao\" selected>"), "{l}");
        let r = app.get(&format!("/search?q={q}&channel=dongtai&page=2")).await;
        assert!(r.body.contains("找到相关结果 <strong>45</strong> 条，第 2/5 页"), "{l}");
        // An unknown channel is ignored.
        let r = app.get(&format!("/search?q={q}&channel=nope")).await;
        assert!(r.body.contains("<strong>45</strong>"), "{l}");
    }
}

#[tokio::test]
async fn empty_hostile_and_huge_queries_get_a_friendly_page() {
    for app in apps_with_search().await {
        let l = app.label();
        fixture(app.db()).await;
        feed(&app).await;
        for uri in [
            "/search".to_owned(),
            "/search?q=".to_owned(),
            "/search?q=%20%20".to_owned(),
            format!("/search?q={}", enc("\"()*:\\")),
        ] {
            let r = app.get(&uri).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {uri}");
            assert!(r.body.contains("请输入要查找的关键词"), "{l}: {uri}");
        }
        for q in ["\"党费", "党费\"", "title:党费", "党费 AND (通知", "*党费*", "党费\\", "'; DROP TABLE articles; --"]
        {
            let r = app.get(&format!("/search?q={}&page=abc&sort=x", enc(q))).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {q}");
        }
        // 10,000 characters (a whole URL of Chinese that long would pass HTTP's limit).
        let huge = format!("党费 {}", "(:*\\\"".repeat(2_000));
        assert_eq!(huge.chars().count(), 10_003);
        let huge = enc(&huge);
        let r = app.get(&format!("/search?q={huge}")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("<mark>党费</mark>"), "{l}");
        // The header of every page searches.
        let home = app.get("/").await;
        assert!(
            home.body.contains("<form class=\"site-search\" role=\"search\" action=\"/search\" method=\"get\">"),
            "{l}"
        );
    }
}

#[tokio::test]
async fn withdrawn_articles_are_gone_at_once() {
    for app in apps_with_search().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        feed(&app).await;
        let id = articles::insert(
            app.db(),
            &NewArticle {
                channel_id: f.news,
                title: "市直机关开展廉政教育月活动".into(),
                body_html: "<p>廉政教育覆盖全体党员。</p>".into(),
                status: "published".into(),
                published_at: T0 + 300 * HOUR,
                created_at: T0 + 300 * HOUR,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let uri = format!("/search?q={}", enc("廉政"));
        feed(&app).await;
        let r = app.get(&uri).await;
        assert!(r.body.contains(&format!("href=\"/article/{id}\"")), "{l}: published and fed");
        // Withdrawn: the index has not heard yet, but the page must not show it.
        articles::set_status(app.db(), id, "withdrawn", T0 + 301 * HOUR).await.unwrap();
        assert_eq!(
            index(&app)
                .search(&dangjian_search::SearchQuery {
                    text: "廉政",
                    channel: None,
                    sort: Default::default(),
                    page: 1,
                    per_page: 10
                })
                .unwrap()
                .total,
            1,
            "{l}: the index is stale"
        );
        let r = app.get(&uri).await;
        assert!(!r.body.contains(&format!("/article/{id}")), "{l}: withdrawn article shown");
        // Once fed, the index forgets it too.
        feed(&app).await;
        let r = app.get(&uri).await;
        assert!(r.body.contains("没有找到"), "{l}");
        // Published again: back.
        articles::set_status(app.db(), id, "published", T0 + 302 * HOUR).await.unwrap();
        feed(&app).await;
        assert!(app.get(&uri).await.body.contains(&format!("/article/{id}")), "{l}");
    }
}

#[tokio::test]
async fn every_node_keeps_its_own_index_from_the_same_outbox() {
    for app in apps_with_search().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        feed(&app).await;
        // A second node: its own directory, rebuilt from the database at start.
        let other_dir = app.test_db.dir.path().join("index-node2");
        let other = Arc::new(SearchIndex::open_or_create(&other_dir, WriterOptions::default()).unwrap().index);
        let n = search_feed::rebuild(app.db(), &other, &|_, _| {}).await.unwrap();
        assert_eq!(n, 48, "{l}");
        assert_eq!(other.applied_outbox_id(), index(&app).applied_outbox_id(), "{l}");
        // A change reaches both through the outbox.
        articles::set_status(app.db(), f.news_ids[0], "withdrawn", T0).await.unwrap();
        for ix in [index(&app), &other] {
            search_feed::apply_pending(app.db(), ix).await.unwrap();
            assert_eq!(ix.num_docs(), 47, "{l}");
        }
        assert_eq!(other.applied_outbox_id(), index(&app).applied_outbox_id(), "{l}");
    }
}

/// A node that was down while the outbox was pruned past its position rebuilds from the
/// database instead of silently missing changes; a node that kept up just goes on.
#[tokio::test]
async fn a_node_behind_the_pruned_outbox_rebuilds() {
    for app in apps_with_search().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        feed(&app).await;
        assert_eq!(index(&app).num_docs(), 48, "{l}");
        // The second node stops here, before the changes below.
        let other_dir = app.test_db.dir.path().join("index-stale");
        let other = Arc::new(SearchIndex::open_or_create(&other_dir, WriterOptions::default()).unwrap().index);
        search_feed::rebuild(app.db(), &other, &|_, _| {}).await.unwrap();
        // Three withdrawals, then every row so far is pruned but the newest (far future cut).
        for id in &f.news_ids[..3] {
            articles::set_status(app.db(), *id, "withdrawn", T0).await.unwrap();
        }
        // The first node keeps up with them.
        feed(&app).await;
        let kept_up = index(&app).applied_outbox_id();
        let pruned = dangjian_store::outbox::prune(app.db(), i64::MAX).await.unwrap();
        assert!(pruned > 0, "{l}");
        // The stale node cannot replay the deleted rows: it rebuilds and is right anyway.
        search_feed::apply_pending(app.db(), &other).await.unwrap();
        assert_eq!(other.num_docs(), 45, "{l}: the stale node rebuilt");
        // The node that kept up has nothing to replay and agrees.
        assert_eq!(search_feed::apply_pending(app.db(), index(&app)).await.unwrap(), 0, "{l}");
        assert_eq!(index(&app).applied_outbox_id(), kept_up, "{l}");
        assert_eq!(index(&app).num_docs(), 45, "{l}");
        assert_eq!(other.applied_outbox_id(), index(&app).applied_outbox_id(), "{l}");
        assert_eq!(app.get(&format!("/search?q={}", enc("新闻"))).await.status, StatusCode::OK, "{l}");
    }
}
