//! Yearly 党费 summaries: one branch's members × twelve months, and every branch in reach
//! on one page for the 工委 — both exportable. Months after the current one are left out
//! of the sums, so a summary taken in June does not count July as unpaid.

use crate::platform::YearQuery;
use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{
    dues::{LAPSE_MONTHS, RuleBook},
    dues_statement::{MonthState, Totals},
    month::YearMonth,
    orgs::OrgKind,
    roles::Role,
};

use super::{
    download,
    dues::{branch, today},
    dues_ledger::{self, MemberDues},
    scope::Scope,
};
use crate::{
    AppError, AppState,
    admin::{
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

/// The year asked for (this year by default); years outside 2008..=this year are 404.
fn year_of(q: &YearQuery) -> Result<i32, AppError> {
    let this = today().year();
    match q.year {
        None => Ok(this),
        Some(y) if (2008..=this).contains(&y) => Ok(y),
        Some(_) => Err(AppError::NotFound),
    }
}

/// The months of `year` up to the current one.
fn months(year: i32) -> Vec<YearMonth> {
    let now = YearMonth::of(today());
    (1..=12).filter_map(|m| YearMonth::new(year, m).ok()).filter(|m| *m <= now).collect()
}

pub struct MemberYear {
    pub id: i64,
    pub name: String,
    /// One cell per month: the amount paid, 免交, 未交 or —.
    pub cells: Vec<(String, &'static str)>,
    pub owed: String,
    pub paid: String,
    pub unpaid: usize,
}

fn member_year(m: &MemberDues, book: &RuleBook, months: &[YearMonth], per_month: &mut [Totals]) -> MemberYear {
    let mut totals = Totals::default();
    let cells = months
        .iter()
        .zip(per_month.iter_mut())
        .map(|(month, column)| {
            let line = m.line(book, *month);
            totals.add(&line);
            column.add(&line);
            match (line.paid, line.state) {
                (Some(p), _) if line.short().is_some() => (format!("{p:.2}"), "short"),
                (Some(p), _) => (format!("{p:.2}"), "paid"),
                (None, MonthState::Exempt) => ("免交".into(), "exempt"),
                (None, MonthState::Unpaid) => ("未交".into(), "unpaid"),
                (None, _) => ("—".into(), "none"),
            }
        })
        .collect();
    MemberYear {
        id: m.id,
        name: m.name.clone(),
        cells,
        owed: format!("{:.2}", totals.owed),
        paid: format!("{:.2}", totals.paid),
        unpaid: totals.unpaid_lines,
    }
}

#[derive(Template)]
#[template(path = "platform/dues_year.html")]
struct BranchYearPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    years: Vec<i32>,
    months: Vec<String>,
    members: Vec<MemberYear>,
    month_paid: Vec<String>,
    owed: String,
    paid: String,
    percent: String,
}

async fn branch_table(
    st: &AppState,
    id: i64,
    year: i32,
) -> Result<(Vec<YearMonth>, Vec<MemberYear>, Vec<Totals>, Totals), AppError> {
    let ledger = dues_ledger::load(st, id).await?;
    let book = RuleBook::standard();
    let months = months(year);
    let mut per_month = vec![Totals::default(); months.len()];
    let members: Vec<MemberYear> = ledger.iter().map(|m| member_year(m, &book, &months, &mut per_month)).collect();
    let mut all = Totals::default();
    for t in &per_month {
        all.owed += t.owed;
        all.paid += t.paid;
        all.unpaid_lines += t.unpaid_lines;
        all.exempt_lines += t.exempt_lines;
    }
    Ok((months, members, per_month, all))
}

/// `GET /platform/orgs/{id}/dues/year?year=Y`.
pub async fn branch_year(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch(&scope, id)?;
    let year = year_of(&q)?;
    let (months, members, per_month, all) = branch_table(&st, id, year).await?;
    let page = BranchYearPage {
        title: "党费年度汇总",
        page: Frame::for_user(&me),
        org_id: id,
        org,
        year,
        years: (year - 2..=today().year()).rev().collect(),
        months: months.iter().map(|m| format!("{} 月", m.month_number())).collect(),
        members,
        month_paid: per_month.iter().map(|t| format!("{:.2}", t.paid)).collect(),
        owed: format!("{:.2}", all.owed),
        paid: format!("{:.2}", all.paid),
        percent: format!("{}", all.paid_percent()),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/orgs/{id}/dues/year.xlsx?year=Y`.
pub async fn branch_year_xlsx(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch(&scope, id)?;
    let year = year_of(&q)?;
    let (months, members, per_month, all) = branch_table(&st, id, year).await?;
    let month_names: Vec<String> = months.iter().map(|m| m.to_string()).collect();
    let mut headers: Vec<&str> = vec!["姓名"];
    headers.extend(month_names.iter().map(String::as_str));
    headers.extend(["应缴合计", "实缴合计", "未交月数"]);
    let mut rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            let mut r = vec![m.name.clone()];
            r.extend(m.cells.iter().map(|c| c.0.clone()));
            r.extend([m.owed.clone(), m.paid.clone(), m.unpaid.to_string()]);
            r
        })
        .collect();
    let mut sum = vec!["合计".to_owned()];
    sum.extend(per_month.iter().map(|t| format!("{:.2}", t.paid)));
    sum.extend([format!("{:.2}", all.owed), format!("{:.2}", all.paid), all.unpaid_lines.to_string()]);
    rows.push(sum);
    let bytes = download::sheet_bytes(&format!("{year}年党费"), &headers, &rows)?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "dues.export",
        &format!("org:{id}"),
        audit_trail::SUCCESS,
        &year.to_string(),
    )
    .await?;
    Ok(download::xlsx(bytes, &format!("dues-{year}.xlsx"), &format!("{org}{year}年党费.xlsx")))
}

pub struct BranchRow {
    pub id: i64,
    pub name: String,
    pub assessed: usize,
    pub owed: String,
    pub paid: String,
    pub percent: String,
    pub unpaid: usize,
    pub exempt: usize,
    /// Members whose run of unpaid months has reached 党章第九条's six.
    pub lapse: usize,
}

async fn overview_rows(st: &AppState, scope: &Scope, year: i32) -> Result<Vec<BranchRow>, AppError> {
    let book = RuleBook::standard();
    let months = months(year);
    let last = months.last().copied();
    let mut out = Vec::new();
    for o in scope.all_orgs.iter().filter(|o| scope.orgs.contains(&o.id)) {
        if !OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()) {
            continue;
        }
        let ledger = dues_ledger::load(st, o.id).await?;
        let mut t = Totals::default();
        for m in &ledger {
            for month in &months {
                t.add(&m.line(&book, *month));
            }
        }
        out.push(BranchRow {
            id: o.id,
            name: o.name.clone(),
            assessed: ledger.iter().filter(|m| !m.bases.is_empty()).count(),
            owed: format!("{:.2}", t.owed),
            paid: format!("{:.2}", t.paid),
            percent: format!("{}", t.paid_percent()),
            unpaid: t.unpaid_lines,
            exempt: t.exempt_lines,
            lapse: last.map_or(0, |l| ledger.iter().filter(|m| m.unpaid_run(&book, l) >= LAPSE_MONTHS).count()),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "platform/dues_overview.html")]
struct OverviewPage {
    title: &'static str,
    page: Frame,
    year: i32,
    years: Vec<i32>,
    rows: Vec<BranchRow>,
    owed: String,
    paid: String,
}

/// `GET /platform/dues?year=Y`: every branch in reach.
pub async fn overview(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let year = year_of(&q)?;
    let rows = overview_rows(&st, &scope, year).await?;
    let sum = |f: fn(&BranchRow) -> &str| -> String {
        let total: rust_decimal::Decimal = rows.iter().filter_map(|r| f(r).parse::<rust_decimal::Decimal>().ok()).sum();
        format!("{total:.2}")
    };
    let page = OverviewPage {
        title: "党费收缴汇总",
        page: Frame::for_user(&me),
        year,
        years: (year - 2..=today().year()).rev().collect(),
        owed: sum(|r| &r.owed),
        paid: sum(|r| &r.paid),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/dues.xlsx?year=Y`.
pub async fn overview_xlsx(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let year = year_of(&q)?;
    let rows = overview_rows(&st, &scope, year).await?;
    let headers = [
        "党组织",
        "已核定人数",
        "应缴（元）",
        "实缴（元）",
        "收缴率（%）",
        "未交人次",
        "免交人次",
        "连续 6 个月未交人数",
    ];
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.clone(),
                r.assessed.to_string(),
                r.owed.clone(),
                r.paid.clone(),
                r.percent.clone(),
                r.unpaid.to_string(),
                r.exempt.to_string(),
                r.lapse.to_string(),
            ]
        })
        .collect();
    let bytes = download::sheet_bytes(&format!("{year}年党费收缴"), &headers, &table)?;
    audit_trail::record(&st, Actor::User(&me), "dues.export", "overview", audit_trail::SUCCESS, &year.to_string())
        .await?;
    Ok(download::xlsx(bytes, &format!("dues-overview-{year}.xlsx"), &format!("{year}年党费收缴汇总.xlsx")))
}
