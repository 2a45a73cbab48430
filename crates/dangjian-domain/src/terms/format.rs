//! The line-based text form of a [`Dictionary`](super::Dictionary).
//!
//! The dictionary is edited in the backend as one textarea and stored as text, so the
//! format is made for people typing with a Chinese IME: full-width `｜`, `，` and `、`
//! are accepted next to their ASCII forms, and every error names its line in Chinese.

use std::collections::HashMap;
use std::fmt;

use super::Entry;

/// One problem in a dictionary text. `line` is 1-based, as the editor shows it; 0 means
/// the dictionary as a whole (it is too large to compile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 { f.write_str(&self.reason) } else { write!(f, "第{}行：{}", self.line, self.reason) }
    }
}

impl std::error::Error for ParseError {}

/// What a text parses to before it is compiled: the entries and the title vocabulary.
pub(super) struct Parsed {
    pub entries: Vec<Entry>,
    pub titles: Vec<String>,
}

/// Splits a list written as `a, b，c、d`, dropping empty items.
fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_owned).collect()
}

fn err(line: usize, reason: impl Into<String>) -> ParseError {
    ParseError { line, reason: reason.into() }
}

/// Parses one non-comment line. Returns the entry, or the titles of a `职务` line.
fn parse_line(n: usize, line: &str) -> Result<Result<Entry, Vec<String>>, ParseError> {
    let (kind, rest) = match line.split_once(char::is_whitespace) {
        Some((k, r)) => (k, r.trim()),
        None => (line, ""),
    };
    match kind {
        "禁" => {
            if rest.is_empty() {
                return Err(err(n, "“禁”后缺少词语"));
            }
            Ok(Ok(Entry::Forbidden { term: rest.to_owned() }))
        }
        "疑" => {
            let Some((wrong, right)) = rest.split_once("=>").or_else(|| rest.split_once("＝＞")) else {
                return Err(err(n, "“疑”词条应写作“疑 错误写法 => 正确写法”，缺少“=>”"));
            };
            let (term, suggestion) = (wrong.trim(), right.trim());
            if term.is_empty() {
                return Err(err(n, "缺少错误写法"));
            }
            if suggestion.is_empty() {
                return Err(err(n, "缺少正确写法"));
            }
            if term == suggestion {
                return Err(err(n, "错误写法与正确写法相同"));
            }
            Ok(Ok(Entry::Suspect { term: term.to_owned(), suggestion: suggestion.to_owned() }))
        }
        "领导" => {
            let parts: Vec<&str> = rest.split(['|', '｜']).map(str::trim).collect();
            if !(2..=3).contains(&parts.len()) {
                return Err(err(n, "“领导”词条应写作“领导 姓名 | 职务1, 职务2 | 错写1, 错写2”"));
            }
            let name = parts[0];
            if name.is_empty() {
                return Err(err(n, "缺少领导姓名"));
            }
            let titles = split_list(parts[1]);
            if titles.is_empty() {
                return Err(err(n, format!("领导“{name}”至少需要一个职务")));
            }
            let misspellings = parts.get(2).map(|p| split_list(p)).unwrap_or_default();
            if misspellings.iter().any(|m| m == name) {
                return Err(err(n, format!("领导“{name}”的错写与姓名相同")));
            }
            Ok(Ok(Entry::Leader { name: name.to_owned(), titles, misspellings }))
        }
        "职务" => {
            let titles = split_list(rest);
            if titles.is_empty() {
                return Err(err(n, "“职务”后缺少职务名称"));
            }
            Ok(Err(titles))
        }
        other => Err(err(n, format!("未知的词条类型“{other}”，应为“禁”“疑”“领导”或“职务”"))),
    }
}

/// Key under which two terms count as the same: the automaton ignores ASCII case.
fn key(s: &str) -> String {
    s.to_ascii_lowercase()
}

/// Parses the whole text, collecting every error rather than stopping at the first, so
/// an editor fixes them all in one round.
pub(super) fn parse(text: &str) -> Result<Parsed, Vec<ParseError>> {
    let mut errors = Vec::new();
    let mut entries = Vec::new();
    let mut lines = Vec::new();
    let mut titles: Vec<String> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(i + 1, line) {
            Ok(Ok(entry)) => {
                entries.push(entry);
                lines.push(i + 1);
            }
            Ok(Err(more)) => {
                for t in more {
                    if !titles.contains(&t) {
                        titles.push(t);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }

    // Every string that produces a hit must mean one thing only.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (entry, &line) in entries.iter().zip(&lines) {
        for term in entry.matched_terms() {
            if let Some(first) = seen.insert(key(term), line) {
                errors.push(err(line, format!("“{term}”与第{first}行重复")));
                seen.insert(key(term), first);
            }
        }
    }
    let leader_names: Vec<String> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Leader { name, .. } => Some(key(name)),
            _ => None,
        })
        .collect();
    for (entry, &line) in entries.iter().zip(&lines) {
        if let Entry::Suspect { suggestion, .. } = entry {
            let k = key(suggestion);
            if let Some(&other) = seen.get(&k)
                && !leader_names.contains(&k)
            {
                errors.push(err(line, format!("正确写法“{suggestion}”在第{other}行被列为禁用词或错误写法")));
            }
        }
    }

    if errors.is_empty() {
        Ok(Parsed { entries, titles })
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Writes entries back in the canonical form that [`parse`] reads.
pub(super) fn to_text(entries: &[Entry], titles: &[String]) -> String {
    let mut out = String::new();
    for e in entries {
        match e {
            Entry::Forbidden { term } => out.push_str(&format!("禁 {term}\n")),
            Entry::Suspect { term, suggestion } => out.push_str(&format!("疑 {term} => {suggestion}\n")),
            Entry::Leader { name, titles, misspellings } => {
                out.push_str(&format!("领导 {name} | {}", titles.join(", ")));
                if !misspellings.is_empty() {
                    out.push_str(&format!(" | {}", misspellings.join(", ")));
                }
                out.push('\n');
            }
        }
    }
    if !titles.is_empty() {
        out.push_str(&format!("职务 {}\n", titles.join(", ")));
    }
    out
}
