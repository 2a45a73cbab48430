//! `quiz_demo` and `volunteer_demo` after `generate_platform`, on both backends: a closed
//! quiz of last July and an open one, attempts marked by the domain, quiz points within
//! the cap; volunteer activities whose hours earned points, one corrected by a reversal.

use dangjian_demo::{PlatformOptions, generate_platform, quiz_demo, volunteer_demo};
use dangjian_domain::quiz;
use dangjian_pii::PiiKey;
use dangjian_store::{orgs, points, quizzes, testing::TestDb, volunteer};
use rust_decimal::Decimal;
use time::{Date, macros::date};

const NOW: i64 = 1_749_952_800_000_000;
const TODAY: Date = date!(2025 - 06 - 15);

#[tokio::test]
async fn demo_has_a_finished_and_an_open_quiz_with_scored_attempts() {
    for t in TestDb::all().await {
        let l = t.label;
        let key = PiiKey::from_hex(&"ab".repeat(32)).unwrap();
        let opts = PlatformOptions { members: 300, seed: 7, today: TODAY, now_micros: NOW };
        generate_platform(&t.db, &key, &opts, &|_, _| {}).await.unwrap();
        let s = quiz_demo::generate_quizzes(&t.db, 7, TODAY, NOW).await.unwrap();
        assert_eq!(s.quizzes, 2, "{l}");
        assert!(s.attempts > 5 && s.ledger_lines > 0, "{l}: {s:?}");
        let all: Vec<i64> = orgs::all(&t.db).await.unwrap().iter().map(|o| o.id).collect();
        let list = quizzes::in_orgs(&t.db, &all).await.unwrap();
        let states: Vec<(&str, &str)> = list.iter().map(|q| (q.state.as_str(), q.opens_on.as_str())).collect();
        assert_eq!(states, vec![("published", "2025-06-13"), ("closed", "2024-07-01")], "{l}");
        let mut members = Vec::new();
        for q in &list {
            for a in quizzes::attempts(&t.db, q.id).await.unwrap() {
                assert_eq!(i64::from(quiz::mark(&q.quiz, &a.sheet()).score), a.score, "{l}");
                members.push(a.member_id);
            }
        }
        members.sort_unstable();
        members.dedup();
        let lines = points::ledger(&t.db, &members, "2024-01-01", "2025-12-31").await.unwrap();
        let quiz_lines: Vec<_> = lines.iter().filter(|r| r.action == "quiz").collect();
        assert!(!quiz_lines.is_empty(), "{l}");
        for r in quiz_lines {
            assert!(r.event_key.as_deref().is_some_and(|k| k.starts_with("quiz:")), "{l}");
            let p: Decimal = r.points.parse().unwrap();
            assert!(p > Decimal::ZERO && p <= Decimal::from(5), "{l}: {}", r.points);
        }
    }
}

#[tokio::test]
async fn demo_volunteer_hours_earn_points_and_one_correction_reverses_them() {
    for t in TestDb::all().await {
        let l = t.label;
        let key = PiiKey::from_hex(&"ab".repeat(32)).unwrap();
        let opts = PlatformOptions { members: 300, seed: 7, today: TODAY, now_micros: NOW };
        generate_platform(&t.db, &key, &opts, &|_, _| {}).await.unwrap();
        let s = volunteer_demo::generate_volunteer(&t.db, 7, 2024, NOW).await.unwrap();
        assert!(s.activities >= 1 && s.participants > 0, "{l}: {s:?}");
        let all: Vec<i64> = orgs::all(&t.db).await.unwrap().iter().map(|o| o.id).collect();
        let activities = volunteer::in_orgs(&t.db, &all).await.unwrap();
        assert_eq!(activities.len(), s.activities, "{l}");
        let mut corrected = 0;
        for a in &activities {
            for (member, hours, revision) in volunteer::participants(&t.db, a.id).await.unwrap() {
                let lines = points::ledger(&t.db, &[member], "2024-01-01", "2024-12-31").await.unwrap();
                let net: Decimal = lines
                    .iter()
                    .filter(|r| r.action == "volunteer_hour")
                    .map(|r| r.points.parse::<Decimal>().unwrap())
                    .sum();
                // Hours below the daily cap of 8 earn one point each.
                assert_eq!(net, hours.parse::<Decimal>().unwrap(), "{l}: member {member}");
                if revision > 1 {
                    corrected += 1;
                    assert!(lines.iter().any(|r| r.reverses.is_some()), "{l}");
                }
            }
        }
        assert_eq!(corrected, 1, "{l}");
    }
}
