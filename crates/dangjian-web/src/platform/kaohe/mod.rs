//! 党建考核 (`/platform/kaohe`): schemes built on the domain's general assessment engine
//! (知者权重, 格次赋分, 全员覆盖), rater assignments and one-time links, the ballot page
//! (signed-in raters under `/platform`, 群众评价 by token under `/vote/{token}`), offline
//! and 日常 scores, and results with their computation and an `.xlsx` export.
//!
//! Anonymity: handlers never pass who is voting to anything but the store's `cast`, which
//! only flips the voter's `voted`/`used` flag beside an anonymous ballot. Pages show
//! turnout per group, never who voted or how.

mod ballot;
mod daily;
mod list;
mod results;
mod schemes;
mod tokens;

use std::collections::BTreeMap;

use axum::{Router, routing::get};
use dangjian_domain::{
    eval::assessment::{SubjectId, SubjectKind},
    orgs::OrgKind,
    roles::Role,
};
use dangjian_store::{kaohe, members, orgs};

use super::scope::Scope;
use crate::{AppError, AppState, admin::current::CurrentUser};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform/kaohe", get(list::list).post(list::create))
        .route("/platform/kaohe/{id}", get(schemes::page))
        .route("/platform/kaohe/{id}/{action}", axum::routing::post(schemes::act))
        .route("/platform/kaohe/{id}/ballot", get(ballot::internal_form).post(ballot::internal_submit))
        .route("/platform/kaohe/{id}/daily/records", get(daily::records))
        .route("/platform/kaohe/{id}/results", get(results::page))
        .route("/platform/kaohe/{id}/results.xlsx", get(results::xlsx))
        .route("/vote/{token}", get(ballot::public_form).post(ballot::public_submit))
}

/// Member statuses that are party members (subjects of a member scheme).
const MEMBER_STATUSES: &[&str] = &["full", "probationary", "probation_extended"];

/// The subjects a scheme of `kind` over `org_id` must cover (全员覆盖), with their names:
/// every branch, or every party member, in the organisation's subtree today.
pub(super) async fn scope_subjects(
    st: &AppState,
    all_orgs: &[orgs::Org],
    org_id: i64,
    kind: SubjectKind,
) -> Result<Vec<(SubjectId, String)>, AppError> {
    let tree = orgs::subtree(all_orgs, org_id);
    Ok(match kind {
        SubjectKind::Member => members::in_orgs(&st.db, &tree)
            .await?
            .into_iter()
            .filter(|m| MEMBER_STATUSES.contains(&m.status.as_str()))
            .map(|m| (m.id, m.name))
            .collect(),
        SubjectKind::LeadingCadre => leading_cadres(st, all_orgs, &tree).await?,
        SubjectKind::Branch => all_orgs
            .iter()
            .filter(|o| tree.contains(&o.id))
            .filter(|o| OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()))
            .map(|o| (o.id, o.name.clone()))
            .collect(),
    })
}

/// 领导干部 in a subtree: the members of every organisation's 班子 (书记, 副书记, 委员 as
/// recorded under 组织管理), once each, named with their posts so raters know who is meant.
async fn leading_cadres(
    st: &AppState,
    all_orgs: &[orgs::Org],
    tree: &[i64],
) -> Result<Vec<(SubjectId, String)>, AppError> {
    let mut posts: BTreeMap<SubjectId, (String, Vec<String>)> = BTreeMap::new();
    for o in all_orgs.iter().filter(|o| tree.contains(&o.id)) {
        for (member, name, post) in orgs::committee(&st.db, o.id).await? {
            posts.entry(member).or_insert_with(|| (name, Vec::new())).1.push(format!("{}{post}", o.name));
        }
    }
    let mut out: Vec<(SubjectId, String)> =
        posts.into_iter().map(|(id, (name, p))| (id, format!("{name}（{}）", p.join("、")))).collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// Names of a scheme's subjects (and any others in scope), for pages and exports.
pub(super) async fn subject_names(
    st: &AppState,
    row: &kaohe::SchemeRow,
) -> Result<BTreeMap<SubjectId, String>, AppError> {
    let all = orgs::all(&st.db).await?;
    let mut names: BTreeMap<SubjectId, String> =
        scope_subjects(st, &all, row.org_id, row.scheme.subject_kind).await?.into_iter().collect();
    for s in &row.scheme.subjects {
        if !names.contains_key(s) {
            let name = match row.scheme.subject_kind {
                SubjectKind::Member | SubjectKind::LeadingCadre => members::get(&st.db, *s).await.map(|m| m.name).ok(),
                SubjectKind::Branch => all.iter().find(|o| o.id == *s).map(|o| o.name.clone()),
            };
            names.insert(*s, name.unwrap_or_else(|| format!("#{s}")));
        }
    }
    Ok(names)
}

/// The scheme, when the signed-in officer's scope reaches its organisation; 404 otherwise
/// (so another organisation's identifiers reveal nothing), 403 for non-officers.
pub(super) async fn managed(st: &AppState, me: &CurrentUser, id: i64) -> Result<(Scope, kaohe::SchemeRow), AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let row = kaohe::get(&st.db, id).await?;
    scope.org(row.org_id)?;
    Ok((scope, row))
}
