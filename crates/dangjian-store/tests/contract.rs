//! The store contract: every test runs on a fresh SQLite file and, when
//! `DANGJIAN_TEST_POSTGRES_URL` is set, on a fresh PostgreSQL database too.

use dangjian_store::{
    ConnectOptions, Db, StoreError, articles,
    articles::NewArticle,
    channels::{self, NewChannel},
    links, settings,
    testing::{POSTGRES_ENV, TestDb},
};

const T: i64 = 1_700_000_000_000_000;

fn chan(slug: &str) -> NewChannel<'_> {
    NewChannel { slug, name: "栏目", kind: "list", description: "", keywords: "", sort_order: 0 }
}

fn art(channel_id: i64, title: &str, at: i64) -> NewArticle {
    NewArticle {
        channel_id,
        title: title.into(),
        body_html: "<p>正文</p>".into(),
        status: articles::PUBLISHED.into(),
        published_at: at,
        created_at: at,
        ..Default::default()
    }
}

#[tokio::test]
async fn postgres_suite_is_active_when_configured() {
    // Guards against the PostgreSQL half of the suite silently not running in CI.
    let want = if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) { 2 } else { 1 };
    let all = TestDb::all().await;
    assert_eq!(all.len(), want);
    if want == 2 {
        assert_eq!(all[1].db.backend(), dangjian_store::Backend::Postgres);
    }
}

#[tokio::test]
async fn both_schemas_have_the_same_tables_and_columns() {
    let sqlite = TestDb::sqlite().await;
    let s = sqlite.db.schema().await.unwrap();
    assert!(s.iter().any(|(t, c)| t == "articles" && c == "views"));
    match TestDb::postgres().await {
        Some(pg) => {
            let p = pg.db.schema().await.unwrap();
            assert_eq!(s, p, "SQLite and PostgreSQL schemas differ");
        }
        None => {
            // Without a server, compare the migration texts: the same CREATE TABLE
            // names and column names must appear in both.
            let cols = |sql: &str| -> Vec<String> {
                let mut out = Vec::new();
                let mut table = String::new();
                for line in sql.lines().map(str::trim) {
                    if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                        let mut w = rest.split_whitespace();
                        let t = w.next().unwrap_or("");
                        if let (Some("ADD"), Some("COLUMN"), Some(c)) = (w.next(), w.next(), w.next()) {
                            out.push(format!("{t}.{c}"));
                        }
                    } else if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                        table = rest.split_whitespace().next().unwrap_or("").to_owned();
                    } else if line.starts_with(')') {
                        table.clear();
                    } else if !table.is_empty() && !line.is_empty() && !line.starts_with("--") {
                        let col = line.split_whitespace().next().unwrap_or("");
                        if !matches!(col, "PRIMARY" | "UNIQUE" | "FOREIGN" | "CHECK" | "CONSTRAINT") {
                            out.push(format!("{table}.{col}"));
                        }
                    }
                }
                out.sort();
                out
            };
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
            for entry in std::fs::read_dir(format!("{dir}/sqlite")).unwrap() {
                let name = entry.unwrap().file_name();
                let a = std::fs::read_to_string(format!("{dir}/sqlite/{}", name.to_string_lossy())).unwrap();
                let b = std::fs::read_to_string(format!("{dir}/postgres/{}", name.to_string_lossy())).unwrap();
                assert_eq!(cols(&a), cols(&b), "{name:?}");
            }
        }
    }
}

#[tokio::test]
async fn settings_upsert() {
    for t in TestDb::all().await {
        settings::set(&t.db, "site_name", "一").await.unwrap();
        settings::set(&t.db, "site_name", "二").await.unwrap();
        settings::set(&t.db, "phone", "0379").await.unwrap();
        let all = settings::all(&t.db).await.unwrap();
        assert_eq!(all.get("site_name").map(String::as_str), Some("二"), "{}", t.label);
        assert_eq!(all.len(), 2, "{}", t.label);
    }
}

#[tokio::test]
async fn channels_are_ordered_and_slugs_unique() {
    for t in TestDb::all().await {
        let mut b = chan("b");
        b.sort_order = 2;
        let mut a = chan("a");
        a.sort_order = 1;
        channels::insert(&t.db, &b, T).await.unwrap();
        channels::insert(&t.db, &a, T).await.unwrap();
        let list = channels::list(&t.db).await.unwrap();
        assert_eq!(list.iter().map(|c| c.slug.as_str()).collect::<Vec<_>>(), ["a", "b"], "{}", t.label);
        assert!(matches!(channels::insert(&t.db, &chan("a"), T).await, Err(StoreError::Conflict(_))), "{}", t.label);
        assert!(matches!(channels::by_slug(&t.db, "zz").await, Err(StoreError::NotFound)), "{}", t.label);
        assert_eq!(channels::by_slug(&t.db, "b").await.unwrap().sort_order, 2);
    }
}

#[tokio::test]
async fn articles_list_count_and_neighbours() {
    for t in TestDb::all().await {
        let l = t.label;
        let c = channels::insert(&t.db, &chan("c"), T).await.unwrap();
        let other = channels::insert(&t.db, &chan("o"), T).await.unwrap();
        // Two articles share a publish time: the id breaks the tie everywhere.
        let rows = vec![art(c, "一", T), art(c, "二", T + 10), art(c, "三", T + 10), art(c, "四", T + 20)];
        let ids = articles::insert_many(&t.db, &rows).await.unwrap();
        assert_eq!(ids.len(), 4, "{l}");
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{l}: ids in insertion order");
        articles::insert(&t.db, &art(other, "别的栏目", T + 15)).await.unwrap();
        let mut draft = art(c, "草稿", T + 30);
        draft.status = "draft".into();
        let draft_id = articles::insert(&t.db, &draft).await.unwrap();

        assert_eq!(articles::count_in_channel(&t.db, c).await.unwrap(), 4, "{l}");
        let page: Vec<String> =
            articles::page_in_channel(&t.db, c, 0, 10).await.unwrap().into_iter().map(|a| a.title).collect();
        assert_eq!(page, ["四", "三", "二", "一"], "{l}");
        let page2: Vec<String> =
            articles::page_in_channel(&t.db, c, 2, 2).await.unwrap().into_iter().map(|a| a.title).collect();
        assert_eq!(page2, ["二", "一"], "{l}");

        let two = articles::get_published(&t.db, ids[1]).await.unwrap();
        let (older, newer) = articles::neighbours(&t.db, &two).await.unwrap();
        assert_eq!(older.map(|a| a.title).as_deref(), Some("一"), "{l}");
        assert_eq!(newer.map(|a| a.title).as_deref(), Some("三"), "{l}");
        let four = articles::get_published(&t.db, ids[3]).await.unwrap();
        let (_, newer) = articles::neighbours(&t.db, &four).await.unwrap();
        assert!(newer.is_none(), "{l}: the draft is no neighbour");

        assert!(matches!(articles::get_published(&t.db, draft_id).await, Err(StoreError::NotFound)), "{l}");
        assert!(matches!(articles::get_published(&t.db, 987_654).await, Err(StoreError::NotFound)), "{l}");
        articles::set_status(&t.db, ids[0], "withdrawn", T + 99).await.unwrap();
        assert!(matches!(articles::get_published(&t.db, ids[0]).await, Err(StoreError::NotFound)), "{l}");
        assert!(matches!(articles::set_status(&t.db, 987_654, "x", T).await, Err(StoreError::NotFound)), "{l}");
        assert_eq!(articles::count_all(&t.db).await.unwrap(), 6, "{l}");
    }
}

#[tokio::test]
async fn headlines_are_newest_first() {
    for t in TestDb::all().await {
        let c = channels::insert(&t.db, &chan("c"), T).await.unwrap();
        let mut rows: Vec<NewArticle> = (0..5).map(|i| art(c, &format!("{i}"), T + i)).collect();
        rows[1].is_headline = true;
        rows[3].is_headline = true;
        articles::insert_many(&t.db, &rows).await.unwrap();
        let h: Vec<String> = articles::headlines(&t.db, 10).await.unwrap().into_iter().map(|a| a.title).collect();
        assert_eq!(h, ["3", "1"], "{}", t.label);
    }
}

#[tokio::test]
async fn bulk_insert_crosses_batch_boundaries() {
    for t in TestDb::all().await {
        let c = channels::insert(&t.db, &chan("c"), T).await.unwrap();
        let rows: Vec<NewArticle> = (0..1234).map(|i| art(c, &format!("第{i}篇"), T + i)).collect();
        let ids = articles::insert_many(&t.db, &rows).await.unwrap();
        assert_eq!(ids.len(), 1234, "{}", t.label);
        assert_eq!(articles::count_in_channel(&t.db, c).await.unwrap(), 1234, "{}", t.label);
        let last = articles::get_published(&t.db, ids[1233]).await.unwrap();
        assert_eq!(last.title, "第1233篇", "{}", t.label);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_view_deltas_add_up() {
    for t in TestDb::all().await {
        let c = channels::insert(&t.db, &chan("c"), T).await.unwrap();
        let ids = articles::insert_many(&t.db, &[art(c, "甲", T), art(c, "乙", T)]).await.unwrap();
        let mut tasks = Vec::new();
        // Eight writers at once: BEGIN IMMEDIATE on SQLite means they queue instead of
        // failing with "database is locked" on a read-to-write upgrade.
        for _ in 0..8 {
            let db = t.db.clone();
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                for _ in 0..25 {
                    articles::add_views(&db, &[(ids[0], 1), (ids[1], 2)]).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(articles::views(&t.db, ids[0]).await.unwrap(), 200, "{}", t.label);
        assert_eq!(articles::views(&t.db, ids[1]).await.unwrap(), 400, "{}", t.label);
    }
}

#[tokio::test]
async fn links_keep_group_order() {
    for t in TestDb::all().await {
        links::insert(&t.db, "02", "乙", "https://b.example/", 1).await.unwrap();
        links::insert(&t.db, "01", "甲2", "https://a2.example/", 2).await.unwrap();
        links::insert(&t.db, "01", "甲1", "https://a1.example/", 1).await.unwrap();
        let names: Vec<String> = links::list(&t.db).await.unwrap().into_iter().map(|l| l.name).collect();
        assert_eq!(names, ["甲1", "甲2", "乙"], "{}", t.label);
    }
}

#[tokio::test]
async fn a_missing_sqlite_file_is_an_error_unless_created() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ConnectOptions { url: None, data_dir: dir.path().join("nested"), create: false, max_connections: 2 };
    let err = Db::open(&opts).await.unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
    assert!(!dir.path().join("nested").exists(), "nothing created on failure");
    opts.create = true;
    let db = Db::open(&opts).await.unwrap();
    db.ping().await.unwrap();
    // Migrating twice is a no-op.
    db.migrate().await.unwrap();
    db.close().await;
    // The file now exists and opens without `create`.
    opts.create = false;
    Db::open(&opts).await.unwrap().close().await;
}

#[tokio::test]
async fn unsupported_urls_are_refused_with_a_message() {
    let opts = ConnectOptions {
        url: Some("mysql://u:secret@h/db".into()),
        data_dir: ".".into(),
        create: false,
        max_connections: 1,
    };
    let err = Db::open(&opts).await.unwrap_err().to_string();
    assert!(err.contains("unsupported database URL") && !err.contains("secret"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_migrate_once() {
    // Several nodes starting together on one database: the migrator's lock (advisory
    // lock on PostgreSQL, the write lock on SQLite) makes them agree.
    for t in TestDb::all().await {
        let mut keep = None;
        let opts = match t.db.backend() {
            dangjian_store::Backend::Sqlite => {
                ConnectOptions { url: None, data_dir: t.dir.path().join("fresh"), create: true, max_connections: 2 }
            }
            dangjian_store::Backend::Postgres => {
                // A second fresh database, migrated by four "nodes" at once.
                let fresh = TestDb::postgres().await.unwrap();
                let url = fresh_url(&fresh).await;
                keep = Some(fresh); // dropped (and its database removed) after the race
                ConnectOptions { url: Some(url), data_dir: ".".into(), create: true, max_connections: 2 }
            }
        };
        if t.db.backend() == dangjian_store::Backend::Sqlite {
            // Create the file first so the four openers race on migrations only.
            Db::connect(&opts).await.unwrap().close().await;
        }
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let o = opts.clone();
            tasks.push(tokio::spawn(async move { Db::open(&o).await.map(|_| ()) }));
        }
        for task in tasks {
            task.await.unwrap().unwrap_or_else(|e| panic!("{}: {e}", t.label));
        }
        drop(keep);
    }
}

/// URL of a PostgreSQL test database whose tables are dropped, so it needs migrating.
async fn fresh_url(t: &TestDb) -> String {
    let name: String =
        dangjian_store::on_pool!(t.db, |p| sqlx::query_scalar("SELECT current_database()::text").fetch_one(p).await)
            .unwrap();
    dangjian_store::on_pool!(t.db, |p| sqlx::raw_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        .execute(p)
        .await
        .map(|_| ()))
    .unwrap();
    let base = std::env::var(POSTGRES_ENV).unwrap();
    let head = &base[..base.rfind('/').unwrap()];
    format!("{head}/{name}")
}

#[tokio::test]
async fn pinned_articles_lead_their_channel() {
    for t in TestDb::all().await {
        let c = channels::insert(&t.db, &chan("c"), T).await.unwrap();
        let mut old = art(c, "置顶的旧文", T);
        old.is_top = true;
        articles::insert_many(&t.db, &[old, art(c, "新文", T + 10), art(c, "更新的文", T + 20)]).await.unwrap();
        let titles: Vec<String> =
            articles::page_in_channel(&t.db, c, 0, 10).await.unwrap().into_iter().map(|a| a.title).collect();
        assert_eq!(titles, ["置顶的旧文", "更新的文", "新文"], "{}", t.label);
    }
}

#[tokio::test]
async fn keyset_pages_match_offset_pages() {
    for t in TestDb::all().await {
        let db = &t.db;
        let c = channels::insert(db, &chan("list"), T).await.unwrap();
        // 67 rows with ties on the publish time (ids break them) and three pinned rows.
        let mut rows: Vec<NewArticle> = (0..67).map(|i| art(c, &format!("第{i}篇"), T + (i / 3) * 1_000_000)).collect();
        for i in [5, 40, 66] {
            rows[i].is_top = true;
        }
        rows.push(NewArticle { status: "draft".into(), ..art(c, "草稿", T + 999_000_000) });
        articles::insert_many(db, &rows).await.unwrap();
        for every in [20, 7, 67, 100] {
            let (total, marks) = articles::list_marks(db, c, every).await.unwrap();
            assert_eq!(total, 67, "{}", t.label);
            assert_eq!(marks.len() as i64, 67 / every, "{}: one mark per full page", t.label);
            let pages = (total + every - 1) / every;
            for n in 0..pages {
                let after = if n == 0 { None } else { Some(marks[n as usize - 1]) };
                let keyset = articles::page_after(db, c, after, every).await.unwrap();
                let offset = articles::page_in_channel(db, c, n * every, every).await.unwrap();
                assert_eq!(keyset, offset, "{}: page {} of {every}", t.label, n + 1);
            }
        }
        let empty = channels::insert(db, &chan("empty"), T).await.unwrap();
        assert_eq!(articles::list_marks(db, empty, 20).await.unwrap(), (0, vec![]), "{}", t.label);
    }
}

#[tokio::test]
async fn content_changes_raise_the_version_and_view_counts_do_not() {
    use dangjian_store::content::version;
    for t in TestDb::all().await {
        let db = &t.db;
        let l = t.label;
        let mut v = version(db).await.unwrap();
        let mut bumped = |now: i64, what: &str| {
            assert!(now > v, "{l}: {what} raises the version ({v} → {now})");
            v = now;
        };
        let c = channels::insert(db, &chan("news"), T).await.unwrap();
        bumped(version(db).await.unwrap(), "a new channel");
        let id = articles::insert(db, &art(c, "标题", T)).await.unwrap();
        bumped(version(db).await.unwrap(), "a new article");
        articles::set_status(db, id, "withdrawn", T + 1).await.unwrap();
        bumped(version(db).await.unwrap(), "withdrawing");
        settings::set(db, "site_name", "新名称").await.unwrap();
        bumped(version(db).await.unwrap(), "a setting");
        let link = links::insert(db, "01", "链接", "https://example.org/", 1).await.unwrap();
        bumped(version(db).await.unwrap(), "a new link");
        links::delete(db, link).await.unwrap();
        bumped(version(db).await.unwrap(), "a deleted link");
        articles::add_views(db, &[(id, 5)]).await.unwrap();
        assert_eq!(version(db).await.unwrap(), v, "{l}: view counts are not content");
        assert_eq!(articles::views_of(db, &[id, id + 1000]).await.unwrap(), [(id, 5)], "{l}");
    }
}
