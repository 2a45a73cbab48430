//! Opening the database: the backend is chosen from the URL scheme, as vaultwarden
//! does, and migrations for that backend run at start.

use std::{borrow::Cow, path::PathBuf, str::FromStr, time::Duration};

use sqlx::{
    PgPool, SqlitePool,
    migrate::{Migration, MigrationType, Migrator},
    postgres::PgPoolOptions,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use crate::{Result, StoreError};

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the database is and whether it may be created.
#[derive(Clone)]
pub struct ConnectOptions {
    /// `postgres://…`, `sqlite://path`, or `None` for `<data_dir>/dangjian.db`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    /// Create a missing SQLite file. Only `migrate`, `demo` and `serve --demo` do; a
    /// plain `serve` on a missing file is an error, not a silent empty site.
    pub create: bool,
    pub max_connections: u32,
}

// Hand-written so a password inside the URL never reaches a log line.
impl std::fmt::Debug for ConnectOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectOptions")
            .field("url", &self.url.as_deref().map(redact_url))
            .field("data_dir", &self.data_dir)
            .field("create", &self.create)
            .finish()
    }
}

/// Replaces the password of a database URL with `***`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &userinfo[..c], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A connection pool on one of the two backends. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Db {
    inner: Inner,
}

#[derive(Clone, Debug)]
enum Inner {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A borrowed pool, matched on by [`crate::on_pool!`] and [`crate::write_tx!`].
pub enum PoolRef<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

fn migration_set(files: &[(i64, &'static str, &'static str)]) -> Migrator {
    let migrations = files
        .iter()
        .map(|(v, d, sql)| {
            Migration::new(*v, Cow::Borrowed(*d), MigrationType::Simple, sqlx::SqlStr::from_static(sql), false)
        })
        .collect();
    Migrator::with_migrations(migrations)
}

// Embedded migrations: (version, name, SQL). `migration_files_match` checks that this
// list and the files on disk agree, so a new file cannot be forgotten here.
const SQLITE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "portal", include_str!("../migrations/sqlite/0001_portal.sql")),
    (2, "accounts", include_str!("../migrations/sqlite/0002_accounts.sql")),
    (3, "editorial", include_str!("../migrations/sqlite/0003_editorial.sql")),
    (4, "pinned_order", include_str!("../migrations/sqlite/0004_pinned_order.sql")),
    (5, "platform", include_str!("../migrations/sqlite/0005_platform.sql")),
    (6, "meetings", include_str!("../migrations/sqlite/0006_meetings.sql")),
    (7, "dues", include_str!("../migrations/sqlite/0007_dues.sql")),
    (8, "imports", include_str!("../migrations/sqlite/0008_imports.sql")),
    (9, "transfers", include_str!("../migrations/sqlite/0009_transfers.sql")),
    (10, "neighbour_index", include_str!("../migrations/sqlite/0010_neighbour_index.sql")),
    (11, "content_version", include_str!("../migrations/sqlite/0011_content_version.sql")),
    (12, "search_outbox", include_str!("../migrations/sqlite/0012_search_outbox.sql")),
    (
        13,
        "dues_adjustments_meeting_files",
        include_str!("../migrations/sqlite/0013_dues_adjustments_meeting_files.sql"),
    ),
    (14, "evaluation", include_str!("../migrations/sqlite/0014_evaluation.sql")),
    (15, "kaohe", include_str!("../migrations/sqlite/0015_kaohe.sql")),
    (16, "documents", include_str!("../migrations/sqlite/0016_documents.sql")),
    (17, "videos", include_str!("../migrations/sqlite/0017_videos.sql")),
    (18, "grade_notes", include_str!("../migrations/sqlite/0018_grade_notes.sql")),
    (19, "appraisal_online", include_str!("../migrations/sqlite/0019_appraisal_online.sql")),
    (20, "quizzes_volunteer", include_str!("../migrations/sqlite/0020_quizzes_volunteer.sql")),
];
const POSTGRES_MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "portal", include_str!("../migrations/postgres/0001_portal.sql")),
    (2, "accounts", include_str!("../migrations/postgres/0002_accounts.sql")),
    (3, "editorial", include_str!("../migrations/postgres/0003_editorial.sql")),
    (4, "pinned_order", include_str!("../migrations/postgres/0004_pinned_order.sql")),
    (5, "platform", include_str!("../migrations/postgres/0005_platform.sql")),
    (6, "meetings", include_str!("../migrations/postgres/0006_meetings.sql")),
    (7, "dues", include_str!("../migrations/postgres/0007_dues.sql")),
    (8, "imports", include_str!("../migrations/postgres/0008_imports.sql")),
    (9, "transfers", include_str!("../migrations/postgres/0009_transfers.sql")),
    (10, "neighbour_index", include_str!("../migrations/postgres/0010_neighbour_index.sql")),
    (11, "content_version", include_str!("../migrations/postgres/0011_content_version.sql")),
    (12, "search_outbox", include_str!("../migrations/postgres/0012_search_outbox.sql")),
    (
        13,
        "dues_adjustments_meeting_files",
        include_str!("../migrations/postgres/0013_dues_adjustments_meeting_files.sql"),
    ),
    (14, "evaluation", include_str!("../migrations/postgres/0014_evaluation.sql")),
    (15, "kaohe", include_str!("../migrations/postgres/0015_kaohe.sql")),
    (16, "documents", include_str!("../migrations/postgres/0016_documents.sql")),
    (17, "videos", include_str!("../migrations/postgres/0017_videos.sql")),
    (18, "grade_notes", include_str!("../migrations/postgres/0018_grade_notes.sql")),
    (19, "appraisal_online", include_str!("../migrations/postgres/0019_appraisal_online.sql")),
    (20, "quizzes_volunteer", include_str!("../migrations/postgres/0020_quizzes_volunteer.sql")),
];

impl Db {
    /// Opens (and if allowed, creates) the database and runs pending migrations.
    /// Concurrent starts on PostgreSQL are safe: sqlx's migrator takes an advisory lock.
    pub async fn open(opts: &ConnectOptions) -> Result<Db> {
        let db = Self::connect(opts).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects without migrating.
    pub async fn connect(opts: &ConnectOptions) -> Result<Db> {
        match opts.url.as_deref() {
            Some(u) if u.starts_with("postgres://") || u.starts_with("postgresql://") => {
                let pool = PgPoolOptions::new()
                    .max_connections(opts.max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(u)
                    .await
                    .map_err(|e| StoreError::Config(format!("{}: {e}", redact_url(u))))?;
                Ok(Db { inner: Inner::Postgres(pool) })
            }
            Some(u) if u.starts_with("sqlite:") => {
                let path = u.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
                Self::open_sqlite(PathBuf::from(path), opts).await
            }
            Some(u) => Err(StoreError::Config(format!(
                "unsupported database URL {}: use postgres://… or sqlite://path",
                redact_url(u)
            ))),
            None => Self::open_sqlite(opts.data_dir.join("dangjian.db"), opts).await,
        }
    }

    async fn open_sqlite(path: PathBuf, opts: &ConnectOptions) -> Result<Db> {
        if !opts.create && !path.exists() {
            return Err(StoreError::Config(format!(
                "database {} does not exist; run `dangjian migrate` or `dangjian serve --demo` first",
                path.display()
            )));
        }
        if let Some(parent) = path.parent()
            && opts.create
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", parent.display())))?;
        }
        let connect = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
            .map_err(|e| StoreError::Config(e.to_string()))?
            .create_if_missing(opts.create)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            .pragma("cache_size", "-16000");
        let pool = SqlitePoolOptions::new()
            .max_connections(opts.max_connections)
            .min_connections(1)
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::Config(format!("{}: {e}", path.display())))?;
        Ok(Db { inner: Inner::Sqlite(pool) })
    }

    /// Applies the migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.inner {
            Inner::Sqlite(p) => {
                // sqlx takes no lock on SQLite, so two processes starting together would
                // both apply migration 1. Run every migration inside one BEGIN IMMEDIATE:
                // the second process waits for the first to commit, then finds nothing to do.
                // (Each migration's own transaction becomes a savepoint inside this one.)
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                // `run_direct` sidesteps the "Acquire is not general enough" error of `run`.
                migration_set(SQLITE_MIGRATIONS).run_direct(None, &mut *tx, false).await?;
                tx.commit().await?;
            }
            Inner::Postgres(p) => migration_set(POSTGRES_MIGRATIONS).run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }

    /// The pool, for the `on_pool!` and `write_tx!` macros.
    pub fn pool(&self) -> PoolRef<'_> {
        match &self.inner {
            Inner::Sqlite(p) => PoolRef::Sqlite(p),
            Inner::Postgres(p) => PoolRef::Postgres(p),
        }
    }

    /// Refreshes the planner's statistics; worth it after a bulk load (the demo), when
    /// PostgreSQL's estimates are still those of empty tables.
    pub async fn analyze(&self) -> Result<()> {
        crate::on_pool!(self, |p| sqlx::query("ANALYZE").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// `SELECT 1`, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        crate::on_pool!(self, |p| sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        match &self.inner {
            Inner::Sqlite(p) => p.close().await,
            Inner::Postgres(p) => p.close().await,
        }
    }

    /// Names and columns of every table, for the schema-agreement test and `doctor`.
    pub async fn schema(&self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = match &self.inner {
            Inner::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' \
                     ORDER BY m.name, c.name",
                )
                .fetch_all(p)
                .await?
            }
            Inner::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%' \
                     ORDER BY table_name, column_name",
                )
                .fetch_all(p)
                .await?
            }
        };
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
        let o = ConnectOptions {
            url: Some("postgres://u:secret@h/db".into()),
            data_dir: "/tmp".into(),
            create: false,
            max_connections: 1,
        };
        assert!(!format!("{o:?}").contains("secret"));
    }

    #[test]
    fn migration_files_match() {
        // Every file on disk is embedded, on both backends, under the same versions.
        for (dir, list) in [("sqlite", SQLITE_MIGRATIONS), ("postgres", POSTGRES_MIGRATIONS)] {
            let mut on_disk: Vec<String> =
                std::fs::read_dir(format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR")))
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect();
            on_disk.sort();
            let embedded: Vec<String> = list.iter().map(|(v, d, _)| format!("{v:04}_{d}.sql")).collect();
            assert_eq!(on_disk, embedded, "{dir}");
        }
    }
}
