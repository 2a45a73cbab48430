//! What one 党建考核 vote costs as its group grows, on the database of
//! `DANGJIAN_TEST_POSTGRES_URL` (PostgreSQL, where each vote rewrites its group's flags and
//! ballots so no transaction id pairs a rater with a ballot) and on SQLite (no rewrite).
//! Not a test: `cargo run --release -p dangjian-store --example kaohe_cast_bench -- 5000`
//! casts that many 群众评价 ballots one after another in one group and prints the time per
//! vote over the first, middle and last tenth.

use std::time::Instant;

use dangjian_domain::eval::assessment::{BallotLine, Indicator, Mark, Scheme, SubjectKind};
use dangjian_store::{
    kaohe,
    orgs::{self, NewOrg},
    testing::TestDb,
};
use rust_decimal::Decimal;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    for t in TestDb::all().await {
        let db = &t.db;
        let o = |parent, kind: &str, name: &str| NewOrg {
            parent_id: parent,
            kind: kind.into(),
            name: name.into(),
            ..Default::default()
        };
        let root = orgs::insert(db, &o(None, "working_committee", "工委"), 0).await.unwrap();
        let mut subjects = Vec::new();
        for i in 0..10 {
            subjects.push(orgs::insert(db, &o(Some(root), "branch", &format!("支部{i}")), 0).await.unwrap());
        }
        let indicators = (0..10)
            .map(|i| Indicator { code: format!("i{i}"), name: format!("指标{i}"), weight: Decimal::new(1, 1) })
            .collect();
        let scheme = Scheme::with_defaults("bench", "考核", SubjectKind::Branch, subjects.clone(), indicators);
        let id = kaohe::create(db, root, &scheme, None, 0).await.unwrap();
        kaohe::transition(db, id, "draft", "open", None, 0).await.unwrap();
        let tokens = kaohe::create_tokens(db, id, "served", &subjects, n).await.unwrap();
        let lines: Vec<BallotLine> = subjects
            .iter()
            .map(|s| BallotLine { subject: *s, marks: (0..10).map(|i| Mark::Level((i % 4) as u8)).collect() })
            .collect();
        let ballot = kaohe::StoredBallot {
            group_code: "served".into(),
            familiarity: Some("familiar".into()),
            marks: kaohe::encode_marks(&lines),
        };
        let mut times = Vec::with_capacity(n);
        let all = Instant::now();
        for tk in &tokens {
            let t0 = Instant::now();
            kaohe::cast(db, id, kaohe::Voter::Token(tk), &ballot).await.unwrap();
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
        }
        let tenth = (n / 10).max(1);
        let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
        println!(
            "{}: {n} votes in one group, {:.1} s; ms per vote: first tenth {:.2}, middle tenth {:.2}, last tenth {:.2}",
            t.label,
            all.elapsed().as_secs_f64(),
            mean(&times[..tenth]),
            mean(&times[n / 2 - tenth / 2..n / 2 + tenth / 2]),
            mean(&times[n - tenth..]),
        );
    }
}
