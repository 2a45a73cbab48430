//! Image type from magic bytes.
//!
//! The name and content type a .docx declares for a media part are not trusted: the
//! portal serves images with the type returned here, so only formats a browser shows
//! safely are accepted, and everything else is named for the warning.

/// The verdict on a media part's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A web image: content type and file extension.
    Web { content_type: &'static str, ext: &'static str },
    /// A known format the portal does not serve, by its usual short name.
    Unsupported(&'static str),
}

/// Classifies image bytes.
pub(crate) fn sniff(b: &[u8]) -> Sniffed {
    let web = |content_type, ext| Sniffed::Web { content_type, ext };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        web("image/png", "png")
    } else if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        web("image/jpeg", "jpg")
    } else if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        web("image/gif", "gif")
    } else if b.len() >= 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP" {
        web("image/webp", "webp")
    } else if b.starts_with(b"BM") && b.len() >= 26 {
        web("image/bmp", "bmp")
    } else if b.len() >= 44 && b.starts_with(&[1, 0, 0, 0]) && &b[40..44] == b" EMF" {
        Sniffed::Unsupported("EMF")
    } else if b.starts_with(&[0xD7, 0xCD, 0xC6, 0x9A]) || b.starts_with(&[1, 0, 9, 0]) || b.starts_with(&[2, 0, 9, 0]) {
        Sniffed::Unsupported("WMF")
    } else if b.starts_with(b"II*\0") || b.starts_with(b"MM\0*") {
        Sniffed::Unsupported("TIFF")
    } else if looks_like_svg(b) {
        Sniffed::Unsupported("SVG")
    } else {
        Sniffed::Unsupported("未知")
    }
}

/// SVG can carry script, so it is recognised only to be refused by name.
fn looks_like_svg(b: &[u8]) -> bool {
    let head = &b[..b.len().min(512)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<?xml") || head.starts_with("<svg") || head.starts_with("<!--")) && head.contains("<svg")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_formats_are_recognised() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Sniffed::Web { content_type: "image/png", ext: "png" });
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Sniffed::Web { content_type: "image/jpeg", ext: "jpg" });
        assert_eq!(sniff(b"GIF89a......"), Sniffed::Web { content_type: "image/gif", ext: "gif" });
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Sniffed::Web { content_type: "image/webp", ext: "webp" });
        let mut bmp = b"BM".to_vec();
        bmp.resize(54, 0);
        assert_eq!(sniff(&bmp), Sniffed::Web { content_type: "image/bmp", ext: "bmp" });
    }

    #[test]
    fn other_formats_are_named() {
        let mut emf = vec![1, 0, 0, 0];
        emf.resize(40, 0);
        emf.extend_from_slice(b" EMF");
        assert_eq!(sniff(&emf), Sniffed::Unsupported("EMF"));
        assert_eq!(sniff(&[0xD7, 0xCD, 0xC6, 0x9A, 0, 0]), Sniffed::Unsupported("WMF"));
        assert_eq!(sniff(b"II*\0rest"), Sniffed::Unsupported("TIFF"));
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><svg xmlns=\"\"/>"), Sniffed::Unsupported("SVG"));
        assert_eq!(sniff(b""), Sniffed::Unsupported("未知"));
    }
}
