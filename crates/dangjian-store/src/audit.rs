//! The append-only audit log. Rows are only ever inserted; each insert reads the last
//! hash and chains to it inside one serialised write transaction, so concurrent writers
//! (several nodes on PostgreSQL) cannot fork the chain.

use dangjian_domain::audit::{self, Entry};
use serde::Serialize;

use crate::{Db, PoolRef, Result, StoreError, on_pool};

/// What to record.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub client_ip: String,
    pub request_id: String,
    pub action: String,
    pub target: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub detail: String,
}

/// A stored audit row.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: String,
    pub client_ip: String,
    pub request_id: String,
    pub action: String,
    pub target: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl Event {
    fn entry(&self) -> Entry<'_> {
        Entry {
            id: self.id,
            at: self.at,
            user_id: self.user_id,
            username: &self.username,
            client_ip: &self.client_ip,
            request_id: &self.request_id,
            action: &self.action,
            target: &self.target,
            outcome: &self.outcome,
            detail: &self.detail,
        }
    }
}

/// Appends one event to the chain and returns its id.
pub async fn append(db: &Db, ev: &NewEvent) -> Result<i64> {
    macro_rules! body {
        ($tx:ident) => {{
            let last: Option<(i64, String)> = sqlx::query_as("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
            let (id, prev) = match last {
                Some((id, h)) => (id + 1, h),
                None => (1, audit::GENESIS.to_owned()),
            };
            let entry = Entry {
                id,
                at: ev.at,
                user_id: ev.user_id,
                username: &ev.username,
                client_ip: &ev.client_ip,
                request_id: &ev.request_id,
                action: &ev.action,
                target: &ev.target,
                outcome: &ev.outcome,
                detail: &ev.detail,
            };
            let hash = audit::hash(&prev, &entry);
            sqlx::query(
                "INSERT INTO audit_log (id, at, user_id, username, client_ip, request_id, action, target, \
                 outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(ev.at)
            .bind(ev.user_id)
            .bind(&ev.username)
            .bind(&ev.client_ip)
            .bind(&ev.request_id)
            .bind(&ev.action)
            .bind(&ev.target)
            .bind(&ev.outcome)
            .bind(&ev.detail)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *$tx)
            .await?;
            $tx.commit().await?;
            Ok(id)
        }};
    }
    match db.pool() {
        PoolRef::Sqlite(p) => {
            let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
            body!(tx)
        }
        PoolRef::Postgres(p) => {
            let mut tx = p.begin().await?;
            // Serialise appenders across every node sharing this database.
            sqlx::query("LOCK TABLE audit_log IN EXCLUSIVE MODE").execute(&mut *tx).await?;
            body!(tx)
        }
    }
}

/// A filter for reading the log.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Return rows with id below this (keyset paging, newest first).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Rows matching the filter, newest first.
pub async fn list(db: &Db, f: &Filter) -> Result<Vec<Event>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, Event>(
            "SELECT id, at, user_id, username, client_ip, request_id, action, target, outcome, detail, prev_hash, hash \
         FROM audit_log \
         WHERE ($1 IS NULL OR username = $1) AND ($2 IS NULL OR action = $2) \
           AND ($3 IS NULL OR at >= $3) AND ($4 IS NULL OR at < $4) AND ($5 IS NULL OR id < $5) \
         ORDER BY id DESC LIMIT $6",
        )
        .bind(f.username.as_deref())
        .bind(f.action.as_deref())
        .bind(f.from)
        .bind(f.to)
        .bind(f.before_id)
        .bind(f.limit)
        .fetch_all(p)
        .await
    })?)
}

/// Walks the whole chain in id order, a page at a time, and reports the first broken
/// link. Returns the number of records checked.
pub async fn verify(db: &Db) -> Result<std::result::Result<usize, audit::Broken>> {
    const PAGE: i64 = 5000;
    let mut prev = audit::GENESIS.to_owned();
    let mut after = 0i64;
    let mut total = 0usize;
    let mut expected_id = 1i64;
    loop {
        let rows: Vec<Event> = on_pool!(db, |p| {
            sqlx::query_as::<_, Event>(
            "SELECT id, at, user_id, username, client_ip, request_id, action, target, outcome, detail, prev_hash, hash \
             FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2"
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(p)
        .await
        })?;
        if rows.is_empty() {
            return Ok(Ok(total));
        }
        for r in &rows {
            // A deleted row leaves a gap in the ids; report it at the row after the gap.
            if r.id != expected_id {
                return Ok(Err(audit::Broken { id: r.id, reason: "records are missing before this one" }));
            }
            expected_id += 1;
        }
        match audit::verify(&prev, rows.iter().map(|r| (r.entry(), r.prev_hash.as_str(), r.hash.as_str()))) {
            Ok(n) => total += n,
            Err(b) => return Ok(Err(b)),
        }
        let last = rows.last().ok_or(StoreError::NotFound)?;
        prev = last.hash.clone();
        after = last.id;
    }
}
