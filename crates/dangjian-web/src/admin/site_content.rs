//! Friendly links and the sensitive-term dictionary, managed by the 系统管理员.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{roles::Role, terms::Dictionary};
use dangjian_store::{links, settings};

use super::{
    accounts::form_pairs,
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
};
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "admin/links.html")]
struct LinksPage {
    title: &'static str,
    page: Frame,
    rows: Vec<links::Link>,
    error: String,
}

async fn links_page(st: &AppState, me: &CurrentUser, error: String) -> Result<Response, AppError> {
    let page = LinksPage { title: "友情链接", page: Frame::for_user(me), rows: links::list(&st.db).await?, error };
    Ok(Html(page.render()?).into_response())
}

pub async fn links_list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    links_page(&st, &me, String::new()).await
}

/// A link's fields, checked: names short, addresses http(s) only (a `javascript:` link
/// in the footer of every page would be an attack on every reader).
pub fn link_fields(body: &[u8]) -> Result<(String, String, String, i32), String> {
    let pairs = form_pairs(body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let (group, name, url) = (get("group_name"), get("name"), get("url"));
    if name.is_empty() || name.chars().count() > 40 {
        return Err("名称不能为空，且不超过 40 个字".into());
    }
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://"))
        || url.len() > 300
        || url.contains(char::is_whitespace)
    {
        return Err("地址须以 http:// 或 https:// 开头，且不含空格".into());
    }
    if group.chars().count() > 20 {
        return Err("分组不超过 20 个字".into());
    }
    let order = match get("sort_order").as_str() {
        "" => 0,
        s => s.parse::<i32>().map_err(|_| "排序须为整数".to_owned())?,
    };
    Ok((group, name, url, order))
}

pub async fn link_add(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let (g, n, u, o) = match link_fields(&body) {
        Ok(f) => f,
        Err(e) => return links_page(&st, &me, e).await,
    };
    let id = links::insert(&st.db, &g, &n, &u, o).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "link.create",
        &format!("link:{id}"),
        audit_trail::SUCCESS,
        &format!("{n} {u}"),
    )
    .await?;
    Ok(Redirect::to("/admin/links").into_response())
}

pub async fn link_save(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let (g, n, u, o) = match link_fields(&body) {
        Ok(f) => f,
        Err(e) => return links_page(&st, &me, e).await,
    };
    links::update(&st.db, id, &g, &n, &u, o).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "link.update",
        &format!("link:{id}"),
        audit_trail::SUCCESS,
        &format!("{n} {u}"),
    )
    .await?;
    Ok(Redirect::to("/admin/links").into_response())
}

pub async fn link_delete(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    links::delete(&st.db, id).await?;
    audit_trail::record(&st, Actor::User(&me), "link.delete", &format!("link:{id}"), audit_trail::SUCCESS, "").await?;
    Ok(Redirect::to("/admin/links").into_response())
}

#[derive(Template)]
#[template(path = "admin/terms.html")]
struct TermsPage {
    title: &'static str,
    page: Frame,
    text: String,
    errors: Vec<String>,
}

pub async fn terms_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let text = settings::all(&st.db).await?.remove("terms_dictionary").filter(|t| !t.trim().is_empty());
    let text = text.unwrap_or_else(|| Dictionary::starter().to_owned());
    Ok(Html(TermsPage { title: "错敏词词库", page: Frame::for_user(&me), text, errors: vec![] }.render()?)
        .into_response())
}

pub async fn terms_save(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let text = form_pairs(&body).into_iter().find(|(k, _)| k == "dictionary").map(|(_, v)| v).unwrap_or_default();
    if let Err(errors) = Dictionary::parse(&text) {
        let errors = errors.iter().map(|e| e.to_string()).collect();
        return Ok(
            Html(TermsPage { title: "错敏词词库", page: Frame::for_user(&me), text, errors }.render()?).into_response()
        );
    }
    settings::set(&st.db, "terms_dictionary", &text).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "terms.update",
        "dictionary",
        audit_trail::SUCCESS,
        &format!("{} lines", text.lines().count()),
    )
    .await?;
    Ok(Redirect::to("/admin/terms").into_response())
}
