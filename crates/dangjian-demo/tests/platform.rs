//! `generate_platform` against real databases: SQLite always, PostgreSQL when
//! `DANGJIAN_TEST_POSTGRES_URL` is set.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use dangjian_demo::{DemoError, PlatformOptions, PlatformSummary, generate_platform};
use dangjian_domain::dues::Category;
use dangjian_domain::members::{IdNumber, Progress, Stage, Step, StepRecord};
use dangjian_domain::orgs::{OrgFacts, OrgIssue, OrgKind, OrgPolicy, check_org};
use dangjian_pii::PiiKey;
use dangjian_store::orgs::{self, NewOrg, Org};
use dangjian_store::testing::TestDb;
use dangjian_store::{Db, StoreError, members};
use time::Date;
use time::macros::{date, format_description};

/// 2025-06-15 02:00:00 UTC.
const NOW: i64 = 1_749_952_800_000_000;
const TODAY: Date = date!(2025 - 06 - 15);
const OPTS: PlatformOptions = PlatformOptions { members: 600, seed: 7, today: TODAY, now_micros: NOW };

fn key() -> PiiKey {
    PiiKey::from_hex(&"ab".repeat(32)).unwrap()
}

fn parse_date(s: &str) -> Date {
    Date::parse(s, format_description!("[year]-[month]-[day]")).unwrap()
}

async fn run(db: &Db, opts: &PlatformOptions) -> Result<(PlatformSummary, Vec<(u64, u64)>), DemoError> {
    let calls = Mutex::new(Vec::new());
    let summary = generate_platform(db, &key(), opts, &|done, total| calls.lock().unwrap().push((done, total))).await?;
    Ok((summary, calls.into_inner().unwrap()))
}

async fn all_members(db: &Db) -> Vec<members::Member> {
    let ids: Vec<i64> = orgs::all(db).await.unwrap().iter().map(|o| o.id).collect();
    members::in_orgs(db, &ids).await.unwrap()
}

/// The rule findings per organisation, computed as the organisation page does.
async fn issues(db: &Db, all: &[Org]) -> Vec<(String, Vec<OrgIssue>)> {
    let counts = members::counts(db).await.unwrap();
    let mut out = Vec::new();
    for o in all {
        let kind = OrgKind::from_code(&o.kind).unwrap();
        let count = |status: &str| {
            counts.iter().filter(|(org, s, _)| *org == o.id && s == status).map(|(_, _, n)| *n as u32).sum::<u32>()
        };
        let committee = if kind.is_branch() { orgs::committee(db, o.id).await.unwrap().len() as u32 } else { 0 };
        let facts = OrgFacts {
            kind,
            full_members: count("full"),
            probationary_members: count("probationary"),
            committee_members: committee,
            units_covered: None,
            elected_on: o.term_start.as_deref().map(parse_date),
        };
        out.push((o.name.clone(), check_org(&facts, TODAY, &OrgPolicy::default())));
    }
    out
}

#[tokio::test]
async fn fills_the_tree_and_members() {
    for t in TestDb::all().await {
        let (db, l) = (&t.db, t.label);
        let (summary, calls) = run(db, &OPTS).await.unwrap();
        assert_eq!(summary.members, 600, "{l}");
        assert_eq!(calls.last(), Some(&(600, 600)), "{l}");
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{l}: progress only grows");

        let all = orgs::all(db).await.unwrap();
        assert_eq!(all.len(), summary.organisations, "{l}");
        let branches = all.iter().filter(|o| o.kind == OrgKind::Branch.code()).count();
        assert_eq!(branches, summary.branches, "{l}");
        assert!(branches >= 24, "{l}: {branches}");
        let roots: Vec<&Org> = all.iter().filter(|o| o.parent_id.is_none()).collect();
        assert_eq!(roots.len(), 1, "{l}");
        assert_eq!(roots[0].name, "中共青澜市委市直机关工作委员会");
        assert_eq!(roots[0].kind, OrgKind::WorkingCommittee.code());
        assert_eq!(all.iter().filter(|o| o.parent_id == Some(roots[0].id)).count(), 12, "{l}: departments");
        for o in &all {
            let kind = OrgKind::from_code(&o.kind).unwrap();
            let years = kind.term_years(&OrgPolicy::default());
            assert_eq!(o.term_years, years.map(|y| y as i32), "{l}: {}", o.name);
            assert_eq!(o.term_start.is_some(), years.is_some(), "{l}: {}", o.name);
            assert!(parse_date(o.founded_on.as_deref().unwrap()) < TODAY);
        }

        let ms = all_members(db).await;
        assert_eq!(ms.len(), 600, "{l}");
        let counted: i64 = members::counts(db).await.unwrap().iter().map(|c| c.2).sum();
        assert_eq!(counted, 600, "{l}");
        let k = key();
        let by_id: HashMap<i64, &Org> = all.iter().map(|o| (o.id, o)).collect();
        for m in &ms {
            let id_number = k.decrypt(&m.id_number_enc).unwrap();
            let id = IdNumber::parse(&id_number).unwrap_or_else(|e| panic!("{l}: {id_number}: {e}"));
            assert_eq!(Some(id.birth_date()), m.birth_date.as_deref().map(parse_date), "{l}: {}", m.name);
            assert_eq!(id.gender().name(), m.gender, "{l}: {}", m.name);
            assert!(!m.id_number_enc.contains(&id_number[6..14]), "{l}: stored encrypted");
            let phone = k.decrypt(&m.phone_enc).unwrap();
            assert!(phone.len() == 11 && phone.bytes().all(|b| b.is_ascii_digit()), "{l}: {phone}");
            assert_ne!(m.phone_enc, phone);
            assert!(Category::ALL.iter().any(|c| c.code() == m.category), "{l}: {}", m.category);
            assert_eq!(by_id[&m.org_id].kind, OrgKind::Branch.code(), "{l}");
            if let Some(g) = m.group_id {
                assert_eq!(by_id[&g].kind, OrgKind::Group.code(), "{l}");
                assert_eq!(by_id[&g].parent_id, Some(m.org_id), "{l}");
            }
            assert!(!m.work_unit.is_empty() && !m.post.is_empty() && !m.education.is_empty(), "{l}");
            // The stored history replays to the stored status.
            let steps = members::steps(db, m.id).await.unwrap();
            let history: Vec<StepRecord> = steps
                .iter()
                .map(|(code, d)| StepRecord::new(Step::from_code(code, 0).unwrap(), parse_date(d)))
                .collect();
            let stage = Progress::replay(&history).unwrap().stage.unwrap();
            assert_eq!(stage, Stage::from_code(&m.status).unwrap(), "{l}: {}", m.name);
        }
        let full = ms.iter().filter(|m| m.status == Stage::Full.code()).count();
        assert!(full > 480, "{l}: {full}");
        assert!(ms.iter().any(|m| m.status == Stage::Probationary.code()), "{l}");
        assert!(ms.iter().any(|m| m.category == Category::Retired.code()), "{l}");
        assert!(ms.iter().any(|m| m.ethnicity != "汉族"), "{l}");

        // The deliberately irregular branches, and the 换届 reminders.
        let found = issues(db, &all).await;
        let with = |pred: &dyn Fn(&OrgIssue) -> bool| {
            found.iter().filter(|(_, v)| v.iter().any(pred)).map(|(n, _)| n.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(
            with(&|i| matches!(i, OrgIssue::TooFewFullMembers { full: 2, .. })),
            ["市生态环境局澜溪监测站党支部"],
            "{l}"
        );
        assert_eq!(
            with(&|i| matches!(i, OrgIssue::NoCommittee { full } if *full >= 8)),
            ["市交通运输局运输服务中心党支部"],
            "{l}"
        );
        assert_eq!(
            with(&|i| matches!(i, OrgIssue::BranchTooLarge { members: 55, .. })),
            ["市卫生健康委机关综合党支部"],
            "{l}"
        );
        assert!(with(&|i| matches!(i, OrgIssue::TermOverdue { .. })).len() >= 2, "{l}");
        assert!(with(&|i| matches!(i, OrgIssue::TermDueSoon { .. })).len() >= 2, "{l}");
        for (name, v) in &found {
            for i in v {
                let expected = matches!(
                    i,
                    OrgIssue::TooFewFullMembers { .. }
                        | OrgIssue::NoCommittee { .. }
                        | OrgIssue::BranchTooLarge { .. }
                        | OrgIssue::TermOverdue { .. }
                        | OrgIssue::TermDueSoon { .. }
                );
                assert!(expected, "{l}: {name}: {i}");
            }
        }

        // Committees: 书记, 组织委员, 宣传委员 (and maybe more) from the branch's 正式党员.
        let mut with_committee = 0;
        for o in all.iter().filter(|o| o.kind == OrgKind::Branch.code()) {
            let c = orgs::committee(db, o.id).await.unwrap();
            if c.is_empty() {
                continue;
            }
            with_committee += 1;
            let posts: Vec<&str> = c.iter().map(|x| x.2.as_str()).collect();
            for p in ["书记", "组织委员", "宣传委员"] {
                assert!(posts.contains(&p), "{l}: {}: {posts:?}", o.name);
            }
            for (mid, _, _) in &c {
                let m = members::get(db, *mid).await.unwrap();
                assert_eq!((m.org_id, m.status.as_str()), (o.id, "full"), "{l}");
            }
        }
        assert!(with_committee * 2 > branches, "{l}: {with_committee} of {branches}");
    }
}

/// Everything a run produced, ids replaced by names and personal data decrypted.
async fn snapshot(db: &Db) -> (Vec<String>, Vec<String>) {
    let k = key();
    let all = orgs::all(db).await.unwrap();
    let names: BTreeMap<i64, &str> = all.iter().map(|o| (o.id, o.name.as_str())).collect();
    let orgs = all
        .iter()
        .map(|o| {
            format!(
                "{:?}|{}|{}|{:?}|{:?}|{:?}|{}",
                o.parent_id.map(|p| names[&p]),
                o.kind,
                o.name,
                o.founded_on,
                o.term_start,
                o.term_years,
                o.sort_order
            )
        })
        .collect();
    let mut people = Vec::new();
    for m in all_members(db).await {
        let committee: Vec<String> =
            orgs::committee(db, m.org_id).await.unwrap().into_iter().filter(|c| c.0 == m.id).map(|c| c.2).collect();
        people.push(format!(
            "{}|{:?}|{}|{}|{}|{:?}|{}|{}|{}|{}|{}|{}|{}|{:?}|{:?}",
            names[&m.org_id],
            m.group_id.map(|g| names[&g]),
            m.name,
            m.gender,
            m.ethnicity,
            m.birth_date,
            k.decrypt(&m.id_number_enc).unwrap(),
            k.decrypt(&m.phone_enc).unwrap(),
            m.education,
            m.work_unit,
            m.post,
            m.category,
            m.status,
            members::steps(db, m.id).await.unwrap(),
            committee,
        ));
    }
    people.sort();
    (orgs, people)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_platform() {
    let mut snapshots = Vec::new();
    for t in TestDb::all().await {
        run(&t.db, &OPTS).await.unwrap();
        snapshots.push((t.label, snapshot(&t.db).await));
    }
    let again = TestDb::sqlite().await;
    run(&again.db, &OPTS).await.unwrap();
    let first = &snapshots[0].1;
    assert_eq!(&snapshot(&again.db).await, first, "sqlite twice");
    for (label, s) in &snapshots[1..] {
        assert_eq!(s, first, "{label} equals sqlite");
    }
    let other = TestDb::sqlite().await;
    run(&other.db, &PlatformOptions { seed: 8, ..OPTS }).await.unwrap();
    let different = snapshot(&other.db).await;
    assert_ne!(different.1, first.1, "another seed, other people");
}

#[tokio::test]
async fn a_second_run_is_refused_and_writes_nothing() {
    for t in TestDb::all().await {
        let (db, l) = (&t.db, t.label);
        run(db, &OPTS).await.unwrap();
        let before = snapshot(db).await;
        let calls = Mutex::new(0);
        let err = generate_platform(db, &key(), &OPTS, &|_, _| *calls.lock().unwrap() += 1).await.unwrap_err();
        assert!(matches!(err, DemoError::Store(StoreError::Conflict(_))), "{l}: {err}");
        assert!(err.to_string().contains("organisation"), "{l}: {err}");
        assert_eq!(*calls.lock().unwrap(), 0, "{l}");
        assert_eq!(snapshot(db).await, before, "{l}: nothing written");
    }
    // One organisation entered by hand is enough to refuse.
    for t in TestDb::all().await {
        let (db, l) = (&t.db, t.label);
        let new =
            NewOrg { kind: OrgKind::WorkingCommittee.code().into(), name: "某工委".into(), ..Default::default() };
        orgs::insert(db, &new, NOW).await.unwrap();
        assert!(run(db, &OPTS).await.is_err(), "{l}");
        assert_eq!(orgs::all(db).await.unwrap().len(), 1, "{l}");
        assert!(all_members(db).await.is_empty(), "{l}");
    }
}

/// The CLI's default size, on SQLite: well under 5 s in a release build (the bound is
/// looser for unoptimised test builds).
#[tokio::test]
async fn the_default_size_is_written_in_full() {
    // Speed is measured in BENCHMARKS.md, not asserted here.
    let t = TestDb::sqlite().await;
    let opts = PlatformOptions { members: dangjian_demo::platform::DEFAULT_MEMBERS, ..OPTS };
    let (summary, _) = run(&t.db, &opts).await.unwrap();
    assert_eq!(summary.members, 3000);
    assert_eq!(all_members(&t.db).await.len(), 3000);
}
