//! The model as Markdown (CommonMark with GFM tables and strikethrough, as the editor
//! renders it).
//!
//! The one rule that matters most: text from the document can never become markup.
//! Every character Markdown could read as syntax is backslash-escaped, `<` included, so
//! a `<script>` typed in Word stays text even though the editor's renderer lets raw HTML
//! through to its sanitiser.
//!
//! Emphasis is the other subtle part. CommonMark only honours `**` next to punctuation
//! when the other side is whitespace or punctuation, which Chinese text (no spaces,
//! full-width punctuation) breaks all the time: `**“重要”**通知` is not bold. Where the
//! delimiters would not work, the same formatting is written as `<strong>`/`<em>`/`<del>`,
//! which the sanitiser allows.

use crate::model::{Block, Fmt, Inline, ListItem, Para, ParaKind, Table};

/// Writes blocks as they come; blocks are separated by blank lines, and consecutive
/// list items form one list.
#[derive(Default)]
pub(crate) struct Renderer {
    out: String,
    list: ListLayout,
    in_list: bool,
}

impl Renderer {
    pub fn push(&mut self, block: &Block) {
        if let Block::Para(p @ Para { kind: ParaKind::Body, list: Some(item), .. }) = block {
            let (indent, marker) = self.list.place(*item);
            let content = inlines(&p.inlines, Mode::Body { indent: indent + marker.len() + 1 });
            if content.is_empty() {
                return;
            }
            if self.in_list {
                self.out.push('\n');
            } else {
                self.separate();
            }
            self.out.extend(std::iter::repeat_n(' ', indent));
            self.out.push_str(&marker);
            self.out.push(' ');
            self.out.push_str(&content);
            self.in_list = true;
            return;
        }
        self.list = ListLayout::default();
        self.in_list = false;
        let chunk = match block {
            Block::Para(p) => paragraph(p),
            Block::Table(t) => table(t),
        };
        if !chunk.is_empty() {
            self.separate();
            self.out.push_str(&chunk);
        }
    }

    fn separate(&mut self) {
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
    }

    /// The Markdown, ending in a newline unless empty.
    pub fn finish(mut self) -> String {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
        self.out
    }
}

fn paragraph(p: &Para) -> String {
    let hashes = match p.kind {
        ParaKind::Body => {
            return inlines(&p.inlines, Mode::Body { indent: 0 });
        }
        // The page's own title is the only h1, so Word's Heading 1 becomes `##`; the
        // portal has no styles below h4.
        ParaKind::Title | ParaKind::Heading(1) => "##",
        ParaKind::Heading(2) => "###",
        ParaKind::Heading(_) => "####",
    };
    let content = inlines(&p.inlines, Mode::Heading);
    if content.is_empty() { String::new() } else { format!("{hashes} {content}") }
}

/// GFM pipe table, first row as header. The header is padded to the widest row, since
/// GFM drops cells beyond the header's; shorter rows are not padded, since GFM pads
/// them itself (padding every row could multiply a hostile file's size). Cells are
/// single-line: paragraphs and line breaks inside a cell become `<br>`.
fn table(t: &Table) -> String {
    let mut out = String::new();
    for (i, row) in t.rows.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push('|');
        let mut columns = 0;
        for cell in row {
            let parts: Vec<String> =
                cell.paras.iter().map(|p| inlines(&p.inlines, Mode::Cell)).filter(|s| !s.is_empty()).collect();
            out.push(' ');
            out.push_str(&parts.join("<br>"));
            out.push_str(" |");
            out.push_str(&"  |".repeat(cell.span - 1));
            columns += cell.span;
        }
        if i == 0 {
            out.push_str(&"  |".repeat(t.width.saturating_sub(columns)));
        }
        if i == 0 {
            out.push_str("\n|");
            out.push_str(&" --- |".repeat(t.width));
        }
    }
    out
}

/// Indentation of nested list items: each level sits at its parent's content column.
#[derive(Default)]
struct ListLayout {
    stack: Vec<Frame>,
}

struct Frame {
    level: u8,
    ordered: bool,
    indent: usize,
    content_indent: usize,
}

impl ListLayout {
    /// The indent and marker for the next item, updating the nesting.
    fn place(&mut self, item: ListItem) -> (usize, String) {
        while self.stack.last().is_some_and(|f| f.level > item.level) {
            self.stack.pop();
        }
        if self.stack.last().is_some_and(|f| f.level == item.level && f.ordered != item.ordered) {
            // A bullet list where a numbered one was (or the reverse): a new list.
            self.stack.pop();
        }
        let marker = if item.ordered { format!("{}.", item.number.min(999_999_999)) } else { "-".to_owned() };
        let indent = match self.stack.last_mut() {
            Some(f) if f.level == item.level => {
                f.content_indent = f.indent + marker.len() + 1;
                return (f.indent, marker);
            }
            Some(parent) => parent.content_indent,
            None => 0,
        };
        let content_indent = indent + marker.len() + 1;
        self.stack.push(Frame { level: item.level, ordered: item.ordered, indent, content_indent });
        (indent, marker)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A paragraph or list item; continuation lines are indented this much.
    Body { indent: usize },
    /// A heading line: no line breaks, no bold (headings are bold already).
    Heading,
    /// A table cell: one line, breaks as `<br>`.
    Cell,
}

enum Piece<'a> {
    Text(&'a str, Fmt),
    Link(&'a str, Vec<(&'a str, Fmt)>),
    Break,
    Image(&'a str),
}

/// Renders a paragraph's inline content (no trailing whitespace).
fn inlines(items: &[Inline], mode: Mode) -> String {
    let mut pieces: Vec<Piece<'_>> = Vec::new();
    for item in items {
        match item {
            Inline::Text { text, fmt, link: Some(url) } => match pieces.last_mut() {
                Some(Piece::Link(u, parts)) if *u == &**url => parts.push((text, *fmt)),
                _ => pieces.push(Piece::Link(url, vec![(text, *fmt)])),
            },
            Inline::Text { text, fmt, link: None } => pieces.push(Piece::Text(text, *fmt)),
            Inline::Break => pieces.push(Piece::Break),
            Inline::Image { placeholder } => pieces.push(Piece::Image(placeholder)),
        }
    }
    let mut w = Writer { out: String::new(), mode, line_start: true, pending_break: false };
    for (i, piece) in pieces.iter().enumerate() {
        let next_ok = next_allows_close(pieces.get(i + 1), mode);
        match piece {
            Piece::Text(text, fmt) => w.text(text, *fmt, next_ok),
            Piece::Link(url, parts) => w.link(url, parts),
            Piece::Break => w.pending_break = !w.line_start || w.pending_break,
            Piece::Image(placeholder) => {
                w.flush_break();
                w.out.push_str("![](");
                w.out.push_str(placeholder);
                w.out.push(')');
                w.line_start = false;
            }
        }
    }
    trim_end_ws(&mut w.out);
    w.out
}

/// Whether what follows a closing delimiter lets it close (see [`Writer::text`]).
fn next_allows_close(next: Option<&Piece<'_>>, mode: Mode) -> bool {
    match next {
        None | Some(Piece::Break | Piece::Image(_) | Piece::Link(..)) => true,
        Some(Piece::Text(text, fmt)) => match text.chars().next() {
            None => true,
            Some(c) if is_ws(c) => true,
            Some(_) if !effective(*fmt, mode).is_plain() => true,
            Some(c) => ALWAYS_ESCAPED.contains(&c) || is_surely_punct(c),
        },
    }
}

/// Headings drop bold: their style is bold already, and `## **x**` is noise.
fn effective(fmt: Fmt, mode: Mode) -> Fmt {
    if mode == Mode::Heading { Fmt { bold: false, ..fmt } } else { fmt }
}

struct Writer {
    out: String,
    mode: Mode,
    /// Nothing written yet on the current line.
    line_start: bool,
    /// A line break waits to be written before the next visible content.
    pending_break: bool,
}

impl Writer {
    /// True when the next content will start a line (so leading space is dropped and
    /// block syntax must be escaped).
    fn at_line_start(&self) -> bool {
        self.line_start || (self.pending_break && self.mode != Mode::Heading)
    }

    fn flush_break(&mut self) {
        if !std::mem::take(&mut self.pending_break) {
            return;
        }
        match self.mode {
            Mode::Body { indent } => {
                trim_end_ws(&mut self.out);
                self.out.push_str("\\\n");
                self.out.extend(std::iter::repeat_n(' ', indent));
                self.line_start = true;
            }
            Mode::Cell => {
                trim_end_ws(&mut self.out);
                self.out.push_str("<br>");
                self.line_start = true;
            }
            Mode::Heading => self.out.push(' '),
        }
    }

    fn plain(&mut self, text: &str) {
        let text = if self.at_line_start() { text.trim_start_matches(is_ws) } else { text };
        if text.is_empty() {
            return;
        }
        self.flush_break();
        escape_into(&mut self.out, text, self.line_start);
        self.line_start = false;
    }

    /// Writes formatted text as `**…**`-style delimiters where CommonMark will honour
    /// them, else as HTML tags. `next_ok` says whether what follows this piece is
    /// whitespace/punctuation (or the end), which a closing delimiter after punctuation
    /// needs.
    fn text(&mut self, text: &str, fmt: Fmt, next_ok: bool) {
        let fmt = effective(fmt, self.mode);
        let core = text.trim_matches(is_ws);
        if fmt.is_plain() || core.is_empty() {
            self.plain(text);
            return;
        }
        let lead = &text[..text.len() - text.trim_start_matches(is_ws).len()];
        let trail = &text[text.trim_end_matches(is_ws).len()..];
        self.plain(lead);
        self.flush_break();
        let mut escaped = String::new();
        escape_into(&mut escaped, core, false);
        let (runs, tags) = delimiters(fmt);
        let prev = if self.line_start { None } else { self.out.chars().last() };
        let first_char = |s: &str| s.chars().next().unwrap_or(' ');
        let last_char = |s: &str| s.chars().last().unwrap_or(' ');
        let after_open = runs.get(1).map_or_else(|| first_char(&escaped), |r| first_char(r));
        let before_close = runs.get(1).map_or_else(|| last_char(&escaped), |r| last_char(r));
        let prev_ok = prev.is_none_or(|p| is_ws(p) || is_surely_punct(p));
        let merges = prev.is_some_and(|p| p == first_char(runs[0]));
        let open_ok = (!is_maybe_punct(after_open) || prev_ok) && !merges;
        let close_ok = !is_maybe_punct(before_close) || !trail.is_empty() || next_ok;
        if open_ok && close_ok {
            runs.iter().for_each(|r| self.out.push_str(r));
            self.out.push_str(&escaped);
            runs.iter().rev().for_each(|r| self.out.push_str(r));
        } else {
            tags.iter().for_each(|t| {
                self.out.push('<');
                self.out.push_str(t);
                self.out.push('>');
            });
            self.out.push_str(&escaped);
            tags.iter().rev().for_each(|t| {
                self.out.push_str("</");
                self.out.push_str(t);
                self.out.push('>');
            });
        }
        self.line_start = false;
        self.plain(trail);
    }

    fn link(&mut self, url: &str, parts: &[(&str, Fmt)]) {
        let mut inner = Writer { out: String::new(), mode: self.mode, line_start: false, pending_break: false };
        for (i, (text, fmt)) in parts.iter().enumerate() {
            let next_ok = parts
                .get(i + 1)
                .is_none_or(|(t, f)| next_allows_close(Some(&Piece::Text(t, *f)), self.mode) || t.starts_with(is_ws));
            inner.text(text, *fmt, next_ok);
        }
        if inner.out.trim_matches(is_ws).is_empty() {
            // Nothing to click: keep the spacing, which a closing delimiter before it
            // may rely on.
            self.plain(&inner.out);
            return;
        }
        self.flush_break();
        self.out.push('[');
        self.out.push_str(&inner.out);
        self.out.push_str("](");
        self.out.push_str(url);
        self.out.push(')');
        self.line_start = false;
    }
}

/// Delimiter runs (outermost first) and the equivalent HTML tags.
fn delimiters(fmt: Fmt) -> (Vec<&'static str>, Vec<&'static str>) {
    let mut runs = Vec::new();
    let mut tags = Vec::new();
    if fmt.strike {
        runs.push("~~");
        tags.push("del");
    }
    match (fmt.bold, fmt.italic) {
        (true, true) => runs.push("***"),
        (true, false) => runs.push("**"),
        (false, true) => runs.push("*"),
        (false, false) => {}
    }
    if fmt.bold {
        tags.push("strong");
    }
    if fmt.italic {
        tags.push("em");
    }
    (runs, tags)
}

/// Characters escaped wherever they appear: each can start markup in CommonMark + GFM
/// tables/strikethrough (`&` because `&lt;` would otherwise turn into `<`).
const ALWAYS_ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '#', '|', '~', '&'];

/// Appends `text` with Markdown syntax escaped. At a line start, list markers (`-`,
/// `+`, `1.`, `1)`) and setext underlines (`=`) are escaped too.
pub(crate) fn escape_into(out: &mut String, text: &str, line_start: bool) {
    let mut rest = text;
    if line_start {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        match (text.as_bytes().get(digits), text.chars().next()) {
            (Some(b'.' | b')'), _) if digits > 0 => {
                out.push_str(&text[..digits]);
                out.push('\\');
                out.push(char::from(text.as_bytes()[digits]));
                rest = &text[digits + 1..];
            }
            (_, Some(c @ ('-' | '+' | '='))) => {
                out.push('\\');
                out.push(c);
                rest = &text[1..];
            }
            _ => {}
        }
    }
    for c in rest.chars() {
        if ALWAYS_ESCAPED.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// CommonMark's Unicode whitespace: Zs plus tab, line feed, form feed, carriage return.
fn is_ws(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{0c}' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
    )
}

/// Could CommonMark count this as punctuation? Errs towards yes (anything neither
/// letter, digit nor whitespace), which only ever makes the writer choose HTML tags.
fn is_maybe_punct(c: char) -> bool {
    !c.is_alphanumeric() && !is_ws(c)
}

/// Is this certainly punctuation to CommonMark (general category P)? Covers ASCII and
/// the Chinese and general punctuation blocks; errs towards no.
fn is_surely_punct(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '\u{a1}' | '\u{a7}' | '\u{ab}' | '\u{b6}' | '\u{b7}' | '\u{bb}' | '\u{bf}'
            | '\u{2010}'..='\u{2027}'
            | '\u{2030}'..='\u{2043}'
            | '\u{2045}'..='\u{2051}'
            | '\u{2053}'..='\u{205e}'
            | '\u{3001}'..='\u{3003}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301f}'
            | '\u{30fb}'
            | '\u{ff01}'..='\u{ff03}'
            | '\u{ff05}'..='\u{ff0a}'
            | '\u{ff0c}'..='\u{ff0f}'
            | '\u{ff1a}' | '\u{ff1b}' | '\u{ff1f}' | '\u{ff20}'
            | '\u{ff3b}'..='\u{ff3d}'
            | '\u{ff3f}' | '\u{ff5b}' | '\u{ff5d}'
            | '\u{ff5f}'..='\u{ff65}'
        )
}

fn trim_end_ws(s: &mut String) {
    let len = s.trim_end_matches(is_ws).len();
    s.truncate(len);
}

/// The link target as a Markdown destination, or `None` unless it is http, https or
/// mailto (a `javascript:` or `file:` link becomes plain text). Characters that could
/// end the destination or a table cell are percent-encoded.
pub(crate) fn safe_link(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let rest = ["http://", "https://", "mailto:"].iter().find_map(|s| lower.strip_prefix(s))?;
    if rest.is_empty() || url.chars().any(char::is_control) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        match c {
            '(' | ')' | '<' | '>' | '|' | '\\' | '"' | '`' | '[' | ']' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_whitespace() => {
                for b in c.encode_utf8(&mut [0; 4]).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_https_and_mailto_links_survive() {
        assert_eq!(safe_link(" https://www.gov.cn/a?b=1 ").as_deref(), Some("https://www.gov.cn/a?b=1"));
        assert_eq!(safe_link("HTTP://X.CN").as_deref(), Some("HTTP://X.CN"));
        assert_eq!(safe_link("mailto:dw@example.cn").as_deref(), Some("mailto:dw@example.cn"));
        assert_eq!(safe_link("https://x.cn/a b(c)|d").as_deref(), Some("https://x.cn/a%20b%28c%29%7Cd"));
        for bad in
            ["javascript:alert(1)", "JavaScript:x", "data:text/html,x", "file:///c:/x", "http://", "/relative", ""]
        {
            assert_eq!(safe_link(bad), None, "{bad}");
        }
        assert_eq!(safe_link("https://x.cn/\u{0}"), None);
    }

    #[test]
    fn escaping_at_line_start_and_elsewhere() {
        let esc = |s: &str, start: bool| {
            let mut out = String::new();
            escape_into(&mut out, s, start);
            out
        };
        assert_eq!(esc("1. 第一", true), "1\\. 第一");
        assert_eq!(esc("12) 第十二", true), "12\\) 第十二");
        assert_eq!(esc("- 项", true), "\\- 项");
        assert_eq!(esc("===", true), "\\===");
        assert_eq!(esc("- 项 1. 不在行首", false), "- 项 1. 不在行首");
        assert_eq!(esc("*_[]<>#|~&`\\", false), "\\*\\_\\[\\]\\<\\>\\#\\|\\~\\&\\`\\\\");
        assert_eq!(esc("“中文”，标点！", true), "“中文”，标点！");
    }

    #[test]
    fn list_layout_nests_under_the_parent_content_column() {
        let mut l = ListLayout::default();
        let item = |ordered, level, number| ListItem { ordered, level, number };
        assert_eq!(l.place(item(true, 0, 9)), (0, "9.".to_owned()));
        assert_eq!(l.place(item(true, 0, 10)), (0, "10.".to_owned()));
        assert_eq!(l.place(item(false, 1, 0)), (4, "-".to_owned()));
        assert_eq!(l.place(item(false, 3, 0)), (6, "-".to_owned()), "a skipped level nests one step");
        assert_eq!(l.place(item(false, 0, 0)), (0, "-".to_owned()), "a new list where a numbered one was");
    }
}
