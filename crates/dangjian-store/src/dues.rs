//! 党费 bases and payments. Amounts are decimal strings; the rules live in the domain.

use crate::{Db, Result, StoreError, on_pool};

/// `$n, $n+1, …` for an `IN (…)` list of `count` values starting at parameter `first`.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Members per `IN (…)` query: far below PostgreSQL's 65,535 bind parameters.
const CHUNK: usize = 500;

/// The base in force for each member of some organisation in a month:
/// (member id, category, base, effective month).
pub async fn bases_for(db: &Db, member_ids: &[i64], month: &str) -> Result<Vec<(i64, String, String, String)>> {
    let history = base_history(db, member_ids).await?;
    let mut out: Vec<(i64, String, String, String)> = Vec::new();
    // History is ordered by member, then month and id ascending: the last row at or
    // before `month` wins.
    for row in history.into_iter().filter(|r| r.3.as_str() <= month) {
        match out.last_mut() {
            Some(last) if last.0 == row.0 => *last = row,
            _ => out.push(row),
        }
    }
    Ok(out)
}

/// Every base ever set for these members, (member id, category, base, effective month),
/// ordered by member, month and entry order, so a yearly view can apply each month's base.
pub async fn base_history(db: &Db, member_ids: &[i64]) -> Result<Vec<(i64, String, String, String)>> {
    let mut out = Vec::new();
    for chunk in member_ids.chunks(CHUNK) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT member_id, category, base, effective_month FROM dues_bases WHERE member_id IN ({}) \
             ORDER BY member_id, effective_month, id",
            placeholders(1, chunk.len())
        ));
        out.extend(on_pool!(db, |p| {
            let mut q = sqlx::query_as::<_, (i64, String, String, String)>(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?);
    }
    Ok(out)
}

pub async fn set_base(
    db: &Db,
    member_id: i64,
    category: &str,
    base: &str,
    from_month: &str,
    by: i64,
    now: i64,
) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
        "INSERT INTO dues_bases (member_id, category, base, effective_month, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)"
    )
    .bind(member_id)
    .bind(category)
    .bind(base)
    .bind(from_month)
    .bind(by)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// A payment row: (member id, month, amount, paid on, method).
pub type Payment = (i64, String, String, String, String);

/// Payments of some members (every month), for arrears and the month's table, ordered
/// by member and month.
pub async fn payments_for(db: &Db, member_ids: &[i64]) -> Result<Vec<Payment>> {
    let mut out = Vec::new();
    for chunk in member_ids.chunks(CHUNK) {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT member_id, month, amount, paid_on, method FROM dues_payments WHERE member_id IN ({}) \
             ORDER BY member_id, month",
            placeholders(1, chunk.len())
        ));
        out.extend(on_pool!(db, |p| {
            let mut q = sqlx::query_as::<_, Payment>(sql);
            for id in chunk {
                q = q.bind(*id);
            }
            q.fetch_all(p).await
        })?);
    }
    Ok(out)
}

/// Records a payment; a second payment for the same member and month is a `Conflict`.
pub async fn record_payment(db: &Db, p: &Payment, by: i64, now: i64) -> Result<()> {
    let r = on_pool!(db, |pool| sqlx::query(
        "INSERT INTO dues_payments (member_id, month, amount, paid_on, method, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(p.0)
    .bind(&p.1)
    .bind(&p.2)
    .bind(&p.3)
    .bind(&p.4)
    .bind(by)
    .bind(now)
    .execute(pool)
    .await
    .map(|_| ()));
    r.map_err(StoreError::from)
}
