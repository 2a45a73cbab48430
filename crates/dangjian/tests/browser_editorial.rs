//! Browser test of the editorial backend: accounts created through the forms, an editor
//! writes an article with an uploaded image, three reviewers approve it in turn, and it
//! appears on the portal. The real binary with demo content, driven through Debian's
//! Chromium and chromedriver.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_editorial -- --nocapture`.
//! With the feature on, a missing browser fails the test instead of skipping it.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with browser.rs; not every helper is used here
mod support;

use support::backend::{
    NAV_TIMEOUT, NEW_PASSWORD, click_and_load, expect_path, fill, first_sign_in, page_messages, sign_in,
};
use support::{DESKTOP, PHONE, one_time_password};

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};

use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, screenshot, screenshot_dir, set_viewport,
    wait_js,
};

/// Upper bound for the whole scenario; every WebDriver call has its own shorter timeout,
/// this only turns an unforeseen hang into a failure that still cleans up.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(420);

/// The channel the scenario works in, and its portal slug.
const CHANNEL: &str = "公告通知";
const CHANNEL_SLUG: &str = "gonggao";

const TITLE: &str = "关于开展浏览器测试的通知";

/// The uploaded picture: a red banner with a gold band, made in code.
const IMAGE_SIZE: (u32, u32) = (240, 135);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_writes_three_reviewers_approve_it_appears_on_the_portal() {
    let root = tempfile::Builder::new().prefix("dangjian-editorial-").tempdir().expect("temp dir");
    let image = root.path().join("browser-test.png");
    std::fs::write(&image, banner_png(IMAGE_SIZE.0, IMAGE_SIZE.1)).expect("write the test image");

    // Both guards stop their processes on drop, so a panic during setup leaks nothing.
    eprintln!("step 1 start dangjian serve --demo and read the one-time password");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let admin_password = one_time_password(&server, "账号 admin");
    let browser = Browser::start(root.path()).await;

    let base = server.base.clone();
    drive(browser, "editorial", SCENARIO_TIMEOUT, move |c| async move {
        scenario(&c, &base, &admin_password, &image).await
    })
    .await;
}

async fn scenario(c: &Client, base: &str, admin_password: &str, image: &Path) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    // 1-2. The first administrator signs in with the printed password and must change it.
    step("2 admin signs in with the one-time password and changes it");
    first_sign_in(c, base, "admin", admin_password).await?;

    // 3. Accounts through the form; each initial password is shown once in the flash.
    step("3 admin creates sys1, editor1, rev1, rev2, rev3");
    let sys1 =
        create_account(c, base, &NewAccount { username: "sys1", roles: &["sysadmin"], ..NewAccount::DEFAULT }).await?;
    let editor1 = create_account(
        c,
        base,
        &NewAccount {
            username: "editor1",
            display_name: "测试编辑",
            roles: &["editor"],
            channels: &[CHANNEL],
            source_unit: "市直机关工委办公室",
            ..NewAccount::DEFAULT
        },
    )
    .await?;
    let mut reviewers = Vec::new();
    for level in 1..=3u8 {
        let username = ["rev1", "rev2", "rev3"][usize::from(level - 1)];
        let display_name = ["一审员", "二审员", "三审员"][usize::from(level - 1)];
        let account = NewAccount {
            username,
            display_name,
            roles: &["reviewer"],
            channels: &[CHANNEL],
            review_level: level,
            ..NewAccount::DEFAULT
        };
        reviewers.push((username, create_account(c, base, &account).await?));
    }
    sign_out(c).await?;

    // 4. The system administrator sets three review levels on the channel.
    step("4 sys1 sets 公告通知 to three review levels");
    first_sign_in(c, base, "sys1", &sys1).await?;
    set_review_levels(c, base, CHANNEL, 3).await?;
    sign_out(c).await?;

    // 5. The editor writes the article, uploads an image and submits it.
    step("5 editor1 writes, uploads an image and submits");
    first_sign_in(c, base, "editor1", &editor1).await?;
    write_and_submit(c, base, image, &shots).await?;
    sign_out(c).await?;

    // 6. Three levels of review, in order. Level 2 sees nothing before level 1 approves.
    step("6a rev2's queue is empty before rev1 approves");
    first_sign_in(c, base, "rev2", &reviewers[1].1).await?;
    let queue = open_queue(c, base).await?;
    ensure!(queue.contains("暂无待审稿件"), "rev2's queue before 一审 does not say 暂无待审稿件: {queue:?}");
    ensure!(!queue.contains(TITLE), "rev2 sees {TITLE} before rev1 approved it: {queue:?}");
    sign_out(c).await?;

    step("6b rev1 approves (一审)");
    first_sign_in(c, base, "rev1", &reviewers[0].1).await?;
    let queue = open_queue(c, base).await?;
    ensure!(queue.contains(TITLE), "rev1's queue lacks {TITLE}: {queue:?}");
    screenshot(c, &shots, "admin-review-queue.png").await?;
    approve(c, "rev1").await?;
    sign_out(c).await?;

    step("6c rev2 approves (二审)");
    sign_in(c, base, "rev2", NEW_PASSWORD).await?;
    expect_path(c, "/admin", "rev2's second sign-in").await?;
    let queue = open_queue(c, base).await?;
    ensure!(queue.contains(TITLE), "rev2's queue lacks {TITLE} after rev1 approved: {queue:?}");
    approve(c, "rev2").await?;
    sign_out(c).await?;

    // Not on the portal yet: one level of review is still missing.
    c.goto(&format!("{base}/channel/{CHANNEL_SLUG}")).await?;
    let list = find(c, "ul.list").await?.text().await?;
    ensure!(!list.contains(TITLE), "{TITLE} is on the portal before 三审: {list:?}");

    step("6d rev3 approves (三审)");
    first_sign_in(c, base, "rev3", &reviewers[2].1).await?;
    let queue = open_queue(c, base).await?;
    ensure!(queue.contains(TITLE), "rev3's queue lacks {TITLE} after rev2 approved: {queue:?}");
    approve(c, "rev3").await?;
    sign_out(c).await?;

    // 7. The portal, without signing in: first in the channel (pinned and newest), image loaded.
    step("7 the article on the portal");
    c.delete_all_cookies().await?;
    c.goto(&format!("{base}/channel/{CHANNEL_SLUG}")).await?;
    let first = find(c, "ul.list li a").await?;
    let first_text = first.text().await?;
    ensure!(first_text.contains(TITLE), "the first item of /channel/{CHANNEL_SLUG} is {first_text:?}, wanted {TITLE}");
    click_and_load(c, &first, "the first item of the channel list").await?;
    let path = c.current_url().await?.path().to_string();
    ensure!(path.starts_with("/article/"), "the first list item led to {path}, wanted /article/<id>");
    let heading = find(c, "h1").await?.text().await?;
    ensure!(heading.contains(TITLE), "the article page's heading is {heading:?}, wanted {TITLE}");
    let img = find(c, "#article-body img").await?;
    let src = img.attr("src").await?.unwrap_or_default();
    ensure!(src.starts_with("/media/"), "the article image's src is {src:?}, wanted /media/…");
    let loaded = "(() => { const i = document.querySelector('#article-body img'); \
                  return i && i.complete && i.naturalWidth > 0; })()";
    ensure!(wait_js(c, loaded).await?, "the article image {src} did not load (naturalWidth is 0)");
    let natural = c.execute("return document.querySelector('#article-body img').naturalWidth;", vec![]).await?;
    ensure!(
        natural.as_u64() == Some(u64::from(IMAGE_SIZE.0)),
        "the article image is {natural} pixels wide, the upload was {}",
        IMAGE_SIZE.0
    );
    screenshot(c, &shots, "article-with-image.png").await?;

    // 8. The sign-in page at phone width.
    step("8 sign-in page at 390x844");
    set_viewport(c, PHONE.0, PHONE.1).await?;
    c.goto(&format!("{base}/admin/login")).await?;
    find(c, r#"form[action="/admin/login"] input[name="username"]"#).await?;
    assert_no_horizontal_overflow(c, "/admin/login at 390x844").await?;
    screenshot(c, &shots, "admin-login.png").await?;

    Ok(())
}

/// Progress for the log, so a failure shows where it happened.
fn step(name: &str) {
    eprintln!("step {name}");
}

/// The 退出登录 button in the header; ends on the sign-in page.
async fn sign_out(c: &Client) -> Result<()> {
    let button = find(c, r#"form[action="/admin/logout"] button"#).await?;
    let label = button.text().await?;
    ensure!(label.contains("退出登录"), "the sign-out button reads {label:?}");
    click_and_load(c, &button, "signing out").await?;
    expect_path(c, "/admin/login", "signing out").await
}

struct NewAccount<'a> {
    username: &'a str,
    display_name: &'a str,
    roles: &'a [&'a str],
    /// Channel names, as the checkbox labels show them.
    channels: &'a [&'a str],
    review_level: u8,
    source_unit: &'a str,
}

impl NewAccount<'_> {
    const DEFAULT: NewAccount<'static> =
        NewAccount { username: "", display_name: "", roles: &[], channels: &[], review_level: 0, source_unit: "" };
}

/// Creates an account through the form at `/admin/users`; returns its initial password.
async fn create_account(c: &Client, base: &str, a: &NewAccount<'_>) -> Result<String> {
    const FORM: &str = r#"form[action="/admin/users"]"#;
    c.goto(&format!("{base}/admin/users")).await?;
    fill(c, &format!(r#"{FORM} input[name="username"]"#), a.username).await?;
    fill(c, &format!(r#"{FORM} input[name="display_name"]"#), a.display_name).await?;
    for role in a.roles {
        find(c, &format!(r#"{FORM} input[name="roles"][value="{role}"]"#)).await?.click().await?;
    }
    for channel in a.channels {
        let xpath =
            format!(r#"//form[@action="/admin/users"]//label[normalize-space(.)="{channel}"]/input[@name="channels"]"#);
        let boxes = c.find_all(Locator::XPath(&xpath)).await?;
        ensure!(boxes.len() == 1, "{} channel checkboxes are labelled {channel} on /admin/users", boxes.len());
        boxes[0].click().await?;
    }
    find(c, &format!(r#"{FORM} select[name="review_level"]"#))
        .await?
        .select_by_value(&a.review_level.to_string())
        .await?;
    fill(c, &format!(r#"{FORM} input[name="source_unit"]"#), a.source_unit).await?;
    let button = find(c, &format!(r#"{FORM} button[type="submit"]"#)).await?;
    click_and_load(c, &button, &format!("creating {}", a.username)).await?;

    let flash = match c.find(Locator::Css(".flash")).await {
        Ok(el) => el.text().await?,
        Err(_) => {
            return Err(
                format!("creating {} showed no .flash; the page says: {}", a.username, page_messages(c).await).into()
            );
        }
    };
    let password = flash
        .split_once("初始密码：")
        .and_then(|(_, rest)| rest.split_once('（'))
        .map(|(pw, _)| pw.trim().to_string())
        .filter(|pw| !pw.is_empty())
        .ok_or_else(|| format!("creating {}: no 初始密码：…（ in the flash {flash:?}", a.username))?;
    let table = find(c, "table.grid").await?.text().await?;
    ensure!(table.contains(a.username), "the account list lacks {} after creating it: {table:?}", a.username);
    eprintln!("  created {} ({})", a.username, a.roles.join(","));
    Ok(password)
}

/// Sets the review levels of the channel named `channel` at `/admin/channels`.
async fn set_review_levels(c: &Client, base: &str, channel: &str, levels: u8) -> Result<()> {
    c.goto(&format!("{base}/admin/channels")).await?;
    find(c, r#"form[action="/admin/channels"]"#).await?;
    let row_select = format!(r#"//tr[td[normalize-space(.)="{channel}"]]//select[starts-with(@name, "levels_")]"#);
    let select = c
        .find(Locator::XPath(&row_select))
        .await
        .map_err(|e| format!("no levels_<id> select in the row of {channel} on /admin/channels: {e}"))?;
    let name = select.attr("name").await?.unwrap_or_default();
    select.select_by_value(&levels.to_string()).await?;
    let button = find(c, r#"form[action="/admin/channels"] button[type="submit"]"#).await?;
    click_and_load(c, &button, "saving the channel review levels").await?;
    expect_path(c, "/admin/channels", "saving the channel review levels").await?;
    let saved = find(c, &format!(r#"select[name="{name}"]"#)).await?.prop("value").await?.unwrap_or_default();
    ensure!(
        saved == levels.to_string(),
        "{channel} ({name}) reads {saved:?} after saving {levels}; the page says: {}",
        page_messages(c).await
    );
    eprintln!("  {channel} ({name}) now has {levels} review levels");
    Ok(())
}

/// Writes the article in the editor, uploads the image, and submits it for review.
async fn write_and_submit(c: &Client, base: &str, image: &Path, shots: &Path) -> Result<()> {
    c.goto(&format!("{base}/admin/articles/new")).await?;
    find(c, r#"select[name="channel_id"]"#).await?.select_by_label(CHANNEL).await?;
    fill(c, r#"input[name="title"]"#, TITLE).await?;
    let body = "## 一、测试目的\n\n为检验内容管理系统的三审流程，现开展浏览器自动化测试。\n\n\
                ## 二、有关要求\n\n1. 编辑撰写稿件并上传图片；\n2. 一审、二审、三审依次审核通过；\n\
                3. 审核通过后稿件在门户网站发布。\n\n**请各党支部认真落实。**\n";
    fill(c, "#body-md", body).await?;
    // Channel lists put 置顶 (pinned) articles first, and the demo pins some: only a
    // pinned article can be promised the top of the list.
    find(c, r#"input[name="is_top"]"#).await?.click().await?;

    // The upload script posts the file and inserts the Markdown it gets back.
    find(c, "#upload-file").await?.send_keys(&image.display().to_string()).await?;
    let uploaded =
        wait_js_for(c, "document.querySelector('#upload-status').textContent.includes('已上传')", NAV_TIMEOUT).await?;
    ensure!(uploaded, "#upload-status reads {:?} instead of 已上传", find(c, "#upload-status").await?.text().await?);
    let body_md = find(c, "#body-md").await?.prop("value").await?.unwrap_or_default();
    ensure!(body_md.contains("!["), "the textarea has no image Markdown after the upload: {body_md:?}");
    let previewed = "(() => { const i = document.querySelector('#preview img'); \
                     return i && i.complete && i.naturalWidth > 0; })()";
    ensure!(
        wait_js_for(c, previewed, NAV_TIMEOUT).await?,
        "the live preview shows no loaded <img>: {:?}",
        find(c, "#preview").await?.html(true).await?
    );
    // Typing and the file input scrolled the page; the sticky preview would follow.
    c.execute("window.scrollTo(0, 0);", vec![]).await?;
    screenshot(c, shots, "admin-editor.png").await?;

    let button = find(c, r#"button[name="do"][value="submit"]"#).await?;
    click_and_load(c, &button, "submitting the article").await?;
    expect_path(c, "/admin/articles", "submitting the article").await?;
    let list = find(c, "main").await?.text().await?;
    ensure!(list.contains(TITLE), "/admin/articles lacks {TITLE} after submitting it");
    eprintln!("  submitted {TITLE}");
    Ok(())
}

/// [`wait_js`] with a longer limit, for work that involves the server.
async fn wait_js_for(c: &Client, check: &str, limit: Duration) -> Result<bool> {
    let deadline = Instant::now() + limit;
    loop {
        if wait_js(c, check).await? {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Ok(false);
        }
    }
}

/// Opens `/admin/review`; returns the text of the page's main part.
async fn open_queue(c: &Client, base: &str) -> Result<String> {
    c.goto(&format!("{base}/admin/review")).await?;
    expect_path(c, "/admin/review", "opening the review queue").await?;
    Ok(find(c, "main").await?.text().await?)
}

/// Opens [`TITLE`] from the review queue and approves it; back on the queue, it is gone.
async fn approve(c: &Client, reviewer: &str) -> Result<()> {
    let link = format!(r#"//tr[td[normalize-space(.)="{TITLE}"]]//a[contains(@href, "/admin/revisions/")]"#);
    let link = c.find(Locator::XPath(&link)).await.map_err(|e| format!("{reviewer}: no 审核 link for {TITLE}: {e}"))?;
    click_and_load(c, &link, &format!("{reviewer} opening {TITLE}")).await?;
    let heading = find(c, "h1").await?.text().await?;
    ensure!(heading.contains(TITLE), "{reviewer} opened {heading:?}, wanted {TITLE}");
    // The review page shows the Markdown source (with 错敏词 marked), not rendered HTML.
    let source = find(c, ".review-body").await?.text().await?;
    ensure!(source.contains("](/media/"), "{reviewer} sees no uploaded image in the revision: {source:?}");
    let button = find(c, r#"button[name="do"][value="approve"]"#).await?;
    click_and_load(c, &button, &format!("{reviewer} approving")).await?;
    expect_path(c, "/admin/review", &format!("{reviewer} approving")).await?;
    let queue = find(c, "main").await?.text().await?;
    ensure!(!queue.contains(TITLE), "{TITLE} is still in {reviewer}'s queue after approving it");
    eprintln!("  {reviewer} approved");
    Ok(())
}

/// A `width`×`height` RGB PNG: party red with a gold band across the middle.
fn banner_png(width: u32, height: u32) -> Vec<u8> {
    let mut raw = Vec::with_capacity((height * (1 + 3 * width)) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for _ in 0..width {
            let gold = y >= height * 2 / 5 && y < height * 3 / 5;
            raw.extend_from_slice(if gold { &[0xf5, 0xc5, 0x18] } else { &[0xc8, 0x10, 0x2e] });
        }
    }
    // zlib stream of stored (uncompressed) deflate blocks: no compressor needed.
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(0xffff).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(block.len()).expect("block fits in u16");
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    zlib.extend_from_slice(&adler32(&raw).to_be_bytes());

    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [(b"IHDR", &ihdr[..]), (b"IDAT", &zlib[..]), (b"IEND", &[][..])] {
        png.extend_from_slice(&u32::try_from(data.len()).expect("chunk size").to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    png
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[test]
fn checksums_match_known_values() {
    assert_eq!(crc32(b"IEND"), 0xae42_6082);
    assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
}
