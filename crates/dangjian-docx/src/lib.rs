//! Word (.docx) import for the editor.
//!
//! Government staff write in Word; the editor stores Markdown and renders it through the
//! sanitiser in `dangjian-markup`. [`import`] turns the bytes of an uploaded .docx into a
//! draft: Markdown for the body (headings, paragraphs, emphasis, lists, tables, links),
//! the images it refers to by placeholder, and warnings in Chinese for everything that
//! was left out, so the editor can tell the person what to check.
//!
//! The crate is pure: it reads only the byte slice it is given and writes nothing. The
//! file is untrusted, so every size is bounded by [`Limits`], malformed input is an
//! [`ImportError`] rather than a panic, and no text from the document can turn into
//! Markdown or HTML markup.

#![warn(missing_docs)]

mod body;
mod markdown;
mod media;
mod model;
mod package;
mod styles;
mod warnings;
mod xml;

use std::fmt;

use model::{Block, ParaKind};
use package::{Package, REL_CORE_PROPERTIES, REL_NUMBERING, REL_OFFICE_DOCUMENT, REL_STYLES};
use xml::Ns;

/// The result of importing one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// A title for the article, as plain text (not Markdown): the first paragraph styled
    /// Title or Heading 1, else the document's `dc:title` property. A Title paragraph,
    /// or a Heading 1 that opens the document, is taken out of [`Imported::markdown`]
    /// so the title is not shown twice.
    pub title: Option<String>,
    /// The body as Markdown, ending in a newline unless empty. Images appear as
    /// `![](docx_image_N.ext)`; the caller swaps each placeholder for the stored image's
    /// URL (a plain string replace is safe, see [`Image::placeholder`]).
    pub markdown: String,
    /// The images the Markdown refers to, in order of first appearance (an image used
    /// twice appears once).
    pub images: Vec<Image>,
    /// What was left out or changed, in Chinese, for the person importing the file.
    pub warnings: Vec<String>,
}

/// An image taken from the document.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    /// The text standing for this image in the Markdown (`docx_image_1.png`, ...). No
    /// placeholder occurs inside another (`docx_image_1.png` is not part of
    /// `docx_image_10.png`), and none can occur in the document's escaped text (its `_`
    /// is always escaped there), so a plain string replace touches only the image
    /// reference (and, in theory, a hyperlink whose URL contains the placeholder).
    pub placeholder: String,
    /// A safe file name for storing the image, numbered in order and with the
    /// extension of the real format (`image-1.png`); the name inside the .docx is not
    /// trusted.
    pub file_name: String,
    /// Sniffed from the bytes: `image/png`, `image/jpeg`, `image/gif`, `image/webp` or
    /// `image/bmp`. Other formats are dropped with a warning.
    pub content_type: &'static str,
    /// The image file exactly as stored in the document, at most
    /// [`Limits::max_image_bytes`].
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The bytes would flood any log or test failure.
        f.debug_struct("Image")
            .field("placeholder", &self.placeholder)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .finish()
    }
}

/// Bounds on what one import may unpack, so that a zip bomb or a huge file fails fast
/// instead of exhausting the server's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes unpacked from the archive (XML parts and images together).
    pub max_uncompressed: u64,
    /// Entries in the archive.
    pub max_entries: usize,
    /// One image; a larger image is dropped with a warning, the import goes on.
    pub max_image_bytes: u64,
}

impl Default for Limits {
    /// 50 MB unpacked, 2000 entries, 10 MB per image: far above what an article needs.
    fn default() -> Self {
        Limits { max_uncompressed: 50 << 20, max_entries: 2000, max_image_bytes: 10 << 20 }
    }
}

/// Why a file could not be imported. `Display` gives a message for the person who
/// uploaded it, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not a zip archive at all.
    NotZip,
    /// A legacy binary .doc, or an encrypted .docx (both are OLE compound files).
    LegacyDoc,
    /// A zip archive, but not a Word document (no main document part).
    NotDocx,
    /// Over one of the [`Limits`]; the text says which.
    TooLarge(String),
    /// A Word document that cannot be read; the text says what is wrong.
    Corrupt(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::NotZip => f.write_str("文件不是有效的 Word 文档（.docx）"),
            ImportError::LegacyDoc => {
                f.write_str("这是旧版 Word 文档（.doc）或加密的文档，请在 Word 中另存为未加密的 .docx 后再导入")
            }
            ImportError::NotDocx => f.write_str("文件不是 Word 文档（.docx）：找不到文档正文"),
            ImportError::TooLarge(what) => write!(f, "文件过大：{what}"),
            ImportError::Corrupt(what) => write!(f, "Word 文档已损坏，无法导入：{what}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Converts a .docx file to Markdown, images and warnings.
///
/// Never panics and never reads more than [`Limits`] allow, whatever the bytes are.
pub fn import(bytes: &[u8], limits: &Limits) -> Result<Imported, ImportError> {
    let mut pkg = Package::open(bytes, limits)?;
    let package_rels = match pkg.package_rels() {
        Err(e @ ImportError::TooLarge(_)) => return Err(e),
        other => other.unwrap_or_default(),
    };
    let main = package_rels
        .target_of_kind(REL_OFFICE_DOCUMENT)
        .filter(|p| pkg.has(p))
        .unwrap_or("word/document.xml")
        .to_owned();
    let doc_bytes = pkg.read(&main)?.ok_or(ImportError::NotDocx)?;
    let doc = xml::parse(&doc_bytes).map_err(|e| ImportError::Corrupt(format!("正文（{main}）{}", e.0)))?;
    drop(doc_bytes);
    let doc = doc.root();
    if !doc.is(Ns::W, "document") {
        return Err(ImportError::NotDocx);
    }

    let mut notes = warnings::Warnings::default();
    let rels = match pkg.rels_for(&main) {
        Ok(rels) => rels,
        Err(e @ ImportError::TooLarge(_)) => return Err(e),
        Err(e) => {
            notes.push(format!("正文的关系文件无法读取，图片和链接已忽略（{e}）"));
            Default::default()
        }
    };
    let styles = match read_part(&mut pkg, &rels, REL_STYLES, "word/styles.xml", "样式表")? {
        Ok(Some(tree)) => styles::Styles::parse(tree.root()),
        Ok(None) => styles::Styles::default(),
        Err(message) => {
            notes.push(message);
            styles::Styles::default()
        }
    };
    let numbering = match read_part(&mut pkg, &rels, REL_NUMBERING, "word/numbering.xml", "编号定义")? {
        Ok(Some(tree)) => styles::Numbering::parse(tree.root()),
        Ok(None) => styles::Numbering::default(),
        Err(message) => {
            notes.push(message);
            styles::Numbering::default()
        }
    };
    let core_title = match read_part(&mut pkg, &package_rels, REL_CORE_PROPERTIES, "docProps/core.xml", "文档属性")?
    {
        Ok(Some(tree)) => {
            tree.root().child(Ns::Dc, "title").map(|t| t.text().split_whitespace().collect::<Vec<_>>().join(" "))
        }
        _ => None,
    };

    let mut output = Output::default();
    let (images, converted_notes) = {
        let mut conv = body::Converter::new(&mut pkg, &styles, &numbering, &rels, limits.max_image_bytes);
        if let Some(body) = doc.w_child("body") {
            conv.blocks(body, &mut output)?;
        }
        (conv.images, conv.warnings)
    };
    let mut warnings = notes.into_messages();
    warnings.extend(converted_notes.into_messages());
    Ok(Imported {
        title: output.title.or(core_title.filter(|t| !t.is_empty())),
        markdown: output.markdown.finish(),
        images,
        warnings,
    })
}

/// Receives the body's blocks, picks the title (see [`Imported::title`]) and writes
/// the rest as Markdown.
#[derive(Default)]
struct Output {
    markdown: markdown::Renderer,
    title: Option<String>,
    written: usize,
}

impl body::Sink for Output {
    fn block(&mut self, block: Block) {
        if let Block::Para(p) = &block
            && self.title.is_none()
            && matches!(p.kind, ParaKind::Title | ParaKind::Heading(1))
        {
            let text = p.plain_text();
            if !text.is_empty() {
                self.title = Some(text);
                // The title is shown above the body: a Title paragraph, or a Heading 1
                // that opens the document, would only repeat it.
                if p.kind == ParaKind::Title || self.written == 0 {
                    return;
                }
            }
        }
        self.written += 1;
        self.markdown.push(&block);
    }
}

/// Reads an optional XML part found through a relationship (or at its usual name).
/// The outer error is fatal (over the limits); the inner one is a warning: a broken
/// styles part loses headings, not the whole document.
fn read_part(
    pkg: &mut Package<'_>,
    rels: &package::Rels,
    kind: &str,
    fallback: &str,
    what: &str,
) -> Result<Result<Option<xml::Tree>, String>, ImportError> {
    let name = rels.target_of_kind(kind).filter(|p| pkg.has(p)).unwrap_or(fallback).to_owned();
    let bytes = match pkg.read(&name) {
        Ok(Some(b)) => b,
        Ok(None) => return Ok(Ok(None)),
        Err(e @ ImportError::TooLarge(_)) => return Err(e),
        Err(e) => return Ok(Err(format!("{what}无法读取，已按默认格式导入（{e}）"))),
    };
    Ok(xml::parse(&bytes).map(Some).map_err(|e| format!("{what}已损坏，已按默认格式导入（{}）", e.0)))
}

/// "50 MB", "512 KB": limits as people read them.
pub(crate) fn human_size(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 20 {
        format!("{:.1} MB", bytes as f64 / f64::from(1u32 << 20))
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes.div_ceil(1 << 10))
    } else {
        format!("{bytes} 字节")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_size(50 << 20), "50 MB");
        assert_eq!(human_size(3 << 19), "1.5 MB");
        assert_eq!(human_size(2048), "2 KB");
        assert_eq!(human_size(10), "10 字节");
    }

    #[test]
    fn errors_speak_chinese() {
        assert_eq!(ImportError::NotZip.to_string(), "文件不是有效的 Word 文档（.docx）");
        assert!(ImportError::TooLarge("x".into()).to_string().starts_with("文件过大"));
    }
}
