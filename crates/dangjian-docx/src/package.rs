//! The .docx container: a zip archive of XML parts and media, read under [`Limits`].
//!
//! Every byte taken out of the archive is counted against one budget, and each entry's
//! declared size is checked before it is opened, so a zip bomb stops at the limit
//! instead of at the end of memory. Nothing is ever written to disk.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::xml::{self, Ns};
use crate::{ImportError, Limits};

/// Relationship type suffixes (the part after the last `/`), shared by the transitional
/// and strict namespaces.
pub(crate) const REL_OFFICE_DOCUMENT: &str = "officeDocument";
pub(crate) const REL_CORE_PROPERTIES: &str = "core-properties";
pub(crate) const REL_STYLES: &str = "styles";
pub(crate) const REL_NUMBERING: &str = "numbering";

/// One relationship of a part: where an `r:id` points.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    /// The last path segment of the relationship type URI (`image`, `hyperlink`, ...).
    pub kind: String,
    /// For internal targets the resolved part name (no leading `/`); for external ones
    /// the target as written (a URL).
    pub target: String,
    pub external: bool,
}

/// Relationships of one part, by id.
#[derive(Debug, Default)]
pub(crate) struct Rels {
    by_id: HashMap<String, Rel>,
}

impl Rels {
    pub fn get(&self, id: &str) -> Option<&Rel> {
        self.by_id.get(id)
    }

    /// The first internal target of the given relationship kind.
    pub fn target_of_kind(&self, kind: &str) -> Option<&str> {
        let mut matches: Vec<&Rel> = self.by_id.values().filter(|r| !r.external && r.kind == kind).collect();
        // HashMap order is random; pick deterministically.
        matches.sort_by(|a, b| a.target.cmp(&b.target));
        matches.first().map(|r| r.target.as_str())
    }
}

/// What became of an attempt to read a size-capped entry (an image).
pub(crate) enum Capped {
    Bytes(Vec<u8>),
    Missing,
    TooBig,
}

/// An opened archive plus the remaining uncompressed budget.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry index by lower-cased name: OPC part names are case-insensitive.
    index: HashMap<String, usize>,
    remaining: u64,
    max_total: u64,
}

impl<'a> Package<'a> {
    /// Opens the archive and checks the entry count.
    pub fn open(bytes: &'a [u8], limits: &Limits) -> Result<Self, ImportError> {
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(ImportError::LegacyDoc);
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::NotZip)?;
        if archive.len() > limits.max_entries {
            return Err(ImportError::TooLarge(format!(
                "压缩包内有 {} 个文件，超过上限 {} 个",
                archive.len(),
                limits.max_entries
            )));
        }
        let mut index = HashMap::with_capacity(archive.len());
        for i in 0..archive.len() {
            if let Some(Ok(name)) = archive.name_for_index(i) {
                index.entry(name.to_lowercase()).or_insert(i);
            }
        }
        Ok(Package { archive, index, remaining: limits.max_uncompressed, max_total: limits.max_uncompressed })
    }

    /// True when the archive has an entry with this part name.
    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(&name.to_lowercase())
    }

    /// Reads a whole part, counting it against the budget; `None` when it is absent.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, ImportError> {
        match self.read_capped(name, u64::MAX)? {
            Capped::Bytes(b) => Ok(Some(b)),
            Capped::Missing => Ok(None),
            Capped::TooBig => Err(over_budget(self.max_total)),
        }
    }

    /// Reads a part that may be at most `cap` bytes; a larger one is reported as
    /// [`Capped::TooBig`] after reading at most `cap + 1` bytes of it.
    pub fn read_capped(&mut self, name: &str, cap: u64) -> Result<Capped, ImportError> {
        let Some(&i) = self.index.get(&name.to_lowercase()) else { return Ok(Capped::Missing) };
        let (remaining, max_total) = (self.remaining, self.max_total);
        let mut file = match self.archive.by_index(i) {
            Ok(f) => f,
            Err(e) => return Err(entry_error(name, &e)),
        };
        if file.is_dir() {
            return Ok(Capped::Missing);
        }
        let declared = file.size();
        if declared > cap {
            return Ok(Capped::TooBig);
        }
        if declared > remaining {
            return Err(over_budget(max_total));
        }
        let limit = cap.min(remaining);
        let mut buf = Vec::with_capacity(declared.min(limit).min(16 << 20) as usize);
        (&mut file)
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| ImportError::Corrupt(format!("文件 {name} 已损坏：{e}")))?;
        drop(file);
        let got = buf.len() as u64;
        if got > limit {
            // The entry lied about its size (or is over the cap): stop here either way.
            if got > remaining {
                return Err(over_budget(max_total));
            }
            self.remaining -= got;
            return Ok(Capped::TooBig);
        }
        self.remaining -= got;
        Ok(Capped::Bytes(buf))
    }

    /// The relationships of `part` (from `dir/_rels/name.rels`); empty when there are none.
    pub fn rels_for(&mut self, part: &str) -> Result<Rels, ImportError> {
        let (dir, file) = split_part(part);
        let rels_name = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        self.rels_at(&rels_name, dir)
    }

    /// The package-level relationships (`_rels/.rels`).
    pub fn package_rels(&mut self) -> Result<Rels, ImportError> {
        self.rels_at("_rels/.rels", "")
    }

    fn rels_at(&mut self, rels_name: &str, base_dir: &str) -> Result<Rels, ImportError> {
        let Some(bytes) = self.read(rels_name)? else { return Ok(Rels::default()) };
        let tree = xml::parse(&bytes).map_err(|e| ImportError::Corrupt(format!("关系文件 {rels_name}：{}", e.0)))?;
        let mut by_id = HashMap::new();
        for r in
            tree.root().elements().filter(|e| e.name() == "Relationship" && matches!(e.ns(), Ns::PkgRel | Ns::Other))
        {
            let (Some(id), Some(target)) = (r.plain_attr("Id"), r.plain_attr("Target")) else { continue };
            let kind = r.plain_attr("Type").unwrap_or("").rsplit('/').next().unwrap_or("").to_owned();
            let external = r.plain_attr("TargetMode").is_some_and(|m| m.eq_ignore_ascii_case("External"));
            let target = if external { target.trim().to_owned() } else { resolve_target(base_dir, target) };
            by_id.insert(id.to_owned(), Rel { kind, target, external });
        }
        Ok(Rels { by_id })
    }
}

fn over_budget(max_total: u64) -> ImportError {
    ImportError::TooLarge(format!("解压后的内容超过上限 {}", crate::human_size(max_total)))
}

fn entry_error(name: &str, e: &ZipError) -> ImportError {
    match e {
        ZipError::UnsupportedArchive(msg) if msg.contains("assword") || msg.contains("ncrypt") => {
            ImportError::Corrupt(format!("文件 {name} 已加密，无法读取"))
        }
        ZipError::UnsupportedArchive(_) | ZipError::CompressionMethodNotSupported(_) => {
            ImportError::Corrupt(format!("文件 {name} 使用了不支持的压缩方式"))
        }
        _ => ImportError::Corrupt(format!("文件 {name} 已损坏：{e}")),
    }
}

/// Splits a part name into its folder and file name.
fn split_part(part: &str) -> (&str, &str) {
    match part.rfind('/') {
        Some(i) => (&part[..i], &part[i + 1..]),
        None => ("", part),
    }
}

/// Resolves a relationship target against the folder of its source part: `media/a.png`
/// from `word` is `word/media/a.png`, `/word/x.xml` is absolute, `..` climbs (never
/// above the root, since nothing is written anywhere this cannot matter, but it keeps
/// names canonical).
pub(crate) fn resolve_target(base_dir: &str, target: &str) -> String {
    let target = target.split(['#', '?']).next().unwrap_or("");
    let mut segs: Vec<&str> = Vec::new();
    if !target.starts_with('/') {
        segs.extend(base_dir.split('/').filter(|s| !s.is_empty()));
    }
    for s in target.split(['/', '\\']) {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_relative_to_the_source_folder() {
        assert_eq!(resolve_target("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve_target("word", "/word/media/a.png"), "word/media/a.png");
        assert_eq!(resolve_target("word/sub", "../media/a.png"), "word/media/a.png");
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve_target("", "../../x"), "x");
    }

    #[test]
    fn part_names_split_into_folder_and_file() {
        assert_eq!(split_part("word/document.xml"), ("word", "document.xml"));
        assert_eq!(split_part("document.xml"), ("", "document.xml"));
    }
}
