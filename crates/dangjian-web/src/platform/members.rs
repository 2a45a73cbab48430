//! A member's record: personal data masked by default; revealing the ID number and
//! phone in full is a separate, audited action for officers of the member's branch.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::roles::Role;
use dangjian_store::{members, orgs};

use super::{
    orgs::{masked_id, masked_phone, stage_name},
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

#[derive(Template)]
#[template(path = "platform/member.html")]
struct MemberPage {
    title: &'static str,
    page: Frame,
    m: members::Member,
    /// The signed-in member looking at their own record (links to their quizzes and points).
    own: bool,
    org: String,
    /// The 党小组, if the member is placed in one.
    group: String,
    /// Party posts held: "组织 职务（自 日期）".
    posts: Vec<String>,
    status: &'static str,
    id_number: String,
    phone: String,
    revealed: bool,
    can_reveal: bool,
    steps: Vec<(String, &'static str)>,
    officer: bool,
    branch_members: Vec<(i64, String)>,
    /// Every branch, as transfer destinations.
    branches: Vec<(i64, String)>,
}

/// Loads a member the account may see: in an organisation in reach, or its own record.
async fn visible(st: &AppState, me: &CurrentUser, id: i64) -> Result<(members::Member, Scope, bool), AppError> {
    let scope = Scope::of(st, me).await?;
    let m = members::get(&st.db, id).await?;
    let officer = scope.orgs.contains(&m.org_id);
    if !officer && scope.member != Some(id) {
        return Err(AppError::NotFound);
    }
    Ok((m, scope, officer))
}

async fn render(st: &AppState, me: &CurrentUser, id: i64, reveal: bool) -> Result<Response, AppError> {
    let (m, scope, officer) = visible(st, me, id).await?;
    let own = scope.member == Some(id);
    let may_reveal = officer || own;
    if reveal && !may_reveal {
        return Err(AppError::Forbidden);
    }
    let key = st.config.pii.as_ref();
    let (id_number, phone) = if reveal {
        let k = key.ok_or_else(|| AppError::Internal("personal-data key not configured".into()))?;
        let id_plain = k.decrypt(&m.id_number_enc).map_err(|e| AppError::Internal(e.to_string()))?;
        let phone_plain = k.decrypt(&m.phone_enc).map_err(|e| AppError::Internal(e.to_string()))?;
        audit_trail::record(
            st,
            Actor::User(me),
            "member.reveal",
            &format!("member:{id}"),
            audit_trail::SUCCESS,
            "id_number,phone",
        )
        .await?;
        (id_plain, phone_plain)
    } else {
        (masked_id(st, &m.id_number_enc), masked_phone(st, &m.phone_enc))
    };
    let org = orgs::get(&st.db, m.org_id).await.map(|o| o.name).unwrap_or_default();
    let group = match m.group_id {
        Some(g) => orgs::get(&st.db, g).await.map(|o| o.name).unwrap_or_default(),
        None => String::new(),
    };
    let steps = members::steps(&st.db, id).await?.into_iter().map(|(code, date)| (date, step_name(&code))).collect();
    let branch_members = if officer {
        members::in_orgs(&st.db, &[m.org_id])
            .await?
            .into_iter()
            .filter(|x| x.id != id)
            .map(|x| (x.id, x.name))
            .collect()
    } else {
        vec![]
    };
    let branches = if officer {
        scope
            .all_orgs
            .iter()
            .filter(|o| {
                o.id != m.org_id && dangjian_domain::orgs::OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch())
            })
            .map(|o| (o.id, o.name.clone()))
            .collect()
    } else {
        vec![]
    };
    let page = MemberPage {
        own,
        branches,
        officer,
        branch_members,
        title: "党员信息",
        page: Frame::for_user(me),
        status: stage_name(&m.status),
        org,
        group,
        posts: orgs::posts_of(&st.db, id)
            .await?
            .into_iter()
            .map(|(o, p, since)| match since {
                Some(d) => format!("{o} {p}（{d} 起）"),
                None => format!("{o} {p}"),
            })
            .collect(),
        id_number,
        phone,
        revealed: reveal,
        can_reveal: may_reveal,
        steps,
        m,
    };
    Ok(Html(page.render()?).into_response())
}

fn step_name(code: &str) -> &'static str {
    dangjian_domain::members::Step::from_code(code, 0).map(|s| s.name()).unwrap_or("其他")
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render(&st, &me, id, false).await
}

pub async fn reveal(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render(&st, &me, id, true).await
}

/// `/platform/me`: a member's own record (self-service).
pub async fn me(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    let scope = Scope::of(&st, &me).await?;
    match scope.member {
        Some(id) => render(&st, &me, id, false).await,
        None if me.has(Role::Officer) => Ok(axum::response::Redirect::to("/platform/orgs").into_response()),
        None => Err(AppError::Conflict("您的账号尚未关联党员信息，请联系所在党支部。".into())),
    }
}
