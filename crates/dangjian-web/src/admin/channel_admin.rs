//! `/admin/channels`: the 系统管理员 sets how many review levels each channel needs.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::roles::Role;
use dangjian_store::{channels, revisions};

use super::{
    accounts::form_pairs,
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
};
use crate::{AppError, AppState};

pub struct Row {
    pub id: i64,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub sort_order: i32,
    pub levels: i32,
}

#[derive(Template)]
#[template(path = "admin/channels.html")]
struct ChannelsPage {
    title: &'static str,
    page: Frame,
    rows: Vec<Row>,
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let mut rows = Vec::new();
    for c in channels::list(&st.db).await? {
        rows.push(Row {
            levels: revisions::review_levels(&st.db, c.id).await?,
            id: c.id,
            name: c.name,
            slug: c.slug,
            kind: c.kind,
            sort_order: c.sort_order,
        });
    }
    Ok(Html(ChannelsPage { title: "栏目管理", page: Frame::for_user(&me), rows }.render()?).into_response())
}

pub async fn save(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let known: Vec<i64> = channels::list(&st.db).await?.iter().map(|c| c.id).collect();
    let mut changes = Vec::new();
    for (k, v) in form_pairs(&body) {
        let Some(id) = k.strip_prefix("levels_").and_then(|s| s.parse::<i64>().ok()) else { continue };
        let Ok(levels) = v.parse::<i32>() else { return Err(AppError::BadRequest) };
        if !known.contains(&id) || !(0..=3).contains(&levels) {
            return Err(AppError::BadRequest);
        }
        if revisions::review_levels(&st.db, id).await? != levels {
            revisions::set_review_levels(&st.db, id, levels).await?;
            changes.push(format!("{id}:{levels}"));
        }
    }
    if !changes.is_empty() {
        audit_trail::record(
            &st,
            Actor::User(&me),
            "channel.review_levels",
            "channels",
            audit_trail::SUCCESS,
            &changes.join(","),
        )
        .await?;
    }
    Ok(Redirect::to("/admin/channels").into_response())
}

/// The channel form as typed.
#[derive(Debug, Clone, Default)]
pub struct ChannelForm {
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub parent_id: String,
    pub sort_order: String,
    pub external_url: String,
    pub description: String,
    pub keywords: String,
    pub show_in_nav: bool,
}

const KINDS: &[(&str, &str)] =
    &[("list", "文章列表"), ("page", "单页"), ("video", "视频"), ("download", "下载"), ("link", "外部链接")];

impl ChannelForm {
    fn from_body(body: &[u8]) -> Self {
        let pairs = form_pairs(body);
        let get =
            |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
        ChannelForm {
            name: get("name"),
            slug: get("slug"),
            kind: get("kind"),
            parent_id: get("parent_id"),
            sort_order: get("sort_order"),
            external_url: get("external_url"),
            description: get("description"),
            keywords: get("keywords"),
            show_in_nav: pairs.iter().any(|(k, _)| k == "show_in_nav"),
        }
    }

    /// Checks the form; `known` are the other channels (id), for the parent.
    pub fn validate(&self, self_id: Option<i64>, known: &[i64]) -> Result<channels::ChannelEdit, Vec<String>> {
        let mut e = Vec::new();
        if self.name.is_empty() || self.name.chars().count() > 20 {
            e.push("栏目名称不能为空，且不超过 20 个字".to_owned());
        }
        let slug_ok = !self.slug.is_empty()
            && self.slug.len() <= 40
            && self.slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !slug_ok {
            e.push("地址标识须为 1–40 位小写字母、数字或连字符".to_owned());
        }
        if !KINDS.iter().any(|(k, _)| *k == self.kind) {
            e.push("请选择栏目类型".to_owned());
        }
        let parent_id = match self.parent_id.as_str() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(p) if known.contains(&p) && Some(p) != self_id => Some(p),
                _ => {
                    e.push("上级栏目无效（不能是栏目自己）".to_owned());
                    None
                }
            },
        };
        let sort_order = match self.sort_order.as_str() {
            "" => 0,
            s => s.parse::<i32>().unwrap_or_else(|_| {
                e.push("排序须为整数".to_owned());
                0
            }),
        };
        let url = self.external_url.to_ascii_lowercase();
        if self.kind == "link" && !(url.starts_with("http://") || url.starts_with("https://")) {
            e.push("外部链接地址须以 http:// 或 https:// 开头".to_owned());
        }
        if self.description.chars().count() > 200 || self.keywords.chars().count() > 200 {
            e.push("描述和关键词各不超过 200 个字".to_owned());
        }
        if !e.is_empty() {
            return Err(e);
        }
        Ok(channels::ChannelEdit {
            slug: self.slug.clone(),
            name: self.name.clone(),
            kind: self.kind.clone(),
            description: self.description.clone(),
            keywords: self.keywords.clone(),
            sort_order,
            show_in_nav: self.show_in_nav,
            parent_id,
            external_url: if self.kind == "link" { self.external_url.clone() } else { String::new() },
        })
    }
}

#[derive(Template)]
#[template(path = "admin/channel_edit.html")]
struct EditPage {
    title: &'static str,
    page: Frame,
    heading: String,
    action: String,
    f: ChannelForm,
    kinds: &'static [(&'static str, &'static str)],
    parents: Vec<(i64, String, bool)>,
    errors: Vec<String>,
}

async fn edit_page(
    st: &AppState,
    me: &CurrentUser,
    id: Option<i64>,
    f: ChannelForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let parents = channels::list(&st.db)
        .await?
        .into_iter()
        .filter(|c| Some(c.id) != id)
        .map(|c| (c.id, c.name, f.parent_id == c.id.to_string()))
        .collect();
    let (heading, action) = match id {
        Some(i) => ("修改栏目".to_owned(), format!("/admin/channels/{i}")),
        None => ("新建栏目".to_owned(), "/admin/channels/new".to_owned()),
    };
    let page =
        EditPage { title: "栏目", page: Frame::for_user(me), heading, action, f, kinds: KINDS, parents, errors };
    Ok(Html(page.render()?).into_response())
}

pub async fn new_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let f = ChannelForm { kind: "list".into(), show_in_nav: true, sort_order: "100".into(), ..Default::default() };
    edit_page(&st, &me, None, f, vec![]).await
}

pub async fn edit_form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let c = channels::list(&st.db).await?.into_iter().find(|c| c.id == id).ok_or(AppError::NotFound)?;
    let f = ChannelForm {
        name: c.name,
        slug: c.slug,
        kind: c.kind,
        parent_id: c.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        sort_order: c.sort_order.to_string(),
        external_url: c.external_url,
        description: c.description,
        keywords: c.keywords,
        show_in_nav: c.show_in_nav,
    };
    edit_page(&st, &me, Some(id), f, vec![]).await
}

async fn save_channel(st: &AppState, me: &CurrentUser, id: Option<i64>, body: &[u8]) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let known: Vec<i64> = channels::list(&st.db).await?.iter().map(|c| c.id).collect();
    if let Some(i) = id
        && !known.contains(&i)
    {
        return Err(AppError::NotFound);
    }
    let f = ChannelForm::from_body(body);
    let edit = match f.validate(id, &known) {
        Ok(e) => e,
        Err(errors) => return edit_page(st, me, id, f, errors).await,
    };
    let saved = match channels::save(&st.db, id, &edit, dangjian_domain::clock::now_micros()).await {
        Ok(i) => i,
        Err(dangjian_store::StoreError::Conflict(_)) => {
            return edit_page(st, me, id, f, vec![format!("地址标识“{}”已被其他栏目使用", edit.slug)]).await;
        }
        Err(e) => return Err(e.into()),
    };
    let action = if id.is_some() { "channel.update" } else { "channel.create" };
    audit_trail::record(st, Actor::User(me), action, &format!("channel:{saved}"), audit_trail::SUCCESS, &edit.slug)
        .await?;
    Ok(Redirect::to("/admin/channels").into_response())
}

pub async fn create(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    save_channel(&st, &me, None, &body).await
}

pub async fn update(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    save_channel(&st, &me, Some(id), &body).await
}
