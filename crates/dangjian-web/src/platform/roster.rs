//! Roster import from `.xlsx` (branch secretaries keep rosters in spreadsheets): a
//! preview lists every bad row with row number, column and reason, and nothing is
//! written until the file is clean or the user imports the good rows explicitly. Also
//! the import template and the roster export.

use std::{collections::HashMap, io::Cursor};

use askama::Template;
use axum::{
    extract::{FromRequest, Multipart, Path, RawForm, Request, State},
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use calamine::{Data, Reader, Xlsx};
use dangjian_domain::{
    clock,
    dues::Category,
    members::{IdNumber, Stage},
    orgs::OrgKind,
    roles::Role,
};
use dangjian_store::{imports, members};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, macros::format_description};

use super::scope::Scope;
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

/// Columns of the roster, in template order; `true` when required.
pub const COLUMNS: &[(&str, bool)] = &[
    ("姓名", true),
    ("性别", false),
    ("民族", false),
    ("出生日期", false),
    ("身份证号", true),
    ("手机号", false),
    ("学历", false),
    ("工作单位", false),
    ("职务", false),
    ("类别", false),
    ("状态", false),
    ("所在党支部", false),
];

/// A row that passed every check (personal data in clear, before encryption).
#[derive(Debug, Clone, PartialEq)]
pub struct GoodRow {
    pub line: usize,
    pub org_id: i64,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: String,
    pub education: String,
    pub work_unit: String,
    pub post: String,
    pub category: String,
    pub status: String,
}

/// A problem: spreadsheet row number (as Excel shows it), column, reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub reason: String,
}

const ISO: &[time::format_description::FormatItem<'static>] = format_description!("[year]-[month]-[day]");

fn text(d: &Data) -> String {
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

/// Dates as people type them: 2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日.
fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim().replace(['/', '.', '年', '月'], "-").replace('日', "");
    let parts: Vec<&str> = s.split('-').filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] => (y.parse().ok()?, m.parse::<u8>().ok()?, d.parse().ok()?),
        [all] if all.len() == 8 => (all[..4].parse().ok()?, all[4..6].parse().ok()?, all[6..].parse().ok()?),
        _ => return None,
    };
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
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
        let mut bad = |column: &str, reason: String| problems.push(Problem { line, column: column.into(), reason });
        let name = get("姓名");
        let mut ok = true;
        if name.is_empty() || name.chars().count() > 20 {
            bad("姓名", "姓名不能为空，且不超过 20 个字".into());
            ok = false;
        }
        let raw_id = get("身份证号").to_uppercase();
        let id = match IdNumber::parse(&raw_id) {
            Ok(id) => Some(id),
            Err(e) => {
                bad("身份证号", e.to_string());
                ok = false;
                None
            }
        };
        let mut birth = id.as_ref().map(|i| i.birth_date());
        let typed_birth = get("出生日期");
        if !typed_birth.is_empty() {
            match parse_date(&typed_birth) {
                None => {
                    bad("出生日期", format!("“{typed_birth}”不是有效日期"));
                    ok = false;
                }
                Some(d) if d > today => {
                    bad("出生日期", "出生日期晚于今天".into());
                    ok = false;
                }
                Some(d) if birth.is_some_and(|b| b != d) => {
                    bad("出生日期", "与身份证号中的出生日期不一致".into());
                    ok = false;
                }
                Some(d) => birth = Some(d),
            }
        }
        let gender = get("性别");
        if let Some(idn) = &id
            && !gender.is_empty()
            && gender != idn.gender().name()
        {
            bad("性别", format!("与身份证号不一致（身份证号为{}）", idn.gender().name()));
            ok = false;
        }
        let phone = get("手机号").replace([' ', '-'], "");
        let phone_ok = phone.len() == 11 && phone.starts_with('1') && phone.chars().all(|c| c.is_ascii_digit());
        if !phone.is_empty() && !phone_ok {
            bad("手机号", "手机号应为 11 位数字".into());
            ok = false;
        }
        let cat_text = get("类别");
        let category = if cat_text.is_empty() {
            Some(Category::InService)
        } else {
            Category::ALL.into_iter().find(|c| c.name() == cat_text || c.code() == cat_text)
        };
        if category.is_none() {
            bad("类别", format!("未知的类别“{cat_text}”（可填：在职、离退休、学生、其他等）"));
            ok = false;
        }
        let status_text = get("状态");
        let status = if status_text.is_empty() {
            Some(Stage::Full)
        } else {
            Stage::ALL.into_iter().find(|s| s.name() == status_text || s.code() == status_text)
        };
        if status.is_none() {
            bad("状态", format!("未知的状态“{status_text}”（可填：正式党员、预备党员、发展对象等）"));
            ok = false;
        }
        let branch_text = get("所在党支部");
        let org_id = if branch_text.is_empty() {
            default_branch
        } else {
            branches.iter().find(|(_, n)| *n == branch_text).map(|(id, _)| *id)
        };
        if org_id.is_none() {
            let reason = if branch_text.is_empty() {
                "请填写所在党支部".to_owned()
            } else {
                format!("未知或无权管理的党支部“{branch_text}”")
            };
            bad("所在党支部", reason);
            ok = false;
        }
        if let Some(idn) = &id {
            if let Some(first) = seen.get(idn.as_str()) {
                bad("身份证号", format!("与第 {first} 行重复"));
                ok = false;
            } else {
                seen.insert(idn.as_str().to_owned(), line);
            }
        }
        if ok {
            good.push(GoodRow {
                line,
                org_id: org_id.unwrap_or_default(),
                name,
                gender: id.as_ref().map(|i| i.gender().name().to_owned()).unwrap_or_default(),
                ethnicity: get("民族"),
                birth_date: birth.and_then(|b| b.format(ISO).ok()).unwrap_or_default(),
                id_number: id.map(|i| i.as_str().to_owned()).unwrap_or_default(),
                phone,
                education: get("学历"),
                work_unit: get("工作单位"),
                post: get("职务"),
                category: category.map(|c| c.code().to_owned()).unwrap_or_default(),
                status: status.map(|s| s.code().to_owned()).unwrap_or_default(),
            });
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

fn xlsx_response(bytes: Vec<u8>, ascii: &'static str, encoded: &str) -> Response {
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// Writes a sheet with a bold header and columns as wide as their widest cell, counting a
/// CJK character as two columns.
fn sheet_bytes(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>, AppError> {
    let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(name).map_err(xe)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let text_fmt = rust_xlsxwriter::Format::new().set_num_format("@");
    let mut widths: Vec<usize> = headers.iter().map(|h| dangjian_domain::text::display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xe)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            widths[c] = widths[c].max(dangjian_domain::text::display_width(v).min(50));
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &text_fmt).map_err(xe)?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        // ID numbers must stay text, or Excel shows them as 1.10105E+17.
        sheet.set_column_format(c as u16, &text_fmt).map_err(xe)?;
        sheet.set_column_width(c as u16, (*w + 2) as f64).map_err(xe)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xe)?;
    book.save_to_buffer().map_err(xe)
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
    Ok(xlsx_response(bytes, "roster-template.xlsx", "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"))
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
    Ok(xlsx_response(bytes, "roster.xlsx", "%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C.xlsx"))
}
