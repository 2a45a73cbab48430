//! The real binary: migrate, demo, serve, graceful shutdown, and bad input.

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use dangjian_store::{ConnectOptions, Db, articles, channels};

const BIN: &str = env!("CARGO_BIN_EXE_dangjian");

fn dangjian(data: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.arg("--data").arg(data).env_remove("RUST_LOG");
    for (k, _) in std::env::vars() {
        if k.starts_with("DANGJIAN_") {
            c.env_remove(k);
        }
    }
    c
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A minimal HTTP/1.1 GET; returns status and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(s, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    Some((status, body))
}

fn wait_ready(port: u16, child: &mut Child) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Some((200, _)) = get(port, "/healthz") {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("server exited early: {status}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("server did not become ready");
}

async fn open(data: &Path) -> Db {
    Db::open(&ConnectOptions { url: None, data_dir: data.to_owned(), create: false, max_connections: 2 }).await.unwrap()
}

#[test]
fn serve_without_a_database_explains_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = dangjian(dir.path()).args(["serve", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("does not exist") && err.contains("dangjian migrate"), "{err}");
    assert!(!dir.path().join("dangjian.db").exists(), "no silent empty database");
}

#[test]
fn bad_configuration_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dangjian(dir.path()).args(["--config", "/nonexistent.toml", "migrate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = dangjian(dir.path()).env("DANGJIAN_FLUSH_INTERVAL_MS", "60000").arg("migrate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("flush_interval_ms"));
    let out = dangjian(dir.path()).args(["demo", "--articles", "lots"]).output().unwrap();
    assert!(!out.status.success());
}

#[tokio::test]
async fn migrate_then_demo_fills_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dangjian(dir.path()).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = dangjian(dir.path()).args(["demo", "--articles", "300"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let db = open(dir.path()).await;
    assert_eq!(articles::count_all(&db).await.unwrap(), 300);
    assert_eq!(channels::list(&db).await.unwrap().len(), 9);
    // A second fill is refused and writes nothing.
    let out = dangjian(dir.path()).args(["demo", "--articles", "5"]).output().unwrap();
    assert!(!out.status.success());
    assert_eq!(articles::count_all(&db).await.unwrap(), 300);
}

#[tokio::test]
async fn sigterm_flushes_pending_views() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = dangjian(dir.path())
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        // Flush only once a second, so the views below are still pending at SIGTERM.
        .env("DANGJIAN_FLUSH_INTERVAL_MS", "1000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port, &mut child);
    let (status, home) = get(port, "/").unwrap();
    assert_eq!(status, 200);
    assert!(home.contains("更多&gt;&gt;"));
    let id: i64 = {
        let s = home.find("href=\"/article/").unwrap() + "href=\"/article/".len();
        home[s..s + home[s..].find('"').unwrap()].parse().unwrap()
    };
    let db = open(dir.path()).await;
    let before = articles::views(&db, id).await.unwrap();
    for _ in 0..7 {
        assert_eq!(get(port, &format!("/article/{id}")).unwrap().0, 200);
    }
    let kill = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "server did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    assert_eq!(articles::views(&db, id).await.unwrap() - before, 7, "every pending view written at shutdown");
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(out.contains(&format!("http://127.0.0.1:{port}/")), "prints the address: {out}");
}

#[tokio::test]
async fn first_start_prints_a_one_time_admin_password_and_admin_create_works() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = dangjian(dir.path())
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_ready(port, &mut child);
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let _ = child.wait();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    let line = out
        .lines()
        .find(|l| l.contains("一次性密码：") && l.contains("账号 admin"))
        .unwrap_or_else(|| panic!("no password printed: {out}"));
    let pw = line.split("一次性密码：").nth(1).unwrap().trim();
    assert!(dangjian_domain::password::PasswordPolicy::default().check("admin", pw).is_ok(), "{pw}");
    let db = open(dir.path()).await;
    let admin = dangjian_store::users::by_username(&db, "admin").await.unwrap().unwrap();
    assert!(admin.must_change_password);
    // The demo also made the 工委's officer, with its own one-time password and the 智慧党建 data.
    assert!(out.contains("gongwei，一次性密码："), "{out}");
    let officer = dangjian_store::users::by_username(&db, "gongwei").await.unwrap().unwrap();
    assert!(dangjian_store::users::platform_binding(&db, officer.id).await.unwrap().0.is_some());
    assert!(dangjian_store::members::counts(&db).await.unwrap().iter().map(|c| c.2).sum::<i64>() >= 3000);
    assert!(dir.path().join("pii.key").exists(), "the personal-data key was written");
    assert_eq!(dangjian_store::users::roles(&db, admin.id).await.unwrap(), ["secadmin"]);

    // admin create: password from the environment, policy and 三员 enforced.
    let run = |args: &[&str], pw: &str| dangjian(dir.path()).args(args).env("DANGJIAN_PASSWORD", pw).output().unwrap();
    let ok =
        run(&["admin", "create", "--username", "editor1", "--role", "editor", "--role", "reviewer"], "Edit#2024ok");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let weak = run(&["admin", "create", "--username", "weak1", "--role", "editor"], "password");
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("至少"));
    let combo =
        run(&["admin", "create", "--username", "combo", "--role", "sysadmin", "--role", "auditor"], "Edit#2024ok");
    assert!(String::from_utf8_lossy(&combo.stderr).contains("三员分立"));
    let bad = run(&["admin", "create", "--username", "x1x", "--role", "root"], "Edit#2024ok");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown role"));
    let dup = run(&["admin", "create", "--username", "editor1", "--role", "editor"], "Edit#2024ok");
    assert!(String::from_utf8_lossy(&dup.stderr).contains("已存在"));
    assert!(dangjian_store::users::by_username(&db, "weak1").await.unwrap().is_none());
    // --member binds a member's account to their record; an unknown record is refused.
    let orgs: Vec<i64> = dangjian_store::orgs::all(&db).await.unwrap().iter().map(|o| o.id).collect();
    let first = dangjian_store::members::in_orgs(&db, &orgs).await.unwrap()[0].id;
    let bound = run(
        &["admin", "create", "--username", "dangyuan", "--role", "member", "--member", &first.to_string()],
        "Edit#2024ok",
    );
    assert!(bound.status.success(), "{}", String::from_utf8_lossy(&bound.stderr));
    let user = dangjian_store::users::by_username(&db, "dangyuan").await.unwrap().unwrap();
    assert_eq!(dangjian_store::users::platform_binding(&db, user.id).await.unwrap().1, Some(first));
    let unknown =
        run(&["admin", "create", "--username", "nobody", "--role", "member", "--member", "99999999"], "Edit#2024ok");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("does not exist"));

    // audit verify: intact, then broken by a direct edit.
    let v = dangjian(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
    dangjian_store::on_pool!(db, |p| sqlx::query("UPDATE audit_log SET detail = 'forged' WHERE id = 1")
        .execute(p)
        .await
        .map(|_| ()))
    .unwrap();
    let v = dangjian(dir.path()).args(["audit", "verify"]).output().unwrap();
    assert!(!v.status.success());
    assert!(String::from_utf8_lossy(&v.stdout).contains("broken at record 1"));
}

#[test]
fn reindex_rebuilds_the_search_index_and_serve_rebuilds_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dangjian(dir.path()).args(["demo", "--articles", "120", "--members", "0"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = dangjian(dir.path()).arg("reindex").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout.lines().find(|l| l.contains("搜索索引已重建")).unwrap_or_else(|| panic!("{stdout}"));
    let n: u64 = line.split('：').nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(n > 50, "{line}");
    assert!(dir.path().join("index").join("meta.json").exists());

    let search = |port: u16| {
        let (status, body) = get(port, "/search?q=%E5%85%9A%E5%BB%BA").unwrap(); // 党建
        assert_eq!(status, 200);
        body
    };
    let serve = |port: u16| {
        let mut child = dangjian(dir.path())
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        wait_ready(port, &mut child);
        child
    };
    let stop = |mut child: Child| {
        Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
        assert!(child.wait().unwrap().success());
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        out
    };
    // The index reindex built is used as it is.
    let port = free_port();
    let child = serve(port);
    let body = search(port);
    assert!(body.contains("找到相关结果") && body.contains("<mark>党建</mark>"), "{body}");
    let out = stop(child);
    assert!(!out.contains("搜索索引已重建"), "an existing index is not rebuilt: {out}");
    // Without an index, serve rebuilds it before answering.
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let port = free_port();
    let child = serve(port);
    assert!(search(port).contains("找到相关结果"));
    let out = stop(child);
    assert!(out.contains(&format!("搜索索引已重建：{n} 篇")), "{out}");
}
