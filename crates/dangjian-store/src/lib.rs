//! Storage for dangjian: SQL in, typed rows out, on SQLite (the embedded default) and
//! PostgreSQL (for several nodes). Each query is written once with `$1` placeholders and
//! runs on both backends through [`Db`]; where a backend truly needs other SQL, the arm
//! has its own text. Times are bound as parameters (Unix microseconds), never `now()`.

pub mod adjustments;
pub mod appraisal;
pub mod articles;
pub mod audit;
pub mod bulk;
pub mod channels;
mod connect;
pub mod content;
pub mod documents;
pub mod dues;
mod error;
pub mod feeds;
pub mod grading;
pub mod imports;
pub mod kaohe;
pub mod links;
pub mod meetings;
pub mod members;
pub mod orgs;
pub mod outbox;
pub mod points;
pub mod quizzes;
pub mod revisions;
pub mod sessions;
pub mod settings;
pub mod transfers;
pub mod users;
pub mod videos;
pub mod volunteer;

pub use connect::{Backend, ConnectOptions, Db, PoolRef, redact_url};
pub mod testing;
pub use error::StoreError;

/// Result type of every store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Runs the same generic sqlx expression against whichever pool `$db` holds. The body is
/// compiled once per backend, so every query is type-checked against both drivers.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.pool() {
            $crate::PoolRef::Sqlite($pool) => $body,
            $crate::PoolRef::Postgres($pool) => $body,
        }
    };
}

/// Runs a write transaction: `BEGIN IMMEDIATE` on SQLite (so two writers never deadlock
/// upgrading a read lock), plain `BEGIN` on PostgreSQL. The body gets `&mut` to the
/// transaction's connection; the transaction commits only if the body returns `Ok`.
#[macro_export]
macro_rules! write_tx {
    ($db:expr, |$conn:ident| $body:expr) => {
        match $db.pool() {
            $crate::PoolRef::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = {
                    let $conn = &mut *tx;
                    $body
                };
                match out {
                    Ok(v) => {
                        tx.commit().await?;
                        Ok(v)
                    }
                    Err(e) => Err(e),
                }
            }
            $crate::PoolRef::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let out = {
                    let $conn = &mut *tx;
                    $body
                };
                match out {
                    Ok(v) => {
                        tx.commit().await?;
                        Ok(v)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    };
}
