//! 党建考核 ballots on both backends: what the tables keep of a vote. No rater, token or
//! time in a ballot row; on SQLite no rowid; on PostgreSQL no transaction id (`xmin`) that
//! pairs a rater's `voted` flag (or a link's `used` flag) with the ballot
//! cast in the same transaction.

use dangjian_domain::eval::assessment::{BallotLine, Indicator, Mark, Scheme, SubjectKind};
use dangjian_store::{
    Backend, Db, kaohe, on_pool,
    orgs::{self, NewOrg},
    testing::TestDb,
    users::{self, NewUser},
};
use rust_decimal::Decimal;

const T: i64 = 1_700_000_000_000_000;

/// A committee with two branches and an open default scheme over them.
async fn open_scheme(db: &Db) -> (i64, Vec<i64>) {
    let o = |parent, kind: &str, name: &str| NewOrg {
        parent_id: parent,
        kind: kind.into(),
        name: name.into(),
        ..Default::default()
    };
    let root = orgs::insert(db, &o(None, "working_committee", "市直机关工委"), T).await.unwrap();
    let a = orgs::insert(db, &o(Some(root), "branch", "第一党支部"), T).await.unwrap();
    let b = orgs::insert(db, &o(Some(root), "branch", "第二党支部"), T).await.unwrap();
    let indicator = Indicator { code: "i1".into(), name: "工作实绩".into(), weight: Decimal::ONE };
    let scheme = Scheme::with_defaults("t", "年度考核", SubjectKind::Branch, vec![a, b], vec![indicator]);
    let id = kaohe::create(db, root, &scheme, None, T).await.unwrap();
    kaohe::transition(db, id, "draft", "open", None, T).await.unwrap();
    (id, vec![a, b])
}

fn ballot(group: &str, subjects: &[i64], level: u8) -> kaohe::StoredBallot {
    let lines: Vec<BallotLine> =
        subjects.iter().map(|s| BallotLine { subject: *s, marks: vec![Mark::Level(level)] }).collect();
    kaohe::StoredBallot {
        group_code: group.into(),
        familiarity: Some("familiar".into()),
        marks: kaohe::encode_marks(&lines),
    }
}

async fn rater(db: &Db, name: &str) -> i64 {
    let u = NewUser {
        username: name,
        display_name: name,
        password_hash: "x",
        roles: &["member"],
        must_change_password: false,
        source_unit: "",
        review_level: 0,
        channels: &[],
        org_id: None,
        member_id: None,
    };
    users::create(db, &u, T).await.unwrap()
}

async fn strings(db: &Db, sql: &'static str, scheme: i64, group: &str) -> Vec<String> {
    on_pool!(db, |p| sqlx::query_scalar::<_, String>(sql).bind(scheme).bind(group).fetch_all(p).await).unwrap()
}

#[tokio::test]
async fn a_ballot_and_its_raters_flag_share_nothing_that_pairs_them() {
    for t in TestDb::all().await {
        let l = t.label;
        let db = &t.db;
        let (scheme, subjects) = open_scheme(db).await;
        // Three 群众评价 links used in an order unlike their creation; three signed-in raters.
        let tokens = kaohe::create_tokens(db, scheme, "served", &subjects, 4).await.unwrap();
        for (i, tk) in [&tokens[2], &tokens[0], &tokens[3]].into_iter().enumerate() {
            kaohe::cast(db, scheme, kaohe::Voter::Token(tk), &ballot("served", &subjects, i as u8)).await.unwrap();
        }
        let mut raters = Vec::new();
        for name in ["r1", "r2", "r3"] {
            raters.push(rater(db, name).await);
        }
        kaohe::assign(db, scheme, &raters, "members", &subjects).await.unwrap();
        for (i, u) in [raters[1], raters[2]].into_iter().enumerate() {
            kaohe::cast(db, scheme, kaohe::Voter::Account(u), &ballot("members", &subjects, i as u8)).await.unwrap();
        }
        // A second vote is refused and changes nothing.
        assert!(
            kaohe::cast(db, scheme, kaohe::Voter::Account(raters[1]), &ballot("members", &subjects, 3)).await.is_err()
        );
        assert_eq!(kaohe::ballots(db, scheme).await.unwrap().len(), 5, "{l}");

        if t.db.backend() == Backend::Sqlite {
            let rowid = on_pool!(db, |p| sqlx::query("SELECT rowid FROM kaohe_ballots").execute(p).await.map(|_| ()));
            assert!(rowid.is_err(), "{l}: the ballots table has a rowid");
            continue;
        }
        // Groups smaller than the crowd a vote rewrites: every cast flag and every ballot of
        // the group was last written by the last vote's transaction.
        for (group, flags) in [
            (
                "served",
                "SELECT DISTINCT xmin::text FROM kaohe_tokens WHERE scheme_id = $1 AND group_code = $2 AND used",
            ),
            (
                "members",
                "SELECT DISTINCT xmin::text FROM kaohe_raters WHERE scheme_id = $1 AND group_code = $2 AND voted",
            ),
        ] {
            let ballots = strings(
                db,
                "SELECT DISTINCT xmin::text FROM kaohe_ballots WHERE scheme_id = $1 AND group_code = $2",
                scheme,
                group,
            )
            .await;
            assert_eq!(ballots.len(), 1, "{l}/{group}: ballots written by {ballots:?}");
            assert_eq!(strings(db, flags, scheme, group).await, ballots, "{l}/{group}: flags written apart");
        }
    }
}
