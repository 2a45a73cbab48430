//! Browser test of 民主评议党员 online: a branch secretary opens this year's round, starts
//! online voting and enters one paper 民主测评票; a member, on a 390×844 phone screen, goes
//! from 我的党员信息 to 我的民主评议, writes the 个人自评, fills the ballot (the browser
//! will not send it half filled; the member is not on it) and casts it once; the secretary
//! sees turnout only, closes voting and reads the tally of online plus paper ballots and
//! the self-assessment. The real binary with demo content, driven through Debian's
//! Chromium and chromedriver; the two accounts are made with `dangjian admin create` and
//! the member's account bound to a demo member record in the database.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_appraisal -- --nocapture`.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with the other browser tests; not every helper is used here
mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use dangjian_store::{ConnectOptions, Db, users};
use fantoccini::{Client, Locator};
use serde_json::json;

use support::backend::{click_and_load, expect_path, fill, page_messages, sign_in};
use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, screenshot, screenshot_dir, set_viewport,
};
use support::{DESKTOP, PHONE};

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(480);
const PASSWORD: &str = "Pingyi#2026ok";
const SECRETARY: &str = "pingyi_sec";
const MEMBER: &str = "pingyi_member";
const SELF_TEXT: &str =
    "一年来坚持参加三会一课，按时交纳党费，带头完成急难险重任务。不足：联系群众不够，今后多下基层听取意见。";

fn step(s: &str) {
    eprintln!("[browser_appraisal] {s}");
}

/// The branch of the scenario and its people.
struct Cast {
    branch: i64,
    branch_name: String,
    member: i64,
    member_name: String,
    /// The other 正式党员: the member's ballot grades exactly these.
    others: Vec<String>,
    /// Participants: 正式 and 预备.
    participants: usize,
}

/// A demo branch with a 预备党员 and the fewest 正式党员 at or above three (a short ballot
/// that still shows the rules), not one the demo already ran a round for this year.
async fn choose(db: &Db) -> Cast {
    let row: (i64, String) = dangjian_store::on_pool!(db, |p| sqlx::query_as::<_, (i64, String)>(
        "SELECT o.id, o.name FROM organisations o JOIN members m ON m.org_id = o.id \
         WHERE o.kind = 'branch' GROUP BY o.id, o.name \
         HAVING SUM(CASE WHEN m.status = 'full' THEN 1 ELSE 0 END) >= 3 \
         AND SUM(CASE WHEN m.status IN ('probationary', 'probation_extended') THEN 1 ELSE 0 END) >= 1 \
         ORDER BY SUM(CASE WHEN m.status = 'full' THEN 1 ELSE 0 END), o.id LIMIT 1"
    )
    .fetch_one(p)
    .await)
    .expect("a demo branch with three 正式党员 and a 预备党员");
    let roster = dangjian_store::members::in_orgs(db, &[row.0]).await.unwrap();
    let full: Vec<_> = roster.iter().filter(|m| m.status == "full").collect();
    let participants =
        roster.iter().filter(|m| matches!(m.status.as_str(), "full" | "probationary" | "probation_extended")).count();
    Cast {
        branch: row.0,
        branch_name: row.1,
        member: full[0].id,
        member_name: full[0].name.clone(),
        others: full[1..].iter().map(|m| m.name.clone()).collect(),
        participants,
    }
}

fn admin_create(bin: &str, data: &Path, args: &[&str]) {
    let out = Command::new(bin)
        .args(["admin", "create", "--data"])
        .arg(data)
        .args(args)
        .env("DANGJIAN_PASSWORD", PASSWORD)
        .output()
        .expect("run dangjian admin create");
    assert!(out.status.success(), "admin create {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_assesses_themself_and_votes_on_a_phone_and_the_secretary_reads_the_tally() {
    let root = tempfile::Builder::new().prefix("dangjian-appraisal-").tempdir().expect("temp dir");
    step("0 start dangjian serve --demo, make the secretary's and the member's accounts");
    let bin = env!("CARGO_BIN_EXE_dangjian");
    let server = Server::start(bin, root.path());
    let data = root.path().join("data");
    let db = Db::open(&ConnectOptions { url: None, data_dir: data.clone(), create: false, max_connections: 2 })
        .await
        .expect("open the demo database");
    let cast = choose(&db).await;
    eprintln!("  branch {} ({}), member {} ({})", cast.branch_name, cast.branch, cast.member_name, cast.member);
    admin_create(bin, &data, &["--username", SECRETARY, "--role", "officer", "--org", &cast.branch.to_string()]);
    admin_create(bin, &data, &["--username", MEMBER, "--role", "member"]);
    let account = users::by_username(&db, MEMBER).await.unwrap().expect("the member's account");
    users::set_platform_binding(&db, account.id, None, Some(cast.member)).await.unwrap();
    let browser = Browser::start(root.path()).await;
    let base = server.base.clone();
    drive(browser, "appraisal", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base, &cast).await }).await;
}

async fn submit(c: &Client, form: &str, what: &str) -> Result<String> {
    let button = find(c, &format!(r#"{form} button[type="submit"]"#)).await?;
    click_and_load(c, &button, what).await
}

async fn main_text(c: &Client) -> Result<String> {
    Ok(find(c, "main").await?.text().await?)
}

async fn scenario(c: &Client, base: &str, cast: &Cast) -> Result<()> {
    let shots = screenshot_dir();
    let url = format!("/platform/orgs/{}/appraisal", cast.branch);
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    step("1 the secretary opens the round, starts online voting and enters a paper ballot");
    sign_in(c, base, SECRETARY, PASSWORD).await?;
    c.goto(&format!("{base}{url}")).await?;
    submit(c, &format!(r#"form[action="{url}/open"]"#), "opening the round").await?;
    let stage = find(c, "strong.stage").await?.text().await?;
    ensure!(stage == "个人自评阶段", "the round did not open: {stage} / {}", page_messages(c).await);
    submit(c, &format!(r#"form[action="{url}/start_voting"]"#), "starting online voting").await?;
    let stage = find(c, "strong.stage").await?.text().await?;
    ensure!(stage == "网上投票中", "voting did not start: {stage} / {}", page_messages(c).await);
    // The paper ballot: 优秀 for the member, 合格 for everyone else.
    let set = c
        .execute(
            r#"const sels = [...document.querySelectorAll('form[action$="/appraisal/ballot"] select')];
               sels.forEach(s => s.value = s.name === 'mark.' + arguments[0] ? 'excellent' : 'qualified');
               return sels.length;"#,
            vec![json!(cast.member)],
        )
        .await?;
    ensure!(set.as_u64() == Some(cast.others.len() as u64 + 1), "{set} selects on the paper ballot");
    submit(c, &format!(r#"form[action="{url}/ballot"]"#), "entering a paper ballot").await?;
    let paper = find(c, "strong.ballots").await?.text().await?;
    ensure!(paper == "1", "{paper} paper ballots after entering one / {}", page_messages(c).await);
    screenshot(c, &shots, "appraisal-branch-voting.png").await?;

    step("2 the member, on a phone, finds 我的民主评议 from 我的党员信息");
    c.delete_all_cookies().await?;
    set_viewport(c, PHONE.0, PHONE.1).await?;
    sign_in(c, base, MEMBER, PASSWORD).await?;
    c.goto(&format!("{base}/platform/me")).await?;
    let link = c.find(Locator::Css(r#"a[href="/platform/me/appraisal"]"#)).await?;
    click_and_load(c, &link, "opening 我的民主评议").await?;
    expect_path(c, "/platform/me/appraisal", "the link from /platform/me").await?;
    let me = main_text(c).await?;
    ensure!(me.contains("个人自评：未提交") && me.contains("网上测评票：未投票"), "the member's page says: {me}");
    assert_no_horizontal_overflow(c, "我的民主评议 at 390 px").await?;

    step("3 the member writes the self-assessment");
    fill(c, r#"form.self-form textarea[name="text"]"#, SELF_TEXT).await?;
    find(c, r#"form.self-form select[name="self_grade"]"#).await?.select_by_value("qualified").await?;
    submit(c, "form.self-form", "saving the self-assessment").await?;
    let me = main_text(c).await?;
    let flash = find(c, ".flash").await?.text().await?;
    ensure!(flash.contains("个人自评已保存"), "no saved notice: {flash}");
    ensure!(me.contains("个人自评：已提交"), "the page does not show the self-assessment as done: {me}");
    let kept = find(c, r#"form.self-form textarea[name="text"]"#).await?.prop("value").await?.unwrap_or_default();
    ensure!(kept == SELF_TEXT, "the form shows {kept:?}");
    assert_no_horizontal_overflow(c, "the saved self-assessment at 390 px").await?;
    screenshot(c, &shots, "appraisal-me-phone.png").await?;

    step("4 the member fills the ballot: every other 正式党员, not themself");
    let link = find(c, "a.vote-link").await?;
    click_and_load(c, &link, "opening the ballot").await?;
    let legends: Vec<String> = {
        let mut v = Vec::new();
        for el in c.find_all(Locator::Css("form.appraisal-ballot fieldset legend")).await? {
            v.push(el.text().await?);
        }
        v
    };
    let mut want = cast.others.clone();
    want.sort();
    let mut got = legends.clone();
    got.sort();
    ensure!(got == want, "the ballot lists {legends:?}, wanted the other 正式党员 {want:?}");
    ensure!(!legends.contains(&cast.member_name), "the member is on their own ballot");
    assert_no_horizontal_overflow(c, "the empty ballot at 390 px").await?;
    screenshot(c, &shots, "appraisal-ballot-phone.png").await?;
    let rows = c.find_all(Locator::Css("form.appraisal-ballot fieldset")).await?;
    // The first row only: the browser refuses to send a half-filled ballot.
    rows[0].find(Locator::Css("label.grade")).await?.click().await?;
    let valid = c.execute("return document.querySelector('form.appraisal-ballot').checkValidity();", vec![]).await?;
    ensure!(valid == json!(false), "a half-filled ballot counts as complete in the browser");
    for (i, row) in rows.iter().enumerate() {
        let grades = row.find_all(Locator::Css("label.grade")).await?;
        ensure!(grades.len() == 4, "{} grades in row {i}", grades.len());
        grades[i % 2].click().await?;
    }
    let checked = c.execute("return document.querySelectorAll('input[type=radio]:checked').length;", vec![]).await?;
    ensure!(checked.as_u64() == Some(rows.len() as u64), "{checked} grades chosen for {} members", rows.len());
    assert_no_horizontal_overflow(c, "the filled ballot at 390 px").await?;
    screenshot(c, &shots, "appraisal-ballot-filled.png").await?;
    submit(c, "form.appraisal-ballot", "casting the ballot").await?;
    let done = main_text(c).await?;
    ensure!(done.contains("投票成功"), "the ballot was not accepted: {done}");
    screenshot(c, &shots, "appraisal-ballot-done.png").await?;
    c.goto(&format!("{base}/platform/me/appraisal/ballot")).await?;
    let again = main_text(c).await?;
    ensure!(again.contains("已经投过票"), "the ballot page opened a second time: {again}");
    c.goto(&format!("{base}/platform/me/appraisal")).await?;
    let me = main_text(c).await?;
    ensure!(me.contains("网上测评票：已投票"), "the member's page does not show the vote: {me}");

    step("5 the secretary sees turnout only, closes voting and reads the combined tally");
    c.delete_all_cookies().await?;
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    sign_in(c, base, SECRETARY, PASSWORD).await?;
    c.goto(&format!("{base}{url}")).await?;
    let turnout = find(c, ".appraisal-turnout").await?.text().await?;
    let want = format!("已投 1 人，应投 {} 人", cast.participants);
    ensure!(turnout.contains(&want), "turnout reads {turnout:?}, wanted {want}");
    let page = main_text(c).await?;
    ensure!(
        page.contains("网上测评票在结束投票后计入统计") && !page.contains("网上 1"),
        "online counts shown while voting"
    );
    ensure!(page.contains(SELF_TEXT) || page.contains(&cast.member_name), "the self-assessment is not listed");
    screenshot(c, &shots, "appraisal-branch-turnout.png").await?;
    submit(c, &format!(r#"form[action="{url}/close"]"#), "closing voting").await?;
    let stage = find(c, "strong.stage").await?.text().await?;
    ensure!(stage.starts_with("投票已截止"), "voting did not close: {stage} / {}", page_messages(c).await);
    // Each other member: one online vote (the member's) and one paper vote.
    for name in &cast.others {
        let xpath = format!("//table[contains(@class,'tally')]//tr[td[1][normalize-space(.)='{name}']]/td[6]");
        let votes = c.find(Locator::XPath(&xpath)).await?.text().await?;
        ensure!(votes.contains("2") && votes.contains("网上 1 · 纸质 1"), "{name}'s votes read {votes:?}");
    }
    let xpath =
        format!("//table[contains(@class,'tally')]//tr[td[1][normalize-space(.)='{}']]/td[6]", cast.member_name);
    let own = c.find(Locator::XPath(&xpath)).await?.text().await?;
    ensure!(own.contains("网上 0 · 纸质 1"), "the member's own votes read {own:?}");
    // The self-assessment, open to read.
    let summary = c
        .find(Locator::XPath(&format!(
            "//details[contains(@class,'self-assessment')]/summary[contains(., '{}')]",
            cast.member_name
        )))
        .await?;
    summary.click().await?;
    let text = find(c, "details.self-assessment[open] p").await?.text().await?;
    ensure!(text == SELF_TEXT, "the branch reads the self-assessment as {text:?}");
    ensure!(find(c, &format!(r#"form[action="{url}/decide"]"#)).await.is_ok(), "no decision form after the close");
    assert_no_horizontal_overflow(c, "the branch page at 1280 px").await?;
    screenshot(c, &shots, "appraisal-branch-tally.png").await?;
    Ok(())
}
