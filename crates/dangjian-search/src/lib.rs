//! Site search of dangjian: one tantivy index per node, with jieba word segmentation so
//! that a query for 党建 finds 机关党建工作 while 学习 does not match a lone 学.
//!
//! The index is a cache of the database, never the source of truth: it is fed from the
//! outbox table (each commit records the last outbox id it applied, in tantivy's commit
//! payload, so the content and the position move together) and can be rebuilt at any
//! time. Queries are built here from the user's text rather than with tantivy's query
//! parser, so no input (quotes, brackets, colons, 10,000 characters) is a syntax error.

mod highlight;
mod query;
mod text;

use std::{
    path::{Path, PathBuf},
    sync::{
        Mutex,
        atomic::{AtomicI64, Ordering},
    },
};

use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
    collector::{Count, TopDocs},
    directory::MmapDirectory,
    schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value},
    tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer},
};
use tantivy_jieba::JiebaTokenizer;

pub use highlight::escape_html;
pub use text::html_to_text;

/// Name under which the jieba analyzer is registered. Tantivy does not persist
/// tokenizers, so every open registers it again (see [`SearchIndex::open_or_create`]).
const JIEBA: &str = "jieba";
/// Version of the schema, kept in the commit payload: an index written by another
/// version is rebuilt rather than read with the wrong fields.
const SCHEMA_VERSION: &str = "dj1";
/// Queries are cut to this many characters: nobody types more into a site search, and
/// the cut bounds the work a hostile 10,000-character query can cause.
pub const MAX_QUERY_CHARS: usize = 100;
/// At most this many results can be paged through (like the large search engines), so a
/// request for page 10,000 cannot make the collector keep a huge heap.
pub const MAX_RESULTS: usize = 1000;

/// Errors of the index. Query text never causes one.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("search index {0} is in use by another process (is `dangjian serve` running?)")]
    Locked(PathBuf),
}

/// Result type of this crate.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// One article as the index holds it. The body is plain text (see [`html_to_text`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexDoc {
    pub id: i64,
    pub title: String,
    pub body: String,
    /// 供稿单位
    pub source: String,
    /// Channel slug, for the channel filter.
    pub channel: String,
    /// Unix microseconds, for "newest first".
    pub published_at: i64,
}

/// Order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first (title matches above body matches).
    #[default]
    Relevance,
    /// Newest publication first.
    Newest,
}

/// A search request. `page` counts from 1.
#[derive(Debug, Clone)]
pub struct SearchQuery<'a> {
    pub text: &'a str,
    pub channel: Option<&'a str>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
}

/// One hit. The `*_html` fields are escaped text with `<mark>` around matched words, safe
/// to emit as is.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub id: i64,
    pub channel: String,
    pub published_at: i64,
    pub source: String,
    pub score: f32,
    pub title_html: String,
    pub snippet_html: String,
}

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchResults {
    /// Number of matching documents in the whole index.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// False when the text held nothing searchable (empty, or only punctuation): the
    /// page then asks for a query instead of reporting "no hits".
    pub searchable: bool,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    title: Field,
    body: Field,
    source: Field,
    channel: Field,
    published_at: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JIEBA)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        body: b.add_text_field("body", text.clone()),
        source: b.add_text_field("source", text),
        channel: b.add_text_field("channel", STRING | STORED),
        published_at: b.add_i64_field("published_at", STORED | FAST),
    };
    (b.build(), fields)
}

/// The analyzer of indexed text: jieba in search mode (a word and its parts, so 北京大学
/// is found by 北京 too), lower-cased, with absurdly long tokens dropped.
fn index_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::new()).filter(RemoveLongFilter::limit(40)).filter(LowerCaser).build()
}

/// The analyzer of query text: jieba's default mode gives the longest words, each of
/// which search mode also put in the index at the same position.
fn query_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(JiebaTokenizer::with_search_mode(false))
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// Writer settings: a server needs little; a full rebuild goes faster with more.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    pub threads: usize,
    pub memory_bytes: usize,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions { threads: 1, memory_bytes: 50_000_000 }
    }
}

impl WriterOptions {
    /// For `dangjian reindex` and the rebuild at start: every core, 100 MB each.
    pub fn bulk() -> Self {
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        WriterOptions { threads, memory_bytes: threads * 100_000_000 }
    }
}

/// An index on disk with its only writer. Share it behind an `Arc`; every method takes
/// `&self`.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    applied: AtomicI64,
    dir: PathBuf,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("dir", &self.dir).field("applied", &self.applied_outbox_id()).finish()
    }
}

/// What [`SearchIndex::open_or_create`] found.
#[derive(Debug)]
pub struct Opened {
    pub index: SearchIndex,
    /// The directory held no usable index: it is empty now and the caller should
    /// rebuild it from the database.
    pub created: bool,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates an empty one there (also when the directory
    /// holds an index of another schema version, which is then discarded).
    pub fn open_or_create(dir: &Path, opts: WriterOptions) -> Result<Opened> {
        let io = |source| SearchError::Io { path: dir.to_owned(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = schema();
        let mut created = !dir.join("meta.json").exists();
        if !created {
            let usable = Index::open_in_dir(dir)
                .ok()
                .filter(|i| i.schema() == schema)
                .and_then(|i| i.load_metas().ok())
                .is_some_and(|m| parse_payload(m.payload.as_deref()).is_some());
            if !usable {
                tracing::warn!(dir = %dir.display(), "search index of another version; rebuilding");
                std::fs::remove_dir_all(dir).map_err(io)?;
                std::fs::create_dir_all(dir).map_err(io)?;
                created = true;
            }
        }
        let mmap = MmapDirectory::open(dir).map_err(|e| SearchError::Tantivy(e.into()))?;
        let index = Index::open_or_create(mmap, schema)?;
        index.tokenizers().register(JIEBA, index_analyzer());
        let writer = index.writer_with_num_threads(opts.threads, opts.memory_bytes).map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => SearchError::Locked(dir.to_owned()),
            e => e.into(),
        })?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let this = SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            applied: AtomicI64::new(0),
            dir: dir.to_owned(),
        };
        if created {
            // Give a new index its payload at once, so a crash before the first rebuild
            // commit still leaves a directory that opens as "ours, empty".
            this.commit(0)?;
        } else {
            let applied = parse_payload(this.index.load_metas()?.payload.as_deref()).unwrap_or(0);
            this.applied.store(applied, Ordering::SeqCst);
        }
        Ok(Opened { index: this, created })
    }

    /// Directory of the index.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The last outbox id whose change this index holds (as of its last commit).
    pub fn applied_outbox_id(&self) -> i64 {
        self.applied.load(Ordering::SeqCst)
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        // A panic while holding the lock leaves the writer usable: tantivy's own state
        // is consistent between calls, and uncommitted work is simply lost.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds or replaces the document of `doc.id` (visible after [`commit`](Self::commit)).
    pub fn upsert(&self, doc: &IndexDoc) -> Result<()> {
        let f = &self.fields;
        let mut d = TantivyDocument::default();
        d.add_i64(f.id, doc.id);
        d.add_text(f.title, &doc.title);
        d.add_text(f.body, &doc.body);
        d.add_text(f.source, &doc.source);
        d.add_text(f.channel, &doc.channel);
        d.add_i64(f.published_at, doc.published_at);
        let w = self.writer();
        w.delete_term(Term::from_field_i64(f.id, doc.id));
        w.add_document(d)?;
        Ok(())
    }

    /// Removes the document of an article, if any (visible after commit).
    pub fn delete(&self, id: i64) -> Result<()> {
        self.writer().delete_term(Term::from_field_i64(self.fields.id, id));
        Ok(())
    }

    /// Removes every document (for a rebuild; visible after commit).
    pub fn clear(&self) -> Result<()> {
        self.writer().delete_all_documents()?;
        Ok(())
    }

    /// Makes the changes so far durable and visible, recording that the index now holds
    /// every outbox entry up to `applied_outbox_id`.
    pub fn commit(&self, applied_outbox_id: i64) -> Result<()> {
        {
            let mut w = self.writer();
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&format!("{SCHEMA_VERSION} outbox={applied_outbox_id}"));
            prepared.commit()?;
        }
        self.applied.store(applied_outbox_id, Ordering::SeqCst);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search. The text is cut to [`MAX_QUERY_CHARS`] and may hold anything;
    /// `"exact phrases"` in quotes (ASCII or Chinese) must appear as written.
    pub fn search(&self, q: &SearchQuery<'_>) -> Result<SearchResults> {
        let parsed = query::parse(q.text, &mut query_analyzer());
        let Some(query) = query::build(&parsed, &self.fields_ref(), q.channel) else {
            return Ok(SearchResults::default());
        };
        let per_page = q.per_page.clamp(1, 100);
        let offset = q.page.max(1).saturating_sub(1).saturating_mul(per_page);
        let searcher = self.reader.searcher();
        if offset >= MAX_RESULTS {
            let total = searcher.search(&*query, &Count)?;
            return Ok(SearchResults { total, hits: Vec::new(), searchable: true });
        }
        let top = TopDocs::with_limit(per_page).and_offset(offset);
        let (total, addrs): (usize, Vec<(f32, DocAddress)>) = match q.sort {
            Sort::Relevance => searcher.search(&*query, &(Count, top.order_by_score()))?,
            Sort::Newest => {
                let (n, docs) =
                    searcher.search(&*query, &(Count, top.order_by_fast_field::<i64>("published_at", Order::Desc)))?;
                (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
            }
        };
        let hits = addrs
            .into_iter()
            .map(|(score, addr)| self.hit(&searcher, addr, score, &parsed.marks))
            .collect::<Result<Vec<_>>>()?;
        Ok(SearchResults { total, hits, searchable: true })
    }

    fn fields_ref(&self) -> query::QueryFields {
        let f = &self.fields;
        query::QueryFields { title: f.title, body: f.body, source: f.source, channel: f.channel }
    }

    fn hit(&self, searcher: &Searcher, addr: DocAddress, score: f32, marks: &[String]) -> Result<Hit> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let f = &self.fields;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("").to_owned();
        let int = |field| doc.get_first(field).and_then(|v| v.as_i64()).unwrap_or(0);
        let title = text(f.title);
        let body = text(f.body);
        Ok(Hit {
            id: int(f.id),
            channel: text(f.channel),
            published_at: int(f.published_at),
            source: text(f.source),
            score,
            title_html: highlight::whole(&title, marks),
            snippet_html: highlight::snippet(&body, marks, highlight::SNIPPET_CHARS),
        })
    }
}

/// Reads `dj1 outbox=N`; `None` for a payload of another version or none.
fn parse_payload(payload: Option<&str>) -> Option<i64> {
    let rest = payload?.strip_prefix(SCHEMA_VERSION)?.trim_start();
    rest.strip_prefix("outbox=")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip() {
        assert_eq!(parse_payload(Some("dj1 outbox=42")), Some(42));
        assert_eq!(parse_payload(Some("dj0 outbox=42")), None);
        assert_eq!(parse_payload(None), None);
        assert_eq!(parse_payload(Some("dj1 outbox=x")), None);
    }
}
