//! Site settings: a key/value table for everything in the header and footer.

use std::collections::BTreeMap;

use crate::{Db, Result, on_pool};

/// All settings as a sorted map.
pub async fn all(db: &Db) -> Result<BTreeMap<String, String>> {
    let rows: Vec<(String, String)> =
        on_pool!(db, |p| sqlx::query_as("SELECT key, value FROM settings").fetch_all(p).await)?;
    Ok(rows.into_iter().collect())
}

/// Inserts or replaces one setting.
pub async fn set(db: &Db, key: &str, value: &str) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(p)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Sets several settings in one transaction: all are written or none.
pub async fn set_many(db: &Db, pairs: &[(&str, &str)]) -> Result<()> {
    crate::write_tx!(db, |conn| {
        for (k, v) in pairs {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(*k)
            .bind(*v)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, crate::StoreError>(())
    })
}
