//! The editorial backend's accounts, sign-in, permissions and audit, on both backends.

mod support;

use axum::http::StatusCode;
use dangjian_domain::{clock, roles::Role};
use dangjian_store::{audit, users};
use dangjian_web::admin::{ROUTES, passwords};
use support::{
    App, apps,
    client::{Client, PW, urlenc},
    fixture,
};

async fn account(app: &App, name: &str, roles: &[&str]) -> i64 {
    support::client::account(app, name, roles, &[], 0).await
}

#[tokio::test]
async fn first_sign_in_forces_a_password_change() {
    for app in apps().await {
        let l = app.label();
        let hash = passwords::hash(PW.into()).await.unwrap();
        users::create(
            app.db(),
            &users::NewUser {
                username: "newbie",
                display_name: "新人",
                password_hash: &hash,
                roles: &["editor"],
                must_change_password: true,
                source_unit: "",
                review_level: 0,
                channels: &[],
                org_id: None,
                member_id: None,
            },
            clock::now_micros(),
        )
        .await
        .unwrap();
        let mut c = Client::new(&app);
        assert_eq!(c.get("/admin").await.header("location"), "/admin/login", "{l}: anonymous goes to sign-in");
        let r = c.login("newbie", PW).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(r.header("location"), "/admin/password", "{l}");
        let cookie = r.header("set-cookie").to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{l}: {cookie}");
        // Every other page sends the account back to change the password.
        assert_eq!(c.get("/admin").await.header("location"), "/admin/password", "{l}");
        // Policy errors in Chinese, nothing changed.
        let r = c.post("/admin/password", &format!("current={}&new=short&confirm=short", urlenc(PW))).await;
        assert!(r.body.contains("密码长度至少为 8 位"), "{l}");
        let r = c.post("/admin/password", &format!("current={0}&new={0}&confirm={0}", urlenc(PW))).await;
        assert!(r.body.contains("最近 5 次"), "{l}: reuse refused");
        let r = c.post("/admin/password", "current=wrong&new=Xx1%21abcdef&confirm=Xx1%21abcdef").await;
        assert!(r.body.contains("当前密码不正确"), "{l}");
        let r =
            c.post("/admin/password", &format!("current={}&new=Xx1%21abcdef&confirm=Xx1%21abcdeg", urlenc(PW))).await;
        assert!(r.body.contains("两次输入"), "{l}");
        let r =
            c.post("/admin/password", &format!("current={}&new=Xx1%21abcdef&confirm=Xx1%21abcdef", urlenc(PW))).await;
        assert_eq!(r.header("location"), "/admin?changed=1", "{l}");
        let r = c.get("/admin?changed=1").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert!(r.body.contains("密码已修改"), "{l}");
        // The old password no longer works.
        let mut d = Client::new(&app);
        assert!(d.login("newbie", PW).await.body.contains("用户名或密码错误"), "{l}");
    }
}

#[tokio::test]
async fn five_failures_lock_the_account_and_the_address() {
    for app in apps().await {
        let l = app.label();
        account(&app, "editor1", &["editor"]).await;
        account(&app, "editor2", &["editor"]).await;
        let mut c = Client::new(&app);
        for i in 0..5 {
            let r = c.login("editor1", "wrong-password").await;
            assert!(r.body.contains("用户名或密码错误"), "{l}: attempt {i}");
        }
        let r = c.login("editor1", PW).await;
        assert!(r.body.contains("已被锁定"), "{l}: right password refused while locked");
        // The same account from another address is locked too.
        let mut other = Client::new(&app);
        other.ip = "198.51.100.3:1".parse().unwrap();
        assert!(other.login("editor1", PW).await.body.contains("已被锁定"), "{l}");
        // Another account from the locked address is locked as well (per-IP counter).
        assert!(c.login("editor2", PW).await.body.contains("已被锁定"), "{l}");
        // Another account from another address is fine.
        assert_eq!(other.login("editor2", PW).await.header("location"), "/admin", "{l}");
        // Every attempt is in the audit log.
        let rows =
            audit::list(app.db(), &audit::Filter { action: Some("login".into()), limit: 100, ..Default::default() })
                .await
                .unwrap();
        assert_eq!(rows.len(), 9, "{l}");
        assert_eq!(rows.iter().filter(|r| r.outcome == "denied").count(), 3, "{l}");
        assert!(rows.iter().all(|r| !r.client_ip.is_empty() && r.request_id != "-"), "{l}");
    }
}

#[tokio::test]
async fn unknown_accounts_get_the_same_answer() {
    for app in apps().await {
        let mut c = Client::new(&app);
        let r = c.login("nobody", PW).await;
        assert!(r.body.contains("用户名或密码错误"), "{}", app.label());
        let r = c.post("/admin/login", "username=&password=").await;
        assert!(r.body.contains("请输入用户名和密码"), "{}", app.label());
        let r = c.post("/admin/login", "garbage").await;
        assert!(r.status == StatusCode::OK || r.status.is_client_error(), "{}: {}", app.label(), r.status);
    }
}

#[tokio::test]
async fn every_admin_route_checks_the_role_on_the_server() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        // Which roles may use which route (besides the pages every account has).
        let allowed = |method: &str, path: &str| -> &[Role] {
            match path {
                "/admin/articles" if method == "POST" => &[Role::Editor, Role::Contributor],
                "/admin/users" => &[Role::Secadmin],
                "/admin/settings" => &[Role::Sysadmin],
                "/admin/audit" | "/admin/audit/export.csv" | "/admin/audit/export.xlsx" => &[Role::Auditor],
                "/admin/channels" | "/admin/channels/new" | "/admin/links" | "/admin/terms" => &[Role::Sysadmin],
                "/admin/articles" => &[Role::Editor, Role::Contributor, Role::Reviewer],
                "/admin/articles/new" => &[Role::Editor, Role::Contributor],
                "/admin/review" => &[Role::Reviewer],
                "/admin/users/totp-policy" => &[Role::Secadmin],
                "/admin/media" | "/admin/articles/import" => &[Role::Editor, Role::Contributor],
                // Only editors granted a download (资料中心) channel; the fixture has none.
                "/admin/documents" => &[],
                // Likewise a video (视频点播) channel.
                "/admin/videos" | "/admin/videos/{id}/{action}" => &[],
                _ => &Role::ALL,
            }
        };
        // Anonymous: sign in first.
        let mut anon = Client::new(&app);
        for (method, path) in ROUTES {
            let r = anon.send(method, path, (*method == "POST").then_some(""), &[]).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: anonymous {method} {path}");
            assert_eq!(r.header("location"), "/admin/login", "{l}: anonymous {method} {path}");
        }
        for role in Role::ALL {
            let name = format!("u_{}", role.code());
            let level = if role == Role::Reviewer { 1 } else { 0 };
            support::client::account(&app, &name, &[role.code()], &[f.notice, f.news, f.empty], level).await;
            let mut c = Client::new(&app);
            assert_eq!(c.login(&name, PW).await.header("location"), "/admin", "{l}: {role:?} signs in");
            for (method, path) in ROUTES {
                let ok = allowed(method, path).contains(&role);
                // An empty form: allowed roles get a form error or a redirect, never a 403.
                let r = c.send(method, path, (*method == "POST").then_some(""), &[]).await;
                if ok {
                    assert_ne!(r.status, StatusCode::FORBIDDEN, "{l}: {role:?} {method} {path}");
                    // (An upload without a file is a 409 form error: still not a 403 or 500.)
                    assert!(
                        r.status.is_success() || r.status.is_redirection() || r.status == StatusCode::CONFLICT,
                        "{l}: {role:?} {method} {path}: {}",
                        r.status
                    );
                } else {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {role:?} {method} {path}");
                    assert!(r.body.contains("没有权限"), "{l}");
                }
            }
            // The menu shows only what the role may open.
            let home = c.get("/admin").await.body;
            assert_eq!(home.contains("href=\"/admin/audit\""), role == Role::Auditor, "{l}: {role:?}");
        }
    }
}

#[tokio::test]
async fn accounts_follow_the_three_admin_rule_and_show_the_password_once() {
    for app in apps().await {
        let l = app.label();
        account(&app, "sec", &["secadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sec", PW).await;
        let r = c.post("/admin/users", "username=combo&display_name=x&roles=sysadmin&roles=auditor").await;
        assert!(r.body.contains("三员分立"), "{l}");
        assert!(users::by_username(app.db(), "combo").await.unwrap().is_none(), "{l}: nothing written");
        let r = c.post("/admin/users", "username=a%3Cb&roles=editor").await;
        assert!(r.body.contains("用户名须为"), "{l}");
        let r = c
            .post(
                "/admin/users",
                "username=zhangsan&display_name=%E5%BC%A0%E4%B8%89&roles=editor&roles=reviewer&review_level=1",
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let shown = r.between("初始密码：", "（");
        assert!(shown.len() >= 12, "{l}: {shown}");
        assert!(!c.get("/admin/users").await.body.contains(&shown), "{l}: shown only once");
        let dup = c.post("/admin/users", "username=zhangsan&roles=editor").await;
        assert!(dup.body.contains("已存在"), "{l}");
        // The new account signs in with it and must change it.
        let mut z = Client::new(&app);
        assert_eq!(z.login("zhangsan", &shown).await.header("location"), "/admin/password", "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("user.create".into()), limit: 10, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(ev.len(), 1, "{l}");
        assert_eq!((ev[0].username.as_str(), ev[0].target.as_str()), ("sec", "zhangsan"), "{l}");
        assert!(!ev[0].detail.contains(&shown), "{l}: the password is not audited");
    }
}

#[tokio::test]
async fn logout_destroys_the_session_and_cross_site_posts_are_refused() {
    for app in apps().await {
        let l = app.label();
        account(&app, "sys", &["sysadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sys", PW).await;
        let stolen = c.cookie.clone().unwrap();
        assert_eq!(c.get("/admin/settings").await.status, StatusCode::OK, "{l}");
        // A cross-site form post (CSRF) is refused before it reaches the handler.
        let r = c.send("POST", "/admin/settings", Some("site_name=x"), &[("sec-fetch-site", "cross-site")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        let r = c.send("POST", "/admin/logout", Some(""), &[]).await;
        assert_eq!(r.header("location"), "/admin/login", "{l}");
        // The old cookie is worthless now.
        let mut replay = Client::new(&app);
        replay.cookie = Some(stolen);
        assert_eq!(replay.get("/admin/settings").await.header("location"), "/admin/login", "{l}");
    }
}

#[tokio::test]
async fn settings_are_validated_audited_and_shown_on_the_portal() {
    for app in apps().await {
        let l = app.label();
        let _f = fixture(app.db()).await;
        account(&app, "sys", &["sysadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sys", PW).await;
        let form = |name: &str, code: &str| {
            format!(
                "site_name={}&site_domain=www.x.gov.cn&owner=o&host_unit=h&icp=icp&site_id_code={code}&copyright_year=2013",
                urlenc(name)
            )
        };
        let r = c.post("/admin/settings", &form("", "12345")).await;
        assert!(r.body.contains("“网站名称”不能为空") && r.body.contains("10 位"), "{l}");
        assert!(app.get("/").await.body.contains("测试市机关党建网"), "{l}: nothing written");
        let r = c.post("/admin/settings", &form("新名称机关党建网", "4100000002")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(app.get("/").await.body.contains("<title>新名称机关党建网</title>"), "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("settings.update".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(ev.len(), 1, "{l}");
        assert!(ev[0].detail.contains("site_name"), "{l}");
    }
}

#[tokio::test]
async fn the_auditor_reads_and_exports_and_the_chain_verifies() {
    for app in apps().await {
        let l = app.label();
        account(&app, "aud", &["auditor"]).await;
        let mut c = Client::new(&app);
        c.login("nobody", "x").await;
        c.login("aud", PW).await;
        let r = c.get("/admin/audit?username=nobody").await;
        assert!(r.body.contains("<td>nobody</td>") && !r.body.contains("<td>aud</td>"), "{l}");
        let r = c.get("/admin/audit?from=2020-13-45").await;
        assert!(r.body.contains("起始日期格式"), "{l}");
        let csv = c.get("/admin/audit/export.csv").await;
        assert_eq!(csv.status, StatusCode::OK, "{l}");
        assert!(csv.header("content-type").starts_with("text/csv"), "{l}");
        assert!(csv.header("content-disposition").contains("filename*=UTF-8''"), "{l}");
        assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("\"nobody\""), "{l}");
        let xlsx = c.get("/admin/audit/export.xlsx").await;
        assert_eq!(xlsx.status, StatusCode::OK, "{l}");
        assert!(xlsx.header("content-type").contains("spreadsheetml"), "{l}");
        assert!(xlsx.body.starts_with("PK"), "{l}: a zip container");
        assert_eq!(audit::verify(app.db()).await.unwrap(), Ok(4), "{l}: two logins and two exports");
    }
}

#[tokio::test]
async fn sessions_end_after_the_absolute_lifetime() {
    for app in apps().await {
        let l = app.label();
        account(&app, "sys", &["sysadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sys", PW).await;
        assert_eq!(c.get("/admin").await.status, StatusCode::OK, "{l}");
        // Age the sign-in time inside the stored session by nine hours.
        let id = c.cookie.clone().unwrap().split_once('=').unwrap().1.to_owned();
        let data = dangjian_store::sessions::load(app.db(), &id, clock::now_micros()).await.unwrap().unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&data).unwrap();
        let at = v["login_at"].as_i64().unwrap();
        v["login_at"] = serde_json::json!(at - 9 * 3_600_000_000i64);
        dangjian_store::sessions::save(app.db(), &id, &v.to_string(), clock::now_micros() + 600_000_000).await.unwrap();
        assert_eq!(c.get("/admin").await.header("location"), "/admin/login", "{l}");
    }
}

#[tokio::test]
async fn a_role_can_be_made_to_use_totp() {
    for app in apps().await {
        let l = app.label();
        account(&app, "sec", &["secadmin"]).await;
        account(&app, "aud", &["auditor"]).await;
        let mut sec = Client::new(&app);
        sec.login("sec", PW).await;
        let r = sec.post("/admin/users/totp-policy", "roles=auditor&roles=secadmin").await;
        assert!(r.body.contains("策略已保存"), "{l}");
        // The auditor is sent to bind an authenticator before anything else.
        let mut aud = Client::new(&app);
        aud.login("aud", PW).await;
        assert_eq!(aud.get("/admin/audit").await.header("location"), "/admin/totp", "{l}");
        let page = aud.get("/admin/totp").await;
        let secret = page.between("<code class=\"secret\">", "</code>");
        assert!(aud.post("/admin/totp", "code=000000").await.body.contains("动态口令不正确"), "{l}");
        let code = dangjian_web::admin::totp::current(&secret).unwrap();
        assert_eq!(aud.post("/admin/totp", &format!("code={code}")).await.header("location"), "/admin", "{l}");
        assert_eq!(aud.get("/admin/audit").await.status, StatusCode::OK, "{l}");
        // From now on the sign-in needs the code.
        let mut again = Client::new(&app);
        assert!(again.login("aud", PW).await.body.contains("动态口令错误"), "{l}");
        let code = dangjian_web::admin::totp::current(&secret).unwrap();
        let r = again.post("/admin/login", &format!("username=aud&password={}&totp={code}", urlenc(PW))).await;
        assert_eq!(r.header("location"), "/admin", "{l}");
    }
}

#[tokio::test]
async fn links_and_the_term_dictionary_are_managed_with_validation() {
    for app in apps().await {
        let l = app.label();
        let _f = fixture(app.db()).await;
        account(&app, "sys", &["sysadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sys", PW).await;
        let r = c
            .post("/admin/links", "group_name=01&name=%E6%81%B6%E6%84%8F&url=javascript%3Aalert(1)&sort_order=1")
            .await;
        assert!(r.body.contains("须以 http:// 或 https:// 开头"), "{l}");
        assert!(!app.get("/").await.body.contains("javascript:alert"), "{l}");
        let r = c.post("/admin/links", "group_name=04&name=%E6%B5%8B%E8%AF%95%E9%93%BE%E6%8E%A5&url=https%3A%2F%2Fexample.gov.cn%2F&sort_order=x").await;
        assert!(r.body.contains("排序须为整数"), "{l}");
        let r = c.post("/admin/links", "group_name=04&name=%E6%B5%8B%E8%AF%95%E9%93%BE%E6%8E%A5&url=https%3A%2F%2Fexample.gov.cn%2F&sort_order=2").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(app.get("/").await.body.contains("测试链接"), "{l}: shown on the portal");
        let id =
            dangjian_store::links::list(app.db()).await.unwrap().into_iter().find(|x| x.name == "测试链接").unwrap().id;
        c.post(&format!("/admin/links/{id}/delete"), "").await;
        assert!(!app.get("/").await.body.contains("测试链接"), "{l}");

        // The dictionary: parse errors are shown with line numbers and nothing is saved.
        let page = c.get("/admin/terms").await;
        assert!(page.body.contains("禁 "), "{l}: the starter dictionary is shown");
        let r = c.post("/admin/terms", "dictionary=%E7%A6%81+%E5%9D%8F%E8%AF%8D%0A%E5%9D%8F+%E8%A1%8C").await;
        assert!(r.body.contains("第2行"), "{l}: {}", r.body);
        assert!(!dangjian_store::settings::all(app.db()).await.unwrap().contains_key("terms_dictionary"), "{l}");
        let r = c.post("/admin/terms", "dictionary=%E7%A6%81+%E5%9D%8F%E8%AF%8D").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(
            dangjian_store::settings::all(app.db()).await.unwrap().get("terms_dictionary").map(String::as_str),
            Some("禁 坏词"),
            "{l}"
        );
    }
}

#[tokio::test]
async fn channels_are_created_and_edited_with_field_errors() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "sys", &["sysadmin"]).await;
        let mut c = Client::new(&app);
        c.login("sys", PW).await;
        let r = c.post("/admin/channels/new", "name=&slug=Bad%20Slug&kind=list").await;
        assert!(r.body.contains("栏目名称不能为空") && r.body.contains("地址标识须为"), "{l}");
        let r = c.post("/admin/channels/new", "name=%E9%87%8D%E5%A4%8D&slug=gonggao&kind=list").await;
        assert!(r.body.contains("已被其他栏目使用"), "{l}");
        let r = c.post("/admin/channels/new", "name=%E4%B8%AD%E5%9B%BD%E5%85%B1%E4%BA%A7%E5%85%9A%E6%96%B0%E9%97%BB%E7%BD%91&slug=cpc&kind=link&external_url=javascript%3Ax&show_in_nav=on").await;
        assert!(r.body.contains("外部链接地址须以"), "{l}");
        let r = c.post("/admin/channels/new", "name=%E5%85%9A%E5%BB%BA%E9%93%BE%E6%8E%A5&slug=cpc&kind=link&external_url=http%3A%2F%2Fcpc.people.com.cn%2F&sort_order=90&show_in_nav=on").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let nav = app.get("/").await.between("<nav class=\"channels\"", "</nav>");
        assert!(nav.contains("href=\"http://cpc.people.com.cn/\">党建链接</a>"), "{l}: {nav}");
        // A sub-channel is not in the top bar but has its own page.
        let r = c
            .post(
                "/admin/channels/new",
                &format!("name=%E5%AD%90%E6%A0%8F%E7%9B%AE&slug=sub&kind=list&parent_id={}&show_in_nav=on", f.news),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(!app.get("/").await.between("<nav class=\"channels\"", "</nav>").contains("子栏目"), "{l}");
        assert_eq!(app.get("/channel/sub").await.status, StatusCode::OK, "{l}");
        // A channel cannot be its own parent.
        let r = c
            .post(
                &format!("/admin/channels/{}", f.news),
                &format!("name=x&slug=dongtai&kind=list&parent_id={}", f.news),
            )
            .await;
        assert!(r.body.contains("不能是栏目自己"), "{l}");
        assert_eq!(c.get("/admin/channels/999999").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn every_admin_route_with_an_id_checks_the_role_too() {
    use dangjian_web::admin::ID_ROUTES;
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        let author = account(&app, "author", &["editor"]).await;
        let fields = dangjian_store::revisions::Fields {
            channel_id: f.news,
            title: "路由测试".into(),
            body_md: "正文".into(),
            body_html: "<p>正文</p>".into(),
            ..Default::default()
        };
        let (article, revision) =
            dangjian_store::revisions::create_article(app.db(), &fields, author, 0).await.unwrap();
        let link = dangjian_store::links::list(app.db()).await.unwrap()[0].id;
        let id_for = |path: &str| -> i64 {
            if path.starts_with("/admin/revisions") {
                revision
            } else if path.starts_with("/admin/channels") {
                f.news
            } else if path.starts_with("/admin/links") {
                link
            } else {
                article
            }
        };
        let allowed = |method: &str, path: &str| -> &[Role] {
            match (method, path) {
                (_, "/admin/articles/{id}/edit") | ("POST", "/admin/articles/{id}") => {
                    &[Role::Editor, Role::Contributor]
                }
                (_, "/admin/articles/{id}/history") => {
                    &[Role::Editor, Role::Contributor, Role::Reviewer, Role::Sysadmin]
                }
                (_, "/admin/articles/{id}/publish-time") => &[Role::Sysadmin],
                ("GET", "/admin/revisions/{id}") => &[Role::Editor, Role::Contributor, Role::Reviewer],
                (_, "/admin/revisions/{id}/review") => &[Role::Reviewer],
                (_, "/admin/revisions/{id}/restore") => &[Role::Editor, Role::Contributor],
                _ => &[Role::Sysadmin],
            }
        };
        let mut anon = Client::new(&app);
        for (method, path) in ID_ROUTES {
            let uri = path.replace("{id}", &id_for(path).to_string());
            let r = anon.send(method, &uri, (*method == "POST").then_some(""), &[]).await;
            assert_eq!(r.header("location"), "/admin/login", "{l}: anonymous {method} {uri}");
        }
        // Links are deleted by the walk: run the delete route last.
        let mut routes: Vec<&(&str, &str)> = ID_ROUTES.iter().collect();
        routes.sort_by_key(|(_, p)| p.ends_with("/delete"));
        for role in Role::ALL {
            let name = format!("w_{}", role.code());
            let level = if role == Role::Reviewer { 1 } else { 0 };
            support::client::account(&app, &name, &[role.code()], &[f.notice, f.news, f.empty], level).await;
            let mut c = Client::new(&app);
            c.login(&name, PW).await;
            for (method, path) in &routes {
                let uri = path.replace("{id}", &id_for(path).to_string());
                let r = c.send(method, &uri, (*method == "POST").then_some(""), &[]).await;
                assert!(!r.status.is_server_error(), "{l}: {role:?} {method} {uri}: {}", r.status);
                if allowed(method, path).contains(&role) {
                    assert_ne!(r.status, StatusCode::FORBIDDEN, "{l}: {role:?} {method} {uri}");
                } else {
                    assert!(
                        r.status == StatusCode::FORBIDDEN || r.status == StatusCode::NOT_FOUND,
                        "{l}: {role:?} {method} {uri}: {}",
                        r.status
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn an_expired_password_must_be_changed_and_tls_cookies_are_secure() {
    for app in apps().await {
        let l = app.label();
        let id = account(&app, "old", &["editor"]).await;
        // Changed 91 days ago: over the 90-day limit.
        let long_ago = clock::now_micros() - 91 * 86_400_000_000;
        dangjian_store::on_pool!(app.db(), |p| sqlx::query("UPDATE users SET password_changed_at = $1 WHERE id = $2")
            .bind(long_ago)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()))
        .unwrap();
        let mut c = Client::new(&app);
        assert_eq!(c.login("old", PW).await.header("location"), "/admin/password", "{l}");
        assert_eq!(c.get("/admin/articles").await.header("location"), "/admin/password", "{l}");
        assert!(c.get("/admin/password").await.body.contains("超过有效期"), "{l}");
    }
    // Behind TLS the session cookie is marked Secure.
    let t = dangjian_store::testing::TestDb::sqlite().await;
    let config = dangjian_web::WebConfig { secure_cookies: true, ..Default::default() };
    let state = dangjian_web::AppState::new(t.db.clone(), config);
    let router = dangjian_web::router(state);
    let req = axum::http::Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("username=x&password=y"))
        .unwrap();
    let _ = tower::ServiceExt::oneshot(router.clone(), req).await.unwrap();
    let hash = passwords::hash(PW.into()).await.unwrap();
    users::create(
        &t.db,
        &users::NewUser {
            username: "tls",
            display_name: "",
            password_hash: &hash,
            roles: &["editor"],
            must_change_password: false,
            source_unit: "",
            review_level: 0,
            channels: &[],
            org_id: None,
            member_id: None,
        },
        clock::now_micros(),
    )
    .await
    .unwrap();
    let req = axum::http::Request::post("/admin/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(format!("username=tls&password={}", urlenc(PW))))
        .unwrap();
    let r = tower::ServiceExt::oneshot(router, req).await.unwrap();
    let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"), "{cookie}");
}

#[test]
fn every_module_in_the_menu_is_a_real_route() {
    use dangjian_web::{admin::nav::MODULES, platform::ROUTES as PLATFORM};
    for m in MODULES {
        let known = ROUTES.iter().chain(PLATFORM).any(|(method, path)| *method == "GET" && *path == m.href);
        assert!(known, "{} is in the menu but not a listed route", m.href);
    }
    for href in ["/platform/transfers", "/admin/links", "/admin/terms", "/platform/compliance"] {
        assert!(MODULES.iter().any(|m| m.href == href), "{href} missing from the menu");
    }
}
