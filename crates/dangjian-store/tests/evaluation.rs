//! The evaluation tables on both backends: the standard's versions, the assessment flow as
//! a compare-and-set, the append-only points ledger with idempotent event keys and single
//! reversals, and 民主评议 rounds decided once.

use dangjian_domain::eval::appraisal::RoundStep;
use dangjian_store::{
    StoreError, appraisal, grading,
    members::{self, NewMember},
    orgs::{self, NewOrg},
    points,
    testing::TestDb,
};

const T: i64 = 1_700_000_000_000_000;

async fn branch_with_member(db: &dangjian_store::Db) -> (i64, i64) {
    let o = |parent, kind: &str, name: &str| NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        ..Default::default()
    };
    let root = orgs::insert(db, &o(None, "working_committee", "市直机关工委"), T).await.unwrap();
    let b = orgs::insert(db, &o(Some(root), "branch", "第一党支部"), T).await.unwrap();
    let m = members::insert_many(
        db,
        &[NewMember {
            org_id: b,
            name: "张三".into(),
            id_number_enc: "v1:x".into(),
            id_number_hash: Some("h".into()),
            category: "in_service".into(),
            status: "full".into(),
            ..Default::default()
        }],
        T,
    )
    .await
    .unwrap()[0];
    (b, m)
}

fn line(member: i64, points: &str, key: Option<&str>, reverses: Option<i64>) -> points::NewLine {
    points::NewLine {
        member_id: member,
        on_date: "2025-03-01".into(),
        action: "quiz".into(),
        points: points.into(),
        reverses,
        reason: "知识测试".into(),
        event_key: key.map(str::to_owned),
    }
}

async fn append(db: &dangjian_store::Db, l: points::NewLine) -> Result<Option<i64>, StoreError> {
    points::append_with(db, l.member_id, 2025, None, T, |_| Ok::<_, StoreError>(Some(l))).await.map(|r| r.unwrap())
}

#[tokio::test]
async fn ledger_counts_each_event_once_and_reverses_once() {
    for t in TestDb::all().await {
        let l = t.label;
        let (_, m) = branch_with_member(&t.db).await;
        let first = append(&t.db, line(m, "2.00", Some("meeting:1:1"), None)).await.unwrap();
        assert!(first.is_some(), "{l}");
        assert_eq!(append(&t.db, line(m, "2.00", Some("meeting:1:1"), None)).await.unwrap(), None, "{l}");
        let id = first.unwrap();
        append(&t.db, line(m, "-2.00", None, Some(id))).await.unwrap();
        let again = append(&t.db, line(m, "-2.00", None, Some(id))).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{l}: {again:?}");
        let rows = points::ledger(&t.db, &[m], "2025-01-01", "2025-12-31").await.unwrap();
        assert_eq!(rows.len(), 2, "{l}");
        // The closure sees the member's lines of the year, inside the transaction.
        let seen = points::append_with(&t.db, m, 2025, None, T, |rows| {
            Ok::<_, String>(if rows.len() == 2 { None } else { Some(line(m, "1", None, None)) })
        })
        .await
        .unwrap();
        assert_eq!(seen, Ok(None), "{l}");
        let refused =
            points::append_with(&t.db, m, 2025, None, T, |_| Err::<Option<points::NewLine>, _>("上限".to_owned()))
                .await
                .unwrap();
        assert_eq!(refused, Err("上限".to_owned()), "{l}");
        // Rankings are off until turned on.
        let org = members::get(&t.db, m).await.unwrap().org_id;
        assert!(!points::rankings_enabled(&t.db, org).await.unwrap(), "{l}");
        points::set_rankings(&t.db, org, true, T).await.unwrap();
        assert!(points::rankings_enabled(&t.db, org).await.unwrap(), "{l}");
        // An application is decided once.
        let a = points::apply(&t.db, m, "good_deed", "2025-03-02", "1", "证明", T).await.unwrap();
        let uid = dangjian_store::users::create(
            &t.db,
            &dangjian_store::users::NewUser {
                username: "sec",
                display_name: "书记",
                password_hash: "x",
                roles: &["officer"],
                must_change_password: false,
                source_unit: "",
                review_level: 0,
                channels: &[],
                org_id: None,
                member_id: None,
            },
            T,
        )
        .await
        .unwrap();
        points::decide_application(&t.db, a, false, None, "材料不足", uid, T).await.unwrap();
        let twice = points::decide_application(&t.db, a, true, None, "", uid, T).await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{l}");
        assert_eq!(points::application(&t.db, a).await.unwrap().status, "rejected", "{l}");
    }
}

#[tokio::test]
async fn assessment_steps_are_compare_and_set() {
    for t in TestDb::all().await {
        let l = t.label;
        let (b, _) = branch_with_member(&t.db).await;
        let s = grading::insert_standard(&t.db, "branch_standard", 1, "{}", None, T).await.unwrap();
        assert!(
            matches!(
                grading::insert_standard(&t.db, "branch_standard", 1, "{}", None, T).await,
                Err(StoreError::Conflict(_))
            ),
            "{l}"
        );
        let a = grading::open_assessment(&t.db, b, 2025, "annual", s, T).await.unwrap();
        assert_eq!(grading::open_assessment(&t.db, b, 2025, "annual", s, T).await.unwrap().id, a.id, "{l}");
        let row = |item: &str| grading::EntryRow {
            item: item.into(),
            input_kind: "manual".into(),
            value: "1".into(),
            evidence: "台账".into(),
            note: String::new(),
        };
        grading::save_draft(&t.db, a.id, &[row("a"), row("b")], T).await.unwrap();
        assert_eq!(grading::entries(&t.db, a.id, "self").await.unwrap().len(), 2, "{l}");
        let u = grading::FlowUpdate {
            stage: "self_assessed".into(),
            self_total: Some("88.00".into()),
            sheet: Some(("self".into(), vec![row("a")])),
            ..Default::default()
        };
        grading::transition(&t.db, a.id, "draft", &u, None, T).await.unwrap();
        assert_eq!(grading::entries(&t.db, a.id, "self").await.unwrap().len(), 1, "{l}");
        let twice = grading::transition(&t.db, a.id, "draft", &u, None, T).await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{l}");
        assert!(matches!(grading::save_draft(&t.db, a.id, &[], T).await, Err(StoreError::Conflict(_))), "{l}");
        let f = grading::FinalGrade {
            on_date: "2025-12-20".into(),
            grade: "substandard".into(),
            four_strong: false,
            total: "70.00".into(),
            removal: Some(grading::NewRemoval {
                check_kind: "annual".into(),
                from_grade: "standard".into(),
                to_grade: "substandard".into(),
                four_strong_revoked: false,
                reasons: "低于达标线".into(),
                rectifications: vec![grading::NewRectification {
                    aspect: "组织生活".into(),
                    item: "a".into(),
                    name: "主题党日".into(),
                    lost: "5".into(),
                    vetoed: false,
                    note: String::new(),
                }],
            }),
        };
        let fin = grading::FlowUpdate { stage: "final".into(), ..Default::default() };
        grading::transition(&t.db, a.id, "self_assessed", &fin, Some(&f), T).await.unwrap();
        assert_eq!(grading::history(&t.db, b).await.unwrap().len(), 1, "{l}");
        let removals = grading::removals(&t.db, b).await.unwrap();
        let item = removals[0].1[0].id;
        assert!(
            matches!(grading::close_rectification(&t.db, b + 1000, item, "x").await, Err(StoreError::Conflict(_))),
            "{l}: another organisation"
        );
        grading::close_rectification(&t.db, b, item, "已整改").await.unwrap();
        assert!(matches!(grading::close_rectification(&t.db, b, item, "x").await, Err(StoreError::Conflict(_))), "{l}");
    }
}

#[tokio::test]
async fn appraisal_rounds_are_decided_once_and_ballots_carry_no_rater() {
    for t in TestDb::all().await {
        let l = t.label;
        let (b, m) = branch_with_member(&t.db).await;
        let r = appraisal::open(&t.db, b, 2025, &[(m, "full".into())], T).await.unwrap();
        assert!(matches!(appraisal::open(&t.db, b, 2025, &[], T).await, Err(StoreError::Conflict(_))), "{l}");
        appraisal::add_ballot(&t.db, r, &format!("{m}:excellent")).await.unwrap();
        assert_eq!(appraisal::ballots(&t.db, r).await.unwrap(), [format!("{m}:excellent")], "{l}");
        let lines = [appraisal::DecisionLine {
            member_id: m,
            grade: Some("qualified".into()),
            follow_up: String::new(),
            feedback: "好".into(),
        }];
        assert!(matches!(appraisal::decide(&t.db, r, &lines, T).await, Err(StoreError::Conflict(_))), "{l}: open");
        appraisal::take_step(&t.db, r, RoundStep::CloseVoting, T).await.unwrap();
        appraisal::decide(&t.db, r, &lines, T).await.unwrap();
        assert!(matches!(appraisal::decide(&t.db, r, &lines, T).await, Err(StoreError::Conflict(_))), "{l}");
        assert!(matches!(appraisal::add_ballot(&t.db, r, "x").await, Err(StoreError::Conflict(_))), "{l}");
        let results = appraisal::results_of(&t.db, m).await.unwrap();
        assert_eq!(results, [(2025, "full".into(), Some("qualified".into()), String::new(), "好".into())], "{l}");
    }
}

#[tokio::test]
async fn settings_are_seeded_once_and_replaced_whole() {
    for t in TestDb::all().await {
        let l = t.label;
        assert_eq!(points::config_get(&t.db, "k").await.unwrap(), None, "{l}");
        points::config_seed(&t.db, "k", "first", T).await.unwrap();
        points::config_seed(&t.db, "k", "second", T).await.unwrap();
        assert_eq!(points::config_get(&t.db, "k").await.unwrap().as_deref(), Some("first"), "{l}: the first seed wins");
        points::config_set(&t.db, "k", "edited", T + 1).await.unwrap();
        assert_eq!(points::config_get(&t.db, "k").await.unwrap().as_deref(), Some("edited"), "{l}");
        assert_eq!(points::config_get(&t.db, "other").await.unwrap(), None, "{l}");
    }
}
