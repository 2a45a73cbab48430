//! Demo media made by the program itself: a few short videos for 视频点播, drawn by
//! `ffmpeg`'s built-in test sources when ffmpeg is installed (without it the channel says
//! it has no videos yet), and cover images for some articles, as SVG drawn here.

use anyhow::Context;
use dangjian_domain::clock;
use dangjian_store::{Db, articles, channels, videos};
use dangjian_web::{media_store::MediaStore, video_tools::VideoTools};

const VIDEO_CHANNEL: &str = "shipin";

/// (title, summary, lavfi source, seconds, container).
const CLIPS: [(&str, &str, &str, u32, &str); 3] = [
    (
        "机关党建工作宣传片（演示）",
        "演示视频：由程序用 ffmpeg 测试图样生成，用于展示视频点播的播放、拖动与计数。",
        "testsrc2=size=640x360:rate=25",
        12,
        "webm",
    ),
    (
        "党史学习教育微课堂（演示）",
        "演示视频：彩条测试图样，MP4（H.264）格式。",
        "smptehdbars=size=640x360:rate=25",
        8,
        "mp4",
    ),
    ("主题党日活动纪实（演示）", "演示视频：渐变测试图样，WebM 格式。", "rgbtestsrc=size=640x360:rate=25", 6, "webm"),
];

/// Generates the demo videos into the media store. Does nothing without ffmpeg, without
/// the channel, or when the channel already has videos. Returns how many were made.
pub async fn generate(db: &Db, store: &MediaStore, tools: &VideoTools) -> anyhow::Result<usize> {
    let Some(ffmpeg) = &tools.ffmpeg else { return Ok(0) };
    let Ok(channel) = channels::by_slug(db, VIDEO_CHANNEL).await else { return Ok(0) };
    if videos::count_in_channel(db, channel.id).await? > 0 {
        return Ok(0);
    }
    let spool = store.incoming_dir().await.context("media spool directory")?;
    let now = clock::now_micros();
    let mut made = 0;
    for (i, (title, summary, source, secs, ext)) in CLIPS.iter().enumerate() {
        let out = spool.join(format!("demo-{i}.{ext}"));
        let mut cmd = tokio::process::Command::new(ffmpeg);
        cmd.args(["-v", "error", "-y", "-f", "lavfi", "-i"])
            .arg(format!("{source}:duration={secs}"))
            .args(["-f", "lavfi", "-i"])
            .arg(format!("sine=frequency={}:duration={secs}", 330 + 110 * i));
        if *ext == "mp4" {
            cmd.args(["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac"])
                .args(["-movflags", "+faststart"]);
        } else {
            cmd.args([
                "-c:v",
                "libvpx",
                "-deadline",
                "realtime",
                "-cpu-used",
                "8",
                "-b:v",
                "700k",
                // Some test sources are RGBA; VP8 with alpha fails to open.
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "libvorbis",
            ]);
        }
        let status = cmd.arg(&out).stdin(std::process::Stdio::null()).status().await;
        if !status.is_ok_and(|s| s.success()) {
            // An ffmpeg without this encoder: skip the clip, keep the demo going, say so.
            eprintln!("演示视频“{title}”未能生成（ffmpeg 缺少所需编码器？），已跳过");
            let _ = tokio::fs::remove_file(&out).await;
            continue;
        }
        let size = tokio::fs::metadata(&out).await?.len() as i64;
        let duration_ms = tools.duration_ms(&out).await;
        let (poster_key, poster_kind, poster) = match tools.poster_jpeg(&out, duration_ms).await {
            Some(jpeg) => (format!("posters/demo/{i}.jpg"), "frame", jpeg),
            None => (
                format!("posters/demo/{i}.svg"),
                "placeholder",
                dangjian_web::video_tools::placeholder_svg(title).into_bytes(),
            ),
        };
        let media_key = format!("videos/demo/{i}.{ext}");
        store.put_file(&media_key, &out).await.map_err(anyhow::Error::msg)?;
        store.put_bytes(&poster_key, poster).await.map_err(anyhow::Error::msg)?;
        videos::insert(
            db,
            &videos::NewVideo {
                channel_id: channel.id,
                title: (*title).to_owned(),
                summary: (*summary).to_owned(),
                media_key,
                mime: if *ext == "mp4" { "video/mp4" } else { "video/webm" }.to_owned(),
                size,
                duration_ms,
                poster_key,
                poster_kind: poster_kind.to_owned(),
                published_at: now - i as i64 * 3 * 86_400_000_000,
                created_by: None,
            },
        )
        .await?;
        made += 1;
    }
    Ok(made)
}

/// Channels whose newest articles get a cover image.
const COVER_CHANNELS: [&str; 3] = ["dongtai", "gongwei", "wenming"];

/// Colour pairs of the covers.
const PALETTE: [(&str, &str); 4] =
    [("#b40f0f", "#6e0a0a"), ("#c0392b", "#8e1212"), ("#a93226", "#5b0b0b"), ("#cb4335", "#922b21")];

/// An SVG cover: a gradient, a few shapes and the channel's name; no script, no fonts
/// needed beyond the reader's own.
pub fn cover_svg(seed: usize, label: &str) -> String {
    let (a, b) = PALETTE[seed % PALETTE.len()];
    let r = 60 + (seed * 37) % 80;
    let x = 120 + (seed * 53) % 400;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="800" height="450" viewBox="0 0 800 450"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{a}"/><stop offset="1" stop-color="{b}"/></linearGradient></defs><rect width="800" height="450" fill="url(#g)"/><circle cx="{x}" cy="190" r="{r}" fill="#ffd86b" opacity=".22"/><path d="M0 360 Q200 300 400 350 T800 330 V450 H0 Z" fill="#fff" opacity=".12"/><text x="400" y="250" font-size="56" text-anchor="middle" fill="#fff" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif">{label}</text></svg>"##
    )
}

/// Gives the four newest articles of a few channels a cover from the media store (local
/// stores only: the portal links covers as `/media/…`). Returns how many got one.
pub async fn covers(db: &Db, store: &MediaStore) -> anyhow::Result<usize> {
    if !store.is_local() {
        return Ok(0);
    }
    let mut done = 0;
    for slug in COVER_CHANNELS {
        let Ok(channel) = channels::by_slug(db, slug).await else { continue };
        for item in articles::latest_in_channel(db, channel.id, 4).await? {
            let key = format!("covers/demo/{}.svg", item.id);
            store
                .put_bytes(&key, cover_svg(item.id as usize, &channel.name).into_bytes())
                .await
                .map_err(anyhow::Error::msg)?;
            articles::set_cover(db, item.id, &format!("/media/{key}")).await?;
            done += 1;
        }
    }
    Ok(done)
}
