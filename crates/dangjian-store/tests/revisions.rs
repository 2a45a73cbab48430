//! Revisions, review transitions and scheduled publishing, on both backends.

use dangjian_store::{
    StoreError, articles,
    channels::{self, NewChannel},
    revisions::{self, Fields, Transition},
    testing::TestDb,
    users::{self, NewUser},
};

const T: i64 = 1_700_000_000_000_000;

async fn setup(t: &TestDb) -> (i64, i64) {
    let c = channels::insert(
        &t.db,
        &NewChannel { slug: "c", name: "栏目", kind: "list", description: "", keywords: "", sort_order: 0 },
        T,
    )
    .await
    .unwrap();
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
    (c, u)
}

fn fields(channel_id: i64, title: &str, at: i64) -> Fields {
    Fields {
        channel_id,
        title: title.into(),
        body_md: "正文".into(),
        body_html: "<p>正文</p>".into(),
        publish_at: at,
        ..Default::default()
    }
}

fn step<'a>(
    rev: i64,
    from: &'a str,
    to: &'a str,
    action: &'a str,
    actor: i64,
    apply: Option<&'a str>,
) -> Transition<'a> {
    Transition {
        revision_id: rev,
        from,
        to,
        level: 1,
        action,
        actor_id: actor,
        opinion: "",
        now: T + 10,
        apply,
        publish_floor: T,
    }
}

#[tokio::test]
async fn a_draft_goes_through_review_and_reaches_the_portal() {
    for t in TestDb::all().await {
        let l = t.label;
        let (c, u) = setup(&t).await;
        let (aid, rid) = revisions::create_article(&t.db, &fields(c, "初稿", T), u, T).await.unwrap();
        assert!(articles::get_published(&t.db, aid).await.is_err(), "{l}: a draft is not on the portal");
        revisions::update_draft(&t.db, rid, &fields(c, "改后的标题", T)).await.unwrap();
        assert!(revisions::transition(&t.db, &step(rid, "draft", "review1", "submit", u, None)).await.unwrap());
        assert_eq!(revisions::article_meta(&t.db, aid).await.unwrap().first_submitted_at, Some(T + 10), "{l}");
        // A draft that is in review cannot be edited.
        assert!(matches!(revisions::update_draft(&t.db, rid, &fields(c, "x", T)).await, Err(StoreError::NotFound)));
        // Two reviewers acting on the same state: only one wins.
        assert!(
            revisions::transition(&t.db, &step(rid, "review1", "approved", "approve", u, Some("published")))
                .await
                .unwrap()
        );
        assert!(
            !revisions::transition(&t.db, &step(rid, "review1", "approved", "approve", u, Some("published")))
                .await
                .unwrap()
        );
        let a = articles::get_published(&t.db, aid).await.unwrap();
        assert_eq!(a.title, "改后的标题", "{l}");
        let steps = revisions::steps(&t.db, rid).await.unwrap();
        assert_eq!(steps.iter().map(|s| s.action.as_str()).collect::<Vec<_>>(), ["submit", "approve"], "{l}");
        assert_eq!(steps[0].reviewer, "ed", "{l}");

        // Editing the published article: the live version stays until approval.
        let r2 = revisions::create_revision(&t.db, aid, &fields(c, "第二版", T), u, T + 20).await.unwrap();
        assert!(
            matches!(
                revisions::create_revision(&t.db, aid, &fields(c, "第三版", T), u, T + 21).await,
                Err(StoreError::Conflict(_))
            ),
            "{l}: one open revision at a time"
        );
        assert_eq!(articles::get_published(&t.db, aid).await.unwrap().title, "改后的标题", "{l}");
        revisions::transition(&t.db, &step(r2, "draft", "review1", "submit", u, None)).await.unwrap();
        revisions::transition(&t.db, &step(r2, "review1", "approved", "approve", u, Some("published"))).await.unwrap();
        assert_eq!(articles::get_published(&t.db, aid).await.unwrap().title, "第二版", "{l}");
        let all = revisions::for_article(&t.db, aid).await.unwrap();
        assert_eq!(all.iter().map(|r| r.state.as_str()).collect::<Vec<_>>(), ["approved", "superseded"], "{l}");
        // The first submission time never moves.
        assert_eq!(revisions::article_meta(&t.db, aid).await.unwrap().first_submitted_at, Some(T + 10), "{l}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn scheduled_articles_publish_exactly_once() {
    for t in TestDb::all().await {
        let l = t.label;
        let (c, u) = setup(&t).await;
        let mut ids = Vec::new();
        for i in 0..10 {
            let (aid, rid) =
                revisions::create_article(&t.db, &fields(c, &format!("定时{i}"), T + 1000), u, T).await.unwrap();
            revisions::transition(&t.db, &step(rid, "draft", "review1", "submit", u, None)).await.unwrap();
            revisions::transition(&t.db, &step(rid, "review1", "approved", "approve", u, Some("scheduled")))
                .await
                .unwrap();
            ids.push(aid);
        }
        assert!(revisions::publish_due(&t.db, T + 999).await.unwrap().is_empty(), "{l}: not yet");
        assert!(articles::get_published(&t.db, ids[0]).await.is_err(), "{l}");
        // Four "nodes" run the job at the same moment: each article is published once.
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move { revisions::publish_due(&db, T + 1000).await.unwrap() }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        all.sort_unstable();
        assert_eq!(all, ids, "{l}");
        assert!(articles::get_published(&t.db, ids[3]).await.is_ok(), "{l}");
    }
}
