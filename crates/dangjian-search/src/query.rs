//! From what a visitor typed to a tantivy query, without a query language: every word
//! must appear (in the title, the body or 供稿单位), quoted text must appear as written,
//! and a title match weighs more than a body match. Nothing typed can be a syntax error.

use tantivy::{
    Term,
    query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery},
    schema::{Field, IndexRecordOption},
    tokenizer::{TextAnalyzer, TokenStream},
};

use crate::MAX_QUERY_CHARS;

/// Words and phrases beyond this many are ignored: each is a clause to evaluate, and a
/// real query has a handful.
const MAX_CLAUSES: usize = 16;
/// Weights of the fields. A word in the title says much more about an article than the
/// same word somewhere in its body; 供稿单位 sits between.
const TITLE_BOOST: f32 = 5.0;
const SOURCE_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 1.0;

/// The fields a query touches.
pub(crate) struct QueryFields {
    pub title: Field,
    pub body: Field,
    pub source: Field,
    pub channel: Field,
}

/// A query taken apart.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Parsed {
    /// Words that must each appear.
    pub words: Vec<String>,
    /// Phrases that must each appear, as (character position, word) pairs.
    pub phrases: Vec<Vec<(usize, String)>>,
    /// Strings to mark in titles and snippets, longest first.
    pub marks: Vec<String>,
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '＂' | '「' | '」')
}

/// Words of `text` with their character positions; tokens without a letter or digit
/// (spaces, punctuation, symbols) are dropped but keep their place.
fn words(text: &str, analyzer: &mut TextAnalyzer) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token();
        if t.text.chars().any(char::is_alphanumeric) {
            out.push((t.position, t.text.clone()));
        }
    }
    out
}

/// Splits the text into free words and quoted phrases. An unclosed quote runs to the end.
pub(crate) fn parse(text: &str, analyzer: &mut TextAnalyzer) -> Parsed {
    let text: String = text.chars().take(MAX_QUERY_CHARS).collect();
    let mut p = Parsed::default();
    let mut marks: Vec<String> = Vec::new();
    for (i, segment) in text.split(is_quote).enumerate() {
        let quoted = i % 2 == 1;
        let ws = words(segment, analyzer);
        if quoted && ws.len() >= 2 {
            let first = ws[0].0;
            marks.push(segment.trim().to_lowercase());
            marks.extend(ws.iter().map(|(_, w)| w.clone()));
            p.phrases.push(ws.into_iter().map(|(pos, w)| (pos - first, w)).collect());
        } else {
            for (_, w) in ws {
                if !p.words.contains(&w) {
                    marks.push(w.clone());
                    p.words.push(w);
                }
            }
        }
    }
    // Phrases first: they are what the visitor insisted on.
    p.phrases.truncate(MAX_CLAUSES);
    p.words.truncate(MAX_CLAUSES - p.phrases.len());
    marks.retain(|m| !m.is_empty());
    marks.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then_with(|| a.cmp(b)));
    marks.dedup();
    p.marks = marks;
    p
}

/// One word or phrase in any of the three fields, each field with its weight. The
/// clauses are `Should`, so a document matching in title and body scores both.
fn any_field(f: &QueryFields, make: impl Fn(Field) -> Box<dyn Query>) -> Box<dyn Query> {
    let clauses = [(f.title, TITLE_BOOST), (f.source, SOURCE_BOOST), (f.body, BODY_BOOST)]
        .into_iter()
        .map(|(field, boost)| (Occur::Should, Box::new(BoostQuery::new(make(field), boost)) as Box<dyn Query>))
        .collect();
    Box::new(BooleanQuery::new(clauses))
}

/// The query for a parsed text, or `None` when nothing in it can be searched.
pub(crate) fn build(p: &Parsed, f: &QueryFields, channel: Option<&str>) -> Option<Box<dyn Query>> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for w in &p.words {
        must.push((
            Occur::Must,
            any_field(f, |field| {
                Box::new(TermQuery::new(Term::from_field_text(field, w), IndexRecordOption::WithFreqs))
            }),
        ));
    }
    for phrase in &p.phrases {
        must.push((
            Occur::Must,
            any_field(f, |field| {
                let terms = phrase.iter().map(|(pos, w)| (*pos, Term::from_field_text(field, w))).collect();
                Box::new(PhraseQuery::new_with_offset(terms))
            }),
        ));
    }
    if must.is_empty() {
        return None;
    }
    if let Some(slug) = channel.filter(|s| !s.is_empty()) {
        // A filter, not a scoring clause: every document of the channel scores the same.
        let term = TermQuery::new(Term::from_field_text(f.channel, slug), IndexRecordOption::Basic);
        must.push((Occur::Must, Box::new(ConstScoreQuery::new(Box::new(term), 0.0))));
    }
    Some(Box::new(BooleanQuery::new(must)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query_analyzer;

    fn p(text: &str) -> Parsed {
        parse(text, &mut query_analyzer())
    }

    #[test]
    fn words_phrases_and_marks() {
        let q = p("党建 \"学习 教育\"");
        assert_eq!(q.words, vec!["党建"]);
        assert_eq!(q.phrases, vec![vec![(0, "学习".to_owned()), (3, "教育".to_owned())]]);
        assert_eq!(q.marks[0], "学习 教育");
    }

    #[test]
    fn chinese_quotes_and_unclosed_quotes() {
        assert_eq!(p("“党史学习”").phrases.len(), 1);
        let q = p("\"党建工作");
        assert!(q.words.is_empty() && q.phrases.len() == 1, "{q:?}");
    }

    #[test]
    fn nothing_searchable() {
        for t in ["", "   ", "\"\"", "()*:\\", "！？。，", "\"\"\"\""] {
            let q = p(t);
            assert!(q.words.is_empty() && q.phrases.is_empty(), "{t}: {q:?}");
        }
    }

    #[test]
    fn long_queries_are_cut() {
        let q = p(&"党建工作学习教育".repeat(2000));
        assert!(q.words.len() + q.phrases.len() <= MAX_CLAUSES);
        let q = p(&(0..500).map(|i| format!("w{i} ")).collect::<String>());
        assert_eq!(q.words.len(), MAX_CLAUSES);
    }

    #[test]
    fn ascii_is_lower_cased() {
        assert_eq!(p("PDF").words, vec!["pdf"]);
    }
}
