//! The render cache of the portal.
//!
//! Home, channel and article pages are rendered once per *representation* (page, font
//! size, 长者模式) and kept as bytes, with the gzip form made once on first demand. The
//! article page is cut at the view count, which is spliced in live on every response, so
//! the 阅读 count stays exact while the rest of the page costs no query and no render.
//!
//! Everything here is stamped with the **content version** (`content_version` table,
//! raised by triggers in the same transaction as any change to articles, channels,
//! settings or links; view counts excluded). A node reads the version at most once per
//! `content_check` interval (default 250 ms) and right after every state-changing
//! request it served itself, so:
//! - on the node that made a change, the next request sees it;
//! - on the other nodes sharing the PostgreSQL database, within `content_check`.
//!
//! Stamping rule: a request takes the version *before* it reads any content, so what it
//! stores under version N was read after N was committed; a page can be newer than its
//! stamp (harmless: it is re-rendered on the next change) but never older.

use std::{
    collections::{HashMap, VecDeque},
    hash::Hash,
    io::Write as _,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use dangjian_store::{Db, articles::ListKey};

use crate::chrome::SiteData;

/// What the article template writes where the live view count goes. Titles and text are
/// escaped (`<` becomes `&lt;`) and the body is sanitised HTML without comments, so the
/// first occurrence is always ours.
pub const COUNT_MARK: &str = "<!--dj:views-->";

/// One cached page: the HTML, cut at the view count when it shows one.
pub struct Rendered {
    head: Bytes,
    tail: Option<Bytes>,
    gz: OnceLock<Gzipped>,
}

impl Rendered {
    /// Keeps `html`; when `cut` is set, the HTML is split at the first [`COUNT_MARK`].
    pub fn new(html: String, cut: bool) -> Rendered {
        let (head, tail) = match html.find(COUNT_MARK).filter(|_| cut) {
            Some(at) => {
                let tail = Bytes::copy_from_slice(&html.as_bytes()[at + COUNT_MARK.len()..]);
                let mut head = html.into_bytes();
                head.truncate(at);
                (Bytes::from(head), Some(tail))
            }
            None => (Bytes::from(html), None),
        };
        Rendered { head, tail, gz: OnceLock::new() }
    }

    fn size(&self) -> usize {
        self.head.len() + self.tail.as_ref().map_or(0, |t| t.len()) + 256
    }

    /// The page as a response, with `count` spliced in at the mark (if the page has one),
    /// gzip-encoded when the client accepts it. The cached bytes are not copied: the body
    /// is the parts in turn, with the length known up front.
    pub fn respond(&self, count: Option<i64>, gzip: bool) -> Response {
        let count = Bytes::from(count.map(|n| n.to_string()).unwrap_or_default());
        let body = if gzip {
            let gz = self.gz.get_or_init(|| Gzipped::new(&self.head, self.tail.as_deref()));
            gz.with(count)
        } else {
            match &self.tail {
                None => Body::from(self.head.clone()),
                Some(tail) => Parts::body(vec![self.head.clone(), count, tail.clone()]),
            }
        };
        let mut r = body.into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        if gzip {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    }
}

/// A body made of byte chunks sent one after another, of known total length (so the
/// response has a Content-Length and hyper writes the chunks with one `writev`).
struct Parts {
    parts: Vec<Bytes>,
    next: usize,
}

impl Parts {
    fn body(parts: Vec<Bytes>) -> Body {
        Body::new(Parts { parts, next: 0 })
    }
}

impl http_body::Body for Parts {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        while self.next < self.parts.len() {
            let i = self.next;
            self.next += 1;
            let b = std::mem::take(&mut self.parts[i]);
            if !b.is_empty() {
                return std::task::Poll::Ready(Some(Ok(http_body::Frame::data(b))));
            }
        }
        std::task::Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.parts[self.next..].iter().all(|b| b.is_empty())
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.parts[self.next..].iter().map(|b| b.len() as u64).sum())
    }
}

/// A page compressed once, in parts that a live count can be put between without
/// compressing again: the head ends with a sync flush (byte-aligned, not final), the count
/// goes in as a stored block, and the tail is a deflate stream of its own that ends the
/// data. The gzip trailer's CRC is combined from the parts' CRCs.
struct Gzipped {
    /// The gzip header and the compressed head (for a page without a mark: the whole
    /// gzip member).
    head: Bytes,
    head_crc: crc32fast::Hasher,
    /// The compressed tail; empty for a page without a mark.
    tail: Bytes,
    tail_crc: crc32fast::Hasher,
    plain_len: usize,
}

const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

impl Gzipped {
    fn new(head: &[u8], tail: Option<&[u8]>) -> Gzipped {
        let level = flate2::Compression::new(6);
        let mut out = Vec::with_capacity(head.len() / 3);
        out.extend_from_slice(&GZIP_HEADER);
        let mut enc = flate2::write::DeflateEncoder::new(out, level);
        let crc = |b: &[u8]| {
            let mut h = crc32fast::Hasher::new();
            h.update(b);
            h
        };
        let plain_len = head.len() + tail.map_or(0, |t| t.len());
        enc.write_all(head).expect("deflate into memory");
        match tail {
            Some(t) => {
                // flush() is a sync flush: the stream so far, ending on a byte boundary.
                enc.flush().expect("deflate into memory");
                let head_z = std::mem::take(enc.get_mut());
                let mut tenc = flate2::write::DeflateEncoder::new(Vec::with_capacity(t.len() / 3), level);
                tenc.write_all(t).expect("deflate into memory");
                let tail_z = tenc.finish().expect("deflate into memory");
                Gzipped { head: head_z.into(), head_crc: crc(head), tail: tail_z.into(), tail_crc: crc(t), plain_len }
            }
            None => {
                let mut whole = enc.finish().expect("deflate into memory");
                whole.extend_from_slice(&crc(head).finalize().to_le_bytes());
                whole.extend_from_slice(&(plain_len as u32).to_le_bytes());
                Gzipped { head: whole.into(), head_crc: crc(head), tail: Bytes::new(), tail_crc: crc(&[]), plain_len }
            }
        }
    }

    /// The whole gzip member with `count` between head and tail.
    fn with(&self, count: Bytes) -> Body {
        if self.tail.is_empty() {
            return Body::from(self.head.clone());
        }
        // A stored block (BFINAL 0, BTYPE 00), LEN and its complement, then the count.
        let n = count.len() as u16;
        let mut mid = Vec::with_capacity(5 + count.len());
        mid.push(0);
        mid.extend_from_slice(&n.to_le_bytes());
        mid.extend_from_slice(&(!n).to_le_bytes());
        mid.extend_from_slice(&count);
        let mut crc = self.head_crc.clone();
        let mut c = crc32fast::Hasher::new();
        c.update(&count);
        crc.combine(&c);
        crc.combine(&self.tail_crc);
        let mut trailer = Vec::with_capacity(8);
        trailer.extend_from_slice(&crc.finalize().to_le_bytes());
        trailer.extend_from_slice(&((self.plain_len + count.len()) as u32).to_le_bytes());
        Parts::body(vec![self.head.clone(), mid.into(), self.tail.clone(), trailer.into()])
    }
}

/// Whether the request accepts gzip (an explicit `gzip` coding without `q=0`).
pub fn wants_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|item| {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim();
            name.eq_ignore_ascii_case("gzip")
                && !parts.any(|p| {
                    let p = p.trim();
                    p.strip_prefix("q=").or_else(|| p.strip_prefix("Q=")).is_some_and(|q| q.parse::<f32>() == Ok(0.0))
                })
        })
    })
}

/// Which page, drawn how: everything a cached page depends on besides the content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PageKey {
    Home { elder: bool },
    Channel { id: i64, page: u32, elder: bool },
    Article { id: i64, font: &'static str, elder: bool },
}

/// The published count of a channel and the key at the end of each full page.
#[derive(Debug)]
pub struct ListIndex {
    pub total: i64,
    pub marks: Vec<ListKey>,
}

/// A map that belongs to one content version and empties itself for a newer one.
struct Versioned<K, V> {
    version: i64,
    map: HashMap<K, V>,
}

impl<K: Hash + Eq, V: Clone> Versioned<K, V> {
    fn new() -> Self {
        Versioned { version: 0, map: HashMap::new() }
    }

    fn get(&self, k: &K, version: i64) -> Option<V> {
        if version == self.version { self.map.get(k).cloned() } else { None }
    }

    /// Stores `v` read under `version`; older versions are dropped, newer ones empty it.
    fn put(&mut self, k: K, version: i64, v: V) -> bool {
        if version < self.version {
            return false;
        }
        if version > self.version {
            self.version = version;
            self.map.clear();
        }
        self.map.insert(k, v);
        true
    }
}

struct Pages {
    v: Versioned<PageKey, Arc<Rendered>>,
    /// Insertion order, for evicting the oldest pages beyond the budget.
    order: VecDeque<PageKey>,
    bytes: usize,
}

/// Content version, rendered pages and the data behind them, for one node.
pub struct Content {
    check_every: Duration,
    started: Instant,
    /// Last version read from the database (0: not read yet).
    known: AtomicI64,
    /// When `known` was read, in ns since `started` (0: never, or expired).
    checked_at: AtomicU64,
    refreshing: AtomicBool,
    budget: usize,
    pages: Mutex<Pages>,
    site: Mutex<Versioned<(), Arc<SiteData>>>,
    lists: Mutex<Versioned<i64, Arc<ListIndex>>>,
}

/// Clears the single-reader flag even if the request is dropped mid-query.
struct Refreshing<'a>(&'a AtomicBool);

impl Drop for Refreshing<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Content {
    /// `check_every`: how long a version read stays trusted; `budget`: bytes of pages kept.
    pub fn new(check_every: Duration, budget: usize) -> Content {
        Content {
            check_every,
            started: Instant::now(),
            known: AtomicI64::new(0),
            checked_at: AtomicU64::new(0),
            refreshing: AtomicBool::new(false),
            budget,
            pages: Mutex::new(Pages { v: Versioned::new(), order: VecDeque::new(), bytes: 0 }),
            site: Mutex::new(Versioned::new()),
            lists: Mutex::new(Versioned::new()),
        }
    }

    fn now_ns(&self) -> u64 {
        (self.started.elapsed().as_nanos() as u64).max(1)
    }

    /// The content version to serve this request under. Reads the database only when
    /// the last read is older than `check_every` (one request at a time does; the others
    /// go on with the version they have).
    pub async fn version(&self, db: &Db) -> dangjian_store::Result<i64> {
        let known = self.known.load(Ordering::Acquire);
        let at = self.checked_at.load(Ordering::Acquire);
        if known > 0 && at > 0 && self.now_ns().saturating_sub(at) < self.check_every.as_nanos() as u64 {
            return Ok(known);
        }
        let leader = !self.refreshing.swap(true, Ordering::AcqRel);
        if !leader && known > 0 {
            return Ok(known);
        }
        let _flag = leader.then(|| Refreshing(&self.refreshing));
        self.refresh(db).await
    }

    /// Reads the version now. Called after every state-changing request, so the node
    /// that made a change shows it on the very next request.
    pub async fn refresh(&self, db: &Db) -> dangjian_store::Result<i64> {
        let v = dangjian_store::content::version(db).await?;
        let prev = self.known.fetch_max(v, Ordering::AcqRel);
        self.checked_at.store(self.now_ns(), Ordering::Release);
        Ok(prev.max(v))
    }

    /// Makes the next request read the version (when a refresh could not).
    pub fn expire(&self) {
        self.checked_at.store(0, Ordering::Release);
    }

    pub fn page(&self, key: &PageKey, version: i64) -> Option<Arc<Rendered>> {
        lock(&self.pages).v.get(key, version)
    }

    pub fn put_page(&self, key: PageKey, version: i64, page: Arc<Rendered>) {
        let size = page.size();
        if size > self.budget {
            return;
        }
        let mut p = lock(&self.pages);
        let old_version = p.v.version;
        let old = p.v.map.get(&key).filter(|_| version == old_version).map(|o| o.size());
        if !p.v.put(key.clone(), version, page) {
            return;
        }
        if p.v.version != old_version {
            p.order.clear();
            p.bytes = 0;
        }
        match old {
            Some(o) => p.bytes -= o,
            None => p.order.push_back(key),
        }
        p.bytes += size;
        while p.bytes > self.budget {
            let Some(k) = p.order.pop_front() else { break };
            if let Some(gone) = p.v.map.remove(&k) {
                p.bytes -= gone.size();
            }
        }
    }

    /// Number of pages and bytes held (for tests and metrics).
    pub fn pages_held(&self) -> (usize, usize) {
        let p = lock(&self.pages);
        (p.v.map.len(), p.bytes)
    }

    /// Settings, channels and links as of `version`.
    pub async fn site(&self, db: &Db, version: i64) -> dangjian_store::Result<Arc<SiteData>> {
        if let Some(s) = lock(&self.site).get(&(), version) {
            return Ok(s);
        }
        let s = Arc::new(SiteData::load(db).await?);
        lock(&self.site).put((), version, s.clone());
        Ok(s)
    }

    /// Count and page marks of a channel as of `version`.
    pub async fn list_index(&self, db: &Db, version: i64, channel_id: i64) -> dangjian_store::Result<Arc<ListIndex>> {
        if let Some(l) = lock(&self.lists).get(&channel_id, version) {
            return Ok(l);
        }
        let page_size = i64::from(dangjian_domain::paging::PAGE_SIZE);
        let (total, marks) = dangjian_store::articles::list_marks(db, channel_id, page_size).await?;
        let l = Arc::new(ListIndex { total, marks });
        lock(&self.lists).put(channel_id, version, l.clone());
        Ok(l)
    }
}

/// After a state-changing request (anything but GET, HEAD, OPTIONS) has been served,
/// reads the content version before the response leaves, so the next request this
/// node serves sees the change. Costs one small query per such request, none on reads.
pub async fn refresh_after_writes(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::http::Method;
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let resp = next.run(req).await;
    if writes && let Err(e) = st.content.refresh(&st.db).await {
        tracing::warn!(error = %e, "cannot read the content version after a change");
        st.content.expire();
    }
    resp
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    async fn body_bytes(r: Response) -> Vec<u8> {
        axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()
    }

    fn gunzip(b: &[u8]) -> String {
        let mut s = String::new();
        flate2::read::GzDecoder::new(b).read_to_string(&mut s).unwrap();
        s
    }

    #[tokio::test]
    async fn the_count_is_spliced_into_plain_and_gzip_bodies() {
        let head = "<p>阅读:".repeat(300);
        let html = format!("{head}<span>{COUNT_MARK}</span>{}", "尾部正文".repeat(500));
        let page = Rendered::new(html.clone(), true);
        for n in [0, 7, 123_456_789] {
            let want = html.replacen(COUNT_MARK, &n.to_string(), 1);
            let plain = body_bytes(page.respond(Some(n), false)).await;
            assert_eq!(String::from_utf8(plain).unwrap(), want);
            let r = page.respond(Some(n), true);
            assert_eq!(r.headers()[header::CONTENT_ENCODING], "gzip");
            assert_eq!(gunzip(&body_bytes(r).await), want);
        }
        // A page without a count is served whole, both ways.
        let whole = Rendered::new("<html>首页</html>".into(), false);
        assert_eq!(body_bytes(whole.respond(None, false)).await, "<html>首页</html>".as_bytes());
        assert_eq!(gunzip(&body_bytes(whole.respond(None, true)).await), "<html>首页</html>");
    }

    #[test]
    fn gzip_is_negotiated_from_accept_encoding() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
            m
        };
        assert!(wants_gzip(&h("gzip, deflate, br")));
        assert!(wants_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(!wants_gzip(&h("gzip;q=0")));
        assert!(!wants_gzip(&h("br, deflate")));
        assert!(!wants_gzip(&HeaderMap::new()));
    }

    #[test]
    fn pages_stay_within_the_budget_and_belong_to_one_version() {
        let c = Content::new(Duration::from_secs(1), 3 * (1000 + 256));
        let page = || Arc::new(Rendered::new("x".repeat(1000), false));
        for id in 1..=5 {
            c.put_page(PageKey::Article { id, font: "m", elder: false }, 7, page());
        }
        assert_eq!(c.pages_held().0, 3, "the oldest two are evicted");
        assert!(c.page(&PageKey::Article { id: 1, font: "m", elder: false }, 7).is_none());
        assert!(c.page(&PageKey::Article { id: 5, font: "m", elder: false }, 7).is_some());
        assert!(c.page(&PageKey::Article { id: 5, font: "m", elder: false }, 8).is_none());
        // A page read under an older version is not kept once a newer one is seen.
        c.put_page(PageKey::Home { elder: false }, 8, page());
        assert_eq!(c.pages_held(), (1, 1256));
        c.put_page(PageKey::Home { elder: true }, 7, page());
        assert_eq!(c.pages_held().0, 1);
    }
}
