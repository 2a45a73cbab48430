//! 组织关系转接 pages: the sending branch issues the letter and may cancel it; the
//! receiving branch takes the member in and sends the receipt back. Each side acts only
//! on its own end; the rules are `dangjian_domain::transfers`.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    orgs::OrgKind,
    roles::Role,
    transfers::{self as rules, Action, DEFAULT_VALIDITY_DAYS, Status},
};
use dangjian_store::{StoreError, members, transfers};
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

const ISO: &[time::format_description::FormatItem<'static>] = format_description!("[year]-[month]-[day]");

fn today() -> Date {
    clock::from_micros(clock::now_micros()).date()
}

fn iso(d: Date) -> String {
    d.format(ISO).unwrap_or_default()
}

/// `POST /platform/members/{id}/transfer`: the sending branch issues the letter.
pub async fn issue(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let m = members::get(&st.db, id).await?;
    if !scope.orgs.contains(&m.org_id) {
        return Err(AppError::NotFound);
    }
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let to: i64 = get("to_org").parse().map_err(|_| AppError::Conflict("请选择接收的党支部".into()))?;
    let target = scope.all_orgs.iter().find(|o| o.id == to).ok_or(AppError::Conflict("请选择接收的党支部".into()))?;
    if to == m.org_id || !OrgKind::from_code(&target.kind).is_some_and(|k| k.is_branch()) {
        return Err(AppError::Conflict("接收的党组织须为其他党支部".into()));
    }
    let days = match get("validity_days").as_str() {
        "" => DEFAULT_VALIDITY_DAYS,
        s => s
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=180).contains(d))
            .ok_or(AppError::Conflict("介绍信有效期须为 1–180 天".into()))?,
    };
    let issued = today();
    let due = rules::due_date(issued, days);
    let note: String = get("note").chars().take(200).collect();
    let tid = match transfers::create(
        &st.db,
        id,
        m.org_id,
        to,
        &iso(issued),
        &iso(due),
        &note,
        me.user.id,
        clock::now_micros(),
    )
    .await
    {
        Ok(t) => t,
        Err(StoreError::Conflict(_)) => return Err(AppError::Conflict("该党员已有未完成的组织关系转接".into())),
        Err(e) => return Err(e.into()),
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "transfer.issue",
        &format!("transfer:{tid}"),
        audit_trail::SUCCESS,
        &format!("member {id}: {} → {to}", m.org_id),
    )
    .await?;
    Ok(Redirect::to("/platform/transfers").into_response())
}

pub struct Row {
    pub id: i64,
    pub member: String,
    pub from: String,
    pub to: String,
    pub issued_on: String,
    pub due_on: String,
    pub status: &'static str,
    pub actions: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "platform/transfers.html")]
struct TransfersPage {
    title: &'static str,
    page: Frame,
    rows: Vec<Row>,
}

fn action_of(code: &str) -> Option<Action> {
    Some(match code {
        "dispatch" => Action::Dispatch,
        "receive" => Action::Receive,
        "receipt" => Action::ReturnReceipt,
        "cancel" => Action::Cancel,
        _ => return None,
    })
}

/// Which actions this account may take on a transfer, by side.
fn allowed(scope: &Scope, t: &transfers::Transfer) -> Vec<Action> {
    let mut out = Vec::new();
    if scope.orgs.contains(&t.from_org) {
        out.extend([Action::Dispatch, Action::Cancel]);
    }
    if scope.orgs.contains(&t.to_org) {
        out.extend([Action::Receive, Action::ReturnReceipt]);
    }
    out
}

/// The transfers touching the account's organisations, with the actions it may take.
async fn rows(st: &AppState, scope: &Scope) -> Result<Vec<Row>, AppError> {
    let name = |id: i64| scope.all_orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let today = today();
    let mut rows = Vec::new();
    for t in transfers::for_orgs(&st.db, &scope.orgs).await? {
        let due = Date::parse(&t.due_on, ISO).unwrap_or(today);
        let status = rules::effective(Status::from_code(&t.status).unwrap_or(Status::Cancelled), due, today);
        let actions = allowed(scope, &t)
            .into_iter()
            .filter(|a| rules::apply(status, due, *a, today).is_ok())
            .map(|a| match a {
                Action::Dispatch => ("dispatch", "已出发"),
                Action::Receive => ("receive", "接收"),
                Action::ReturnReceipt => ("receipt", "回执已寄回"),
                Action::Cancel => ("cancel", "撤销"),
            })
            .collect();
        rows.push(Row {
            id: t.id,
            member: t.member_name.clone(),
            from: name(t.from_org),
            to: name(t.to_org),
            issued_on: t.issued_on.clone(),
            due_on: t.due_on.clone(),
            status: status.name(),
            actions,
        });
    }
    Ok(rows)
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let rows = rows(&st, &scope).await?;
    Ok(Html(TransfersPage { title: "组织关系转接", page: Frame::for_user(&me), rows }.render()?).into_response())
}

/// `GET /platform/transfers.xlsx`.
pub async fn list_xlsx(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let table: Vec<Vec<String>> = rows(&st, &scope)
        .await?
        .into_iter()
        .map(|r| vec![r.member, r.from, r.to, r.issued_on, r.due_on, r.status.to_owned()])
        .collect();
    let headers = ["党员", "转出党组织", "转入党组织", "开具日期", "有效期至", "状态"];
    let bytes = super::download::sheet_bytes("组织关系转接", &headers, &table)?;
    Ok(super::download::xlsx(bytes, "transfers.xlsx", "组织关系转接.xlsx"))
}

pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, code)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let t = transfers::get(&st.db, id).await?;
    if !scope.orgs.contains(&t.from_org) && !scope.orgs.contains(&t.to_org) {
        return Err(AppError::NotFound);
    }
    let action = action_of(&code).ok_or(AppError::NotFound)?;
    if !allowed(&scope, &t).contains(&action) {
        return Err(AppError::Forbidden);
    }
    let today = today();
    let due = Date::parse(&t.due_on, ISO).unwrap_or(today);
    let from = Status::from_code(&t.status).unwrap_or(Status::Cancelled);
    let next = rules::apply(from, due, action, today).map_err(|e| AppError::Conflict(e.to_string()))?;
    if !transfers::transition(&st.db, id, from.code(), next.code(), &iso(today)).await? {
        return Err(AppError::Conflict("该转接已被他人处理，请刷新后查看".into()));
    }
    audit_trail::record(
        &st,
        Actor::User(&me),
        &format!("transfer.{code}"),
        &format!("transfer:{id}"),
        audit_trail::SUCCESS,
        next.code(),
    )
    .await?;
    Ok(Redirect::to("/platform/transfers").into_response())
}
