use std::{net::IpAddr, path::PathBuf, sync::Arc, time::Duration};

use dangjian_domain::{lockout::LockoutPolicy, password::PasswordPolicy};
use dangjian_store::Db;

use crate::views::ViewCounter;

/// Settings of the web layer that come from configuration, not from the database.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How often pending view counts are written (the issue asks for at least 1/s).
    pub flush_interval: Duration,
    /// Proxies whose `X-Forwarded-For` is believed; empty means none.
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark cookies `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// A session ends after this long without a request (等保: 10–30 minutes).
    pub session_idle: Duration,
    /// …and after this long in any case.
    pub session_absolute: Duration,
    pub password_policy: PasswordPolicy,
    pub lockout: LockoutPolicy,
    /// Where uploaded media live (`<data>/media` by default); served at `/media/`.
    pub media_dir: PathBuf,
    /// Where 资料中心 documents live (`<data>/documents`); served only through
    /// `/download/{id}`, which counts the download and names the file.
    pub documents_dir: PathBuf,
    /// Key for members' personal data; `None` leaves it masked as unreadable.
    pub pii: Option<dangjian_pii::PiiKey>,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            flush_interval: Duration::from_millis(1000),
            trusted_proxies: Vec::new(),
            secure_cookies: false,
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(8 * 3600),
            password_policy: PasswordPolicy::default(),
            lockout: LockoutPolicy::default(),
            media_dir: PathBuf::from("data/media"),
            documents_dir: PathBuf::from("data/documents"),
            pii: None,
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
        Self { db, views: Arc::new(ViewCounter::default()), config: Arc::new(config) }
    }
}
