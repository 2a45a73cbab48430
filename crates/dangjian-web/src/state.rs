use std::{
    net::IpAddr,
    path::PathBuf,
    sync::{Arc, OnceLock},
    time::Duration,
};

use dangjian_domain::{lockout::LockoutPolicy, password::PasswordPolicy};
use dangjian_search::SearchIndex;
use dangjian_store::Db;

use crate::{AppError, cache::Content, media_store::MediaStore, video_tools::VideoTools, views::ViewCounter};

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
    /// Where uploaded media live (`<data>/media` by default); served at `/media/`. With
    /// an S3 store it still holds the spool of uploads on their way in.
    pub media_dir: PathBuf,
    /// `--media`: `None` for `media_dir`, or `s3://bucket/prefix`.
    pub media_url: Option<String>,
    /// ffmpeg and ffprobe, when the machine has them (video lengths and poster frames).
    pub video_tools: VideoTools,
    /// Where 资料中心 documents live (`<data>/documents`); served only through
    /// `/download/{id}`, which counts the download and names the file.
    pub documents_dir: PathBuf,
    /// Key for members' personal data; `None` leaves it masked as unreadable.
    pub pii: Option<dangjian_pii::PiiKey>,
    /// How long a read of the content version is trusted: the longest an edit made on
    /// another node stays unseen here (this node's own edits show at once).
    pub content_check: Duration,
    /// Bytes of rendered portal pages kept in memory.
    pub page_cache_bytes: usize,
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
            media_url: None,
            video_tools: VideoTools::default(),
            documents_dir: PathBuf::from("data/documents"),
            pii: None,
            content_check: Duration::from_millis(250),
            page_cache_bytes: 32 << 20,
        }
    }
}

/// Shared state of every handler. Cheap to clone: one reference count (clones happen
/// several times per request, in the middleware and the extractors).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

/// What [`AppState`] shares; its fields read as the state's own (`st.db`).
pub struct Shared {
    pub db: Db,
    pub views: Arc<ViewCounter>,
    /// Render cache of the portal and the content version it is valid for.
    pub content: Arc<Content>,
    pub config: Arc<WebConfig>,
    /// This node's search index; `None` makes `/search` say that search is unavailable
    /// (the rest of the site does not need it).
    pub search: Option<Arc<SearchIndex>>,
    /// One slot per core for index queries: more at once only add threads, memory and
    /// context switches (16 concurrent searches on 2 cores doubled the server's memory);
    /// the others wait their turn in order.
    pub search_slots: Arc<tokio::sync::Semaphore>,
    /// The media store, opened on first use from `media_url` / `media_dir`.
    media: OnceLock<MediaStore>,
}

impl Shared {
    /// The media store. Opening it creates the local directory, so it happens on first
    /// use (the binary opens it at startup to report a bad `--media` at once).
    pub fn media(&self) -> Result<&MediaStore, AppError> {
        if let Some(m) = self.media.get() {
            return Ok(m);
        }
        let spool = self.config.media_dir.join(".incoming");
        let store = MediaStore::open(self.config.media_url.as_deref(), &self.config.media_dir, &spool)
            .map_err(AppError::Internal)?;
        Ok(self.media.get_or_init(|| store))
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

impl AppState {
    pub fn new(db: Db, config: WebConfig) -> Self {
        let content = Arc::new(Content::new(config.content_check, config.page_cache_bytes));
        Self(Arc::new(Shared {
            db,
            views: Arc::new(ViewCounter::default()),
            content,
            config: Arc::new(config),
            search: None,
            search_slots: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2),
            )),
            media: OnceLock::new(),
        }))
    }

    /// The same state with a given media store (an S3 store, in tests). Call it before
    /// the store is first used.
    pub fn with_media(self, store: MediaStore) -> Self {
        if self.0.media.set(store).is_err() {
            panic!("AppState::with_media called after the media store was opened");
        }
        self
    }

    /// The same state with a search index. Call it on a fresh state, before the state is
    /// cloned into the router.
    pub fn with_search(mut self, index: Arc<SearchIndex>) -> Self {
        match Arc::get_mut(&mut self.0) {
            Some(shared) => shared.search = Some(index),
            None => panic!("AppState::with_search called after the state was shared"),
        }
        self
    }
}
