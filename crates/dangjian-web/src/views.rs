//! The exact view counter (阅读 N 次).
//!
//! Each view adds one to an in-memory delta; a background task writes the deltas as
//! `views = views + delta` at least once a second and once more at shutdown. Additive
//! deltas keep several nodes on one PostgreSQL exact. A page shows the stored count plus
//! this node's deltas that are not yet in the database, so a reader sees their own view.

use std::{collections::HashMap, sync::Mutex};

use dangjian_store::{Db, articles};

#[derive(Default)]
struct Deltas {
    /// Views not yet handed to a flush.
    pending: HashMap<i64, i64>,
    /// Views a flush is writing right now; merged back if the write fails.
    inflight: HashMap<i64, i64>,
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
        let p = d.pending.entry(id).or_insert(0);
        *p += 1;
        let p = *p;
        p + d.inflight.get(&id).copied().unwrap_or(0)
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
        let mut d = self.deltas.lock().unwrap_or_else(|e| e.into_inner());
        let inflight = std::mem::take(&mut d.inflight);
        match result {
            Ok(()) => Ok(batch.len()),
            Err(e) => {
                for (id, n) in inflight {
                    *d.pending.entry(id).or_insert(0) += n;
                }
                Err(e)
            }
        }
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
