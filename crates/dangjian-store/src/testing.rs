//! Test support: a fresh, migrated database per test, on SQLite always and on PostgreSQL
//! when `DANGJIAN_TEST_POSTGRES_URL` is set. Shared by the store's contract suite and the
//! web crate's portal tests, so both run the same way on both backends.

use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::{Connection, PgConnection};

use crate::{ConnectOptions, Db};

/// Environment variable naming a PostgreSQL server for tests, e.g.
/// `postgres://postgres@127.0.0.1:5432/postgres`.
pub const POSTGRES_ENV: &str = "DANGJIAN_TEST_POSTGRES_URL";

/// A database made for one test. It is removed when dropped: the SQLite directory with
/// it, the PostgreSQL database by `DROP DATABASE … WITH (FORCE)`.
pub struct TestDb {
    pub db: Db,
    pub label: &'static str,
    /// Temporary data directory (also used for media and index in web tests).
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite file in a new temporary directory.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = ConnectOptions { url: None, data_dir: dir.path().to_owned(), create: true, max_connections: 4 };
        let db = Db::open(&opts).await.expect("open sqlite");
        TestDb { db, label: "sqlite", dir, pg: None }
    }

    /// A fresh PostgreSQL database, or `None` when no server is configured.
    pub async fn postgres() -> Option<TestDb> {
        let base = std::env::var(POSTGRES_ENV).ok().filter(|s| !s.is_empty())?;
        static N: AtomicU32 = AtomicU32::new(0);
        let name =
            format!("dj_test_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed), fastrand_suffix());
        let mut admin = PgConnection::connect(&base).await.expect("connect to DANGJIAN_TEST_POSTGRES_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let url = with_database(&base, &name);
        let dir = tempfile::tempdir().expect("temp dir");
        let opts = ConnectOptions { url: Some(url), data_dir: dir.path().to_owned(), create: true, max_connections: 4 };
        let db = Db::open(&opts).await.expect("open postgres");
        Some(TestDb { db, label: "postgres", dir, pg: Some((base, name)) })
    }

    /// SQLite, then PostgreSQL when configured: what every contract test iterates over.
    pub async fn all() -> Vec<TestDb> {
        let mut v = vec![TestDb::sqlite().await];
        if let Some(pg) = TestDb::postgres().await {
            v.push(pg);
        }
        v
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, name)) = self.pg.take() {
            // Drop runs outside any async context we can rely on, so use a small runtime
            // on a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                rt.block_on(async {
                    let mut admin = PgConnection::connect(&base).await.ok()?;
                    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                        .execute(&mut admin)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

fn fastrand_suffix() -> u32 {
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    t.subsec_nanos() % 1_000_000
}

/// Replaces the database name at the end of a PostgreSQL URL.
fn with_database(base: &str, name: &str) -> String {
    let (head, query) = match base.find('?') {
        Some(i) => (&base[..i], &base[i..]),
        None => (base, ""),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let head = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    format!("{head}/{name}{query}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        use super::with_database;
        assert_eq!(with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
        assert_eq!(with_database("postgres://h/db?sslmode=disable", "x"), "postgres://h/x?sslmode=disable");
    }
}
