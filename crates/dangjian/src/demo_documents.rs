//! Demo documents for 资料中心, made by the program itself: a dues-rate table as `.xlsx`
//! (rust_xlsxwriter) and a meeting-record template as `.docx` (a minimal WordprocessingML
//! package written with `zip`). No binary fixtures, nothing copied.

use std::io::{Cursor, Write};

use anyhow::Context;
use dangjian_domain::clock;
use dangjian_store::{Db, channels, documents};

/// The slug of the demo's download channel.
const CHANNEL: &str = "ziliao";

fn dues_table() -> anyhow::Result<Vec<u8>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("党费计算比例")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let rows = [
        ["党员类别", "每月计算基数（税后）", "交纳比例"],
        ["在职党员", "3000 元以下（含）", "0.5%"],
        ["在职党员", "3000 元以上至 5000 元（含）", "1%"],
        ["在职党员", "5000 元以上至 10000 元（含）", "1.5%"],
        ["在职党员", "10000 元以上", "2%"],
        ["离退休党员", "5000 元以下（含）", "0.5%"],
        ["离退休党员", "5000 元以上", "1%"],
        ["学生、下岗失业党员等", "—", "每月 0.2 元"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if r == 0 {
                sheet.write_string_with_format(r as u32, c as u16, *v, &bold)?;
            } else {
                sheet.write_string(r as u32, c as u16, *v)?;
            }
        }
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(2, 14)?;
    Ok(book.save_to_buffer()?)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

fn meeting_template() -> anyhow::Result<Vec<u8>> {
    let paragraphs = [
        "党支部会议记录",
        "会议名称：",
        "时间：        地点：",
        "主持人：        记录人：",
        "应到人数：    实到人数：    缺席人员及原因：",
        "列席人员：",
        "会议议题：",
        "一、",
        "二、",
        "会议内容及决议：",
        "主持人签字：            记录人签字：",
    ];
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", escape(p)))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    );
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#
                .to_owned(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#
                .to_owned(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(name, opts)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// Writes the demo documents into `documents_dir` and lists them in 资料中心. Does
/// nothing when the channel is missing or already has documents.
pub async fn generate(db: &Db, documents_dir: &std::path::Path) -> anyhow::Result<usize> {
    let Ok(channel) = channels::by_slug(db, CHANNEL).await else { return Ok(0) };
    if !documents::in_channel(db, channel.id, 1).await?.is_empty() {
        return Ok(0);
    }
    let now = clock::now_micros();
    let files: [(&str, &str, &str, Vec<u8>); 2] = [
        (
            "党费交纳比例一览表",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            dues_table()?,
        ),
        (
            "党支部会议记录模板",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            meeting_template()?,
        ),
    ];
    let dir = documents_dir.join("demo");
    tokio::fs::create_dir_all(&dir).await.with_context(|| format!("cannot create {}", dir.display()))?;
    for (i, (title, ext, mime, bytes)) in files.iter().enumerate() {
        let rel = format!("demo/{i}.{ext}");
        tokio::fs::write(documents_dir.join(&rel), bytes).await?;
        documents::insert(
            db,
            &documents::NewDocument {
                channel_id: channel.id,
                title: (*title).to_owned(),
                file_name: format!("{title}.{ext}"),
                ext: (*ext).to_owned(),
                mime: (*mime).to_owned(),
                size: bytes.len() as i64,
                path: rel,
                published_at: now - i as i64 * 86_400_000_000,
                created_by: None,
            },
        )
        .await?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_files_are_what_they_claim() {
        let x = dues_table().unwrap();
        assert_eq!(infer::get(&x).map(|t| t.extension()), Some("xlsx"));
        let d = meeting_template().unwrap();
        let text =
            dangjian_docx::import(&d, &dangjian_docx::Limits::default()).map(|doc| doc.markdown).unwrap_or_default();
        assert!(text.contains("党支部会议记录"), "{text}");
    }
}
