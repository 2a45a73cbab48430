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
    /// The channel above this one in the tree (None for a top-level channel).
    pub parent_id: Option<i64>,
    /// Target of a `link` channel.
    pub external_url: String,
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
        "SELECT id, slug, name, kind, description, keywords, sort_order, show_in_nav, parent_id, external_url FROM channels ORDER BY sort_order, id"
    )
    .fetch_all(p)
    .await
    })?)
}

/// One channel by slug.
pub async fn by_slug(db: &Db, slug: &str) -> Result<Channel> {
    on_pool!(db, |p| sqlx::query_as::<_, Channel>(
        "SELECT id, slug, name, kind, description, keywords, sort_order, show_in_nav, parent_id, external_url FROM channels WHERE slug = $1"
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

/// The editable fields of a channel.
#[derive(Debug, Clone)]
pub struct ChannelEdit {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub description: String,
    pub keywords: String,
    pub sort_order: i32,
    pub show_in_nav: bool,
    pub parent_id: Option<i64>,
    pub external_url: String,
}

/// Creates (`id = None`) or changes a channel. A taken slug is a `Conflict`.
pub async fn save(db: &Db, id: Option<i64>, c: &ChannelEdit, now: i64) -> Result<i64> {
    match id {
        None => Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
            "INSERT INTO channels (slug, name, kind, description, keywords, sort_order, show_in_nav, parent_id, \
             external_url, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id"
        )
        .bind(&c.slug)
        .bind(&c.name)
        .bind(&c.kind)
        .bind(&c.description)
        .bind(&c.keywords)
        .bind(c.sort_order)
        .bind(c.show_in_nav)
        .bind(c.parent_id)
        .bind(&c.external_url)
        .bind(now)
        .fetch_one(p)
        .await)?),
        Some(id) => {
            let n = on_pool!(db, |p| {
                sqlx::query(
                "UPDATE channels SET slug = $1, name = $2, kind = $3, description = $4, keywords = $5, sort_order = $6, \
                 show_in_nav = $7, parent_id = $8, external_url = $9 WHERE id = $10"
            )
            .bind(&c.slug)
            .bind(&c.name)
            .bind(&c.kind)
            .bind(&c.description)
            .bind(&c.keywords)
            .bind(c.sort_order)
            .bind(c.show_in_nav)
            .bind(c.parent_id)
            .bind(&c.external_url)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
            })?;
            if n == 0 { Err(StoreError::NotFound) } else { Ok(id) }
        }
    }
}
