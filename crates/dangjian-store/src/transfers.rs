//! Transfers of members between organisations. Status changes are compare-and-set, and
//! the arrival moves the member in the same transaction, so a member is in exactly one
//! branch at any time and a transfer is received at most once.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Transfer {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub from_org: i64,
    pub to_org: i64,
    pub status: String,
    pub issued_on: String,
    pub due_on: String,
    pub received_on: Option<String>,
    pub receipt_on: Option<String>,
    pub note: String,
}

const SELECT: &str = "SELECT t.id, t.member_id, m.name AS member_name, t.from_org, t.to_org, t.status, t.issued_on, \
     t.due_on, t.received_on, t.receipt_on, t.note FROM transfers t JOIN members m ON m.id = t.member_id";

/// Opens a transfer; refused (`Conflict`) while the member has another open one.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    db: &Db,
    member_id: i64,
    from_org: i64,
    to_org: i64,
    issued_on: &str,
    due_on: &str,
    note: &str,
    by: i64,
    now: i64,
) -> Result<i64> {
    write_tx!(db, |conn| {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM transfers WHERE member_id = $1 AND status IN ('issued', 'in_transit')",
        )
        .bind(member_id)
        .fetch_one(&mut *conn)
        .await?;
        if open > 0 {
            return Err(StoreError::Conflict("open_transfer".into()));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO transfers (member_id, from_org, to_org, status, issued_on, due_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, 'issued', $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(member_id)
        .bind(from_org)
        .bind(to_org)
        .bind(issued_on)
        .bind(due_on)
        .bind(note)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        Ok::<_, StoreError>(id)
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Transfer> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Transfer>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Transfers that leave or reach some organisations, newest first.
pub async fn for_orgs(db: &Db, org_ids: &[i64]) -> Result<Vec<Transfer>> {
    let mut out: Vec<Transfer> = Vec::new();
    for o in org_ids {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE t.from_org = $1 OR t.to_org = $1"));
        for t in on_pool!(db, |p| sqlx::query_as::<_, Transfer>(sql).bind(*o).fetch_all(p).await)? {
            if !out.iter().any(|x| x.id == t.id) {
                out.push(t);
            }
        }
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.id));
    Ok(out)
}

/// Changes the status if it is still `from`; on arrival also moves the member. Returns
/// false when someone else acted first.
pub async fn transition(db: &Db, id: i64, from: &str, to: &str, on: &str) -> Result<bool> {
    write_tx!(db, |conn| {
        let n = sqlx::query(
            "UPDATE transfers SET status = $1, \
             received_on = CASE WHEN $1 = 'received' THEN $2 ELSE received_on END, \
             receipt_on = CASE WHEN $1 = 'receipt_returned' THEN $2 ELSE receipt_on END \
             WHERE id = $3 AND status = $4",
        )
        .bind(to)
        .bind(on)
        .bind(id)
        .bind(from)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        if to == "received" {
            sqlx::query(
                "UPDATE members SET org_id = (SELECT to_org FROM transfers WHERE id = $1), group_id = NULL \
                 WHERE id = (SELECT member_id FROM transfers WHERE id = $1)",
            )
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(true)
    })
}
