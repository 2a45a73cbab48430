//! Browser test of 知识测试: the 工委's officer writes a quiz for one demo branch and
//! publishes it; an account is made for a party member of that branch (`dangjian admin
//! create --member`); the member, on a 390×844 phone screen, finds the quiz from their own
//! page, answers it and sees the score, the correct answers and the 党性积分 it earned; the
//! officer sees the branch's participation. The real binary with demo content, driven
//! through Debian's Chromium and chromedriver.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_quiz -- --nocapture`.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with the other browser tests; not every helper is used here
mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use support::backend::{NEW_PASSWORD, click_and_load, first_sign_in, page_messages, sign_in};
use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, screenshot, screenshot_dir, set_viewport,
};
use support::{DESKTOP, PHONE, one_time_password};

const SCENARIO_TIMEOUT: Duration = Duration::from_secs(480);

const BRANCH: &str = "市生态环境局澜溪监测站党支部";
const TITLE: &str = "浏览器测试：党章基本知识";
/// 单选 A (10), 多选 ABC (20), 判断 正确 (10): 40 points.
const QUESTIONS: &str = "1. 党的最高理想和最终目标是什么？\nA. 实现共产主义\nB. 全面建成小康社会\n答案：A\n\n\
                         2. “三会一课”中的“三会”是：\nA. 支部党员大会\nB. 支部委员会\nC. 党小组会\nD. 职工代表大会\n答案：ABC\n分值：20\n\n\
                         3. 预备党员的预备期为一年。\n答案：正确";

fn step(s: &str) {
    eprintln!("[browser_quiz] {s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_takes_a_quiz_on_a_phone_and_the_officer_sees_participation() {
    let root = tempfile::Builder::new().prefix("dangjian-quiz-").tempdir().expect("temp dir");
    step("0 start dangjian serve --demo");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let password = one_time_password(&server, "gongwei，一次性密码：");
    let browser = Browser::start(root.path()).await;
    let base = server.base.clone();
    let data = root.path().join("data");
    drive(browser, "quiz", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base, &password, data).await }).await;
}

async fn submit(c: &Client, form: &str, what: &str) -> Result<String> {
    let button = find(c, &format!(r#"{form} button[type="submit"]"#)).await?;
    click_and_load(c, &button, what).await
}

/// Sets a form control's value by script (long multi-line Chinese text types slowly).
async fn set_value(c: &Client, css: &str, value: &str) -> Result<()> {
    let ok = c
        .execute(
            "const e = document.querySelector(arguments[0]); if (!e) return false; e.value = arguments[1]; return true;",
            vec![json!(css), json!(value)],
        )
        .await?;
    ensure!(ok == json!(true), "no {css} on the page");
    Ok(())
}

async fn scenario(c: &Client, base: &str, password: &str, data: PathBuf) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    step("1 gongwei writes a quiz for one branch and publishes it");
    first_sign_in(c, base, "gongwei", password).await?;
    c.goto(&format!("{base}/platform/quizzes")).await?;
    let form = r#"form[action="/platform/quizzes"]"#;
    set_value(c, &format!(r#"{form} input[name="title"]"#), TITLE).await?;
    set_value(c, &format!(r#"{form} textarea[name="questions"]"#), QUESTIONS).await?;
    let org = c
        .execute(
            "const s = document.querySelector('select[name=org_id]');
             const o = [...s.options].find(o => o.text === arguments[0]);
             if (!o) return null; s.value = o.value; return o.value;",
            vec![json!(BRANCH)],
        )
        .await?;
    let org = org.as_str().ok_or_else(|| format!("{BRANCH} is not offered as the quiz's organisation"))?.to_owned();
    let quiz = submit(c, form, "creating the quiz").await?;
    ensure!(quiz.starts_with("/platform/quizzes/"), "creating went to {quiz}: {}", page_messages(c).await);
    screenshot(c, &shots, "quiz-draft.png").await?;
    submit(c, &format!(r#"form[action="{quiz}/publish"]"#), "publishing").await?;
    let state = find(c, "main table.kv").await?.text().await?;
    ensure!(state.contains("已发布"), "the quiz was not published: {state}");

    step("2 an account for a party member of the branch");
    c.goto(&format!("{base}/platform/orgs/{org}")).await?;
    let member = c
        .execute(
            "const r = [...document.querySelectorAll('main table.grid tbody tr')]
                 .find(r => r.cells[3] && r.cells[3].innerText.includes('正式党员'));
             return r ? r.querySelector('a').getAttribute('href').split('/').pop() : null;",
            vec![],
        )
        .await?;
    let member = member.as_str().ok_or("the branch lists no 正式党员")?.to_owned();
    let out = Command::new(env!("CARGO_BIN_EXE_dangjian"))
        .args(["admin", "create", "--data"])
        .arg(&data)
        .args(["--username", "dangyuan", "--role", "member", "--member", &member])
        .env("DANGJIAN_PASSWORD", NEW_PASSWORD)
        .output()?;
    ensure!(out.status.success(), "admin create --member failed: {}", String::from_utf8_lossy(&out.stderr));

    step("3 the member answers on a phone");
    c.delete_all_cookies().await?;
    set_viewport(c, PHONE.0, PHONE.1).await?;
    sign_in(c, base, "dangyuan", NEW_PASSWORD).await?;
    c.goto(&format!("{base}/platform/me")).await?;
    let link = c.find(Locator::Css(r#"a[href="/platform/me/quizzes"]"#)).await?;
    click_and_load(c, &link, "opening my quizzes").await?;
    let list = find(c, "main").await?.text().await?;
    ensure!(list.contains(TITLE) && list.contains("进行中"), "the member's list lacks the quiz: {list}");
    assert_no_horizontal_overflow(c, "my quizzes at 390 px").await?;
    screenshot(c, &shots, "quiz-mine-phone.png").await?;
    let open = c.find(Locator::LinkText(TITLE)).await?;
    click_and_load(c, &open, "opening the quiz").await?;
    let html = c.source().await?;
    ensure!(!html.contains("正确答案") && !html.contains("class=\"correct\""), "the answer page shows the answers");
    assert_no_horizontal_overflow(c, "the answer page at 390 px").await?;
    screenshot(c, &shots, "quiz-take-phone.png").await?;
    // 单选 A, 多选 A and B only (wrong: all-or-nothing), 判断 正确: 20 of 40.
    for (name, value) in [("q1", "0"), ("q2", "0"), ("q2", "1"), ("q3", "0")] {
        let css = format!(r#"input[name="{name}"][value="{value}"]"#);
        let label = c.execute(
            "const i = document.querySelector(arguments[0]); const l = i.closest('label'); l.scrollIntoView({block: 'center'}); return true;",
            vec![json!(css)],
        );
        label.await?;
        c.find(Locator::Css(&css)).await?.click().await?;
    }
    let checked = c.execute("return document.querySelectorAll('form.quiz-form input:checked').length;", vec![]).await?;
    ensure!(checked.as_i64() == Some(4), "{checked} options are checked, wanted 4");
    screenshot(c, &shots, "quiz-filled-phone.png").await?;
    submit(c, "form.quiz-form", "submitting the answers").await?;
    let result = find(c, "main").await?.text().await?;
    for want in ["您的得分：20 / 40", "计入党性积分 2.50 分", "正确答案：ABC", "（您的选择）"] {
        ensure!(result.contains(want), "the result page lacks {want}: {result}");
    }
    assert_no_horizontal_overflow(c, "the result page at 390 px").await?;
    screenshot(c, &shots, "quiz-result-phone.png").await?;
    c.goto(&format!("{base}/platform/me/points")).await?;
    let points = find(c, "main").await?.text().await?;
    ensure!(points.contains(TITLE), "the points page lacks the quiz line: {points}");

    step("4 the officer sees participation");
    c.delete_all_cookies().await?;
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    sign_in(c, base, "gongwei", NEW_PASSWORD).await?;
    c.goto(&format!("{base}{quiz}")).await?;
    let report = find(c, "main").await?.text().await?;
    ensure!(report.contains("已参加 1 人") && report.contains("平均分 20"), "the report is wrong: {report}");
    screenshot(c, &shots, "quiz-report.png").await?;
    c.goto(&format!("{base}/platform/quizzes")).await?;
    let list = find(c, "main table.grid").await?.text().await?;
    ensure!(list.contains(TITLE) && list.contains("1 / "), "the list lacks the quiz's participation: {list}");
    screenshot(c, &shots, "quiz-list.png").await?;
    let demo = c.find(Locator::XPath("//table//a[contains(., '年党章党规知识测试')]")).await?;
    click_and_load(c, &demo, "opening the demo's finished quiz").await?;
    let report = find(c, "main").await?.text().await?;
    ensure!(report.contains("已结束") && report.contains("成绩分布"), "the demo quiz report: {report}");
    screenshot(c, &shots, "quiz-report-demo.png").await?;
    Ok(())
}
