//! Who is asking: the signed-in account (from the session) and the client's address.

use std::net::{IpAddr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, roles::Role};
use dangjian_store::users::{self, User};
use tower_sessions::Session;

use crate::{AppError, AppState};

/// Session keys.
pub const UID: &str = "uid";
pub const LOGIN_AT: &str = "login_at";

/// The client address and request id, for the audit log and login throttling.
#[derive(Debug, Clone)]
pub struct Client {
    pub ip: String,
    pub request_id: String,
}

/// The client address: the socket peer, or — only when the peer is a configured trusted
/// proxy — the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> String {
    let Some(peer) = peer else { return "unknown".into() };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter_map(|s| s.parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded.into_iter().rev().find(|ip| !trusted.contains(ip)).unwrap_or(peer).to_string()
}

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(Client {
            ip: client_ip(peer, &parts.headers, &st.config.trusted_proxies),
            request_id: parts.headers.get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_owned(),
        })
    }
}

/// The signed-in account with its roles. Extracting it from an anonymous request
/// redirects to the sign-in page.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub roles: Vec<Role>,
    pub client: Client,
}

impl CurrentUser {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Refuses with 403 unless the account holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.iter().any(|r| self.has(*r)) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn role_names(&self) -> String {
        self.roles.iter().map(|r| r.name()).collect::<Vec<_>>().join("、")
    }
}

/// Why there is no usable signed-in account.
pub enum NoUser {
    /// Not signed in, or the session ran out: go and sign in.
    SignIn,
    /// Signed in, but must set a new password first.
    ChangePassword,
    /// Signed in, but the role requires a second factor that is not bound yet.
    EnrolTotp,
    Error(AppError),
}

impl IntoResponse for NoUser {
    fn into_response(self) -> Response {
        match self {
            NoUser::SignIn => Redirect::to("/admin/login").into_response(),
            NoUser::ChangePassword => Redirect::to("/admin/password").into_response(),
            NoUser::EnrolTotp => Redirect::to("/admin/totp").into_response(),
            NoUser::Error(e) => e.into_response(),
        }
    }
}

/// Loads the account behind the session, enforcing the absolute session lifetime.
pub async fn load(parts: &mut Parts, st: &AppState) -> Result<Option<CurrentUser>, AppError> {
    let session = Session::from_request_parts(parts, st)
        .await
        .map_err(|(_, m)| AppError::Internal(format!("session layer missing: {m}")))?;
    let uid: Option<i64> = session.get(UID).await.map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(uid) = uid else { return Ok(None) };
    let login_at: i64 = session.get(LOGIN_AT).await.ok().flatten().unwrap_or(0);
    if clock::now_micros() - login_at > st.config.session_absolute.as_micros() as i64 {
        let _ = session.flush().await;
        return Ok(None);
    }
    let user = match users::by_id(&st.db, uid).await {
        Ok(u) if !u.disabled => u,
        Ok(_) | Err(dangjian_store::StoreError::NotFound) => {
            let _ = session.flush().await;
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    let roles = users::roles(&st.db, uid).await?.iter().filter_map(|c| Role::from_code(c)).collect();
    let client = Client::from_request_parts(parts, st).await.unwrap_or_else(|e| match e {});
    Ok(Some(CurrentUser { user, roles, client }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = NoUser;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let u = load(parts, st).await.map_err(NoUser::Error)?.ok_or(NoUser::SignIn)?;
        let expired = st.config.password_policy.expired(u.user.password_changed_at, clock::now_micros());
        if (u.user.must_change_password || expired) && parts.uri.path() != "/admin/password" {
            return Err(NoUser::ChangePassword);
        }
        let path = parts.uri.path();
        if path != "/admin/totp"
            && path != "/admin/password"
            && super::totp_setup::must_enrol(st, &u).await.map_err(NoUser::Error)?
        {
            return Err(NoUser::EnrolTotp);
        }
        Ok(u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", "1.1.1.1, 203.0.113.9".parse().unwrap());
        // Untrusted peer: the header is ignored (a client can write anything there).
        assert_eq!(client_ip(Some("198.51.100.7".parse().unwrap()), &h, &[proxy]), "198.51.100.7");
        // Trusted proxy: the rightmost entry, which that proxy appended.
        assert_eq!(client_ip(Some(proxy), &h, &[proxy]), "203.0.113.9");
        // Chained trusted proxies are skipped from the right.
        let second: IpAddr = "10.0.0.2".parse().unwrap();
        h.insert("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2".parse().unwrap());
        assert_eq!(client_ip(Some(proxy), &h, &[proxy, second]), "203.0.113.9");
        assert_eq!(client_ip(None, &h, &[]), "unknown");
    }
}
