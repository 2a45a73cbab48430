//! Creating and editing organisations (below the account's own) and their committee.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, orgs::OrgKind, roles::Role};
use dangjian_store::{members, orgs};
use time::{Date, macros::format_description};

use super::scope::Scope;
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

/// Committee posts of a 支部委员会 (支部工作条例).
pub const POSTS: &[&str] = &["书记", "副书记", "组织委员", "宣传委员", "纪检委员", "委员"];

#[derive(Template)]
#[template(path = "platform/org_edit.html")]
struct EditPage {
    title: &'static str,
    page: Frame,
    heading: String,
    action: String,
    kinds: Vec<(&'static str, &'static str, bool)>,
    name: String,
    founded_on: String,
    term_start: String,
    errors: Vec<String>,
    /// For an existing branch: members and their current posts.
    people: Vec<(i64, String, String)>,
    posts: &'static [&'static str],
}

fn valid_date(s: &str) -> bool {
    s.is_empty() || Date::parse(s, format_description!("[year]-[month]-[day]")).is_ok()
}

/// `GET /platform/orgs/{parent}/new`: a new organisation under one in reach.
pub async fn new_form(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(parent): Path<i64>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    scope.org(parent)?;
    let page = EditPage {
        title: "新建党组织",
        page: Frame::for_user(&me),
        heading: "新建下级党组织".into(),
        action: format!("/platform/orgs/{parent}/new"),
        kinds: OrgKind::ALL.iter().map(|k| (k.code(), k.name(), *k == OrgKind::Branch)).collect(),
        name: String::new(),
        founded_on: String::new(),
        term_start: String::new(),
        errors: vec![],
        people: vec![],
        posts: POSTS,
    };
    Ok(Html(page.render()?).into_response())
}

fn fields(body: &[u8], parent: Option<i64>) -> Result<orgs::NewOrg, Vec<String>> {
    let pairs = form_pairs(body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let mut e = Vec::new();
    let name = get("name");
    if name.is_empty() || name.chars().count() > 60 {
        e.push("名称不能为空，且不超过 60 个字".to_owned());
    }
    let kind = OrgKind::from_code(&get("kind"));
    if kind.is_none() {
        e.push("请选择组织类型".to_owned());
    }
    let (founded, term) = (get("founded_on"), get("term_start"));
    if !valid_date(&founded) || !valid_date(&term) {
        e.push("日期格式应为 年-月-日".to_owned());
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(orgs::NewOrg {
        parent_id: parent,
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        name,
        founded_on: Some(founded).filter(|s| !s.is_empty()),
        term_start: Some(term).filter(|s| !s.is_empty()),
        term_years: None,
        sort_order: 0,
    })
}

pub async fn create(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(parent): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    scope.org(parent)?;
    let o = fields(&body, Some(parent)).map_err(|e| AppError::Conflict(e.join("；")))?;
    let id = orgs::insert(&st.db, &o, clock::now_micros()).await?;
    audit_trail::record(&st, Actor::User(&me), "org.create", &format!("org:{id}"), audit_trail::SUCCESS, &o.name)
        .await?;
    Ok(Redirect::to(&format!("/platform/orgs/{id}")).into_response())
}

pub async fn edit_form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let o = scope.org(id)?.clone();
    let committee = orgs::committee(&st.db, id).await?;
    let people = members::in_orgs(&st.db, &[id])
        .await?
        .into_iter()
        .filter(|m| m.status == "full")
        .map(|m| {
            let post = committee.iter().find(|c| c.0 == m.id).map(|c| c.2.clone()).unwrap_or_default();
            (m.id, m.name, post)
        })
        .collect();
    let page = EditPage {
        title: "党组织",
        page: Frame::for_user(&me),
        heading: format!("修改：{}", o.name),
        action: format!("/platform/orgs/{id}/edit"),
        kinds: OrgKind::ALL.iter().map(|k| (k.code(), k.name(), k.code() == o.kind)).collect(),
        name: o.name,
        founded_on: o.founded_on.unwrap_or_default(),
        term_start: o.term_start.unwrap_or_default(),
        errors: vec![],
        people,
        posts: POSTS,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn update(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let current = scope.org(id)?.clone();
    let mut o = fields(&body, current.parent_id).map_err(|e| AppError::Conflict(e.join("；")))?;
    o.term_years = current.term_years;
    o.sort_order = current.sort_order;
    orgs::update(&st.db, id, &o).await?;
    // Committee: only 正式党员 of this organisation, each post from the list.
    let roster = members::in_orgs(&st.db, &[id]).await?;
    let mut posts = Vec::new();
    for (k, v) in form_pairs(&body) {
        let Some(member) = k.strip_prefix("post_").and_then(|m| m.parse::<i64>().ok()) else { continue };
        if v.is_empty() {
            continue;
        }
        if !POSTS.contains(&v.as_str()) || !roster.iter().any(|m| m.id == member && m.status == "full") {
            return Err(AppError::Conflict("支委须为本组织的正式党员，职务须从列表中选择".into()));
        }
        posts.push((member, v));
    }
    if posts.iter().filter(|(_, p)| p == "书记").count() > 1 {
        return Err(AppError::Conflict("书记只能有 1 名".into()));
    }
    orgs::set_committee(&st.db, id, &posts).await?;
    let detail = format!("{}；支委 {} 人", o.name, posts.len());
    audit_trail::record(&st, Actor::User(&me), "org.update", &format!("org:{id}"), audit_trail::SUCCESS, &detail)
        .await?;
    Ok(Redirect::to(&format!("/platform/orgs/{id}")).into_response())
}
