//! Articles: what the portal shows and the editors write.

use serde::Serialize;
use sqlx::QueryBuilder;

use crate::{Db, Result, StoreError, on_pool, outbox, record_outbox, write_tx};

/// Status of an article. Only `published` ones reach the portal.
pub const PUBLISHED: &str = "published";

/// A whole article, as the article page shows it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Article {
    pub id: i64,
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    /// Sanitised HTML. The portal emits it as is, so only sanitised text may be stored.
    pub body_html: String,
    /// 发布者
    pub publisher: String,
    /// 供稿单位
    pub source_unit: String,
    /// 责编
    pub editors: String,
    pub keywords: String,
    /// Cover image: a media-store path (`/media/…`) or an https address; empty for none.
    pub cover: String,
    pub status: String,
    pub is_top: bool,
    pub is_headline: bool,
    pub views: i64,
    pub published_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A row of a title list.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct ArticleItem {
    pub id: i64,
    pub channel_id: i64,
    pub title: String,
    pub published_at: i64,
    /// 置顶: lists show it first, with a mark.
    pub is_top: bool,
}

/// Fields of a new article. The caller supplies times (computed in Rust).
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    pub body_html: String,
    pub publisher: String,
    pub source_unit: String,
    pub editors: String,
    pub keywords: String,
    pub status: String,
    pub is_top: bool,
    pub is_headline: bool,
    pub views: i64,
    pub published_at: i64,
    pub created_at: i64,
}

/// One published article; `NotFound` for drafts, unknown ids and withdrawn ones.
pub async fn get_published(db: &Db, id: i64) -> Result<Article> {
    on_pool!(db, |p| sqlx::query_as::<_, Article>(
        "SELECT id, channel_id, title, summary, body_html, publisher, source_unit, editors, keywords, cover, \
         status, is_top, is_headline, views, published_at, created_at, updated_at \
         FROM articles WHERE id = $1 AND status = 'published'"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Sets an article's cover (the demo's generated covers; editors set covers through a
/// revision). Moves the content version like every article change.
pub async fn set_cover(db: &Db, id: i64, cover: &str) -> Result<()> {
    on_pool!(db, |p| sqlx::query("UPDATE articles SET cover = $2 WHERE id = $1")
        .bind(id)
        .bind(cover)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The latest published titles of a channel, newest first.
pub async fn latest_in_channel(db: &Db, channel_id: i64, limit: i64) -> Result<Vec<ArticleItem>> {
    page_in_channel(db, channel_id, 0, limit).await
}

/// One page of a channel's published titles: 置顶 (pinned) first, then newest first.
pub async fn page_in_channel(db: &Db, channel_id: i64, offset: i64, limit: i64) -> Result<Vec<ArticleItem>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleItem>(
        "SELECT id, channel_id, title, published_at, is_top FROM articles \
         WHERE channel_id = $1 AND status = 'published' \
         ORDER BY is_top DESC, published_at DESC, id DESC LIMIT $2 OFFSET $3"
    )
    .bind(channel_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?)
}

/// Where a channel list stands: the sort key of a row in the list order
/// (置顶 first, then newest first, the id breaking ties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ListKey {
    pub is_top: bool,
    pub published_at: i64,
    pub id: i64,
}

/// The published count of a channel and the key of every `every`-th row in list order
/// (rows `every`, `2 × every`, …): the last row of each full page, so that page `n + 1`
/// starts after `marks[n - 1]` without an OFFSET scan. One pass over the channel's
/// index; callers keep the result until the content changes.
pub async fn list_marks(db: &Db, channel_id: i64, every: i64) -> Result<(i64, Vec<ListKey>)> {
    #[derive(sqlx::FromRow)]
    struct Mark {
        is_top: bool,
        published_at: i64,
        id: i64,
        rn: i64,
        total: i64,
    }
    let rows: Vec<Mark> = on_pool!(db, |p| sqlx::query_as::<_, Mark>(
        "SELECT is_top, published_at, id, rn, total FROM ( \
           SELECT is_top, published_at, id, \
                  ROW_NUMBER() OVER (ORDER BY is_top DESC, published_at DESC, id DESC) AS rn, \
                  COUNT(*) OVER () AS total \
           FROM articles WHERE channel_id = $1 AND status = 'published') AS l \
         WHERE rn % $2 = 0 OR rn = total ORDER BY rn"
    )
    .bind(channel_id)
    .bind(every)
    .fetch_all(p)
    .await)?;
    let total = rows.last().map(|m| m.total).unwrap_or(0);
    let marks = rows
        .iter()
        .filter(|m| m.rn % every == 0)
        .map(|m| ListKey { is_top: m.is_top, published_at: m.published_at, id: m.id })
        .collect();
    Ok((total, marks))
}

/// Up to `limit` published titles of a channel in list order, starting after `after`
/// (from the top when `None`). A keyset page: the index is entered at the key, so the
/// last page costs what the first does.
pub async fn page_after(db: &Db, channel_id: i64, after: Option<ListKey>, limit: i64) -> Result<Vec<ArticleItem>> {
    let Some(k) = after else {
        return page_in_channel(db, channel_id, 0, limit).await;
    };
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleItem>(
        "SELECT id, channel_id, title, published_at, is_top FROM articles \
         WHERE channel_id = $1 AND status = 'published' AND (is_top, published_at, id) < ($2, $3, $4) \
         ORDER BY is_top DESC, published_at DESC, id DESC LIMIT $5"
    )
    .bind(channel_id)
    .bind(k.is_top)
    .bind(k.published_at)
    .bind(k.id)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Stored view counts of some articles (ids that do not exist are left out).
pub async fn views_of(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows: Vec<(i64, i64)> = on_pool!(db, |p| {
            let mut qb = QueryBuilder::new("SELECT id, views FROM articles WHERE id IN (");
            let mut sep = qb.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            qb.push(")");
            qb.build_query_as().fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// Number of published articles in a channel.
pub async fn count_in_channel(db: &Db, channel_id: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM articles WHERE channel_id = $1 AND status = 'published'"
    )
    .bind(channel_id)
    .fetch_one(p)
    .await)?)
}

/// 头条: the latest published headline articles of the whole site.
pub async fn headlines(db: &Db, limit: i64) -> Result<Vec<ArticleItem>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleItem>(
        "SELECT id, channel_id, title, published_at, is_top FROM articles \
         WHERE status = 'published' AND is_headline \
         ORDER BY published_at DESC, id DESC LIMIT $1"
    )
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// 上一篇 (the next older article in the same channel) and 下一篇 (the next newer one),
/// ordered by publish time with the id breaking ties, as the list pages order them.
pub async fn neighbours(db: &Db, a: &Article) -> Result<(Option<ArticleItem>, Option<ArticleItem>)> {
    let older = on_pool!(db, |p| sqlx::query_as::<_, ArticleItem>(
        "SELECT id, channel_id, title, published_at, is_top FROM articles \
         WHERE channel_id = $1 AND status = 'published' \
           AND (published_at, id) < ($2, $3) \
         ORDER BY published_at DESC, id DESC LIMIT 1"
    )
    .bind(a.channel_id)
    .bind(a.published_at)
    .bind(a.id)
    .fetch_optional(p)
    .await)?;
    let newer = on_pool!(db, |p| sqlx::query_as::<_, ArticleItem>(
        "SELECT id, channel_id, title, published_at, is_top FROM articles \
         WHERE channel_id = $1 AND status = 'published' \
           AND (published_at, id) > ($2, $3) \
         ORDER BY published_at ASC, id ASC LIMIT 1"
    )
    .bind(a.channel_id)
    .bind(a.published_at)
    .bind(a.id)
    .fetch_optional(p)
    .await)?;
    Ok((older, newer))
}

/// Stored view count of an article.
pub async fn views(db: &Db, id: i64) -> Result<i64> {
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT views FROM articles WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await)?
    .ok_or(StoreError::NotFound)
}

/// Adds view deltas in one transaction. Deltas are additive (`views = views + $1`), so
/// several nodes flushing into one PostgreSQL never lose each other's counts.
pub async fn add_views(db: &Db, deltas: &[(i64, i64)]) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    write_tx!(db, |conn| {
        for (id, delta) in deltas {
            sqlx::query("UPDATE articles SET views = views + $1 WHERE id = $2")
                .bind(*delta)
                .bind(*id)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// Inserts one article and returns its id.
pub async fn insert(db: &Db, a: &NewArticle) -> Result<i64> {
    let ids = insert_many(db, std::slice::from_ref(a)).await?;
    Ok(ids[0])
}

/// Rows per multi-row INSERT: 15 columns × 500 rows stays under both backends' limit
/// on bound parameters (SQLite 32766, PostgreSQL 65535).
const INSERT_BATCH: usize = 500;

/// Inserts many articles in one write transaction and returns their ids in order.
pub async fn insert_many(db: &Db, rows: &[NewArticle]) -> Result<Vec<i64>> {
    write_tx!(db, |conn| {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(INSERT_BATCH) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO articles (channel_id, title, summary, body_html, publisher, source_unit, editors, \
                 keywords, status, is_top, is_headline, views, published_at, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, a| {
                b.push_bind(a.channel_id)
                    .push_bind(a.title.clone())
                    .push_bind(a.summary.clone())
                    .push_bind(a.body_html.clone())
                    .push_bind(a.publisher.clone())
                    .push_bind(a.source_unit.clone())
                    .push_bind(a.editors.clone())
                    .push_bind(a.keywords.clone())
                    .push_bind(a.status.clone())
                    .push_bind(a.is_top)
                    .push_bind(a.is_headline)
                    .push_bind(a.views)
                    .push_bind(a.published_at)
                    .push_bind(a.created_at)
                    .push_bind(a.created_at);
            });
            qb.push(" RETURNING id");
            let got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
            ids.extend(got);
        }
        let published: Vec<i64> =
            ids.iter().zip(rows).filter(|(_, a)| a.status == PUBLISHED).map(|(id, _)| *id).collect();
        let now = rows.iter().map(|a| a.created_at).max().unwrap_or(0);
        record_outbox!(db, conn, &published, outbox::PUBLISH, now);
        Ok::<_, StoreError>(ids)
    })
}

/// Sets an article's status (publish, withdraw), telling the search outbox in the same
/// transaction.
pub async fn set_status(db: &Db, id: i64, status: &str, now: i64) -> Result<()> {
    write_tx!(db, |conn| {
        let n = sqlx::query("UPDATE articles SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        let op = if status == PUBLISHED { outbox::PUBLISH } else { outbox::UNPUBLISH };
        record_outbox!(db, conn, &[id], op, now);
        Ok::<_, StoreError>(())
    })
}

/// Total number of articles (any status), for `demo` to refuse a non-empty database.
pub async fn count_all(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM articles").fetch_one(p).await)?)
}
