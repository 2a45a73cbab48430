//! What feeds and sitemaps read: the newest published articles with their summaries, and
//! every published article's id and last change, page by page in id order (keyset, so the
//! last sitemap file costs what the first does).

use serde::Serialize;

use crate::{Db, Result, on_pool};

/// An item of an RSS feed.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct FeedItem {
    pub id: i64,
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    pub source_unit: String,
    pub published_at: i64,
}

/// The newest published articles of the site, or of one channel.
pub async fn newest(db: &Db, channel_id: Option<i64>, limit: i64) -> Result<Vec<FeedItem>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeedItem>(
        "SELECT id, channel_id, title, summary, source_unit, published_at FROM articles \
         WHERE status = 'published' AND ($1 IS NULL OR channel_id = $1) \
         ORDER BY published_at DESC, id DESC LIMIT $2"
    )
    .bind(channel_id)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// How many articles are published.
pub async fn published_count(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM articles WHERE status = 'published'")
        .fetch_one(p)
        .await)?)
}

/// Published articles with an id above `after`, in id order: (id, last change).
pub async fn published_after(db: &Db, after: i64, limit: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT id, updated_at FROM articles WHERE status = 'published' AND id > $1 ORDER BY id LIMIT $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// The id the `n`-th published article (0-based, in id order) has, to start sitemap file
/// `n / per_file` without reading the ones before it.
pub async fn nth_published_id(db: &Db, n: i64) -> Result<Option<i64>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1 OFFSET $1"
    )
    .bind(n)
    .fetch_optional(p)
    .await)?)
}
