//! Background jobs of a node: scheduled publish and unpublish, and clean-up of expired
//! sessions and old login failures. Each job is a single conditional UPDATE/DELETE, so
//! several nodes running them at once still change each row exactly once.

use dangjian_domain::clock;
use dangjian_store::{
    audit::{self, NewEvent},
    revisions, sessions,
    users::failures,
};

use crate::AppState;

/// What one run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tick {
    pub published: Vec<i64>,
    pub withdrawn: Vec<i64>,
}

async fn audit_system(st: &AppState, action: &str, id: i64, now: i64) -> Result<(), dangjian_store::StoreError> {
    audit::append(
        &st.db,
        &NewEvent {
            at: now,
            username: "system".into(),
            client_ip: "local".into(),
            request_id: "-".into(),
            action: action.into(),
            target: format!("article:{id}"),
            outcome: "success".into(),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())
}

/// Runs every job once at `now`.
pub async fn tick(st: &AppState, now: i64) -> Result<Tick, dangjian_store::StoreError> {
    let published = revisions::publish_due(&st.db, now).await?;
    for id in &published {
        audit_system(st, "article.scheduled_publish", *id, now).await?;
    }
    let withdrawn = revisions::unpublish_due(&st.db, now).await?;
    for id in &withdrawn {
        audit_system(st, "article.scheduled_unpublish", *id, now).await?;
    }
    if !published.is_empty() || !withdrawn.is_empty() {
        // This node shows its own scheduled changes on the next request.
        st.content.refresh(&st.db).await?;
    }
    sessions::delete_expired(&st.db, now).await?;
    failures::prune(&st.db, st.config.lockout.horizon(now)).await?;
    Ok(Tick { published, withdrawn })
}

/// Runs the jobs every `interval` until `stop` fires.
pub async fn run(st: AppState, interval: std::time::Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut t = tokio::time::interval(interval);
    t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = t.tick() => {
                match tick(&st, clock::now_micros()).await {
                    Ok(r) if !r.published.is_empty() || !r.withdrawn.is_empty() => {
                        tracing::info!(published = ?r.published, withdrawn = ?r.withdrawn, "scheduled jobs ran");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "scheduled jobs failed; will retry"),
                }
            }
            _ = stop.changed() => break,
        }
    }
}
