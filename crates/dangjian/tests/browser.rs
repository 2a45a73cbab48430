//! Browser test of the public portal: the real binary with demo content, driven through
//! Debian's Chromium and chromedriver.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser -- --nocapture`.
//! With the feature on, a missing browser fails the test instead of skipping it.
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
use support::{DESKTOP, PHONE};

/// The channel bar of the portal, in order: (label, path).
const CHANNELS: [(&str, &str); 10] = [
    ("首页", "/"),
    ("公告通知", "/channel/gonggao"),
    ("时政要闻", "/channel/shizheng"),
    ("党建动态", "/channel/dongtai"),
    ("党务公开", "/channel/dangwu"),
    ("工委工作", "/channel/gongwei"),
    ("文明创建", "/channel/wenming"),
    ("视频点播", "/channel/shipin"),
    ("他山之石", "/channel/tashan"),
    ("资料中心", "/channel/ziliao"),
];

/// Upper bound for the whole scenario; every WebDriver call has its own shorter timeout,
/// this only turns an unforeseen hang into a failure that still cleans up.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(300);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_home_channel_article_font_and_count() {
    let root = tempfile::Builder::new().prefix("dangjian-browser-").tempdir().expect("temp dir");
    // Both guards stop their processes on drop, so a panic during setup leaks nothing.
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let browser = Browser::start(root.path()).await;

    let base = server.base.clone();
    drive(browser, "portal", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base).await }).await;
}

async fn scenario(c: &Client, base: &str) -> Result<()> {
    let shots = screenshot_dir();

    // 1. Home page at desktop size: header, channel bar, footer.
    step("1 home page at 1280x900");
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    c.goto(&format!("{base}/")).await?;
    let title = c.title().await?;
    ensure!(title.contains("机关党建网"), "home title {title:?} lacks 机关党建网");

    let header = find(c, "header").await?.text().await?;
    for word in ["设为首页", "加入收藏"] {
        ensure!(header.contains(word), "header lacks {word}: {header:?}");
    }

    find(c, "nav.channels").await?;
    let mut bar = Vec::new();
    for link in c.find_all(Locator::Css("nav.channels a")).await? {
        let text = link.text().await?.trim().to_string();
        let href = link.attr("href").await?.unwrap_or_default();
        if CHANNELS.iter().any(|(label, _)| *label == text) {
            bar.push((text, href));
        }
    }
    let labels: Vec<&str> = bar.iter().map(|(t, _)| t.as_str()).collect();
    let wanted: Vec<&str> = CHANNELS.iter().map(|(t, _)| *t).collect();
    ensure!(labels == wanted, "channel bar links are {labels:?}, wanted {wanted:?}");
    for ((label, href), (_, path)) in bar.iter().zip(CHANNELS) {
        let href_path = href.strip_prefix(base).unwrap_or(href);
        ensure!(href_path == path, "channel bar link {label} points to {href:?}, wanted {path}");
    }

    let footer = find(c, "footer").await?.text().await?;
    for word in ["版权所有", "主办单位", "电话", "传真", "技术支持"] {
        ensure!(footer.contains(word), "footer lacks {word}: {footer:?}");
    }
    find(c, r#"footer a[href^="https://beian.miit.gov.cn"]"#).await?;
    screenshot(c, &shots, "home-desktop.png").await?;

    // 2. 更多>> of the 公告通知 block opens the channel list.
    step("2 公告通知 更多>> to the channel list");
    let more = find(c, r#"section.block[data-channel="gonggao"] a.more"#).await?;
    let more_text = more.text().await?;
    ensure!(more_text.contains("更多"), "the more link reads {more_text:?}");
    more.click().await?;
    let path = wait_path_change(c, "/").await?;
    ensure!(path == "/channel/gonggao", "更多>> led to {path}, wanted /channel/gonggao");
    find(c, "ul.list li a").await?;
    let items = c.find_all(Locator::Css("ul.list li a")).await?;
    let total_text = find(c, ".total").await?.text().await?;
    let total = first_integer(&total_text).ok_or_else(|| format!(".total has no number: {total_text:?}"))?;
    ensure!(total > 0, "the 公告通知 channel is empty (.total reads {total_text:?})");
    let expected = total.min(20) as usize;
    ensure!(
        items.len() == expected,
        "channel page lists {} items, wanted {expected} (.total says {total_text:?})",
        items.len()
    );
    screenshot(c, &shots, "channel-desktop.png").await?;

    // 3. The first item opens an article with all its furniture.
    step("3 first article of the list");
    items[0].click().await?;
    let path = wait_path_change(c, "/channel/gonggao").await?;
    let id = path.strip_prefix("/article/").unwrap_or("");
    ensure!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "the first list item led to {path}, wanted /article/<digits>"
    );
    let first_count = view_count(c).await?;
    eprintln!("  {path}: #view-count {first_count}");

    let meta = find(c, ".article-meta").await?.text().await?;
    for word in ["发布者", "发布时间", "阅读"] {
        ensure!(meta.contains(word), ".article-meta lacks {word}: {meta:?}");
    }
    find(c, "#article-body").await?;
    let source = find(c, ".source-unit").await?.text().await?;
    ensure!(source.contains("供稿单位"), ".source-unit reads {source:?}");
    let editors = find(c, ".editors").await?.text().await?;
    ensure!(editors.contains("责编"), ".editors reads {editors:?}");
    let prev_next = find(c, ".prev-next").await?.text().await?;
    for word in ["上一篇", "下一篇"] {
        ensure!(prev_next.contains(word), ".prev-next lacks {word}: {prev_next:?}");
    }

    // 4. 字体 大中小: the switch is instant and remembered; a reload counts a view.
    step("4 font switch and view count");
    for size in ["l", "m", "s"] {
        find(c, &format!(r#"a[data-font="{size}"]"#)).await?;
    }
    let body_px = "parseFloat(getComputedStyle(document.querySelector('#article-body')).fontSize)";
    let before = js_f64(c, body_px).await?;
    find(c, r#"a[data-font="l"]"#).await?.click().await?;
    ensure!(
        wait_js(c, "document.querySelector('#article-body').classList.contains('fs-l')").await?,
        "#article-body has no class fs-l after clicking 大 (class={:?})",
        find(c, "#article-body").await?.attr("class").await?
    );
    let after = js_f64(c, body_px).await?;
    ensure!(after > before, "大 did not enlarge the body text: {before}px before, {after}px after");

    c.refresh().await?;
    ensure!(
        wait_js(c, "document.querySelector('#article-body').classList.contains('fs-l')").await?,
        "the font choice is forgotten after a reload (class={:?})",
        find(c, "#article-body").await?.attr("class").await?
    );
    let second_count = view_count(c).await?;
    eprintln!("  after a reload: #view-count {second_count}");
    ensure!(
        second_count > first_count,
        "#view-count went from {first_count} to {second_count} across a reload; wanted it to grow"
    );
    screenshot(c, &shots, "article-desktop.png").await?;

    // 5. Phone width: nothing scrolls sideways.
    step("5 article and home at 390x844");
    set_viewport(c, PHONE.0, PHONE.1).await?;
    c.refresh().await?;
    find(c, "#article-body").await?;
    let third_count = view_count(c).await?;
    eprintln!("  reloaded at phone width: #view-count {third_count}");
    ensure!(third_count > second_count, "#view-count went from {second_count} to {third_count} across another reload");
    assert_no_horizontal_overflow(c, "article at 390x844").await?;
    screenshot(c, &shots, "article-phone.png").await?;

    c.goto(&format!("{base}/")).await?;
    find(c, "nav.channels").await?;
    assert_no_horizontal_overflow(c, "home at 390x844").await?;
    screenshot(c, &shots, "home-phone.png").await?;

    // 6. 长者模式: at least 18pt (24px) text, still no sideways scrolling.
    step("6 elder mode");
    find(c, "a#elder-toggle").await?.click().await?;
    ensure!(
        wait_js(c, "document.documentElement.classList.contains('elder')").await?,
        "<html> has no class elder after clicking a#elder-toggle"
    );
    let elder_px = js_f64(
        c,
        "Math.max(...['#article-body', 'main']
            .map(s => document.querySelector(s))
            .filter(e => e)
            .map(e => parseFloat(getComputedStyle(e).fontSize)), 0)",
    )
    .await?;
    ensure!(elder_px >= 24.0, "elder mode text is {elder_px}px, wanted at least 24px (18pt)");
    // Every visible piece of text, not only the body: dates, breadcrumbs, footer.
    let smallest = c
        .execute(
            "const out = [];
             for (const e of document.body.querySelectorAll('*')) {
               const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
               if (!own || !e.getClientRects().length) continue;
               const px = parseFloat(getComputedStyle(e).fontSize);
               if (px < 24) out.push(e.tagName + '.' + e.className + ' ' + px + 'px');
             }
             return out.slice(0, 10);",
            vec![],
        )
        .await?;
    ensure!(smallest.as_array().is_some_and(|a| a.is_empty()), "elder mode text under 24px: {smallest}");
    assert_no_horizontal_overflow(c, "home in elder mode at 390x844").await?;
    screenshot(c, &shots, "home-elder-phone.png").await?;

    Ok(())
}

/// Progress for the log, so a failure shows where it happened.
fn step(name: &str) {
    eprintln!("step {name}");
}

/// The number in `#view-count`.
async fn view_count(c: &Client) -> Result<u64> {
    let text = find(c, "#view-count").await?.text().await?;
    let trimmed = text.trim();
    ensure!(
        !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit()),
        "#view-count is {text:?}, not an integer"
    );
    Ok(trimmed.parse()?)
}
