use std::sync::Arc;

use dangjian_store::Db;

use crate::views::ViewCounter;

/// Settings of the web layer that come from configuration, not from the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How often pending view counts are written (the issue asks for at least 1/s).
    pub flush_interval: std::time::Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            flush_interval: std::time::Duration::from_millis(1000),
        }
    }
}

/// Shared state of every handler. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub views: Arc<ViewCounter>,
    pub config: Arc<WebConfig>,
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Self {
        Self {
            db,
            views: Arc::new(ViewCounter::default()),
            config: Arc::new(config),
        }
    }
}
