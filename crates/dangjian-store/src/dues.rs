//! 党费 bases and payments. Amounts are decimal strings; the rules live in the domain.

use crate::{Db, Result, StoreError, on_pool};

/// The base in force for each member of some organisation in a month:
/// (member id, category, base, effective month).
pub async fn bases_for(db: &Db, member_ids: &[i64], month: &str) -> Result<Vec<(i64, String, String, String)>> {
    let mut out = Vec::new();
    for m in member_ids {
        let row: Option<(i64, String, String, String)> = on_pool!(db, |p| sqlx::query_as(
            "SELECT member_id, category, base, effective_month FROM dues_bases \
             WHERE member_id = $1 AND effective_month <= $2 ORDER BY effective_month DESC, id DESC LIMIT 1"
        )
        .bind(*m)
        .bind(month)
        .fetch_optional(p)
        .await)?;
        out.extend(row);
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

/// Payments of some members (every month), for arrears and the month's table.
pub async fn payments_for(db: &Db, member_ids: &[i64]) -> Result<Vec<Payment>> {
    let mut out = Vec::new();
    for m in member_ids {
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, Payment>(
            "SELECT member_id, month, amount, paid_on, method FROM dues_payments WHERE member_id = $1 ORDER BY month"
        )
        .bind(*m)
        .fetch_all(p)
        .await)?);
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
