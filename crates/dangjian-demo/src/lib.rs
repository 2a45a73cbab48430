//! Demo content for dangjian: the portal of a fictional 机关工委 (中共青澜市委市直机关
//! 工作委员会) with its settings, the nine channels of the seed page, friendly links
//! and as many articles as asked for.
//!
//! All text is composed by the program from word and phrase pools written for this
//! crate, so nothing is copied from any real site, and the same seed always gives the
//! same site: tests can compare runs, and a screenshot taken today matches tomorrow's.
//! `dangjian demo --articles N` and `dangjian serve --demo` call [`generate`].

mod article;
mod body;
pub mod checks_demo;
mod eval_demo;
pub mod kaohe_demo;
mod plan;
pub mod platform;
pub mod quiz_demo;
mod site;
mod text;
mod titles;
pub mod volunteer_demo;
mod words;

pub use eval_demo::{EvalOptions, EvalSummary, generate_evaluation};
pub use platform::{PlatformOptions, PlatformSummary, generate_platform};

use dangjian_store::articles::{self, NewArticle};
use dangjian_store::channels::{self, NewChannel};
use dangjian_store::{Db, StoreError, links, settings};

/// Articles per [`articles::insert_many`] call, and so per progress report. Each batch
/// is one write transaction, which keeps SQLite fast without holding its write lock
/// for the whole run.
pub const BATCH: usize = 2000;

/// A seed to use when the caller has no reason to pick another: the demo site then looks
/// the same on every machine.
pub const DEFAULT_SEED: u64 = 20_130_101;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many articles to spread over the channels.
    pub articles: usize,
    /// Seed of the random stream: equal options give equal content.
    pub seed: u64,
    /// "Now" in Unix microseconds (UTC). Articles are dated in the two years before it;
    /// passing it in (rather than reading the clock) keeps runs reproducible.
    pub now_micros: i64,
}

/// What [`generate`] wrote, for the CLI to report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub settings: usize,
    pub channels: usize,
    pub links: usize,
    /// All articles, drafts included.
    pub articles: usize,
    pub published: usize,
    pub drafts: usize,
    pub headlines: usize,
    /// Pinned (置顶) articles.
    pub top: usize,
}

/// Why [`generate`] did not (fully) run.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Demo content only goes into an empty database, so it can never mix with, or
    /// collide with, real content.
    #[error(
        "the database already holds {articles} article(s) and {channels} channel(s); demo content is only written into an empty database"
    )]
    NotEmpty { articles: i64, channels: usize },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Fills an EMPTY database (refuse with an error if any article or channel exists) with
/// settings, the channels, friendly links and `articles` articles spread over the
/// channels. `progress(done, total)` is called after each batch so the CLI can draw a
/// progress bar.
///
/// The check comes first, so a refused run writes nothing. Articles are inserted in
/// batches of [`BATCH`], oldest first, each batch in one transaction; if a batch fails
/// the error is returned and the batches before it stay.
pub async fn generate(
    db: &Db,
    opts: &DemoOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<DemoSummary, DemoError> {
    let existing_articles = articles::count_all(db).await?;
    let existing_channels = channels::list(db).await?.len();
    if existing_articles > 0 || existing_channels > 0 {
        return Err(DemoError::NotEmpty { articles: existing_articles, channels: existing_channels });
    }
    let mut summary = DemoSummary::default();

    for (key, value) in site::SETTINGS {
        settings::set(db, key, value).await?;
        summary.settings += 1;
    }

    let mut channel_ids = [0i64; site::CHANNELS.len()];
    for (i, c) in site::CHANNELS.iter().enumerate() {
        let new = NewChannel {
            slug: c.slug,
            name: c.name,
            kind: c.kind,
            description: c.description,
            keywords: c.keywords,
            sort_order: (i as i32 + 1) * 10,
        };
        channel_ids[i] = channels::insert(db, &new, opts.now_micros).await?;
        summary.channels += 1;
    }

    for (i, (group, name, url)) in site::LINKS.iter().enumerate() {
        links::insert(db, group, name, url, i as i32 + 1).await?;
        summary.links += 1;
    }

    let mut rng = fastrand::Rng::with_seed(opts.seed);
    let planned = plan::plan(&mut rng, opts.articles, opts.now_micros);
    let total = planned.len() as u64;
    let mut writer = body::BodyWriter::default();
    let mut batch: Vec<NewArticle> = Vec::with_capacity(BATCH.min(planned.len()));
    let mut done = 0u64;
    for chunk in planned.chunks(BATCH) {
        batch.clear();
        for p in chunk {
            let a = article::build(&mut rng, &mut writer, p, channel_ids[usize::from(p.channel)], opts.now_micros);
            summary.headlines += usize::from(a.is_headline);
            summary.top += usize::from(a.is_top);
            if p.draft {
                summary.drafts += 1;
            } else {
                summary.published += 1;
            }
            batch.push(a);
        }
        articles::insert_many(db, &batch).await?;
        summary.articles += batch.len();
        done += batch.len() as u64;
        progress(done, total);
    }
    Ok(summary)
}
