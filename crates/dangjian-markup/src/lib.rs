//! Markdown to safe HTML for articles.
//!
//! The portal writes an article's stored HTML into the page as it is, so the store must
//! only ever hold HTML that passed through [`sanitize_html`]. Editors write Markdown
//! ([`render`]); content imported from Word goes through the same policy. The policy is
//! an explicit allow-list (ammonia's defaults are broader than a government article
//! needs): a defaced or script-injected page fails the site's inspection outright.

mod serial;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Options, Parser};

/// Tags an article may contain after sanitising.
pub const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "del",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "pre",
    "code",
    "hr",
    "figure",
    "figcaption",
    "sup",
    "sub",
];

/// Tags that are let through the sanitiser only to be renamed afterwards: the page
/// title is the article's only `<h1>`, the template has no styles below `<h4>`, and
/// Word writes `<b>`/`<i>` where we keep `<strong>`/`<em>`.
const RENAMED: &[(&str, &str)] =
    &[("h1", "h2"), ("h5", "h4"), ("h6", "h4"), ("b", "strong"), ("i", "em"), ("s", "del"), ("strike", "del")];

/// Elements dropped together with their content: their text is code, markup or form
/// chrome, never article prose.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes", "noembed", "object", "embed",
    "applet", "svg", "math", "textarea", "select", "title", "xmp",
];

/// Attributes per tag. Everything else (style, class, id, on*) is dropped.
const ALLOWED_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "title"]),
    ("img", &["src", "alt", "title", "width", "height"]),
    ("ol", &["start"]),
    ("th", &["colspan", "rowspan"]),
    ("td", &["colspan", "rowspan"]),
];

/// Numeric attributes: digits only, so a width can't smuggle anything and stays sane.
const NUMERIC_ATTRIBUTES: &[&str] = &["width", "height", "colspan", "rowspan", "start"];

static ARTICLE_POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    let tags: HashSet<&str> = ALLOWED_TAGS.iter().chain(RENAMED.iter().map(|(from, _)| from)).copied().collect();
    let attributes: HashMap<&str, HashSet<&str>> =
        ALLOWED_ATTRIBUTES.iter().map(|(tag, attrs)| (*tag, attrs.iter().copied().collect())).collect();
    b.tags(tags)
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(attributes)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true)
        .attribute_filter(filter_attribute);
    b
});

/// Tags that separate words when an article is flattened to text; inline tags (a,
/// strong, …) do not, since "党<strong>建</strong>" is one word.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

static TEXT_POLICY: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::empty();
    b.tags(BLOCK_TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::new())
        .link_rel(None)
        .strip_comments(true);
    b
});

/// True for a URL that must never be followed or loaded, however it is spelled.
/// ammonia already refuses these schemes; this second look costs nothing and keeps the
/// guarantee if the scheme list is ever widened by mistake.
fn is_script_url(value: &str) -> bool {
    let squashed: String =
        value.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).flat_map(char::to_lowercase).collect();
    ["javascript:", "vbscript:", "data:"].iter().any(|s| squashed.starts_with(s))
}

fn filter_attribute<'a>(element: &str, attribute: &str, value: &'a str) -> Option<Cow<'a, str>> {
    match (element, attribute) {
        (_, "href" | "src") if is_script_url(value) => None,
        // Images load without a click, so only our media store or a full http(s) URL.
        ("img", "src") => {
            let lower = value.to_ascii_lowercase();
            let ok = lower.starts_with("https://") || lower.starts_with("http://") || value.starts_with("/media/");
            ok.then_some(Cow::Borrowed(value))
        }
        (_, a) if NUMERIC_ATTRIBUTES.contains(&a) => {
            let v = value.trim();
            (!v.is_empty() && v.len() <= 4 && v.bytes().all(|b| b.is_ascii_digit())).then(|| Cow::Owned(v.to_owned()))
        }
        _ => Some(Cow::Borrowed(value)),
    }
}

fn renamed(name: &str) -> Option<&'static str> {
    RENAMED.iter().find(|(from, _)| *from == name).map(|(_, to)| *to)
}

/// Cleans HTML from any source with the article policy: the allow-list in
/// [`ALLOWED_TAGS`], links to http/https/mailto or relative URLs (with
/// `rel="noopener noreferrer"`), images from http/https or `/media/…`, no style, class
/// or event attributes. `h1` becomes `h2`, `h5`/`h6` become `h4`, `b`/`i` become
/// `strong`/`em`, so imported documents keep their structure inside the policy. An
/// image left without a source is removed.
pub fn sanitize_html(html: &str) -> String {
    let clean = ARTICLE_POLICY.clean(html).to_string();
    let mut out = String::with_capacity(clean.len());
    for t in serial::tokens(&clean) {
        match t {
            serial::Token::Text(s) => out.push_str(s),
            // An image whose source was refused would show as a broken image, which the
            // site inspection counts against us; a void element, so nothing else to drop.
            serial::Token::Tag { raw, name: "img", .. } if !raw.contains(" src=\"") => {}
            serial::Token::Tag { raw, name, closing } => match renamed(name) {
                Some(new) => serial::push_renamed(&mut out, raw, name, closing, new),
                None => out.push_str(raw),
            },
        }
    }
    out
}

/// Renders an editor's Markdown (CommonMark with tables and strikethrough) to HTML
/// that is safe to store and serve. Raw HTML in the Markdown is allowed, because editors
/// paste it, and is held to the same policy as everything else.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut html = String::with_capacity(markdown.len() + markdown.len() / 2);
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitize_html(&html)
}

/// True when the input opens with an HTML tag (`<p>`, `<div class=…>`, `<!--`), not
/// with Markdown. An autolink such as `<https://…>` is Markdown.
fn looks_like_html(s: &str) -> bool {
    let Some(rest) = s.trim_start().strip_prefix('<') else { return false };
    if rest.starts_with('!') || rest.starts_with('/') {
        return true;
    }
    let name_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    name_len > 0
        && rest.as_bytes()[0].is_ascii_alphabetic()
        && rest[name_len..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
}

/// The readable text of an article, for summaries and the search index: tags removed,
/// blocks separated by a space, runs of whitespace (including full-width spaces and
/// `&nbsp;`) collapsed to one space. Takes stored HTML or Markdown; input that opens
/// with a tag is read as HTML, anything else as Markdown.
pub fn plain_text(html_or_md: &str) -> String {
    let rendered;
    let html = if looks_like_html(html_or_md) {
        html_or_md
    } else {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, Parser::new_ext(html_or_md, Options::ENABLE_TABLES));
        rendered = out;
        &rendered
    };
    let blocks = TEXT_POLICY.clean(html).to_string();
    let mut text = String::with_capacity(blocks.len());
    for t in serial::tokens(&blocks) {
        match t {
            serial::Token::Text(s) => text.push_str(&serial::unescape(s)),
            serial::Token::Tag { .. } => text.push(' '),
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_are_seen_through_tricks() {
        for v in
            ["javascript:x", " JaVa\tScRiPt:x", "java\nscript:x", "\u{1}javascript:x", "DATA:text/html,x", "vbscript:x"]
        {
            assert!(is_script_url(v), "{v:?}");
        }
        for v in ["https://x", "/media/a.png", "mailto:a@b.c", "javascript-guide.html"] {
            assert!(!is_script_url(v), "{v:?}");
        }
    }

    #[test]
    fn html_is_told_from_markdown() {
        assert!(looks_like_html("<p>正文</p>"));
        assert!(looks_like_html("  <div class=\"x\">"));
        assert!(looks_like_html("<!-- c -->"));
        assert!(looks_like_html("<br/>"));
        assert!(!looks_like_html("<https://example.com>"));
        assert!(!looks_like_html("# 标题"));
        assert!(!looks_like_html("a < b"));
    }
}
