//! Search benchmark: fills a fresh SQLite database with the demo generator, rebuilds the
//! search index from it (as `dangjian reindex` does), then times realistic queries the
//! way `/search` runs them (the index query plus the database check of the hits). Not a
//! test: run it by hand, in release mode (see `bench/search.sh`).
//!
//! ```text
//! cargo run --release -p dangjian-web --example search_bench -- [ARTICLES] [ROUNDS]
//! ```

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use dangjian_demo::{DEFAULT_SEED, DemoOptions, generate};
use dangjian_search::{SearchIndex, SearchQuery, Sort, WriterOptions};
use dangjian_store::{outbox, testing::TestDb};
use dangjian_web::search_feed;

/// What visitors of a party-building portal type: single words, two-word queries,
/// phrases, unit names, rare and very common terms, and a miss.
const QUERIES: &[&str] = &[
    "党建",
    "党史学习教育",
    "主题教育",
    "党费",
    "组织生活会",
    "\"三会一课\"",
    "基层党组织",
    "廉政 教育",
    "志愿服务",
    "文明单位",
    "乡村振兴",
    "市财政局",
    "市委组织部 培训",
    "青澜",
    "通知",
    "座谈会",
    "民主评议",
    "\"推进会\"",
    "党员 发展",
    "调研",
    "学习贯彻",
    "作风建设",
    "营商环境",
    "不存在的词语甲乙丙",
];

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(100_000);
    let rounds = args.get(1).copied().unwrap_or(5);
    let t = TestDb::sqlite().await;
    let opts = DemoOptions { articles: n, seed: DEFAULT_SEED, now_micros: dangjian_domain::clock::now_micros() };
    let started = Instant::now();
    let summary = generate(&t.db, &opts, &|_, _| {}).await.expect("demo");
    println!("demo: {} articles ({} published) in {:.1?}", summary.articles, summary.published, started.elapsed());

    let dir = t.dir.path().join("index");
    let index = Arc::new(SearchIndex::open_or_create(&dir, WriterOptions::bulk()).expect("index").index);
    let started = Instant::now();
    let indexed = search_feed::rebuild(&t.db, &index, &|_, _| {}).await.expect("rebuild");
    let took = started.elapsed();
    println!(
        "indexing: {indexed} articles in {:.2?} = {:.0} articles/s ({:?})",
        took,
        indexed as f64 / took.as_secs_f64(),
        WriterOptions::bulk()
    );
    let size: u64 = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum();
    println!("index size: {:.1} MB", size as f64 / 1e6);

    // The shapes of request /search serves: relevance page 1, newest first, a later
    // page, and a channel filter.
    let shapes: &[(Sort, usize, Option<&str>)] = &[
        (Sort::Relevance, 1, None),
        (Sort::Newest, 1, None),
        (Sort::Relevance, 5, None),
        (Sort::Relevance, 1, Some("dongtai")),
    ];
    let mut total_times = Vec::new();
    let mut index_times = Vec::new();
    let mut hits_seen = 0usize;
    for round in 0..=rounds {
        for q in QUERIES {
            for (sort, page, channel) in shapes {
                let sq = SearchQuery { text: q, channel: *channel, sort: *sort, page: *page, per_page: 10 };
                let start = Instant::now();
                let r = index.search(&sq).expect("search");
                let searched = start.elapsed();
                let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
                let live = outbox::published_ids(&t.db, &ids).await.expect("check");
                let all = start.elapsed();
                // Round 0 warms the page cache and jieba's dictionary; it is not counted.
                if round > 0 {
                    index_times.push(searched);
                    total_times.push(all);
                    hits_seen += live.len();
                }
                if round == 1 && *page == 1 && channel.is_none() && *sort == Sort::Relevance {
                    println!("  {q:<20} {:>6} hits  {}", r.total, ms(all));
                }
            }
        }
    }
    index_times.sort();
    total_times.sort();
    println!(
        "queries: {} ({} distinct texts x {} shapes x {rounds} rounds), {hits_seen} hits shown",
        total_times.len(),
        QUERIES.len(),
        shapes.len()
    );
    for (what, v) in [("index only", &index_times), ("index + database check", &total_times)] {
        println!(
            "  {what:<24} p50 {}  p90 {}  p99 {}  max {}",
            ms(percentile(v, 0.50)),
            ms(percentile(v, 0.90)),
            ms(percentile(v, 0.99)),
            ms(*v.last().unwrap())
        );
    }
}
