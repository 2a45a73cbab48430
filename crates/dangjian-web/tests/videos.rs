//! 视频点播: an editor uploads videos, the portal lists them with posters and lengths,
//! plays them from `/video/{id}/stream` with ranges and conditional requests, counts
//! views, and stops serving a withdrawn video at once. Bad uploads leave nothing behind.

mod support;

use axum::http::StatusCode;
use dangjian_store::{
    channels::{self, NewChannel},
    videos,
};
use dangjian_web::{AppState, video_tools::VideoTools};
use support::{
    App, T0, apps,
    client::{Client, PW, account},
    fixture,
};

/// A form field: (name, file name, bytes).
type Field<'a> = (&'a str, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body.
fn form(fields: &[Field]) -> (String, Vec<u8>) {
    let boundary = "----dangjian-video-boundary";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        let disposition = match file {
            Some(f) => {
                format!("form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream")
            }
            None => format!("form-data; name=\"{name}\""),
        };
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The smallest file that is an MP4 by its content: an `ftyp` box and an `mdat` of
/// counting bytes.
fn tiny_mp4() -> Vec<u8> {
    let mut v = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2".to_vec();
    let payload: Vec<u8> = (0..4000u32).map(|i| (i % 251) as u8).collect();
    v.extend_from_slice(&((payload.len() as u32 + 8).to_be_bytes()));
    v.extend_from_slice(b"mdat");
    v.extend_from_slice(&payload);
    v
}

async fn video_channel(app: &App) -> i64 {
    channels::insert(
        app.db(),
        &NewChannel {
            slug: "shipin", name: "视频点播", kind: "video", description: "", keywords: "", sort_order: 70
        },
        T0,
    )
    .await
    .unwrap()
}

/// Files in the media directory, the spool included.
fn media_files(app: &App) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|rd| rd.flatten().map(|e| if e.path().is_dir() { count(&e.path()) } else { 1 }).sum())
            .unwrap_or(0)
    }
    count(&app.state.config.media_dir)
}

#[tokio::test]
async fn videos_are_uploaded_listed_played_counted_and_withdrawn() {
    for app in apps().await {
        let l = app.label();
        fixture(app.db()).await;
        let shipin = video_channel(&app).await;
        account(&app, "bianji", &["editor"], &[shipin], 0).await;
        account(&app, "other", &["editor"], &[], 0).await;
        let mut o = Client::new(&app);
        o.login("other", PW).await;
        assert_eq!(o.get("/admin/videos").await.status, StatusCode::FORBIDDEN, "{l}");
        let empty = app.get("/channel/shipin").await;
        assert!(empty.body.contains("id=\"no-videos\""), "{l}: the empty channel explains itself");

        let mut c = Client::new(&app);
        c.login("bianji", PW).await;
        let id = shipin.to_string();
        // Not a video, no title, an SVG poster: each refused with a message, nothing kept.
        let bad: [(&[Field], &str); 3] = [
            (
                &[
                    ("channel_id", None, id.as_bytes()),
                    ("title", None, "宣传片".as_bytes()),
                    ("video", Some("a.mp4"), b"<html><script>alert(1)</script>"),
                ],
                "不支持的视频格式",
            ),
            (
                &[("channel_id", None, id.as_bytes()), ("title", None, b""), ("video", Some("a.mp4"), &tiny_mp4())],
                "请填写视频标题",
            ),
            (
                &[
                    ("channel_id", None, id.as_bytes()),
                    ("title", None, "宣传片".as_bytes()),
                    ("video", Some("a.mp4"), &tiny_mp4()),
                    (
                        "poster",
                        Some("p.svg"),
                        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
                    ),
                ],
                "封面图片只能是",
            ),
        ];
        for (fields, message) in bad {
            let (ct, body) = form(fields);
            let r = c.send_bytes("POST", "/admin/videos", &ct, body).await;
            assert!(r.body.contains(message), "{l}: {message}: {}", r.body);
        }
        assert_eq!(videos::count_in_channel(app.db(), shipin).await.unwrap(), 0, "{l}");
        assert_eq!(media_files(&app), 0, "{l}: a refused upload leaves no file");

        // Without ffmpeg: no length, a generated poster that carries the (escaped) title.
        let mp4 = tiny_mp4();
        let title = "机关党建<宣传片>";
        let (ct, body) = form(&[
            ("channel_id", None, id.as_bytes()),
            ("title", None, title.as_bytes()),
            ("summary", None, "一段演示视频".as_bytes()),
            ("video", Some("宣传片.mp4"), &mp4),
        ]);
        let r = c.send_bytes("POST", "/admin/videos", &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let v = videos::in_channel(app.db(), shipin, 10, 0).await.unwrap().remove(0);
        assert_eq!(
            (v.mime.as_str(), v.size, v.poster_kind.as_str()),
            ("video/mp4", mp4.len() as i64, "placeholder"),
            "{l}"
        );
        assert_eq!(v.duration_ms, None, "{l}");
        assert_eq!(media_files(&app), 2, "{l}: the video and its poster, no spool left");
        let poster = app.get(&format!("/video/{}/poster", v.id)).await;
        assert_eq!(poster.header("content-type"), "image/svg+xml", "{l}");
        assert!(poster.body.contains("机关党建&lt;宣传片&gt;") && !poster.body.contains("<script"), "{l}");

        let list = app.get("/channel/shipin").await;
        assert!(list.body.contains(&format!("href=\"/video/{}\"", v.id)), "{l}");
        assert!(list.body.contains("播放 0 次"), "{l}");
        for n in 1..=3 {
            let p = app.get(&format!("/video/{}", v.id)).await;
            assert_eq!(p.status, StatusCode::OK, "{l}");
            assert!(p.body.contains(&format!("<span id=\"view-count\">{n}</span>")), "{l}: view {n}");
            assert!(p.body.contains(&format!("src=\"/video/{}/stream\" type=\"video/mp4\"", v.id)), "{l}");
        }
        assert_eq!(videos::get(app.db(), v.id).await.unwrap().views, 3, "{l}");
        assert!(app.get("/channel/shipin").await.body.contains("播放 3 次"), "{l}");

        // Ranges, suffix ranges, unsatisfiable ranges and conditional requests.
        let uri = format!("/video/{}/stream", v.id);
        let len = mp4.len();
        let (h, b) = app.get_bytes(&uri, &[("range", "bytes=100-199")]).await;
        assert_eq!(h["content-range"], format!("bytes 100-199/{len}").as_str(), "{l}");
        assert_eq!(b, &mp4[100..200], "{l}");
        let (h, b) = app.get_bytes(&uri, &[("range", "bytes=-16")]).await;
        assert_eq!(h["content-range"], format!("bytes {}-{}/{len}", len - 16, len - 1).as_str(), "{l}");
        assert_eq!(b, &mp4[len - 16..], "{l}");
        let r = app.get_with(&uri, &[("range", &format!("bytes={len}-"))]).await;
        assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE, "{l}");
        assert_eq!(r.header("content-range"), format!("bytes */{len}"), "{l}");
        let full = app.get_with(&uri, &[]).await;
        assert_eq!((full.status, full.header("accept-ranges")), (StatusCode::OK, "bytes"), "{l}");
        assert_eq!(full.header("content-type"), "video/mp4", "{l}");
        let modified = full.header("last-modified").to_owned();
        assert!(!modified.is_empty(), "{l}");
        let r = app.get_with(&uri, &[("if-modified-since", &modified)]).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED, "{l}");
        let etag = full.header("etag").to_owned();
        assert!(etag.starts_with("W/\""), "{l}: {etag}");
        let r = app.get_with(&uri, &[("if-none-match", &etag)]).await;
        assert_eq!((r.status, r.header("etag")), (StatusCode::NOT_MODIFIED, etag.as_str()), "{l}");
        let r = app.get_with(&uri, &[("if-none-match", "W/\"0-0\"")]).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: another validator gets the file");
        // A weak tag never satisfies If-Range: the whole file comes back.
        let (h, b) = app.get_bytes(&uri, &[("range", "bytes=0-9"), ("if-range", &etag)]).await;
        assert!(h.get("content-range").is_none() && b.len() == len, "{l}");
        let stale = "Mon, 01 Jan 2001 00:00:00 GMT";
        let (h, b) = app.get_bytes(&uri, &[("range", "bytes=0-9"), ("if-range", stale)]).await;
        assert!(h.get("content-range").is_none() && b.len() == len, "{l}: a stale If-Range gets the whole file");
        let (h, _) = app.get_bytes(&uri, &[("range", "bytes=0-9"), ("if-range", &modified)]).await;
        assert_eq!(h["content-range"], format!("bytes 0-9/{len}").as_str(), "{l}");

        // Another editor cannot withdraw it; its own editor can, and then nothing serves it.
        assert_eq!(o.post(&format!("/admin/videos/{}/withdraw", v.id), "").await.status, StatusCode::FORBIDDEN, "{l}");
        let r = c.post(&format!("/admin/videos/{}/withdraw", v.id), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        for path in ["", "/stream", "/poster"] {
            let r = app.get(&format!("/video/{}{path}", v.id)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}: {path} of a withdrawn video");
        }
        assert!(app.get("/channel/shipin").await.body.contains("id=\"no-videos\""), "{l}");
        assert!(c.get("/admin/videos").await.body.contains("重新发布"), "{l}");
        c.post(&format!("/admin/videos/{}/publish", v.id), "").await;
        assert_eq!(app.get(&format!("/video/{}", v.id)).await.status, StatusCode::OK, "{l}");

        // An uploaded poster is kept as it is (PNG by content).
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
        let (ct, body) = form(&[
            ("channel_id", None, id.as_bytes()),
            ("title", None, "第二段".as_bytes()),
            ("video", Some("b.mp4"), &mp4),
            ("poster", Some("cover.png"), &png),
        ]);
        assert_eq!(c.send_bytes("POST", "/admin/videos", &ct, body).await.status, StatusCode::SEE_OTHER, "{l}");
        let second = videos::in_channel(app.db(), shipin, 10, 0).await.unwrap().remove(0);
        assert_eq!(second.poster_kind, "uploaded", "{l}");
        let (h, b) = app.get_bytes(&format!("/video/{}/poster", second.id), &[]).await;
        assert_eq!((h["content-type"].to_str().unwrap(), b), ("image/png", png), "{l}");
        assert_eq!(app.get("/video/999999").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

/// With ffmpeg on the machine (CI installs it), a real video gets its length and a poster
/// taken from its frames. Without ffmpeg this test says so and checks nothing, except on
/// CI, where a missing ffmpeg is a failure.
#[tokio::test]
async fn ffmpeg_gives_real_videos_a_length_and_a_frame_poster() {
    let tools = VideoTools::detect();
    let Some(ffmpeg) = tools.ffmpeg.clone() else {
        assert!(std::env::var_os("CI").is_none(), "CI must install ffmpeg");
        eprintln!("ffmpeg is not installed: skipping the real-video checks");
        return;
    };
    for app in apps().await {
        let l = app.label();
        let config = dangjian_web::WebConfig { video_tools: tools.clone(), ..(*app.state.config).clone() };
        let state = AppState::new(app.test_db.db.clone(), config);
        let app = App { router: dangjian_web::router(state.clone()), state, test_db: app.test_db };
        fixture(app.db()).await;
        let shipin = video_channel(&app).await;
        account(&app, "bianji", &["editor"], &[shipin], 0).await;
        let clip = app.test_db.dir.path().join("clip.webm");
        let ok = std::process::Command::new(&ffmpeg)
            .args(["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25:duration=3"])
            .args(["-c:v", "libvpx", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"])
            .arg(&clip)
            .status()
            .unwrap();
        assert!(ok.success(), "{l}: ffmpeg could not make the clip");
        let bytes = std::fs::read(&clip).unwrap();
        let mut c = Client::new(&app);
        c.login("bianji", PW).await;
        let id = shipin.to_string();
        let (ct, body) = form(&[
            ("channel_id", None, id.as_bytes()),
            ("title", None, "测试图样".as_bytes()),
            ("video", Some("clip.webm"), &bytes),
        ]);
        let r = c.send_bytes("POST", "/admin/videos", &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let v = videos::in_channel(app.db(), shipin, 1, 0).await.unwrap().remove(0);
        assert_eq!((v.mime.as_str(), v.poster_kind.as_str()), ("video/webm", "frame"), "{l}");
        let ms = v.duration_ms.expect("ffprobe reads the length");
        assert!((2800..=3200).contains(&ms), "{l}: {ms} ms");
        let (h, b) = app.get_bytes(&format!("/video/{}/poster", v.id), &[]).await;
        assert_eq!(h["content-type"], "image/jpeg", "{l}");
        assert!(b.starts_with(&[0xFF, 0xD8]), "{l}");
        assert!(app.get("/channel/shipin").await.body.contains("<span class=\"duration\">0:03</span>"), "{l}");
    }
}

/// With an S3 store (cargo feature `s3`), the app checks the video itself and then sends
/// the player to a presigned URL that expires in five minutes; a withdrawn video gets a
/// 404, never a URL. Presigning needs no S3 server.
#[cfg(feature = "s3")]
#[tokio::test]
async fn with_s3_the_stream_redirects_to_a_presigned_url_after_the_check() {
    use dangjian_web::media_store::MediaStore;
    for app in apps().await {
        let l = app.label();
        let builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name("dangjian-media")
            .with_region("cn-north-1")
            .with_endpoint("http://127.0.0.1:9")
            .with_allow_http(true)
            .with_access_key_id("AKIDEXAMPLE")
            .with_secret_access_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let store = MediaStore::s3_with(builder, "site", &app.state.config.media_dir).unwrap();
        let state = AppState::new(app.test_db.db.clone(), (*app.state.config).clone()).with_media(store);
        let app = App { router: dangjian_web::router(state.clone()), state, test_db: app.test_db };
        fixture(app.db()).await;
        let shipin = video_channel(&app).await;
        let id = videos::insert(
            app.db(),
            &videos::NewVideo {
                channel_id: shipin,
                title: "S3 视频".into(),
                summary: String::new(),
                media_key: "videos/2026/11/s3clip.webm".into(),
                mime: "video/webm".into(),
                size: 1000,
                duration_ms: Some(6000),
                poster_key: "posters/2026/11/s3clip.jpg".into(),
                poster_kind: "frame".into(),
                published_at: T0,
                created_by: None,
            },
        )
        .await
        .unwrap();
        let r = app.get(&format!("/video/{id}/stream")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let to = r.header("location");
        assert!(to.starts_with("http://127.0.0.1:9/dangjian-media/site/videos/2026/11/s3clip.webm?"), "{l}: {to}");
        assert!(to.contains("X-Amz-Expires=300") && to.contains("X-Amz-Signature="), "{l}: {to}");
        assert_eq!(r.header("cache-control"), "private, no-store", "{l}");
        assert!(app.get(&format!("/video/{id}/poster")).await.header("location").contains("s3clip.jpg"), "{l}");
        videos::set_status(app.db(), id, "published", "withdrawn").await.unwrap();
        assert_eq!(app.get(&format!("/video/{id}/stream")).await.status, StatusCode::NOT_FOUND, "{l}");
    }
}
