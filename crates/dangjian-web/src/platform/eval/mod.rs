//! Evaluation pages: 达标定级 ([`grading`], [`grading_sheet`], [`grading_overview`]) with its
//! spot checks ([`spot_check`]) and the 四强 designation ([`four_strong`]), 党性积分 and the 量化评议指数 ([`points`]),
//! 民主评议党员 ([`appraisal`]), and the 工委's pages that edit their configuration
//! ([`settings_standard`], [`settings_points`]). The engines are `dangjian_domain::eval`;
//! these handlers load records, ask the engines and store what they answer. Configuration
//! (the standard, the points catalogue, the index) is the domain's own value kept as JSON,
//! seeded with the domain's defaults on first use.

mod appraisal;
mod four_strong;
mod grading;
mod grading_overview;
mod grading_sheet;
pub(super) mod measure;
pub(super) mod member_indexes;
mod points;
mod settings_points;
mod settings_standard;
mod spot_check;
pub(crate) mod sync;

use axum::{
    Router,
    routing::{get, post},
};
use dangjian_domain::{
    clock,
    eval::{
        member_index::{IndexConfig, default_index_config},
        points::{Catalogue, default_catalogue},
        standard::{Standard, default_standard},
    },
};
use dangjian_store::{grading as store, points as pstore};
use time::{Date, macros::format_description};

use crate::{AppError, AppState};

/// Every `{action}` the POST routes above accept, for the scope walk.
pub const ACTIONS: &[&str] = &[
    "open",
    "save",
    "submit",
    "preliminary",
    "review",
    "send_back",
    "notice",
    "object",
    "finalise",
    "rectify",
    "sync",
    "grant",
    "approve",
    "reject",
    "reverse",
    "rankings",
    "ballot",
    "start_voting",
    "reopen",
    "decide",
    "conclude",
    "designate",
    "revoke",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform/grading", get(grading_overview::overview))
        .route("/platform/grading.xlsx", get(grading_overview::overview_xlsx))
        .route("/platform/grading/standard", get(settings_standard::form).post(settings_standard::save))
        .route("/platform/points/catalogue", get(settings_points::catalogue_form).post(settings_points::catalogue_save))
        .route("/platform/points/index", get(settings_points::index_form).post(settings_points::index_save))
        .route("/platform/orgs/{id}/grading", get(grading::page))
        .route("/platform/orgs/{id}/grading/{action}", post(grading::act))
        .route("/platform/orgs/{id}/spot-check", get(spot_check::page))
        .route("/platform/orgs/{id}/spot-check/{action}", post(spot_check::act))
        .route("/platform/orgs/{id}/points", get(points::branch_page))
        .route("/platform/orgs/{id}/points/{action}", post(points::branch_act))
        .route("/platform/members/{id}/points", get(points::member_page))
        .route("/platform/me/points", get(points::me_page).post(points::me_apply))
        .route("/platform/orgs/{id}/appraisal", get(appraisal::page))
        .route("/platform/orgs/{id}/appraisal/{action}", post(appraisal::act))
        .route("/platform/me/appraisal", get(appraisal::me_page).post(appraisal::me_save))
        .route("/platform/me/appraisal/ballot", get(appraisal::ballot_form).post(appraisal::ballot_submit))
}

pub(crate) fn today() -> Date {
    clock::from_micros(clock::now_micros()).date()
}

pub(crate) fn iso(d: Date) -> String {
    d.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

pub(crate) fn parse_date(s: &str) -> Option<Date> {
    Date::parse(s.trim(), format_description!("[year]-[month]-[day]")).ok()
}

/// The year asked for in `?year=`, or this year; years outside 2000..=2100 are 404.
pub(crate) fn year_or_now(y: Option<i32>) -> Result<i32, AppError> {
    match y {
        None => Ok(today().year()),
        Some(y) if (2000..=2100).contains(&y) => Ok(y),
        Some(_) => Err(AppError::NotFound),
    }
}

/// A form field by name, trimmed; "" when absent.
pub(crate) fn field(pairs: &[(String, String)], k: &str) -> String {
    pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

/// The code of the 达标定级 standard (the default standard's).
pub(crate) const STANDARD_CODE: &str = "branch_standard";

/// The newest standard, storing the domain's default as version 1 on first use.
pub(crate) async fn current_standard(st: &AppState) -> Result<(i64, Standard), AppError> {
    if store::latest_standard(&st.db, STANDARD_CODE).await?.is_none() {
        let d = default_standard();
        let body = serde_json::to_string(&d).map_err(|e| AppError::Internal(e.to_string()))?;
        // Two first users at once: the second insert is a conflict and the first one wins.
        match store::insert_standard(&st.db, &d.code, i64::from(d.version), &body, None, clock::now_micros()).await {
            Ok(_) | Err(dangjian_store::StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let row = store::latest_standard(&st.db, STANDARD_CODE).await?.ok_or(AppError::NotFound)?;
    Ok((row.id, decode(&row.body)?))
}

/// A stored standard by id (the version an assessment was opened under).
pub(crate) async fn standard_by_id(st: &AppState, id: i64) -> Result<Standard, AppError> {
    decode(&store::standard(&st.db, id).await?.body)
}

fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, AppError> {
    serde_json::from_str(body).map_err(|e| AppError::Internal(format!("stored evaluation config: {e}")))
}

async fn config<T: serde::Serialize + serde::de::DeserializeOwned>(
    st: &AppState,
    key: &str,
    default: impl FnOnce() -> T,
) -> Result<T, AppError> {
    if let Some(body) = pstore::config_get(&st.db, key).await? {
        return decode(&body);
    }
    let body = serde_json::to_string(&default()).map_err(|e| AppError::Internal(e.to_string()))?;
    pstore::config_seed(&st.db, key, &body, clock::now_micros()).await?;
    decode(&pstore::config_get(&st.db, key).await?.unwrap_or(body))
}

/// The 党性积分 rule catalogue.
pub(crate) async fn catalogue(st: &AppState) -> Result<Catalogue, AppError> {
    config(st, pstore::CATALOGUE_KEY, default_catalogue).await
}

/// The 量化评议指数 configuration.
pub(crate) async fn index_config(st: &AppState) -> Result<IndexConfig, AppError> {
    config(st, pstore::INDEX_KEY, default_index_config).await
}
