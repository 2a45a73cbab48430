//! Browser test of 党建考核: the 工委's officer creates a scheme for one branch from the
//! defaults, opens it and makes one-time links, printed as an A4 sheet of QR cards; a
//! 服务对象 opens a link on a 390×844 phone screen, fills the ballot and submits it (the
//! link then refuses a second ballot); the officer closes the scheme and reads the results
//! with their computation, and the demo's finished scheme. The real binary with demo
//! content, driven through Debian's Chromium and chromedriver.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_kaohe -- --nocapture`.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with the other browser tests; not every helper is used here
mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use support::backend::{NEW_PASSWORD, click_and_load, fill, first_sign_in, page_messages, sign_in};
use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, emulate_media, find, screenshot, screenshot_dir,
    set_viewport,
};
use support::{DESKTOP, PHONE, one_time_password};

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(480);

/// A demo branch; the scheme of the test rates it alone.
const BRANCH: &str = "市生态环境局澜溪监测站党支部";
const SCHEME: &str = "浏览器测试：澜溪监测站党支部考核";

fn step(s: &str) {
    eprintln!("[browser_kaohe] {s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rater_fills_a_ballot_on_a_phone_and_the_committee_reads_the_results() {
    let root = tempfile::Builder::new().prefix("dangjian-kaohe-").tempdir().expect("temp dir");
    step("0 start dangjian serve --demo");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let password = one_time_password(&server, "gongwei，一次性密码：");
    let browser = Browser::start(root.path()).await;
    let base = server.base.clone();
    drive(browser, "kaohe", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base, &password).await }).await;
}

async fn submit(c: &Client, form: &str, what: &str) -> Result<String> {
    let button = find(c, &format!(r#"{form} button[type="submit"]"#)).await?;
    click_and_load(c, &button, what).await
}

async fn scenario(c: &Client, base: &str, password: &str) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    step("1 gongwei signs in and sees the demo's published scheme");
    first_sign_in(c, base, "gongwei", password).await?;
    c.goto(&format!("{base}/platform/kaohe")).await?;
    let list = find(c, "main").await?.text().await?;
    ensure!(list.contains("已公布"), "the list shows no published scheme: {list}");

    step("2 create a scheme for one branch from the defaults and open it");
    fill(c, r#"form[action="/platform/kaohe"] input[name="name"]"#, SCHEME).await?;
    let chosen = c
        .execute(
            "const s = document.querySelector('select[name=org_id]');
             const o = [...s.options].find(o => o.text === arguments[0]);
             if (!o) return null; s.value = o.value; return o.value;",
            vec![json!(BRANCH)],
        )
        .await?;
    ensure!(!chosen.is_null(), "{BRANCH} is not offered as the scheme's organisation");
    let path = submit(c, r#"form[action="/platform/kaohe"]"#, "creating the scheme").await?;
    ensure!(path.starts_with("/platform/kaohe/"), "creating went to {path}: {}", page_messages(c).await);
    let scheme = path.clone();
    screenshot(c, &shots, "kaohe-scheme-draft.png").await?;
    submit(c, &format!(r#"form[action="{scheme}/open"]"#), "opening").await?;
    let state = find(c, "main > p").await?.text().await?;
    ensure!(state.contains("测评中"), "the scheme did not open: {state} / {}", page_messages(c).await);

    step("3 make eight 群众评价 links: one printed A4 sheet of QR cards");
    fill(c, &format!(r#"form[action="{scheme}/tokens"] input[name="count"]"#), "8").await?;
    submit(c, &format!(r#"form[action="{scheme}/tokens"]"#), "making links").await?;
    let link = find(c, "ol.token-list code").await?.text().await?;
    ensure!(link.starts_with(&format!("{base}/vote/")), "no absolute link on the page: {link}");
    let cards = c.find_all(Locator::Css("ol.token-list li.token-card svg.qr")).await?;
    ensure!(cards.len() == 8, "{} QR codes for 8 links", cards.len());
    screenshot(c, &shots, "kaohe-links.png").await?;
    // The sheet as printed: A4 is 210 mm, 794 CSS pixels, wide; the print style sheet lays
    // the cards out two by four with dashed cut lines and hides the page's chrome.
    set_viewport(c, 794, 1123).await?;
    emulate_media(c, "print").await?;
    let hidden = c.execute("return getComputedStyle(document.querySelector('.admin-nav')).display;", vec![]).await?;
    ensure!(hidden == json!("none"), "the navigation prints: {hidden}");
    let sheet = c
        .execute(
            "const r = [...document.querySelectorAll('li.token-card')].map(e => e.getBoundingClientRect());
             return [r.length, new Set(r.map(x => Math.round(x.top))).size, Math.round(r[7].bottom - r[0].top)];",
            vec![],
        )
        .await?;
    // 8 cards in 4 rows, 4 × 69 mm (≈ 1043 px) high: one A4 page inside its 10 mm margins.
    ensure!(sheet[0] == 8 && sheet[1] == 4, "printed layout: {sheet}");
    ensure!(sheet[2].as_i64().is_some_and(|h| h <= 1050), "the cards do not fit one A4 page: {sheet}");
    screenshot(c, &shots, "kaohe-cards-print.png").await?;
    emulate_media(c, "").await?;
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    step("4 a 服务对象 opens the link on a phone, without an account");
    c.delete_all_cookies().await?;
    set_viewport(c, PHONE.0, PHONE.1).await?;
    let vote_path = format!("/vote/{}", link.split("/vote/").nth(1).unwrap_or_default());
    c.goto(&format!("{base}{vote_path}")).await?;
    let legend = find(c, "fieldset.subject legend").await?.text().await?;
    ensure!(legend == BRANCH, "the ballot rates {legend:?}");
    assert_no_horizontal_overflow(c, "the empty ballot at 390 px").await?;
    screenshot(c, &shots, "kaohe-ballot-phone.png").await?;
    // Familiarity 熟悉, then 好/较好 alternating over the indicators, by tapping the labels.
    c.find(Locator::Css(r#"fieldset.familiarity label.grade"#)).await?.click().await?;
    let rows = c.find_all(Locator::Css("fieldset.subject .indicator")).await?;
    ensure!(rows.len() == 4, "{} indicators on the ballot", rows.len());
    for (i, row) in rows.iter().enumerate() {
        let grades = row.find_all(Locator::Css("label.grade")).await?;
        ensure!(grades.len() == 4, "{} grades in row {i}", grades.len());
        grades[i % 2].click().await?;
    }
    let checked = c.execute("return document.querySelectorAll('input[type=radio]:checked').length;", vec![]).await?;
    ensure!(checked.as_i64() == Some(5), "{checked} choices are checked, wanted 5");
    assert_no_horizontal_overflow(c, "the filled ballot at 390 px").await?;
    screenshot(c, &shots, "kaohe-ballot-filled.png").await?;
    submit(c, "form.ballot", "submitting the ballot").await?;
    let done = find(c, "main").await?.text().await?;
    ensure!(done.contains("投票成功"), "the ballot was not accepted: {done}");
    screenshot(c, &shots, "kaohe-ballot-done.png").await?;
    c.goto(&format!("{base}{vote_path}")).await?;
    let again = find(c, "main").await?.text().await?;
    ensure!(again.contains("已经投过票"), "the link took a second ballot: {again}");

    step("5 gongwei closes the scheme and reads the results");
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    sign_in(c, base, "gongwei", NEW_PASSWORD).await?;
    c.goto(&format!("{base}{scheme}")).await?;
    submit(c, &format!(r#"form[action="{scheme}/close"]"#), "closing").await?;
    c.goto(&format!("{base}{scheme}/results")).await?;
    let results = find(c, "main").await?.text().await?;
    // 好 100 on 政治建设 (25 %) and 作风建设 (20 %), 较好 80 on the others (55 %): 89.00;
    // only 服务对象 voted, so the weights were renormalised; no 日常 score, so 年底 counts alone.
    for want in ["89.00", "权重已调整", "服务对象", "计算过程", "无有效票"] {
        ensure!(results.contains(want), "the results lack {want}: {results}");
    }
    screenshot(c, &shots, "kaohe-results-new.png").await?;

    step("6 the demo's finished scheme");
    c.goto(&format!("{base}/platform/kaohe")).await?;
    let demo = c.find(Locator::XPath("//table//a[contains(., '年度党支部党建工作考核（')]")).await?;
    let path = click_and_load(c, &demo, "opening the demo scheme").await?;
    c.goto(&format!("{base}{path}/results")).await?;
    let results = find(c, "main").await?.text().await?;
    for want in ["公布时的结果", "分管领导", "本支部党员", "服务对象", "贡献分", "格次分布"] {
        ensure!(results.contains(want), "the demo results lack {want}");
    }
    assert_no_horizontal_overflow(c, "the demo results at 1280 px").await?;
    screenshot(c, &shots, "kaohe-results-demo.png").await?;

    step("7 日常得分 proposed from the platform's records, confirmed by gongwei");
    c.goto(&format!("{base}{scheme}/daily/records")).await?;
    let page = find(c, "main").await?.text().await?;
    ensure!(page.contains(BRANCH) && page.contains("依据"), "the records page lacks the branch: {page}");
    let proposal =
        c.execute("return document.querySelector('form[action$=\"/daily\"] input[name^=d]').value;", vec![]).await?;
    let proposal = proposal.as_str().unwrap_or_default().to_owned();
    ensure!(proposal.parse::<f64>().is_ok(), "no proposed score: {proposal:?} / {page}");
    screenshot(c, &shots, "kaohe-daily-records.png").await?;
    set_viewport(c, PHONE.0, PHONE.1).await?;
    assert_no_horizontal_overflow(c, "the records page at 390 px").await?;
    screenshot(c, &shots, "kaohe-daily-records-phone.png").await?;
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    submit(c, &format!(r#"form[action="{scheme}/daily"]"#), "saving the proposed 日常得分").await?;
    let saved =
        c.execute("return document.querySelector('form[action$=\"/daily\"] input[name^=d]').value;", vec![]).await?;
    ensure!(saved.as_str() == Some(proposal.as_str()), "saved {saved} instead of {proposal}");
    Ok(())
}
