//! Sign-in, sign-out and password change, with lockout, TOTP and forced changes.

use askama::Template;
use axum::{
    Form,
    extract::State,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::clock;
use dangjian_store::users::{self, failures};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    audit_trail::{self, Actor},
    current::{Client, CurrentUser, LOGIN_AT, UID},
    nav::Frame,
    passwords,
};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    title: &'static str,
    page: Frame,
    error: String,
    username: String,
    max_failures: usize,
    lock_minutes: i64,
}

fn login_page(st: &AppState, error: String, username: String) -> Result<Response, AppError> {
    let p = LoginPage {
        title: "登录",
        page: Frame::anonymous(),
        error,
        username,
        max_failures: st.config.lockout.max_failures,
        lock_minutes: st.config.lockout.lock_micros / 60_000_000,
    };
    Ok(Html(p.render()?).into_response())
}

pub async fn login_form(State(st): State<AppState>) -> Result<Response, AppError> {
    login_page(&st, String::new(), String::new())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: String,
}

/// Lock state of an account name and a client address.
async fn locked_until(st: &AppState, subjects: &[&str], now: i64) -> Result<Option<i64>, AppError> {
    let mut until = None;
    for s in subjects {
        let f = failures::since(&st.db, s, st.config.lockout.horizon(now)).await?;
        until = until.max(st.config.lockout.locked_until(&f, now));
    }
    Ok(until)
}

pub async fn login(
    State(st): State<AppState>,
    client: Client,
    session: Session,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let now = clock::now_micros();
    let username = f.username.trim().to_owned();
    if username.is_empty() || f.password.is_empty() || username.chars().count() > 64 || f.password.len() > 1024 {
        return login_page(&st, "请输入用户名和密码".into(), username);
    }
    let user_subject = format!("user:{username}");
    let ip_subject = format!("ip:{}", client.ip);
    let subjects = [user_subject.as_str(), ip_subject.as_str()];
    let named = |user_id| Actor::Named { user_id, username: &username, client: &client };

    if let Some(until) = locked_until(&st, &subjects, now).await? {
        audit_trail::record(&st, named(None), "login", &username, audit_trail::DENIED, "locked").await?;
        let at = &clock::format_datetime(until)[11..16];
        return login_page(&st, format!("登录失败次数过多，账号或来源地址已被锁定，请于 {at} 后再试"), username);
    }
    let user = users::by_username(&st.db, &username).await?;
    let ok = passwords::verify(f.password.clone(), user.as_ref().map(|u| u.password_hash.clone())).await;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        other => {
            failures::record(&st.db, &subjects, now).await?;
            let detail = match &other {
                None => "no such account",
                Some(u) if u.disabled => "account disabled",
                Some(_) => "wrong password",
            };
            audit_trail::record(&st, named(other.map(|u| u.id)), "login", &username, audit_trail::FAILURE, detail)
                .await?;
            return login_page(&st, "用户名或密码错误".into(), username);
        }
    };
    if user.totp_enabled {
        let good = user.totp_secret.as_deref().is_some_and(|s| super::totp::check(s, f.totp.trim(), &username));
        if !good {
            failures::record(&st.db, &subjects, now).await?;
            audit_trail::record(&st, named(Some(user.id)), "login", &username, audit_trail::FAILURE, "bad totp")
                .await?;
            return login_page(&st, "动态口令错误或已过期".into(), username);
        }
    }
    failures::clear(&st.db, &user_subject).await?;
    // A new session id at sign-in: an id planted before sign-in is worthless after it.
    session.cycle_id().await.map_err(|e| AppError::Internal(e.to_string()))?;
    session.insert(UID, user.id).await.map_err(|e| AppError::Internal(e.to_string()))?;
    session.insert(LOGIN_AT, now).await.map_err(|e| AppError::Internal(e.to_string()))?;
    users::touch_login(&st.db, user.id, now).await?;
    audit_trail::record(&st, named(Some(user.id)), "login", &username, audit_trail::SUCCESS, "").await?;
    let must_change = user.must_change_password || st.config.password_policy.expired(user.password_changed_at, now);
    Ok(Redirect::to(if must_change { "/admin/password" } else { "/admin" }).into_response())
}

pub async fn logout(State(st): State<AppState>, client: Client, session: Session) -> Result<Response, AppError> {
    let uid: Option<i64> = session.get(UID).await.ok().flatten();
    if let Some(uid) = uid {
        let name = users::by_id(&st.db, uid).await.map(|u| u.username).unwrap_or_default();
        audit_trail::record(
            &st,
            Actor::Named { user_id: Some(uid), username: &name, client: &client },
            "logout",
            &name,
            audit_trail::SUCCESS,
            "",
        )
        .await?;
    }
    // Removes the record from the store and clears the cookie.
    session.flush().await.map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/admin/login").into_response())
}

#[derive(Template)]
#[template(path = "admin/password.html")]
struct PasswordPage {
    title: &'static str,
    page: Frame,
    error: String,
    must_change: bool,
    reason: &'static str,
    min_len: usize,
    min_classes: usize,
    history: usize,
    max_age: u32,
}

fn password_page(st: &AppState, me: &CurrentUser, error: String) -> Result<Response, AppError> {
    let p = &st.config.password_policy;
    let expired = p.expired(me.user.password_changed_at, clock::now_micros());
    let page = PasswordPage {
        title: "修改密码",
        page: Frame::for_user(me),
        error,
        must_change: me.user.must_change_password || expired,
        reason: if me.user.must_change_password {
            "首次登录或密码被重置后，须先设置新密码。"
        } else {
            "您的密码已超过有效期，须设置新密码后才能继续使用。"
        },
        min_len: p.min_len,
        min_classes: p.min_classes,
        history: p.history,
        max_age: p.max_age_days,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn password_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    password_page(&st, &me, String::new())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let policy = &st.config.password_policy;
    if !passwords::verify(f.current.clone(), Some(me.user.password_hash.clone())).await {
        audit_trail::record(
            &st,
            Actor::User(&me),
            "password.change",
            &me.user.username,
            audit_trail::FAILURE,
            "wrong current password",
        )
        .await?;
        return password_page(&st, &me, "当前密码不正确".into());
    }
    if f.new != f.confirm {
        return password_page(&st, &me, "两次输入的新密码不一致".into());
    }
    if let Err(p) = policy.check(&me.user.username, &f.new) {
        return password_page(&st, &me, p.to_string());
    }
    for old in users::recent_password_hashes(&st.db, me.user.id, policy.history as i64).await? {
        if passwords::verify(f.new.clone(), Some(old)).await {
            return password_page(&st, &me, policy.reuse_problem().to_string());
        }
    }
    let hash = passwords::hash(f.new.clone()).await?;
    users::set_password(&st.db, me.user.id, &hash, false, clock::now_micros()).await?;
    audit_trail::record(&st, Actor::User(&me), "password.change", &me.user.username, audit_trail::SUCCESS, "").await?;
    Ok(Redirect::to("/admin?changed=1").into_response())
}
