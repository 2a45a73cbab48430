//! `/platform/points/catalogue` and `/platform/points/index`: the 工委 edits the 党性积分
//! rule catalogue (action types, points, sign, per-day / month / year caps, whether by
//! application) and the weights of the 量化评议指数's parts.
//!
//! Both are one JSON value in `eval_config`, replaced whole once the domain accepts it
//! (`Catalogue::validate`, `IndexConfig::validate`). Entries already in the ledger keep the
//! points they were granted with; the catalogue only decides what is granted from now on.
//! The index's parts are fixed by what the platform measures (积分, 出勤率, 民主评议), so
//! only their weights and the rule for a missing part are edited here.

use std::str::FromStr;

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::eval::{
    member_index::{IndexConfig, MissingPart, Normalisation},
    points::{Catalogue, PointRule, Sign},
};
use dangjian_store::points as pstore;
use rust_decimal::Decimal;

use super::{super::frequencies::require_top, catalogue, field, index_config};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

const BLANK_RULES: usize = 3;
const MAX_ROWS: usize = 200;

/// One catalogue row as typed.
#[derive(Debug, Clone, Default)]
pub struct RuleRow {
    pub action: String,
    pub name: String,
    pub points: String,
    pub sign: String,
    pub per_day: String,
    pub per_month: String,
    pub per_year: String,
    pub by_application: bool,
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

fn rows_of(cat: &Catalogue) -> Vec<RuleRow> {
    let cap = |c: Option<Decimal>| c.map(num).unwrap_or_default();
    cat.rules
        .iter()
        .map(|r| RuleRow {
            action: r.action.clone(),
            name: r.name.clone(),
            points: num(r.points),
            sign: r.sign.code().to_owned(),
            per_day: cap(r.per_day),
            per_month: cap(r.per_month),
            per_year: cap(r.per_year),
            by_application: r.by_application,
        })
        .collect()
}

/// The rows posted, without blank rows and those marked 删除.
fn posted_rows(pairs: &[(String, String)]) -> Vec<RuleRow> {
    let get = |k: String| field(pairs, &k);
    let mut rows = Vec::new();
    for i in 0..MAX_ROWS {
        if !pairs.iter().any(|(k, _)| *k == format!("r{i}.action")) {
            break;
        }
        let row = RuleRow {
            action: get(format!("r{i}.action")),
            name: get(format!("r{i}.name")),
            points: get(format!("r{i}.points")),
            sign: get(format!("r{i}.sign")),
            per_day: get(format!("r{i}.per_day")),
            per_month: get(format!("r{i}.per_month")),
            per_year: get(format!("r{i}.per_year")),
            by_application: !get(format!("r{i}.by_application")).is_empty(),
        };
        let blank = row.action.is_empty() && row.name.is_empty() && row.points.is_empty();
        if !blank && get(format!("r{i}.drop")).is_empty() {
            rows.push(row);
        }
    }
    rows
}

/// The catalogue the rows describe; the first unreadable number is named by its row.
fn parse_rows(rows: &[RuleRow], rankings_enabled: bool) -> Result<Catalogue, String> {
    let mut rules = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let label = format!("第 {} 条积分规则", i + 1);
        let dec = |v: &str, what: &str| Decimal::from_str(v).map_err(|_| format!("{label}：{what}应为数字"));
        let cap = |v: &str, what: &str| if v.is_empty() { Ok(None) } else { dec(v, what).map(Some) };
        rules.push(PointRule {
            action: r.action.clone(),
            name: r.name.chars().take(50).collect(),
            points: dec(&r.points, "分值")?,
            sign: Sign::from_code(&r.sign).ok_or_else(|| format!("{label}：请选择加分或扣分"))?,
            per_day: cap(&r.per_day, "每日上限")?,
            per_month: cap(&r.per_month, "每月上限")?,
            per_year: cap(&r.per_year, "每年上限")?,
            by_application: r.by_application,
        });
    }
    Ok(Catalogue { rules, rankings_enabled })
}

#[derive(Template)]
#[template(path = "platform/eval/points_catalogue.html")]
struct CataloguePage {
    title: &'static str,
    page: Frame,
    rows: Vec<RuleRow>,
    errors: Vec<String>,
}

fn render_catalogue(me: &CurrentUser, mut rows: Vec<RuleRow>, errors: Vec<String>) -> Result<Response, AppError> {
    rows.extend(std::iter::repeat_n(RuleRow { sign: Sign::Award.code().into(), ..RuleRow::default() }, BLANK_RULES));
    let page = CataloguePage { title: "党性积分规则", page: Frame::for_user(me), rows, errors };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/points/catalogue`.
pub async fn catalogue_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    render_catalogue(&me, rows_of(&catalogue(&st).await?), vec![])
}

/// `POST /platform/points/catalogue`: replaces the catalogue once the domain accepts it.
pub async fn catalogue_save(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let rows = posted_rows(&form_pairs(&body));
    let current = catalogue(&st).await?;
    let cat = match parse_rows(&rows, current.rankings_enabled) {
        Ok(c) => c,
        Err(e) => return render_catalogue(&me, rows, vec![e]),
    };
    if let Err(e) = cat.validate() {
        return render_catalogue(&me, rows, vec![e.to_string()]);
    }
    let json = serde_json::to_string(&cat).map_err(|e| AppError::Internal(e.to_string()))?;
    pstore::config_set(&st.db, pstore::CATALOGUE_KEY, &json, dangjian_domain::clock::now_micros()).await?;
    let detail: Vec<String> =
        cat.rules.iter().map(|r| format!("{} {}{}", r.action, r.sign.name(), num(r.points))).collect();
    audit_trail::record(
        &st,
        Actor::User(&me),
        "points.catalogue",
        pstore::CATALOGUE_KEY,
        audit_trail::SUCCESS,
        &detail.join(", "),
    )
    .await?;
    Ok(Redirect::to("/platform/points/catalogue").into_response())
}

/// One part of the index as the form shows it.
pub struct PartRow {
    pub code: String,
    pub name: String,
    /// The weight in percent as typed.
    pub percent: String,
    /// How the raw value becomes 0–100, in words (not editable here).
    pub scale: String,
}

fn scale_of(n: &Normalisation) -> String {
    match n {
        Normalisation::Linear { min, max } => format!("{} 计 0 分，{} 计 100 分，其间按比例", num(*min), num(*max)),
        Normalisation::Table(rows) => {
            let name = |c: &str| {
                dangjian_domain::eval::appraisal::AppraisalGrade::from_code(c).map(|g| g.name()).unwrap_or(c).to_owned()
            };
            rows.iter().map(|(c, v)| format!("{} {}", name(c), num(*v))).collect::<Vec<_>>().join("，")
        }
    }
}

#[derive(Template)]
#[template(path = "platform/eval/index_weights.html")]
struct IndexPage {
    title: &'static str,
    page: Frame,
    parts: Vec<PartRow>,
    renormalise: bool,
    errors: Vec<String>,
}

fn render_index(
    me: &CurrentUser,
    parts: Vec<PartRow>,
    renormalise: bool,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let page = IndexPage { title: "量化评议指数权重", page: Frame::for_user(me), parts, renormalise, errors };
    Ok(Html(page.render()?).into_response())
}

fn part_rows(cfg: &IndexConfig, typed: Option<&[(String, String)]>) -> Vec<PartRow> {
    cfg.parts
        .iter()
        .map(|p| PartRow {
            code: p.code.clone(),
            name: p.name.clone(),
            percent: match typed {
                Some(pairs) => field(pairs, &format!("w.{}", p.code)),
                None => num(p.weight * Decimal::ONE_HUNDRED),
            },
            scale: scale_of(&p.normalisation),
        })
        .collect()
}

/// `GET /platform/points/index`.
pub async fn index_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let cfg = index_config(&st).await?;
    render_index(&me, part_rows(&cfg, None), cfg.missing == MissingPart::Renormalise, vec![])
}

/// `POST /platform/points/index`: weights in percent (`w.{code}`), and `missing`.
pub async fn index_save(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let pairs = form_pairs(&body);
    let mut cfg = index_config(&st).await?;
    let renormalise = field(&pairs, "missing") != "zero";
    let mut weights = Vec::with_capacity(cfg.parts.len());
    for p in &cfg.parts {
        match Decimal::from_str(&field(&pairs, &format!("w.{}", p.code))) {
            Ok(w) => weights.push(w / Decimal::ONE_HUNDRED),
            Err(_) => {
                let msg = format!("“{}”的权重应为数字（百分比）", p.name);
                return render_index(&me, part_rows(&cfg, Some(pairs.as_slice())), renormalise, vec![msg]);
            }
        }
    }
    for (p, w) in cfg.parts.iter_mut().zip(weights) {
        p.weight = w;
    }
    cfg.missing = if renormalise { MissingPart::Renormalise } else { MissingPart::Zero };
    if let Err(e) = cfg.validate() {
        return render_index(&me, part_rows(&cfg, Some(pairs.as_slice())), renormalise, vec![e.to_string()]);
    }
    let json = serde_json::to_string(&cfg).map_err(|e| AppError::Internal(e.to_string()))?;
    pstore::config_set(&st.db, pstore::INDEX_KEY, &json, dangjian_domain::clock::now_micros()).await?;
    let detail: Vec<String> =
        cfg.parts.iter().map(|p| format!("{} {}%", p.code, num(p.weight * Decimal::ONE_HUNDRED))).collect();
    audit_trail::record(
        &st,
        Actor::User(&me),
        "points.index",
        pstore::INDEX_KEY,
        audit_trail::SUCCESS,
        &detail.join(", "),
    )
    .await?;
    Ok(Redirect::to("/platform/points/index").into_response())
}
