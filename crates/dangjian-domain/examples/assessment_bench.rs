//! Benchmark of the 党建考核 engine (not a timed test): 2,000 subjects, 50 raters each,
//! 10 indicators. Subjects sit in 200 branches of 10; each branch has 50 raters (5 分管领导,
//! 25 本支部党员, 20 服务对象) whose ballot rates all 10 subjects of the branch, so there are
//! 10,000 ballots and 1,000,000 marks. Marks and familiarity come from a fixed LCG, so every
//! run computes the same thing.
//!
//! Run: `cargo run --release -p dangjian-domain --example assessment_bench`

use std::collections::BTreeMap;
use std::time::Instant;

use dangjian_domain::eval::assessment::{Ballot, BallotLine, Indicator, Mark, Scheme, SubjectKind, compute};
use rust_decimal::Decimal;

const SUBJECTS: i64 = 2_000;
const PER_BRANCH: i64 = 10;
const RATERS: usize = 50;
const INDICATORS: usize = 10;
const RUNS: usize = 5;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn main() {
    let indicators = (0..INDICATORS)
        .map(|i| Indicator {
            code: format!("i{i}"), name: format!("指标{i}"), weight: Decimal::from(i as i64 % 3 + 1)
        })
        .collect();
    let scheme = Scheme::with_defaults("bench", "bench", SubjectKind::Member, (1..=SUBJECTS).collect(), indicators);
    let mut rng = Lcg(42);
    let mut ballots = Vec::new();
    for branch in 0..SUBJECTS / PER_BRANCH {
        for rater in 0..RATERS {
            let group = match rater {
                0..5 => 0,
                5..30 => 1,
                _ => 2,
            };
            // Mostly 好/较好, sometimes lower, so most ballots are valid and scores spread.
            let lines = (0..PER_BRANCH)
                .map(|k| BallotLine {
                    subject: branch * PER_BRANCH + k + 1,
                    marks: (0..INDICATORS)
                        .map(|_| Mark::Level([0, 0, 1, 1, 1, 2, 3][rng.next() as usize % 7]))
                        .collect(),
                })
                .collect();
            ballots.push(Ballot { group, familiarity: Some((rng.next() % 3) as u8), lines });
        }
    }
    let daily: BTreeMap<i64, Decimal> =
        (1..=SUBJECTS).map(|s| (s, Decimal::from(60 + (rng.next() % 41) as i64))).collect();
    let marks = ballots.len() * PER_BRANCH as usize * INDICATORS;
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = compute(&scheme, &ballots, &daily).expect("bench scheme computes");
        times.push(start.elapsed());
        result = Some(r);
    }
    times.sort();
    let r = result.expect("at least one run");
    let valid: u32 = r.turnout.iter().map(|t| t.valid).sum();
    println!(
        "subjects {SUBJECTS}, raters per subject {RATERS}, indicators {INDICATORS}, ballots {}, marks {marks}, valid ballots {valid}",
        ballots.len()
    );
    println!("bands {:?}", r.band_counts);
    println!(
        "compute: min {:.1} ms, median {:.1} ms, max {:.1} ms over {RUNS} runs",
        times[0].as_secs_f64() * 1e3,
        times[RUNS / 2].as_secs_f64() * 1e3,
        times[RUNS - 1].as_secs_f64() * 1e3
    );
}
