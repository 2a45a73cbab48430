//! Browser test of the 智慧党建 platform: the 工委 sees the organisation tree with its
//! reminders, the security administrator creates a branch secretary, and the secretary
//! imports a roster from Excel (first with errors, then clean), records a 支部党员大会
//! and sees the compliance calendar turn green. The real binary with demo content,
//! driven through Debian's Chromium and chromedriver.
//!
//! Run with `cargo test -p dangjian --features browser-tests --test browser_platform -- --nocapture`.
//! With the feature on, a missing browser fails the test instead of skipping it.
//! Screenshots land in `<workspace>/screenshots/`.
#![cfg(feature = "browser-tests")]

#[macro_use]
#[allow(dead_code)] // shared with browser.rs and browser_editorial.rs; not every helper is used here
mod support;

use support::backend::{click_and_load, expect_path, fill, first_sign_in, page_messages};
use support::{DESKTOP, PHONE, one_time_password};

use std::path::{Path, PathBuf};
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use support::{
    Browser, Result, Server, assert_no_horizontal_overflow, drive, find, here, screenshot, screenshot_dir, set_viewport,
};

/// Upper bound for the whole scenario; every WebDriver call has its own shorter timeout,
/// this only turns an unforeseen hang into a failure that still cleans up.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(480);

/// The demo branch with only two 正式党员: the one the secretary is bound to.
const BRANCH: &str = "市生态环境局澜溪监测站党支部";

const SECRETARY: &str = "secretary1";

/// Names the demo does not use, so that finding them on the roster proves the import.
const IMPORTED: [&str; 2] = ["顾清禾", "宋知远"];

const MEETING_TOPIC: &str = "学习贯彻党的二十届四中全会精神（浏览器测试）";

const COMMITTEE_TOPIC: &str = "研究本季度发展党员工作（浏览器测试）";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_branch_secretary_imports_a_roster_records_a_meeting_and_sees_the_calendar() {
    let root = tempfile::Builder::new().prefix("dangjian-platform-").tempdir().expect("temp dir");
    let files = Spreadsheets::write(root.path()).expect("write the roster spreadsheets");

    // Both guards stop their processes on drop, so a panic during setup leaks nothing.
    step("0 start dangjian serve --demo and read the one-time passwords");
    let server = Server::start(env!("CARGO_BIN_EXE_dangjian"), root.path());
    let passwords = Passwords {
        admin: one_time_password(&server, "账号 admin"),
        gongwei: one_time_password(&server, "gongwei，一次性密码："),
    };
    let browser = Browser::start(root.path()).await;

    let base = server.base.clone();
    drive(browser, "platform", SCENARIO_TIMEOUT, move |c| async move { scenario(&c, &base, &passwords, &files).await })
        .await;
}

struct Passwords {
    admin: String,
    gongwei: String,
}

async fn scenario(c: &Client, base: &str, pw: &Passwords, files: &Spreadsheets) -> Result<()> {
    let shots = screenshot_dir();
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;

    // 1. The 工委's officer sees the whole tree with its reminders.
    step("1 gongwei signs in, changes the password and opens the organisation tree");
    first_sign_in(c, base, "gongwei", &pw.gongwei).await?;
    c.goto(&format!("{base}/platform/orgs")).await?;
    expect_path(c, "/platform/orgs", "gongwei opening /platform/orgs").await?;
    let heads = find(c, "table.grid.tree thead").await?.text().await?;
    ensure!(heads.contains("提醒"), "the tree table has no 提醒 column: {heads:?}");
    let links = c.find_all(Locator::Css(r#"table.grid.tree tbody a[href^="/platform/orgs/"]"#)).await?.len();
    ensure!(links >= 100, "the tree links only {links} organisations; the demo has ~120 branches");
    let tree = find(c, "table.grid.tree").await?.text().await?;
    for name in ["中共青澜市委市直机关工作委员会", BRANCH] {
        ensure!(tree.contains(name), "the tree lacks {name}");
    }
    ensure!(tree.contains("不足 3 名"), "the tree shows no 不足 3 名 reminder (a demo branch has 2 正式党员)");
    ensure!(tree.contains("应设立支部委员会"), "the tree shows no 应设立支部委员会 reminder");
    eprintln!("  {links} organisations linked; both reminders present");
    screenshot(c, &shots, "platform-tree.png").await?;

    // 2. The security administrator creates the branch secretary's account.
    step("2 admin (fresh session) changes the password and creates secretary1 bound to the branch");
    c.delete_all_cookies().await?;
    first_sign_in(c, base, "admin", &pw.admin).await?;
    let (secretary_pw, branch_name) = create_officer(c, base, SECRETARY).await?;

    // 3. The secretary finds the branch and its masked roster.
    step("3 secretary1 (fresh session) opens the branch page");
    c.delete_all_cookies().await?;
    first_sign_in(c, base, SECRETARY, &secretary_pw).await?;
    c.goto(&format!("{base}/platform/orgs")).await?;
    let xpath = format!(r#"//table//a[normalize-space(.)="{branch_name}"]"#);
    let link = c
        .find(Locator::XPath(&xpath))
        .await
        .map_err(|e| format!("secretary1's /platform/orgs has no link named {branch_name}: {e}"))?;
    let path = click_and_load(c, &link, "opening the branch from the tree").await?;
    let org_id: i64 = path
        .strip_prefix("/platform/orgs/")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| format!("the branch link led to {path}, wanted /platform/orgs/<id>"))?;
    let heading = find(c, "h1").await?.text().await?;
    ensure!(heading.contains(&branch_name), "the branch page's heading is {heading:?}, wanted {branch_name}");
    check_branch_page(c, org_id).await?;
    let roster = find(c, "main table.grid").await?.text().await?;
    for name in IMPORTED {
        ensure!(!roster.contains(name), "{name} is on the roster before the import; pick another test name");
    }

    // 4. The import: a file with three bad rows, then a clean one.
    step("4a import a roster with errors");
    let import = find(c, &format!(r#"a[href="/platform/orgs/{org_id}/import"]"#)).await?;
    click_and_load(c, &import, "opening 从 Excel 导入").await?;
    expect_path(c, &format!("/platform/orgs/{org_id}/import"), "opening 从 Excel 导入").await?;
    upload(c, &files.with_errors).await?;
    let problems = c
        .execute(
            "const t = document.querySelector('main table.grid');
             return t ? [...t.querySelectorAll('tbody tr')].map(tr => tr.innerText.trim()) : null;",
            vec![],
        )
        .await?;
    let problems: Vec<String> = match problems {
        Value::Null => {
            let main = find(c, "main").await?.text().await?;
            return Err(format!("the preview lists no problems; the page says: {main:?}").into());
        }
        v => serde_json::from_value(v)?,
    };
    for (line, what) in [(3, "wrong check digit"), (4, "出生日期 1990-02-30"), (5, "duplicate ID number")] {
        let label = format!("第 {line} 行");
        ensure!(problems.iter().any(|p| p.starts_with(&label)), "the preview lacks {label} ({what}): {problems:?}");
    }
    ensure!(!problems.iter().any(|p| p.starts_with("第 2 行")), "the good row 2 is listed as a problem: {problems:?}");
    eprintln!("  problems: {}", problems.join(" / "));
    let partial = find(c, r#"form[action$="/import/commit"] button[type="submit"]"#).await?.text().await?;
    ensure!(
        partial.contains("仅导入 1 条无误记录"),
        "the preview's button reads {partial:?}, wanted 仅导入 1 条无误记录"
    );
    screenshot(c, &shots, "platform-import-preview.png").await?;

    step("4b upload the corrected roster and import it");
    upload(c, &files.clean).await?;
    let main = find(c, "main").await?.text().await?;
    ensure!(main.contains("检查无误"), "the clean file's preview does not say 检查无误: {main:?}");
    ensure!(
        c.find(Locator::Css("main table.grid")).await.is_err(),
        "the clean file's preview lists problems: {main:?}"
    );
    let button = find(c, r#"form[action$="/import/commit"] button[type="submit"]"#).await?;
    let label = button.text().await?;
    ensure!(label.contains("导入 2 人"), "the commit button reads {label:?}, wanted 导入 2 人");
    click_and_load(c, &button, "importing 2 people").await?;
    expect_path(c, &format!("/platform/orgs/{org_id}"), "importing 2 people").await?;
    let roster = find(c, "main table.grid").await?.text().await?;
    for name in IMPORTED {
        ensure!(
            roster.contains(name),
            "the roster lacks the imported {name}; the page says: {}",
            page_messages(c).await
        );
    }
    check_branch_page(c, org_id).await?;
    eprintln!("  imported {}", IMPORTED.join("、"));

    // 5. A 支部党员大会 turns this quarter's cell of the calendar green.
    step("5 record a 支部党员大会 and see the calendar");
    let life = find(c, &format!(r#"a[href="/platform/orgs/{org_id}/meetings"]"#)).await?;
    click_and_load(c, &life, "opening 组织生活").await?;
    let meetings_path = format!("/platform/orgs/{org_id}/meetings");
    expect_path(c, &meetings_path, "opening 组织生活").await?;
    let met_before = count(c, "span.period.met").await?;
    let general_before = general_meeting_cells(c).await?;
    let new = c
        .find(Locator::XPath(r#"//a[normalize-space(.)="记录组织生活"]"#))
        .await
        .map_err(|e| format!("no 记录组织生活 link on {meetings_path}: {e}"))?;
    click_and_load(c, &new, "opening 记录组织生活").await?;
    find(c, r#"select[name="kind"]"#).await?.select_by_label("支部党员大会").await?;
    let date = find(c, r#"input[name="held_on"]"#).await?.prop("value").await?.unwrap_or_default();
    ensure!(date.len() == 10, "the date field is not prefilled with today: {date:?}");
    fill(c, r#"input[name="topic"]"#, MEETING_TOPIC).await?;
    let boxes = c.find_all(Locator::Css(r#"input[type="checkbox"][name="present"]"#)).await?;
    let ticked = c
        .execute("return document.querySelectorAll('input[type=checkbox][name=present]:checked').length;", vec![])
        .await?
        .as_u64()
        .unwrap_or(0);
    ensure!(boxes.len() >= 4, "the attendance list has {} people, the branch has at least 4", boxes.len());
    ensure!(ticked as usize == boxes.len(), "{ticked} of {} attendance boxes are ticked by default", boxes.len());
    let save = find(c, r#"form[action$="/meetings"] button[type="submit"]"#).await?;
    click_and_load(c, &save, "saving the meeting").await?;
    expect_path(c, &meetings_path, "saving the meeting").await?;
    let met_after = count(c, "span.period.met").await?;
    let general_after = general_meeting_cells(c).await?;
    eprintln!("  met cells {met_before} -> {met_after}; 支部党员大会 {general_before} -> {general_after}");
    ensure!(
        met_after > met_before,
        "span.period.met went from {met_before} to {met_after} after recording a 支部党员大会 on {date}; \
         支部党员大会 row before: {general_before}, after: {general_after}"
    );
    let list = c
        .find_all(Locator::Css("main table.grid"))
        .await?
        .last()
        .ok_or("no meeting list on the calendar page")?
        .text()
        .await?;
    ensure!(list.contains(MEETING_TOPIC), "the meeting list lacks {MEETING_TOPIC}: {list:?}");
    ensure!(list.contains(&date), "the meeting list lacks the date {date}: {list:?}");
    screenshot(c, &shots, "platform-calendar.png").await?;

    // 5b. The branch elects a committee; a 支委会 with one member absent fills this month.
    step("5b set up a 支委会 and record a 支委会 with attendance");
    c.goto(&format!("{base}/platform/orgs/{org_id}/edit")).await?;
    let selects = c.find_all(Locator::Css(r#"select[name^="post_"]"#)).await?;
    ensure!(selects.len() >= 3, "the committee form offers {} 正式党员, wanted at least 3", selects.len());
    for (select, post) in selects.iter().zip(["书记", "组织委员", "宣传委员"]) {
        select.select_by_label(post).await?;
    }
    let save = find(c, r#"form[action$="/edit"] button[type="submit"]"#).await?;
    click_and_load(c, &save, "saving the committee").await?;
    expect_path(c, &format!("/platform/orgs/{org_id}"), "saving the committee").await?;
    let committee_rows = count(c, "main h2 + ul li").await?;
    ensure!(committee_rows >= 3, "the branch page lists {committee_rows} committee posts after saving three");
    c.goto(&format!("{base}{meetings_path}")).await?;
    let before = committee_cells(c).await?;
    ensure!(!before.contains("no 支委会 row"), "the calendar owes no 支委会 after the committee was set up");
    c.goto(&format!("{base}/platform/orgs/{org_id}/meetings/new")).await?;
    find(c, r#"select[name="kind"]"#).await?.select_by_label("支委会").await?;
    fill(c, r#"input[name="topic"]"#, COMMITTEE_TOPIC).await?;
    // The third committee member is away: untick and give a reason.
    let absent: Value = c
        .execute(
            "const box = [...document.querySelectorAll('input[type=checkbox][name=present]')]
                 .find(b => b.closest('.attend').textContent.includes('支委'));
             const all = [...document.querySelectorAll('input[type=checkbox][name=present]')]
                 .filter(b => b.closest('.attend').textContent.includes('支委'));
             const last = all[all.length - 1];
             last.checked = false;
             last.closest('.attend').querySelector('input[name^=reason_]').value = '出差';
             return [all.length, box ? 1 : 0, last.value];",
            vec![],
        )
        .await?;
    ensure!(absent[0].as_u64().unwrap_or(0) >= 3, "the sign-in list marks {} members as 支委, wanted 3", absent[0]);
    let save = find(c, r#"form[action$="/meetings"] button[type="submit"]"#).await?;
    click_and_load(c, &save, "saving the 支委会").await?;
    expect_path(c, &meetings_path, "saving the 支委会").await?;
    let after = committee_cells(c).await?;
    eprintln!("  支委会 {before} -> {after}");
    ensure!(
        after.matches("met").count() > before.matches("met").count(),
        "recording a quorate 支委会 did not add a met period: before {before}, after {after}"
    );
    let list = c.find_all(Locator::Css("main table.grid")).await?.last().ok_or("no meeting list")?.text().await?;
    ensure!(list.contains(COMMITTEE_TOPIC), "the meeting list lacks {COMMITTEE_TOPIC}: {list:?}");
    let record = c.find(Locator::LinkText(COMMITTEE_TOPIC)).await?;
    click_and_load(c, &record, "opening the 支委会 record").await?;
    let text = find(c, "main").await?.text().await?;
    ensure!(
        text.contains("出差") && text.contains("达到") && text.contains("列席"),
        "the 支委会 record lacks the absence, the quorum or those who sat in: {text}"
    );
    screenshot(c, &shots, "platform-committee-meeting.png").await?;

    // 6. Phone width: the pages fit, wide tables scroll inside the main area.
    step("6 calendar and branch page at 390x844");
    set_viewport(c, PHONE.0, PHONE.1).await?;
    c.goto(&format!("{base}{meetings_path}")).await?;
    find(c, "span.period.met").await?;
    assert_no_horizontal_overflow(c, &format!("{meetings_path} at 390x844")).await?;
    c.goto(&format!("{base}/platform/orgs/{org_id}")).await?;
    find(c, "main table.grid").await?;
    assert_no_horizontal_overflow(c, &format!("/platform/orgs/{org_id} at 390x844")).await?;
    let (wide, scrolls) = wide_main_scrolls(c).await?;
    ensure!(scrolls, "the roster is wider than .admin-main at 390x844 but .admin-main does not scroll sideways");
    eprintln!("  at 390x844 the roster {} inside .admin-main", if wide { "scrolls" } else { "fits" });
    screenshot(c, &shots, "platform-branch-phone.png").await?;

    // 7. The year's dues and the add-member form, at desktop width.
    step("7 dues year table and the member form");
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    c.goto(&format!("{base}/platform/orgs/{org_id}/dues/year")).await?;
    let cells = count(c, "table.dues-year tbody td").await?;
    ensure!(cells > 12, "the dues year table has {cells} cells");
    let unpaid = count(c, "td.due-unpaid").await?;
    ensure!(unpaid > 0, "the demo branch that let its dues lapse shows no 未交 month");
    screenshot(c, &shots, "platform-dues-year.png").await?;
    set_viewport(c, PHONE.0, PHONE.1).await?;
    assert_no_horizontal_overflow(c, "the dues year table at 390x844").await?;
    set_viewport(c, DESKTOP.0, DESKTOP.1).await?;
    c.goto(&format!("{base}/platform/orgs/{org_id}/members/new")).await?;
    find(c, r#"input[name="id_number"]"#).await?;
    screenshot(c, &shots, "platform-member-form.png").await?;

    Ok(())
}

/// The branch page: links to the import, the export, 组织生活 and 党费, and every ID
/// number in the roster masked (`110105********123X`), none in full.
async fn check_branch_page(c: &Client, org_id: i64) -> Result<()> {
    for (text, href) in [
        ("从 Excel 导入", format!("/platform/orgs/{org_id}/import")),
        ("导出 Excel", format!("/platform/orgs/{org_id}/roster.xlsx")),
        ("组织生活", format!("/platform/orgs/{org_id}/meetings")),
        ("党费", format!("/platform/orgs/{org_id}/dues")),
    ] {
        // Inside the page body: the menu has a 组织生活 entry of its own.
        let xpath = format!(r#"//main//a[normalize-space(.)="{text}"]"#);
        let link =
            c.find(Locator::XPath(&xpath)).await.map_err(|e| format!("the branch page has no {text} link: {e}"))?;
        let got = link.attr("href").await?.unwrap_or_default();
        ensure!(got == href, "the {text} link points to {got:?}, wanted {href}");
    }
    let v = c
        .execute(
            r#"
            const table = [...document.querySelectorAll('main table.grid')]
                .find(t => [...t.querySelectorAll('th')].some(th => th.textContent.trim() === '身份证号'));
            if (!table) return {error: 'no roster table with a 身份证号 column'};
            const col = [...table.querySelectorAll('thead th')].findIndex(th => th.textContent.trim() === '身份证号');
            const ids = [...table.querySelectorAll('tbody tr')].map(tr => (tr.cells[col] || {}).textContent || '');
            const masked = /^\d{6}\*{8}[0-9X]{4}$/;
            const full = /\d{17}[0-9Xx]/g;
            return {
                rows: ids.length,
                unmasked: ids.filter(t => !masked.test(t.trim())).slice(0, 5),
                full: (table.innerText.match(full) || []).slice(0, 5),
            };
            "#,
            vec![],
        )
        .await?;
    ensure!(v["error"].is_null(), "{}", v["error"]);
    let rows = v["rows"].as_u64().unwrap_or(0);
    ensure!(rows >= 2, "the roster has {rows} rows; the branch has at least 2 members");
    ensure!(v["unmasked"] == json!([]), "ID numbers not in the masked form 6 digits + 8 * + 4: {}", v["unmasked"]);
    ensure!(v["full"] == json!([]), "full 18-character ID numbers in the roster: {}", v["full"]);
    eprintln!("  branch page: links present, {rows} ID numbers masked");
    Ok(())
}

/// Creates an officer bound to [`BRANCH`] (or the first 党支部 in the list) at
/// `/admin/users`; returns the initial password and the chosen organisation's name.
async fn create_officer(c: &Client, base: &str, username: &str) -> Result<(String, String)> {
    const FORM: &str = r#"form[action="/admin/users"]"#;
    c.goto(&format!("{base}/admin/users")).await?;
    expect_path(c, "/admin/users", "admin opening /admin/users").await?;
    fill(c, &format!(r#"{FORM} input[name="username"]"#), username).await?;
    find(c, &format!(r#"{FORM} input[name="roles"][value="officer"]"#)).await?.click().await?;
    let select = find(c, &format!(r#"{FORM} select[name="org_id"]"#)).await?;
    let options = c
        .execute(
            r#"return [...document.querySelectorAll('form[action="/admin/users"] select[name=org_id] option')]
                   .map(o => [o.value, o.textContent.trim()]);"#,
            vec![],
        )
        .await?;
    let options: Vec<(String, String)> = serde_json::from_value(options)?;
    ensure!(options.len() >= 100, "the org_id select lists {} options; the demo has ~120 branches", options.len());
    let (value, name) = options
        .iter()
        .find(|(v, t)| !v.is_empty() && t == BRANCH)
        .or_else(|| options.iter().find(|(v, t)| !v.is_empty() && t.ends_with("党支部")))
        .cloned()
        .ok_or("the org_id select lists no 党支部")?;
    if name != BRANCH {
        eprintln!("  {BRANCH} is not in the list; binding {username} to {name}");
    }
    select.select_by_value(&value).await?;
    let button = find(c, &format!(r#"{FORM} button[type="submit"]"#)).await?;
    click_and_load(c, &button, &format!("creating {username}")).await?;
    let flash = match c.find(Locator::Css(".flash")).await {
        Ok(el) => el.text().await?,
        Err(_) => {
            return Err(
                format!("creating {username} showed no .flash; the page says: {}", page_messages(c).await).into()
            );
        }
    };
    let password = flash
        .split_once("初始密码：")
        .and_then(|(_, rest)| rest.split_once('（'))
        .map(|(pw, _)| pw.trim().to_string())
        .filter(|pw| !pw.is_empty())
        .ok_or_else(|| format!("creating {username}: no 初始密码：…（ in the flash {flash:?}"))?;
    eprintln!("  created {username} (officer of {name}, org {value})");
    Ok((password, name))
}

/// Chooses `file` in the import form and submits it; waits for the preview.
async fn upload(c: &Client, file: &Path) -> Result<()> {
    find(c, r#"input[type="file"][name="file"]"#).await?.send_keys(&file.display().to_string()).await?;
    let button = c
        .find(Locator::XPath(r#"//button[normalize-space(.)="上传并检查"]"#))
        .await
        .map_err(|e| format!("no 上传并检查 button: {e}"))?;
    click_and_load(c, &button, &format!("uploading {}", file.display())).await?;
    let messages = page_messages(c).await;
    ensure!(c.find(Locator::Css("main .error")).await.is_err(), "uploading {} was refused: {messages}", file.display());
    Ok(())
}

/// Whether `.admin-main`'s content is wider than the box, and if so whether the box
/// scrolls sideways (rather than clipping the table).
async fn wide_main_scrolls(c: &Client) -> Result<(bool, bool)> {
    let v = c
        .execute(
            "const m = document.querySelector('main.admin-main');
             if (!m) return null;
             const wide = m.scrollWidth > m.clientWidth + 1;
             const x = getComputedStyle(m).overflowX;
             return [wide, !wide || x === 'auto' || x === 'scroll'];",
            vec![],
        )
        .await?;
    let (Some(wide), Some(scrolls)) = (v[0].as_bool(), v[1].as_bool()) else {
        return Err(format!("no main.admin-main on {}", here(c).await).into());
    };
    Ok((wide, scrolls))
}

async fn count(c: &Client, css: &str) -> Result<usize> {
    Ok(c.find_all(Locator::Css(css)).await?.len())
}

/// The 支部党员大会 row of the calendar, for failure messages.
async fn general_meeting_cells(c: &Client) -> Result<String> {
    let v = c
        .execute(
            "const tr = [...document.querySelectorAll('table.calendar tbody tr')]
                 .find(tr => tr.cells[0] && tr.cells[0].textContent.includes('党员大会'));
             return tr ? [...tr.querySelectorAll('span.period')].map(s => s.className + ':' + s.textContent.trim())
                 .join(', ') : 'no 党员大会 row';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// The 支委会 row of the calendar: each period's class and label.
async fn committee_cells(c: &Client) -> Result<String> {
    let v = c
        .execute(
            "const tr = [...document.querySelectorAll('table.calendar tbody tr')]
                 .find(tr => tr.cells[0] && tr.cells[0].textContent.trim() === '支委会');
             return tr ? [...tr.querySelectorAll('span.period')].map(s => s.className + ':' + s.textContent.trim())
                 .join(', ') : 'no 支委会 row';",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_string())
}

/// Progress for the log, so a failure shows where it happened.
fn step(name: &str) {
    eprintln!("step {name}");
}

/// The two roster files the secretary uploads.
struct Spreadsheets {
    /// Row 2 good, row 3 a wrong check digit, row 4 an impossible 出生日期, row 5 row 2's ID again.
    with_errors: PathBuf,
    /// Two good rows, for [`IMPORTED`].
    clean: PathBuf,
}

impl Spreadsheets {
    fn write(dir: &Path) -> Result<Spreadsheets> {
        let good = id_number("110105", "19910412", "003");
        let mut wrong = good.clone();
        let last = wrong.pop().ok_or("empty ID number")?;
        wrong.push(if last == '0' { '1' } else { '0' });
        let feb = id_number("110105", "19900228", "007");
        let with_errors = dir.join("roster-with-errors.xlsx");
        write_roster(
            &with_errors,
            &[
                ["陈知远", "男", "1991-04-12", &good, "13900001234"],
                ["林晓澜", "男", "1991-04-12", &wrong, "13900001235"],
                ["周启航", "男", "1990-02-30", &feb, "13900001236"],
                ["吴思齐", "男", "1991-04-12", &good, "13900001237"],
            ],
        )?;
        let clean = dir.join("roster-clean.xlsx");
        write_roster(
            &clean,
            &[
                [IMPORTED[0], "女", "1993-06-15", &id_number("110105", "19930615", "006"), "13900001238"],
                [IMPORTED[1], "男", "1988-09-23", &id_number("110105", "19880923", "005"), "13900001239"],
            ],
        )?;
        Ok(Spreadsheets { with_errors, clean })
    }
}

/// A roster with the columns 姓名, 性别, 出生日期, 身份证号, 手机号 (all text cells, so
/// that Excel does not turn an 18-digit number into a float).
fn write_roster(path: &Path, rows: &[[&str; 5]]) -> Result<()> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, head) in (0u16..).zip(["姓名", "性别", "出生日期", "身份证号", "手机号"]) {
        sheet.write_string(0, col, head)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, cell) in (0u16..).zip(cells) {
            sheet.write_string(row, col, *cell)?;
        }
    }
    book.save(path)?;
    Ok(())
}

/// An 18-character resident ID number: region, birth date `YYYYMMDD`, sequence and the
/// ISO 7064 MOD 11-2 check character.
fn id_number(region: &str, birth: &str, sequence: &str) -> String {
    let body = format!("{region}{birth}{sequence}");
    assert_eq!(body.len(), 17, "{body}");
    format!("{body}{}", check_char(&body))
}

fn check_char(body: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHARS: &[u8; 11] = b"10X98765432";
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).expect("digit") * w).sum();
    char::from(CHARS[(sum % 11) as usize])
}

#[test]
fn check_characters_match_known_id_numbers() {
    // The sample number of GB 11643, and check characters computed independently.
    assert_eq!(id_number("110105", "19491231", "002"), "11010519491231002X");
    assert_eq!(check_char("11010519900307123"), '9');
    assert_eq!(check_char("44030819990101001"), '2');
    assert_eq!(id_number("110105", "19910412", "003"), "110105199104120036");
}
