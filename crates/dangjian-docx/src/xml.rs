//! A small namespace-aware element tree over quick-xml.
//!
//! Word parts are small enough (bounded by [`crate::Limits`]) to hold as a tree, and a
//! tree lets the converter be written as plain recursion instead of a state machine.
//! Elements are matched by namespace *URI*, not prefix, so files from generators that
//! pick other prefixes (or the ISO "strict" namespaces) read the same.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

/// Deeper nesting than this is refused: real documents stay far below it, and the
/// converter recurses over the tree, so an unbounded depth could exhaust the stack.
const MAX_DEPTH: usize = 256;

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

/// One attribute, with its namespace resolved (unprefixed attributes are `Other`).
#[derive(Debug)]
pub(crate) struct Attr {
    pub ns: Ns,
    pub name: Box<str>,
    pub value: Box<str>,
}

/// A child of an element.
#[derive(Debug)]
pub(crate) enum Node {
    Element(Element),
    Text(String),
}

/// An element with resolved namespace and its children in document order.
#[derive(Debug)]
pub(crate) struct Element {
    pub ns: Ns,
    pub name: Box<str>,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
}

impl Element {
    /// True when this element is `ns:name`.
    pub fn is(&self, ns: Ns, name: &str) -> bool {
        self.ns == ns && &*self.name == name
    }

    /// The value of attribute `ns:name`.
    pub fn attr(&self, ns: Ns, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.ns == ns && &*a.name == name).map(|a| &*a.value)
    }

    /// The value of an attribute in the `w:` namespace (`w:val`, `w:styleId`, ...).
    pub fn w_attr(&self, name: &str) -> Option<&str> {
        self.attr(Ns::W, name)
    }

    /// The value of an unprefixed attribute (as in `.rels` parts).
    pub fn plain_attr(&self, name: &str) -> Option<&str> {
        self.attr(Ns::Other, name)
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// The first child element `ns:name`.
    pub fn child(&self, ns: Ns, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// The first `w:` child called `name`.
    pub fn w_child(&self, name: &str) -> Option<&Element> {
        self.child(Ns::W, name)
    }

    /// All text directly inside this element (not in descendants).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for n in &self.children {
            if let Node::Text(t) = n {
                out.push_str(t);
            }
        }
        out
    }
}

/// Why a part could not be read as XML; the caller names the part in its message.
#[derive(Debug)]
pub(crate) struct XmlError(pub String);

/// Parses a whole part into its root element.
///
/// Only the five predefined entities and character references are expanded (a DTD's
/// own entities never are, so "billion laughs" has nothing to expand). Whitespace-only
/// text is kept only inside `w:t`/`w:instrText`-like leaves, i.e. wherever it is the
/// element's only content; indentation between elements is dropped to save memory.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, XmlError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(XmlError("不支持 UTF-16 编码的 XML".into()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| XmlError("XML 不是有效的 UTF-8 文本".into()))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| XmlError(format!("XML 格式错误：{e}")))?;
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError("XML 嵌套层次过深".into()));
                }
                stack.push(element(&reader, &start)?);
            }
            Event::Empty(start) => {
                let el = element(&reader, &start)?;
                attach(&mut stack, &mut root, el)?;
            }
            Event::End(_) => {
                let el = stack.pop().ok_or_else(|| XmlError("XML 结束标签多余".into()))?;
                attach(&mut stack, &mut root, el)?;
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
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
                push_text(&mut stack, ch.encode_utf8(&mut [0; 4]));
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("XML 不完整（缺少结束标签）".into()));
    }
    root.ok_or_else(|| XmlError("XML 没有根元素".into()))
}

fn element(reader: &NsReader<&[u8]>, start: &BytesStart<'_>) -> Result<Element, XmlError> {
    let (ns, local) = reader.resolver().resolve_element(start.name());
    let ns = Ns::resolve(&ns);
    let name: Box<str> = local.as_ref().into();
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.map_err(|e| XmlError(format!("XML 属性错误：{e}")))?;
        if a.key.0 == "xmlns" || a.key.0.starts_with("xmlns:") {
            continue;
        }
        let (ans, alocal) = reader.resolver().resolve_attribute(a.key);
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| XmlError(format!("XML 属性值错误：{e}")))?;
        attrs.push(Attr { ns: Ns::resolve(&ans), name: alocal.as_ref().into(), value: value.as_ref().into() });
    }
    Ok(Element { ns, name, attrs, children: Vec::new() })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(Node::Element(el)),
        None if root.is_none() => *root = Some(el),
        None => return Err(XmlError("XML 有多个根元素".into())),
    }
    Ok(())
}

fn push_text(stack: &mut [Element], s: &str) {
    let Some(parent) = stack.last_mut() else { return };
    if s.is_empty() {
        return;
    }
    // Whitespace between elements is indentation; inside a text leaf it is content.
    if s.trim().is_empty() && parent.children.iter().any(|c| matches!(c, Node::Element(_))) {
        return;
    }
    match parent.children.last_mut() {
        Some(Node::Text(prev)) => prev.push_str(s),
        _ => parent.children.push(Node::Text(s.to_owned())),
    }
}
