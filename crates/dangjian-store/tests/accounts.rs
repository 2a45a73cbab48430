//! Accounts, sessions, login failures and the audit chain, on both backends.

use dangjian_store::{
    StoreError, audit, sessions,
    testing::TestDb,
    users::{self, NewUser, failures},
};

const T: i64 = 1_700_000_000_000_000;

fn user<'a>(name: &'a str, roles: &'a [&'a str]) -> NewUser<'a> {
    NewUser {
        username: name,
        display_name: "张三",
        password_hash: "$argon2id$fake",
        roles,
        must_change_password: true,
        source_unit: "",
        review_level: 0,
        channels: &[],
        org_id: None,
        member_id: None,
    }
}

#[tokio::test]
async fn users_roles_channels_and_password_history() {
    for t in TestDb::all().await {
        let l = t.label;
        let id = users::create(&t.db, &user("editor1", &["editor", "reviewer"]), T).await.unwrap();
        assert!(matches!(users::create(&t.db, &user("editor1", &[]), T).await, Err(StoreError::Conflict(_))), "{l}");
        let u = users::by_username(&t.db, "editor1").await.unwrap().unwrap();
        assert_eq!((u.id, u.must_change_password, u.password_changed_at), (id, true, T), "{l}");
        assert!(!format!("{u:?}").contains("argon2"), "{l}: Debug hides the hash");
        assert_eq!(users::roles(&t.db, id).await.unwrap(), ["editor", "reviewer"], "{l}");
        assert!(users::by_username(&t.db, "nobody").await.unwrap().is_none(), "{l}");
        users::set_password(&t.db, id, "h2", false, T + 1).await.unwrap();
        users::set_password(&t.db, id, "h3", false, T + 2).await.unwrap();
        assert_eq!(users::recent_password_hashes(&t.db, id, 2).await.unwrap(), ["h3", "h2"], "{l}");
        assert!(matches!(users::set_password(&t.db, 999, "x", false, T).await, Err(StoreError::NotFound)), "{l}");
        assert_eq!(users::count(&t.db).await.unwrap(), 1, "{l}");
        // A failed create leaves nothing behind (the role insert fails on a duplicate).
        let dup = users::create(&t.db, &user("twice", &["editor", "editor"]), T).await;
        assert!(dup.is_err(), "{l}");
        assert!(users::by_username(&t.db, "twice").await.unwrap().is_none(), "{l}: no half-written account");
    }
}

#[tokio::test]
async fn failures_and_sessions() {
    for t in TestDb::all().await {
        let l = t.label;
        failures::record(&t.db, &["user:a", "ip:1.2.3.4"], T).await.unwrap();
        failures::record(&t.db, &["user:a"], T + 10).await.unwrap();
        assert_eq!(failures::since(&t.db, "user:a", T).await.unwrap(), [T, T + 10], "{l}");
        assert_eq!(failures::since(&t.db, "user:a", T + 5).await.unwrap(), [T + 10], "{l}");
        failures::clear(&t.db, "user:a").await.unwrap();
        assert!(failures::since(&t.db, "user:a", 0).await.unwrap().is_empty(), "{l}");
        assert_eq!(failures::prune(&t.db, T + 1).await.unwrap(), 1, "{l}");

        assert!(sessions::create(&t.db, "s1", "{}", T + 100).await.unwrap(), "{l}");
        assert!(!sessions::create(&t.db, "s1", "{}", T + 100).await.unwrap(), "{l}: collision detected");
        sessions::save(&t.db, "s1", "{\"a\":1}", T + 200).await.unwrap();
        assert_eq!(sessions::load(&t.db, "s1", T).await.unwrap().as_deref(), Some("{\"a\":1}"), "{l}");
        assert_eq!(sessions::load(&t.db, "s1", T + 200).await.unwrap(), None, "{l}: expired");
        assert_eq!(sessions::delete_expired(&t.db, T + 201).await.unwrap(), 1, "{l}");
        sessions::save(&t.db, "s2", "{}", T + 200).await.unwrap();
        sessions::delete(&t.db, "s2").await.unwrap();
        assert_eq!(sessions::load(&t.db, "s2", T).await.unwrap(), None, "{l}");
    }
}

fn ev(action: &str, i: i64) -> audit::NewEvent {
    audit::NewEvent {
        at: T + i,
        user_id: Some(1),
        username: "admin".into(),
        client_ip: "127.0.0.1".into(),
        request_id: format!("r{i}"),
        action: action.into(),
        target: format!("article:{i}"),
        outcome: "success".into(),
        detail: String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn audit_chain_holds_under_concurrent_appends_and_detects_tampering() {
    for t in TestDb::all().await {
        let l = t.label;
        let mut tasks = Vec::new();
        for w in 0..4 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..25 {
                    audit::append(&db, &ev("edit", w * 100 + i)).await.unwrap();
                }
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(100), "{l}");
        let page = audit::list(&t.db, &audit::Filter { limit: 10, ..Default::default() }).await.unwrap();
        assert_eq!(page.len(), 10, "{l}");
        assert_eq!(page[0].id, 100, "{l}: newest first");
        let older =
            audit::list(&t.db, &audit::Filter { limit: 5, before_id: Some(91), ..Default::default() }).await.unwrap();
        assert_eq!(older[0].id, 90, "{l}");

        // Tampering with a row (as someone with direct database access would) is found.
        dangjian_store::on_pool!(t.db, |p| sqlx::query("UPDATE audit_log SET target = 'x' WHERE id = 42")
            .execute(p)
            .await
            .map(|_| ()))
        .unwrap();
        let broken = audit::verify(&t.db).await.unwrap().unwrap_err();
        assert_eq!(broken.id, 42, "{l}");
    }
}

#[tokio::test]
async fn audit_detects_a_deleted_row() {
    for t in TestDb::all().await {
        for i in 0..5 {
            audit::append(&t.db, &ev("login", i)).await.unwrap();
        }
        dangjian_store::on_pool!(t.db, |p| sqlx::query("DELETE FROM audit_log WHERE id = 5")
            .execute(p)
            .await
            .map(|_| ()))
        .unwrap();
        // Deleting the newest row leaves a consistent shorter chain; deleting a middle
        // one is found.
        assert_eq!(audit::verify(&t.db).await.unwrap(), Ok(4), "{}", t.label);
        dangjian_store::on_pool!(t.db, |p| sqlx::query("DELETE FROM audit_log WHERE id = 2")
            .execute(p)
            .await
            .map(|_| ()))
        .unwrap();
        assert_eq!(audit::verify(&t.db).await.unwrap().unwrap_err().id, 3, "{}", t.label);
    }
}
