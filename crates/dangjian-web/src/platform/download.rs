//! Files the platform hands out: spreadsheets of any list, and meeting attachments.
//! Every download is `attachment` with the Chinese name in `filename*=UTF-8''…` (RFC 6266
//! and RFC 5987) beside an ASCII fallback, so every browser saves it under its real name
//! and nothing a user uploaded is ever rendered inline.

use axum::{
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::AppError;

/// RFC 5987 `attr-char`: everything else is percent-encoded.
const ATTR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// The `Content-Disposition` value for a download named `name`; `fallback` is the ASCII
/// name for clients that ignore `filename*`.
pub fn disposition(fallback: &str, name: &str) -> HeaderValue {
    let ascii: String =
        fallback.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    let value = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", utf8_percent_encode(name, ATTR));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// A download response: the bytes, their type, `attachment` with both names, and
/// `nosniff` so a browser never second-guesses the type.
pub fn attachment(bytes: Vec<u8>, content_type: &str, fallback: &str, name: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(fallback, name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    r
}

/// An `.xlsx` download.
pub fn xlsx(bytes: Vec<u8>, fallback: &str, name: &str) -> Response {
    attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fallback, name)
}

/// Writes a sheet with a bold header, every cell as text, the header row frozen, and
/// columns as wide as their widest cell, counting a CJK character as two columns.
pub fn sheet_bytes(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(xe)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text_fmt = rust_xlsxwriter::Format::new().set_num_format("@");
    let mut widths: Vec<usize> = headers.iter().map(|h| dangjian_domain::text::display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xe)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate().take(widths.len()) {
            widths[c] = widths[c].max(dangjian_domain::text::display_width(v).min(50));
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &text_fmt).map_err(xe)?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        // ID numbers must stay text, or Excel shows them as 1.10105E+17.
        sheet.set_column_format(c as u16, &text_fmt).map_err(xe)?;
        sheet.set_column_width(c as u16, (*w + 2) as f64).map_err(xe)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xe)?;
    book.save_to_buffer().map_err(xe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_are_percent_encoded_with_an_ascii_fallback() {
        let v = disposition("dues-2026.xlsx", "党费 2026年.xlsx");
        assert_eq!(
            v.to_str().unwrap(),
            "attachment; filename=\"dues-2026.xlsx\"; filename*=UTF-8''%E5%85%9A%E8%B4%B9%202026%E5%B9%B4.xlsx"
        );
    }

    #[test]
    fn quotes_and_line_breaks_cannot_escape_the_header() {
        let v = disposition("a\"b\r\n.pdf", "会议\"记录\r\n.pdf");
        let s = v.to_str().unwrap();
        assert!(s.starts_with("attachment; filename=\"ab.pdf\"; filename*=UTF-8''"), "{s}");
        assert!(!s.contains('\r') && !s.contains('\n') && s.matches('"').count() == 2, "{s}");
    }
}
