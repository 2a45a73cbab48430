//! The sensitive-term check (错敏词检查) run on an article before it is submitted.
//!
//! A government site fails its inspection outright for one "严重表述错误" — a leader's
//! name or title written wrong — or for forbidden content (the single-veto items in
//! `gov-site-rules.md` §2.2 and §2.5). Proofreaders miss these because the wrong form
//! looks right at a glance, so the editor shows them before the 一审 sees the text.
//!
//! The dictionary is configuration, not code: the deployer writes the real leaders'
//! names and titles into it (see [`Dictionary::starter`] for the format). Matching is one
//! leftmost-longest Aho-Corasick pass, so a 20,000-character article is checked in well
//! under a millisecond and the editor can re-check on every save.

mod format;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

pub use format::ParseError;

const STARTER: &str = include_str!("terms/starter.txt");

/// How many filler characters (spaces, an opening bracket) may stand between a leader's
/// name and the title after it. Kept tiny on purpose: "林卫东和陈嘉禾副市长" must not
/// read as a title of 林卫东, so anything but filler ends the window.
const TITLE_GAP_CHARS: usize = 2;

/// Up to this many patterns the automaton is built as a full DFA.
const DFA_MAX_PATTERNS: usize = 2_000;

/// One line of the dictionary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Blocks submission wherever it appears (spam and injected content).
    Forbidden { term: String },
    /// A common wrong form, shown as a warning with the right form.
    Suspect { term: String, suggestion: String },
    /// A leader: every title they may be called by (short forms too, since "书记" is
    /// the tail of "副书记" and no suffix rule can tell the two apart), and the wrong
    /// spellings of the name that proofreaders have seen.
    Leader { name: String, titles: Vec<String>, misspellings: Vec<String> },
}

impl Entry {
    /// The strings of this entry that are matched in the text.
    fn matched_terms(&self) -> Vec<&str> {
        match self {
            Entry::Forbidden { term } | Entry::Suspect { term, .. } => vec![term],
            Entry::Leader { name, misspellings, .. } => {
                std::iter::once(name.as_str()).chain(misspellings.iter().map(String::as_str)).collect()
            }
        }
    }
}

/// What an automaton pattern stands for.
#[derive(Debug, Clone, Copy)]
enum Meaning {
    /// A forbidden or suspect entry, by index.
    Entry(usize),
    /// A leader's name (no hit by itself; its neighbouring title is checked).
    Name(usize),
    /// A wrong spelling of a leader's name.
    Misspelling(usize),
    /// A right form: matched only so that leftmost-longest prefers it over a wrong form
    /// inside it, and the right text is never flagged.
    Correct,
}

/// A parsed, compiled dictionary. Build it once and share it: compiling the automaton
/// is the expensive part, checking is cheap.
#[derive(Debug, Clone)]
pub struct Dictionary {
    entries: Vec<Entry>,
    titles: Vec<String>,
    automaton: Option<AhoCorasick>,
    meanings: Vec<Meaning>,
    /// Title vocabulary plus every leader's titles, keyed by first and by last
    /// character so a name costs one lookup, not a scan of the vocabulary. Each list is
    /// longest first, so the first title that fits is the longest ("市委副书记" before
    /// "副书记").
    titles_by_first: HashMap<char, Vec<String>>,
    titles_by_last: HashMap<char, Vec<String>>,
}

impl Default for Dictionary {
    /// The starter dictionary, so a fresh install checks something from the first day.
    fn default() -> Self {
        Dictionary::parse(STARTER).expect("the starter dictionary parses; a unit test pins this")
    }
}

impl Dictionary {
    /// The text of the starter dictionary the program writes on first start. Its leaders
    /// are fictional (青澜市): real names are configuration that the deployer fills in.
    pub fn starter() -> &'static str {
        STARTER
    }

    /// A dictionary that flags nothing, for sites that switch the check off.
    pub fn empty() -> Self {
        Dictionary {
            entries: Vec::new(),
            titles: Vec::new(),
            automaton: None,
            meanings: Vec::new(),
            titles_by_first: HashMap::new(),
            titles_by_last: HashMap::new(),
        }
    }

    /// Parses the text form. All errors are returned at once, each with its line.
    pub fn parse(text: &str) -> Result<Self, Vec<ParseError>> {
        let parsed = format::parse(text)?;
        Dictionary::compile(parsed.entries, parsed.titles).map_err(|e| vec![e])
    }

    /// The canonical text form (comments are not kept).
    pub fn to_text(&self) -> String {
        format::to_text(&self.entries, &self.titles)
    }

    /// The parsed entries, in the order of the text.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The configured title vocabulary (the `职务` lines).
    pub fn titles(&self) -> &[String] {
        &self.titles
    }

    fn compile(entries: Vec<Entry>, titles: Vec<String>) -> Result<Self, ParseError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut meanings = Vec::new();
        let mut seen = HashSet::new();
        let mut add = |p: &str, m: Meaning| {
            if seen.insert(p.to_ascii_lowercase()) {
                patterns.push(p.to_owned());
                meanings.push(m);
            }
        };
        for (i, e) in entries.iter().enumerate() {
            match e {
                Entry::Forbidden { term } | Entry::Suspect { term, .. } => add(term, Meaning::Entry(i)),
                Entry::Leader { name, misspellings, .. } => {
                    add(name, Meaning::Name(i));
                    for m in misspellings {
                        add(m, Meaning::Misspelling(i));
                    }
                }
            }
        }
        // Right forms last, so a string that is both a name and a right form stays a name.
        for e in &entries {
            if let Entry::Suspect { suggestion, .. } = e {
                add(suggestion, Meaning::Correct);
            }
        }
        // A full DFA is the fastest matcher (about 1.5× an NFA here) and stays small for
        // a dictionary of hundreds of entries; past that, let the crate pick, so a huge
        // pasted list cannot blow up memory. Building fails only past aho-corasick's size
        // limits, far beyond a hand-edited dictionary; it is still reported, not ignored.
        let kind = (patterns.len() <= DFA_MAX_PATTERNS).then_some(AhoCorasickKind::DFA);
        let automaton = if patterns.is_empty() {
            None
        } else {
            let built = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .kind(kind)
                .build(&patterns);
            match built {
                Ok(ac) => Some(ac),
                Err(e) => return Err(ParseError { line: 0, reason: format!("词典过大，无法使用：{e}") }),
            }
        };

        let mut title_vocabulary: Vec<String> = titles.clone();
        for e in &entries {
            if let Entry::Leader { titles: own, .. } = e {
                title_vocabulary.extend(own.iter().cloned());
            }
        }
        title_vocabulary.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        title_vocabulary.dedup();
        let mut titles_by_first: HashMap<char, Vec<String>> = HashMap::new();
        let mut titles_by_last: HashMap<char, Vec<String>> = HashMap::new();
        for t in title_vocabulary {
            if let (Some(first), Some(last)) = (t.chars().next(), t.chars().next_back()) {
                titles_by_first.entry(first).or_default().push(t.clone());
                titles_by_last.entry(last).or_default().push(t);
            }
        }
        Ok(Dictionary { entries, titles, automaton, meanings, titles_by_first, titles_by_last })
    }

    /// The longest title that starts at byte `pos`.
    fn title_at(&self, text: &str, pos: usize) -> Option<&str> {
        let rest = &text[pos..];
        let list = self.titles_by_first.get(&rest.chars().next()?)?;
        list.iter().map(String::as_str).find(|t| rest.starts_with(t))
    }

    /// The longest title that ends at byte `pos`.
    fn title_before(&self, text: &str, pos: usize) -> Option<&str> {
        let head = &text[..pos];
        let list = self.titles_by_last.get(&head.chars().next_back()?)?;
        list.iter().map(String::as_str).find(|t| head.ends_with(t))
    }
}

/// How hard a hit stops the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Submission is refused until the text is changed.
    Block,
    /// Shown to the editor and the reviewers, who decide. Leader hits are warnings, not
    /// blocks: a configured wrong spelling can be another real person's name, and a
    /// block would leave no way to publish an article about them.
    Warn,
}

/// Why a piece of text was flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitKind {
    Forbidden,
    Suspect {
        suggestion: String,
    },
    /// A configured wrong spelling of a leader's name.
    LeaderName {
        name: String,
    },
    /// A title next to a leader's name that is not one of that leader's titles.
    LeaderTitle {
        name: String,
        titles: Vec<String>,
    },
}

/// One flagged piece of text. Ranges are half-open; `bytes` slices the checked `&str`,
/// `chars` counts Unicode scalar values, for a browser-side editor that counts those.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub bytes: Range<usize>,
    pub chars: Range<usize>,
    pub text: String,
    pub kind: HitKind,
    pub message: String,
    pub severity: Severity,
}

/// True when any hit refuses submission.
pub fn blocks(hits: &[Hit]) -> bool {
    hits.iter().any(|h| h.severity == Severity::Block)
}

/// A title seen next to a leader's name.
struct TitleSeen<'a> {
    range: Range<usize>,
    leader: usize,
    title: &'a str,
    ok: bool,
}

/// Checks `text` against the dictionary. Returns hits sorted by position and never
/// overlapping, so they can be highlighted in one pass. Run it on what the editor typed
/// (the Markdown source), so the ranges point at what they can fix.
pub fn check(dict: &Dictionary, text: &str) -> Vec<Hit> {
    let Some(ac) = &dict.automaton else { return Vec::new() };
    let mut hits: Vec<Hit> = Vec::new();
    let mut seen_titles: Vec<TitleSeen> = Vec::new();
    for m in ac.find_iter(text) {
        let range = m.range();
        let matched = &text[range.clone()];
        match dict.meanings[m.pattern().as_usize()] {
            Meaning::Entry(i) => match &dict.entries[i] {
                Entry::Forbidden { .. } => {
                    hits.push(hit(range, matched, HitKind::Forbidden, format!("禁用词“{matched}”"), Severity::Block))
                }
                Entry::Suspect { suggestion, .. } => hits.push(hit(
                    range,
                    matched,
                    HitKind::Suspect { suggestion: suggestion.clone() },
                    format!("疑似错误：“{matched}”应为“{suggestion}”"),
                    Severity::Warn,
                )),
                Entry::Leader { .. } => {}
            },
            Meaning::Misspelling(i) => {
                if let Entry::Leader { name, .. } = &dict.entries[i] {
                    hits.push(hit(
                        range,
                        matched,
                        HitKind::LeaderName { name: name.clone() },
                        format!("领导姓名疑似写错：“{matched}”应为“{name}”"),
                        Severity::Warn,
                    ));
                }
            }
            Meaning::Name(i) => titles_around(dict, text, range, i, &mut seen_titles),
            Meaning::Correct => {}
        }
    }
    hits.extend(title_hits(dict, seen_titles));
    finish(text, hits)
}

fn hit(bytes: Range<usize>, text: &str, kind: HitKind, message: String, severity: Severity) -> Hit {
    Hit { bytes, chars: 0..0, text: text.to_owned(), kind, message, severity }
}

/// Records the titles right after and right before one occurrence of a leader's name.
/// Chinese puts the title on either side ("林卫东书记", "市委书记林卫东"), so both are read.
fn titles_around<'d>(
    dict: &'d Dictionary,
    text: &str,
    name: Range<usize>,
    leader: usize,
    out: &mut Vec<TitleSeen<'d>>,
) {
    let Entry::Leader { titles, .. } = &dict.entries[leader] else { return };
    let is_filler = |c: char| c.is_whitespace() || c == '(' || c == '（';
    let mut pos = name.end;
    for c in text[pos..].chars().take(TITLE_GAP_CHARS) {
        if !is_filler(c) {
            break;
        }
        pos += c.len_utf8();
    }
    if let Some(t) = dict.title_at(text, pos) {
        out.push(TitleSeen { range: pos..pos + t.len(), leader, title: t, ok: titles.iter().any(|x| x == t) });
    }
    // Before the name only spaces may intervene: "副市长和林卫东" is about someone else.
    let mut pos = name.start;
    for c in text[..pos].chars().rev().take(TITLE_GAP_CHARS) {
        if !c.is_whitespace() {
            break;
        }
        pos -= c.len_utf8();
    }
    if let Some(t) = dict.title_before(text, pos) {
        out.push(TitleSeen { range: pos - t.len()..pos, leader, title: t, ok: titles.iter().any(|x| x == t) });
    }
}

/// A title is wrong only if no name next to it may carry it: in "林卫东书记陈嘉禾" the
/// "书记" may belong to either name, and guessing wrong would teach editors to ignore us.
fn title_hits(dict: &Dictionary, mut seen: Vec<TitleSeen>) -> Vec<Hit> {
    seen.sort_by_key(|s| (s.range.start, s.range.end));
    let mut out = Vec::new();
    let mut i = 0;
    while i < seen.len() {
        let mut j = i;
        while j < seen.len() && seen[j].range == seen[i].range {
            j += 1;
        }
        let group = &seen[i..j];
        if !group.iter().any(|s| s.ok)
            && let Entry::Leader { name, titles, .. } = &dict.entries[group[0].leader]
        {
            let s = &group[0];
            out.push(hit(
                s.range.clone(),
                s.title,
                HitKind::LeaderTitle { name: name.clone(), titles: titles.clone() },
                format!("领导职务不符：{name}的职务为“{}”，此处写作“{}”", titles.join("、"), s.title),
                Severity::Warn,
            ));
        }
        i = j;
    }
    out
}

/// Sorts, drops overlaps (a block wins over a warning on the same text), and fills in
/// the character ranges in one forward walk over the text.
fn finish(text: &str, mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| {
        a.bytes.start.cmp(&b.bytes.start).then(a.severity.cmp(&b.severity)).then(b.bytes.end.cmp(&a.bytes.end))
    });
    let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
    for h in hits {
        match kept.last_mut() {
            Some(last) if h.bytes.start < last.bytes.end => {
                if h.severity < last.severity {
                    *last = h;
                }
            }
            _ => kept.push(h),
        }
    }
    let (mut byte, mut ch) = (0, 0);
    for h in &mut kept {
        ch += text[byte..h.bytes.start].chars().count();
        let start = ch;
        ch += text[h.bytes.start..h.bytes.end].chars().count();
        byte = h.bytes.end;
        h.chars = start..ch;
    }
    kept
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The text as escaped HTML with every hit wrapped in a `<mark>` whose `title` carries
/// the message, for the editor's preview. Hits that are out of order, overlapping or
/// not on character boundaries are skipped rather than trusted: the output is inserted
/// into the backend page as HTML, so it must stay well-formed whatever it is given.
pub fn highlight(text: &str, hits: &[Hit]) -> String {
    let mut out = String::with_capacity(text.len() + hits.len() * 64);
    let mut cursor = 0;
    for h in hits {
        let Range { start, end } = h.bytes;
        if start < cursor
            || end <= start
            || end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
        {
            continue;
        }
        out.push_str(&escape(&text[cursor..start]));
        let class = match h.severity {
            Severity::Block => "term-block",
            Severity::Warn => "term-warn",
        };
        out.push_str(&format!(
            "<mark class=\"{class}\" title=\"{}\">{}</mark>",
            escape(&h.message),
            escape(&text[start..end])
        ));
        cursor = end;
    }
    out.push_str(&escape(&text[cursor..]));
    out
}
