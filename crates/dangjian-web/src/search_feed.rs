//! Keeps this node's search index in step with the database. Changes reach the index
//! through the outbox (written in the same transaction as each change): the feed applies
//! outbox rows in id order, re-reading each article's current row, and commits the index
//! together with the last id applied. Every node runs its own feed over the same table.
//! A rebuild reads every published article; `dangjian reindex` and a `serve` that finds
//! no index use it.

use std::{sync::Arc, time::Duration};

use dangjian_search::{IndexDoc, SearchError, SearchIndex, html_to_text};
use dangjian_store::{
    Db, StoreError,
    outbox::{self, Indexable},
};

/// How often `run` looks at the outbox: a published article is searchable within about
/// this long on every node.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Outbox rows applied per index commit.
const FEED_BATCH: i64 = 500;
/// Articles read per query during a rebuild.
const REBUILD_BATCH: i64 = 500;

/// What keeping the index fed can fail with.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("search indexing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// An article row as the index holds it: the body as plain text.
pub fn to_doc(r: &Indexable) -> IndexDoc {
    IndexDoc {
        id: r.id,
        title: r.title.clone(),
        body: html_to_text(&r.body_html),
        source: r.source_unit.clone(),
        channel: r.channel_slug.clone(),
        published_at: r.published_at,
    }
}

/// Applies every outbox row the index has not seen yet; returns how many rows it applied.
/// An index that stopped before the outbox's pruning horizon (a node down for longer than
/// [`OUTBOX_RETENTION`]) is rebuilt from the database first.
pub async fn apply_pending(db: &Db, index: &Arc<SearchIndex>) -> Result<usize, FeedError> {
    let horizon = outbox::horizon(db).await?;
    if index.applied_outbox_id() + 1 < horizon {
        tracing::warn!(
            applied = index.applied_outbox_id(),
            horizon,
            "the search index is older than the pruned outbox; rebuilding it from the database"
        );
        rebuild(db, index, &|_, _| {}).await?;
    }
    let mut applied = 0;
    loop {
        let entries = outbox::after(db, index.applied_outbox_id(), FEED_BATCH).await?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok(applied);
        };
        let mut ids: Vec<i64> = entries.iter().map(|e| e.article_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = outbox::published_rows(db, &ids).await?;
        let ix = index.clone();
        tokio::task::spawn_blocking(move || -> Result<(), SearchError> {
            for id in &ids {
                match rows.iter().find(|r| r.id == *id) {
                    Some(r) => ix.upsert(&to_doc(r))?,
                    None => ix.delete(*id)?,
                }
            }
            ix.commit(last)
        })
        .await??;
        applied += entries.len();
    }
}

/// Replaces the whole index with the published articles of the database. `progress` is
/// called with (done, total) after each batch.
pub async fn rebuild(
    db: &Db,
    index: &Arc<SearchIndex>,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<u64, FeedError> {
    // The outbox position first: whatever changes while we read has a larger id and is
    // applied by the feed afterwards (re-reading the row, so twice is harmless).
    let mark = outbox::max_id(db).await?;
    let total = outbox::count_published(db).await?.max(0) as u64;
    index.clear()?;
    let mut done = 0u64;
    let mut after = 0i64;
    progress(0, total);
    loop {
        let rows = outbox::published_page(db, after, REBUILD_BATCH).await?;
        let Some(last) = rows.last().map(|r| r.id) else {
            break;
        };
        after = last;
        let n = rows.len() as u64;
        let ix = index.clone();
        // Adding a document hands it to tantivy's indexing threads, so the next page is
        // read from the database while these are segmented and indexed.
        tokio::task::spawn_blocking(move || rows.iter().try_for_each(|r| ix.upsert(&to_doc(r)))).await??;
        done += n;
        progress(done, total.max(done));
    }
    let ix = index.clone();
    tokio::task::spawn_blocking(move || ix.commit(mark)).await??;
    Ok(done)
}

/// Outbox rows older than this are pruned (the newest of them stays as the horizon).
pub const OUTBOX_RETENTION: Duration = Duration::from_secs(7 * 24 * 3600);

/// How often a node prunes the outbox.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Applies the outbox every `interval` until `stop` fires, and prunes rows older than
/// [`OUTBOX_RETENTION`] about once an hour. Failures are logged and retried at the next
/// tick; a failure never stops the site.
pub async fn run(db: Db, index: Arc<SearchIndex>, interval: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut t = tokio::time::interval(interval);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_prune = std::time::Instant::now();
    loop {
        tokio::select! {
            _ = t.tick() => {
                match apply_pending(&db, &index).await {
                    Ok(0) => {}
                    Ok(n) => tracing::debug!(entries = n, "search index updated from the outbox"),
                    Err(e) => tracing::warn!(error = %e, "search index update failed; will retry"),
                }
                if last_prune.elapsed() >= PRUNE_EVERY {
                    last_prune = std::time::Instant::now();
                    let before = dangjian_domain::clock::now_micros() - OUTBOX_RETENTION.as_micros() as i64;
                    match outbox::prune(&db, before).await {
                        Ok(0) => {}
                        Ok(n) => tracing::info!(rows = n, "search outbox pruned"),
                        Err(e) => tracing::warn!(error = %e, "search outbox pruning failed; will retry"),
                    }
                }
            }
            _ = stop.changed() => break,
        }
    }
}
