//! Browser test of 达标定级 beyond the annual round, on the demo site: the 工委's officer
//! opens a 达标 branch's grading page, opens this year's spot check (抽查), fills the sheet
//! and concludes it below the band, so the held grade is removed with its reasons and the
//! rectification items appear; designates a 示范 branch 四强党支部 with a reason; reads the
//! overview's count (其中四强); then the same pages on a 390×844 phone screen without
//! sideways scrolling, where another spot check is opened and saved as a draft. The real
//! binary with demo content, driven through Debian's Chromium.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_grading -- --nocapture`.
//! Screenshots land in `<workspace>/screenshots/` (`grading-*.png`).
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with the other browser tests; not every helper is used here
mod support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use support::backend::{click_and_load, fill, first_sign_in, page_messages};
use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, screenshot, screenshot_dir, set_viewport,
};
use support::{DESKTOP, PHONE, one_time_password};

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(480);
const REASON: &str = "经实地考察，四项条件均达到，支部建设成效突出";

fn step(s: &str) {
    eprintln!("[browser_grading] {s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_committee_spot_checks_a_branch_names_a_four_strong_branch_and_reads_it_on_a_phone() {
    let root = tempfile::Builder::new().prefix("dangjian-grading-").tempdir().expect("temp dir");
    step("0 start dangjian serve --demo");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let password = one_time_password(&server, "gongwei，一次性密码：");
    let browser = Browser::start(root.path()).await;
    let base = server.base.clone();
    drive(browser, "grading", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base, &password).await }).await;
}

/// A branch as the overview lists it.
#[derive(Debug, Clone)]
struct Row {
    name: String,
    path: String,
    held: String,
}

/// The overview's branches with the grade each holds.
async fn overview_rows(c: &Client) -> Result<Vec<Row>> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('table.branches tbody tr')].map(tr => {
                 const a = tr.querySelector('td a');
                 return [a.textContent.trim(), a.getAttribute('href'), tr.querySelector('td.held').textContent.trim()];
             });",
            vec![],
        )
        .await?;
    let rows = v.as_array().ok_or("no rows")?;
    Ok(rows
        .iter()
        .map(|r| {
            let s = |i: usize| r[i].as_str().unwrap_or_default().to_string();
            Row { name: s(0), path: s(1).split('?').next().unwrap_or_default().to_string(), held: s(2) }
        })
        .collect())
}

/// The statistics' 其中四强 added up over the rows of `year`.
async fn four_strong_in(c: &Client, year: i32) -> Result<i64> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('table.stats tbody tr')]
                 .filter(tr => tr.cells[1].textContent.trim() === String(arguments[0]))
                 .reduce((n, tr) => n + Number(tr.cells[5].textContent.trim()), 0);",
            vec![json!(year)],
        )
        .await?;
    v.as_i64().ok_or_else(|| format!("其中四强 is {v}").into())
}

async fn submit(c: &Client, form: &str, what: &str) -> Result<String> {
    let button = find(c, &format!(r#"{form} button[type="submit"]"#)).await?;
    click_and_load(c, &button, what).await
}

async fn main_text(c: &Client) -> Result<String> {
    Ok(find(c, "main").await?.text().await?)
}

async fn scenario(c: &Client, base: &str, password: &str) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    step("1 gongwei signs in and opens the 达标定级 overview");
    first_sign_in(c, base, "gongwei", password).await?;
    c.goto(&format!("{base}/platform/grading")).await?;
    let heading = find(c, "main h1").await?.text().await?;
    let year: i32 = heading.get(..4).and_then(|y| y.parse().ok()).ok_or_else(|| format!("heading {heading}"))?;
    let rows = overview_rows(c).await?;
    ensure!(rows.len() > 4, "the overview lists {} branches", rows.len());
    let before = four_strong_in(c, year - 1).await?;
    ensure!(
        rows.iter().any(|r| r.held == "示范 · 四强"),
        "the demo names no 四强 branch: {:?}",
        rows.iter().map(|r| &r.held).collect::<Vec<_>>()
    );

    step("2 a 达标 branch: its grading page, then this year's spot check");
    let mut target = None;
    for r in rows.iter().filter(|r| r.held == "达标") {
        c.goto(&format!("{base}{}", r.path.replace("/grading", "/spot-check"))).await?;
        if c.find(Locator::Css(r#"form[action$="/spot-check/open"]"#)).await.is_ok() {
            target = Some(r.clone());
            break;
        }
    }
    let target = target.ok_or("no 达标 branch without a spot check this year")?;
    step(&format!("  spot check of {}", target.name));
    c.goto(&format!("{base}{}", target.path)).await?;
    let page = main_text(c).await?;
    ensure!(page.contains("现有等次：达标"), "{} does not hold 达标: {page}", target.name);
    screenshot(c, &shots, "grading-branch-before.png").await?;
    let link = c.find(Locator::XPath(&format!("//main//a[normalize-space()='{year} 年抽查']"))).await?;
    click_and_load(c, &link, "opening the spot-check page").await?;
    submit(c, r#"form[action$="/spot-check/open"]"#, "opening the spot check").await?;
    let stage = find(c, "td.stage").await?.text().await?;
    ensure!(stage == "评分中", "the spot check did not open: {stage} / {}", page_messages(c).await);

    step("3 fill the sheet: deductions taken in full, scored items at half, no bonus");
    let filled = c
        .execute(
            "let n = 0;
             for (const item of document.querySelectorAll('form[action$=\"/spot-check/conclude\"] .item')) {
                 const input = item.querySelector('input[name^=\"v.\"]:not([type=checkbox])');
                 if (!input) continue;
                 const hint = item.querySelector('.hint').textContent;
                 const max = Number((hint.match(/分值 ([0-9.]+)/) || [0, 0])[1]);
                 input.value = hint.includes('扣分') ? String(max) : hint.includes('评分') ? String(Math.floor(max / 2)) : '0';
                 n++;
             }
             return n;",
            vec![],
        )
        .await?;
    ensure!(filled.as_i64().unwrap_or(0) > 5, "{filled} inputs filled");
    // One item typed as the team would: the evidence and the reason for the deduction.
    let first = find(c, r#"form[action$="/spot-check/conclude"] textarea[name^="e."]"#).await?;
    first.send_keys("现场查阅会议记录 3 本").await?;
    let note = find(c, r#"form[action$="/spot-check/conclude"] input[name^="n."]"#).await?;
    note.send_keys("记录不全，多次会议缺少签到").await?;
    screenshot(c, &shots, "grading-spot-filled.png").await?;
    let conclude = find(c, r#"form[action$="/spot-check/conclude"] button[type="submit"]:not([formaction])"#).await?;
    ensure!(conclude.text().await? == "提交抽查结果", "the conclude button is {:?}", conclude.text().await?);
    click_and_load(c, &conclude, "concluding the spot check").await?;
    let page = main_text(c).await?;
    ensure!(page.contains("已完成"), "the spot check is not concluded: {}", page_messages(c).await);
    ensure!(page.contains("由“达标”调整为“未达标”"), "the grade was not removed: {page}");
    ensure!(c.find(Locator::Css(r#"form[action$="/spot-check/conclude"]"#)).await.is_err(), "still a form");
    screenshot(c, &shots, "grading-spot-done.png").await?;

    step("4 the branch's page: the removal with reasons and rectification items");
    c.goto(&format!("{base}{}", target.path)).await?;
    let page = main_text(c).await?;
    for want in ["现有等次：未达标", "抽查，由“达标”调整为“未达标”", "低于“达标”等次最低分", "待整改", "记录不全"]
    {
        ensure!(page.contains(want), "the grading page lacks {want}: {page}");
    }
    let items = c.find_all(Locator::Css("section.removal tbody tr")).await?;
    ensure!(items.len() > 3, "{} rectification items", items.len());
    screenshot(c, &shots, "grading-branch-removed.png").await?;

    step("5 designate a 示范 branch 四强党支部 with a reason");
    let named = rows.iter().find(|r| r.held == "示范" && r.path != target.path).ok_or("no 示范 branch to designate")?;
    step(&format!("  四强: {}", named.name));
    c.goto(&format!("{base}{}", named.path)).await?;
    for criterion in ["c.political", "c.committee", "c.membership", "c.role"] {
        find(c, &format!(r#"section.four-strong input[name="{criterion}"]"#)).await?.click().await?;
    }
    fill(c, "section.four-strong textarea[name=reason]", REASON).await?;
    screenshot(c, &shots, "grading-four-strong-form.png").await?;
    submit(c, "section.four-strong form", "designating").await?;
    let page = main_text(c).await?;
    ensure!(page.contains("现有等次：示范 · 四强党支部"), "not designated: {}", page_messages(c).await);
    ensure!(page.contains(&format!("命名“四强党支部”：{REASON}")), "the reason is not in the history: {page}");
    screenshot(c, &shots, "grading-four-strong-done.png").await?;

    step("6 the overview counts it (其中四强) and shows the changes");
    c.goto(&format!("{base}/platform/grading")).await?;
    let after = four_strong_in(c, year - 1).await?;
    ensure!(after == before + 1, "其中四强 for {}: {before} before, {after} after", year - 1);
    let rows = overview_rows(c).await?;
    let held = |path: &str| rows.iter().find(|r| r.path == path).map(|r| r.held.clone()).unwrap_or_default();
    ensure!(held(&named.path) == "示范 · 四强", "{} is listed as {}", named.name, held(&named.path));
    ensure!(held(&target.path) == "未达标", "{} is listed as {}", target.name, held(&target.path));
    screenshot(c, &shots, "grading-overview.png").await?;

    step("7 the same pages on a phone");
    set_viewport(c, PHONE.0, PHONE.1).await?;
    let spot = target.path.replace("/grading", "/spot-check");
    for (path, name) in [
        ("/platform/grading".to_string(), "grading-overview-phone.png"),
        (target.path.clone(), "grading-branch-phone.png"),
        (spot, "grading-spot-phone.png"),
        (named.path.clone(), "grading-four-strong-phone.png"),
    ] {
        c.goto(&format!("{base}{path}")).await?;
        assert_no_horizontal_overflow(c, &format!("{path} at 390 px")).await?;
        screenshot(c, &shots, name).await?;
    }
    // The sheet itself at phone width: another branch's spot check, opened on the phone.
    let mut opened = false;
    for r in rows.iter().filter(|r| r.held.starts_with("示范") && r.path != named.path) {
        c.goto(&format!("{base}{}", r.path.replace("/grading", "/spot-check"))).await?;
        if c.find(Locator::Css(r#"form[action$="/spot-check/open"]"#)).await.is_ok() {
            submit(c, r#"form[action$="/spot-check/open"]"#, "opening a second spot check").await?;
            opened = true;
            break;
        }
    }
    ensure!(opened, "no branch left to open a spot check on");
    find(c, r#"form[action$="/spot-check/conclude"] input[type=checkbox]"#).await?;
    assert_no_horizontal_overflow(c, "the spot-check sheet at 390 px").await?;
    screenshot(c, &shots, "grading-spot-sheet-phone.png").await?;
    // The first visit's findings on one item, saved as a draft for the next visit.
    let item = r#"form[action$="/spot-check/conclude"] .item:has(input[inputmode=decimal])"#;
    fill(c, &format!(r#"{item} input[name^="v."]"#), "1").await?;
    fill(c, &format!(r#"{item} input[name^="n."]"#), "第一次走访：会议记录待补齐").await?;
    let save = find(c, r#"form[action$="/spot-check/conclude"] button[formaction$="/spot-check/save"]"#).await?;
    click_and_load(c, &save, "saving the draft").await?;
    let saved = find(c, "p.saved").await?.text().await?;
    ensure!(saved.contains("已暂存"), "not saved: {saved} / {}", page_messages(c).await);
    let value = find(c, &format!(r#"{item} input[name^="v."]"#)).await?.prop("value").await?;
    let note = find(c, &format!(r#"{item} input[name^="n."]"#)).await?.prop("value").await?;
    ensure!(value.as_deref() == Some("1"), "the score is not kept: {value:?}");
    ensure!(note.as_deref() == Some("第一次走访：会议记录待补齐"), "the note is not kept: {note:?}");
    assert_no_horizontal_overflow(c, "the saved spot-check sheet at 390 px").await?;
    screenshot(c, &shots, "grading-spot-saved-phone.png").await?;
    Ok(())
}
