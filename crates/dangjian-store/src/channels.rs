//! Channels (栏目): the portal's navigation and article lists.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool};

/// A channel row.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Channel {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// `list`, `page`, `video`, `download` or `link`.
    pub kind: String,
    pub description: String,
    pub keywords: String,
    pub sort_order: i32,
    pub show_in_nav: bool,
}

/// What is needed to create a channel.
#[derive(Debug, Clone)]
pub struct NewChannel<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub description: &'a str,
    pub keywords: &'a str,
    pub sort_order: i32,
}

/// Every channel in navigation order.
pub async fn list(db: &Db) -> Result<Vec<Channel>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, Channel>(
        "SELECT id, slug, name, kind, description, keywords, sort_order, show_in_nav FROM channels ORDER BY sort_order, id"
    )
    .fetch_all(p)
    .await
    })?)
}

/// One channel by slug.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Channel> {
    on_pool!(db, |p| sqlx::query_as::<_, Channel>(
        "SELECT id, slug, name, kind, description, keywords, sort_order, show_in_nav FROM channels WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Creates a channel and returns its id. A taken slug is a `Conflict`.
pub async fn insert(db: &Db, c: &NewChannel<'_>, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO channels (slug, name, kind, description, keywords, sort_order, show_in_nav, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7) RETURNING id",
        )
        .bind(c.slug)
        .bind(c.name)
        .bind(c.kind)
        .bind(c.description)
        .bind(c.keywords)
        .bind(c.sort_order)
        .bind(now)
        .fetch_one(p)
        .await
    })?)
}
