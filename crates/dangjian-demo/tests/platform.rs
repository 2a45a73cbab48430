//! `generate_platform` against real databases: SQLite always, PostgreSQL when
//! `DANGJIAN_TEST_POSTGRES_URL` is set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::str::FromStr;
use std::sync::Mutex;

use dangjian_demo::{DemoError, PlatformOptions, PlatformSummary, generate_platform};
use dangjian_domain::dues::{Category, RuleBook, can_back_pay, consecutive_unpaid_months};
use dangjian_domain::meetings::{Frequency, MeetingKind, Status, calendar, default_frequencies};
use dangjian_domain::members::{IdNumber, Progress, Stage, Step, StepRecord};
use dangjian_domain::month::YearMonth;
use dangjian_domain::orgs::quorum_met;
use dangjian_domain::orgs::{OrgFacts, OrgIssue, OrgKind, OrgPolicy, check_org};
use dangjian_pii::PiiKey;
use dangjian_store::orgs::{self, NewOrg, Org};
use dangjian_store::testing::TestDb;
use dangjian_store::{Db, StoreError, bulk, dues, meetings, members};
use rust_decimal::Decimal;
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
async fn snapshot(db: &Db) -> (Vec<String>, Vec<String>, Vec<String>) {
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
    (orgs, people, year_snapshot(db).await)
}

/// The year's meetings with their sign-in, bases and payments, by names.
async fn year_snapshot(db: &Db) -> Vec<String> {
    let all = orgs::all(db).await.unwrap();
    let names: BTreeMap<i64, &str> = all.iter().map(|o| (o.id, o.name.as_str())).collect();
    let people = all_members(db).await;
    let who: HashMap<i64, &str> = people.iter().map(|m| (m.id, m.name.as_str())).collect();
    let ids: Vec<i64> = people.iter().map(|m| m.id).collect();
    let mut out = Vec::new();
    for m in
        meetings::in_orgs(db, &names.keys().copied().collect::<Vec<_>>(), "0000-01-01", "9999-12-31").await.unwrap()
    {
        let mut sign_in: Vec<String> = meetings::attendance(db, m.id)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, name, here, reason)| format!("{name}:{}:{here}:{reason}", who[&id]))
            .collect();
        sign_in.sort();
        out.push(format!(
            "{}|{}|{}|{}|{}|{}|{}|{:?}|{sign_in:?}",
            names[&m.org_id], m.kind, m.held_on, m.place, m.host, m.topic, m.minutes, m.quorum_met
        ));
    }
    for month in [first_month(), YearMonth::of(TODAY)] {
        for (id, category, base, from) in dues::bases_for(db, &ids, &month.to_string()).await.unwrap() {
            out.push(format!("{month}|{}|{category}|{base}|{from}", who[&id]));
        }
    }
    for (id, month, amount, paid_on, method) in dues::payments_for(db, &ids).await.unwrap() {
        out.push(format!("{}|{month}|{amount}|{paid_on}|{method}", who[&id]));
    }
    out.sort();
    out
}

/// The first month of the generated year.
fn first_month() -> YearMonth {
    YearMonth::of(TODAY).add_months(-11)
}

/// The kinds the compliance page expects of a branch: 支委会 only with a committee,
/// 党小组会 only with 党小组.
async fn owed(db: &Db, all: &[Org], branch: i64) -> Vec<(MeetingKind, Frequency)> {
    let committee = !orgs::committee(db, branch).await.unwrap().is_empty();
    let groups = all.iter().any(|o| o.parent_id == Some(branch) && o.kind == OrgKind::Group.code());
    default_frequencies()
        .into_iter()
        .filter(|(k, _)| match k {
            MeetingKind::CommitteeMeeting => committee,
            MeetingKind::GroupMeeting => groups,
            _ => true,
        })
        .collect()
}

#[tokio::test]
async fn a_year_of_meetings_and_dues_with_gaps() {
    for t in TestDb::all().await {
        let (db, l) = (&t.db, t.label);
        let (summary, _) = run(db, &OPTS).await.unwrap();
        let (meetings_n, attendance_n, bases_n, payments_n) = bulk::counts(db).await.unwrap();
        assert_eq!(
            (meetings_n, attendance_n, bases_n, payments_n),
            (
                summary.meetings as i64,
                summary.attendance as i64,
                summary.dues_bases as i64,
                summary.dues_payments as i64
            ),
            "{l}"
        );
        assert!(summary.meetings > 25 * 30 && summary.dues_payments > 500 * 10, "{l}: {summary:?}");
        let first = first_month().first_day();
        let (from, to) = (first.to_string(), TODAY.to_string());
        let all = orgs::all(db).await.unwrap();
        let book = RuleBook::standard();
        let this_month = YearMonth::of(TODAY);
        let (mut kinds, mut missing, mut short, mut lapsed, mut late) = (BTreeSet::new(), 0, 0, 0, 0);
        for o in all.iter().filter(|o| o.kind == OrgKind::Branch.code()) {
            let roster = members::in_orgs(db, &[o.id]).await.unwrap();
            let owed = owed(db, &all, o.id).await;
            let committee: BTreeSet<i64> = orgs::committee(db, o.id).await.unwrap().iter().map(|c| c.0).collect();
            let list = meetings::in_orgs(db, &[o.id], &from, &to).await.unwrap();
            let mut held = Vec::new();
            for m in &list {
                let kind = MeetingKind::from_code(&m.kind).unwrap();
                assert!(owed.iter().any(|k| k.0 == kind), "{l}: {}: {kind:?} not owed", o.name);
                kinds.insert(kind);
                assert!(!m.host.is_empty() && !m.topic.is_empty(), "{l}: {m:?}");
                let sign_in = meetings::attendance(db, m.id).await.unwrap();
                assert!(!sign_in.is_empty(), "{l}");
                for (id, _, here, reason) in &sign_in {
                    let member = roster.iter().find(|r| r.id == *id).expect("a member of the branch");
                    assert!(Stage::from_code(&member.status).unwrap().is_member(), "{l}: party members sign in");
                    assert_eq!(*here, reason.is_empty(), "{l}: absentees give a reason");
                }
                let present = sign_in.iter().filter(|a| a.2).count() as u32;
                match kind {
                    MeetingKind::CommitteeMeeting => {
                        let ids: BTreeSet<i64> = sign_in.iter().map(|a| a.0).collect();
                        assert_eq!(ids, committee, "{l}: the committee signs in");
                        assert_eq!(m.quorum_met, Some(quorum_met(committee.len() as u32, present)), "{l}");
                    }
                    MeetingKind::BranchGeneralMeeting => assert!(m.quorum_met.is_some(), "{l}"),
                    _ => assert_eq!(m.quorum_met, None, "{l}"),
                }
                short += usize::from(m.quorum_met == Some(false));
                if m.quorum_met != Some(false) {
                    held.push((kind, parse_date(&m.held_on)));
                }
            }
            missing += calendar(&owed, &held, first, TODAY, TODAY, 14)
                .iter()
                .filter(|p| p.period_start >= first && p.status == Status::Missing)
                .count();

            // Dues: each payment is the due under the base in force that month, within
            // the back-pay limit.
            let ids: Vec<i64> = roster.iter().map(|m| m.id).collect();
            let payments = dues::payments_for(db, &ids).await.unwrap();
            let mut bases: HashMap<(i64, String), (String, String)> = HashMap::new();
            for month in first_month().through(this_month) {
                for (id, category, base, _) in dues::bases_for(db, &ids, &month.to_string()).await.unwrap() {
                    bases.insert((id, month.to_string()), (category, base));
                }
            }
            for (id, month, amount, paid_on, method) in &payments {
                let (category, base) = &bases[&(*id, month.clone())];
                let ym: YearMonth = month.parse().unwrap();
                let due = book
                    .monthly_due(Category::from_code(category).unwrap(), Decimal::from_str(base).unwrap(), ym)
                    .unwrap();
                assert_eq!(amount, &format!("{due:.2}"), "{l}: {id} {month}");
                let paid_on = parse_date(paid_on);
                assert!(can_back_pay(ym, paid_on).is_ok() && paid_on <= TODAY, "{l}: {month} {paid_on}");
                assert!(["现金", "银行转账", "线上缴纳"].contains(&method.as_str()), "{l}: {method}");
                late += usize::from(YearMonth::of(paid_on) > ym);
            }
            // The arrears warning as the dues page computes it for this month.
            for (id, _, _, effective) in dues::bases_for(db, &ids, &this_month.to_string()).await.unwrap() {
                let paid: Vec<YearMonth> =
                    payments.iter().filter(|p| p.0 == id).map(|p| p.1.parse().unwrap()).collect();
                let streak = consecutive_unpaid_months(&paid, this_month, effective.parse().unwrap());
                lapsed += usize::from(streak >= 6);
            }
        }
        assert_eq!(kinds.len(), MeetingKind::ALL.len(), "{l}: {kinds:?}");
        assert!(missing >= 5, "{l}: {missing} missing periods");
        assert!(short >= 1, "{l}: some meeting falls short of its quorum");
        assert!(lapsed >= 2, "{l}: {lapsed} members with 6+ months unpaid");
        assert!(late >= 10, "{l}: {late} late payments");
    }
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
    assert_ne!(different.2, first.2, "another seed, another year");
    assert!(first.2.len() > 5_000, "the year is in the snapshot: {}", first.2.len());
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
