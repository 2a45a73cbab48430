//! Server-side sessions: the record is opaque text (the web layer serialises it); rows
//! expire by `expires_at`, and several nodes share them through the database.

use crate::{Db, Result, on_pool};

pub async fn load(db: &Db, id: &str, now: i64) -> Result<Option<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT data FROM sessions WHERE id = $1 AND expires_at > $2"
    )
    .bind(id)
    .bind(now)
    .fetch_optional(p)
    .await)?)
}

pub async fn save(db: &Db, id: &str, data: &str, expires_at: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at"
    )
    .bind(id)
    .bind(data)
    .bind(expires_at)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Inserts only if the id is new; returns false on a collision.
pub async fn create(db: &Db, id: &str, data: &str, expires_at: i64) -> Result<bool> {
    Ok(on_pool!(db, |p| {
        sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(id)
            .bind(data)
            .bind(expires_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected() == 1)
    })?)
}

pub async fn delete(db: &Db, id: &str) -> Result<()> {
    on_pool!(db, |p| sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(p).await.map(|_| ()))?;
    Ok(())
}

pub async fn delete_expired(db: &Db, now: i64) -> Result<u64> {
    Ok(on_pool!(db, |p| sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?)
}
