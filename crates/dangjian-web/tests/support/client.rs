//! A browser-like client for backend tests: keeps the session cookie and sends the
//! same-origin headers a real browser sends with a form.

use std::net::SocketAddr;

use axum::{body::Body, extract::ConnectInfo, http::Request};
use tower::ServiceExt;

use dangjian_domain::clock;
use dangjian_store::users;
use dangjian_web::admin::passwords;

use super::{App, Response};

/// The password of every test account.
pub const PW: &str = "Dangjian#2024";

/// A browser-like client: keeps the session cookie, sends same-origin headers.
pub struct Client<'a> {
    app: &'a App,
    pub cookie: Option<String>,
    pub ip: SocketAddr,
}

impl<'a> Client<'a> {
    pub fn new(app: &'a App) -> Self {
        Client { app, cookie: None, ip: "192.0.2.10:5000".parse().unwrap() }
    }

    pub async fn send(&mut self, method: &str, uri: &str, form: Option<&str>, extra: &[(&str, &str)]) -> Response {
        let content_type = form.map(|_| "application/x-www-form-urlencoded");
        self.send_body(method, uri, content_type, form.unwrap_or("").as_bytes().to_vec(), extra).await
    }

    /// Sends any body (a multipart upload, say) with the session cookie.
    pub async fn send_bytes(&mut self, method: &str, uri: &str, content_type: &str, body: Vec<u8>) -> Response {
        self.send_body(method, uri, Some(content_type), body, &[]).await
    }

    async fn send_body(
        &mut self,
        method: &str,
        uri: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> Response {
        let mut req = Request::builder().method(method).uri(uri).header("host", "localhost");
        if let Some(c) = &self.cookie {
            req = req.header("cookie", c.as_str());
        }
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
            if !extra.iter().any(|(k, _)| *k == "sec-fetch-site") {
                req = req.header("sec-fetch-site", "same-origin");
            }
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let mut req = req.body(Body::from(body)).unwrap();
        req.extensions_mut().insert(ConnectInfo(self.ip));
        let resp = self.app.router.clone().oneshot(req).await.unwrap();
        if let Some(sc) = resp.headers().get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = sc.split(';').next().unwrap().to_owned();
            // An emptied cookie (logout) means no cookie.
            self.cookie = if pair.ends_with('=') || sc.contains("Max-Age=0") { None } else { Some(pair) };
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 16 << 20).await.unwrap();
        Response { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&mut self, uri: &str) -> Response {
        self.send("GET", uri, None, &[]).await
    }

    pub async fn post(&mut self, uri: &str, form: &str) -> Response {
        self.send("POST", uri, Some(form), &[]).await
    }

    pub async fn login(&mut self, user: &str, pw: &str) -> Response {
        self.post("/admin/login", &format!("username={user}&password={}", urlenc(pw))).await
    }
}

pub fn urlenc(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Creates an account with password `PW` that needs no change, with channel grants and
/// a review level.
pub async fn account(app: &App, name: &str, roles: &[&str], channels: &[i64], review_level: i32) -> i64 {
    let hash = passwords::hash(PW.into()).await.unwrap();
    users::create(
        app.db(),
        &users::NewUser {
            username: name,
            display_name: "测试",
            password_hash: &hash,
            roles,
            must_change_password: false,
            source_unit: "测试单位",
            review_level,
            channels,
            org_id: None,
            member_id: None,
        },
        clock::now_micros(),
    )
    .await
    .unwrap()
}

/// A `multipart/form-data` body with one file field: (content type, body).
pub fn multipart(field: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----dangjian-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
