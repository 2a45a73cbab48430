//! `/admin`: the modules this account may use.

use askama::Template;
use axum::{
    extract::Query,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use super::{current::CurrentUser, nav::Frame};
use crate::AppError;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard {
    title: &'static str,
    page: Frame,
    name: String,
}

#[derive(Deserialize)]
pub struct Flash {
    changed: Option<String>,
}

pub async fn page(me: CurrentUser, Query(q): Query<Flash>) -> Result<Response, AppError> {
    let mut page = Frame::for_user(&me);
    if q.changed.is_some() {
        page = page.with_flash("密码已修改。");
    }
    let name = if me.user.display_name.is_empty() { me.user.username.clone() } else { me.user.display_name.clone() };
    Ok(Html(Dashboard { title: "首页", page, name }.render()?).into_response())
}
