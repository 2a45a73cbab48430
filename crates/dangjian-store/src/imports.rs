//! Pending roster imports: the checked rows wait here until the user confirms.

use crate::{Db, Result, StoreError, on_pool, write_tx};

pub async fn save(db: &Db, token: &str, user_id: i64, org_id: i64, payload: &str, now: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO pending_imports (token, user_id, org_id, payload, created_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token)
    .bind(user_id)
    .bind(org_id)
    .bind(payload)
    .bind(now)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Takes (reads and deletes) a pending import of this user, if not older than `since`.
pub async fn take(db: &Db, token: &str, user_id: i64, since: i64) -> Result<(i64, String)> {
    write_tx!(db, |conn| {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT org_id, payload FROM pending_imports WHERE token = $1 AND user_id = $2 AND created_at >= $3",
        )
        .bind(token)
        .bind(user_id)
        .bind(since)
        .fetch_optional(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM pending_imports WHERE token = $1").bind(token).execute(&mut *conn).await?;
        row.ok_or(StoreError::NotFound)
    })
}

/// Whether some ID-number hashes are already stored: returns those that are.
pub async fn existing_hashes(db: &Db, hashes: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for h in hashes {
        let n: i64 = on_pool!(db, |p| sqlx::query_scalar("SELECT COUNT(*) FROM members WHERE id_number_hash = $1")
            .bind(h)
            .fetch_one(p)
            .await)?;
        if n > 0 {
            out.push(h.clone());
        }
    }
    Ok(out)
}
