//! Walks `word/document.xml` and builds the [`model`](crate::model) of the body.
//!
//! Unknown elements are ignored, containers Word uses for bookkeeping (content controls,
//! tracked insertions, smart tags) are looked through, and content the portal cannot show
//! (text boxes, charts, OLE objects, footnotes) is counted for a warning instead.
//! Tracked deletions are left out: the import shows the document as if all changes were
//! accepted.

use std::collections::HashMap;
use std::rc::Rc;

use crate::markdown::safe_link;
use crate::media::{Sniffed, sniff};
use crate::model::{Block, Cell, Fmt, Inline, ListItem, Para, ParaKind, Table};
use crate::package::{Capped, Package, Rels};
use crate::styles::{Heading, ListKind, NumRef, Numbering, RunProps, Styles, heading_from_outline, outline_level};
use crate::warnings::Warnings;
use crate::xml::{Element, Ns};
use crate::{Image, ImportError};

/// Fields nest (a PAGEREF inside a TOC); deeper nesting than this is not tracked, which
/// keeps a hostile file from making every text run scan a huge stack.
const MAX_FIELD_DEPTH: usize = 32;

/// What a field's result is for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FieldKind {
    /// `HYPERLINK "url"`: the result text is the link text; `None` when not a safe URL.
    Link(Option<Rc<str>>),
    /// `TOC`: a generated table of contents, left out.
    Toc,
    /// Anything else (PAGE, DATE, ...): the result text is shown as is.
    Other,
}

#[derive(Debug)]
struct Field {
    instr: String,
    in_result: bool,
    kind: FieldKind,
}

/// Where converted blocks go: a table cell collects them, the body streams them on
/// to Markdown so that a long document is never held twice.
pub(crate) trait Sink {
    fn block(&mut self, block: Block);
}

impl Sink for Vec<Block> {
    fn block(&mut self, block: Block) {
        self.push(block);
    }
}

/// State for one conversion.
pub(crate) struct Converter<'p, 'a> {
    pkg: &'p mut Package<'a>,
    styles: &'p Styles,
    numbering: &'p Numbering,
    rels: &'p Rels,
    max_image_bytes: u64,
    pub images: Vec<Image>,
    /// Image part name → placeholder (`None`: dropped, already warned about).
    image_by_part: HashMap<String, Option<Rc<str>>>,
    pub warnings: Warnings,
    fields: Vec<Field>,
    untracked_fields: usize,
    /// Current number at each level (`w:ilvl` 0..=8) of each `numId`.
    counters: HashMap<String, [Option<u32>; 9]>,
}

impl<'p, 'a> Converter<'p, 'a> {
    pub fn new(
        pkg: &'p mut Package<'a>,
        styles: &'p Styles,
        numbering: &'p Numbering,
        rels: &'p Rels,
        max_image_bytes: u64,
    ) -> Self {
        Converter {
            pkg,
            styles,
            numbering,
            rels,
            max_image_bytes,
            images: Vec::new(),
            image_by_part: HashMap::new(),
            warnings: Warnings::default(),
            fields: Vec::new(),
            untracked_fields: 0,
            counters: HashMap::new(),
        }
    }

    /// Converts the children of a block container (`w:body`, `w:tc`, `w:sdtContent`).
    pub fn blocks(&mut self, container: Element<'_>, out: &mut dyn Sink) -> Result<(), ImportError> {
        for el in container.elements() {
            self.block(el, out)?;
        }
        Ok(())
    }

    fn block(&mut self, el: Element<'_>, out: &mut dyn Sink) -> Result<(), ImportError> {
        if el.is(Ns::Mc, "AlternateContent") {
            if let Some(branch) = alternate(el) {
                self.blocks(branch, out)?;
            }
            return Ok(());
        }
        if el.ns() != Ns::W {
            return Ok(());
        }
        match el.name() {
            "p" => {
                let para = self.paragraph(el)?;
                if !para.is_empty() {
                    out.block(Block::Para(para));
                }
            }
            "tbl" => {
                let table = self.table(el)?;
                if !table.rows.is_empty() {
                    out.block(Block::Table(table));
                }
            }
            "sdt" => {
                if is_toc_sdt(el) {
                    self.warnings.toc += 1;
                } else if let Some(content) = el.w_child("sdtContent") {
                    self.blocks(content, out)?;
                }
            }
            "customXml" | "ins" | "moveTo" | "smartTag" => self.blocks(el, out)?,
            "altChunk" => self.warnings.alt_chunks += 1,
            _ => {}
        }
        Ok(())
    }

    fn paragraph(&mut self, p: Element<'_>) -> Result<Para, ImportError> {
        let ppr = p.w_child("pPr");
        let style_id = ppr.and_then(|x| x.w_child("pStyle")).and_then(|s| s.w_attr("val"));
        let style = self.styles.effective(style_id);
        let heading = match ppr.and_then(outline_level) {
            Some(level) => heading_from_outline(level),
            None => style.and_then(|s| self.styles.heading(s)),
        };
        let kind = match heading {
            Some(Heading::Title) => ParaKind::Title,
            Some(Heading::Level(n)) => ParaKind::Heading(n),
            None => ParaKind::Body,
        };
        let base = style.map(|s| self.styles.run_props(s)).unwrap_or_default();
        let mut para = Para { kind, list: None, inlines: Vec::new() };
        self.inlines(p, &None, base, &mut para.inlines)?;
        if kind == ParaKind::Body && !para.is_empty() {
            let direct = ppr.and_then(|x| x.w_child("numPr")).map(NumRef::from_numpr);
            let from_style = style.and_then(|s| self.styles.numbering(s));
            para.list = self.list_item(direct, from_style);
        }
        Ok(para)
    }

    /// Resolves a paragraph's numbering and advances Word's counters for it.
    fn list_item(&mut self, direct: Option<NumRef>, from_style: Option<NumRef>) -> Option<ListItem> {
        let num_id = direct.as_ref().and_then(|d| d.num_id.clone()).or_else(|| from_style.as_ref()?.num_id.clone())?;
        let ilvl = direct.and_then(|d| d.ilvl).or(from_style.and_then(|s| s.ilvl)).unwrap_or(0).min(8);
        let kind = self.numbering.kind(&num_id, ilvl)?;
        let levels = self.counters.entry(num_id).or_default();
        // An item restarts the numbering of the levels below it, as Word does by default.
        levels[usize::from(ilvl) + 1..].fill(None);
        let (ordered, number) = match kind {
            ListKind::Bullet => (false, 0),
            ListKind::Ordered { start } => {
                let n = levels[usize::from(ilvl)].map_or(start, |n| n.saturating_add(1));
                levels[usize::from(ilvl)] = Some(n);
                (true, n)
            }
        };
        Some(ListItem { ordered, level: ilvl, number })
    }

    fn table(&mut self, tbl: Element<'_>) -> Result<Table, ImportError> {
        let mut table = Table::default();
        let mut merged = false;
        for tr in children_through_wrappers(tbl, "tr") {
            let mut cells = Vec::new();
            let before = tr.w_child("trPr").and_then(|p| p.w_child("gridBefore")).and_then(|g| span(g.w_attr("val")));
            if let Some(n @ 1..) = before {
                cells.push(Cell { paras: Vec::new(), span: n });
            }
            for tc in children_through_wrappers(tr, "tc") {
                let tcpr = tc.w_child("tcPr");
                let span = tcpr.and_then(|p| p.w_child("gridSpan")).and_then(|g| span(g.w_attr("val"))).unwrap_or(1);
                let vmerge = tcpr.and_then(|p| p.w_child("vMerge"));
                merged |= span > 1 || vmerge.is_some();
                let continued = vmerge.is_some_and(|v| v.w_attr("val").is_none_or(|v| v == "continue"));
                let paras = if continued { Vec::new() } else { self.cell(tc)? };
                cells.push(Cell { paras, span: span.max(1) });
            }
            if !cells.is_empty() {
                // A table is held until its end: keep rows at their exact size.
                cells.shrink_to_fit();
                table.width = table.width.max(cells.iter().map(|c| c.span).sum());
                table.rows.push(cells);
            }
        }
        if merged {
            self.warnings.merged_tables += 1;
        }
        Ok(table)
    }

    /// A cell's paragraphs; a table inside the cell is flattened into its paragraphs.
    fn cell(&mut self, tc: Element<'_>) -> Result<Vec<Para>, ImportError> {
        let mut blocks: Vec<Block> = Vec::new();
        self.blocks(tc, &mut blocks)?;
        let mut paras = Vec::new();
        for b in blocks {
            match b {
                Block::Para(mut p) => {
                    p.inlines.shrink_to_fit();
                    paras.push(p);
                }
                Block::Table(t) => {
                    self.warnings.nested_tables += 1;
                    paras.extend(t.rows.into_iter().flatten().flat_map(|c| c.paras));
                }
            }
        }
        paras.shrink_to_fit();
        Ok(paras)
    }

    fn inlines(
        &mut self,
        parent: Element<'_>,
        link: &Option<Rc<str>>,
        base: RunProps,
        out: &mut Vec<Inline>,
    ) -> Result<(), ImportError> {
        for el in parent.elements() {
            self.inline(el, link, base, out)?;
        }
        Ok(())
    }

    fn inline(
        &mut self,
        el: Element<'_>,
        link: &Option<Rc<str>>,
        base: RunProps,
        out: &mut Vec<Inline>,
    ) -> Result<(), ImportError> {
        if el.is(Ns::Mc, "AlternateContent") {
            if let Some(branch) = alternate(el) {
                self.inlines(branch, link, base, out)?;
            }
            return Ok(());
        }
        if el.ns() == Ns::M && matches!(el.name(), "oMath" | "oMathPara") {
            self.warnings.math += 1;
            return Ok(());
        }
        if el.ns() != Ns::W {
            return Ok(());
        }
        match el.name() {
            "r" => self.run(el, link, base, out)?,
            "hyperlink" => {
                let url = match el.attr(Ns::R, "id").and_then(|id| self.rels.get(id)).filter(|r| r.external) {
                    Some(rel) => self.checked_link(&rel.target),
                    None => None,
                };
                self.inlines(el, &url.or_else(|| link.clone()), base, out)?;
            }
            "fldSimple" => {
                let kind = self.classify(el.w_attr("instr").unwrap_or(""));
                if kind == FieldKind::Toc {
                    return Ok(());
                }
                let link = match kind {
                    FieldKind::Link(Some(url)) => Some(url),
                    _ => link.clone(),
                };
                self.inlines(el, &link, base, out)?;
            }
            "ins" | "moveTo" | "smartTag" | "customXml" | "dir" | "bdo" => self.inlines(el, link, base, out)?,
            "sdt" => {
                if let Some(content) = el.w_child("sdtContent") {
                    self.inlines(content, link, base, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn run(
        &mut self,
        r: Element<'_>,
        link: &Option<Rc<str>>,
        base: RunProps,
        out: &mut Vec<Inline>,
    ) -> Result<(), ImportError> {
        let rpr = r.w_child("rPr");
        let direct = rpr.map(RunProps::from_rpr).unwrap_or_default();
        let char_style = rpr.and_then(|x| x.w_child("rStyle")).and_then(|s| s.w_attr("val"));
        let props = direct.or(char_style.map(|s| self.styles.run_props(s)).unwrap_or_default()).or(base);
        let fmt = Fmt {
            bold: props.bold == Some(true),
            italic: props.italic == Some(true),
            strike: props.strike == Some(true),
        };
        let hidden = props.hidden == Some(true);
        for child in r.elements() {
            self.run_child(child, fmt, hidden, link, base, out)?;
        }
        Ok(())
    }

    fn run_child(
        &mut self,
        c: Element<'_>,
        fmt: Fmt,
        hidden: bool,
        link: &Option<Rc<str>>,
        base: RunProps,
        out: &mut Vec<Inline>,
    ) -> Result<(), ImportError> {
        if c.is(Ns::Mc, "AlternateContent") {
            if let Some(branch) = alternate(c) {
                for child in branch.elements() {
                    self.run_child(child, fmt, hidden, link, base, out)?;
                }
            }
            return Ok(());
        }
        if c.ns() != Ns::W {
            return Ok(());
        }
        match c.name() {
            "fldChar" => self.field_char(c.w_attr("fldCharType").unwrap_or("")),
            "instrText" => {
                if let Some(f) = self.fields.last_mut().filter(|f| !f.in_result && f.instr.len() < 4096) {
                    f.instr.push_str(c.text());
                }
            }
            _ if hidden || self.in_toc() => {}
            "t" => self.push_text(out, c.text(), fmt, link),
            "tab" | "ptab" => self.push_text(out, " ", fmt, link),
            "noBreakHyphen" => self.push_text(out, "-", fmt, link),
            // Page and column breaks mean nothing on a web page.
            "br" if c.w_attr("type").is_some_and(|t| t != "textWrapping") => {}
            "br" | "cr" => out.push(Inline::Break),
            "drawing" | "pict" => self.graphic(c, out)?,
            "object" => self.warnings.objects += 1,
            "footnoteReference" => self.warnings.footnotes += 1,
            "endnoteReference" => self.warnings.endnotes += 1,
            "commentReference" => self.warnings.comments += 1,
            "ruby" => {
                if let Some(rb) = c.w_child("rubyBase") {
                    self.inlines(rb, link, base, out)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, out: &mut Vec<Inline>, raw: &str, fmt: Fmt, link: &Option<Rc<str>>) {
        let text: String = raw
            .chars()
            .filter_map(|c| match c {
                '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some(' '),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect();
        if text.is_empty() {
            return;
        }
        let link = link.clone().or_else(|| self.field_link());
        if let Some(Inline::Text { text: prev, fmt: pf, link: pl }) = out.last_mut()
            && *pf == fmt
            && *pl == link
        {
            prev.push_str(&text);
            return;
        }
        out.push(Inline::Text { text, fmt, link });
    }

    /// Text boxes, images and shapes inside `w:drawing` (DrawingML) or `w:pict` (VML).
    fn graphic(&mut self, el: Element<'_>, out: &mut Vec<Inline>) -> Result<(), ImportError> {
        for c in el.elements() {
            if c.is(Ns::W, "txbxContent") {
                self.warnings.textboxes += 1;
            } else if c.is(Ns::A, "blip") {
                if let Some(id) = c.attr(Ns::R, "embed") {
                    self.image(id, out)?;
                } else if c.attr(Ns::R, "link").is_some() {
                    self.warnings.linked_images += 1;
                }
            } else if c.is(Ns::V, "imagedata") {
                if let Some(id) = c.attr(Ns::R, "id") {
                    self.image(id, out)?;
                }
            } else if c.is(Ns::A, "graphicData") && graphic_uri_has(c, "chart") {
                self.warnings.charts += 1;
            } else if c.is(Ns::A, "graphicData") && graphic_uri_has(c, "diagram") {
                self.warnings.smartart += 1;
            } else if c.is(Ns::Mc, "AlternateContent") {
                if let Some(branch) = alternate(c) {
                    self.graphic(branch, out)?;
                }
            } else {
                self.graphic(c, out)?;
            }
        }
        Ok(())
    }

    fn image(&mut self, rel_id: &str, out: &mut Vec<Inline>) -> Result<(), ImportError> {
        let Some(rel) = self.rels.get(rel_id) else {
            self.warnings.missing_images += 1;
            return Ok(());
        };
        if rel.external {
            self.warnings.linked_images += 1;
            return Ok(());
        }
        if let Some(known) = self.image_by_part.get(&rel.target) {
            if let Some(placeholder) = known {
                out.push(Inline::Image { placeholder: placeholder.clone() });
            }
            return Ok(());
        }
        let part = rel.target.clone();
        let placeholder = match self.pkg.read_capped(&part, self.max_image_bytes)? {
            Capped::Missing => {
                self.warnings.missing_images += 1;
                None
            }
            Capped::TooBig => {
                let name = part.rsplit('/').next().unwrap_or(&part);
                let max = crate::human_size(self.max_image_bytes);
                self.warnings.push(format!("图片 {name} 超过 {max}，已忽略"));
                None
            }
            Capped::Bytes(bytes) => match sniff(&bytes) {
                Sniffed::Web { content_type, ext } => {
                    let n = self.images.len() + 1;
                    let placeholder: Rc<str> = format!("docx_image_{n}.{ext}").into();
                    self.images.push(Image {
                        placeholder: placeholder.to_string(),
                        file_name: format!("image-{n}.{ext}"),
                        content_type,
                        bytes,
                    });
                    Some(placeholder)
                }
                Sniffed::Unsupported(format) => {
                    self.warnings.unsupported_image(format);
                    None
                }
            },
        };
        if let Some(p) = &placeholder {
            out.push(Inline::Image { placeholder: p.clone() });
        }
        self.image_by_part.insert(part, placeholder);
        Ok(())
    }

    fn checked_link(&mut self, target: &str) -> Option<Rc<str>> {
        let safe = safe_link(target);
        if safe.is_none() && !target.trim().is_empty() {
            self.warnings.unsafe_links += 1;
        }
        safe.map(Rc::from)
    }

    fn field_char(&mut self, kind: &str) {
        match kind {
            "begin" if self.fields.len() >= MAX_FIELD_DEPTH => self.untracked_fields += 1,
            "begin" => self.fields.push(Field { instr: String::new(), in_result: false, kind: FieldKind::Other }),
            "separate" if self.untracked_fields == 0 => {
                if let Some(i) = self.fields.len().checked_sub(1) {
                    let kind = self.classify(&self.fields[i].instr.clone());
                    let f = &mut self.fields[i];
                    f.in_result = true;
                    f.kind = kind;
                }
            }
            "end" if self.untracked_fields > 0 => self.untracked_fields -= 1,
            "end" => {
                self.fields.pop();
            }
            _ => {}
        }
    }

    /// What a field instruction (`HYPERLINK "https://…" \o "tip"`, `TOC \o "1-3"`) does.
    fn classify(&mut self, instr: &str) -> FieldKind {
        let mut words = instr.split_whitespace();
        match words.next().map(str::to_ascii_uppercase).as_deref() {
            Some("TOC") => {
                self.warnings.toc += 1;
                FieldKind::Toc
            }
            Some("HYPERLINK") => {
                let rest = instr.trim_start()[9..].trim_start();
                let target = match rest.strip_prefix('"') {
                    Some(quoted) => quoted.split('"').next().unwrap_or(""),
                    None if rest.starts_with('\\') => "",
                    None => rest.split_whitespace().next().unwrap_or(""),
                };
                FieldKind::Link(self.checked_link(target))
            }
            _ => FieldKind::Other,
        }
    }

    fn in_toc(&self) -> bool {
        self.fields.iter().any(|f| f.in_result && f.kind == FieldKind::Toc)
    }

    fn field_link(&self) -> Option<Rc<str>> {
        self.fields.iter().rev().filter(|f| f.in_result).find_map(|f| match &f.kind {
            FieldKind::Link(url) => url.clone(),
            _ => None,
        })
    }
}

/// The branch of `mc:AlternateContent` to read: the first `mc:Choice` (Word's modern
/// form), else `mc:Fallback`. Reading only one keeps images and text boxes from being
/// counted twice.
fn alternate(el: Element<'_>) -> Option<Element<'_>> {
    el.child(Ns::Mc, "Choice").or_else(|| el.child(Ns::Mc, "Fallback"))
}

/// `w:tr` of a table or `w:tc` of a row, looking through content controls and custom XML.
fn children_through_wrappers<'e>(parent: Element<'e>, name: &'static str) -> Vec<Element<'e>> {
    let mut found = Vec::new();
    for el in parent.elements() {
        if el.is(Ns::W, name) {
            found.push(el);
        } else if el.is(Ns::W, "sdt") {
            if let Some(content) = el.w_child("sdtContent") {
                found.extend(children_through_wrappers(content, name));
            }
        } else if el.is(Ns::W, "customXml") {
            found.extend(children_through_wrappers(el, name));
        }
    }
    found
}

/// A grid span or skipped-column count. Word allows at most 63 columns, so larger
/// values are clamped.
fn span(val: Option<&str>) -> Option<usize> {
    val?.trim().parse::<usize>().ok().map(|n| n.min(64))
}

fn graphic_uri_has(graphic_data: Element<'_>, what: &str) -> bool {
    graphic_data.plain_attr("uri").and_then(|u| u.rsplit('/').next()).is_some_and(|last| last.starts_with(what))
}

/// A content control that holds a generated table of contents.
fn is_toc_sdt(sdt: Element<'_>) -> bool {
    let gallery = sdt
        .w_child("sdtPr")
        .and_then(|p| p.w_child("docPartObj"))
        .and_then(|o| o.w_child("docPartGallery"))
        .and_then(|g| g.w_attr("val"));
    gallery.is_some_and(|g| g.eq_ignore_ascii_case("Table of Contents"))
}
