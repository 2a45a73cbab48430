//! The document as the converter understands it, between Word XML and Markdown.
//!
//! Keeping this small, plain model between the two halves means the Word side never
//! thinks about escaping and the Markdown side never thinks about XML.

use std::rc::Rc;

/// A top-level piece of the body.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    Para(Para),
    Table(Table),
}

/// What role a paragraph plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParaKind {
    Body,
    /// Word heading level, 1-based.
    Heading(u8),
    Title,
}

/// A paragraph's place in a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListItem {
    pub ordered: bool,
    /// Word's `w:ilvl`, 0-based.
    pub level: u8,
    /// The number Word shows for an ordered item.
    pub number: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct Para {
    pub kind: ParaKind,
    pub list: Option<ListItem>,
    pub inlines: Vec<Inline>,
}

impl Para {
    /// True when nothing visible would be written for this paragraph.
    pub fn is_empty(&self) -> bool {
        self.inlines.iter().all(|i| match i {
            Inline::Text { text, .. } => text.chars().all(char::is_whitespace),
            Inline::Break => true,
            Inline::Image { .. } => false,
        })
    }

    /// The paragraph's text without formatting, whitespace collapsed (for the title).
    pub fn plain_text(&self) -> String {
        let mut raw = String::new();
        for i in &self.inlines {
            match i {
                Inline::Text { text, .. } => raw.push_str(text),
                Inline::Break => raw.push(' '),
                Inline::Image { .. } => {}
            }
        }
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Character formatting that Markdown can express.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Fmt {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
}

impl Fmt {
    pub fn is_plain(self) -> bool {
        !(self.bold || self.italic || self.strike)
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Inline {
    /// Text as the reader sees it (never escaped), with an optional safe link target.
    Text { text: String, fmt: Fmt, link: Option<Rc<str>> },
    /// A line break inside the paragraph.
    Break,
    /// An extracted image, by its placeholder.
    Image { placeholder: Rc<str> },
}

/// A table: rows of cells. Merged cells are already split (see [`Cell::span`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    pub rows: Vec<Vec<Cell>>,
    /// Columns in the widest row.
    pub width: usize,
}

/// One cell of a row.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub paras: Vec<Para>,
    /// Grid columns this cell covers; all but the first are written as empty cells.
    /// Kept as a count rather than as empty cells so a hostile span costs nothing.
    pub span: usize,
}
