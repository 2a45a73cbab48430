//! Adding one member and correcting a member's record by hand, for branches that do not
//! keep a spreadsheet. The checks are the roster import's ([`check_row`]), so a record the
//! form accepts is one the import would have accepted. ID number and phone are encrypted
//! before they reach the store; on the edit form they are never shown — left blank, they
//! stay as they are.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, dues::Category, members::Stage, orgs::OrgKind, roles::Role};
use dangjian_pii::PiiKey;
use dangjian_store::{StoreError, members};

use super::{
    dues::today,
    member_check::{GoodRow, check_row},
    orgs::{masked_id, masked_phone},
    scope::Scope,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

/// Form field → roster column, so [`check_row`] reads the form like a spreadsheet row.
const FIELDS: &[(&str, &str)] = &[
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("birth_date", "出生日期"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("education", "学历"),
    ("work_unit", "工作单位"),
    ("post", "职务"),
    ("category", "类别"),
    ("status", "状态"),
];

#[derive(Template)]
#[template(path = "platform/member_form.html")]
struct FormPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    /// `None` when adding.
    member_id: Option<i64>,
    values: Vec<(&'static str, String)>,
    id_hint: String,
    phone_hint: String,
    /// (id, name, selected).
    groups: Vec<(i64, String, bool)>,
    categories: Vec<(&'static str, &'static str)>,
    stages: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

impl FormPage {
    fn value(&self, field: &str) -> &str {
        self.values.iter().find(|(k, _)| *k == field).map(|(_, v)| v.as_str()).unwrap_or("")
    }
}

fn key(st: &AppState) -> Result<&PiiKey, AppError> {
    st.config.pii.as_ref().ok_or_else(|| AppError::Internal("personal-data key not configured".into()))
}

/// The branch (404 unless it is a 党支部 in reach) and its 党小组.
fn branch_and_groups(scope: &Scope, id: i64) -> Result<(String, Vec<(i64, String)>), AppError> {
    let o = scope.org(id)?;
    if !OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()) {
        return Err(AppError::NotFound);
    }
    let groups = scope
        .all_orgs
        .iter()
        .filter(|g| g.parent_id == Some(id) && OrgKind::from_code(&g.kind) == Some(OrgKind::Group))
        .map(|g| (g.id, g.name.clone()))
        .collect();
    Ok((o.name.clone(), groups))
}

struct Blank<'a> {
    org_id: i64,
    org: String,
    member_id: Option<i64>,
    groups: Vec<(i64, String)>,
    hints: (String, String),
    me: &'a CurrentUser,
}

fn form(
    b: Blank<'_>,
    values: Vec<(&'static str, String)>,
    group_id: Option<i64>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let page = FormPage {
        title: if b.member_id.is_some() { "修改党员信息" } else { "新增党员" },
        page: Frame::for_user(b.me),
        org_id: b.org_id,
        org: b.org,
        member_id: b.member_id,
        values,
        id_hint: b.hints.0,
        phone_hint: b.hints.1,
        groups: b.groups.into_iter().map(|(id, name)| (id, name, group_id == Some(id))).collect(),
        categories: Category::ALL.iter().map(|c| (c.code(), c.name())).collect(),
        stages: Stage::ALL.iter().map(|s| (s.code(), s.name())).collect(),
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/orgs/{id}/members/new`.
pub async fn new_form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let (org, groups) = branch_and_groups(&scope, id)?;
    let blank = Blank { org_id: id, org, member_id: None, groups, hints: Default::default(), me: &me };
    let values = vec![("category", Category::InService.code().to_owned()), ("status", Stage::Full.code().to_owned())];
    form(blank, values, None, vec![])
}

/// Reads the posted form: the values as typed, the chosen 党小组, and a `get` by column.
fn posted(body: &[u8], groups: &[(i64, String)]) -> (Vec<(&'static str, String)>, Option<i64>) {
    let pairs = form_pairs(body);
    let values = FIELDS
        .iter()
        .map(|(field, _)| {
            let v = pairs.iter().find(|(k, _)| k == field).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
            (*field, v)
        })
        .collect();
    let group = pairs
        .iter()
        .find(|(k, _)| k == "group_id")
        .and_then(|(_, v)| v.parse::<i64>().ok())
        .filter(|g| groups.iter().any(|(id, _)| id == g));
    (values, group)
}

/// Runs the shared checks; the form's category and status arrive as codes.
fn checked(values: &[(&'static str, String)], org_id: i64, org: &str) -> Result<GoodRow, Vec<String>> {
    let get = |column: &str| -> String {
        let field = FIELDS.iter().find(|(_, c)| *c == column).map(|(f, _)| *f);
        field.and_then(|f| values.iter().find(|(k, _)| *k == f)).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    check_row(&get, &[(org_id, org.to_owned())], Some(org_id), today())
        .map_err(|problems| problems.into_iter().map(|(column, reason)| format!("{column}：{reason}")).collect())
}

/// A checked record as the store takes it: ID number and phone encrypted, the ID
/// number's keyed hash for the uniqueness check.
fn sealed(row: GoodRow, group_id: Option<i64>, key: &PiiKey) -> members::MemberUpdate {
    members::MemberUpdate {
        group_id,
        name: row.name,
        gender: row.gender,
        ethnicity: row.ethnicity,
        birth_date: Some(row.birth_date).filter(|b| !b.is_empty()),
        id_number_enc: key.encrypt(&row.id_number),
        id_number_hash: Some(key.hash(&row.id_number)),
        phone_enc: key.encrypt(&row.phone),
        education: row.education,
        work_unit: row.work_unit,
        post: row.post,
        category: row.category,
    }
}

/// `POST /platform/orgs/{id}/members/new`.
pub async fn create(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let (org, groups) = branch_and_groups(&scope, id)?;
    let (values, group_id) = posted(&body, &groups);
    let blank = Blank { org_id: id, org: org.clone(), member_id: None, groups, hints: Default::default(), me: &me };
    let row = match checked(&values, id, &org) {
        Ok(r) => r,
        Err(errors) => return form(blank, values, group_id, errors),
    };
    let key = key(&st)?;
    let status = row.status.clone();
    let u = sealed(row.clone(), group_id, key);
    let new = members::NewMember {
        org_id: id,
        group_id: u.group_id,
        name: u.name,
        gender: u.gender,
        ethnicity: u.ethnicity,
        birth_date: u.birth_date,
        id_number_enc: u.id_number_enc,
        id_number_hash: u.id_number_hash,
        phone_enc: u.phone_enc,
        education: u.education,
        work_unit: u.work_unit,
        post: u.post,
        category: u.category,
        status,
        steps: vec![],
    };
    let new_id = match members::insert_many(&st.db, &[new], clock::now_micros()).await {
        Ok(ids) => ids.first().copied().unwrap_or_default(),
        Err(StoreError::Conflict(_)) => {
            return form(blank, values, group_id, vec!["身份证号：该党员已在系统中".into()]);
        }
        Err(e) => return Err(e.into()),
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "member.create",
        &format!("member:{new_id}"),
        audit_trail::SUCCESS,
        &row.name,
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/members/{new_id}")).into_response())
}

/// The member, when an officer of their branch asks (404 otherwise), with the form's frame.
async fn editable(
    st: &AppState,
    me: &CurrentUser,
    member_id: i64,
) -> Result<(members::Member, String, Vec<(i64, String)>), AppError> {
    me.require(&[Role::Officer])?;
    let m = members::get(&st.db, member_id).await.map_err(|_| AppError::NotFound)?;
    let scope = Scope::of(st, me).await?;
    let (org, groups) = branch_and_groups(&scope, m.org_id)?;
    Ok((m, org, groups))
}

/// `GET /platform/members/{id}/edit`.
pub async fn edit_form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (m, org, groups) = editable(&st, &me, id).await?;
    let hints = (masked_id(&st, &m.id_number_enc), masked_phone(&st, &m.phone_enc));
    let values = vec![
        ("name", m.name.clone()),
        ("gender", m.gender.clone()),
        ("ethnicity", m.ethnicity.clone()),
        ("birth_date", m.birth_date.clone().unwrap_or_default()),
        ("education", m.education.clone()),
        ("work_unit", m.work_unit.clone()),
        ("post", m.post.clone()),
        ("category", m.category.clone()),
    ];
    let blank = Blank { org_id: m.org_id, org, member_id: Some(id), groups, hints, me: &me };
    form(blank, values, m.group_id, vec![])
}

/// `POST /platform/members/{id}/edit`.
pub async fn update(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let (m, org, groups) = editable(&st, &me, id).await?;
    let key = key(&st)?;
    let (mut values, group_id) = posted(&body, &groups);
    let hints = (masked_id(&st, &m.id_number_enc), masked_phone(&st, &m.phone_enc));
    let typed: Vec<(&'static str, String)> = values.clone();
    // Blank ID number or phone means "unchanged": check the stored value instead. The
    // status is not edited here, so the stored one is checked.
    for (field, stored) in [("id_number", &m.id_number_enc), ("phone", &m.phone_enc)] {
        if let Some(v) = values.iter_mut().find(|(k, _)| *k == field)
            && v.1.is_empty()
        {
            v.1 = key.decrypt(stored).unwrap_or_default();
        }
    }
    if let Some(v) = values.iter_mut().find(|(k, _)| *k == "status") {
        v.1 = m.status.clone();
    }
    let blank = Blank { org_id: m.org_id, org: org.clone(), member_id: Some(id), groups, hints, me: &me };
    // Never echo a decrypted value back into the form.
    let echo: Vec<(&'static str, String)> =
        typed.into_iter().filter(|(k, _)| !matches!(*k, "id_number" | "phone")).collect();
    let row = match checked(&values, m.org_id, &org) {
        Ok(r) => r,
        Err(errors) => return form(blank, echo, group_id, errors),
    };
    let u = sealed(row.clone(), group_id, key);
    match members::update(&st.db, id, &u, clock::now_micros()).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return form(blank, echo, group_id, vec!["身份证号：另一名党员已使用该身份证号".into()]);
        }
        Err(e) => return Err(e.into()),
    }
    audit_trail::record(
        &st,
        Actor::User(&me),
        "member.update",
        &format!("member:{id}"),
        audit_trail::SUCCESS,
        &row.name,
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/members/{id}")).into_response())
}
