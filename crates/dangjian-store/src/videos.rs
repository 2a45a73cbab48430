//! 视频点播 videos: metadata here, the file and its poster in the media store (see the web
//! layer's `media_store`).

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Video {
    pub id: i64,
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    /// Key of the file in the media store.
    pub media_key: String,
    pub mime: String,
    pub size: i64,
    /// `None` when the length could not be read.
    pub duration_ms: Option<i64>,
    pub poster_key: String,
    pub poster_kind: String,
    pub views: i64,
    pub status: String,
    pub published_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewVideo {
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    pub media_key: String,
    pub mime: String,
    pub size: i64,
    pub duration_ms: Option<i64>,
    pub poster_key: String,
    pub poster_kind: String,
    pub published_at: i64,
    pub created_by: Option<i64>,
}

const COLUMNS: &str = "id, channel_id, title, summary, media_key, mime, size, duration_ms, poster_key, poster_kind, \
                       views, status, published_at";

pub async fn insert(db: &Db, v: &NewVideo) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO videos (channel_id, title, summary, media_key, mime, size, duration_ms, poster_key, poster_kind, \
         published_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) RETURNING id"
    )
    .bind(v.channel_id)
    .bind(&v.title)
    .bind(&v.summary)
    .bind(&v.media_key)
    .bind(&v.mime)
    .bind(v.size)
    .bind(v.duration_ms)
    .bind(&v.poster_key)
    .bind(&v.poster_kind)
    .bind(v.published_at)
    .bind(v.created_by)
    .fetch_one(p)
    .await)?)
}

/// A published video: what the public may watch.
pub async fn get(db: &Db, id: i64) -> Result<Video> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM videos WHERE id = $1 AND status = 'published'"));
    on_pool!(db, |p| sqlx::query_as::<_, Video>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Any video, withdrawn ones included (for the backend).
pub async fn get_any(db: &Db, id: i64) -> Result<Video> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM videos WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Video>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Published videos of a channel, newest first.
pub async fn in_channel(db: &Db, channel_id: i64, limit: i64, offset: i64) -> Result<Vec<Video>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM videos WHERE channel_id = $1 AND status = 'published' \
         ORDER BY published_at DESC, id DESC LIMIT $2 OFFSET $3"
    ));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Video>(sql).bind(channel_id).bind(limit).bind(offset).fetch_all(p).await)?)
}

/// How many published videos a channel has (for paging).
pub async fn count_in_channel(db: &Db, channel_id: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM videos WHERE channel_id = $1 AND status = 'published'"
    )
    .bind(channel_id)
    .fetch_one(p)
    .await)?)
}

/// Videos of the given channels for the backend list, withdrawn ones included.
pub async fn for_channels(db: &Db, channel_ids: &[i64], limit: i64) -> Result<Vec<Video>> {
    if channel_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids = channel_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM videos WHERE channel_id IN ({ids}) ORDER BY published_at DESC, id DESC LIMIT $1"
    ));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Video>(sql).bind(limit).fetch_all(p).await)?)
}

/// Counts one view and returns the new total; exact under concurrency.
pub async fn count_view(db: &Db, id: i64) -> Result<i64> {
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "UPDATE videos SET views = views + 1 WHERE id = $1 AND status = 'published' RETURNING views"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Withdraws (`withdrawn`) or republishes (`published`) a video; `from` must match the
/// current status, so two editors acting at once change it once.
pub async fn set_status(db: &Db, id: i64, from: &str, to: &str) -> Result<()> {
    let done = on_pool!(db, |p| sqlx::query("UPDATE videos SET status = $3 WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(from)
        .bind(to)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict("视频状态已被他人更改，请刷新后重试".into()))
    }
}
