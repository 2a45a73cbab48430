//! Media served from the local store: byte ranges (206, suffix and open ranges, 416 for
//! ranges past the end), `Accept-Ranges`, `ETag`/`Last-Modified` and conditional requests —
//! what a `<video>` element needs to seek, and what caches need to revalidate.

mod support;

use axum::http::StatusCode;
use support::apps;

/// Just over 1 MiB of ASCII in which every 9-byte line spells its own offset, so any
/// slice names where it came from (the test client reads bodies as text).
fn pattern() -> Vec<u8> {
    let mut out: Vec<u8> = (0..(1 << 20) / 9 + 1).flat_map(|i| format!("{:08}\n", i * 9).into_bytes()).collect();
    out.extend_from_slice(b"end");
    out
}

#[tokio::test]
async fn media_files_answer_ranges_and_conditional_requests() {
    let apps = apps().await;
    // The media store is the file system: one backend is enough.
    let app = &apps[0];
    let dir = app.state.config.media_dir.join("2026/11");
    std::fs::create_dir_all(&dir).unwrap();
    let bytes = pattern();
    std::fs::write(dir.join("clip.mp4"), &bytes).unwrap();
    let url = "/media/2026/11/clip.mp4";
    let len = bytes.len();

    let full = app.get(url).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.header("accept-ranges"), "bytes");
    assert_eq!(full.body.as_bytes(), &bytes[..]);
    assert_eq!(full.header("content-length"), len.to_string());
    let last_modified = full.header("last-modified").to_owned();
    assert!(!last_modified.is_empty(), "no Last-Modified");

    // A range in the middle, as a player seeking to half-way asks for.
    let mid = len / 2;
    let r = app.get_with(url, &[("range", &format!("bytes={mid}-{}", mid + 9))]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.header("content-range"), format!("bytes {mid}-{}/{len}", mid + 9));
    assert_eq!(r.header("content-length"), "10");
    assert_eq!(r.body.as_bytes(), &bytes[mid..mid + 10]);

    // Open-ended and suffix ranges.
    let r = app.get_with(url, &[("range", &format!("bytes={}-", len - 5))]).await;
    assert_eq!((r.status, r.header("content-length")), (StatusCode::PARTIAL_CONTENT, "5"));
    assert_eq!(r.body.as_bytes(), &bytes[len - 5..]);
    let r = app.get_with(url, &[("range", "bytes=-7")]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.body.as_bytes(), &bytes[len - 7..]);
    assert_eq!(r.header("content-range"), format!("bytes {}-{}/{len}", len - 7, len - 1));

    // Past the end: 416 with the size.
    let r = app.get_with(url, &[("range", &format!("bytes={}-{}", len + 10, len + 20))]).await;
    assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(r.header("content-range"), format!("bytes */{len}"));

    // Conditional: unchanged since Last-Modified → 304 without a body.
    let r = app.get_with(url, &[("if-modified-since", &last_modified)]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.body.is_empty());
    let etag = full.header("etag").to_owned();
    if !etag.is_empty() {
        let r = app.get_with(url, &[("if-none-match", &etag)]).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    }
    // A stale If-Range falls back to the whole file.
    let r = app.get_with(url, &[("range", "bytes=0-9"), ("if-range", "Mon, 01 Jan 2001 00:00:00 GMT")]).await;
    assert_eq!(r.status, StatusCode::OK);
    // A current one keeps the range.
    let r = app.get_with(url, &[("range", "bytes=0-9"), ("if-range", &last_modified)]).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);

    // Nothing outside the media directory.
    assert_eq!(app.get("/media/../dangjian.db").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/media/2026/11/missing.mp4").await.status, StatusCode::NOT_FOUND);
}
