//! 党性积分: the append-only ledger, members' applications, the per-organisation
//! rankings switch, and the evaluation configuration kept as JSON (`eval_config`).
//!
//! Nothing here updates or deletes a ledger row. Appending goes through [`append_with`],
//! which reads the member's lines and writes the new one in one write transaction (the
//! member's row is locked on PostgreSQL, SQLite's `BEGIN IMMEDIATE` serialises writers),
//! so two grants at once cannot both slip under a cap.

use serde::Serialize;

use crate::{Db, PoolRef, Result, StoreError, on_pool};

/// The `eval_config` key of the 党性积分 rule catalogue.
pub const CATALOGUE_KEY: &str = "points_catalogue";
/// The `eval_config` key of the 量化评议指数 configuration.
pub const INDEX_KEY: &str = "member_index";

/// A stored evaluation setting (`points_catalogue`, `member_index`, …) as JSON.
pub async fn config_get(db: &Db, key: &str) -> Result<Option<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>("SELECT body FROM eval_config WHERE key = $1")
        .bind(key)
        .fetch_optional(p)
        .await)?)
}

/// Stores the setting unless one is there: the first caller's default wins.
pub async fn config_seed(db: &Db, key: &str, body: &str, now: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO eval_config (key, body, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING"
    )
    .bind(key)
    .bind(body)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Replaces a setting. Only whole values are written (the caller validated them through
/// the domain first), so a reader sees the old configuration or the new, never a mixture.
pub async fn config_set(db: &Db, key: &str, body: &str, now: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO eval_config (key, body, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"
    )
    .bind(key)
    .bind(body)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Whether the organisation turned rankings on (off when never set).
pub async fn rankings_enabled(db: &Db, org_id: i64) -> Result<bool> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, bool>("SELECT enabled FROM points_rankings WHERE org_id = $1")
        .bind(org_id)
        .fetch_optional(p)
        .await)?
    .unwrap_or(false))
}

pub async fn set_rankings(db: &Db, org_id: i64, enabled: bool, now: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO points_rankings (org_id, enabled, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (org_id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at"
    )
    .bind(org_id)
    .bind(enabled)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// A ledger line as stored; `points` is signed decimal text.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct LedgerRow {
    pub id: i64,
    pub member_id: i64,
    pub on_date: String,
    pub action: String,
    pub points: String,
    pub reverses: Option<i64>,
    pub reason: String,
    pub event_key: Option<String>,
}

const LEDGER: &str = "SELECT id, member_id, on_date, action, points, reverses, reason, event_key FROM points_ledger";

/// The lines of some members dated within `[from, to]` (ISO dates), by member, day and id.
pub async fn ledger(db: &Db, member_ids: &[i64], from: &str, to: &str) -> Result<Vec<LedgerRow>> {
    let mut out = Vec::new();
    for m in member_ids {
        let sql = sqlx::AssertSqlSafe(format!(
            "{LEDGER} WHERE member_id = $1 AND on_date >= $2 AND on_date <= $3 ORDER BY on_date, id"
        ));
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, LedgerRow>(sql)
            .bind(*m)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await)?);
    }
    Ok(out)
}

pub async fn entry(db: &Db, id: i64) -> Result<LedgerRow> {
    let sql = sqlx::AssertSqlSafe(format!("{LEDGER} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, LedgerRow>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// The line written for an automatic event (a quiz attempt, volunteer hours), if any.
pub async fn entry_by_key(db: &Db, key: &str) -> Result<Option<LedgerRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{LEDGER} WHERE event_key = $1"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, LedgerRow>(sql).bind(key).fetch_optional(p).await)?)
}

/// A line to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLine {
    pub member_id: i64,
    pub on_date: String,
    pub action: String,
    pub points: String,
    pub reverses: Option<i64>,
    pub reason: String,
    pub event_key: Option<String>,
}

/// Appends what `decide` makes of the member's lines of the year `year` (read inside the
/// transaction). `decide` returning `Ok(None)` writes nothing; an `event_key` already in
/// the ledger also writes nothing and returns `Ok(None)`, so automatic events are counted
/// once however often they are synchronised. Returns the new line's id.
pub async fn append_with<E>(
    db: &Db,
    member_id: i64,
    year: i32,
    by: Option<i64>,
    now: i64,
    decide: impl FnOnce(&[LedgerRow]) -> Result<Option<NewLine>, E>,
) -> Result<Result<Option<i64>, E>> {
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    let sql = sqlx::AssertSqlSafe(format!(
        "{LEDGER} WHERE member_id = $1 AND on_date >= $2 AND on_date <= $3 ORDER BY on_date, id"
    ));
    macro_rules! body {
        ($conn:ident) => {{
            let lines = sqlx::query_as::<_, LedgerRow>(sql).bind(member_id).bind(&from).bind(&to).fetch_all(&mut *$conn).await?;
            let line = match decide(&lines) {
                Ok(Some(l)) => l,
                Ok(None) => return Ok(Ok(None)),
                Err(e) => return Ok(Err(e)),
            };
            if let Some(k) = &line.event_key {
                let seen: Option<i64> = sqlx::query_scalar("SELECT id FROM points_ledger WHERE event_key = $1")
                    .bind(k)
                    .fetch_optional(&mut *$conn)
                    .await?;
                if seen.is_some() {
                    return Ok(Ok(None));
                }
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO points_ledger (member_id, on_date, action, points, reverses, reason, event_key, created_by, \
                 created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(line.member_id)
            .bind(&line.on_date)
            .bind(&line.action)
            .bind(&line.points)
            .bind(line.reverses)
            .bind(&line.reason)
            .bind(&line.event_key)
            .bind(by)
            .bind(now)
            .fetch_one(&mut *$conn)
            .await?;
            Ok::<_, StoreError>(id)
        }};
    }
    let id = match db.pool() {
        PoolRef::Sqlite(pool) => {
            let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
            let conn = &mut *tx;
            let id = body!(conn)?;
            tx.commit().await?;
            id
        }
        PoolRef::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            let conn = &mut *tx;
            sqlx::query("SELECT id FROM members WHERE id = $1 FOR UPDATE").bind(member_id).execute(&mut *conn).await?;
            let id = body!(conn)?;
            tx.commit().await?;
            id
        }
    };
    Ok(Ok(Some(id)))
}

/// A member's application for points.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct ApplicationRow {
    pub id: i64,
    pub member_id: i64,
    pub action: String,
    pub on_date: String,
    pub quantity: String,
    pub evidence: String,
    pub status: String,
    pub decision_note: String,
    pub entry_id: Option<i64>,
}

const APPLICATION: &str = "SELECT id, member_id, action, on_date, quantity, evidence, status, decision_note, entry_id FROM points_applications";

pub async fn apply(
    db: &Db,
    member_id: i64,
    action: &str,
    on_date: &str,
    quantity: &str,
    evidence: &str,
    now: i64,
) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO points_applications (member_id, action, on_date, quantity, evidence, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(member_id)
    .bind(action)
    .bind(on_date)
    .bind(quantity)
    .bind(evidence)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

pub async fn application(db: &Db, id: i64) -> Result<ApplicationRow> {
    let sql = sqlx::AssertSqlSafe(format!("{APPLICATION} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(sql).bind(id).fetch_optional(p).await)?
        .ok_or(StoreError::NotFound)
}

/// The applications of some members, newest first.
pub async fn applications_of(db: &Db, member_ids: &[i64]) -> Result<Vec<ApplicationRow>> {
    let mut out = Vec::new();
    for m in member_ids {
        let sql = sqlx::AssertSqlSafe(format!("{APPLICATION} WHERE member_id = $1"));
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(sql).bind(*m).fetch_all(p).await)?);
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.id));
    Ok(out)
}

/// Decides a pending application once (`approved` with the ledger line it produced, or
/// `rejected`); a second decision is a `Conflict`.
pub async fn decide_application(
    db: &Db,
    id: i64,
    approve: bool,
    entry_id: Option<i64>,
    note: &str,
    by: i64,
    now: i64,
) -> Result<()> {
    let status = if approve { "approved" } else { "rejected" };
    let done = on_pool!(db, |p| sqlx::query(
        "UPDATE points_applications SET status = $1, entry_id = $2, decision_note = $3, decided_by = $4, \
         decided_at = $5 WHERE id = $6 AND status = 'pending'"
    )
    .bind(status)
    .bind(entry_id)
    .bind(note)
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::Conflict("该申请已处理".into()));
    }
    Ok(())
}
