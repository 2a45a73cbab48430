//! What a paragraph's style and numbering mean: heading level, list kind, run formatting.
//!
//! Chinese Word writes numeric style ids ("1", "2", "a3") and keeps the meaning in the
//! style's `w:name` ("heading 1"), so headings are recognised by name, then by outline
//! level, following `w:basedOn` — never by the id alone unless there is no styles part.

use std::collections::HashMap;

use crate::xml::Element;

/// How many `w:basedOn` steps are followed; also breaks cycles in hostile files.
const MAX_CHAIN: usize = 16;

/// What a paragraph style makes of a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Heading {
    Title,
    /// Word's heading level, 1-based (Heading 1 is 1).
    Level(u8),
}

/// Run formatting that may come from direct formatting or from styles; `None` means
/// "not said here, ask the next level".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct RunProps {
    pub bold: Option<bool>,
    pub italic: Option<bool>,
    pub strike: Option<bool>,
    pub hidden: Option<bool>,
}

impl RunProps {
    /// Reads `w:rPr`.
    pub fn from_rpr(rpr: Element<'_>) -> RunProps {
        RunProps {
            bold: toggle(rpr, "b"),
            italic: toggle(rpr, "i"),
            strike: toggle(rpr, "strike").or(toggle(rpr, "dstrike")),
            hidden: toggle(rpr, "vanish"),
        }
    }

    /// Fills what this level leaves open from `base`.
    pub fn or(self, base: RunProps) -> RunProps {
        RunProps {
            bold: self.bold.or(base.bold),
            italic: self.italic.or(base.italic),
            strike: self.strike.or(base.strike),
            hidden: self.hidden.or(base.hidden),
        }
    }
}

/// An on/off property: present means on unless `w:val` says otherwise.
fn toggle(rpr: Element<'_>, name: &str) -> Option<bool> {
    let el = rpr.w_child(name)?;
    Some(on_off(el.w_attr("val")))
}

/// `ST_OnOff`: absent, `true`, `1`, `on` are on; `false`, `0`, `off`, `none` are off.
pub(crate) fn on_off(val: Option<&str>) -> bool {
    !matches!(val.map(str::trim), Some("0" | "false" | "off" | "none"))
}

/// A numbering reference (`w:numPr`), from a paragraph or a style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumRef {
    pub num_id: Option<String>,
    pub ilvl: Option<u8>,
}

impl NumRef {
    pub fn from_numpr(numpr: Element<'_>) -> NumRef {
        NumRef {
            num_id: numpr.w_child("numId").and_then(|e| e.w_attr("val")).map(|s| s.trim().to_owned()),
            ilvl: numpr.w_child("ilvl").and_then(|e| e.w_attr("val")).and_then(|v| v.trim().parse().ok()),
        }
    }
}

#[derive(Debug, Default)]
struct Style {
    /// Lower-case name with spaces removed ("heading1", "标题1").
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<NumRef>,
    run: RunProps,
}

/// The styles part, by style id.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    by_id: HashMap<String, Style>,
    default_paragraph: Option<String>,
}

impl Styles {
    /// Reads `word/styles.xml`.
    pub fn parse(root: Element<'_>) -> Styles {
        let mut styles = Styles::default();
        for s in root.elements().filter(|e| e.is(crate::xml::Ns::W, "style")) {
            let Some(id) = s.w_attr("styleId") else { continue };
            let ppr = s.w_child("pPr");
            let style = Style {
                name: s.w_child("name").and_then(|n| n.w_attr("val")).map(normalise_name).unwrap_or_default(),
                based_on: s.w_child("basedOn").and_then(|b| b.w_attr("val")).map(str::to_owned),
                outline: ppr.and_then(outline_level),
                num: ppr.and_then(|p| p.w_child("numPr")).map(NumRef::from_numpr),
                run: s.w_child("rPr").map(RunProps::from_rpr).unwrap_or_default(),
            };
            let is_paragraph = s.w_attr("type").is_none_or(|t| t == "paragraph");
            if is_paragraph && s.w_attr("default").is_some_and(|d| on_off(Some(d))) {
                styles.default_paragraph = Some(id.to_owned());
            }
            styles.by_id.entry(id.to_owned()).or_insert(style);
        }
        styles
    }

    /// The paragraph style in effect: the one named, else the document default.
    pub fn effective<'s>(&'s self, style_id: Option<&'s str>) -> Option<&'s str> {
        style_id.or(self.default_paragraph.as_deref())
    }

    /// The chain `id`, its `basedOn`, and so on (bounded).
    fn chain<'s>(&'s self, id: &'s str) -> impl Iterator<Item = (&'s str, Option<&'s Style>)> {
        let mut next = Some(id);
        let mut steps = 0;
        std::iter::from_fn(move || {
            let id = next.take()?;
            steps += 1;
            if steps > MAX_CHAIN {
                return None;
            }
            let style = self.by_id.get(id);
            next = style.and_then(|s| s.based_on.as_deref());
            Some((id, style))
        })
    }

    /// The heading meaning of a paragraph style, if any.
    pub fn heading(&self, style_id: &str) -> Option<Heading> {
        for (id, style) in self.chain(style_id) {
            let Some(style) = style else {
                // No styles part (or a dangling id): the id is all there is.
                return heading_from_name(&normalise_name(id));
            };
            if let Some(h) = heading_from_name(&style.name) {
                return Some(h);
            }
            if let Some(level) = style.outline {
                return heading_from_outline(level);
            }
        }
        None
    }

    /// The numbering a paragraph style carries (list styles such as "List Bullet").
    pub fn numbering(&self, style_id: &str) -> Option<NumRef> {
        self.chain(style_id).find_map(|(_, s)| s.and_then(|s| s.num.clone()))
    }

    /// Run formatting defined by a style and the styles it is based on.
    pub fn run_props(&self, style_id: &str) -> RunProps {
        self.chain(style_id).filter_map(|(_, s)| s).fold(RunProps::default(), |acc, s| acc.or(s.run))
    }
}

/// `w:outlineLvl` of a `w:pPr` (0-based; 9 means body text).
pub(crate) fn outline_level(ppr: Element<'_>) -> Option<u8> {
    ppr.w_child("outlineLvl")?.w_attr("val")?.trim().parse().ok()
}

/// Heading from a 0-based outline level.
pub(crate) fn heading_from_outline(level: u8) -> Option<Heading> {
    (level < 9).then_some(Heading::Level(level + 1))
}

fn normalise_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// Recognises the built-in names Word writes ("heading 1", "Title") and the Chinese
/// names WPS and localised templates write ("标题 1", "标题").
fn heading_from_name(name: &str) -> Option<Heading> {
    if name == "title" || name == "标题" {
        return Some(Heading::Title);
    }
    let digits = name.strip_prefix("heading").or_else(|| name.strip_prefix("标题"))?;
    match digits.parse::<u8>() {
        Ok(n @ 1..=9) => Some(Heading::Level(n)),
        _ => None,
    }
}

/// One level of a list definition.
#[derive(Debug, Clone)]
struct Level {
    format: String,
    start: u32,
}

/// What kind of list a numbered paragraph belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Ordered { start: u32 },
    Bullet,
}

#[derive(Debug, Default)]
struct Num {
    abstract_id: Option<String>,
    overrides: HashMap<u8, Level>,
    start_overrides: HashMap<u8, u32>,
}

/// The numbering part: which `numId`/`ilvl` is a bullet and which counts.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    nums: HashMap<String, Num>,
    abstracts: HashMap<String, HashMap<u8, Level>>,
}

impl Numbering {
    /// Reads `word/numbering.xml`.
    pub fn parse(root: Element<'_>) -> Numbering {
        let mut n = Numbering::default();
        for el in root.elements() {
            if el.is(crate::xml::Ns::W, "abstractNum") {
                let Some(id) = el.w_attr("abstractNumId") else { continue };
                let levels = el.elements().filter(|l| l.is(crate::xml::Ns::W, "lvl")).filter_map(parse_level).collect();
                n.abstracts.entry(id.to_owned()).or_insert(levels);
            } else if el.is(crate::xml::Ns::W, "num") {
                let Some(id) = el.w_attr("numId") else { continue };
                let mut num = Num {
                    abstract_id: el.w_child("abstractNumId").and_then(|a| a.w_attr("val")).map(str::to_owned),
                    ..Num::default()
                };
                for o in el.elements().filter(|o| o.is(crate::xml::Ns::W, "lvlOverride")) {
                    let Some(ilvl) = o.w_attr("ilvl").and_then(|v| v.parse().ok()) else { continue };
                    if let Some(start) = o.w_child("startOverride").and_then(|s| s.w_attr("val")?.parse().ok()) {
                        num.start_overrides.insert(ilvl, start);
                    }
                    if let Some((_, level)) = o.w_child("lvl").and_then(parse_level) {
                        num.overrides.insert(ilvl, level);
                    }
                }
                n.nums.entry(id.to_owned()).or_insert(num);
            }
        }
        n
    }

    /// The list kind of `numId`/`ilvl`; `None` when the paragraph is not a visible list
    /// item (`numId` 0 removes numbering, format `none` shows no marker). An id the part
    /// does not define is taken as a bullet: the text is a list item either way.
    pub fn kind(&self, num_id: &str, ilvl: u8) -> Option<ListKind> {
        if num_id == "0" {
            return None;
        }
        let Some(num) = self.nums.get(num_id) else { return Some(ListKind::Bullet) };
        let level = num.overrides.get(&ilvl).or_else(|| {
            let abs = self.abstracts.get(num.abstract_id.as_deref()?)?;
            abs.get(&ilvl)
        });
        let Some(level) = level else { return Some(ListKind::Bullet) };
        let start = num.start_overrides.get(&ilvl).copied().unwrap_or(level.start);
        match level.format.as_str() {
            "none" => None,
            "bullet" => Some(ListKind::Bullet),
            _ => Some(ListKind::Ordered { start }),
        }
    }
}

fn parse_level(lvl: Element<'_>) -> Option<(u8, Level)> {
    let ilvl = lvl.w_attr("ilvl")?.trim().parse().ok()?;
    let format = lvl.w_child("numFmt").and_then(|f| f.w_attr("val")).unwrap_or("decimal").to_owned();
    let start = lvl.w_child("start").and_then(|s| s.w_attr("val")?.trim().parse().ok()).unwrap_or(1);
    Some((ilvl, Level { format, start }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_names_in_english_and_chinese() {
        assert_eq!(heading_from_name(&normalise_name("heading 1")), Some(Heading::Level(1)));
        assert_eq!(heading_from_name(&normalise_name("Heading 3")), Some(Heading::Level(3)));
        assert_eq!(heading_from_name(&normalise_name("标题 2")), Some(Heading::Level(2)));
        assert_eq!(heading_from_name(&normalise_name("Title")), Some(Heading::Title));
        assert_eq!(heading_from_name(&normalise_name("标题")), Some(Heading::Title));
        assert_eq!(heading_from_name(&normalise_name("heading 10")), None);
        assert_eq!(heading_from_name(&normalise_name("Normal")), None);
        assert_eq!(heading_from_name(&normalise_name("TOC Heading")), None);
    }

    #[test]
    fn on_off_values() {
        assert!(on_off(None));
        assert!(on_off(Some("1")));
        assert!(on_off(Some("true")));
        assert!(!on_off(Some("0")));
        assert!(!on_off(Some("false")));
        assert!(!on_off(Some("off")));
    }

    #[test]
    fn outline_levels_map_to_headings() {
        assert_eq!(heading_from_outline(0), Some(Heading::Level(1)));
        assert_eq!(heading_from_outline(9), None);
    }
}
