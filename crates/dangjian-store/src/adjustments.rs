//! 少交/免交 applications and their approval. A row starts `pending`; only the higher
//! 党委 moves it to `approved` or `rejected`, once. The rules (who may decide, dates in
//! order) live in the domain and the handlers; this module keeps the state change atomic.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct AdjustmentRow {
    pub id: i64,
    pub member_id: i64,
    /// `reduce` or `exempt`.
    pub kind: String,
    /// For `reduce`: what the member pays a month instead.
    pub monthly_amount: Option<String>,
    pub from_month: String,
    pub through_month: String,
    pub branch_discussed_on: String,
    pub reason: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// The approving 党委, as written on the approval.
    pub approver: String,
    pub decided_on: Option<String>,
    pub decision_note: String,
}

/// What a branch records after discussing an application.
#[derive(Debug, Clone)]
pub struct NewAdjustment {
    pub member_id: i64,
    pub kind: String,
    pub monthly_amount: Option<String>,
    pub from_month: String,
    pub through_month: String,
    pub branch_discussed_on: String,
    pub reason: String,
}

const COLUMNS: &str = "id, member_id, kind, monthly_amount, from_month, through_month, branch_discussed_on, reason, \
                       status, approver, decided_on, decision_note";

pub async fn insert(db: &Db, a: &NewAdjustment, by: i64, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, i64>(
        "INSERT INTO dues_adjustments (member_id, kind, monthly_amount, from_month, through_month, \
         branch_discussed_on, reason, requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(a.member_id)
    .bind(&a.kind)
    .bind(&a.monthly_amount)
    .bind(&a.from_month)
    .bind(&a.through_month)
    .bind(&a.branch_discussed_on)
    .bind(&a.reason)
    .bind(by)
    .bind(now)
    .fetch_one(p)
    .await
    })?)
}

pub async fn get(db: &Db, id: i64) -> Result<Option<AdjustmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM dues_adjustments WHERE id = $1"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AdjustmentRow>(sql).bind(id).fetch_optional(p).await)?)
}

/// Every application of the members of one organisation, newest first.
pub async fn in_org(db: &Db, org_id: i64) -> Result<Vec<AdjustmentRow>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM dues_adjustments a JOIN members m ON m.id = a.member_id WHERE m.org_id = $1 \
         ORDER BY a.id DESC",
        COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
    ));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AdjustmentRow>(sql).bind(org_id).fetch_all(p).await)?)
}

/// Approves or rejects a pending application. A second decision is a `Conflict`: the
/// `WHERE status = 'pending'` makes the check and the write one statement.
pub async fn decide(
    db: &Db,
    id: i64,
    approve: bool,
    approver: &str,
    decided_on: &str,
    note: &str,
    by: i64,
) -> Result<()> {
    let status = if approve { "approved" } else { "rejected" };
    let done = on_pool!(db, |p| {
        sqlx::query(
        "UPDATE dues_adjustments SET status = $1, approver = $2, decided_on = $3, decision_note = $4, decided_by = $5 \
         WHERE id = $6 AND status = 'pending'"
    )
    .bind(status)
    .bind(approver)
    .bind(decided_on)
    .bind(note)
    .bind(by)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected())
    })?;
    if done == 0 {
        return Err(StoreError::Conflict("该申请已处理".into()));
    }
    Ok(())
}
