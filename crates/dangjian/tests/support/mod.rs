//! Process plumbing for the browser tests: the real `dangjian` binary, chromedriver
//! and a WebDriver session, all cleaned up even when the test panics.
//!
//! Every child runs in its own process group so that stopping it also stops what it
//! spawned (chromedriver starts Chromium and its helpers; a leaked Chromium keeps
//! running long after the test binary is gone).

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;
use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::{Value, json};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Debian's Chromium; the `chromium-driver` package ships the matching chromedriver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Returns an error from the enclosing function unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {{
        let holds: bool = $cond;
        if !holds {
            return Err(format!($($msg)+).into());
        }
    }};
}

/// A port that was free a moment ago. Racy in principle, fine for a test box.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local_addr").port()
}

/// A child process in its own process group, with its output in a log file.
pub struct Proc {
    name: &'static str,
    child: Option<Child>,
    log: PathBuf,
}

impl Proc {
    pub fn spawn(name: &'static str, mut cmd: Command, log: PathBuf) -> Proc {
        let out = File::create(&log).expect("create log file");
        let err = out.try_clone().expect("clone log file");
        cmd.stdin(Stdio::null()).stdout(out).stderr(err).process_group(0);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name} ({cmd:?}): {e}"));
        Proc { name, child: Some(child), log }
    }

    /// The exit status if the process has already ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.as_mut().and_then(|c| c.try_wait().ok().flatten())
    }

    /// The last `max` bytes of the process's output.
    pub fn log_tail(&self, max: usize) -> String {
        let text = fs::read(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(max);
        String::from_utf8_lossy(&text[start..]).into_owned()
    }

    /// SIGTERM to the whole group, a grace period, then SIGKILL to the group.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let group = format!("-{}", child.id());
        signal_group("TERM", &group);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        // Also reaps helpers that outlived the leader (Chromium's zygotes, renderers).
        signal_group("KILL", &group);
        let _ = child.kill();
        let _ = child.wait();
    }
}

fn signal_group(signal: &str, group: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", group])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
        if thread::panicking() {
            eprintln!(
                "----- last output of {} -----\n{}\n----- end of {} -----",
                self.name,
                self.log_tail(8000),
                self.name
            );
        }
    }
}

/// Polls `GET path` on `addr` until it answers 200, the process dies, or time runs out.
pub fn wait_http_ok(addr: SocketAddr, path: &str, proc: &mut Proc, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    let mut last;
    loop {
        if let Some(status) = proc.exited() {
            panic!("{} exited with {status} before {path} answered 200; output:\n{}", proc.name, proc.log_tail(8000));
        }
        match http_get_status(addr, path) {
            Ok(200) => return,
            Ok(code) => last = format!("status {code}"),
            Err(e) => last = e.to_string(),
        }
        if Instant::now() > deadline {
            panic!(
                "{} did not answer 200 on http://{addr}{path} within {timeout:?} ({last}); output:\n{}",
                proc.name,
                proc.log_tail(8000)
            );
        }
        thread::sleep(Duration::from_millis(250));
    }
}

/// A bare HTTP/1.1 GET, good enough for a health probe; returns the status code.
fn http_get_status(addr: SocketAddr, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")?;
    let mut head = [0u8; 32];
    let mut n = 0;
    while n < 12 {
        let read = stream.read(&mut head[n..])?;
        if read == 0 {
            break;
        }
        n += read;
    }
    let line = String::from_utf8_lossy(&head[..n]);
    line.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not an HTTP answer: {line:?}")))
}

/// The portal under test: `dangjian serve --demo` on a fresh data directory.
pub struct Server {
    pub base: String,
    _proc: Proc,
}

impl Server {
    pub fn start(bin: &str, root: &Path) -> Server {
        let data = root.join("data");
        fs::create_dir_all(&data).unwrap();
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut cmd = Command::new(bin);
        cmd.arg("serve")
            .arg("--listen")
            .arg(addr.to_string())
            .arg("--data")
            .arg(&data)
            .arg("--demo")
            // No stray dangjian.toml from the workspace, no DANGJIAN_* from the caller.
            .current_dir(root);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("DANGJIAN_") {
                cmd.env_remove(key);
            }
        }
        let mut proc = Proc::spawn("dangjian serve", cmd, root.join("server.log"));
        // The first start generates the demo content, which takes a while.
        wait_http_ok(addr, "/healthz", &mut proc, Duration::from_secs(60));
        Server { base: format!("http://{addr}"), _proc: proc }
    }
}

/// chromedriver plus one Chromium session with a throw-away profile.
pub struct Browser {
    pub client: Client,
    driver: Proc,
}

impl Browser {
    pub async fn start(root: &Path) -> Browser {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            // With the feature on, a missing browser is a failure, not a skip.
            assert!(
                Path::new(bin).exists(),
                "{bin} is missing: install Debian's chromium, chromium-driver and fonts-noto-cjk \
                 (.ci/run does) or run without --features browser-tests"
            );
        }
        let home = root.join("driver-home");
        let tmp = root.join("driver-tmp");
        let profile = root.join("chromium-profile");
        for dir in [&home, &tmp, &profile] {
            fs::create_dir_all(dir).unwrap();
        }
        let port = free_port();
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let mut cmd = Command::new(CHROMEDRIVER);
        cmd.arg(format!("--port={port}"))
            .env("HOME", &home)
            .env("TMPDIR", &tmp)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_CACHE_HOME")
            .current_dir(root);
        let mut driver = Proc::spawn("chromedriver", cmd, root.join("chromedriver.log"));
        wait_http_ok(addr, "/status", &mut driver, Duration::from_secs(30));

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        let client = ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(caps)
            .connect(&format!("http://{addr}"))
            .await
            .unwrap_or_else(|e| {
                panic!("cannot open a Chromium session: {e}\nchromedriver output:\n{}", driver.log_tail(8000))
            });
        let browser = Browser { client, driver };
        browser
            .client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(30)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .expect("set WebDriver timeouts");
        browser
    }

    /// Ends the session (Chromium exits), then stops chromedriver and its group.
    pub async fn shutdown(mut self) {
        let closing = tokio::time::timeout(Duration::from_secs(15), self.client.clone().close());
        if let Err(e) = closing.await.map_err(|_| "timed out".to_string()).and_then(|r| r.map_err(|e| e.to_string())) {
            eprintln!("closing the WebDriver session failed: {e}");
        }
        self.driver.stop();
    }
}

/// Sizes the window so that the *viewport* is exactly `width`×`height` CSS pixels.
pub async fn set_viewport(c: &Client, width: u32, height: u32) -> Result<()> {
    c.set_window_size(width, height).await?;
    let mut seen = (0, 0);
    for _ in 0..5 {
        let v = c
            .execute("return [window.innerWidth, window.innerHeight, window.outerWidth, window.outerHeight];", vec![])
            .await?;
        let n = |i: usize| v[i].as_i64().unwrap_or(0);
        let (iw, ih, ow, oh) = (n(0), n(1), n(2), n(3));
        seen = (iw, ih);
        if iw == i64::from(width) && ih == i64::from(height) {
            return Ok(());
        }
        let w = i64::from(width) + (ow - iw);
        let h = i64::from(height) + (oh - ih);
        c.set_window_size(w.try_into()?, h.try_into()?).await?;
    }
    Err(format!("viewport is {}x{}, wanted {width}x{height}", seen.0, seen.1).into())
}

/// Waits up to five seconds for an element to appear.
pub async fn find(c: &Client, css: &str) -> Result<Element> {
    match c.wait().at_most(Duration::from_secs(5)).for_element(Locator::Css(css)).await {
        Ok(el) => Ok(el),
        Err(e) => Err(format!("no element matches `{css}` on {}: {e}", here(c).await).into()),
    }
}

/// The current URL, for messages.
pub async fn here(c: &Client) -> String {
    match c.current_url().await {
        Ok(url) => url.to_string(),
        Err(e) => format!("<unknown page: {e}>"),
    }
}

/// Polls `check` (a JS expression returning a boolean) for up to five seconds.
pub async fn wait_js(c: &Client, check: &str) -> Result<bool> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let v = c.execute(&format!("return !!({check});"), vec![]).await?;
        if v == Value::Bool(true) {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls until the URL path differs from `before` (after a click that navigates).
pub async fn wait_path_change(c: &Client, before: &str) -> Result<String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let path = c.current_url().await?.path().to_string();
        if path != before {
            return Ok(path);
        }
        if Instant::now() > deadline {
            return Err(format!("still on {before} ten seconds after the click").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Evaluates a JS expression that yields a number.
pub async fn js_f64(c: &Client, expr: &str) -> Result<f64> {
    let v = c.execute(&format!("return ({expr});"), vec![]).await?;
    v.as_f64().ok_or_else(|| format!("`{expr}` gave {v}, not a number").into())
}

/// The first run of ASCII digits in `text`.
pub fn first_integer(text: &str) -> Option<u64> {
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// Fails with the offending elements when the page scrolls sideways.
pub async fn assert_no_horizontal_overflow(c: &Client, what: &str) -> Result<()> {
    let v = c
        .execute(
            r#"
            const doc = document.documentElement;
            const limit = doc.clientWidth;
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
                const r = el.getBoundingClientRect();
                if (r.width > 0 && r.right > limit + 1) {
                    let name = el.tagName.toLowerCase();
                    if (el.id) name += '#' + el.id;
                    if (typeof el.className === 'string' && el.className.trim())
                        name += '.' + el.className.trim().split(/\s+/).join('.');
                    wide.push(name + ' right=' + Math.round(r.right));
                    if (wide.length >= 8) break;
                }
            }
            return {scroll: doc.scrollWidth, client: limit, inner: window.innerWidth, wide};
            "#,
            vec![],
        )
        .await?;
    let scroll = v["scroll"].as_i64().unwrap_or(i64::MAX);
    let client = v["client"].as_i64().unwrap_or(0);
    let inner = v["inner"].as_i64().unwrap_or(0);
    ensure!(
        scroll <= client && scroll <= inner,
        "{what}: horizontal overflow, scrollWidth {scroll} > viewport {client} (innerWidth {inner}); \
         elements sticking out: {}",
        v["wide"]
    );
    Ok(())
}

/// Saves a full-page PNG under `dir`.
///
/// WebDriver only shoots the viewport, and growing the window to the page height
/// fights Chromium's window-size limits, so this asks Chromium directly (DevTools
/// `Page.captureScreenshot` through chromedriver) and falls back to the viewport.
pub async fn screenshot(c: &Client, dir: &Path, name: &str) -> Result<PathBuf> {
    fs::create_dir_all(dir)?;
    let png = match full_page_png(c).await {
        Ok(png) => png,
        Err(e) => {
            eprintln!("full-page screenshot failed ({e}); saving the viewport only");
            c.screenshot().await?
        }
    };
    let path = dir.join(name);
    fs::write(&path, png)?;
    eprintln!("screenshot: {}", path.display());
    Ok(path)
}

async fn full_page_png(c: &Client) -> Result<Vec<u8>> {
    let size = c
        .execute(
            "return [window.innerWidth, Math.max(document.documentElement.scrollHeight, \
             document.body ? document.body.scrollHeight : 0, window.innerHeight)];",
            vec![],
        )
        .await?;
    let width = size[0].as_f64().ok_or("no page width")?;
    let height = size[1].as_f64().ok_or("no page height")?.min(20_000.0);
    let shot = c
        .issue_cmd(Cdp {
            cmd: "Page.captureScreenshot",
            params: json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            }),
        })
        .await?;
    let data = shot["data"].as_str().ok_or_else(|| format!("Page.captureScreenshot answered {shot}"))?;
    Ok(base64::engine::general_purpose::STANDARD.decode(data)?)
}

/// Renders the page for `media` ("print" or "" for the screen), as Chromium's print
/// preview would lay it out: print style sheets apply, while the window keeps its size.
#[allow(dead_code)] // browser.rs prints nothing; browser_kaohe.rs prints 群众评价 cards.
pub async fn emulate_media(c: &Client, media: &str) -> Result<()> {
    c.issue_cmd(Cdp { cmd: "Emulation.setEmulatedMedia", params: json!({ "media": media }) }).await?;
    Ok(())
}

/// A Chrome DevTools command sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

impl Server {
    /// Everything the server has written so far (stdout and stderr share one log file):
    /// the first start prints the one-time admin password there.
    #[allow(dead_code)] // browser.rs does not need it; browser_editorial.rs does.
    pub fn output(&self) -> String {
        self._proc.log_tail(usize::MAX)
    }
}

// After the macros above, which it uses.
pub mod backend;

/// `<workspace>/screenshots` (git ignores the PNGs in it).
pub fn screenshot_dir() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    match crate_dir.parent().and_then(Path::parent) {
        Some(workspace) => workspace.join("screenshots"),
        None => crate_dir.join("screenshots"),
    }
}

/// Runs a browser scenario to the end and reports it like a test.
///
/// The scenario runs in its own task so that a failed assertion (a panic) comes back here
/// as a value, and within `limit` so that an unforeseen hang becomes a failure: on
/// failure the page is saved as `screenshots/<name>-failure.png`; either way the session
/// is closed and chromedriver stopped before the outcome is re-raised. The caller keeps
/// its `Server` alive past this call: if the panic unwinds, its guard prints the
/// server's last output before stopping it.
pub async fn drive<F, Fut>(browser: Browser, name: &str, limit: Duration, scenario: F)
where
    F: FnOnce(Client) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<()>> + Send + 'static,
{
    let failure_shot = format!("{name}-failure.png");
    // A failure shot from an earlier run would mislead whoever looks at the folder.
    let _ = fs::remove_file(screenshot_dir().join(&failure_shot));
    let client = browser.client.clone();
    let outcome = tokio::spawn(async move {
        let result = match tokio::time::timeout(limit, scenario(client.clone())).await {
            Ok(result) => result,
            Err(_) => Err(format!("scenario still running after {limit:?}").into()),
        };
        if let Err(e) = &result {
            eprintln!("scenario failed on {}: {e}", here(&client).await);
        }
        result
    })
    .await;
    if !matches!(outcome, Ok(Ok(()))) {
        let dir = screenshot_dir();
        let shot = screenshot(&browser.client, &dir, &failure_shot);
        let _ = tokio::time::timeout(Duration::from_secs(30), shot).await;
    }
    browser.shutdown().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("{name} browser scenario failed: {e}"),
        Err(join) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
        Err(join) => panic!("{name} browser scenario did not finish: {join}"),
    }
}

/// The desktop and phone viewports every browser suite uses.
#[allow(dead_code)] // cli.rs drives no browser.
pub const DESKTOP: (u32, u32) = (1280, 900);
#[allow(dead_code)]
pub const PHONE: (u32, u32) = (390, 844);

/// The one-time password on the first line of the server's output that contains both
/// `一次性密码：` and `marker` (`账号 admin`, `gongwei，一次性密码：`); it ends at `（` when a
/// remark follows. The server prints it before it starts answering; a slow flush is allowed.
#[allow(dead_code)] // browser.rs and browser_media.rs need no password.
pub fn one_time_password(server: &Server, marker: &str) -> String {
    const MARK: &str = "一次性密码：";
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let out = server.output();
        if let Some(line) = out.lines().find(|l| l.contains(MARK) && l.contains(marker)) {
            let rest = line.split(MARK).nth(1).unwrap_or_default();
            let pw = rest.split('（').next().unwrap_or_default().trim();
            assert!(!pw.is_empty(), "the one-time password line is empty: {line:?}");
            return pw.to_string();
        }
        assert!(Instant::now() < deadline, "the server printed no line with {MARK} and {marker}; output:\n{out}");
        std::thread::sleep(Duration::from_millis(100));
    }
}
