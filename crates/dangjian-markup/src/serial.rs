//! A lexer for HTML that ammonia has just serialised, and nothing else.
//!
//! ammonia can drop tags but not rename them, and we want `<h1>` to become `<h2>`, `<b>`
//! to become `<strong>`, and an image whose source was refused to go. Its output is regular enough to lex safely without a
//! parser: html5ever escapes `<` in text (`&lt;`), writes every attribute value in double
//! quotes with `"` escaped, strips comments (our policy), and none of the allowed tags
//! holds raw text. So a `<` outside a quoted value always starts a tag.

/// A piece of serialised HTML.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Token<'a> {
    /// Text between tags, still escaped.
    Text(&'a str),
    /// A whole tag, `<` to `>`. `name` is lowercase ASCII (html5ever writes it so).
    Tag { raw: &'a str, name: &'a str, closing: bool },
}

/// Splits serialised HTML into text and tags. A `<` with no closing `>` (which ammonia
/// never writes) is returned as text, so nothing is lost.
pub(crate) fn tokens(html: &str) -> impl Iterator<Item = Token<'_>> {
    let mut rest = html;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if !rest.starts_with('<') {
            let end = rest.find('<').unwrap_or(rest.len());
            let (text, tail) = rest.split_at(end);
            rest = tail;
            return Some(Token::Text(text));
        }
        let mut in_quote = false;
        let end = rest.char_indices().skip(1).find_map(|(i, c)| match c {
            '"' => {
                in_quote = !in_quote;
                None
            }
            '>' if !in_quote => Some(i + 1),
            _ => None,
        });
        let Some(end) = end else {
            let text = rest;
            rest = "";
            return Some(Token::Text(text));
        };
        let (raw, tail) = rest.split_at(end);
        rest = tail;
        let closing = raw.starts_with("</");
        let after = if closing { &raw[2..] } else { &raw[1..] };
        let len = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
        Some(Token::Tag { raw, name: &after[..len], closing })
    })
}

/// Writes `raw` with its tag name replaced by `new` (attributes are kept).
pub(crate) fn push_renamed(out: &mut String, raw: &str, name: &str, closing: bool, new: &str) {
    let skip = if closing { 2 } else { 1 } + name.len();
    out.push_str(if closing { "</" } else { "<" });
    out.push_str(new);
    out.push_str(&raw[skip..]);
}

/// Undoes html5ever's text escaping (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&nbsp;`: the
/// only references it writes in text).
pub(crate) fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let (with, len) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>'), ("&quot;", '"'), ("&nbsp;", '\u{a0}')]
            .iter()
            .find(|(e, _)| rest.starts_with(e))
            .map(|(e, c)| (*c, e.len()))
            .unwrap_or(('&', 1));
        out.push(with);
        rest = &rest[len..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_text_and_tags_with_quoted_brackets() {
        let html = r#"a<p title="x > y">b&lt;c</p><br>"#;
        let t: Vec<_> = tokens(html).collect();
        assert_eq!(
            t,
            [
                Token::Text("a"),
                Token::Tag { raw: r#"<p title="x > y">"#, name: "p", closing: false },
                Token::Text("b&lt;c"),
                Token::Tag { raw: "</p>", name: "p", closing: true },
                Token::Tag { raw: "<br>", name: "br", closing: false },
            ]
        );
    }

    #[test]
    fn an_unclosed_bracket_stays_text() {
        let t: Vec<_> = tokens("a<p").collect();
        assert_eq!(t, [Token::Text("a"), Token::Text("<p")]);
    }

    #[test]
    fn renames_only_the_name() {
        let mut out = String::new();
        push_renamed(&mut out, r#"<h1 id="h1">"#, "h1", false, "h2");
        push_renamed(&mut out, "</h1>", "h1", true, "h2");
        assert_eq!(out, r#"<h2 id="h1"></h2>"#);
    }

    #[test]
    fn unescapes_what_html5ever_writes() {
        assert_eq!(unescape("a&amp;b&lt;c&gt;d&quot;e&nbsp;f&x"), "a&b<c>d\"e\u{a0}f&x");
        assert_eq!(unescape("党建"), "党建");
    }
}
