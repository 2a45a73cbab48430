//! Friendly links (友情链接), shown in rows at the foot of every portal page.

use serde::Serialize;

use crate::{Db, Result, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Link {
    pub id: i64,
    /// Links of one group share a row, as on the seed page.
    pub group_name: String,
    pub name: String,
    pub url: String,
    pub sort_order: i32,
}

/// All links by group, then order.
pub async fn list(db: &Db) -> Result<Vec<Link>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, Link>(
            "SELECT id, group_name, name, url, sort_order FROM friendly_links ORDER BY group_name, sort_order, id",
        )
        .fetch_all(p)
        .await
    })?)
}

pub async fn insert(db: &Db, group: &str, name: &str, url: &str, order: i32) -> Result<i64> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO friendly_links (group_name, name, url, sort_order) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(group)
        .bind(name)
        .bind(url)
        .bind(order)
        .fetch_one(p)
        .await
    })?)
}

/// Changes one link; `NotFound` for an unknown id.
pub async fn update(db: &Db, id: i64, group: &str, name: &str, url: &str, order: i32) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE friendly_links SET group_name = $1, name = $2, url = $3, sort_order = $4 WHERE id = $5"
    )
    .bind(group)
    .bind(name)
    .bind(url)
    .bind(order)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 { Err(crate::StoreError::NotFound) } else { Ok(()) }
}

/// Removes one link.
pub async fn delete(db: &Db, id: i64) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query("DELETE FROM friendly_links WHERE id = $1")
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(crate::StoreError::NotFound) } else { Ok(()) }
}
