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
    dues::{ArrearsStatus, Category, RuleBook, can_back_pay, consecutive_unpaid_months},
    month::YearMonth,
    roles::Role,
};
use dangjian_store::{StoreError, dues, members};
use rust_decimal::Decimal;
use serde::Deserialize;
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

fn today() -> Date {
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
}

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

fn branch(scope: &Scope, id: i64) -> Result<String, AppError> {
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
    let roster = members::in_orgs(&st.db, &[id]).await?;
    let ids: Vec<i64> = roster.iter().map(|m| m.id).collect();
    let bases = dues::bases_for(&st.db, &ids, &month.to_string()).await?;
    let payments = dues::payments_for(&st.db, &ids).await?;
    let book = RuleBook::standard();
    let (mut total_due, mut total_paid, mut unpaid) = (Decimal::ZERO, Decimal::ZERO, 0usize);
    let mut rows = Vec::new();
    for m in &roster {
        let base = bases.iter().find(|b| b.0 == m.id);
        let due = base.and_then(|(_, cat, b, _)| {
            let cat = Category::from_code(cat)?;
            book.monthly_due(cat, Decimal::from_str(b).ok()?, month).ok()
        });
        let paid_months: Vec<YearMonth> =
            payments.iter().filter(|p| p.0 == m.id).filter_map(|p| p.1.parse().ok()).collect();
        let this = payments.iter().find(|p| p.0 == m.id && p.1 == month.to_string());
        if let Some(d) = due {
            total_due += d;
        }
        if let Some(p) = this {
            total_paid += Decimal::from_str(&p.2).unwrap_or_default();
        } else if due.is_some() {
            unpaid += 1;
        }
        let start = base.and_then(|b| b.3.parse::<YearMonth>().ok()).unwrap_or(month);
        let streak = consecutive_unpaid_months(&paid_months, month, start);
        rows.push(Row {
            id: m.id,
            name: m.name.clone(),
            category: base
                .and_then(|b| Category::from_code(&b.1))
                .map(|c| c.name().to_owned())
                .unwrap_or_else(|| "未核定".into()),
            base: base.map(|b| b.2.clone()).unwrap_or_default(),
            due: due.map(|d| format!("{d:.2}")).unwrap_or_else(|| "—".into()),
            paid: this.map(|p| format!("{} 元（{}，{}）", p.2, p.3, p.4)).unwrap_or_else(|| "未交".into()),
            arrears: if base.is_none() {
                String::new()
            } else {
                ArrearsStatus::from_unpaid(streak).warning().unwrap_or_default()
            },
        });
    }
    let page = DuesPage {
        title: "党费",
        page: Frame::for_user(me),
        org_id: id,
        org,
        month: month.to_string(),
        rows,
        total_due: format!("{total_due:.2}"),
        total_paid: format!("{total_paid:.2}"),
        unpaid,
        categories: Category::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        errors,
        today: today().format(format_description!("[year]-[month]-[day]")).unwrap_or_default(),
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

/// `POST /platform/orgs/{id}/dues/base` and `/dues/pay`.
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
