//! Accounts from the command line: the first administrator, and `admin create`.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, bail};
use dangjian_domain::{
    clock,
    password::PasswordPolicy,
    roles::{self, Role},
};
use dangjian_store::{
    Db, StoreError,
    audit::{self, NewEvent},
    users,
};
use dangjian_web::admin::passwords;

/// On the first start with no accounts, creates `admin` (安全管理员) with a random
/// one-time password printed once on the console. There is never a default password.
pub async fn bootstrap_admin(db: &Db) -> anyhow::Result<()> {
    if users::count(db).await? > 0 {
        return Ok(());
    }
    let password = passwords::random_password();
    let hash = passwords::hash(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let new = users::NewUser {
        username: "admin",
        display_name: "安全管理员",
        password_hash: &hash,
        roles: &[Role::Secadmin.code()],
        must_change_password: true,
        source_unit: "",
        review_level: 0,
        channels: &[],
        org_id: None,
        member_id: None,
    };
    match users::create(db, &new, clock::now_micros()).await {
        Ok(_) => {}
        // Another node created it at the same moment: it printed the password.
        Err(StoreError::Conflict(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    }
    audit_cli(db, "user.create", "admin", "bootstrap").await?;
    println!("首次启动：已创建安全管理员账号 admin，一次性密码：{password}");
    println!("请立即登录 /admin/login 修改密码，并创建系统管理员、审计管理员账号（三员分立）。");
    Ok(())
}

async fn audit_cli(db: &Db, action: &str, target: &str, detail: &str) -> anyhow::Result<()> {
    let who = std::env::var("USER").unwrap_or_else(|_| "cli".into());
    audit::append(
        db,
        &NewEvent {
            at: clock::now_micros(),
            user_id: None,
            username: format!("cli:{who}"),
            client_ip: "local".into(),
            request_id: "-".into(),
            action: action.into(),
            target: target.into(),
            outcome: "success".into(),
            detail: detail.into(),
        },
    )
    .await?;
    Ok(())
}

/// The password for `admin create`: `DANGJIAN_PASSWORD`, or typed twice at a prompt.
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("DANGJIAN_PASSWORD") {
        return Ok(p);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!("no password: set DANGJIAN_PASSWORD or run on a terminal to be asked");
    }
    let ask = |prompt: &str| -> anyhow::Result<String> {
        eprint!("{prompt}");
        std::io::stderr().flush()?;
        let mut line = String::new();
        stdin.lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    };
    let a = ask("密码: ")?;
    let b = ask("再次输入: ")?;
    if a != b {
        bail!("两次输入的密码不一致 (passwords differ)");
    }
    Ok(a)
}

pub async fn admin_create(db: &Db, args: &crate::cli::AdminCreateArgs) -> anyhow::Result<()> {
    let mut roles = Vec::new();
    for code in &args.roles {
        roles.push(Role::from_code(code).with_context(|| {
            format!(
                "unknown role {code}; use one of: {}",
                Role::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
            )
        })?);
    }
    roles::check_combination(&roles).map_err(|e| anyhow::anyhow!("{e}"))?;
    let name = args.username.trim();
    if !(3..=64).contains(&name.len()) || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
        bail!("用户名须为 3–64 位字母、数字、下划线、点或连字符 (invalid username)");
    }
    if let Some(org) = args.org {
        dangjian_store::orgs::get(db, org).await.map_err(|_| anyhow::anyhow!("organisation {org} does not exist"))?;
    }
    if roles.contains(&Role::Officer) && args.org.is_none() {
        bail!("an officer needs --org ID (the organisation they work in)");
    }
    if let Some(member) = args.member {
        dangjian_store::members::get(db, member)
            .await
            .map_err(|_| anyhow::anyhow!("member {member} does not exist"))?;
        if !roles.contains(&Role::Member) && !roles.contains(&Role::Officer) {
            bail!("--member binds a member or officer account to a member record");
        }
    }
    let password = read_password()?;
    PasswordPolicy::default().check(name, &password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let hash = passwords::hash(password).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let new = users::NewUser {
        username: name,
        display_name: &args.display_name,
        password_hash: &hash,
        roles: &codes,
        must_change_password: false,
        source_unit: "",
        review_level: 0,
        channels: &[],
        org_id: args.org,
        member_id: args.member,
    };
    match users::create(db, &new, clock::now_micros()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(m)) if m.contains("党员") => {
            bail!("{m} (member {:?} already has an account)", args.member)
        }
        Err(StoreError::Conflict(_)) => bail!("用户名 {name} 已存在 (username taken)"),
        Err(e) => return Err(e.into()),
    }
    audit_cli(db, "user.create", name, &codes.join(",")).await?;
    println!("已创建账号 {name}（{}）", roles.iter().map(|r| r.name()).collect::<Vec<_>>().join("、"));
    Ok(())
}

/// With `serve --demo`: an officer account of the 工委 (so the platform can be tried at
/// once), with a one-time password printed like the administrator's.
pub async fn demo_officer(db: &Db) -> anyhow::Result<()> {
    let Some(root) = dangjian_store::orgs::all(db).await?.into_iter().find(|o| o.parent_id.is_none()) else {
        return Ok(());
    };
    if users::by_username(db, "gongwei").await?.is_some() {
        return Ok(());
    }
    let password = passwords::random_password();
    let hash = passwords::hash(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let new = users::NewUser {
        username: "gongwei",
        display_name: "工委组织部",
        password_hash: &hash,
        roles: &[Role::Officer.code()],
        must_change_password: true,
        source_unit: "",
        review_level: 0,
        channels: &[],
        org_id: Some(root.id),
        member_id: None,
    };
    users::create(db, &new, clock::now_micros()).await?;
    audit_cli(db, "user.create", "gongwei", "demo officer").await?;
    println!("演示：已创建工委党务干部账号 gongwei，一次性密码：{password}（登录后进入 /platform）");
    Ok(())
}
