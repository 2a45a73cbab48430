//! A compact, namespace-aware element tree over quick-xml.
//!
//! Word parts are bounded by [`crate::Limits`], and a tree lets the converter be written
//! as plain recursion instead of a state machine. The tree is an arena (flat vectors,
//! interned names, one string buffer) so that it costs a few times the XML's size rather
//! than the tens of times a tree of boxed nodes would: a hostile file at the size limit
//! must not become gigabytes.
//!
//! Elements are matched by namespace *URI*, not prefix, so files from generators that
//! pick other prefixes (or the ISO "strict" namespaces) read the same.

use std::collections::HashMap;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// Deeper nesting than this is refused: real documents stay far below it, and the
/// converter recurses over the tree, so an unbounded depth could exhaust the stack.
const MAX_DEPTH: usize = 256;

const NONE: u32 = u32::MAX;

/// The namespaces the converter cares about; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    /// WordprocessingML main (`w:`).
    W,
    /// Office relationships in attributes (`r:id`, `r:embed`).
    R,
    /// DrawingML main (`a:`), where `a:blip` names an image.
    A,
    /// VML (`v:`), the legacy picture format (`v:imagedata`, `v:textbox`).
    V,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// Office math (`m:oMath`).
    M,
    /// Package relationships (`.rels` parts).
    PkgRel,
    /// Dublin Core elements in `docProps/core.xml` (`dc:title`).
    Dc,
    /// Any other or no namespace.
    Other,
}

impl Ns {
    fn from_uri(uri: &str) -> Ns {
        match uri {
            "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            | "http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            | "http://purl.oclc.org/ooxml/officeDocument/relationships" => Ns::R,
            "http://schemas.openxmlformats.org/drawingml/2006/main" | "http://purl.oclc.org/ooxml/drawingml/main" => {
                Ns::A
            }
            "urn:schemas-microsoft-com:vml" => Ns::V,
            "http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
            "http://schemas.openxmlformats.org/officeDocument/2006/math"
            | "http://purl.oclc.org/ooxml/officeDocument/math" => Ns::M,
            "http://schemas.openxmlformats.org/package/2006/relationships" => Ns::PkgRel,
            "http://purl.org/dc/elements/1.1/" => Ns::Dc,
            _ => Ns::Other,
        }
    }

    fn resolve(r: &ResolveResult<'_>) -> Ns {
        match r {
            ResolveResult::Bound(ns) => Ns::from_uri(ns.0),
            _ => Ns::Other,
        }
    }
}

#[derive(Debug)]
struct El {
    ns: Ns,
    name: u32,
    attrs: (u32, u32),
    first_child: u32,
    next_sibling: u32,
    text: (u32, u32),
}

#[derive(Debug)]
struct Attr {
    ns: Ns,
    name: u32,
    value: (u32, u32),
}

/// A parsed part. Elements are stored in document order; [`Tree::root`] is the way in.
#[derive(Debug)]
pub(crate) struct Tree {
    els: Vec<El>,
    attrs: Vec<Attr>,
    names: Vec<Box<str>>,
    strings: String,
}

impl Tree {
    /// The document element.
    pub fn root(&self) -> Element<'_> {
        Element { tree: self, i: 0 }
    }

    fn str(&self, (start, end): (u32, u32)) -> &str {
        self.strings.get(start as usize..end as usize).unwrap_or("")
    }
}

/// A handle to one element of a [`Tree`].
#[derive(Clone, Copy)]
pub(crate) struct Element<'t> {
    tree: &'t Tree,
    i: u32,
}

impl<'t> Element<'t> {
    fn el(self) -> &'t El {
        &self.tree.els[self.i as usize]
    }

    pub fn ns(self) -> Ns {
        self.el().ns
    }

    /// The local name (no prefix).
    pub fn name(self) -> &'t str {
        &self.tree.names[self.el().name as usize]
    }

    /// True when this element is `ns:name`.
    pub fn is(self, ns: Ns, name: &str) -> bool {
        self.ns() == ns && self.name() == name
    }

    /// The value of attribute `ns:name`.
    pub fn attr(self, ns: Ns, name: &str) -> Option<&'t str> {
        let (start, end) = self.el().attrs;
        let tree = self.tree;
        tree.attrs[start as usize..end as usize]
            .iter()
            .find(|a| a.ns == ns && &*tree.names[a.name as usize] == name)
            .map(|a| tree.str(a.value))
    }

    /// The value of an attribute in the `w:` namespace (`w:val`, `w:styleId`, ...).
    pub fn w_attr(self, name: &str) -> Option<&'t str> {
        self.attr(Ns::W, name)
    }

    /// The value of an unprefixed attribute (as in `.rels` parts).
    pub fn plain_attr(self, name: &str) -> Option<&'t str> {
        self.attr(Ns::Other, name)
    }

    /// Child elements in order.
    pub fn elements(self) -> impl Iterator<Item = Element<'t>> {
        let tree = self.tree;
        let mut next = self.el().first_child;
        std::iter::from_fn(move || {
            if next == NONE {
                return None;
            }
            let e = Element { tree, i: next };
            next = e.el().next_sibling;
            Some(e)
        })
    }

    /// The first child element `ns:name`.
    pub fn child(self, ns: Ns, name: &str) -> Option<Element<'t>> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// The first `w:` child called `name`.
    pub fn w_child(self, name: &str) -> Option<Element<'t>> {
        self.child(Ns::W, name)
    }

    /// All text directly inside this element (not in descendants). Whitespace that only
    /// separates child elements is not kept.
    pub fn text(self) -> &'t str {
        self.tree.str(self.el().text)
    }
}

/// Why a part could not be read as XML; the caller names the part in its message.
#[derive(Debug)]
pub(crate) struct XmlError(pub String);

struct Frame {
    idx: u32,
    last_child: u32,
    text: String,
}

struct Builder {
    tree: Tree,
    interned: HashMap<Box<str>, u32>,
    stack: Vec<Frame>,
}

impl Builder {
    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.interned.get(name) {
            return i;
        }
        let i = self.tree.names.len() as u32;
        self.tree.names.push(name.into());
        self.interned.insert(name.into(), i);
        i
    }

    fn store(&mut self, s: &str) -> (u32, u32) {
        let start = self.tree.strings.len() as u32;
        self.tree.strings.push_str(s);
        (start, self.tree.strings.len() as u32)
    }

    /// Adds an element and links it under the open parent.
    fn open(&mut self, reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<u32, XmlError> {
        let (ns, local) = reader.resolver().resolve_element(start.name());
        let (ns, name) = (Ns::resolve(&ns), self.intern(local.as_ref()));
        let attr_start = self.tree.attrs.len() as u32;
        for a in start.attributes() {
            let a = a.map_err(|e| XmlError(format!("XML 属性错误：{e}")))?;
            if a.key.0 == "xmlns" || a.key.0.starts_with("xmlns:") {
                continue;
            }
            let (ans, alocal) = reader.resolver().resolve_attribute(a.key);
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| XmlError(format!("XML 属性值错误：{e}")))?;
            let attr = Attr { ns: Ns::resolve(&ans), name: self.intern(alocal.as_ref()), value: self.store(&value) };
            self.tree.attrs.push(attr);
        }
        let idx = self.tree.els.len() as u32;
        self.tree.els.push(El {
            ns,
            name,
            attrs: (attr_start, self.tree.attrs.len() as u32),
            first_child: NONE,
            next_sibling: NONE,
            text: (0, 0),
        });
        match self.stack.last_mut() {
            Some(parent) => {
                match parent.last_child {
                    NONE => self.tree.els[parent.idx as usize].first_child = idx,
                    prev => self.tree.els[prev as usize].next_sibling = idx,
                }
                parent.last_child = idx;
            }
            None if idx == 0 => {}
            None => return Err(XmlError("XML 有多个根元素".into())),
        }
        Ok(idx)
    }

    fn close(&mut self) -> Result<(), XmlError> {
        let frame = self.stack.pop().ok_or_else(|| XmlError("XML 结束标签多余".into()))?;
        let indentation = frame.last_child != NONE && frame.text.trim().is_empty();
        if !frame.text.is_empty() && !indentation {
            let range = self.store(&frame.text);
            self.tree.els[frame.idx as usize].text = range;
        }
        Ok(())
    }

    fn text(&mut self, s: &str) {
        if let Some(frame) = self.stack.last_mut() {
            frame.text.push_str(s);
        }
    }
}

/// Parses a whole part.
///
/// Only the five predefined entities and character references are expanded (a DTD's
/// own entities never are, so "billion laughs" has nothing to expand).
pub(crate) fn parse(bytes: &[u8]) -> Result<Tree, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(XmlError("不支持 UTF-16 编码的 XML".into()));
    }
    if u32::try_from(bytes.len()).is_err() {
        return Err(XmlError("XML 过大".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError("XML 不是有效的 UTF-8 文本".into()))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut b = Builder {
        tree: Tree { els: Vec::new(), attrs: Vec::new(), names: Vec::new(), strings: String::new() },
        interned: HashMap::new(),
        stack: Vec::new(),
    };
    loop {
        let event = reader.read_event().map_err(|e| XmlError(format!("XML 格式错误：{e}")))?;
        match event {
            Event::Start(start) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Err(XmlError("XML 嵌套层次过深".into()));
                }
                let idx = b.open(&reader, &start)?;
                b.stack.push(Frame { idx, last_child: NONE, text: String::new() });
            }
            Event::Empty(start) => {
                b.open(&reader, &start)?;
            }
            Event::End(_) => b.close()?,
            Event::Text(t) => b.text(&t.xml10_content()),
            Event::CData(t) => b.text(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => return Err(XmlError(format!("XML 含未定义的实体 &{other};"))),
                    },
                    Err(e) => return Err(XmlError(format!("XML 字符引用无效：{e}"))),
                };
                b.text(ch.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !b.stack.is_empty() {
        return Err(XmlError("XML 不完整（缺少结束标签）".into()));
    }
    if b.tree.els.is_empty() {
        return Err(XmlError("XML 没有根元素".into()));
    }
    Ok(b.tree)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_attributes_and_text_by_namespace() {
        let tree = parse(
            br#"<?xml version="1.0"?><x:doc xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main" plain="1">
                <x:p x:val="a &amp; b"><x:t> one &lt;two&gt; </x:t><other/></x:p>
                <x:p/>
            </x:doc>"#,
        )
        .unwrap();
        let root = tree.root();
        assert!(root.is(Ns::W, "doc"));
        assert_eq!(root.plain_attr("plain"), Some("1"));
        assert_eq!(root.text(), "", "indentation between elements is dropped");
        let ps: Vec<_> = root.elements().collect();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].w_attr("val"), Some("a & b"));
        assert_eq!(ps[0].w_child("t").map(|t| t.text()), Some(" one <two> "));
        assert!(ps[0].child(Ns::Other, "other").is_some());
        assert_eq!(ps[1].elements().count(), 0);
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"<a/><b/>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a>&nope;</a>").is_err());
        assert!(parse(&[0xFF, 0xFE, b'<', 0]).is_err());
        assert!(parse(&[b'<', b'a', b'>', 0xC3, b'<', b'/', b'a', b'>']).is_err());
    }
}
