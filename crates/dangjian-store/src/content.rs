//! The content version: one number that every change to what the portal shows raises
//! (triggers of migration 0011, in the same transaction as the change). Portal caches
//! compare it to decide whether what they hold is still current.

use crate::{Db, Result, on_pool};

/// The current content version.
pub async fn version(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT version FROM content_version WHERE id = 1")
        .fetch_one(p)
        .await)?)
}
