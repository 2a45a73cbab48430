//! Known XSS vectors, fed both as Markdown and as HTML; every output is parsed and held
//! to the article policy (see `support::assert_safe`).

mod support;

use dangjian_markup::{render, sanitize_html};
use proptest::prelude::*;
use support::assert_safe;

const VECTORS: &[&str] = &[
    // script tags
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1);//<</script>",
    "<script\n>alert(1)</script\n>",
    // event handlers
    "<img src=x onerror=alert(1)>",
    "<img src=\"/media/a.png\" onload=\"alert(1)\">",
    "<IMG SRC=\"http://ok.example/\" ONERROR=\"alert(1)\">",
    "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=\"alert(1)\">",
    "<p onmouseover=alert(1)>文字</p>",
    "<img src=/media/x.png width=\"100 onload=alert(1)\">",
    // javascript: URLs with entity, whitespace and case tricks
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)\">x</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">x</a>",
    "<a href=\" &#14;  javascript:alert(1)\">x</a>",
    "<a href=\"JAVASCRIPT:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href=\"javas\0cript:alert(1)\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    // data: URLs
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
    // Markdown links, images, autolinks and references
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
    "[x]: javascript:alert(1)\n\n[链接][x]",
    "[x](https://ok.example \"\\\" onmouseover=\\\"alert(1)\")",
    // raw HTML blocks inside Markdown
    "<div>\n<script>alert(1)</script>\n</div>",
    "正文<img src=x onerror=alert(1)>正文",
    "    <script>alert(1)</script>",
    // svg and math
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    // frames, objects, forms, head elements
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><input type=submit></form>",
    "<button formaction=\"javascript:alert(1)\">x</button>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    // style
    "<div style=\"width: expression(alert(1))\">x</div>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<style>@import 'javascript:alert(1)';</style>",
    // template, noscript and other parser-state tricks
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<xmp><script>alert(1)</script></xmp>",
    "<textarea><script>alert(1)</script></textarea>",
    "<select><template><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mi//xlink:href=\"data:x,<script>alert(4)</script>\">",
    // unclosed tags and nested quotes
    "<a href=\"#\" onmouseover=\"alert(1)\"",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<div><a title=\"</div><script>alert(1)</script>\">x</a>",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    "<p title='\"><script>alert(1)</script>'>x",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
];

#[test]
fn there_are_enough_vectors() {
    assert!(VECTORS.len() >= 40, "{}", VECTORS.len());
}

#[test]
fn vectors_are_harmless_as_markdown() {
    for v in VECTORS {
        assert_safe(v, &render(v));
    }
}

#[test]
fn vectors_are_harmless_as_html() {
    for v in VECTORS {
        assert_safe(v, &sanitize_html(v));
    }
}

#[test]
fn vectors_are_harmless_inside_an_article() {
    for v in VECTORS {
        let md = format!("## 学习贯彻\n\n第一段。\n\n{v}\n\n- 列表项 {v}\n\n> 引用 {v}\n");
        assert_safe(&md, &render(&md));
    }
}

#[test]
fn script_urls_become_plain_links_or_text() {
    let out = render("[点击](javascript:alert(1))");
    assert_eq!(out, "<p><a rel=\"noopener noreferrer\">点击</a></p>\n");
    let out = sanitize_html("文<img src=x onerror=alert(1)>字");
    assert_eq!(out, "文字", "an image without an allowed source is dropped");
}

// The checker itself must catch what it is there to catch, or the tests above prove nothing.

#[test]
#[should_panic(expected = "event attribute onerror survived")]
fn checker_catches_event_attributes() {
    assert_safe("", "<img src=\"/media/a.png\" onerror=\"alert(1)\">");
}

#[test]
#[should_panic(expected = "survived")]
fn checker_catches_script_urls_behind_entities() {
    assert_safe("", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>");
}

#[test]
#[should_panic(expected = "<svg> survived")]
fn checker_catches_forbidden_elements() {
    assert_safe("", "<p><svg></svg></p>");
}

#[test]
#[should_panic(expected = "not a fixed point")]
fn checker_catches_output_that_reparses_differently() {
    assert_safe("", "<p>x<p>y");
}

/// Pieces that tend to form tags, attributes and URLs, so random inputs reach the
/// sanitiser's interesting paths rather than being plain text.
fn htmlish() -> impl Strategy<Value = String> {
    let parts = prop::sample::select(vec![
        "<",
        ">",
        "</",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "&#",
        ";",
        "x",
        "a",
        "img",
        "src",
        "href",
        "on",
        "error",
        "script",
        "javascript:",
        "data:",
        "svg",
        "math",
        "style",
        "[",
        "](",
        ")",
        "!",
        "/media/",
        "https://",
        "党建",
        "`",
        "<!--",
        "-->",
        "iframe",
        "template",
        "table",
        "td",
        "h1",
    ]);
    prop::collection::vec(prop_oneof![4 => parts.prop_map(str::to_owned), 1 => any::<String>()], 0..40)
        .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_markdown_is_harmless(input in htmlish()) {
        assert_safe(&input, &render(&input));
    }

    #[test]
    fn random_html_is_harmless(input in htmlish()) {
        assert_safe(&input, &sanitize_html(&input));
    }
}
