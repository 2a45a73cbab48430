//! Roster import from `.xlsx` (branch secretaries keep rosters in spreadsheets): a
//! preview lists every bad row with row number, column and reason, and nothing is
//! written until the file is clean or the user imports the good rows explicitly. Also
//! the import template and the roster export.

use std::{collections::HashMap, io::Cursor};

use askama::Template;
use axum::{
    extract::{FromRequest, Multipart, Path, RawForm, Request, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use calamine::{Data, Reader, Xlsx};
use dangjian_domain::{clock, dues::Category, orgs::OrgKind, roles::Role};
use dangjian_store::{imports, members};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month};

use super::{
    download::{self, sheet_bytes},
    member_check::{COLUMNS, GoodRow, ISO, check_row},
    scope::Scope,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
        passwords::random_token,
    },
};

/// A problem: spreadsheet row number (as Excel shows it), column, reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub reason: String,
}

pub(super) fn text(d: &Data) -> String {
    match d {
        Data::String(s) | Data::DateTimeIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64()).and_then(|d| d.format(ISO).ok()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// An Excel serial date (days since 1899-12-30) as a date.
fn excel_date(serial: f64) -> Option<Date> {
    let base = Date::from_calendar_date(1899, Month::December, 30).ok()?;
    base.checked_add(Duration::days(serial.floor() as i64))
}

/// Checks every row of the first sheet. `branches` are the branches in the user's
/// reach (id, name); `default_branch` is used when the row names none.
pub fn check(
    bytes: &[u8],
    branches: &[(i64, String)],
    default_branch: Option<i64>,
    today: Date,
) -> Result<(Vec<GoodRow>, Vec<Problem>), String> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|_| "文件不是有效的 Excel 工作簿（.xlsx）".to_owned())?;
    let range = match wb.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        _ => return Err("工作簿中没有工作表".into()),
    };
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| r.iter().map(text).collect()).unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = COLUMNS.iter().filter(|(n, req)| *req && col(n).is_none()).map(|(n, _)| *n).collect();
    if !missing.is_empty() {
        return Err(format!("第 1 行（表头）缺少必需的列：{}。请使用导入模板。", missing.join("、")));
    }
    let (mut good, mut problems) = (Vec::new(), Vec::new());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in rows.enumerate() {
        let line = i + 2;
        let get = |name: &str| col(name).and_then(|c| r.get(c)).map(text).unwrap_or_default();
        if r.iter().all(|c| text(c).is_empty()) {
            continue;
        }
        match check_row(&get, branches, default_branch, today) {
            Ok(mut row) => {
                if let Some(first) = seen.get(&row.id_number) {
                    problems.push(Problem {
                        line, column: "身份证号".into(), reason: format!("与第 {first} 行重复")
                    });
                } else {
                    seen.insert(row.id_number.clone(), line);
                    row.line = line;
                    good.push(row);
                }
            }
            Err(found) => problems.extend(found.into_iter().map(|(column, reason)| Problem {
                line,
                column: column.into(),
                reason,
            })),
        }
    }
    Ok((good, problems))
}

/// A checked row as it waits for confirmation: personal data already encrypted.
#[derive(Serialize, Deserialize)]
struct Pending {
    org_id: i64,
    name: String,
    gender: String,
    ethnicity: String,
    birth_date: String,
    id_enc: String,
    id_hash: String,
    phone_enc: String,
    education: String,
    work_unit: String,
    post: String,
    category: String,
    status: String,
}

#[derive(Template)]
#[template(path = "platform/import.html")]
struct ImportPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    problems: Vec<Problem>,
    good: usize,
    token: String,
    error: String,
}

fn branches_in_scope(scope: &Scope) -> Vec<(i64, String)> {
    scope
        .all_orgs
        .iter()
        .filter(|o| scope.orgs.contains(&o.id) && OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()))
        .map(|o| (o.id, o.name.clone()))
        .collect()
}

fn page(me: &CurrentUser, org_id: i64, org: String) -> ImportPage {
    ImportPage {
        title: "导入党员名册",
        page: Frame::for_user(me),
        org_id,
        org,
        problems: vec![],
        good: 0,
        token: String::new(),
        error: String::new(),
    }
}

pub async fn form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = scope.org(id)?.name.clone();
    Ok(Html(page(&me, id, org).render()?).into_response())
}

pub async fn preview(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = scope.org(id)?.clone();
    let mut p = page(&me, id, org.name.clone());
    let mut file = None;
    if let Ok(mut form) = Multipart::from_request(req, &st).await {
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some("file") {
                file = field.bytes().await.ok();
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        p.error = "请选择要导入的 Excel 文件（.xlsx）".into();
        return Ok(Html(p.render()?).into_response());
    };
    let default_branch = OrgKind::from_code(&org.kind).filter(|k| k.is_branch()).map(|_| id);
    let today = clock::from_micros(clock::now_micros()).date();
    let (good, mut problems) = match check(&bytes, &branches_in_scope(&scope), default_branch, today) {
        Ok(r) => r,
        Err(e) => {
            p.error = e;
            return Ok(Html(p.render()?).into_response());
        }
    };
    let key = st.config.pii.as_ref().ok_or_else(|| AppError::Internal("personal-data key not configured".into()))?;
    let hashes: Vec<String> = good.iter().map(|g| key.hash(&g.id_number)).collect();
    let taken = imports::existing_hashes(&st.db, &hashes).await?;
    let mut pending = Vec::new();
    for (g, h) in good.iter().zip(hashes) {
        if taken.contains(&h) {
            problems.push(Problem {
                line: g.line, column: "身份证号".into(), reason: "该党员已在系统中".into()
            });
            continue;
        }
        pending.push(Pending {
            org_id: g.org_id,
            name: g.name.clone(),
            gender: g.gender.clone(),
            ethnicity: g.ethnicity.clone(),
            birth_date: g.birth_date.clone(),
            id_enc: key.encrypt(&g.id_number),
            id_hash: h,
            phone_enc: key.encrypt(&g.phone),
            education: g.education.clone(),
            work_unit: g.work_unit.clone(),
            post: g.post.clone(),
            category: g.category.clone(),
            status: g.status.clone(),
        });
    }
    problems.sort_by_key(|x| x.line);
    p.good = pending.len();
    p.problems = problems;
    if !pending.is_empty() {
        p.token = random_token(16);
        let payload = serde_json::to_string(&pending).map_err(|e| AppError::Internal(e.to_string()))?;
        imports::save(&st.db, &p.token, me.user.id, id, &payload, clock::now_micros()).await?;
    }
    Ok(Html(p.render()?).into_response())
}

/// Imports what the preview accepted. A pending import is good for one hour.
pub async fn commit(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    scope.org(id)?;
    let token = form_pairs(&body).into_iter().find(|(k, _)| k == "token").map(|(_, v)| v).unwrap_or_default();
    let now = clock::now_micros();
    let (org_id, payload) = imports::take(&st.db, &token, me.user.id, now - 3_600_000_000)
        .await
        .map_err(|_| AppError::Conflict("导入已过期或已完成，请重新上传文件".into()))?;
    if org_id != id {
        return Err(AppError::NotFound);
    }
    let rows: Vec<Pending> = serde_json::from_str(&payload).map_err(|e| AppError::Internal(e.to_string()))?;
    // The scope may have changed since the preview: every row must still be in reach.
    if rows.iter().any(|r| !scope.orgs.contains(&r.org_id)) {
        return Err(AppError::Forbidden);
    }
    let new: Vec<members::NewMember> = rows
        .into_iter()
        .map(|r| members::NewMember {
            org_id: r.org_id,
            group_id: None,
            name: r.name,
            gender: r.gender,
            ethnicity: r.ethnicity,
            birth_date: Some(r.birth_date).filter(|b| !b.is_empty()),
            id_number_enc: r.id_enc,
            id_number_hash: Some(r.id_hash),
            phone_enc: r.phone_enc,
            education: r.education,
            work_unit: r.work_unit,
            post: r.post,
            category: r.category,
            status: r.status,
            steps: vec![],
        })
        .collect();
    let n = new.len();
    match members::insert_many(&st.db, &new, now).await {
        Ok(_) => {}
        Err(dangjian_store::StoreError::Conflict(_)) => {
            return Err(AppError::Conflict("导入期间已有相同身份证号的党员被录入，请重新上传文件".into()));
        }
        Err(e) => return Err(e.into()),
    }
    audit_trail::record(
        &st,
        Actor::User(&me),
        "member.import",
        &format!("org:{id}"),
        audit_trail::SUCCESS,
        &format!("{n} members"),
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/orgs/{id}?imported={n}")).into_response())
}

/// `GET /platform/roster-template.xlsx`: the columns the import expects, with one example.
pub async fn template(me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let headers: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
    let example = vec![
        "张三",
        "男",
        "汉族",
        "1990-03-07",
        "110105199003071239",
        "13800138000",
        "大学本科",
        "市财政局",
        "科员",
        "在职",
        "正式党员",
        "",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let bytes = sheet_bytes("党员名册", &headers, &[example])?;
    Ok(download::xlsx(bytes, "roster-template.xlsx", "党员名册模板.xlsx"))
}

/// `GET /platform/orgs/{id}/roster.xlsx`: the roster with personal data masked.
pub async fn export(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = scope.org(id)?.name.clone();
    let rows: Vec<Vec<String>> = members::in_orgs(&st.db, &[id])
        .await?
        .into_iter()
        .map(|m| {
            vec![
                m.name.clone(),
                m.gender.clone(),
                m.ethnicity.clone(),
                m.birth_date.clone().unwrap_or_default(),
                super::orgs::masked_id(&st, &m.id_number_enc),
                super::orgs::masked_phone(&st, &m.phone_enc),
                m.education.clone(),
                m.work_unit.clone(),
                m.post.clone(),
                Category::from_code(&m.category).map(|c| c.name().to_owned()).unwrap_or_default(),
                super::orgs::stage_name(&m.status).to_owned(),
                org.clone(),
            ]
        })
        .collect();
    let headers: Vec<&str> = COLUMNS.iter().map(|(n, _)| *n).collect();
    let bytes = sheet_bytes("党员名册", &headers, &rows)?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "member.export",
        &format!("org:{id}"),
        audit_trail::SUCCESS,
        &format!("{} rows", rows.len()),
    )
    .await?;
    Ok(download::xlsx(bytes, "roster.xlsx", "党员名册.xlsx"))
}
