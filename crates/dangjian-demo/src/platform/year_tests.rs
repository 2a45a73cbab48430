//! The year of meetings and dues, checked on the plan with the domain's own rules.

use std::collections::{BTreeSet, HashMap, HashSet};

use dangjian_domain::dues::{
    ArrearsStatus, Category, RuleBook, can_back_pay, consecutive_unpaid_months, dues_start_month,
};
use dangjian_domain::meetings::{Frequency, MeetingKind, Status, calendar, compliance_rate};
use dangjian_domain::members::Step;
use dangjian_domain::month::YearMonth;
use dangjian_domain::orgs::{Attendance, QuorumRule, quorum_met};
use rust_decimal::Decimal;
use time::Date;
use time::macros::date;

use super::life::{Records, standing_on};
use super::tree::Profile;
use super::*;

fn opts(members: usize, seed: u64, today: Date) -> PlatformOptions {
    PlatformOptions { members, seed, today, now_micros: 1_749_952_800_000_000 }
}

/// The kinds a branch owes, as the compliance page decides them.
fn owed(plan: &Plan, org: usize) -> Vec<(MeetingKind, Frequency)> {
    let committee = plan.members.iter().any(|m| m.org == org && m.committee_post.is_some());
    let groups = plan.tree.orgs.iter().any(|o| o.parent == Some(org) && o.kind == OrgKind::Group);
    MeetingKind::ALL
        .into_iter()
        .filter(|k| match k {
            MeetingKind::CommitteeMeeting => committee,
            MeetingKind::GroupMeeting => groups,
            _ => true,
        })
        .map(|k| (k, k.default_frequency()))
        .collect()
}

/// The calendar of a branch over the window, meetings without quorum left out.
fn branch_calendar(plan: &Plan, org: usize) -> Vec<dangjian_domain::meetings::PeriodStatus> {
    let w = plan.year.window;
    let held: Vec<(MeetingKind, Date)> = plan
        .year
        .meetings
        .iter()
        .filter(|m| m.org == org && m.quorum_met != Some(false))
        .map(|m| (m.kind, m.held_on))
        .collect();
    // Periods that started before the window are clipped by the generator, so look only
    // at those inside it.
    calendar(&owed(plan, org), &held, w.first, w.today, w.today, 0)
        .into_iter()
        .filter(|p| p.period_start >= w.first)
        .collect()
}

const TODAYS: [Date; 4] = [date!(2025 - 06 - 15), date!(2026 - 11 - 30), date!(2024 - 12 - 31), date!(2025 - 01 - 01)];

#[test]
fn every_branch_owes_and_mostly_holds_the_default_calendar() {
    for today in TODAYS {
        let plan = plan(&opts(DEFAULT_MEMBERS, 20_130_101, today));
        let w = plan.year.window;
        assert_eq!(YearMonth::of(w.first), YearMonth::of(today).add_months(-11));
        let mut kinds: HashSet<MeetingKind> = HashSet::new();
        let (mut good, mut good_high, mut missing, mut short) = (0, 0, 0, 0);
        for (b, records) in plan.tree.branches.iter().zip(&plan.year.records) {
            let periods = branch_calendar(&plan, b.org);
            let rate = compliance_rate(&periods);
            let percent = u64::from(rate.met) * 100 / u64::from(rate.counted.max(1));
            missing += periods.iter().filter(|p| p.status == Status::Missing).count();
            match records {
                Records::Good => {
                    good += 1;
                    good_high += usize::from(percent >= 90);
                }
                Records::Patchy => assert!(percent < 95, "{today}: patchy {percent}"),
                Records::Poor => assert!(percent < 75, "{today}: poor {percent}"),
            }
            for (kind, _) in owed(&plan, b.org) {
                if plan.year.meetings.iter().any(|m| m.org == b.org && m.kind == kind) {
                    kinds.insert(kind);
                }
            }
            for m in plan.year.meetings.iter().filter(|m| m.org == b.org) {
                assert!(owed(&plan, b.org).iter().any(|o| o.0 == m.kind), "{today}: {:?} not owed", m.kind);
                short += usize::from(m.quorum_met == Some(false));
            }
        }
        assert_eq!(kinds.len(), MeetingKind::ALL.len(), "{today}: {kinds:?}");
        let poor = plan.year.records.iter().filter(|r| **r == Records::Poor).count();
        let patchy = plan.year.records.iter().filter(|r| **r == Records::Patchy).count();
        assert!((1..=2).contains(&poor) && (3..=15).contains(&patchy), "{today}: {poor} poor, {patchy} patchy");
        assert!(good_high * 100 >= good * 85, "{today}: {good_high} of {good} good branches at 90%+");
        assert!(missing >= 30, "{today}: {missing} missing periods");
        let quorate = plan.year.meetings.iter().filter(|m| m.quorum_met.is_some()).count();
        assert!(short >= 3 && short * 20 < quorate, "{today}: {short} short of {quorate}");
    }
}

#[test]
fn sign_in_hosts_and_quorum_follow_the_rules() {
    let plan = plan(&opts(DEFAULT_MEMBERS, 9, date!(2025 - 06 - 15)));
    let w = plan.year.window;
    let committee = |org: usize| -> Vec<usize> {
        (0..plan.members.len())
            .filter(|&i| plan.members[i].org == org && plan.members[i].committee_post.is_some())
            .collect()
    };
    let (mut absences, mut expected, mut with_place, mut minutes) = (0, 0, 0, 0);
    for m in &plan.year.meetings {
        assert!(w.first <= m.held_on && m.held_on <= w.today, "{}", m.held_on);
        assert!(!m.topic.is_empty());
        let ids: Vec<usize> = m.attendance.iter().map(|a| a.0).collect();
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len(), "one sign-in row each");
        let roster: Vec<usize> = match m.kind {
            MeetingKind::CommitteeMeeting => committee(m.org),
            MeetingKind::GroupMeeting => {
                let g = plan.members[ids[0]].group;
                assert!(g.is_some() && ids.iter().all(|&i| plan.members[i].group == g));
                (0..plan.members.len())
                    .filter(|&i| plan.members[i].group == g && standing_on(&plan.members[i], m.held_on).is_some())
                    .collect()
            }
            _ => (0..plan.members.len())
                .filter(|&i| plan.members[i].org == m.org && standing_on(&plan.members[i], m.held_on).is_some())
                .collect(),
        };
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, roster, "{:?} {}: the party members of the branch that day", m.kind, m.held_on);
        for &(_, reason) in &m.attendance {
            if let Some(r) = reason {
                assert!(!r.is_empty());
                absences += 1;
            }
        }
        expected += m.attendance.len();
        let host = m.host_member.expect("a host");
        assert_eq!(plan.members[host].person.name, m.host);
        assert!(m.attendance.contains(&(host, None)), "the host signs in: {m:?}");
        with_place += usize::from(!m.place.is_empty());
        minutes += usize::from(m.minutes.chars().count() > 40);
        // Quorum as the domain counts it.
        let here = |full: Option<bool>| {
            m.attendance
                .iter()
                .filter(|&&(i, r)| {
                    r.is_none() && full.is_none_or(|f| standing_on(&plan.members[i], m.held_on) == Some(f))
                })
                .count() as u32
        };
        let of = |full: bool| {
            m.attendance.iter().filter(|&&(i, _)| standing_on(&plan.members[i], m.held_on) == Some(full)).count() as u32
        };
        match m.kind {
            MeetingKind::BranchGeneralMeeting => {
                let a = Attendance {
                    full_entitled: of(true),
                    full_present: here(Some(true)),
                    probationary_entitled: of(false),
                    probationary_present: here(Some(false)),
                };
                assert_eq!(m.quorum_met, Some(a.quorate(QuorumRule::Resolution)), "{m:?}");
                assert_eq!(m.quorum_met, Some(a.quorate(QuorumRule::ORDINARY)), "both counts agree");
                if m.topic.starts_with("讨论") {
                    assert_eq!(m.quorum_met, Some(true), "a decision needs its quorum");
                }
            }
            MeetingKind::CommitteeMeeting => {
                assert_eq!(m.quorum_met, Some(quorum_met(m.attendance.len() as u32, here(None))));
            }
            _ => assert_eq!(m.quorum_met, None),
        }
    }
    // A few absentees each time: about one in twenty.
    assert!(absences * 100 > expected * 3 && absences * 100 < expected * 10, "{absences} of {expected}");
    let n = plan.year.meetings.len();
    assert!(with_place * 100 > n * 95 && minutes * 100 > n * 90, "{with_place} {minutes} of {n}");
    // Every admission and 转正 in the window has its 支部党员大会 that day (except in the
    // branch whose organisation life has lapsed these last months).
    let lapsed = |org: usize, on: Date| {
        let profile = plan.tree.branches.iter().find(|b| b.org == org).map(|b| b.profile);
        profile == Some(Profile::TooFewFull) && YearMonth::of(on) > YearMonth::of(w.today).add_months(-5)
    };
    for m in &plan.members {
        for &(step, on) in &m.person.steps {
            if matches!(step, Step::Admit | Step::ConfirmFull) && on >= w.first && !lapsed(m.org, on) {
                let held = plan.year.meetings.iter().any(|x| {
                    x.org == m.org
                        && x.kind == MeetingKind::BranchGeneralMeeting
                        && x.held_on == on
                        && x.topic.contains(&m.person.name)
                });
                assert!(held, "{} {step:?} {on}", m.person.name);
            }
        }
    }
}

#[test]
fn dues_are_the_rule_books_and_respect_the_back_pay_limit() {
    for today in TODAYS {
        let plan = plan(&opts(DEFAULT_MEMBERS, 20_130_101, today));
        let (first, last) = (plan.year.window.first_month(), plan.year.window.last_month());
        let book = RuleBook::standard();
        let mut bases: HashMap<usize, Vec<&BasePlan>> = HashMap::new();
        for b in &plan.year.bases {
            bases.entry(b.member).or_default().push(b);
        }
        let mut paid: HashMap<usize, BTreeSet<YearMonth>> = HashMap::new();
        let (mut late, mut methods) = (0, HashSet::new());
        for p in &plan.year.payments {
            let m = &plan.members[p.member];
            let history = &bases[&p.member];
            let base = history.iter().rev().find(|b| b.from <= p.month).expect("a base in force");
            assert_eq!(p.amount, book.monthly_due(base.category, base.base, p.month).unwrap(), "{}", m.person.name);
            assert_eq!(p.amount.scale(), 2);
            assert!(can_back_pay(p.month, p.paid_on).is_ok(), "{} {} {}", m.person.name, p.month, p.paid_on);
            assert!(p.paid_on >= p.month.first_day() && p.paid_on <= today, "{} {}", p.month, p.paid_on);
            assert!(first <= p.month && p.month <= last);
            let admitted = m.person.steps.iter().find(|s| s.0 == Step::Admit).unwrap().1;
            assert!(p.month >= dues_start_month(admitted), "dues start at admission");
            assert!(paid.entry(p.member).or_default().insert(p.month), "one payment per month");
            late += usize::from(YearMonth::of(p.paid_on) > p.month);
            methods.insert(p.method);
        }
        assert_eq!(methods.len(), 3, "{methods:?}");
        let payments = plan.year.payments.len();
        assert!(late * 100 > payments * 2 && late * 100 < payments * 15, "{today}: {late} late of {payments}");

        // Every party member has a base; brackets and categories are all represented.
        let members: Vec<usize> =
            (0..plan.members.len()).filter(|&i| plan.members[i].person.stage.is_member()).collect();
        assert_eq!(bases.len(), members.len());
        let mut brackets: HashMap<(Category, Decimal), usize> = HashMap::new();
        for b in &plan.year.bases {
            assert_eq!(b.category, plan.members[b.member].person.category);
            let rate = book.rule_for(b.from).unwrap().rate_for(b.category, b.base).unwrap_or_default();
            *brackets.entry((b.category, rate)).or_default() += 1;
        }
        for (c, rate) in [
            (Category::InService, "0.005"),
            (Category::InService, "0.01"),
            (Category::InService, "0.015"),
            (Category::InService, "0.02"),
            (Category::Retired, "0.005"),
            (Category::Retired, "0.01"),
        ] {
            let n = brackets.get(&(c, rate.parse().unwrap())).copied().unwrap_or(0);
            assert!(n >= 10, "{today}: {c:?} {rate}: {n} ({brackets:?})");
        }
        assert!(plan.year.bases.iter().any(|b| b.category == Category::Student));
        let in_service = plan.year.bases.iter().filter(|b| b.category == Category::InService).count();
        assert!(in_service * 100 > plan.year.bases.len() * 70);

        // Most are up to date; a few have gone six months and more without paying.
        let mut lapsed = 0;
        let mut behind = 0;
        for &i in &members {
            let admitted = plan.members[i].person.steps.iter().find(|s| s.0 == Step::Admit).unwrap().1;
            let start = dues_start_month(admitted).max(first);
            let months: Vec<YearMonth> = paid.get(&i).map(|s| s.iter().copied().collect()).unwrap_or_default();
            // As the dues page shows this month.
            let streak = consecutive_unpaid_months(&months, last, start);
            lapsed += usize::from(matches!(ArrearsStatus::from_unpaid(streak), ArrearsStatus::LapseRisk { .. }));
            // Behind as of last month: this month's collection day may be still to come.
            if start <= last.prev() {
                let streak = consecutive_unpaid_months(&months, last.prev(), start);
                behind += usize::from(matches!(ArrearsStatus::from_unpaid(streak), ArrearsStatus::Behind { .. }));
            }
        }
        let n = members.len();
        assert!((3..=n / 100).contains(&lapsed), "{today}: {lapsed} lapsed of {n}");
        assert!(behind * 100 < n * 12, "{today}: {behind} behind of {n}");
    }
}

#[test]
fn the_retired_pay_by_pension_and_mostly_in_cash() {
    let plan = plan(&opts(DEFAULT_MEMBERS, 3, date!(2025 - 06 - 15)));
    let retired: Vec<&PaymentPlan> = plan
        .year
        .payments
        .iter()
        .filter(|p| {
            plan.tree.branches.iter().any(|b| b.org == plan.members[p.member].org && b.profile == Profile::Retired)
        })
        .collect();
    assert!(!retired.is_empty());
    let cash = retired.iter().filter(|p| p.method == "现金").count();
    assert!(cash * 2 > retired.len(), "{cash} of {}", retired.len());
}

#[test]
fn same_seed_same_year() {
    let a = plan(&opts(800, 42, date!(2025 - 06 - 15)));
    let b = plan(&opts(800, 42, date!(2025 - 06 - 15)));
    assert_eq!(a.year, b.year);
    let c = plan(&opts(800, 43, date!(2025 - 06 - 15)));
    assert_ne!(a.year.meetings, c.year.meetings);
    assert_ne!(a.year.payments, c.year.payments);
}

#[test]
fn tiny_platforms_still_work() {
    for members in [0, 1, 7, 50, 299] {
        let p = plan(&opts(members, 1, date!(2025 - 06 - 15)));
        for m in &p.year.meetings {
            assert!(!m.attendance.is_empty() || m.kind != MeetingKind::CommitteeMeeting);
        }
        assert!(p.year.payments.iter().all(|x| can_back_pay(x.month, x.paid_on).is_ok()));
    }
}

/// The branch with only two 正式党员 (the browser walkthrough's) has held nothing this
/// quarter, whatever today is, so the first meeting recorded there shows on its calendar.
#[test]
fn the_branch_with_two_full_members_has_let_things_lapse() {
    for today in [date!(2026 - 03 - 31), date!(2026 - 10 - 01), date!(2026 - 11 - 30), date!(2027 - 05 - 20)] {
        for seed in [1, 20211] {
            let plan = plan(&opts(DEFAULT_MEMBERS, seed, today));
            let (k, b) = plan.tree.branches.iter().enumerate().find(|(_, b)| b.profile == Profile::TooFewFull).unwrap();
            assert_eq!(plan.year.records[k], Records::Poor);
            let quarter_start = YearMonth::of(today).add_months(-i64::from((today.month() as u8 - 1) % 3));
            let recent = YearMonth::of(today).add_months(-4);
            for m in plan.year.meetings.iter().filter(|m| m.org == b.org) {
                assert!(YearMonth::of(m.held_on) < recent.min(quarter_start), "{today} {seed}: {m:?}");
            }
            let poor = plan.year.records.iter().filter(|r| **r == Records::Poor).count();
            assert_eq!(poor, 2, "{today} {seed}");
        }
    }
}
