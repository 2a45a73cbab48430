//! Browser test of search and video on demand: the real binary with demo content (the
//! demo makes its videos with ffmpeg, which CI installs), driven through Debian's
//! Chromium. A reader searches in Chinese from the header box, opens a hit, then opens
//! 视频点播, plays a video and seeks to its middle.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_media`.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};

use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, first_integer, js_f64, screenshot,
    screenshot_dir, set_viewport, wait_js, wait_path_change,
};

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 844);
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_in_chinese_then_play_and_seek_a_video() {
    let root = tempfile::Builder::new().prefix("dangjian-media-").tempdir().expect("temp dir");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let browser = Browser::start(root.path()).await;
    let base = server.base.clone();
    drive(browser, "media", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base).await }).await;
}

async fn scenario(c: &Client, base: &str) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    // 1. Search from the header box, in Chinese.
    eprintln!("step 1 search 党建 from the header");
    c.goto(&format!("{base}/")).await?;
    let input = find(c, "#site-search-q").await?;
    // U+E007 is WebDriver's Enter key: the form is submitted as a reader would.
    input.send_keys("党建\u{E007}").await?;
    let path = wait_path_change(c, "/").await?;
    ensure!(path == "/search", "the search box led to {path}");
    let count = find(c, ".search-count strong").await?.text().await?;
    let total = first_integer(&count).ok_or_else(|| format!("hit count {count:?}"))?;
    ensure!(total > 0, "no hits for 党建");
    let marks = c.find_all(Locator::Css(".search-hits mark")).await?;
    ensure!(!marks.is_empty(), "no highlighted words in the hits");
    for m in marks.iter().take(5) {
        let t = m.text().await?;
        ensure!(t.contains("党建"), "a highlight reads {t:?}, not 党建");
    }
    screenshot(c, &shots, "search-desktop.png").await?;

    // 2. Open the first hit: the article holds the word.
    eprintln!("step 2 open the first hit");
    let first = find(c, ".search-hits li h2 a").await?;
    first.click().await?;
    let path = wait_path_change(c, "/search").await?;
    ensure!(path.starts_with("/article/"), "the first hit led to {path}");
    let text = find(c, "article.article").await?.text().await?;
    ensure!(text.contains("党建"), "the opened article does not mention 党建");

    // 3. 视频点播: posters with lengths; the first video plays and seeks.
    eprintln!("step 3 the video list");
    c.goto(&format!("{base}/channel/shipin")).await?;
    let cards = c.find_all(Locator::Css(".video-grid li")).await?;
    ensure!(cards.len() == 3, "视频点播 lists {} videos; the demo makes three when ffmpeg is installed", cards.len());
    ensure!(
        wait_js(c, "[...document.querySelectorAll('.video-grid img')].every(i => i.complete && i.naturalWidth > 0)")
            .await?,
        "a poster did not load"
    );
    let badge = find(c, ".video-grid .duration").await?.text().await?;
    ensure!(badge.contains(':'), "the length badge reads {badge:?}");
    screenshot(c, &shots, "videos-desktop.png").await?;

    eprintln!("step 4 play and seek");
    find(c, ".video-grid li a").await?.click().await?;
    let path = wait_path_change(c, "/channel/shipin").await?;
    ensure!(path.starts_with("/video/"), "the first video led to {path}");
    let started = c
        .execute(
            "const v = document.querySelector('#player');
             v.muted = true;
             return v.play().then(() => 'playing', e => 'refused: ' + e);",
            vec![],
        )
        .await?;
    ensure!(started.as_str() == Some("playing"), "play() was {started}");
    ensure!(wait_js(c, "document.querySelector('#player').currentTime > 0.3").await?, "the video does not advance");
    let duration = js_f64(c, "document.querySelector('#player').duration").await?;
    ensure!(duration.is_finite() && duration > 4.0, "duration {duration}");
    let middle = duration / 2.0;
    c.execute(
        "const v = document.querySelector('#player');
         window.seekedTo = null;
         v.addEventListener('seeked', () => { window.seekedTo = v.currentTime; }, { once: true });
         v.currentTime = arguments[0];",
        vec![serde_json::json!(middle)],
    )
    .await?;
    ensure!(wait_js(c, "window.seekedTo !== null").await?, "no seeked event after setting currentTime");
    let landed = js_f64(c, "window.seekedTo").await?;
    ensure!((landed - middle).abs() < 1.0, "seeked to {landed}, wanted about {middle}");
    ensure!(
        wait_js(c, &format!("document.querySelector('#player').currentTime > {}", landed + 0.3)).await?,
        "the video does not play on after the seek"
    );
    ensure!(
        wait_js(c, "!document.querySelector('#player').error").await?,
        "the player reports an error after the seek"
    );
    let views = find(c, "#view-count").await?.text().await?;
    ensure!(views.trim() == "1", "the first view shows {views:?}");
    c.execute("document.querySelector('#player').pause();", vec![]).await?;
    screenshot(c, &shots, "video-desktop.png").await?;

    // 5. Phone width: the grid and the player fit.
    eprintln!("step 5 phone width");
    set_viewport(c, PHONE.0, PHONE.1).await?;
    c.refresh().await?;
    find(c, "#player").await?;
    assert_no_horizontal_overflow(c, "video page at 390x844").await?;
    screenshot(c, &shots, "video-phone.png").await?;
    c.goto(&format!("{base}/channel/shipin")).await?;
    find(c, ".video-grid").await?;
    assert_no_horizontal_overflow(c, "video list at 390x844").await?;
    screenshot(c, &shots, "videos-phone.png").await?;
    Ok(())
}
