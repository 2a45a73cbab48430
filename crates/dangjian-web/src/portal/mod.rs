//! The public portal (门户): home, channel lists and article pages.

pub mod article;
pub mod channel;
pub mod documents;
pub mod feeds;
pub mod home;
pub mod meta;
pub mod prefs;
pub mod search;
pub mod templates;
pub mod videos;

use dangjian_domain::{clock, text};
use dangjian_store::articles::ArticleItem;

/// A title in a list: the full title for the `title` attribute and a cut one to show.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: i64,
    pub title: String,
    pub short: String,
    pub date: String,
    pub top: bool,
}

impl Row {
    /// Cuts the title to `width` display columns (CJK counts as two).
    pub fn new(a: &ArticleItem, width: usize) -> Row {
        Row {
            id: a.id,
            short: text::truncate_width(&a.title, width),
            title: a.title.clone(),
            date: clock::format_date(a.published_at),
            top: a.is_top,
        }
    }
}

/// A channel block with its latest titles.
#[derive(Debug, Clone)]
pub struct Block {
    pub slug: String,
    pub name: String,
    pub rows: Vec<Row>,
}

/// Display width of titles in home-page blocks and in full-width lists.
pub const BLOCK_TITLE_WIDTH: usize = 40;
pub const LIST_TITLE_WIDTH: usize = 76;
pub const SIDE_TITLE_WIDTH: usize = 30;
/// The channel whose latest titles stand beside every article, as on the seed page.
pub const NOTICE_SLUG: &str = "gonggao";
