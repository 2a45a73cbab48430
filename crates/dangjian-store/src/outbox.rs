//! The search outbox and what the search index reads. Every change that can alter what
//! site search should show (publish, edit of a published article, unpublish, delete)
//! appends a row to `search_outbox` in the same transaction as the change itself, so the
//! index can never miss one: each node's index applies the rows in id order and keeps
//! the last id it applied. The index re-reads the article's current row rather than
//! trusting the op, so applying a row twice or late is harmless.

use sqlx::QueryBuilder;

use crate::{Db, Result, on_pool};

/// Ops written to the outbox. The index only needs "look at this article again"; the op
/// says why, for whoever reads the table.
pub const PUBLISH: &str = "publish";
pub const UPDATE: &str = "update";
pub const UNPUBLISH: &str = "unpublish";
pub const DELETE: &str = "delete";

/// Key of the PostgreSQL advisory lock writers take before adding outbox rows. Holding it
/// until commit makes ids become visible in the order they were assigned, so a poller
/// that has applied id N never later sees a smaller id appear (which identity columns
/// alone do not guarantee when transactions commit out of order).
pub const LOCK_KEY: i64 = 0x646a_5f6f_7574; // "dj_out"

/// Appends one outbox row per article id inside a write transaction (`$conn` from
/// [`crate::write_tx!`]). Call it last in the transaction, so the advisory lock is held
/// for as short a time as possible.
#[macro_export]
macro_rules! record_outbox {
    ($db:expr, $conn:ident, $ids:expr, $op:expr, $now:expr) => {{
        let ids: &[i64] = $ids;
        if !ids.is_empty() {
            if $db.backend() == $crate::Backend::Postgres {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind($crate::outbox::LOCK_KEY)
                    .execute(&mut *$conn)
                    .await?;
            }
            for chunk in ids.chunks(1000) {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO search_outbox (article_id, op, at) ");
                qb.push_values(chunk, |mut b, id| {
                    b.push_bind(*id).push_bind($op).push_bind($now);
                });
                qb.build().execute(&mut *$conn).await?;
            }
        }
    }};
}

/// One row of the outbox.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub article_id: i64,
    pub op: String,
    pub at: i64,
}

/// Rows after `after_id`, oldest first.
pub async fn after(db: &Db, after_id: i64, limit: i64) -> Result<Vec<Entry>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Entry>(
        "SELECT id, article_id, op, at FROM search_outbox WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// The highest id so far (0 when empty). A rebuild reads it *before* reading articles:
/// every change it might miss has a larger id and is applied afterwards.
pub async fn max_id(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM search_outbox")
        .fetch_one(p)
        .await)?)
}

/// Prunes rows written before `before` (Unix microseconds), keeping the newest of them
/// as the *horizon* (its `op` becomes `horizon`; applying it again is harmless, as every
/// row only names an article to re-read). A node whose index stopped before the horizon
/// missed rows that are gone and must rebuild ([`horizon`]). Returns the rows deleted.
/// Safe to run on several nodes at once: each keeps its horizon, the later one wins.
pub async fn prune(db: &Db, before: i64) -> Result<u64> {
    let newest: Option<i64> = on_pool!(db, |p| sqlx::query_scalar("SELECT MAX(id) FROM search_outbox WHERE at < $1")
        .bind(before)
        .fetch_one(p)
        .await)?;
    let Some(h) = newest else { return Ok(0) };
    // Mark first, delete second: a crash in between leaves extra rows, never a gap
    // without its horizon.
    on_pool!(db, |p| sqlx::query("UPDATE search_outbox SET op = 'horizon' WHERE id = $1")
        .bind(h)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(on_pool!(db, |p| sqlx::query("DELETE FROM search_outbox WHERE id < $1")
        .bind(h)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
}

/// The id of the newest horizon row (0 when the outbox was never pruned): an index that
/// applied less than `horizon - 1` may have missed deleted rows.
pub async fn horizon(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COALESCE(MAX(id), 0) FROM search_outbox WHERE op = 'horizon'"
    )
    .fetch_one(p)
    .await)?)
}

/// An article as the search index needs it.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct Indexable {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    pub source_unit: String,
    pub channel_slug: String,
    pub published_at: i64,
}

const INDEXABLE: &str = "SELECT a.id, a.title, a.body_html, a.source_unit, c.slug AS channel_slug, a.published_at \
                         FROM articles a JOIN channels c ON c.id = a.channel_id WHERE a.status = 'published'";

/// The published ones among `ids`, as they are now. Ids missing from the answer are not
/// (or no longer) published and must leave the index.
pub async fn published_rows(db: &Db, ids: &[i64]) -> Result<Vec<Indexable>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1000) {
        out.extend(on_pool!(db, |p| {
            let mut qb = QueryBuilder::new(INDEXABLE);
            qb.push(" AND a.id IN (");
            let mut sep = qb.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as::<Indexable>().fetch_all(p).await
        })?);
    }
    Ok(out)
}

/// One page of every published article in id order, for a rebuild (keyset on id).
pub async fn published_page(db: &Db, after_id: i64, limit: i64) -> Result<Vec<Indexable>> {
    let sql = sqlx::AssertSqlSafe(format!("{INDEXABLE} AND a.id > $1 ORDER BY a.id LIMIT $2"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Indexable>(sql).bind(after_id).bind(limit).fetch_all(p).await)?)
}

/// Number of published articles, for a rebuild's progress bar.
pub async fn count_published(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM articles WHERE status = 'published'")
        .fetch_one(p)
        .await)?)
}

/// The ids among `ids` that are published right now. Search results pass through this,
/// so an article withdrawn a moment ago is never shown even if an index still holds it.
pub async fn published_ids(db: &Db, ids: &[i64]) -> Result<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_pool!(db, |p| {
        let mut qb = QueryBuilder::new("SELECT id FROM articles WHERE status = 'published' AND id IN (");
        let mut sep = qb.separated(", ");
        for id in ids {
            sep.push_bind(*id);
        }
        qb.push(")");
        qb.build_query_scalar::<i64>().fetch_all(p).await
    })?)
}
