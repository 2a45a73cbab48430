//! 党费 for a branch: each member's monthly due from the rule book (中组发〔2008〕3号,
//! rates on the whole base, decimals), payments with the 6-month back-payment limit,
//! arrears with the 6-consecutive-months warning, and the month's totals.

use std::str::FromStr;

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    dues::{Category, RuleBook, can_back_pay},
    dues_statement::{MonthState, Totals},
    month::YearMonth,
    roles::Role,
};
use dangjian_store::{StoreError, adjustments, dues, members};
use rust_decimal::Decimal;
use serde::Deserialize;
use time::{Date, macros::format_description};

use super::{dues_adjust, dues_ledger, scope::Scope};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

pub(super) fn today() -> Date {
    clock::from_micros(clock::now_micros()).date()
}

pub struct Row {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub base: String,
    pub due: String,
    pub paid: String,
    pub arrears: String,
}

#[derive(Template)]
#[template(path = "platform/dues.html")]
struct DuesPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    month: String,
    rows: Vec<Row>,
    total_due: String,
    total_paid: String,
    unpaid: usize,
    categories: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
    today: String,
    year: i32,
    applications: Vec<Application>,
    /// The account belongs to a 党委 above the branch and may approve 少交/免交.
    can_decide: bool,
}

/// A 少交/免交 application as listed under the month's table.
pub struct Application {
    pub id: i64,
    pub name: String,
    pub what: String,
    pub period: String,
    pub discussed: String,
    pub reason: String,
    pub status: String,
    pub pending: bool,
}

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

pub(super) fn branch(scope: &Scope, id: i64) -> Result<String, AppError> {
    let o = scope.org(id)?;
    match dangjian_domain::orgs::OrgKind::from_code(&o.kind) {
        Some(k) if k.is_branch() => Ok(o.name.clone()),
        _ => Err(AppError::NotFound),
    }
}

async fn render(
    st: &AppState,
    me: &CurrentUser,
    id: i64,
    month: YearMonth,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let scope = Scope::of(st, me).await?;
    let org = branch(&scope, id)?;
    let ledger = dues_ledger::load(st, id).await?;
    let book = RuleBook::standard();
    let mut totals = Totals::default();
    let mut rows = Vec::new();
    for m in &ledger {
        let line = m.line(&book, month);
        totals.add(&line);
        let base = dangjian_domain::dues_statement::base_in(&m.bases, month);
        rows.push(Row {
            id: m.id,
            name: m.name.clone(),
            category: m.category(month).map(|c| c.name().to_owned()).unwrap_or_else(|| "未核定".into()),
            base: base.map(|b| format!("{:.2}", b.base)).unwrap_or_default(),
            due: match (line.assessed, line.owed) {
                (Some(a), Some(o)) if line.adjusted => {
                    format!("{o:.2}（原 {a:.2}，经批准{}）", if o.is_zero() { "免交" } else { "少交" })
                }
                (_, Some(o)) => format!("{o:.2}"),
                _ => "—".into(),
            },
            paid: match (m.payments.get(&month), line.state) {
                (Some(p), _) => format!("{:.2} 元（{}，{}）", p.amount, p.paid_on, p.method),
                (None, MonthState::Exempt) => "免交".into(),
                (None, MonthState::NotAssessed) => "—".into(),
                (None, _) => "未交".into(),
            },
            arrears: if base.is_none() { String::new() } else { m.arrears(&book, month).warning().unwrap_or_default() },
        });
    }
    let names: std::collections::HashMap<i64, &str> = ledger.iter().map(|m| (m.id, m.name.as_str())).collect();
    let applications = adjustments::in_org(&st.db, id)
        .await?
        .into_iter()
        .map(|a| Application {
            name: names.get(&a.member_id).copied().unwrap_or("").to_owned(),
            what: match (a.kind.as_str(), a.monthly_amount.as_deref()) {
                ("reduce", Some(amount)) => format!("少交，每月 {amount} 元"),
                _ => "免交".to_owned(),
            },
            period: format!("{} 至 {}", a.from_month, a.through_month),
            status: match a.status.as_str() {
                "approved" => format!("已批准（{}，{}）", a.approver, a.decided_on.clone().unwrap_or_default()),
                "rejected" => format!("未批准（{}）", a.decision_note),
                _ => "待上级党委审批".to_owned(),
            },
            pending: a.status == "pending",
            discussed: a.branch_discussed_on.clone(),
            reason: a.reason.clone(),
            id: a.id,
        })
        .collect();
    let page = DuesPage {
        title: "党费",
        page: Frame::for_user(me),
        org_id: id,
        org,
        month: month.to_string(),
        year: month.year(),
        rows,
        total_due: format!("{:.2}", totals.owed),
        total_paid: format!("{:.2}", totals.paid),
        unpaid: totals.unpaid_lines,
        categories: Category::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        errors,
        today: today().format(format_description!("[year]-[month]-[day]")).unwrap_or_default(),
        applications,
        can_decide: scope.is_above(id),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let month = match q.month.as_deref() {
        None | Some("") => YearMonth::of(today()),
        Some(s) => s.parse().map_err(|_| AppError::NotFound)?,
    };
    render(&st, &me, id, month, vec![]).await
}

/// `POST /platform/orgs/{id}/dues/base`, `/dues/pay`, and the 少交/免交 actions
/// `/dues/apply`, `/dues/approve`, `/dues/reject`.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    branch(&scope, id)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let month: YearMonth = get("month").parse().unwrap_or_else(|_| YearMonth::of(today()));
    let adjustment = match action.as_str() {
        "apply" => Some(dues_adjust::apply(&st, &me, id, &get).await?),
        "approve" | "reject" => Some(dues_adjust::decide(&st, &me, &scope, id, action == "approve", &get).await?),
        _ => None,
    };
    match adjustment {
        Some(Ok(())) => return Ok(Redirect::to(&format!("/platform/orgs/{id}/dues?month={month}")).into_response()),
        Some(Err(msg)) => return render(&st, &me, id, month, vec![msg]).await,
        None => {}
    }
    let member: Option<i64> = get("member_id").parse().ok();
    let roster = members::in_orgs(&st.db, &[id]).await?;
    let Some(member) = member.filter(|m| roster.iter().any(|r| r.id == *m)) else {
        return render(&st, &me, id, month, vec!["请选择本支部的党员".into()]).await;
    };
    let now = clock::now_micros();
    let back = format!("/platform/orgs/{id}/dues?month={month}");
    match action.as_str() {
        "base" => {
            let Some(cat) = Category::from_code(&get("category")) else {
                return render(&st, &me, id, month, vec!["请选择党员类别".into()]).await;
            };
            let base = match Decimal::from_str(&get("base")) {
                Ok(b) if b >= Decimal::ZERO && b.scale() <= 2 => b,
                _ => {
                    return render(&st, &me, id, month, vec!["计算基数须为不小于 0 的金额，最多两位小数".into()]).await;
                }
            };
            // The rule book decides whether the category and base are acceptable.
            if let Err(e) = RuleBook::standard().monthly_due(cat, base, month) {
                return render(&st, &me, id, month, vec![e.to_string()]).await;
            }
            dues::set_base(&st.db, member, cat.code(), &format!("{base:.2}"), &month.to_string(), me.user.id, now)
                .await?;
            audit_trail::record(
                &st,
                Actor::User(&me),
                "dues.base",
                &format!("member:{member}"),
                audit_trail::SUCCESS,
                &format!("{} from {month}", cat.code()),
            )
            .await?;
        }
        "pay" => {
            let paid_on = match Date::parse(&get("paid_on"), format_description!("[year]-[month]-[day]")) {
                Ok(d) if d <= today() => d,
                _ => {
                    return render(&st, &me, id, month, vec!["缴纳日期格式应为 年-月-日，且不能晚于今天".into()]).await;
                }
            };
            if let Err(e) = can_back_pay(month, paid_on) {
                return render(&st, &me, id, month, vec![e.to_string()]).await;
            }
            let amount = match Decimal::from_str(&get("amount")) {
                Ok(a) if a > Decimal::ZERO && a.scale() <= 2 => a,
                _ => return render(&st, &me, id, month, vec!["缴纳金额须大于 0，最多两位小数".into()]).await,
            };
            let method: String = get("method").chars().take(20).collect();
            let row = (member, month.to_string(), format!("{amount:.2}"), get("paid_on"), method);
            match dues::record_payment(&st.db, &row, me.user.id, now).await {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => {
                    return render(&st, &me, id, month, vec![format!("该党员 {month} 的党费已登记，不能重复登记")])
                        .await;
                }
                Err(e) => return Err(e.into()),
            }
            // 党性积分 for the month follow the payment at once; the payment stands either way
            // (a failed grant is logged, and the branch's sync uses the same event key).
            if let Err(e) = super::eval::sync::grant_payment(&st, member, &month.to_string(), &row.3).await {
                tracing::warn!(member, %month, error = %e, "points for a recorded payment were not granted");
            }
            audit_trail::record(
                &st,
                Actor::User(&me),
                "dues.pay",
                &format!("member:{member}"),
                audit_trail::SUCCESS,
                &format!("{month} {amount:.2}"),
            )
            .await?;
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(Redirect::to(&back).into_response())
}
