//! One finished 党建考核 scheme for the demo: a 机关党委's branches rated by 分管领导,
//! 本支部党员 and 服务对象 with the default scale, familiarity and bands, 日常 scores,
//! closed and published with its results snapshot.
//!
//! The demo has no accounts for its members, so every ballot is cast through a one-time
//! link of its group — the same anonymous path as 群众评价 — and turnout stays exact.

use std::collections::BTreeMap;

use dangjian_domain::{
    eval::assessment::{BallotLine, Indicator, Mark, Scheme, SubjectId, SubjectKind, compute},
    orgs::OrgKind,
};
use dangjian_store::{Db, kaohe, orgs};
use rust_decimal::Decimal;

use crate::DemoError;

/// What [`generate_kaohe`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KaoheSummary {
    pub scheme_id: Option<i64>,
    pub subjects: usize,
    pub ballots: usize,
}

/// Writes the finished scheme over the 机关党委 with the most branches (at most 12, so
/// the result page stays readable). Does nothing when the tree has no such committee.
pub async fn generate_kaohe(db: &Db, seed: u64, year: i32, now: i64) -> Result<KaoheSummary, DemoError> {
    let all = orgs::all(db).await?;
    let is_branch = |o: &orgs::Org| OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch());
    let mut best: Option<(usize, &orgs::Org)> = None;
    for o in all.iter().filter(|o| o.kind == "organs_committee") {
        let tree = orgs::subtree(&all, o.id);
        let n = all.iter().filter(|b| tree.contains(&b.id) && is_branch(b)).count();
        if (3..=12).contains(&n) && best.is_none_or(|(m, _)| n > m) {
            best = Some((n, o));
        }
    }
    let Some((_, committee)) = best else { return Ok(KaoheSummary::default()) };
    let tree = orgs::subtree(&all, committee.id);
    let branches: Vec<&orgs::Org> = all.iter().filter(|b| tree.contains(&b.id) && is_branch(b)).collect();
    let subjects: Vec<SubjectId> = branches.iter().map(|b| b.id).collect();
    let names: BTreeMap<SubjectId, String> = branches.iter().map(|b| (b.id, b.name.clone())).collect();

    let ind =
        |code: &str, name: &str, w: i64| Indicator { code: code.into(), name: name.into(), weight: Decimal::new(w, 2) };
    let scheme = Scheme::with_defaults(
        &format!("demo-{year}-branches"),
        &format!("{year} 年度党支部党建工作考核（{}）", committee.name),
        SubjectKind::Branch,
        subjects.clone(),
        vec![
            ind("i1", "政治建设", 25),
            ind("i2", "组织建设", 25),
            ind("i3", "作风建设", 20),
            ind("i4", "工作实绩", 30),
        ],
    );
    let id = kaohe::create(db, committee.id, &scheme, None, now).await?;
    kaohe::transition(db, id, "draft", "open", None, now).await?;

    let mut rng = fastrand::Rng::with_seed(seed ^ 0x006b_616f_6865);
    // Each branch's standing: 0 (strong) to 2 (weak); a rater's grade wanders around it.
    let standing: BTreeMap<SubjectId, u8> = subjects.iter().map(|s| (*s, rng.u8(0..3))).collect();
    let grade = |rng: &mut fastrand::Rng, s: SubjectId| -> u8 {
        let base = standing[&s] as i16;
        (base + [-1i16, 0, 0, 0, 1][rng.usize(0..5)]).clamp(0, 3) as u8
    };
    let mut ballots = 0;
    // (group, ballots per subject or for all, rates all subjects)
    for (group, count, all_subjects) in [("leaders", 3usize, true), ("members", 5, false), ("served", 12, true)] {
        let sets: Vec<Vec<SubjectId>> =
            if all_subjects { vec![subjects.clone()] } else { subjects.iter().map(|s| vec![*s]).collect() };
        for set in sets {
            // Leave one branch without 服务对象 ballots, so the renormalisation shows.
            let set: Vec<SubjectId> =
                if group == "served" { set.into_iter().filter(|s| *s != subjects[0]).collect() } else { set };
            let tokens = kaohe::create_tokens(db, id, group, &set, count + 2).await?;
            for t in tokens.iter().take(count) {
                let lines: Vec<BallotLine> = set
                    .iter()
                    .map(|s| BallotLine {
                        subject: *s,
                        marks: (0..4).map(|_| Mark::Level(grade(&mut rng, *s))).collect(),
                    })
                    .collect();
                let familiarity = ["familiar", "familiar", "fairly_familiar", "unfamiliar"][rng.usize(0..4)];
                let stored = kaohe::StoredBallot {
                    group_code: group.into(),
                    familiarity: Some(familiarity.into()),
                    marks: kaohe::encode_marks(&lines),
                };
                kaohe::cast(db, id, kaohe::Voter::Token(t), &stored).await?;
                ballots += 1;
            }
        }
    }
    let daily: Vec<(SubjectId, Decimal)> =
        subjects.iter().map(|s| (*s, Decimal::from(95 - 8 * i64::from(standing[s]) - rng.i64(0..4)))).collect();
    kaohe::set_daily(db, id, &daily).await?;
    kaohe::transition(db, id, "open", "closed", None, now).await?;
    let row = kaohe::get(db, id).await?;
    let (cast, daily) = kaohe::inputs(db, &row).await?;
    let result = compute(&row.scheme, &cast, &daily)
        .map_err(|e| DemoError::Store(dangjian_store::StoreError::Config(e.to_string())))?;
    let snap = kaohe::snapshot_of(&row.scheme, &result, &names, now);
    kaohe::transition(db, id, "closed", "published", Some(&snap), now).await?;
    Ok(KaoheSummary { scheme_id: Some(id), subjects: subjects.len(), ballots })
}
