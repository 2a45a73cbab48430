//! Shared test support: a router over a fresh database, a fixture with known content,
//! and a small request helper. Requests go to the router in process.

#![allow(dead_code)]

pub mod client;
pub mod tree;

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, StatusCode},
};
use dangjian_store::{
    Db, articles,
    articles::NewArticle,
    channels::{self, NewChannel},
    links, settings,
    testing::TestDb,
};
use dangjian_web::{AppState, WebConfig};
use tower::ServiceExt;

/// 2024-03-01 10:00:00 Asia/Shanghai (02:00 UTC), in Unix microseconds.
pub const T0: i64 = 1_709_258_400_000_000;
pub const HOUR: i64 = 3_600_000_000;

pub struct App {
    pub router: Router,
    pub state: AppState,
    pub test_db: TestDb,
}

impl App {
    pub fn db(&self) -> &Db {
        &self.test_db.db
    }

    pub fn label(&self) -> &'static str {
        self.test_db.label
    }

    /// For tests that change content straight in the database, as another node would:
    /// ends this node's trust in its last content-version read, as the passing of its
    /// check interval (250 ms) would.
    pub fn changed_elsewhere(&self) {
        self.state.content.expire();
    }

    pub async fn get(&self, uri: &str) -> Response {
        self.get_with(uri, &[]).await
    }

    /// Headers and raw body bytes (for encoded bodies).
    pub async fn get_bytes(&self, uri: &str, headers: &[(&str, &str)]) -> (HeaderMap, Vec<u8>) {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let headers = resp.headers().clone();
        (headers, axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await.unwrap().to_vec())
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Response {
        let mut req = Request::get(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = self.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024).await.unwrap();
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }
}

pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    /// Content of `<meta name="NAME" content="…">`.
    pub fn meta(&self, name: &str) -> Option<String> {
        let key = format!("<meta name=\"{name}\" content=\"");
        let start = self.body.find(&key)? + key.len();
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].to_owned())
    }

    /// Number of `<meta name=` tags.
    pub fn meta_count(&self) -> usize {
        self.body.matches("<meta name=\"").count() - 1 // minus viewport
    }

    /// Text between the first `start` marker and the next `end` after it.
    pub fn between(&self, start: &str, end: &str) -> String {
        let s = self.body.find(start).unwrap_or_else(|| panic!("{start} not in page")) + start.len();
        let e = self.body[s..].find(end).map(|e| e + s).unwrap_or(self.body.len());
        self.body[s..e].to_owned()
    }
}

/// Every backend available: SQLite always, PostgreSQL when configured.
pub async fn apps() -> Vec<App> {
    let mut out = Vec::new();
    for test_db in TestDb::all().await {
        let config = WebConfig {
            media_dir: test_db.dir.path().join("media"),
            documents_dir: test_db.dir.path().join("documents"),
            pii: Some(test_key()),
            ..WebConfig::default()
        };
        let state = AppState::new(test_db.db.clone(), config);
        out.push(App { router: dangjian_web::router(state.clone()), state, test_db });
    }
    out
}

/// Like [`apps`], each with a search index of its own in `<temp dir>/index`. The index
/// starts empty; feed it with [`dangjian_web::search_feed::apply_pending`].
pub async fn apps_with_search() -> Vec<App> {
    let mut out = Vec::new();
    for app in apps().await {
        let index_dir = app.test_db.dir.path().join("index");
        let opened = dangjian_search::SearchIndex::open_or_create(&index_dir, Default::default()).unwrap();
        // A fresh state: the search index is set before the state is shared.
        let config = (*app.state.config).clone();
        let state = AppState::new(app.test_db.db.clone(), config).with_search(std::sync::Arc::new(opened.index));
        out.push(App { router: dangjian_web::router(state.clone()), state, test_db: app.test_db });
    }
    out
}

/// Ids of the fixture's content.
pub struct Fixture {
    pub notice: i64,
    pub news: i64,
    pub empty: i64,
    /// Articles of `news`, oldest first.
    pub news_ids: Vec<i64>,
    pub draft: i64,
    pub long_title: String,
}

pub const LONG_TITLE: &str = "关于印发《市直机关党员领导干部参加所在党支部组织生活会实施办法（2024年修订版）》的通知";

/// Known content: settings, three channels (one empty), 45 news articles an hour
/// apart, 3 notices (one with a long title), a draft, and two link rows.
pub async fn fixture(db: &Db) -> Fixture {
    for (k, v) in [
        ("site_name", "测试市机关党建网"),
        ("welcome", "您好，欢迎访问测试市机关党建网！"),
        ("site_domain", "www.test-dj.gov.cn"),
        ("site_id_code", "4100000001"),
        ("owner", "中共测试市委市直机关工作委员会"),
        ("host_unit", "中共测试市委市直机关工作委员会（主办）"),
        ("phone", "0379-11112222"),
        ("fax", "0379-33334444"),
        ("icp", "豫ICP备00000000号-1"),
        ("police_record", "豫公网安备41030002000001号"),
        ("tech_support", "测试科技有限公司"),
        ("copyright_year", "2013"),
        ("description", "测试站点描述"),
        ("keywords", "机关党建,测试"),
    ] {
        settings::set(db, k, v).await.unwrap();
    }
    let ch = |slug: &'static str, name: &'static str, order| NewChannel {
        slug,
        name,
        kind: "list",
        description: "栏目描述",
        keywords: "栏目关键词",
        sort_order: order,
    };
    let notice = channels::insert(db, &ch("gonggao", "公告通知", 10), T0).await.unwrap();
    let news = channels::insert(db, &ch("dongtai", "党建动态", 20), T0).await.unwrap();
    let empty = channels::insert(db, &ch("tashan", "他山之石", 30), T0).await.unwrap();
    let art = |channel_id, title: String, at: i64| NewArticle {
        channel_id,
        summary: format!("{title}的摘要"),
        body_html: format!("<p>{title}的正文第一段。</p><p>第二段。</p>"),
        title,
        publisher: "办公室".into(),
        source_unit: "市财政局机关党委".into(),
        editors: "张三、李四".into(),
        keywords: "党建".into(),
        status: "published".into(),
        views: 100,
        published_at: at,
        created_at: at - HOUR,
        ..Default::default()
    };
    let rows: Vec<NewArticle> = (0..45).map(|i| art(news, format!("党建动态第{i:02}篇"), T0 + i * HOUR)).collect();
    let news_ids = articles::insert_many(db, &rows).await.unwrap();
    let mut notices = vec![
        art(notice, "关于开展主题党日活动的通知".into(), T0 + 100 * HOUR),
        art(notice, LONG_TITLE.into(), T0 + 101 * HOUR),
        art(notice, "关于做好党费收缴工作的通知".into(), T0 + 102 * HOUR),
    ];
    notices[2].is_headline = true;
    articles::insert_many(db, &notices).await.unwrap();
    let mut d = art(news, "尚未发布的草稿".into(), T0 + 200 * HOUR);
    d.status = "draft".into();
    let draft = articles::insert(db, &d).await.unwrap();
    for (g, n, u, o) in [
        ("01", "中国共产党新闻网", "http://cpc.people.com.cn/", 1),
        ("01", "共产党员网", "https://www.12371.cn/", 2),
        ("02", "新华网", "http://www.xinhuanet.com/", 1),
    ] {
        links::insert(db, g, n, u, o).await.unwrap();
    }
    Fixture { notice, news, empty, news_ids, draft, long_title: LONG_TITLE.into() }
}

/// The personal-data key of test apps.
pub fn test_key() -> dangjian_pii::PiiKey {
    dangjian_pii::PiiKey::from_hex(&"5a".repeat(32)).unwrap()
}
