//! `/admin/totp`: binding an authenticator app. A 安全管理员 can make the second factor
//! mandatory per role (setting `totp_required_roles`); such accounts are sent here until
//! they have bound one.

use askama::Template;
use axum::{
    Form,
    extract::State,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_store::{settings, users};
use serde::Deserialize;
use tower_sessions::Session;

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
    totp,
};
use crate::{AppError, AppState};

const PENDING: &str = "totp_pending";

/// Role codes that must use a second factor.
pub async fn required_roles(st: &AppState) -> Result<Vec<String>, AppError> {
    let all = settings::all(&st.db).await?;
    Ok(all
        .get("totp_required_roles")
        .map(|s| s.split(',').map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()).collect())
        .unwrap_or_default())
}

/// Whether this account must bind a second factor before doing anything else.
pub async fn must_enrol(st: &AppState, me: &CurrentUser) -> Result<bool, AppError> {
    if me.user.totp_enabled {
        return Ok(false);
    }
    let req = required_roles(st).await?;
    Ok(me.roles.iter().any(|r| req.iter().any(|c| c == r.code())))
}

#[derive(Template)]
#[template(path = "admin/totp.html")]
struct TotpPage {
    title: &'static str,
    page: Frame,
    enabled: bool,
    required: bool,
    secret: String,
    url: String,
    account: String,
    error: String,
}

async fn render(st: &AppState, me: &CurrentUser, session: &Session, error: String) -> Result<Response, AppError> {
    let mut secret: Option<String> = session.get(PENDING).await.ok().flatten();
    if secret.is_none() && !me.user.totp_enabled {
        let s = totp::new_secret();
        session.insert(PENDING, &s).await.map_err(|e| AppError::Internal(e.to_string()))?;
        secret = Some(s);
    }
    let secret = secret.unwrap_or_default();
    let site = settings::all(&st.db).await?.remove("site_name").unwrap_or_else(|| "机关党建网".into());
    let page = TotpPage {
        title: "双因素认证",
        page: Frame::for_user(me),
        enabled: me.user.totp_enabled,
        required: must_enrol(st, me).await?,
        url: totp::url(&secret, &me.user.username, &site),
        account: me.user.username.clone(),
        secret,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn form(State(st): State<AppState>, me: CurrentUser, session: Session) -> Result<Response, AppError> {
    render(&st, &me, &session, String::new()).await
}

#[derive(Deserialize)]
pub struct Code {
    #[serde(default)]
    code: String,
}

pub async fn enrol(
    State(st): State<AppState>,
    me: CurrentUser,
    session: Session,
    Form(f): Form<Code>,
) -> Result<Response, AppError> {
    let pending: Option<String> = session.get(PENDING).await.ok().flatten();
    let Some(secret) = pending else { return render(&st, &me, &session, "请重新开始绑定".into()).await };
    if !totp::check(&secret, f.code.trim(), &me.user.username) {
        audit_trail::record(&st, Actor::User(&me), "totp.enrol", &me.user.username, audit_trail::FAILURE, "bad code")
            .await?;
        return render(&st, &me, &session, "动态口令不正确，请核对手机时间后重试".into()).await;
    }
    users::set_totp(&st.db, me.user.id, Some(&secret), true).await?;
    let _ = session.remove::<String>(PENDING).await;
    audit_trail::record(&st, Actor::User(&me), "totp.enrol", &me.user.username, audit_trail::SUCCESS, "").await?;
    Ok(Redirect::to("/admin").into_response())
}
