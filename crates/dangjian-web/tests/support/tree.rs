//! A small organisation tree for the platform tests: 工委 → 机关党委 → two branches, with
//! two members in the first branch and one in the second.

use axum::http::StatusCode;
use dangjian_store::{
    members::{self, NewMember},
    orgs::{self, NewOrg},
};

use super::{
    App,
    client::{Client, PW},
    test_key,
};

pub struct Tree {
    pub root: i64,
    /// The 机关党委 above both branches.
    pub committee: i64,
    pub branch_a: i64,
    pub branch_b: i64,
    pub a_members: Vec<i64>,
    pub b_members: Vec<i64>,
}

pub async fn tree(app: &App) -> Tree {
    let db = app.db();
    let o = |parent, kind: &str, name: &str| NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        ..Default::default()
    };
    let root = orgs::insert(db, &o(None, "working_committee", "市直机关工委"), 0).await.unwrap();
    let dw = orgs::insert(db, &o(Some(root), "organs_committee", "市财政局机关党委"), 0).await.unwrap();
    let branch_a = orgs::insert(db, &o(Some(dw), "branch", "第一党支部"), 0).await.unwrap();
    let branch_b = orgs::insert(db, &o(Some(dw), "branch", "第二党支部"), 0).await.unwrap();
    let key = test_key();
    let m = |org, name: &str, id: &str, phone: &str| NewMember {
        org_id: org,
        name: name.into(),
        id_number_enc: key.encrypt(id),
        id_number_hash: Some(key.hash(id)),
        phone_enc: key.encrypt(phone),
        category: "in_service".into(),
        status: "full".into(),
        steps: vec![("apply".into(), "2010-03-01".into())],
        ..Default::default()
    };
    let a_members = members::insert_many(
        db,
        &[
            m(branch_a, "张三", "110105199003071239", "13812345678"),
            m(branch_a, "李四", "44030519851120001X", "13900001111"),
        ],
        0,
    )
    .await
    .unwrap();
    let b_members =
        members::insert_many(db, &[m(branch_b, "王五", "110105198001010014", "13700002222")], 0).await.unwrap();
    Tree { root, committee: dw, branch_a, branch_b, a_members, b_members }
}

pub async fn signed_in<'a>(app: &'a App, name: &str) -> Client<'a> {
    let mut c = Client::new(app);
    assert_eq!(c.login(name, PW).await.status, StatusCode::SEE_OTHER);
    c
}

/// The current calendar year (the platform's pages default to it).
pub fn this_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

/// An officer account bound to the organisation `org`.
pub async fn officer(app: &App, name: &str, org: i64) {
    let id = super::client::account(app, name, &["officer"], &[], 0).await;
    dangjian_store::users::set_platform_binding(app.db(), id, Some(org), None).await.unwrap();
}

/// A member account bound to the member record `member`.
pub async fn member(app: &App, name: &str, member: i64) {
    let id = super::client::account(app, name, &["member"], &[], 0).await;
    dangjian_store::users::set_platform_binding(app.db(), id, None, Some(member)).await.unwrap();
}
