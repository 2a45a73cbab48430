//! 民主评议党员 online on both backends: the stages, 个人自评 until voting closes, one
//! online ballot per participant (also when two arrive at once), and what the tables keep
//! of a vote: no rater, no time, and on PostgreSQL no transaction id or heap order that
//! singles out the voter.

use dangjian_domain::eval::appraisal::{RoundStage, RoundStep};
use dangjian_store::{
    Backend, Db, StoreError, appraisal,
    members::{self, NewMember},
    on_pool,
    orgs::{self, NewOrg},
    testing::TestDb,
};

const T: i64 = 1_700_000_000_000_000;

/// A branch with four 正式党员 and one 预备党员 (the last id).
async fn branch(db: &Db) -> (i64, Vec<i64>) {
    let o = |parent, kind: &str, name: &str| NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        ..Default::default()
    };
    let root = orgs::insert(db, &o(None, "working_committee", "市直机关工委"), T).await.unwrap();
    let b = orgs::insert(db, &o(Some(root), "branch", "第一党支部"), T).await.unwrap();
    let people = [("张三", "full"), ("李四", "full"), ("赵六", "full"), ("孙七", "full"), ("钱八", "probationary")];
    let rows: Vec<NewMember> = people
        .iter()
        .enumerate()
        .map(|(i, (name, status))| NewMember {
            org_id: b,
            name: (*name).into(),
            id_number_enc: format!("v1:{i}"),
            id_number_hash: Some(format!("h{i}")),
            category: "in_service".into(),
            status: (*status).into(),
            ..Default::default()
        })
        .collect();
    (b, members::insert_many(db, &rows, T).await.unwrap())
}

fn standings(ms: &[i64]) -> Vec<(i64, String)> {
    ms.iter()
        .enumerate()
        .map(|(i, m)| (*m, if i + 1 == ms.len() { "probationary".into() } else { "full".into() }))
        .collect()
}

/// A ballot grading every full member but `voter` as 合格.
fn marks(ms: &[i64], voter: i64) -> String {
    ms[..ms.len() - 1].iter().filter(|m| **m != voter).map(|m| format!("{m}:qualified")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn stages_self_assessments_and_one_ballot_each() {
    for t in TestDb::all().await {
        let l = t.label;
        let db = &t.db;
        let (b, ms) = branch(db).await;
        let r = appraisal::open(db, b, 2025, &standings(&ms), T).await.unwrap();
        assert_eq!(appraisal::round(db, r).await.unwrap().stage(), RoundStage::Open, "{l}");

        // 个人自评: saved, edited, and refused for a non-participant.
        appraisal::save_self_assessment(db, r, ms[0], "初稿", Some("qualified"), T).await.unwrap();
        appraisal::save_self_assessment(db, r, ms[0], "修改稿", None, T + 1).await.unwrap();
        let ps = appraisal::participants(db, r).await.unwrap();
        let zhang = ps.iter().find(|p| p.member_id == ms[0]).unwrap();
        assert_eq!(
            (zhang.self_text.as_str(), zhang.self_grade.as_deref(), zhang.self_at),
            ("修改稿", None, Some(T + 1))
        );
        assert!(matches!(
            appraisal::save_self_assessment(db, r, 999_999, "x", None, T).await,
            Err(StoreError::NotFound)
        ));

        // No online ballot before voting starts.
        let early = appraisal::cast_online(db, r, ms[0], &marks(&ms, ms[0])).await;
        assert!(matches!(early, Err(StoreError::Conflict(_))), "{l}: {early:?}");
        assert!(matches!(appraisal::take_step(db, r, RoundStep::ReopenVoting, T).await, Err(StoreError::Conflict(_))));
        assert_eq!(appraisal::take_step(db, r, RoundStep::StartVoting, T).await.unwrap(), RoundStage::Voting, "{l}");
        let again = appraisal::take_step(db, r, RoundStep::StartVoting, T).await;
        assert!(matches!(again, Err(StoreError::Conflict(ref m)) if m == "网上投票已经开始"), "{l}: {again:?}");

        appraisal::cast_online(db, r, ms[0], &marks(&ms, ms[0])).await.unwrap();
        let twice = appraisal::cast_online(db, r, ms[0], &marks(&ms, ms[0])).await;
        assert!(matches!(twice, Err(StoreError::Conflict(ref m)) if m.contains("已经投过票")), "{l}: {twice:?}");
        assert!(matches!(appraisal::cast_online(db, r, 999_999, "").await, Err(StoreError::NotFound)), "{l}");
        // The 预备党员 votes too.
        appraisal::cast_online(db, r, ms[4], &marks(&ms, ms[4])).await.unwrap();
        assert_eq!(appraisal::turnout(db, r).await.unwrap(), (2, 5), "{l}");
        assert_eq!(appraisal::online_ballots(db, r).await.unwrap().len(), 2, "{l}");
        let mine: Vec<bool> = appraisal::participation(db, ms[0]).await.unwrap().iter().map(|p| p.voted).collect();
        assert_eq!(mine, [true], "{l}");
        assert!(!appraisal::participation(db, ms[1]).await.unwrap()[0].voted, "{l}");

        // Self-assessments may still change while voting; paper ballots still go in.
        appraisal::save_self_assessment(db, r, ms[1], "投票期间写的", None, T).await.unwrap();
        appraisal::add_ballot(db, r, &format!("{}:excellent", ms[1])).await.unwrap();

        // Deciding waits for the close; after it nothing is cast, written or entered.
        let lines: Vec<appraisal::DecisionLine> = ms
            .iter()
            .enumerate()
            .map(|(i, m)| appraisal::DecisionLine {
                member_id: *m,
                grade: (i + 1 < ms.len()).then(|| "qualified".to_owned()),
                follow_up: String::new(),
                feedback: "好".into(),
            })
            .collect();
        let early = appraisal::decide(db, r, &lines, T).await;
        assert!(matches!(early, Err(StoreError::Conflict(ref m)) if m.contains("请先结束投票")), "{l}: {early:?}");
        assert_eq!(appraisal::take_step(db, r, RoundStep::CloseVoting, T).await.unwrap(), RoundStage::Closed, "{l}");
        let late = appraisal::cast_online(db, r, ms[2], &marks(&ms, ms[2])).await;
        assert!(matches!(late, Err(StoreError::Conflict(_))), "{l}: {late:?}");
        let late = appraisal::save_self_assessment(db, r, ms[0], "截止后", None, T).await;
        assert!(matches!(late, Err(StoreError::Conflict(ref m)) if m.contains("投票已截止")), "{l}: {late:?}");
        let late = appraisal::add_ballot(db, r, &format!("{}:excellent", ms[1])).await;
        assert!(matches!(late, Err(StoreError::Conflict(ref m)) if m.contains("投票已截止")), "{l}: {late:?}");
        // A premature close can be undone before the decision.
        assert_eq!(appraisal::take_step(db, r, RoundStep::ReopenVoting, T).await.unwrap(), RoundStage::Voting, "{l}");
        appraisal::cast_online(db, r, ms[2], &marks(&ms, ms[2])).await.unwrap();
        appraisal::take_step(db, r, RoundStep::CloseVoting, T).await.unwrap();
        appraisal::decide(db, r, &lines, T).await.unwrap();
        assert_eq!(appraisal::round(db, r).await.unwrap().stage(), RoundStage::Decided, "{l}");
        for step in [RoundStep::StartVoting, RoundStep::CloseVoting, RoundStep::ReopenVoting] {
            assert!(matches!(appraisal::take_step(db, r, step, T).await, Err(StoreError::Conflict(_))), "{l}");
        }
        assert_eq!(appraisal::turnout(db, r).await.unwrap(), (3, 5), "{l}");
        let zhang = appraisal::participation(db, ms[0]).await.unwrap().remove(0);
        assert_eq!(
            (zhang.grade.as_deref(), zhang.feedback.as_str(), zhang.self_text.as_str()),
            (Some("qualified"), "好", "修改稿")
        );
    }
}

#[tokio::test]
async fn concurrent_ballots_are_each_counted_once() {
    for t in TestDb::all().await {
        let l = t.label;
        let db = &t.db;
        let (b, ms) = branch(db).await;
        let r = appraisal::open(db, b, 2025, &standings(&ms), T).await.unwrap();
        appraisal::take_step(db, r, RoundStep::StartVoting, T).await.unwrap();
        // Everyone at once, and everyone twice: five ballots, five refusals, no deadlock.
        let mut tasks = Vec::new();
        for _ in 0..2 {
            for m in &ms {
                let (db, m, marks) = (db.clone(), *m, marks(&ms, *m));
                tasks.push(tokio::spawn(async move { appraisal::cast_online(&db, r, m, &marks).await }));
            }
        }
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(()) => ok += 1,
                Err(StoreError::Conflict(m)) => assert!(m.contains("已经投过票"), "{l}: {m}"),
                Err(e) => panic!("{l}: {e}"),
            }
        }
        assert_eq!(ok, 5, "{l}");
        assert_eq!(appraisal::turnout(db, r).await.unwrap(), (5, 5), "{l}");
        assert_eq!(appraisal::online_ballots(db, r).await.unwrap().len(), 5, "{l}");
    }
}

/// The columns of a table, sorted.
async fn columns(db: &Db, table: &str) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name FROM pragma_table_info($1)",
        Backend::Postgres => "SELECT column_name::text FROM information_schema.columns WHERE table_name = $1",
    };
    let mut cols: Vec<String> =
        on_pool!(db, |p| sqlx::query_scalar::<_, String>(sql).bind(table).fetch_all(p).await).unwrap();
    cols.sort();
    cols
}

#[tokio::test]
async fn a_ballot_keeps_nothing_that_ties_it_to_its_rater() {
    for t in TestDb::all().await {
        let l = t.label;
        let db = &t.db;
        let (b, ms) = branch(db).await;
        let r = appraisal::open(db, b, 2025, &standings(&ms), T).await.unwrap();
        appraisal::take_step(db, r, RoundStep::StartVoting, T).await.unwrap();
        // Votes in an order unlike the roster's.
        for m in [ms[2], ms[0], ms[4]] {
            appraisal::cast_online(db, r, m, &marks(&ms, m)).await.unwrap();
        }
        assert_eq!(columns(db, "appraisal_online_ballots").await, ["id", "marks", "round_id"], "{l}");
        let participant_cols = columns(db, "appraisal_participants").await;
        assert!(
            participant_cols.iter().all(|c| !c.contains("vote") || c == "voted"),
            "{l}: the participant row keeps only a voted flag: {participant_cols:?}"
        );
        let ids: Vec<String> =
            on_pool!(db, |p| sqlx::query_scalar::<_, String>("SELECT id FROM appraisal_online_ballots ORDER BY id")
                .fetch_all(p)
                .await)
            .unwrap();
        assert_eq!(ids.len(), 3, "{l}");
        assert!(ids.iter().all(|id| id.len() == 32 && id.bytes().all(|c| c.is_ascii_hexdigit())), "{l}: {ids:?}");

        if l == "sqlite" {
            // WITHOUT ROWID: no hidden insertion counter to read.
            let rowid = on_pool!(db, |p| sqlx::query("SELECT rowid FROM appraisal_online_ballots")
                .execute(p)
                .await
                .map(|_| ()));
            assert!(rowid.is_err(), "{l}: the online ballots table has a rowid");
        } else {
            // Every ballot and every participant row of the round was written by the last
            // vote's transaction: xmin cannot pick out whose flag went with which ballot.
            let xmins = |sql: &'static str| {
                let db = db.clone();
                async move { on_pool!(&db, |p| sqlx::query_scalar::<_, String>(sql).bind(r).fetch_all(p).await).unwrap() }
            };
            let ballots = xmins("SELECT DISTINCT xmin::text FROM appraisal_online_ballots WHERE round_id = $1").await;
            let people = xmins("SELECT DISTINCT xmin::text FROM appraisal_participants WHERE round_id = $1").await;
            assert_eq!(ballots.len(), 1, "{l}: ballots written by {ballots:?}");
            assert_eq!(people, ballots, "{l}: participant rows written by other transactions");
            // Heap order is key order, not arrival order.
            let by_ctid: Vec<String> = on_pool!(db, |p| sqlx::query_scalar::<_, String>(
                "SELECT id FROM appraisal_online_ballots WHERE round_id = $1 ORDER BY ctid"
            )
            .bind(r)
            .fetch_all(p)
            .await)
            .unwrap();
            assert_eq!(by_ctid, ids, "{l}: ballots lie in arrival order");
        }
    }
}
