//! Hostile and broken files: clear errors, bounded work, never a panic. And a property
//! check of the escaping and emphasis rules against the real Markdown parser.

mod support;

use dangjian_docx::{ImportError, Limits, import};
use proptest::prelude::*;
use support::*;
use zip::CompressionMethod;

#[test]
fn non_zip_bytes_are_rejected() {
    assert_eq!(import(b"%PDF-1.7 not a docx", &Limits::default()), Err(ImportError::NotZip));
    assert_eq!(import(b"", &Limits::default()), Err(ImportError::NotZip));
    assert_eq!(ImportError::NotZip.to_string(), "文件不是有效的 Word 文档（.docx）");
}

#[test]
fn legacy_doc_is_named_as_such() {
    let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    doc.resize(1024, 0);
    let err = import(&doc, &Limits::default()).unwrap_err();
    assert_eq!(err, ImportError::LegacyDoc);
    assert!(err.to_string().contains(".doc"));
}

#[test]
fn zip_without_a_document_is_not_docx() {
    let zip = zip_of(&[("xl/workbook.xml".into(), b"<workbook/>".to_vec())], CompressionMethod::Deflated);
    assert_eq!(import(&zip, &Limits::default()), Err(ImportError::NotDocx));
    let zip = Docx::new(&pt("x")).without("word/document.xml").build();
    assert_eq!(import(&zip, &Limits::default()), Err(ImportError::NotDocx));
}

#[test]
fn document_part_that_is_not_wordprocessingml_is_not_docx() {
    let zip = Docx::new("").file("word/document.xml", b"<html><body>hi</body></html>".to_vec()).build();
    assert_eq!(import(&zip, &Limits::default()), Err(ImportError::NotDocx));
}

#[test]
fn malformed_document_xml_is_corrupt() {
    for bad in [
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p>",
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body></w:p></w:body></w:document>",
        "<w:document><w:body>&bogus;</w:body></w:document>",
        "\u{0}\u{1}garbage",
    ] {
        let zip = Docx::new("").file("word/document.xml", bad.as_bytes().to_vec()).build();
        match import(&zip, &Limits::default()) {
            Err(ImportError::Corrupt(msg)) => assert!(!msg.is_empty()),
            other => panic!("{bad:?} gave {other:?}"),
        }
    }
    let zip = Docx::new("").file("word/document.xml", vec![0xFF, 0xFE, 0x3C, 0x00]).build();
    assert!(matches!(import(&zip, &Limits::default()), Err(ImportError::Corrupt(_))));
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let body = format!("{}{}", "<w:sdt><w:sdtContent>".repeat(5000), "</w:sdtContent></w:sdt>".repeat(5000));
    let zip = Docx::new(&body).build();
    assert!(matches!(import(&zip, &Limits::default()), Err(ImportError::Corrupt(_))));
}

#[test]
fn deepest_accepted_nesting_fits_a_small_thread_stack() {
    // 80 tables inside each other is just under the XML depth limit; the converter
    // recurses over them, on a 1 MiB stack here (async runtimes give workers 2 MiB).
    let depth = 80;
    let body =
        format!("{}{}{}", "<w:tbl><w:tr><w:tc>".repeat(depth), pt("最里层"), "</w:tc></w:tr></w:tbl>".repeat(depth));
    let docx = Docx::new(&body).build();
    let got = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || import(&docx, &Limits::default()))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(got.markdown, "| 最里层 |\n| --- |\n");
    assert_eq!(got.warnings, vec![format!("已将 {} 个嵌套表格展开为文本", depth - 1)]);
}

#[test]
fn oversized_entry_is_too_large() {
    let big = pt(&"党".repeat(200_000)); // about 600 KB of XML, deflates to almost nothing
    let docx = Docx::new(&big).build();
    assert!(docx.len() < 50_000, "the test needs a small file that unpacks big");
    let limits = Limits { max_uncompressed: 256 << 10, ..Limits::default() };
    let err = import(&docx, &limits).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(_)), "{err:?}");
    assert_eq!(err.to_string(), "文件过大：解压后的内容超过上限 256 KB");
    assert!(import(&docx, &Limits::default()).is_ok());
}

/// Rewrites the uncompressed size that `name`'s local and central headers declare.
fn lie_about_size(zip: &mut [u8], name: &str, size: u32) {
    let mut patched = 0;
    for i in 0..zip.len().saturating_sub(46) {
        let (size_at, name_len_at, name_at) = match &zip[i..i + 4] {
            [0x50, 0x4B, 0x03, 0x04] => (i + 22, i + 26, i + 30),
            [0x50, 0x4B, 0x01, 0x02] => (i + 24, i + 28, i + 46),
            _ => continue,
        };
        let len = usize::from(u16::from_le_bytes([zip[name_len_at], zip[name_len_at + 1]]));
        if zip.get(name_at..name_at + len) == Some(name.as_bytes()) {
            zip[size_at..size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name}");
}

#[test]
fn an_entry_that_lies_about_its_size_is_stopped_at_the_limit() {
    let mut docx = Docx::new(&pt(&"党".repeat(200_000))).build();
    lie_about_size(&mut docx, "word/document.xml", 100);
    let limits = Limits { max_uncompressed: 256 << 10, ..Limits::default() };
    let err = import(&docx, &limits).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge(_) | ImportError::Corrupt(_)), "{err:?}");
}

#[test]
fn total_across_parts_is_bounded_too() {
    let docx = Docx::new(&pt("小")).build();
    // Each part fits, but together they do not.
    let limits = Limits { max_uncompressed: 3000, ..Limits::default() };
    assert!(matches!(import(&docx, &limits), Err(ImportError::TooLarge(_))));
}

#[test]
fn too_many_entries_is_too_large() {
    let mut docx = Docx::new(&pt("x"));
    for i in 0..30 {
        docx = docx.file(&format!("word/media/extra{i}.bin"), vec![0; 4]);
    }
    let limits = Limits { max_entries: 20, ..Limits::default() };
    let err = import(&docx.build(), &limits).unwrap_err();
    assert_eq!(err, ImportError::TooLarge("压缩包内有 39 个文件，超过上限 20 个".into()));
}

#[test]
fn entity_expansion_is_not_performed() {
    let doc = format!(
        r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><w:document {NS}><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let zip = Docx::new("").file("word/document.xml", doc.into_bytes()).build();
    assert!(matches!(import(&zip, &Limits::default()), Err(ImportError::Corrupt(_))));
}

/// The text and formatting of rendered Markdown, character by character (whitespace
/// skipped), plus anything that is neither (a heading, a list, a link, stray HTML).
fn rendered_chars(markdown: &str) -> (Vec<(char, [bool; 3])>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut state = [0i32; 3];
    let mut chars = Vec::new();
    let mut unexpected = Vec::new();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Strong) => state[0] += 1,
            Event::End(TagEnd::Strong) => state[0] -= 1,
            Event::Start(Tag::Emphasis) => state[1] += 1,
            Event::End(TagEnd::Emphasis) => state[1] -= 1,
            Event::Start(Tag::Strikethrough) => state[2] += 1,
            Event::End(TagEnd::Strikethrough) => state[2] -= 1,
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Table(_)
                | Tag::TableHead
                | Tag::TableRow
                | Tag::TableCell
                | Tag::List(_)
                | Tag::Item,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell
                | TagEnd::List(_)
                | TagEnd::Item,
            ) => {}
            Event::InlineHtml(tag) => match &*tag {
                "<strong>" => state[0] += 1,
                "</strong>" => state[0] -= 1,
                "<em>" => state[1] += 1,
                "</em>" => state[1] -= 1,
                "<del>" => state[2] += 1,
                "</del>" => state[2] -= 1,
                other => unexpected.push(format!("html {other}")),
            },
            Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => unexpected.push("link".into()),
            Event::Text(t) => {
                chars.extend(t.chars().filter(|c| !c.is_whitespace()).map(|c| (c, state.map(|n| n > 0))));
            }
            other => unexpected.push(format!("{other:?}")),
        }
    }
    (chars, unexpected)
}

fn fmt_props(f: [bool; 3]) -> String {
    [(f[0], "<w:b/>"), (f[1], "<w:i/>"), (f[2], "<w:strike/>")].iter().filter(|(on, _)| *on).map(|(_, p)| *p).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever the runs say and however they are formatted, the rendered paragraph,
    /// heading, table cell, link or list item has exactly the same characters with exactly the
    /// same formatting (headings drop bold), and nothing else.
    #[test]
    fn text_and_formatting_survive_rendering(
        runs in proptest::collection::vec(
            ("[a-z0-9中文党建，。！？：；“”（）《》、…·— \u{3000}*_#<>\\[\\]`~|&!=+.)(\\\\-]{0,6}", any::<[bool; 3]>()),
            1..6,
        ),
        context in 0..5u8,
    ) {
        let runs_xml: String = runs.iter().map(|(t, f)| rp(&fmt_props(*f), t)).collect();
        let (body, prefix) = match context {
            0 => (p(&runs_xml), ""),
            1 => (ps("Heading2", &runs_xml), ""),
            2 => (format!("<w:tbl><w:tr><w:tc>{}</w:tc></w:tr><w:tr><w:tc>{}</w:tc></w:tr></w:tbl>", pt("头"), p(&runs_xml)), "头"),
            3 => (p(&format!(r#"<w:hyperlink r:id="rId4">{runs_xml}</w:hyperlink>"#)), ""),
            _ => {
                let item = format!(r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr>{runs_xml}</w:p>"#);
                (format!("{}{item}", li(1, 0, "项")), "项")
            }
        };
        let got = import(&Docx::new(&body).build(), &Limits::default()).unwrap();
        let no_bold = context == 1;
        let expected: Vec<(char, [bool; 3])> = prefix
            .chars()
            .map(|c| (c, [false; 3]))
            .chain(runs.iter().flat_map(|(t, f)| {
                let f = [f[0] && !no_bold, f[1], f[2]];
                t.chars().filter(|c| !c.is_whitespace()).map(move |c| (c, f))
            }))
            .collect();
        let (chars, mut unexpected) = rendered_chars(&got.markdown);
        if context == 3 {
            unexpected.retain(|e| e != "link");
        }
        prop_assert!(unexpected.is_empty(), "unexpected {:?} in {:?}", unexpected, got.markdown);
        prop_assert_eq!(chars, expected, "markdown: {:?}", got.markdown);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import(&bytes, &Limits::default());
    }

    #[test]
    fn flipped_bytes_in_a_real_docx_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        stored in any::<bool>(),
    ) {
        let body = [
            ps("Heading1", &r("标题")),
            p(&[rp("<w:b/>", "粗"), drawing("rId3")].concat()),
            li(1, 0, "项"),
            table(&[&["a", "b"], &["c", "d"]]),
        ]
        .concat();
        let docx = Docx::new(&body);
        let mut bytes = if stored { docx.stored().build() } else { docx.build() };
        for (i, b) in flips {
            let i = i.index(bytes.len());
            bytes[i] ^= b | 1;
        }
        let _ = import(&bytes, &Limits::default());
    }

    #[test]
    fn mangled_document_xml_never_panics(cut in 0usize..4000, junk in "[<>/&;\"'=a-z:# ]{0,12}") {
        let body = [
            ps("1", &r("标题")),
            p(&[rp("<w:i/>", "斜"), r#"<w:hyperlink r:id="rId4"><w:r><w:t>链接</w:t></w:r></w:hyperlink>"#.into()].concat()),
            li(2, 1, "项"),
            table(&[&["a|b", "c"]]),
        ]
        .concat();
        let doc = format!(r#"<w:document {NS}><w:body>{body}</w:body></w:document>"#);
        let cut = cut.min(doc.len());
        let cut = (0..=cut).rev().find(|&i| doc.is_char_boundary(i)).unwrap_or(0);
        let mangled = format!("{}{}{}", &doc[..cut], junk, &doc[cut..]);
        let zip = Docx::new("").file("word/document.xml", mangled.into_bytes()).build();
        let _ = import(&zip, &Limits::default());
    }
}
