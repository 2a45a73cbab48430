//! `/admin/settings`: the 系统管理员 edits everything in the portal's header and footer.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Form,
    extract::State,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::roles::Role;
use dangjian_store::settings;

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
};
use crate::{AppError, AppState};

/// An editable setting: key, label, max length, required.
const FIELDS: &[(&str, &str, usize, bool)] = &[
    ("site_name", "网站名称", 64, true),
    ("welcome", "欢迎语", 100, false),
    ("site_domain", "网站域名", 100, true),
    ("site_id_code", "网站标识码（10 位）", 10, false),
    ("owner", "版权所有", 100, true),
    ("host_unit", "主办单位", 100, true),
    ("phone", "电话", 64, false),
    ("fax", "传真", 64, false),
    ("icp", "ICP 备案号", 64, true),
    ("police_record", "公安备案号", 64, false),
    ("tech_support", "技术支持", 100, false),
    ("copyright_year", "版权起始年份", 4, false),
    ("keywords", "网站关键词", 200, false),
    ("description", "网站描述", 300, false),
];

pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub max: usize,
    pub required: bool,
    pub value: String,
}

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    title: &'static str,
    page: Frame,
    fields: Vec<Field>,
    errors: Vec<String>,
}

fn fields(values: &HashMap<String, String>) -> Vec<Field> {
    FIELDS
        .iter()
        .map(|(key, label, max, required)| Field {
            key,
            label,
            max: *max,
            required: *required,
            value: values.get(*key).cloned().unwrap_or_default(),
        })
        .collect()
}

pub async fn form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let values: HashMap<String, String> = settings::all(&st.db).await?.into_iter().collect();
    let page =
        SettingsPage { title: "站点设置", page: Frame::for_user(&me), fields: fields(&values), errors: vec![] };
    Ok(Html(page.render()?).into_response())
}

/// Field errors in Chinese; empty when the form is acceptable.
pub fn validate(values: &HashMap<String, String>) -> Vec<String> {
    let mut errors = Vec::new();
    for (key, label, max, required) in FIELDS {
        let v = values.get(*key).map(|s| s.trim()).unwrap_or("");
        if *required && v.is_empty() {
            errors.push(format!("“{label}”不能为空"));
        }
        if v.chars().count() > *max {
            errors.push(format!("“{label}”不能超过 {max} 个字符"));
        }
        if v.chars().any(|c| c.is_control()) {
            errors.push(format!("“{label}”含有不可见的控制字符"));
        }
    }
    let code = values.get("site_id_code").map(|s| s.trim()).unwrap_or("");
    let code_ok = code.len() == 10 && code.chars().all(|c| c.is_ascii_alphanumeric());
    if !code.is_empty() && !code_ok {
        errors.push("“网站标识码”须为 10 位字母或数字".into());
    }
    let year = values.get("copyright_year").map(|s| s.trim()).unwrap_or("");
    let year_ok = year.len() == 4 && year.chars().all(|c| c.is_ascii_digit());
    if !year.is_empty() && !year_ok {
        errors.push("“版权起始年份”须为 4 位数字".into());
    }
    errors
}

pub async fn save(
    State(st): State<AppState>,
    me: CurrentUser,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let errors = validate(&values);
    if !errors.is_empty() {
        let page = SettingsPage { title: "站点设置", page: Frame::for_user(&me), fields: fields(&values), errors };
        return Ok(Html(page.render()?).into_response());
    }
    let old = settings::all(&st.db).await?;
    let mut changed = Vec::new();
    for (key, ..) in FIELDS {
        let v = values.get(*key).map(|s| s.trim()).unwrap_or("");
        if old.get(*key).map(String::as_str).unwrap_or("") != v {
            changed.push(*key);
        }
    }
    settings::set_many(
        &st.db,
        &FIELDS.iter().map(|(k, ..)| (*k, values.get(*k).map(|s| s.trim()).unwrap_or(""))).collect::<Vec<_>>(),
    )
    .await?;
    audit_trail::record(&st, Actor::User(&me), "settings.update", "site", audit_trail::SUCCESS, &changed.join(","))
        .await?;
    Ok(Redirect::to("/admin/settings").into_response())
}
