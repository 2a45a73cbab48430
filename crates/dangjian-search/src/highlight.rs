//! Marking matched words in titles and snippets. This works on the stored text with the
//! query's words as plain strings rather than re-running jieba over every hit's body,
//! which keeps a results page within a few milliseconds however long the articles are.
//! Output is HTML-escaped text with `<mark>` around matches.

use std::ops::Range;

/// Characters of body text shown per hit.
pub(crate) const SNIPPET_CHARS: usize = 120;
/// Characters shown before the first match, so the snippet starts with some context.
const LEAD_CHARS: usize = 20;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    push_escaped(&mut out, s);
    out
}

fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Byte ranges of `text` where any of `marks` occurs (ASCII case-insensitive), merged
/// and in order. `marks` come longest first, so a longer match wins at the same place.
fn matches(text: &str, marks: &[String]) -> Vec<Range<usize>> {
    // ASCII lower-casing keeps every byte offset valid for `text`.
    let lower = text.to_ascii_lowercase();
    let mut found: Vec<Range<usize>> = Vec::new();
    for m in marks.iter().filter(|m| !m.is_empty()) {
        found.extend(lower.match_indices(m.as_str()).map(|(i, s)| i..i + s.len()));
    }
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(found.len());
    for r in found {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text[window]` escaped, with the parts inside `ranges` marked.
fn render(text: &str, window: Range<usize>, ranges: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(window.len() + 32);
    let mut at = window.start;
    for r in ranges {
        let (s, e) = (r.start.max(window.start), r.end.min(window.end));
        if s >= e {
            continue;
        }
        push_escaped(&mut out, &text[at..s]);
        out.push_str("<mark>");
        push_escaped(&mut out, &text[s..e]);
        out.push_str("</mark>");
        at = e;
    }
    push_escaped(&mut out, &text[at..window.end]);
    out
}

/// The whole text (a title), escaped, with matches marked.
pub(crate) fn whole(text: &str, marks: &[String]) -> String {
    render(text, 0..text.len(), &matches(text, marks))
}

/// Byte offset of the character `n` characters after `from` (or the end).
fn chars_after(text: &str, from: usize, n: usize) -> usize {
    text[from..].char_indices().nth(n).map(|(i, _)| from + i).unwrap_or(text.len())
}

/// Byte offset of the character `n` characters before `to` (or the start).
fn chars_before(text: &str, to: usize, n: usize) -> usize {
    text[..to].char_indices().rev().nth(n.saturating_sub(1)).map(|(i, _)| i).unwrap_or(0)
}

/// About `len` characters of `text` around its first match, escaped, with matches marked
/// and `…` where the text was cut. Without a match, the start of the text.
pub(crate) fn snippet(text: &str, marks: &[String], len: usize) -> String {
    let text = text.trim();
    let ranges = matches(text, marks);
    let start = match ranges.first() {
        Some(r) if r.start > 0 => chars_before(text, r.start, LEAD_CHARS),
        _ => 0,
    };
    let end = chars_after(text, start, len);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.push_str(&render(text, start..end, &ranges));
    if end < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn marks_and_escapes() {
        assert_eq!(whole("<b>党建</b> & 学习", &m(&["党建"])), "&lt;b&gt;<mark>党建</mark>&lt;/b&gt; &amp; 学习");
        assert_eq!(whole("Word 与 word", &m(&["word"])), "<mark>Word</mark> 与 <mark>word</mark>");
    }

    #[test]
    fn overlapping_matches_merge() {
        assert_eq!(whole("北京大学", &m(&["北京大学", "大学", "北京"])), "<mark>北京大学</mark>");
        assert_eq!(whole("党建工作", &m(&["党建", "建工"])), "<mark>党建工</mark>作");
    }

    #[test]
    fn snippet_window_starts_before_the_match() {
        let text = format!("{}党建{}", "甲".repeat(100), "乙".repeat(300));
        let s = snippet(&text, &m(&["党建"]), 50);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains(&format!("{}<mark>党建</mark>", "甲".repeat(LEAD_CHARS))), "{s}");
        assert_eq!(s.chars().filter(|c| *c == '乙').count(), 50 - LEAD_CHARS - 2);
    }

    #[test]
    fn snippet_without_match_is_the_start() {
        assert_eq!(snippet("短文", &m(&["无"]), 50), "短文");
        assert_eq!(snippet("", &m(&["无"]), 50), "");
        assert_eq!(snippet("一二三四", &m(&[]), 2), "一二…");
    }
}
