//! `/admin/audit`: the 审计管理员 reads, filters and exports the audit log, and nothing
//! else. There is no route that changes or deletes a record.

use askama::Template;
use axum::{
    extract::{Query, State},
    http::{HeaderValue, header},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{clock, roles::Role};
use dangjian_store::audit::{self, Event, Filter};
use serde::Deserialize;

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
};
use crate::{AppError, AppState, chrome::urlencode};

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    username: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    before: Option<i64>,
}

pub struct Row {
    pub id: i64,
    pub time: String,
    pub username: String,
    pub ip: String,
    pub action: String,
    pub target: String,
    pub outcome: &'static str,
    pub detail: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    title: &'static str,
    page: Frame,
    rows: Vec<Row>,
    q_username: String,
    q_action: String,
    q_from: String,
    q_to: String,
    query: String,
    older: Option<String>,
    error: String,
}

/// Parses `YYYY-MM-DD` as the start of that day in Asia/Shanghai.
fn day_start(s: &str) -> Option<i64> {
    let d = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(clock::to_micros(d.midnight().assume_offset(clock::SHANGHAI)))
}

fn outcome_name(o: &str) -> &'static str {
    match o {
        "success" => "成功",
        "failure" => "失败",
        "denied" => "拒绝",
        _ => "其他",
    }
}

fn filter(q: &AuditQuery, limit: i64) -> Result<Filter, String> {
    let from = match q.from.trim() {
        "" => None,
        s => Some(day_start(s).ok_or("起始日期格式应为 年-月-日")?),
    };
    let to = match q.to.trim() {
        "" => None,
        s => Some(day_start(s).ok_or("截止日期格式应为 年-月-日")? + 86_400_000_000),
    };
    let some = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    Ok(Filter { username: some(&q.username), action: some(&q.action), from, to, before_id: q.before, limit })
}

fn row(e: Event) -> Row {
    Row {
        id: e.id,
        time: clock::format_datetime(e.at),
        outcome: outcome_name(&e.outcome),
        username: e.username,
        ip: e.client_ip,
        action: e.action,
        target: e.target,
        detail: e.detail,
        request_id: e.request_id,
    }
}

const PAGE: i64 = 100;

pub async fn page(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Auditor])?;
    let query = format!(
        "username={}&action={}&from={}&to={}",
        urlencode(&q.username),
        urlencode(&q.action),
        urlencode(&q.from),
        urlencode(&q.to)
    );
    let (rows, error) = match filter(&q, PAGE) {
        Ok(f) => (audit::list(&st.db, &f).await?, String::new()),
        Err(e) => (vec![], e),
    };
    let older = (rows.len() as i64 == PAGE).then(|| format!("/admin/audit?{query}&before={}", rows[rows.len() - 1].id));
    let page = AuditPage {
        title: "审计日志",
        page: Frame::for_user(&me),
        rows: rows.into_iter().map(row).collect(),
        q_username: q.username,
        q_action: q.action,
        q_from: q.from,
        q_to: q.to,
        query,
        older,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// Quotes a CSV field, and defuses spreadsheet formulas (a field starting with = + - @
/// would run as a formula when the export is opened in Excel or WPS).
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_owned() };
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Every row matching the query, newest first, in pages of 5000.
async fn all_rows(st: &AppState, q: &AuditQuery) -> Result<Vec<Event>, AppError> {
    let mut f = filter(q, 5000).map_err(|_| AppError::BadRequest)?;
    let mut out = Vec::new();
    loop {
        let rows = audit::list(&st.db, &f).await?;
        let Some(last) = rows.last().map(|r| r.id) else { break };
        out.extend(rows);
        f.before_id = Some(last);
    }
    Ok(out)
}

const HEADERS: [&str; 9] = ["编号", "时间", "用户", "来源地址", "请求编号", "操作", "对象", "结果", "说明"];

fn fields(e: Event) -> [String; 9] {
    [
        e.id.to_string(),
        clock::format_datetime(e.at),
        e.username,
        e.client_ip,
        e.request_id,
        e.action,
        e.target,
        outcome_name(&e.outcome).to_owned(),
        e.detail,
    ]
}

fn attachment(mut r: Response, mime: &'static str, disposition: &'static str) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition));
    r
}

pub async fn export_csv(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Auditor])?;
    let rows = all_rows(&st, &q).await?;
    let n = rows.len();
    // UTF-8 with a BOM so Excel and WPS open the Chinese text correctly.
    let mut out = format!("\u{feff}{}\r\n", HEADERS.join(","));
    for e in rows {
        out.push_str(&fields(e).iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    audit_trail::record(&st, Actor::User(&me), "audit.export", "csv", audit_trail::SUCCESS, &format!("{n} rows"))
        .await?;
    Ok(attachment(
        out.into_response(),
        "text/csv; charset=utf-8",
        "attachment; filename=\"audit.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv",
    ))
}

/// `GET /admin/audit/export.xlsx`: the same rows as a spreadsheet, with columns sized
/// for Chinese text (each CJK character is two columns wide).
pub async fn export_xlsx(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Auditor])?;
    let rows = all_rows(&st, &q).await?;
    let n = rows.len();
    let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("审计日志").map_err(xe)?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let mut widths: Vec<usize> = HEADERS.iter().map(|h| dangjian_domain::text::display_width(h)).collect();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xe)?;
    }
    for (r, e) in rows.into_iter().enumerate() {
        for (c, v) in fields(e).iter().enumerate() {
            widths[c] = widths[c].max(dangjian_domain::text::display_width(v).min(60));
            sheet.write_string(r as u32 + 1, c as u16, v).map_err(xe)?;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (*w + 2) as f64).map_err(xe)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xe)?;
    let bytes = book.save_to_buffer().map_err(xe)?;
    audit_trail::record(&st, Actor::User(&me), "audit.export", "xlsx", audit_trail::SUCCESS, &format!("{n} rows"))
        .await?;
    Ok(attachment(
        bytes.into_response(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "attachment; filename=\"audit.xlsx\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.xlsx",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_defuses_formulas_and_quotes() {
        assert_eq!(csv_field("=SUM(A1)"), "\"'=SUM(A1)\"");
        assert_eq!(csv_field("说\"明"), "\"说\"\"明\"");
        assert_eq!(csv_field("普通"), "\"普通\"");
    }

    #[test]
    fn dates_are_shanghai_days() {
        assert_eq!(day_start("2024-03-01"), Some(1_709_222_400_000_000));
        assert_eq!(day_start("2024-13-01"), None);
    }
}
