//! Portal pages, on SQLite and (when `DANGJIAN_TEST_POSTGRES_URL` is set) PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_domain::text::display_width;
use support::{T0, apps, fixture};

#[tokio::test]
async fn home_page_shows_every_element_of_the_seed_page() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let r = app.get("/").await;
        let l = app.label();
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.header("content-type").starts_with("text/html"), "{l}");
        let b = &r.body;
        // Header
        assert!(b.contains("<title>测试市机关党建网</title>"), "{l}");
        assert!(b.contains("您好，欢迎访问测试市机关党建网！"), "{l}");
        assert!(b.contains("设为首页") && b.contains("加入收藏"), "{l}");
        assert!(b.contains("按 Ctrl+D"), "{l}: the bookmark hint must work without JS");
        // Channel bar in configured order, home highlighted.
        let nav = r.between("<nav class=\"channels\"", "</nav>");
        let order: Vec<usize> =
            ["首页", "公告通知", "党建动态", "他山之石"].iter().map(|n| nav.find(n).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{l}: nav order {nav}");
        assert!(nav.contains("<a href=\"/\" class=\"current\""), "{l}");
        // Blocks with 更多>> links and the empty channel saying so.
        for slug in ["gonggao", "dongtai", "tashan"] {
            assert!(b.contains(&format!("data-channel=\"{slug}\"")), "{l}: block {slug}");
            assert!(b.contains(&format!("<a class=\"more\" href=\"/channel/{slug}\">更多&gt;&gt;</a>")), "{l}");
        }
        assert!(b.contains("本栏目暂无内容"), "{l}");
        // Newest news first, dates shown.
        let block = r.between("data-channel=\"dongtai\"", "</section>");
        assert!(block.find("党建动态第44篇").unwrap() < block.find("党建动态第43篇").unwrap(), "{l}");
        assert!(!block.contains("党建动态第36篇"), "{l}: 8 titles per block");
        assert!(block.contains("<time>2024-03-02</time>"), "{l}");
        // The long title is cut by display width with the full title in `title`.
        let notice = r.between("data-channel=\"gonggao\"", "</section>");
        assert!(notice.contains(&format!("title=\"{}\"", f.long_title)), "{l}");
        let shown = notice.split(&format!("title=\"{}\">", f.long_title)).nth(1).unwrap();
        let shown = &shown[..shown.find("</a>").unwrap()];
        assert!(shown.ends_with('…') && display_width(shown) <= 40, "{l}: {shown}");
        // Headline area.
        assert!(r.between("class=\"headline\"", "</section>").contains("关于做好党费收缴工作的通知"), "{l}");
        // Friendly links in rows, footer.
        let links = r.between("class=\"friend-links", "</section>");
        assert_eq!(links.matches("<ul>").count(), 2, "{l}: two link rows");
        assert!(links.contains("中国共产党新闻网") && links.contains("新华网"), "{l}");
        let footer = r.between("<footer", "</footer>");
        for text in [
            "版权所有：中共测试市委市直机关工作委员会",
            "主办单位：中共测试市委市直机关工作委员会（主办）",
            "电话：0379-11112222",
            "传真：0379-33334444",
            "豫ICP备00000000号-1",
            "技术支持：测试科技有限公司",
            "网站标识码：4100000001",
            "豫公网安备41030002000001号",
            "href=\"https://beian.miit.gov.cn/\"",
            "code=41030002000001",
        ] {
            assert!(footer.contains(text), "{l}: footer lacks {text}");
        }
        // Meta tags: home 3 (plus the recommended Keywords and Description).
        assert_eq!(r.meta("SiteName").as_deref(), Some("测试市机关党建网"), "{l}");
        assert_eq!(r.meta("SiteDomain").as_deref(), Some("www.test-dj.gov.cn"), "{l}");
        assert_eq!(r.meta("SiteIDCode").as_deref(), Some("4100000001"), "{l}");
        assert!(r.meta("ColumnName").is_none(), "{l}");
    }
}

#[tokio::test]
async fn channel_pages_paginate_twenty_a_page() {
    for app in apps().await {
        let _f = fixture(app.db()).await;
        let l = app.label();
        let r = app.get("/channel/dongtai").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let list = r.between("<ul class=\"list\">", "</ul>");
        assert_eq!(list.matches("<li>").count(), 20, "{l}");
        assert!(list.contains("党建动态第44篇") && list.contains("党建动态第25篇") && !list.contains("第24篇"), "{l}");
        assert!(r.body.contains("共 45 条，第 1/3 页"), "{l}");
        assert!(r.body.contains("href=\"/channel/dongtai?page=2\""), "{l}");
        let nav = r.between("<nav class=\"channels\"", "</nav>");
        assert!(nav.contains("<a href=\"/channel/dongtai\" class=\"current\""), "{l}: current channel highlighted");
        // Meta tags: list pages 7.
        assert_eq!(r.meta_count(), 7, "{l}");
        assert_eq!(r.meta("ColumnName").as_deref(), Some("党建动态"), "{l}");
        for m in ["ColumnDescription", "ColumnKeywords", "ColumnType", "SiteName", "SiteDomain", "SiteIDCode"] {
            assert!(r.meta(m).is_some(), "{l}: {m}");
        }

        let last = app.get("/channel/dongtai?page=3").await;
        assert_eq!(last.status, StatusCode::OK, "{l}");
        let list = last.between("<ul class=\"list\">", "</ul>");
        assert_eq!(list.matches("<li>").count(), 5, "{l}");
        assert!(list.contains("党建动态第00篇"), "{l}");
        assert!(!last.body.contains("尚未发布的草稿"), "{l}: drafts never listed");

        for bad in ["4", "0", "-1", "abc", "1.5", "", "99999999999999999999", "%E5%85%9A"] {
            let r = app.get(&format!("/channel/dongtai?page={bad}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: page={bad}");
            assert!(r.body.contains("页面不存在") && r.body.contains("测试市机关党建网"), "{l}: styled 404");
        }
        assert_eq!(app.get("/channel/nosuch").await.status, StatusCode::NOT_FOUND, "{l}");
        let empty = app.get("/channel/tashan").await;
        assert_eq!(empty.status, StatusCode::OK, "{l}");
        assert!(empty.body.contains("本栏目暂无内容") && empty.body.contains("共 0 条"), "{l}");
    }
}

#[tokio::test]
async fn article_page_has_the_seed_elements() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        let mid = f.news_ids[10];
        let r = app.get(&format!("/article/{mid}")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let b = &r.body;
        assert!(b.contains("<h1>党建动态第10篇</h1>"), "{l}");
        assert!(b.contains("<div class=\"article-channel\">党建动态</div>"), "{l}");
        assert!(r.between("class=\"breadcrumb\"", "</nav>").contains("href=\"/channel/dongtai\""), "{l}");
        let meta = r.between("class=\"article-meta\"", "</p>");
        assert!(meta.contains("发布者:办公室"), "{l}");
        // T0 + 10 h is 2024-03-01 20:00:00 in Shanghai.
        assert!(meta.contains("发布时间:2024-03-01 20:00:00"), "{l}: {meta}");
        assert!(meta.contains("阅读:<span id=\"view-count\">101</span>次"), "{l}: count includes this view: {meta}");
        assert!(meta.contains("data-font=\"l\"") && meta.contains("href=\"?font=s\""), "{l}");
        assert!(b.contains("<p>党建动态第10篇的正文第一段。</p>"), "{l}");
        assert!(b.contains("（供稿单位：市财政局机关党委）") && b.contains("（责编：张三、李四）"), "{l}");
        let pn = r.between("class=\"prev-next\"", "</ul>");
        assert!(pn.contains(&format!("上一篇：<a href=\"/article/{}\"", f.news_ids[9])), "{l}: {pn}");
        assert!(pn.contains("党建动态第09篇") && pn.contains("党建动态第11篇"), "{l}");
        // The 公告通知 block beside the article.
        let side = r.between("<aside", "</aside>");
        assert!(
            side.contains("公告通知") && side.contains("更多&gt;&gt;") && side.contains("关于做好党费收缴工作的通知"),
            "{l}"
        );
        // Meta tags: article pages 10 (+ recommended ones).
        for m in [
            "SiteName",
            "SiteDomain",
            "SiteIDCode",
            "ColumnName",
            "ColumnDescription",
            "ColumnKeywords",
            "ColumnType",
            "ArticleTitle",
            "PubDate",
            "ContentSource",
        ] {
            assert!(r.meta(m).is_some(), "{l}: {m}");
        }
        assert_eq!(r.meta("PubDate").as_deref(), Some("2024-03-01 20:00"), "{l}");
        assert_eq!(r.meta("ArticleTitle").as_deref(), Some("党建动态第10篇"), "{l}");
        assert_eq!(r.meta("ContentSource").as_deref(), Some("市财政局机关党委"), "{l}");

        // Ends of the channel say 没有了.
        let first = app.get(&format!("/article/{}", f.news_ids[0])).await;
        assert!(first.between("class=\"prev-next\"", "</ul>").contains("上一篇：<span>没有了</span>"), "{l}");
        let last = app.get(&format!("/article/{}", f.news_ids[44])).await;
        assert!(
            last.between("class=\"prev-next\"", "</ul>").contains("下一篇：<span>没有了</span>"),
            "{l}: the draft is not a neighbour"
        );
        let _ = T0;
    }
}

#[tokio::test]
async fn unknown_malformed_and_unpublished_articles_are_404() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        for id in [
            f.draft.to_string(),
            "0".into(),
            "-1".into(),
            "abc".into(),
            "1e3".into(),
            "99999999999999999999".into(),
            "123456789".into(),
            "%27%20OR%201%3D1".into(),
        ] {
            let r = app.get(&format!("/article/{id}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: /article/{id}");
            assert!(r.body.contains("页面不存在"), "{l}");
            assert!(r.body.contains("<nav class=\"channels\""), "{l}: 404 in the site's style");
        }
        let r = app.get("/no/such/page").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(r.header("cache-control"), "no-store", "{l}");
    }
}

#[tokio::test]
async fn font_size_and_elder_mode_are_remembered() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        let url = format!("/article/{}", f.news_ids[3]);
        let plain = app.get(&url).await;
        assert!(plain.body.contains("class=\"article-body fs-m\""), "{l}");
        assert!(plain.body.contains("<html lang=\"zh-CN\" class=\"\">"), "{l}");
        // Without JS the links carry ?font=.
        let big = app.get(&format!("{url}?font=l")).await;
        assert!(big.body.contains("class=\"article-body fs-l\""), "{l}");
        // With JS the choice is a cookie.
        let small = app.get_with(&url, &[("cookie", "fs=s; elder=1")]).await;
        assert!(small.body.contains("class=\"article-body fs-s\""), "{l}");
        assert!(small.body.contains("<html lang=\"zh-CN\" class=\"elder\">"), "{l}");
        assert!(small.body.contains("退出长者模式"), "{l}");
        // The no-JS toggle sets the cookie and comes back, and never leaves the site.
        let r = app.get("/elder?on=1&back=%2Farticle%2F5").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(r.header("location"), "/article/5", "{l}");
        assert!(r.header("set-cookie").starts_with("elder=1;"), "{l}");
        let r = app.get("/elder?on=1&back=https%3A%2F%2Fevil.example").await;
        assert_eq!(r.header("location"), "/", "{l}");
    }
}

#[tokio::test]
async fn security_headers_and_health_endpoints() {
    for app in apps().await {
        let _f = fixture(app.db()).await;
        let l = app.label();
        let r = app.get("/").await;
        let csp = r.header("content-security-policy");
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{l}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{l}");
        assert_eq!(r.header("x-content-type-options"), "nosniff", "{l}");
        assert!(!r.header("referrer-policy").is_empty(), "{l}");
        assert!(!r.header("x-request-id").is_empty(), "{l}");
        assert!(!r.body.contains("<script>"), "{l}: no inline script");
        assert!(!r.body.contains(" style=\""), "{l}: no inline style (CSP)");
        assert_eq!(app.get("/healthz").await.status, StatusCode::OK, "{l}");
        assert_eq!(app.get("/readyz").await.status, StatusCode::OK, "{l}");
        let css = app.get("/static/site.css").await;
        assert_eq!(css.status, StatusCode::OK, "{l}");
        assert!(css.header("content-type").starts_with("text/css"), "{l}");
        let etag = css.header("etag").to_owned();
        let again = app.get_with("/static/site.css", &[("if-none-match", &etag)]).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{l}");
        assert_eq!(app.get("/static/nope.css").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone() {
    for app in apps().await {
        app.db().close().await;
        assert_eq!(app.get("/readyz").await.status, StatusCode::SERVICE_UNAVAILABLE, "{}", app.label());
        // A page that needs the database answers a plain 500, never a panic or internals.
        let r = app.get("/").await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{}", app.label());
        assert!(!r.body.contains("pool") && !r.body.contains("sqlx"), "{}: {}", app.label(), r.body);
    }
}

#[tokio::test]
async fn single_page_and_link_channels() {
    for app in apps().await {
        let f = fixture(app.db()).await;
        let l = app.label();
        let edit = |slug: &str, kind: &str, url: &str| dangjian_store::channels::ChannelEdit {
            slug: slug.into(),
            name: "栏目".into(),
            kind: kind.into(),
            description: String::new(),
            keywords: String::new(),
            sort_order: 50,
            show_in_nav: true,
            parent_id: None,
            external_url: url.into(),
        };
        // The news channel as a single page shows its latest article.
        dangjian_store::channels::save(app.db(), Some(f.news), &edit("dongtai", "page", ""), T0).await.unwrap();
        let r = app.get("/channel/dongtai").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(r.header("location"), format!("/article/{}", f.news_ids[44]), "{l}");
        dangjian_store::channels::save(app.db(), Some(f.empty), &edit("tashan", "page", ""), T0).await.unwrap();
        app.changed_elsewhere();
        assert_eq!(app.get("/channel/tashan").await.status, StatusCode::NOT_FOUND, "{l}: an empty page channel");
        dangjian_store::channels::save(app.db(), None, &edit("out", "link", "https://www.12371.cn/"), T0)
            .await
            .unwrap();
        app.changed_elsewhere();
        assert_eq!(app.get("/channel/out").await.header("location"), "https://www.12371.cn/", "{l}");
    }
}
