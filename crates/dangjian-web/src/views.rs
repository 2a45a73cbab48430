//! The exact view counter (阅读 N 次).
//!
//! Each view adds one to an in-memory delta; a background task writes the deltas as
//! `views = views + delta` at least once a second and once more at shutdown. Additive
//! deltas keep several nodes on one PostgreSQL exact.
//!
//! The count a page shows is the stored count as this node last read it plus this node's
//! views since that read, so a reader sees their own view and no request needs a query
//! while the article is being read: the row is read on the first view (and again after a
//! while without views), and re-read after each flush that wrote views of it, which is
//! also when other nodes' views show up here (at most a flush interval behind).

use std::{collections::HashMap, sync::Mutex};

use dangjian_store::{Db, articles};

/// Flushes an article may go without views before its counts are read afresh.
const IDLE_FLUSHES: u32 = 30;

#[derive(Default)]
struct Deltas {
    /// Views not yet handed to a flush.
    pending: HashMap<i64, i64>,
    /// Views a flush is writing right now; merged back if the write fails.
    inflight: HashMap<i64, i64>,
    /// Articles whose count this node knows.
    seen: HashMap<i64, Seen>,
}

/// `stored` as read from the database plus `since` (this node's views after that read)
/// is the count to show.
struct Seen {
    stored: i64,
    since: i64,
    idle: u32,
}

/// In-memory view deltas of this node.
#[derive(Default)]
pub struct ViewCounter {
    deltas: Mutex<Deltas>,
    /// Serialises flushes so a delta is never written twice.
    flushing: tokio::sync::Mutex<()>,
}

impl ViewCounter {
    /// Records one view and returns this node's unflushed views of the article,
    /// including this one.
    pub fn hit(&self, id: i64) -> i64 {
        let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        Self::record(&mut d, id).0
    }

    /// Counts one view; returns the unflushed views and, when known, the count to show.
    fn record(d: &mut Deltas, id: i64) -> (i64, Option<i64>) {
        let p = d.pending.entry(id).or_insert(0);
        *p += 1;
        let p = *p;
        let shown = d.seen.get_mut(&id).map(|s| {
            s.since += 1;
            s.idle = 0;
            s.stored + s.since
        });
        (p + d.inflight.get(&id).copied().unwrap_or(0), shown)
    }

    /// Records one view of a published article and returns the count its page shows,
    /// this view included. Reads the stored count only when this node does not know it.
    pub async fn view(&self, db: &Db, id: i64) -> Result<i64, dangjian_store::StoreError> {
        let known = || {
            let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
            if d.seen.contains_key(&id) { Self::record(&mut d, id).1 } else { None }
        };
        if let Some(shown) = known() {
            return Ok(shown);
        }
        // No flush may run between reading the row and taking this node's pending views:
        // with the flush lock held nothing is in flight, and what is pending is exactly
        // what the row does not hold yet.
        let _no_flush = self.flushing.lock().await;
        // Another request may have read the row while this one waited.
        if let Some(shown) = known() {
            return Ok(shown);
        }
        let stored = articles::views(db, id).await?;
        let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        let since = d.pending.get(&id).copied().unwrap_or(0);
        d.seen.insert(id, Seen { stored, since, idle: 0 });
        Ok(Self::record(&mut d, id).1.unwrap_or_default())
    }

    /// This node's unflushed views of an article.
    pub fn unflushed(&self, id: i64) -> i64 {
        let d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        d.pending.get(&id).copied().unwrap_or(0) + d.inflight.get(&id).copied().unwrap_or(0)
    }

    /// Writes every pending delta in one transaction. On failure the deltas go back to
    /// pending, so nothing is lost and nothing is written twice.
    pub async fn flush(&self, db: &Db) -> Result<usize, dangjian_store::StoreError> {
        let _one_at_a_time = self.flushing.lock().await;
        let batch: Vec<(i64, i64)> = {
            let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
            let taken = std::mem::take(&mut d.pending);
            d.inflight = taken.clone();
            let mut v: Vec<(i64, i64)> = taken.into_iter().collect();
            // A stable order keeps concurrent flushes of several nodes from deadlocking.
            v.sort_unstable();
            v
        };
        if batch.is_empty() {
            return Ok(0);
        }
        let result = articles::add_views(db, &batch).await;
        {
            let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
            let inflight = std::mem::take(&mut d.inflight);
            if let Err(e) = result {
                for (id, n) in inflight {
                    *d.pending.entry(id).or_insert(0) += n;
                }
                return Err(e);
            }
        }
        // Read back what was written: the rows now hold this node's views up to the
        // batch and every other node's flushed views. Stale entries are forgotten.
        let ids: Vec<i64> = batch.iter().map(|(id, _)| *id).collect();
        let stored = articles::views_of(db, &ids).await;
        let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        let d = &mut *d;
        d.seen.retain(|_, s| {
            s.idle += 1;
            s.idle <= IDLE_FLUSHES
        });
        // On a failed read the entries stay as they are: still exact for this node.
        if let Ok(rows) = stored {
            for (id, views) in rows {
                if let Some(s) = d.seen.get_mut(&id) {
                    s.stored = views;
                    s.since = d.pending.get(&id).copied().unwrap_or(0);
                    s.idle = 0;
                }
            }
        }
        Ok(batch.len())
    }

    /// Flushes every `interval` until `stop` fires, then flushes once more.
    pub async fn run(&self, db: Db, interval: std::time::Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    if let Err(e) = self.flush(&db).await {
                        tracing::warn!(error = %e, "view count flush failed; will retry");
                    }
                }
                _ = stop.changed() => break,
            }
        }
        if let Err(e) = self.flush(&db).await {
            tracing::error!(error = %e, "final view count flush failed");
        }
    }
}
