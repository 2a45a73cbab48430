//! Helpers for browser tests of the backends: sign in, click and wait for the next page,
//! and report what a page said when a step fails.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use fantoccini::{Client, elements::Element};
use serde_json::Value;

use super::{Result, find, here};

/// How long a navigation may take.
pub const NAV_TIMEOUT: Duration = Duration::from_secs(30);

/// The password every account sets at its first sign-in.
pub const NEW_PASSWORD: &str = "Dangjian#2026new";

/// The messages a page shows (errors, notices, flash) and its heading, for failure reports.
pub async fn page_messages(c: &Client) -> String {
    let js = "return [...document.querySelectorAll('h1, .error, .notice, .flash, [role=alert]')]
                  .map(e => e.innerText.trim()).filter(t => t).join(' | ');";
    match c.execute(js, vec![]).await {
        Ok(Value::String(s)) => s,
        Ok(v) => v.to_string(),
        Err(e) => format!("<cannot read the page: {e}>"),
    }
}

/// Clicks `el` and waits until a new document has loaded (also when it has the same URL,
/// as a form that re-renders itself does). Returns the new path.
pub async fn click_and_load(c: &Client, el: &Element, what: &str) -> Result<String> {
    c.execute("window.__djStale = true;", vec![]).await?;
    el.click().await?;
    let deadline = Instant::now() + NAV_TIMEOUT;
    loop {
        // During the navigation the script may fail; that only means "not yet".
        let fresh = c.execute("return window.__djStale !== true && document.readyState === 'complete';", vec![]).await;
        if matches!(fresh, Ok(Value::Bool(true))) {
            return Ok(c.current_url().await?.path().to_string());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: no new page within {NAV_TIMEOUT:?} (still on {})", here(c).await).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Fails unless the browser is on `want` (a path), with what the page said.
pub async fn expect_path(c: &Client, want: &str, what: &str) -> Result<()> {
    let path = c.current_url().await?.path().to_string();
    ensure!(path == want, "{what}: ended on {path}, wanted {want}; the page says: {}", page_messages(c).await);
    Ok(())
}

pub async fn fill(c: &Client, css: &str, value: &str) -> Result<()> {
    let el = find(c, css).await?;
    el.clear().await?;
    el.send_keys(value).await?;
    Ok(())
}

/// Signs in through `/admin/login`; returns the path the sign-in led to.
pub async fn sign_in(c: &Client, base: &str, username: &str, password: &str) -> Result<String> {
    c.goto(&format!("{base}/admin/login")).await?;
    fill(c, r#"form[action="/admin/login"] input[name="username"]"#, username).await?;
    fill(c, r#"form[action="/admin/login"] input[name="password"]"#, password).await?;
    let button = find(c, r#"form[action="/admin/login"] button[type="submit"]"#).await?;
    let path = click_and_load(c, &button, &format!("signing in as {username}")).await?;
    ensure!(path != "/admin/login", "signing in as {username} failed; the page says: {}", page_messages(c).await);
    Ok(path)
}

/// A first sign-in: the account is sent to `/admin/password` and sets [`NEW_PASSWORD`].
pub async fn first_sign_in(c: &Client, base: &str, username: &str, initial: &str) -> Result<()> {
    let path = sign_in(c, base, username, initial).await?;
    ensure!(
        path == "/admin/password",
        "{username}'s first sign-in led to {path}, wanted /admin/password; the page says: {}",
        page_messages(c).await
    );
    fill(c, r#"form[action="/admin/password"] input[name="current"]"#, initial).await?;
    fill(c, r#"form[action="/admin/password"] input[name="new"]"#, NEW_PASSWORD).await?;
    fill(c, r#"form[action="/admin/password"] input[name="confirm"]"#, NEW_PASSWORD).await?;
    let button = find(c, r#"form[action="/admin/password"] button[type="submit"]"#).await?;
    let path = click_and_load(c, &button, &format!("{username} changing the password")).await?;
    ensure!(
        path == "/admin" || path == "/platform",
        "{username} changing the password ended on {path}, wanted /admin or /platform; the page says: {}",
        page_messages(c).await
    );
    eprintln!("  {username} signed in and set a new password");
    Ok(())
}
