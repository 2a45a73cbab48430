//! Times [`dangjian_demo::generate`] on a fresh database. Not a test: run it by hand.
//!
//! ```text
//! cargo run --release -p dangjian-demo --example demo_timing -- [ARTICLES] [sqlite|postgres] [--show]
//! ```
//!
//! `postgres` needs `DANGJIAN_TEST_POSTGRES_URL`; a scratch database is created and
//! dropped. `--show` prints a few generated articles per channel afterwards.

use std::time::Instant;

use dangjian_demo::{DEFAULT_SEED, DemoOptions, generate};
use dangjian_store::testing::TestDb;
use dangjian_store::{articles, channels};

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(100_000);
    let show = args.iter().any(|a| a == "--show");
    let t = if args.iter().any(|a| a == "postgres") {
        TestDb::postgres().await.expect("set DANGJIAN_TEST_POSTGRES_URL")
    } else {
        TestDb::sqlite().await
    };
    let opts = DemoOptions { articles: n, seed: DEFAULT_SEED, now_micros: dangjian_domain::clock::now_micros() };
    let start = Instant::now();
    let summary = generate(&t.db, &opts, &|done, total| {
        if done == total || done % 20_000 == 0 {
            eprintln!("  {done}/{total}");
        }
    })
    .await
    .expect("generate");
    let took = start.elapsed();
    println!("{}: {n} articles in {:.2?} ({:.0}/s)", t.label, took, n as f64 / took.as_secs_f64());
    println!("{summary:?}");
    if show {
        for c in channels::list(&t.db).await.expect("channels") {
            println!(
                "\n=== {} {} ({} articles)",
                c.slug,
                c.name,
                articles::count_in_channel(&t.db, c.id).await.unwrap()
            );
            for item in articles::latest_in_channel(&t.db, c.id, 2).await.expect("latest") {
                let a = articles::get_published(&t.db, item.id).await.expect("article");
                println!(
                    "\n# {}\n[{}] 发布者:{} 供稿:{} 责编:{} 关键词:{} 阅读:{} 头条:{} 置顶:{}\n摘要: {}\n{}",
                    a.title,
                    dangjian_domain::clock::format_datetime(a.published_at),
                    a.publisher,
                    a.source_unit,
                    a.editors,
                    a.keywords,
                    a.views,
                    a.is_headline,
                    a.is_top,
                    a.summary,
                    a.body_html.replace("</p>", "</p>\n")
                );
            }
        }
    }
}
