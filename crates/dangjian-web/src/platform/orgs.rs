//! The organisation tree with rule checks (支部 size, 支委会, 换届), and one
//! organisation's page.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{
    clock,
    members::{mask_id_number, mask_phone},
    orgs::{OrgFacts, OrgIssue, OrgKind, OrgPolicy, check_org},
    roles::Role,
};
use dangjian_store::{members, orgs};
use time::Date;

use super::scope::Scope;
use crate::{
    AppError, AppState,
    admin::{current::CurrentUser, nav::Frame},
};

/// One line of the tree.
pub struct TreeRow {
    pub id: i64,
    pub depth: usize,
    pub name: String,
    pub kind: &'static str,
    pub members: i64,
    pub issues: Vec<String>,
}

fn today() -> Date {
    clock::from_micros(clock::now_micros()).date()
}

fn parse_date(s: &Option<String>) -> Option<Date> {
    s.as_deref().and_then(|d| Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok())
}

/// Rule findings for every organisation in reach, from member counts and committees.
async fn issues(st: &AppState, scope: &Scope) -> Result<Vec<(i64, Vec<OrgIssue>)>, AppError> {
    let counts = members::counts(&st.db).await?;
    let policy = OrgPolicy::default();
    let mut out = Vec::new();
    for o in scope.all_orgs.iter().filter(|o| scope.orgs.contains(&o.id)) {
        let Some(kind) = OrgKind::from_code(&o.kind) else { continue };
        let count = |status: &str| {
            counts.iter().filter(|(org, s, _)| *org == o.id && s == status).map(|(_, _, n)| *n as u32).sum::<u32>()
        };
        let committee = if kind.is_branch() { orgs::committee(&st.db, o.id).await?.len() as u32 } else { 0 };
        let facts = OrgFacts {
            kind,
            full_members: count("full"),
            probationary_members: count("probationary") + count("probation_extended"),
            committee_members: committee,
            units_covered: None,
            elected_on: parse_date(&o.term_start),
        };
        out.push((o.id, check_org(&facts, today(), &policy)));
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "platform/tree.html")]
struct TreePage {
    title: &'static str,
    page: Frame,
    rows: Vec<TreeRow>,
    total_issues: usize,
}

pub async fn home(me: CurrentUser) -> Result<Response, AppError> {
    let target = if me.has(Role::Officer) { "/platform/orgs" } else { "/platform/me" };
    Ok(axum::response::Redirect::to(target).into_response())
}

/// The tree below the account's root, depth first, with member counts and rule warnings.
async fn tree_rows(st: &AppState, scope: &Scope) -> Result<Vec<TreeRow>, AppError> {
    let Some(root) = scope.root else { return Err(AppError::Forbidden) };
    let counts = members::counts(&st.db).await?;
    let group_counts = members::group_counts(&st.db).await?;
    let found = issues(st, scope).await?;
    let mut rows = Vec::new();
    // Depth-first from the account's root, children in their configured order.
    let mut stack = vec![(root, 0usize)];
    while let Some((id, depth)) = stack.pop() {
        let Some(o) = scope.all_orgs.iter().find(|o| o.id == id) else { continue };
        let subtree = orgs::subtree(&scope.all_orgs, id);
        rows.push(TreeRow {
            id,
            depth,
            name: o.name.clone(),
            kind: OrgKind::from_code(&o.kind).map(|k| k.name()).unwrap_or("其他"),
            // Members belong to their branch; a 党小组 counts those placed in it.
            members: if OrgKind::from_code(&o.kind) == Some(OrgKind::Group) {
                group_counts.iter().find(|(g, _)| *g == id).map_or(0, |(_, n)| *n)
            } else {
                counts.iter().filter(|(org, _, _)| subtree.contains(org)).map(|(_, _, n)| n).sum()
            },
            issues: found
                .iter()
                .find(|(i, _)| *i == id)
                .map(|(_, v)| v.iter().map(|x| x.to_string()).collect())
                .unwrap_or_default(),
        });
        let mut kids: Vec<&orgs::Org> = scope.all_orgs.iter().filter(|c| c.parent_id == Some(id)).collect();
        kids.sort_by_key(|c| std::cmp::Reverse((c.sort_order, c.id)));
        stack.extend(kids.into_iter().map(|c| (c.id, depth + 1)));
    }
    Ok(rows)
}

pub async fn tree(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let rows = tree_rows(&st, &scope).await?;
    let total_issues = rows.iter().map(|r| r.issues.len()).sum();
    Ok(Html(TreePage { title: "组织管理", page: Frame::for_user(&me), rows, total_issues }.render()?).into_response())
}

/// `GET /platform/orgs.xlsx`: the tree with counts and warnings, for the 工委's files.
pub async fn tree_xlsx(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let rows: Vec<Vec<String>> = tree_rows(&st, &scope)
        .await?
        .into_iter()
        .map(|r| {
            vec![
                format!("{}{}", "　".repeat(r.depth), r.name),
                r.kind.to_owned(),
                r.members.to_string(),
                r.issues.join("；"),
            ]
        })
        .collect();
    let bytes = super::download::sheet_bytes("党组织", &["党组织", "类型", "党员人数", "提醒"], &rows)?;
    Ok(super::download::xlsx(bytes, "organisations.xlsx", "党组织名单.xlsx"))
}

pub struct MemberRow {
    pub id: i64,
    /// The 党小组 the member is placed in, if any.
    pub group: String,
    pub name: String,
    pub gender: String,
    pub status: &'static str,
    pub category: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub post: String,
}

#[derive(Template)]
#[template(path = "platform/org.html")]
struct OrgPage {
    title: &'static str,
    page: Frame,
    name: String,
    kind: &'static str,
    founded: String,
    term: String,
    committee: Vec<(i64, String, String)>,
    issues: Vec<String>,
    rows: Vec<MemberRow>,
    children: Vec<(i64, String)>,
    id: i64,
    is_branch: bool,
}

/// Masks a stored (encrypted) ID number for a list: decrypts, then keeps 6 + 4.
pub fn masked_id(st: &AppState, enc: &str) -> String {
    match st.config.pii.as_ref().map(|k| k.decrypt(enc)) {
        Some(Ok(plain)) if !plain.is_empty() => mask_id_number(&plain),
        Some(Ok(_)) => String::new(),
        _ => "（无法解密）".into(),
    }
}

pub fn masked_phone(st: &AppState, enc: &str) -> String {
    match st.config.pii.as_ref().map(|k| k.decrypt(enc)) {
        Some(Ok(plain)) if !plain.is_empty() => mask_phone(&plain),
        Some(Ok(_)) => String::new(),
        _ => "（无法解密）".into(),
    }
}

pub fn stage_name(code: &str) -> &'static str {
    dangjian_domain::members::Stage::from_code(code).map(|s| s.name()).unwrap_or("未知")
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = scope.org(id)?.clone();
    let found = issues(&st, &scope).await?;
    let is_group = OrgKind::from_code(&org.kind) == Some(OrgKind::Group);
    let roster = if is_group { members::in_group(&st.db, id).await? } else { members::in_orgs(&st.db, &[id]).await? };
    let group_name = |g: Option<i64>| {
        g.and_then(|g| scope.all_orgs.iter().find(|o| o.id == g)).map(|o| o.name.clone()).unwrap_or_default()
    };
    let group_counts = members::group_counts(&st.db).await?;
    let rows = roster
        .into_iter()
        .map(|m| MemberRow {
            group: group_name(m.group_id),
            id: m.id,
            id_masked: masked_id(&st, &m.id_number_enc),
            phone_masked: masked_phone(&st, &m.phone_enc),
            status: stage_name(&m.status),
            category: dangjian_domain::dues::Category::from_code(&m.category)
                .map(|c| c.name().to_owned())
                .unwrap_or_default(),
            name: m.name,
            gender: m.gender,
            post: m.post,
        })
        .collect();
    let page = OrgPage {
        title: "党组织",
        page: Frame::for_user(&me),
        kind: OrgKind::from_code(&org.kind).map(|k| k.name()).unwrap_or("其他"),
        founded: org.founded_on.clone().unwrap_or_else(|| "未填写".into()),
        term: match (&org.term_start, org.term_years) {
            (Some(s), Some(y)) => format!("{s} 起，任期 {y} 年"),
            (Some(s), None) => format!("{s} 起"),
            _ => "未填写".into(),
        },
        committee: orgs::committee(&st.db, id).await?,
        issues: found
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, v)| v.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default(),
        children: scope
            .all_orgs
            .iter()
            .filter(|c| c.parent_id == Some(id))
            .map(|c| {
                let n = group_counts.iter().find(|(g, _)| *g == c.id).map(|(_, n)| format!("（{n} 人）"));
                (c.id, format!("{}{}", c.name, n.unwrap_or_default()))
            })
            .collect(),
        rows,
        id,
        is_branch: OrgKind::from_code(&org.kind).is_some_and(|k| k.is_branch()),
        name: org.name,
    };
    Ok(Html(page.render()?).into_response())
}
