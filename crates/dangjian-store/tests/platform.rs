//! The 智慧党建 tables: organisations, members, committee posts, on both backends.

use dangjian_store::{
    StoreError, members,
    members::NewMember,
    orgs::{self, NewOrg},
    testing::TestDb,
};

const T: i64 = 1_700_000_000_000_000;

fn org(parent: Option<i64>, kind: &str, name: &str) -> NewOrg {
    NewOrg { parent_id: parent, kind: kind.into(), name: name.into(), ..Default::default() }
}

fn member(org_id: i64, name: &str, hash: &str) -> NewMember {
    NewMember {
        org_id,
        name: name.into(),
        id_number_enc: "v1:cipher".into(),
        id_number_hash: Some(hash.into()),
        category: "in_service".into(),
        status: "full".into(),
        steps: vec![("application".into(), "2015-03-01".into()), ("full".into(), "2017-07-01".into())],
        ..Default::default()
    }
}

#[tokio::test]
async fn tree_members_and_committee() {
    for t in TestDb::all().await {
        let l = t.label;
        let root = orgs::insert(&t.db, &org(None, "gongwei", "市直机关工委"), T).await.unwrap();
        let dw = orgs::insert(&t.db, &org(Some(root), "jiguan_dangwei", "市财政局机关党委"), T).await.unwrap();
        let zb = orgs::insert(&t.db, &org(Some(dw), "zhibu", "第一党支部"), T).await.unwrap();
        let all = orgs::all(&t.db).await.unwrap();
        let mut sub = orgs::subtree(&all, dw);
        sub.sort_unstable();
        assert_eq!(sub, [dw, zb], "{l}");
        let ids = members::insert_many(&t.db, &[member(zb, "张三", "h1"), member(zb, "李四", "h2")], T).await.unwrap();
        assert_eq!(ids.len(), 2, "{l}");
        assert_eq!(members::steps(&t.db, ids[0]).await.unwrap().len(), 2, "{l}");
        // A duplicate ID number (same keyed hash) is refused, and the batch writes nothing.
        let dup = members::insert_many(&t.db, &[member(zb, "王五", "h3"), member(zb, "赵六", "h1")], T).await;
        assert!(matches!(dup, Err(StoreError::Conflict(_))), "{l}");
        assert_eq!(members::in_orgs(&t.db, &[zb]).await.unwrap().len(), 2, "{l}: all or nothing");
        orgs::set_committee(&t.db, zb, &[(ids[0], "书记".into()), (ids[1], "组织委员".into())]).await.unwrap();
        let c = orgs::committee(&t.db, zb).await.unwrap();
        assert_eq!(c.len(), 2, "{l}");
        let counts = members::counts(&t.db).await.unwrap();
        assert_eq!(counts, [(zb, "full".to_owned(), 2)], "{l}");
        assert!(matches!(orgs::get(&t.db, 999).await, Err(StoreError::NotFound)), "{l}");
    }
}
