//! `generate` against real databases: SQLite always, PostgreSQL when
//! `DANGJIAN_TEST_POSTGRES_URL` is set.

use std::sync::Mutex;

use dangjian_demo::{DemoError, DemoOptions, DemoSummary, generate};
use dangjian_store::channels::{self, NewChannel};
use dangjian_store::testing::TestDb;
use dangjian_store::{Db, articles, links, settings};

/// 2025-06-15 02:00:00 UTC (10:00 in Shanghai).
const NOW: i64 = 1_749_952_800_000_000;
const TWO_YEARS: i64 = 730 * 86_400_000_000;
const OPTS: DemoOptions = DemoOptions { articles: 300, seed: 7, now_micros: NOW };

const SETTING_KEYS: &[&str] = &[
    "site_name",
    "welcome",
    "site_domain",
    "site_id_code",
    "owner",
    "host_unit",
    "phone",
    "fax",
    "icp",
    "tech_support",
    "police_record",
    "copyright_year",
    "description",
    "keywords",
];

async fn run(db: &Db, opts: &DemoOptions) -> Result<(DemoSummary, Vec<(u64, u64)>), DemoError> {
    let calls = Mutex::new(Vec::new());
    let summary = generate(db, opts, &|done, total| calls.lock().unwrap().push((done, total))).await?;
    Ok((summary, calls.into_inner().unwrap()))
}

/// Every published title with its channel slug, in list order (channel, newest first).
async fn titles(db: &Db) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in channels::list(db).await.unwrap() {
        for item in articles::page_in_channel(db, c.id, 0, 100_000).await.unwrap() {
            out.push((c.slug.clone(), item.title));
        }
    }
    out
}

#[tokio::test]
async fn fills_an_empty_database() {
    for t in TestDb::all().await {
        let db = &t.db;
        let (summary, calls) = run(db, &OPTS).await.unwrap();
        let label = t.label;

        assert_eq!(summary.articles, 300, "{label}");
        assert_eq!(summary.published + summary.drafts, 300, "{label}");
        assert_eq!(articles::count_all(db).await.unwrap(), 300, "{label}");
        assert_eq!(calls.last(), Some(&(300, 300)), "{label}: progress reaches the total");
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{label}: progress only grows");

        // Settings.
        let s = settings::all(db).await.unwrap();
        for key in SETTING_KEYS {
            assert!(s.get(*key).is_some_and(|v| !v.is_empty()), "{label}: setting {key}");
        }
        assert_eq!(s["copyright_year"], "2013");
        assert!(s["welcome"].contains(&s["site_name"]), "{label}: welcome names the site");
        let code = &s["site_id_code"];
        assert!(code.len() == 10 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        assert!(!s["site_name"].contains("洛阳"));

        // Channels: the nine of the seed page's bar, in order, video and download kinds.
        let chans = channels::list(db).await.unwrap();
        let slugs: Vec<&str> = chans.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["gonggao", "shizheng", "dongtai", "dangwu", "gongwei", "wenming", "shipin", "tashan", "ziliao"],
            "{label}"
        );
        let names: Vec<&str> = chans.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "公告通知",
                "时政要闻",
                "党建动态",
                "党务公开",
                "工委工作",
                "文明创建",
                "视频点播",
                "他山之石",
                "资料中心"
            ]
        );
        for c in &chans {
            let want = match c.slug.as_str() {
                "shipin" => "video",
                "ziliao" => "download",
                _ => "list",
            };
            assert_eq!(c.kind, want, "{label}: kind of {}", c.slug);
            assert!(!c.description.is_empty() && !c.keywords.is_empty(), "{label}: meta of {}", c.slug);
            let n = articles::count_in_channel(db, c.id).await.unwrap();
            assert!(n >= 10, "{label}: {} has only {n} published articles", c.slug);
        }
        let orders: Vec<i32> = chans.iter().map(|c| c.sort_order).collect();
        assert_eq!(orders, [10, 20, 30, 40, 50, 60, 70, 80, 90]);

        // Friendly links in three groups.
        let l = links::list(db).await.unwrap();
        assert!(l.len() >= 20, "{label}: {} links", l.len());
        let mut groups: Vec<&str> = l.iter().map(|x| x.group_name.as_str()).collect();
        groups.dedup();
        assert_eq!(groups, ["01", "02", "03"]);
        assert!(l.iter().all(|x| x.url.starts_with("http://") || x.url.starts_with("https://")));
        assert!(l.iter().any(|x| x.url == "http://cpc.people.com.cn/"));

        // Articles: titles, dates, bylines.
        let mut seen = 0;
        let mut headlines = 0;
        for c in &chans {
            for item in articles::page_in_channel(db, c.id, 0, 1000).await.unwrap() {
                assert!(!item.title.trim().is_empty(), "{label}: empty title");
                assert!(item.published_at <= NOW && item.published_at > NOW - TWO_YEARS, "{label}: {item:?}");
                let a = articles::get_published(db, item.id).await.unwrap();
                assert!(a.created_at < a.published_at, "{label}: written before published");
                assert!(a.body_html.starts_with("<p>") && a.body_html.ends_with("</p>"));
                assert!(!a.summary.is_empty() && a.body_html.contains(a.summary.trim_end_matches('…')));
                assert!(!a.publisher.is_empty() && !a.source_unit.is_empty() && !a.editors.is_empty());
                assert!((2..=3).contains(&a.keywords.split(',').count()), "{}", a.keywords);
                assert!(a.views > 0, "{label}: published articles have been read");
                headlines += usize::from(a.is_headline);
                seen += 1;
            }
        }
        assert_eq!(seen, summary.published, "{label}");
        assert_eq!(headlines, summary.headlines, "{label}");
        assert!(headlines >= 5, "{label}: about one in fifteen is a headline, got {headlines}");
        assert!(!articles::headlines(db, 5).await.unwrap().is_empty());
        assert!((1..=10).contains(&summary.top), "{label}: a handful pinned, got {}", summary.top);
    }
}

#[tokio::test]
async fn same_seed_same_site() {
    let mut runs = Vec::new();
    // Two SQLite databases, plus PostgreSQL when configured: all must agree.
    let mut dbs = TestDb::all().await;
    dbs.push(TestDb::sqlite().await);
    for t in &dbs {
        let (summary, _) = run(&t.db, &OPTS).await.unwrap();
        runs.push((t.label, summary, titles(&t.db).await));
    }
    let (_, first_summary, first_titles) = &runs[0];
    assert_eq!(first_titles.len(), first_summary.published);
    for (label, summary, titles) in &runs[1..] {
        assert_eq!(summary, first_summary, "{label}");
        assert_eq!(titles, first_titles, "{label}");
    }

    // Another seed gives another site.
    let other = TestDb::sqlite().await;
    run(&other.db, &DemoOptions { seed: 8, ..OPTS }).await.unwrap();
    assert_ne!(&titles(&other.db).await, first_titles);
}

#[tokio::test]
async fn refuses_a_database_that_is_not_empty() {
    for t in TestDb::all().await {
        let db = &t.db;
        run(db, &OPTS).await.unwrap();
        let before = (articles::count_all(db).await.unwrap(), links::list(db).await.unwrap().len());
        let settings_before = settings::all(db).await.unwrap();

        let err = run(db, &DemoOptions { seed: 99, ..OPTS }).await.unwrap_err();
        assert!(matches!(err, DemoError::NotEmpty { articles: 300, channels: 9 }), "{}: {err}", t.label);
        assert!(err.to_string().contains("empty"), "{err}");

        let after = (articles::count_all(db).await.unwrap(), links::list(db).await.unwrap().len());
        assert_eq!(before, after, "{}: nothing more written", t.label);
        assert_eq!(settings::all(db).await.unwrap(), settings_before);
        assert_eq!(channels::list(db).await.unwrap().len(), 9);
    }
}

#[tokio::test]
async fn refuses_when_only_a_channel_exists() {
    for t in TestDb::all().await {
        let db = &t.db;
        let c =
            NewChannel {
                slug: "own", name: "自建栏目", kind: "list", description: "", keywords: "", sort_order: 1
            };
        channels::insert(db, &c, NOW).await.unwrap();
        let err = run(db, &OPTS).await.unwrap_err();
        assert!(matches!(err, DemoError::NotEmpty { articles: 0, channels: 1 }), "{}: {err}", t.label);
        assert!(settings::all(db).await.unwrap().is_empty(), "{}: no settings written", t.label);
        assert!(links::list(db).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn batches_report_progress() {
    let t = TestDb::sqlite().await;
    let (summary, calls) = run(&t.db, &DemoOptions { articles: 4500, ..OPTS }).await.unwrap();
    assert_eq!(summary.articles, 4500);
    assert_eq!(calls, [(2000, 4500), (4000, 4500), (4500, 4500)]);
    assert!(summary.drafts > 0 && summary.drafts < 150, "about 1 % drafts: {}", summary.drafts);
    let counts: Vec<i64> = {
        let mut v = Vec::new();
        for c in channels::list(&t.db).await.unwrap() {
            v.push(articles::count_in_channel(&t.db, c.id).await.unwrap());
        }
        v
    };
    assert!(counts.iter().all(|&n| n >= 200), "every channel gets a twentieth: {counts:?}");
    assert!(counts.iter().max().unwrap() > &(2 * counts.iter().min().unwrap()), "uneven: {counts:?}");
}

#[tokio::test]
async fn zero_articles_still_builds_the_site() {
    let t = TestDb::sqlite().await;
    let (summary, calls) = run(&t.db, &DemoOptions { articles: 0, ..OPTS }).await.unwrap();
    assert_eq!(summary.articles, 0);
    assert_eq!(summary.channels, 9);
    assert!(calls.is_empty());
    assert_eq!(channels::list(&t.db).await.unwrap().len(), 9);
}
