//! 资料中心 documents: metadata here, bytes in the documents store (see the web layer).

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Document {
    pub id: i64,
    pub channel_id: i64,
    pub title: String,
    pub file_name: String,
    pub ext: String,
    pub mime: String,
    pub size: i64,
    /// Relative to the documents store.
    pub path: String,
    pub downloads: i64,
    pub published_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewDocument {
    pub channel_id: i64,
    pub title: String,
    pub file_name: String,
    pub ext: String,
    pub mime: String,
    pub size: i64,
    pub path: String,
    pub published_at: i64,
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, channel_id, title, file_name, ext, mime, size, path, downloads, published_at";

pub async fn insert(db: &Db, d: &NewDocument) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO documents (channel_id, title, file_name, ext, mime, size, path, published_at, created_by, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id"
    )
    .bind(d.channel_id)
    .bind(&d.title)
    .bind(&d.file_name)
    .bind(&d.ext)
    .bind(&d.mime)
    .bind(d.size)
    .bind(&d.path)
    .bind(d.published_at)
    .bind(d.created_by)
    .fetch_one(p)
    .await)?)
}

/// A published document.
pub async fn get(db: &Db, id: i64) -> Result<Document> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM documents WHERE id = $1 AND status = 'published'"));
    on_pool!(db, |p| sqlx::query_as::<_, Document>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Published documents of a channel, newest first.
pub async fn in_channel(db: &Db, channel_id: i64, limit: i64) -> Result<Vec<Document>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM documents WHERE channel_id = $1 AND status = 'published' \
         ORDER BY published_at DESC, id DESC LIMIT $2"
    ));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Document>(sql).bind(channel_id).bind(limit).fetch_all(p).await)?)
}

/// Counts one download; exact under concurrency (a single `UPDATE … + 1`).
pub async fn count_download(db: &Db, id: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query("UPDATE documents SET downloads = downloads + 1 WHERE id = $1")
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}
