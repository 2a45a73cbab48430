//! What we learn about an uploaded video: its type from the content (never the name),
//! its length and a poster frame from `ffprobe`/`ffmpeg` when the machine has them, and a
//! generated placeholder poster when it does not.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Duration,
};

use tokio::process::Command;

/// The ffmpeg tools found on this machine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoTools {
    pub ffmpeg: Option<PathBuf>,
    pub ffprobe: Option<PathBuf>,
}

/// A tool run longer than this is stopped (a hostile file must not hang an upload).
const TOOL_TIMEOUT: Duration = Duration::from_secs(60);

impl VideoTools {
    /// Finds `ffmpeg` and `ffprobe` on `PATH` by running them once.
    pub fn detect() -> Self {
        let works = |name: &str| {
            std::process::Command::new(name)
                .arg("-version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
                .then(|| PathBuf::from(name))
        };
        Self { ffmpeg: works("ffmpeg"), ffprobe: works("ffprobe") }
    }

    /// The length in milliseconds, from `ffprobe`; `None` without it or for a file it
    /// cannot read.
    pub async fn duration_ms(&self, video: &Path) -> Option<i64> {
        let probe = self.ffprobe.as_ref()?;
        let out = run(Command::new(probe)
            .args(["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1"])
            .arg(video))
        .await?;
        let secs: f64 = String::from_utf8_lossy(&out).trim().parse().ok()?;
        (secs.is_finite() && secs > 0.0).then(|| (secs * 1000.0).round() as i64)
    }

    /// A JPEG of an early frame, scaled to 640 px wide; `None` without ffmpeg or when the
    /// file has no decodable frame.
    pub async fn poster_jpeg(&self, video: &Path, duration_ms: Option<i64>) -> Option<Vec<u8>> {
        let ffmpeg = self.ffmpeg.as_ref()?;
        // One second in, past a black first frame, unless the video is shorter than that.
        let at = if duration_ms.unwrap_or(0) > 2000 { "1" } else { "0" };
        let out = run(Command::new(ffmpeg).args(["-v", "error", "-ss", at, "-i"]).arg(video).args([
            "-frames:v",
            "1",
            "-vf",
            "scale=640:-2",
            "-q:v",
            "4",
            "-f",
            "image2",
            "-c:v",
            "mjpeg",
            "pipe:1",
        ]))
        .await?;
        (out.len() > 100 && out.starts_with(&[0xFF, 0xD8])).then_some(out)
    }
}

/// Runs a tool with a timeout; its stdout when it succeeded.
async fn run(cmd: &mut Command) -> Option<Vec<u8>> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null()).kill_on_drop(true);
    let child = cmd.spawn().ok()?;
    let out = tokio::time::timeout(TOOL_TIMEOUT, child.wait_with_output()).await.ok()?.ok()?;
    out.status.success().then_some(out.stdout)
}

/// (extension, MIME type) of a video we accept, from its first bytes.
pub fn video_kind(head: &[u8]) -> Option<(&'static str, &'static str)> {
    match infer::get(head)?.mime_type() {
        "video/mp4" | "video/x-m4v" => Some(("mp4", "video/mp4")),
        "video/webm" => Some(("webm", "video/webm")),
        _ => None,
    }
}

/// (extension, MIME type) of a poster image we accept: JPEG, PNG or WebP — never SVG or
/// anything else a browser might run.
pub fn poster_kind(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match infer::get(bytes)?.mime_type() {
        "image/jpeg" => Some(("jpg", "image/jpeg")),
        "image/png" => Some(("png", "image/png")),
        "image/webp" => Some(("webp", "image/webp")),
        _ => None,
    }
}

/// A poster drawn by the program: the party red, a play mark and the title. Pure shapes
/// and escaped text, no script.
pub fn placeholder_svg(title: &str) -> String {
    let short: String = title.chars().take(18).collect();
    let more = if title.chars().count() > 18 { "…" } else { "" };
    let text = escape(&format!("{short}{more}"));
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#b40f0f"/><stop offset="1" stop-color="#6e0a0a"/></linearGradient></defs><rect width="640" height="360" fill="url(#g)"/><circle cx="320" cy="150" r="52" fill="none" stroke="#ffd86b" stroke-width="6"/><path d="M302 122 L350 150 L302 178 Z" fill="#ffd86b"/><text x="320" y="268" font-size="28" text-anchor="middle" fill="#fff" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif">{text}</text><text x="320" y="310" font-size="18" text-anchor="middle" fill="#f3c6c6" font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif">视频点播</text></svg>"##
    )
}

fn escape(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// `m:ss` or `h:mm:ss` for a list badge.
pub fn format_duration(ms: Option<i64>) -> String {
    let Some(ms) = ms.filter(|m| *m > 0) else { return String::new() };
    let s = (ms + 500) / 1000;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content() {
        let mp4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2";
        assert_eq!(video_kind(mp4), Some(("mp4", "video/mp4")));
        let mut webm =
            b"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\xF2\x81\x04\x42\xF3\x81\x08\x42\x82\x84webm"
                .to_vec();
        // infer looks at more than 256 bytes before it calls anything WebM.
        assert_eq!(video_kind(&webm), None);
        webm.resize(400, 0);
        assert_eq!(video_kind(&webm), Some(("webm", "video/webm")));
        assert_eq!(video_kind(b"<html><script>alert(1)</script>"), None);
        assert_eq!(video_kind(b"%PDF-1.7"), None);
        assert_eq!(poster_kind(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").map(|k| k.0), Some("png"));
        assert_eq!(poster_kind(b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>"), None);
    }

    #[test]
    fn placeholders_escape_the_title() {
        let svg = placeholder_svg("<script>alert('x')</script>党课视频");
        assert!(!svg.contains("<script"), "{svg}");
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.starts_with("<svg"));
    }

    #[test]
    fn durations_read_like_a_player() {
        assert_eq!(format_duration(None), "");
        assert_eq!(format_duration(Some(6_000)), "0:06");
        assert_eq!(format_duration(Some(61_499)), "1:01");
        assert_eq!(format_duration(Some(3_725_000)), "1:02:05");
    }
}
