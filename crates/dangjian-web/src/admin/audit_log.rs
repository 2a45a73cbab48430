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

pub async fn export_csv(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Auditor])?;
    let mut f = filter(&q, 5000).map_err(|_| AppError::BadRequest)?;
    // UTF-8 with a BOM so Excel and WPS open the Chinese text correctly.
    let mut out = String::from("\u{feff}编号,时间,用户,来源地址,请求编号,操作,对象,结果,说明\r\n");
    let mut n = 0;
    loop {
        let rows = audit::list(&st.db, &f).await?;
        let Some(last) = rows.last().map(|r| r.id) else { break };
        for e in rows {
            let fields = [
                e.id.to_string(),
                clock::format_datetime(e.at),
                e.username,
                e.client_ip,
                e.request_id,
                e.action,
                e.target,
                outcome_name(&e.outcome).to_owned(),
                e.detail,
            ];
            out.push_str(&fields.iter().map(|s| csv_field(s)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
            n += 1;
        }
        f.before_id = Some(last);
    }
    audit_trail::record(&st, Actor::User(&me), "audit.export", "csv", audit_trail::SUCCESS, &format!("{n} rows"))
        .await?;
    let mut r = out.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(
            "attachment; filename=\"audit.csv\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97.csv",
        ),
    );
    Ok(r)
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
