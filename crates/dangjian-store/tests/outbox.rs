//! The search outbox: every write that changes what search should show adds a row in the
//! same transaction, and nothing else does. On both backends.

use dangjian_store::{
    articles::{self, NewArticle},
    channels::{self, NewChannel},
    outbox,
    revisions::{self, Fields, Transition},
    testing::TestDb,
    users::{self, NewUser},
};

const T: i64 = 1_700_000_000_000_000;

async fn channel(t: &TestDb) -> i64 {
    let c =
        NewChannel {
            slug: "dongtai", name: "党建动态", kind: "list", description: "", keywords: "", sort_order: 0
        };
    channels::insert(&t.db, &c, T).await.unwrap()
}

fn art(channel_id: i64, title: &str, status: &str) -> NewArticle {
    NewArticle {
        channel_id,
        title: title.into(),
        body_html: format!("<p>{title}</p>"),
        source_unit: "市直机关工委".into(),
        status: status.into(),
        published_at: T,
        created_at: T,
        ..Default::default()
    }
}

async fn ops(t: &TestDb, after: i64) -> Vec<(i64, String)> {
    outbox::after(&t.db, after, 1000).await.unwrap().into_iter().map(|e| (e.article_id, e.op)).collect()
}

#[tokio::test]
async fn inserts_and_status_changes_write_the_outbox() {
    for t in TestDb::all().await {
        let l = t.label;
        let c = channel(&t).await;
        assert_eq!(outbox::max_id(&t.db).await.unwrap(), 0, "{l}");
        let ids = articles::insert_many(
            &t.db,
            &[art(c, "甲", "published"), art(c, "乙", "draft"), art(c, "丙", "published")],
        )
        .await
        .unwrap();
        assert_eq!(ops(&t, 0).await, vec![(ids[0], "publish".into()), (ids[2], "publish".into())], "{l}");
        let mark = outbox::max_id(&t.db).await.unwrap();
        articles::set_status(&t.db, ids[0], "withdrawn", T + 1).await.unwrap();
        articles::set_status(&t.db, ids[1], "published", T + 2).await.unwrap();
        revisions::set_published_at(&t.db, ids[2], T - 5, T + 3).await.unwrap();
        assert_eq!(
            ops(&t, mark).await,
            vec![(ids[0], "unpublish".into()), (ids[1], "publish".into()), (ids[2], "update".into())],
            "{l}"
        );
        // A failed write adds nothing.
        let before = outbox::max_id(&t.db).await.unwrap();
        assert!(articles::set_status(&t.db, 987_654, "published", T).await.is_err());
        assert!(revisions::set_published_at(&t.db, 987_654, T, T).await.is_err());
        assert_eq!(outbox::max_id(&t.db).await.unwrap(), before, "{l}");
        // Ids only grow.
        let all = outbox::after(&t.db, 0, 1000).await.unwrap();
        assert!(all.windows(2).all(|w| w[0].id < w[1].id), "{l}");
        // What the index reads: current published rows with their channel slug.
        let rows = outbox::published_rows(&t.db, &ids).await.unwrap();
        let mut got: Vec<(i64, &str)> = rows.iter().map(|r| (r.id, r.channel_slug.as_str())).collect();
        got.sort();
        assert_eq!(got, vec![(ids[1], "dongtai"), (ids[2], "dongtai")], "{l}");
        assert_eq!(outbox::published_ids(&t.db, &[ids[0], ids[1], 55_555]).await.unwrap(), vec![ids[1]], "{l}");
        assert_eq!(outbox::count_published(&t.db).await.unwrap(), 2, "{l}");
        let page = outbox::published_page(&t.db, ids[1], 10).await.unwrap();
        assert_eq!(page.iter().map(|r| r.id).collect::<Vec<_>>(), vec![ids[2]], "{l}");
        // Rows before T+2: the newest of them stays as the horizon, the others go.
        assert_eq!(outbox::horizon(&t.db).await.unwrap(), 0, "{l}");
        let kept = outbox::after(&t.db, 0, 1000).await.unwrap();
        let newest_old = kept.iter().filter(|e| e.at < T + 2).map(|e| e.id).max().unwrap();
        let old = kept.iter().filter(|e| e.at < T + 2).count() as u64;
        assert_eq!(outbox::prune(&t.db, T + 2).await.unwrap(), old - 1, "{l}");
        assert_eq!(outbox::horizon(&t.db).await.unwrap(), newest_old, "{l}");
        let left = outbox::after(&t.db, 0, 1000).await.unwrap();
        assert_eq!(left[0].id, newest_old, "{l}");
        assert_eq!(left[0].op, "horizon", "{l}");
        assert_eq!(left.len(), kept.len() - old as usize + 1, "{l}");
        // Nothing older: nothing to do, the horizon stays.
        assert_eq!(outbox::prune(&t.db, T - 10_000).await.unwrap(), 0, "{l}");
        assert_eq!(outbox::horizon(&t.db).await.unwrap(), newest_old, "{l}");
    }
}

#[tokio::test]
async fn review_approval_and_scheduled_jobs_write_the_outbox() {
    for t in TestDb::all().await {
        let l = t.label;
        let c = channel(&t).await;
        let u = users::create(
            &t.db,
            &NewUser {
                username: "ed",
                display_name: "",
                password_hash: "h",
                roles: &["editor"],
                must_change_password: false,
                source_unit: "",
                review_level: 0,
                channels: &[],
                org_id: None,
                member_id: None,
            },
            T,
        )
        .await
        .unwrap();
        let f = Fields {
            channel_id: c,
            title: "定时发布".into(),
            body_html: "<p>正文</p>".into(),
            publish_at: T + 100,
            unpublish_at: Some(T + 200),
            ..Default::default()
        };
        let (aid, rid) = revisions::create_article(&t.db, &f, u, T).await.unwrap();
        let step = |from, to, action, apply| Transition {
            revision_id: rid,
            from,
            to,
            level: 1,
            action,
            actor_id: u,
            opinion: "",
            now: T + 10,
            apply,
            publish_floor: T,
        };
        assert!(revisions::transition(&t.db, &step("draft", "review1", "submit", None)).await.unwrap());
        assert!(ops(&t, 0).await.is_empty(), "{l}: drafts and submissions are not search's business");
        assert!(
            revisions::transition(&t.db, &step("review1", "approved", "approve", Some("scheduled"))).await.unwrap()
        );
        assert_eq!(ops(&t, 0).await, vec![(aid, "publish".into())], "{l}");
        let mark = outbox::max_id(&t.db).await.unwrap();
        assert_eq!(revisions::publish_due(&t.db, T + 100).await.unwrap(), vec![aid]);
        assert_eq!(revisions::publish_due(&t.db, T + 150).await.unwrap(), Vec::<i64>::new());
        assert_eq!(revisions::unpublish_due(&t.db, T + 200).await.unwrap(), vec![aid]);
        assert_eq!(ops(&t, mark).await, vec![(aid, "publish".into()), (aid, "unpublish".into())], "{l}");
    }
}
