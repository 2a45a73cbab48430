//! Article revisions and their review steps. Every edit is a revision; the article row
//! keeps what the portal shows until a revision passes its last review level, so a
//! published article stays up, unchanged, while its next version is being reviewed.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, outbox, record_outbox, write_tx};

/// The editable fields of an article, as a revision carries them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Fields {
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub publisher: String,
    pub source_unit: String,
    pub editors: String,
    pub keywords: String,
    pub cover: String,
    pub is_top: bool,
    pub is_headline: bool,
    pub publish_at: i64,
    pub unpublish_at: Option<i64>,
    pub backdate_reason: String,
}

/// A stored revision.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Revision {
    pub id: i64,
    pub article_id: i64,
    pub number: i32,
    pub state: String,
    pub channel_id: i64,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub body_html: String,
    pub publisher: String,
    pub source_unit: String,
    pub editors: String,
    pub keywords: String,
    pub cover: String,
    pub is_top: bool,
    pub is_headline: bool,
    pub publish_at: i64,
    pub unpublish_at: Option<i64>,
    pub backdate_reason: String,
    pub author_id: i64,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
}

impl Revision {
    pub fn fields(&self) -> Fields {
        Fields {
            channel_id: self.channel_id,
            title: self.title.clone(),
            summary: self.summary.clone(),
            body_md: self.body_md.clone(),
            body_html: self.body_html.clone(),
            publisher: self.publisher.clone(),
            source_unit: self.source_unit.clone(),
            editors: self.editors.clone(),
            keywords: self.keywords.clone(),
            cover: self.cover.clone(),
            is_top: self.is_top,
            is_headline: self.is_headline,
            publish_at: self.publish_at,
            unpublish_at: self.unpublish_at,
            backdate_reason: self.backdate_reason.clone(),
        }
    }
}

/// One recorded review action.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Step {
    pub id: i64,
    pub revision_id: i64,
    pub level: i32,
    pub action: String,
    pub reviewer_id: i64,
    pub reviewer: String,
    pub opinion: String,
    pub at: i64,
}

const REV_SELECT: &str = "SELECT id, article_id, number, state, channel_id, title, summary, body_md, body_html, \
     publisher, source_unit, editors, keywords, cover, is_top, is_headline, publish_at, unpublish_at, backdate_reason, \
     author_id, created_at, submitted_at FROM article_revisions";

macro_rules! insert_revision {
    ($conn:expr, $article_id:expr, $number:expr, $state:expr, $f:expr, $author:expr, $now:expr) => {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO article_revisions (article_id, number, state, channel_id, title, summary, body_md, body_html, \
             publisher, source_unit, editors, keywords, cover, is_top, is_headline, publish_at, unpublish_at, \
             backdate_reason, author_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
        )
        .bind($article_id)
        .bind($number)
        .bind($state)
        .bind($f.channel_id)
        .bind(&$f.title)
        .bind(&$f.summary)
        .bind(&$f.body_md)
        .bind(&$f.body_html)
        .bind(&$f.publisher)
        .bind(&$f.source_unit)
        .bind(&$f.editors)
        .bind(&$f.keywords)
        .bind(&$f.cover)
        .bind($f.is_top)
        .bind($f.is_headline)
        .bind($f.publish_at)
        .bind($f.unpublish_at)
        .bind(&$f.backdate_reason)
        .bind($author)
        .bind($now)
        .fetch_one(&mut *$conn)
        .await?
    };
}

/// Creates a new article (status `draft`, not on the portal) with its first revision.
pub async fn create_article(db: &Db, f: &Fields, author_id: i64, now: i64) -> Result<(i64, i64)> {
    write_tx!(db, |conn| {
        let article_id: i64 = sqlx::query_scalar(
            "INSERT INTO articles (channel_id, title, summary, body_html, body_md, publisher, source_unit, editors, \
             keywords, cover, status, is_top, is_headline, views, published_at, created_at, updated_at, author_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, 0, $13, $14, $14, $15) RETURNING id",
        )
        .bind(f.channel_id)
        .bind(&f.title)
        .bind(&f.summary)
        .bind(&f.body_html)
        .bind(&f.body_md)
        .bind(&f.publisher)
        .bind(&f.source_unit)
        .bind(&f.editors)
        .bind(&f.keywords)
        .bind(&f.cover)
        .bind(f.is_top)
        .bind(f.is_headline)
        .bind(f.publish_at)
        .bind(now)
        .bind(author_id)
        .fetch_one(&mut *conn)
        .await?;
        let rev = insert_revision!(conn, article_id, 1i32, "draft", f, author_id, now);
        Ok::<_, StoreError>((article_id, rev))
    })
}

/// Starts a new draft revision of an existing article (for editing a published one, or
/// restoring an old version). Refused with `Conflict` while another revision is open.
pub async fn create_revision(db: &Db, article_id: i64, f: &Fields, author_id: i64, now: i64) -> Result<i64> {
    write_tx!(db, |conn| {
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM article_revisions WHERE article_id = $1 AND state NOT IN ('approved', 'superseded')",
        )
        .bind(article_id)
        .fetch_one(&mut *conn)
        .await?;
        if open > 0 {
            return Err(StoreError::Conflict("open_revision".into()));
        }
        let number: i32 =
            sqlx::query_scalar("SELECT COALESCE(MAX(number), 0) + 1 FROM article_revisions WHERE article_id = $1")
                .bind(article_id)
                .fetch_one(&mut *conn)
                .await?;
        Ok::<_, StoreError>(insert_revision!(conn, article_id, number, "draft", f, author_id, now))
    })
}

/// Replaces the fields of a draft revision. `NotFound` unless it is still a draft.
pub async fn update_draft(db: &Db, id: i64, f: &Fields) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE article_revisions SET channel_id = $1, title = $2, summary = $3, body_md = $4, body_html = $5, \
         publisher = $6, source_unit = $7, editors = $8, keywords = $9, cover = $10, is_top = $11, is_headline = $12, \
         publish_at = $13, unpublish_at = $14, backdate_reason = $15 WHERE id = $16 AND state = 'draft'"
    )
    .bind(f.channel_id)
    .bind(&f.title)
    .bind(&f.summary)
    .bind(&f.body_md)
    .bind(&f.body_html)
    .bind(&f.publisher)
    .bind(&f.source_unit)
    .bind(&f.editors)
    .bind(&f.keywords)
    .bind(&f.cover)
    .bind(f.is_top)
    .bind(f.is_headline)
    .bind(f.publish_at)
    .bind(f.unpublish_at)
    .bind(&f.backdate_reason)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub async fn get(db: &Db, id: i64) -> Result<Revision> {
    let sql = sqlx::AssertSqlSafe(format!("{REV_SELECT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Revision>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// All revisions of an article, newest first.
pub async fn for_article(db: &Db, article_id: i64) -> Result<Vec<Revision>> {
    let sql = sqlx::AssertSqlSafe(format!("{REV_SELECT} WHERE article_id = $1 ORDER BY number DESC"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Revision>(sql).bind(article_id).fetch_all(p).await)?)
}

/// Revisions waiting at `state` (e.g. `review2`) in the given channels, oldest first.
pub async fn queue(db: &Db, state: &str, channel_ids: &[i64]) -> Result<Vec<Revision>> {
    let mut out = Vec::new();
    for c in channel_ids {
        let sql =
            sqlx::AssertSqlSafe(format!("{REV_SELECT} WHERE state = $1 AND channel_id = $2 ORDER BY submitted_at"));
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, Revision>(sql).bind(state).bind(*c).fetch_all(p).await)?);
    }
    out.sort_by_key(|r| r.submitted_at);
    Ok(out)
}

/// Review steps of a revision, in order, with reviewer names.
pub async fn steps(db: &Db, revision_id: i64) -> Result<Vec<Step>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Step>(
        "SELECT s.id, s.revision_id, s.level, s.action, s.reviewer_id, u.username AS reviewer, s.opinion, s.at \
         FROM review_steps s JOIN users u ON u.id = s.reviewer_id WHERE s.revision_id = $1 ORDER BY s.at, s.id"
    )
    .bind(revision_id)
    .fetch_all(p)
    .await)?)
}

/// A state change of a revision with the step that caused it.
#[derive(Debug, Clone)]
pub struct Transition<'a> {
    pub revision_id: i64,
    /// The state the caller saw; the change happens only if it is still so, so two
    /// reviewers approving at once cannot both succeed.
    pub from: &'a str,
    pub to: &'a str,
    pub level: i32,
    pub action: &'a str,
    pub actor_id: i64,
    pub opinion: &'a str,
    pub now: i64,
    /// On the last approval: the article's new status (`published` or `scheduled`).
    pub apply: Option<&'a str>,
    /// On the last approval: the earliest publish time the reader may see (the first
    /// submission), so an approved article is never dated before it was submitted.
    pub publish_floor: i64,
}

/// Applies a transition atomically: compare-and-set the state, record the step, and on
/// final approval copy the revision to the article. Returns false if the state had
/// already changed (someone else acted first); nothing is written then.
pub async fn transition(db: &Db, t: &Transition<'_>) -> Result<bool> {
    write_tx!(db, |conn| {
        let changed = sqlx::query(
            "UPDATE article_revisions SET state = $1, \
             submitted_at = CASE WHEN $2 = 'submit' THEN $3 ELSE submitted_at END \
             WHERE id = $4 AND state = $5",
        )
        .bind(t.to)
        .bind(t.action)
        .bind(t.now)
        .bind(t.revision_id)
        .bind(t.from)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO review_steps (revision_id, level, action, reviewer_id, opinion, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(t.revision_id)
        .bind(t.level)
        .bind(t.action)
        .bind(t.actor_id)
        .bind(t.opinion)
        .bind(t.now)
        .execute(&mut *conn)
        .await?;
        if t.action == "submit" {
            sqlx::query(
                "UPDATE articles SET first_submitted_at = COALESCE(first_submitted_at, $1) \
                 WHERE id = (SELECT article_id FROM article_revisions WHERE id = $2)",
            )
            .bind(t.now)
            .bind(t.revision_id)
            .execute(&mut *conn)
            .await?;
        }
        if let Some(status) = t.apply {
            sqlx::query(
                "UPDATE articles SET (channel_id, title, summary, body_md, body_html, publisher, source_unit, editors, \
                 keywords, cover, is_top, is_headline, published_at, unpublish_at) = \
                 (SELECT channel_id, title, summary, body_md, body_html, publisher, source_unit, editors, keywords, \
                  cover, is_top, is_headline, publish_at, unpublish_at FROM article_revisions WHERE id = $1), \
                 status = $2, updated_at = $3 \
                 WHERE id = (SELECT article_id FROM article_revisions WHERE id = $1)",
            )
            .bind(t.revision_id)
            .bind(status)
            .bind(t.now)
            .execute(&mut *conn)
            .await?;
            sqlx::query(
                "UPDATE articles SET published_at = $1 WHERE published_at < $1 \
                 AND id = (SELECT article_id FROM article_revisions WHERE id = $2)",
            )
            .bind(t.publish_floor)
            .bind(t.revision_id)
            .execute(&mut *conn)
            .await?;
            // Older approved revisions are history now.
            sqlx::query(
                "UPDATE article_revisions SET state = 'superseded' WHERE state = 'approved' AND id <> $1 \
                 AND article_id = (SELECT article_id FROM article_revisions WHERE id = $1)",
            )
            .bind(t.revision_id)
            .execute(&mut *conn)
            .await?;
            // Published or scheduled, the article's indexed state may have changed (a
            // scheduled edit of a published article takes it off the portal until due).
            let article_id: i64 = sqlx::query_scalar("SELECT article_id FROM article_revisions WHERE id = $1")
                .bind(t.revision_id)
                .fetch_one(&mut *conn)
                .await?;
            record_outbox!(db, conn, &[article_id], outbox::PUBLISH, t.now);
        }
        Ok::<_, StoreError>(true)
    })
}

/// Publishes scheduled articles whose time has come. The single UPDATE makes each row
/// change exactly once even when several nodes run it at the same moment; the ids it
/// returns are the ones this call published (for the audit log), and the search outbox
/// hears of them in the same transaction.
pub async fn publish_due(db: &Db, now: i64) -> Result<Vec<i64>> {
    write_tx!(db, |conn| {
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE articles SET status = 'published', updated_at = $1 \
             WHERE status = 'scheduled' AND published_at <= $1 RETURNING id",
        )
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        record_outbox!(db, conn, &ids, outbox::PUBLISH, now);
        Ok::<_, StoreError>(ids)
    })
}

/// Withdraws published articles whose unpublish time has come (exactly once, as above).
pub async fn unpublish_due(db: &Db, now: i64) -> Result<Vec<i64>> {
    write_tx!(db, |conn| {
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE articles SET status = 'withdrawn', updated_at = $1 \
             WHERE status = 'published' AND unpublish_at IS NOT NULL AND unpublish_at <= $1 RETURNING id",
        )
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        record_outbox!(db, conn, &ids, outbox::UNPUBLISH, now);
        Ok::<_, StoreError>(ids)
    })
}

/// Editorial facts of an article that the portal's `Article` row does not carry.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq)]
pub struct ArticleMeta {
    pub id: i64,
    pub status: String,
    pub channel_id: i64,
    pub title: String,
    pub first_submitted_at: Option<i64>,
    pub author_id: Option<i64>,
    pub updated_at: i64,
    pub published_at: i64,
}

pub async fn article_meta(db: &Db, id: i64) -> Result<ArticleMeta> {
    on_pool!(db, |p| sqlx::query_as::<_, ArticleMeta>(
        "SELECT id, status, channel_id, title, first_submitted_at, author_id, updated_at, published_at \
         FROM articles WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Articles of some channels for the backend list, newest change first (keyset by id).
pub async fn admin_list(db: &Db, channel_ids: &[i64], before_id: Option<i64>, limit: i64) -> Result<Vec<ArticleMeta>> {
    let mut out = Vec::new();
    for c in channel_ids {
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, ArticleMeta>(
            "SELECT id, status, channel_id, title, first_submitted_at, author_id, updated_at, published_at \
             FROM articles WHERE channel_id = $1 AND ($2 IS NULL OR id < $2) ORDER BY id DESC LIMIT $3"
        )
        .bind(*c)
        .bind(before_id)
        .bind(limit)
        .fetch_all(p)
        .await)?);
    }
    out.sort_by_key(|a| std::cmp::Reverse(a.id));
    out.truncate(limit as usize);
    Ok(out)
}

/// Sets a channel's number of review levels (0–3).
pub async fn set_review_levels(db: &Db, channel_id: i64, levels: i32) -> Result<()> {
    on_pool!(db, |p| sqlx::query("UPDATE channels SET review_levels = $1 WHERE id = $2")
        .bind(levels)
        .bind(channel_id)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// A channel's number of review levels.
pub async fn review_levels(db: &Db, channel_id: i64) -> Result<i32> {
    on_pool!(db, |p| sqlx::query_scalar::<_, i32>("SELECT review_levels FROM channels WHERE id = $1")
        .bind(channel_id)
        .fetch_optional(p)
        .await)?
    .ok_or(StoreError::NotFound)
}

/// Sets an article's publish time directly (the audited correction by a 系统管理员). The
/// search index sorts by that time, so the outbox hears of it.
pub async fn set_published_at(db: &Db, id: i64, at: i64, now: i64) -> Result<()> {
    write_tx!(db, |conn| {
        let n = sqlx::query("UPDATE articles SET published_at = $1, updated_at = $2 WHERE id = $3")
            .bind(at)
            .bind(now)
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        record_outbox!(db, conn, &[id], outbox::UPDATE, now);
        Ok::<_, StoreError>(())
    })
}
