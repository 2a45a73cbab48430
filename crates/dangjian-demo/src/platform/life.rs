//! A year of organisation life (三会一课 and the rest) for every branch, ending today.
//!
//! Each branch owes the default calendar of [`dangjian_domain::meetings`]: 支部党员大会
//! and 党课 every quarter, 主题党日 every month, 支委会 every month where there is a
//! committee, 党小组会 every month in each 党小组, 组织生活会, 民主评议党员 and 谈心谈话
//! once a year. One meeting is planned in every period that overlaps the window (clipped
//! to it); the branch's record keeping then decides which are kept. Most branches keep
//! nearly every period ([`Records::Good`]); a handful let it slide for three or four
//! months and miss the odd one besides ([`Records::Patchy`]); one or two keep poor
//! records ([`Records::Poor`]: a slack half-year, many other gaps, thin minutes). The
//! branch with only two 正式党员 is one of the poor ones, and its slack half-year is still
//! going on: nothing at all is recorded in it, this quarter included (not even the
//! 支部党员大会 of an admission), so its calendar shows the lapse and the first meeting
//! recorded there turns a cell green. A period still running has its meeting only if the
//! planned day is not after today.
//!
//! Attendance is by sign-in: the party members of the branch on that day (正式 and
//! 预备; the 支委会 its committee, a 党小组会 its group), a few absent with a reason. The
//! host always signs in. Quorum is computed for 支部党员大会 (正式党员 with voting rights,
//! [`QuorumRule::Resolution`]; the attendance is drawn so that counting 预备党员 too gives
//! the same answer) and 支委会 (the committee); now and then one falls short, and often
//! the branch meets again a week or two later. Admissions and 转正 in the window each get
//! the 支部党员大会 that decided them, on the date of the member's step.

use std::collections::BTreeMap;

use dangjian_domain::dues::Category;
use dangjian_domain::meetings::{Frequency, MeetingKind};
use dangjian_domain::members::{Stage, Step};
use dangjian_domain::month::YearMonth;
use dangjian_domain::orgs::{Attendance, QuorumRule, quorum_met};
use fastrand::Rng;
use time::{Date, Duration, Weekday};

use super::MemberPlan;
use super::tree::{BranchPlan, OrgPlan, Profile, Tree, day_in};
use crate::words::{self, pick};

/// How well a branch keeps its records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Records {
    /// Nearly every period met.
    Good,
    /// Several periods missed.
    Patchy,
    /// Many gaps, short or missing minutes.
    Poor,
}

impl Records {
    /// Chance in a thousand that a period's meeting is not held (or not recorded) outside
    /// a slack spell.
    fn miss_per_mille(self, freq: Frequency) -> u32 {
        match (self, freq) {
            (Records::Good, Frequency::Monthly) => 25,
            (Records::Good, _) => 10,
            (Records::Patchy, _) => 100,
            (Records::Poor, _) => 400,
        }
    }

    /// Months in a row in which the branch's organisation life lapsed (a busy season,
    /// a secretary away): nothing, three or four, five to seven.
    fn spell_months(self, rng: &mut Rng) -> i64 {
        match self {
            Records::Good => 0,
            Records::Patchy => rng.i64(3..=4),
            Records::Poor => rng.i64(5..=7),
        }
    }

    /// Chance in a thousand that a 支部党员大会 or 支委会 falls short of its quorum.
    fn short_per_mille(self) -> u32 {
        match self {
            Records::Good => 15,
            Records::Patchy => 50,
            Records::Poor => 80,
        }
    }
}

/// One planned meeting; `org` and the members are indices into the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MeetingPlan {
    pub org: usize,
    pub kind: MeetingKind,
    pub held_on: Date,
    pub place: String,
    pub host: String,
    /// The host's member index, when known.
    pub host_member: Option<usize>,
    pub topic: String,
    pub minutes: String,
    pub quorum_met: Option<bool>,
    /// (member index, reason when absent).
    pub attendance: Vec<(usize, Option<&'static str>)>,
}

/// What a branch looks like to its meetings.
struct Branch<'a> {
    org: usize,
    name: &'a str,
    profile: Profile,
    records: Records,
    /// Member indices of the branch (everyone, party members or not).
    members: Vec<usize>,
    /// (group org index, group name, member indices).
    groups: Vec<(usize, &'a str, Vec<usize>)>,
    /// (member index, post), 书记 first.
    committee: Vec<(usize, &'static str)>,
    /// The 书记, or where no committee is recorded the longest-standing 正式党员, who
    /// acts as one.
    secretary: Option<usize>,
    /// Day of the month of the 主题党日 (a relatively fixed day).
    party_day: u8,
    /// Where the branch meets.
    room: &'static str,
    /// Months in which (almost) nothing was held.
    spell: Option<(YearMonth, YearMonth)>,
    /// The spell is still going on: nothing at all is held or recorded in it.
    lapsed: bool,
}

impl Branch<'_> {
    fn in_spell(&self, day: Date) -> bool {
        self.spell.is_some_and(|(from, to)| (from..=to).contains(&YearMonth::of(day)))
    }
}

/// The days, inclusive, of the year being generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub first: Date,
    pub today: Date,
}

impl Window {
    /// The twelve months ending with today's month.
    pub(crate) fn ending(today: Date) -> Window {
        Window { first: YearMonth::of(today).add_months(-11).first_day(), today }
    }

    pub(crate) fn first_month(self) -> YearMonth {
        YearMonth::of(self.first)
    }

    pub(crate) fn last_month(self) -> YearMonth {
        YearMonth::of(self.today)
    }
}

/// Where the member stands at a meeting on `day`: `Some(true)` 正式党员, `Some(false)`
/// 预备党员, `None` not (yet) a party member.
pub(crate) fn standing_on(m: &MemberPlan, day: Date) -> Option<bool> {
    let mut standing = None;
    for &(step, on) in &m.person.steps {
        // A decision counts from the day after the meeting that took it: the member being
        // admitted is not yet on that meeting's list.
        if on >= day {
            break;
        }
        match step {
            Step::Admit | Step::ExtendProbation { .. } => standing = Some(false),
            Step::ConfirmFull => standing = Some(true),
            Step::CancelProbation => standing = None,
            _ => {}
        }
    }
    standing.filter(|_| m.person.stage.is_member())
}

/// Picks how each branch keeps records: about one in twelve [`Records::Patchy`], one or
/// two [`Records::Poor`] (none below four branches; the branch with too few 正式党员 is
/// always one of them), the rest [`Records::Good`].
pub(crate) fn assign_records(rng: &mut Rng, branches: &[BranchPlan]) -> Vec<Records> {
    let n = branches.len();
    let mut out = vec![Records::Good; n];
    let mut order: Vec<usize> = (0..n).filter(|&b| branches[b].profile != Profile::TooFewFull).collect();
    rng.shuffle(&mut order);
    let mut poor: usize = match n {
        0..4 => 0,
        4..40 => 1,
        _ => 2,
    };
    for (b, spec) in branches.iter().enumerate() {
        if spec.profile == Profile::TooFewFull {
            out[b] = Records::Poor;
            poor = poor.saturating_sub(1);
        }
    }
    let patchy = if n >= 3 { (n / 12).max(1) } else { 0 };
    for (k, &b) in order.iter().enumerate() {
        if k < poor {
            out[b] = Records::Poor;
        } else if k < poor + patchy {
            out[b] = Records::Patchy;
        }
    }
    out
}

/// Every meeting of the window, branch by branch, in date order within a branch.
pub(crate) fn plan(
    rng: &mut Rng,
    tree: &Tree,
    members: &[MemberPlan],
    records: &[Records],
    w: Window,
) -> Vec<MeetingPlan> {
    let mut by_org: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        by_org.entry(m.org).or_default().push(i);
    }
    let mut out = Vec::new();
    for (b, spec) in tree.branches.iter().enumerate() {
        let list = by_org.remove(&spec.org).unwrap_or_default();
        let mut branch = view(rng, &tree.orgs, spec, records[b], list, members);
        let len = records[b].spell_months(rng);
        if spec.profile == Profile::TooFewFull {
            // The branch the checks flag for a 联合党支部 has let its organisation life lapse
            // for the last five to seven months, this quarter included.
            branch.spell = Some((w.last_month().add_months(1 - len), w.last_month()));
            branch.lapsed = true;
        } else if len > 0 {
            // Over before this month, so the calendar shows it as missing.
            let latest = w.last_month().add_months(-len).months_since(w.first_month()).max(0);
            let start = w.first_month().add_months(rng.i64(0..=latest));
            branch.spell = Some((start, start.add_months(len - 1)));
        }
        let mut planned = Vec::new();
        planned.extend(regular(rng, &branch, members, w));
        planned.extend(decisions(rng, &branch, members, w));
        planned.sort_by_key(|m| (m.held_on, m.kind));
        out.extend(planned);
    }
    out
}

fn view<'a>(
    rng: &mut Rng,
    orgs: &'a [OrgPlan],
    spec: &BranchPlan,
    records: Records,
    list: Vec<usize>,
    members: &[MemberPlan],
) -> Branch<'a> {
    let mut committee: Vec<(usize, &'static str)> =
        list.iter().filter_map(|&i| members[i].committee_post.map(|p| (i, p))).collect();
    committee.sort_by_key(|&(i, p)| (p != "书记", i));
    let senior = |pool: &[usize]| {
        pool.iter()
            .copied()
            .filter(|&i| members[i].person.stage == Stage::Full)
            .min_by_key(|&i| (members[i].person.steps.first().map(|s| s.1), i))
    };
    let secretary = match committee.first() {
        Some(&(i, "书记")) => Some(i),
        _ => senior(&list),
    };
    let groups = spec
        .groups
        .iter()
        .map(|&g| (g, orgs[g].name.as_str(), list.iter().copied().filter(|&i| members[i].group == Some(g)).collect()))
        .collect();
    let room = if spec.profile == Profile::Retired {
        pick(rng, &["老干部活动中心", "老干部活动室", "离退休干部党员活动室"])
    } else {
        pick(rng, &["机关会议室", "党员活动室", "三楼会议室", "五楼党员活动室", "二楼小会议室", "党建活动中心"])
    };
    Branch {
        org: spec.org,
        name: orgs[spec.org].name.as_str(),
        profile: spec.profile,
        records,
        members: list,
        groups,
        committee,
        secretary,
        party_day: rng.u8(5..=25),
        room,
        spell: None,
        lapsed: false,
    }
}

/// The calendar periods of `freq` that overlap the window, clipped to it: (first day,
/// last day) of each.
fn periods(freq: Frequency, w: Window) -> Vec<(Date, Date)> {
    let months = i64::from(freq.months());
    let first = w.first_month();
    let offset = i64::from((first.month_number() - 1) % freq.months());
    let mut start = first.add_months(-offset);
    let mut out = Vec::new();
    while start.first_day() <= w.today {
        let end = start.add_months(months - 1).last_day();
        out.push((start.first_day().max(w.first), end));
        start = start.add_months(months);
    }
    out
}

/// Moves a weekend day to the nearest weekday inside `lo..=hi` (if there is one).
fn weekday(d: Date, lo: Date, hi: Date) -> Date {
    let tries: &[i64] = match d.weekday() {
        Weekday::Saturday => &[-1, 2],
        Weekday::Sunday => &[1, -2],
        _ => return d,
    };
    tries.iter().map(|&n| d + Duration::days(n)).find(|x| (lo..=hi).contains(x)).unwrap_or(d)
}

/// The planned day of a kind's meeting in the period `lo..=hi`.
fn planned_day(rng: &mut Rng, b: &Branch, kind: MeetingKind, lo: Date, hi: Date) -> Date {
    let in_month = |rng: &mut Rng, from: u8, to: u8| {
        let ym = YearMonth::of(hi);
        let last = ym.last_day().day();
        let day = rng.u8(from.min(last)..=to.min(last));
        ym.first_day() + Duration::days(i64::from(day) - 1)
    };
    let d = match kind {
        MeetingKind::CommitteeMeeting => in_month(rng, 1, 10),
        MeetingKind::ThemedPartyDay => in_month(rng, b.party_day, b.party_day),
        MeetingKind::GroupMeeting => in_month(rng, 10, 25),
        MeetingKind::OrganisationLifeMeeting | MeetingKind::DemocraticAppraisal => in_month(rng, 10, 28),
        MeetingKind::HeartToHeartTalk => in_month(rng, 1, 9),
        _ => day_in(rng, lo, hi - Duration::days(3)),
    };
    weekday(d.clamp(lo, hi), lo, hi)
}

/// The kinds a branch owes, with the group each 党小组会 is for.
fn owed(b: &Branch) -> Vec<(MeetingKind, Option<usize>)> {
    let mut out = Vec::new();
    for kind in MeetingKind::ALL {
        match kind {
            MeetingKind::CommitteeMeeting if b.committee.is_empty() => {}
            MeetingKind::GroupMeeting => out.extend((0..b.groups.len()).map(|g| (kind, Some(g)))),
            _ => out.push((kind, None)),
        }
    }
    out
}

/// The meetings of the default calendar that the branch held.
fn regular(rng: &mut Rng, b: &Branch, members: &[MemberPlan], w: Window) -> Vec<MeetingPlan> {
    let mut out = Vec::new();
    for (kind, group) in owed(b) {
        let freq = kind.default_frequency();
        for (lo, hi) in periods(freq, w) {
            let day = planned_day(rng, b, kind, lo, hi);
            let slack = b.in_spell(day);
            let missed = rng.u32(0..1000) < if slack { 900 } else { b.records.miss_per_mille(freq) };
            let missed = missed || (slack && b.lapsed);
            if missed || day > w.today {
                continue;
            }
            let short = matches!(kind, MeetingKind::BranchGeneralMeeting | MeetingKind::CommitteeMeeting)
                && rng.u32(0..1000) < b.records.short_per_mille();
            let agenda = agenda(rng, b, kind, group, day);
            let turnout = if short { Turnout::Short } else { Turnout::Usual };
            let m = meeting(rng, b, members, kind, group, day, agenda.clone(), turnout);
            let again = day + Duration::days(rng.i64(7..=14));
            let reconvene = m.quorum_met == Some(false) && again <= hi.min(w.today) && rng.u32(0..10) < 7;
            if m.attendance.is_empty() {
                continue; // no party members yet on that day
            }
            out.push(m);
            if reconvene {
                let again = weekday(again, lo, hi.min(w.today));
                let agenda = Agenda { topic: format!("{}（重新召开）", agenda.topic), ..agenda };
                out.push(meeting(rng, b, members, kind, group, again, agenda, Turnout::Quorate));
            }
        }
    }
    out
}

/// The 支部党员大会 that admitted members or made them 正式党员 in the window.
fn decisions(rng: &mut Rng, b: &Branch, members: &[MemberPlan], w: Window) -> Vec<MeetingPlan> {
    let mut by_day: BTreeMap<Date, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for &i in &b.members {
        for &(step, on) in &members[i].person.steps {
            if on < w.first || on > w.today {
                continue;
            }
            let name = members[i].person.name.as_str();
            match step {
                Step::Admit => by_day.entry(on).or_default().0.push(name),
                Step::ConfirmFull => by_day.entry(on).or_default().1.push(name),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (day, (admitted, confirmed)) in by_day {
        if b.lapsed && b.in_spell(day) {
            continue; // not recorded
        }
        let (mut topics, mut decided) = (Vec::new(), Vec::new());
        if !admitted.is_empty() {
            let names = admitted.join("、");
            topics.push(format!("讨论接收{names}同志为中共预备党员"));
            decided.push(format!("同意接收{names}同志为中共预备党员"));
        }
        if !confirmed.is_empty() {
            let names = confirmed.join("、");
            topics.push(format!("讨论{names}同志预备党员转正"));
            decided.push(format!("同意{names}同志按期转为中共正式党员"));
        }
        let agenda = Agenda { topic: topics.join("；"), matter: decided.join("；"), decision: true };
        let kind = MeetingKind::BranchGeneralMeeting;
        let m = meeting(rng, b, members, kind, None, day, agenda, Turnout::Quorate);
        if !m.attendance.is_empty() {
            out.push(m);
        }
    }
    out
}

/// Reasons for missing a meeting, with weights.
const REASONS_WORKING: &[(&str, u32)] = &[
    ("出差", 30),
    ("公务外出", 25),
    ("病假", 12),
    ("年休假", 10),
    ("事假", 8),
    ("外出学习培训", 8),
    ("驻村帮扶", 4),
    ("参加上级会议", 3),
];
const REASONS_RETIRED: &[(&str, u32)] =
    &[("身体原因", 30), ("外出探亲", 20), ("异地居住", 20), ("住院治疗", 15), ("病假", 15)];

fn weighted(rng: &mut Rng, pool: &[(&'static str, u32)]) -> &'static str {
    let total: u32 = pool.iter().map(|p| p.1).sum();
    let mut r = rng.u32(0..total);
    for &(item, w) in pool {
        if r < w {
            return item;
        }
        r -= w;
    }
    pool[0].0
}

/// What the sign-in of a meeting with a quorum is drawn to give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turnout {
    /// A few absent at random (which in a small branch may still fall short).
    Usual,
    /// At most half sign in: no quorum.
    Short,
    /// The quorum is reached (a decision was taken, or the meeting was called again).
    Quorate,
}

/// One meeting with its sign-in.
#[allow(clippy::too_many_arguments)]
fn meeting(
    rng: &mut Rng,
    b: &Branch,
    members: &[MemberPlan],
    kind: MeetingKind,
    group: Option<usize>,
    day: Date,
    agenda: Agenda,
    turnout: Turnout,
) -> MeetingPlan {
    let short = turnout == Turnout::Short;
    // Who is expected, with their standing (true: 正式).
    let expected: Vec<(usize, bool)> = match kind {
        MeetingKind::CommitteeMeeting => b.committee.iter().map(|&(i, _)| (i, true)).collect(),
        MeetingKind::GroupMeeting => {
            let g = &b.groups[group.unwrap_or(0)].2;
            g.iter().filter_map(|&i| standing_on(&members[i], day).map(|s| (i, s))).collect()
        }
        _ => b.members.iter().filter_map(|&i| standing_on(&members[i], day).map(|s| (i, s))).collect(),
    };
    let host = host(rng, b, members, kind, group, &expected);
    let retired = b.profile == Profile::Retired;
    let away_per_mille = if retired { 110 } else { 55 };
    let mut absent: Vec<bool> =
        expected.iter().map(|&(i, _)| Some(i) != host && rng.u32(0..1000) < away_per_mille).collect();
    if short {
        // At most half of each standing signs in (the host among them).
        for standing in [true, false] {
            let idx: Vec<usize> = (0..expected.len()).filter(|&k| expected[k].1 == standing).collect();
            let mut present: Vec<usize> = idx.iter().copied().filter(|&k| !absent[k]).collect();
            rng.shuffle(&mut present);
            let mut here = present.len();
            for k in present {
                if here * 2 <= idx.len() {
                    break;
                }
                if Some(expected[k].0) != host {
                    absent[k] = true;
                    here -= 1;
                }
            }
        }
    }
    let quorum = |absent: &[bool], rule: QuorumRule| {
        let mut a = Attendance::default();
        for (k, &(_, full)) in expected.iter().enumerate() {
            let here = u32::from(!absent[k]);
            if full {
                a.full_entitled += 1;
                a.full_present += here;
            } else {
                a.probationary_entitled += 1;
                a.probationary_present += here;
            }
        }
        a.quorate(rule)
    };
    let quorum_met = match kind {
        MeetingKind::BranchGeneralMeeting => {
            // Counted with and without 预备党员 the answer should agree; where it does not,
            // one more member of the short side signs in.
            loop {
                let voting = quorum(&absent, QuorumRule::Resolution);
                let all = quorum(&absent, QuorumRule::ORDINARY);
                if voting == all {
                    break Some(voting);
                }
                let Some(k) = (0..expected.len()).find(|&k| absent[k] && expected[k].1 != voting) else {
                    break Some(voting);
                };
                absent[k] = false;
            }
        }
        MeetingKind::CommitteeMeeting => {
            Some(quorum_met(expected.len() as u32, absent.iter().filter(|a| !**a).count() as u32))
        }
        _ => None,
    };
    let quorum_met = if turnout == Turnout::Quorate && quorum_met == Some(false) {
        absent.iter_mut().for_each(|a| *a = false);
        Some(true)
    } else {
        quorum_met
    };
    let reasons = if retired { REASONS_RETIRED } else { REASONS_WORKING };
    let attendance: Vec<(usize, Option<&'static str>)> = expected
        .iter()
        .zip(&absent)
        .map(|(&(i, _), &away)| {
            let reason = if !away {
                None
            } else if members[i].person.category == Category::Student {
                Some("返校学习")
            } else if short && !retired && rng.bool() {
                Some("参加全市专项工作")
            } else {
                Some(weighted(rng, reasons))
            };
            (i, reason)
        })
        .collect();
    let host_name = host.map(|i| members[i].person.name.clone()).unwrap_or_default();
    let place = place(rng, b, kind);
    let minutes = minutes(rng, b, members, kind, group, &place, &host_name, &agenda, &attendance, quorum_met);
    MeetingPlan {
        org: b.org,
        kind,
        held_on: day,
        place,
        host: host_name,
        host_member: host,
        topic: agenda.topic,
        minutes,
        quorum_met,
        attendance,
    }
}

/// Who chairs (or, for a 党课, gives) the meeting; always one of those expected when
/// they are known.
fn host(
    rng: &mut Rng,
    b: &Branch,
    members: &[MemberPlan],
    kind: MeetingKind,
    group: Option<usize>,
    expected: &[(usize, bool)],
) -> Option<usize> {
    let expected_full = |i: usize| expected.iter().any(|&(e, full)| e == i && full);
    let chair = || b.secretary.filter(|&s| expected_full(s)).or_else(|| expected.iter().find(|e| e.1).map(|e| e.0));
    match kind {
        MeetingKind::GroupMeeting => {
            // The 党小组长: the longest-standing 正式党员 of the group who is not the 书记.
            let g = &b.groups[group.unwrap_or(0)].2;
            g.iter()
                .copied()
                .filter(|&i| expected_full(i) && Some(i) != b.secretary)
                .min_by_key(|&i| (members[i].person.steps.first().map(|s| s.1), i))
                .or_else(|| g.iter().copied().find(|&i| expected_full(i)))
        }
        MeetingKind::PartyLecture | MeetingKind::ThemedPartyDay if b.committee.len() > 1 && rng.u32(0..4) == 0 => {
            // Another 委员 leads this time.
            let other = b.committee[rng.usize(1..b.committee.len())].0;
            Some(other).filter(|&o| expected_full(o)).or_else(chair)
        }
        _ => chair(),
    }
}

fn place(rng: &mut Rng, b: &Branch, kind: MeetingKind) -> String {
    if b.records == Records::Poor && rng.u32(0..3) == 0 {
        return String::new();
    }
    let outside = kind == MeetingKind::ThemedPartyDay && b.profile != Profile::Retired && rng.u32(0..10) < 4;
    if outside { pick(rng, words::PLACES).to_string() } else { b.room.to_string() }
}

/// Chinese numerals for months and quarters.
const MONTHS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

/// What a meeting is about: the topic as recorded, and the matter itself as the minutes
/// name it.
#[derive(Debug, Clone)]
struct Agenda {
    topic: String,
    matter: String,
    /// A 支部党员大会 that votes on admissions or 转正 (`matter` is the decision).
    decision: bool,
}

impl Agenda {
    fn new(topic: String, matter: impl Into<String>) -> Agenda {
        Agenda { topic, matter: matter.into(), decision: false }
    }
}

fn agenda(rng: &mut Rng, b: &Branch, kind: MeetingKind, group: Option<usize>, day: Date) -> Agenda {
    let theme = words::TOPICS[rng.usize(..words::TOPICS.len())].0;
    let month = MONTHS[usize::from(u8::from(day.month())) - 1];
    let quarter = MONTHS[usize::from(YearMonth::of(day).quarter()) - 1];
    let year = day.year();
    match kind {
        MeetingKind::BranchGeneralMeeting => match rng.u32(0..4) {
            0 => Agenda::new(format!("第{quarter}季度支部党员大会：学习传达上级关于{theme}的部署要求"), theme),
            1 => Agenda::new(format!("传达学习上级会议精神，研究部署{theme}"), theme),
            2 => Agenda::new(format!("通报第{quarter}季度支部工作情况，部署{theme}"), theme),
            _ => Agenda::new(format!("{theme}专题学习"), theme),
        },
        MeetingKind::CommitteeMeeting => {
            let matter = match rng.u32(0..4) {
                0 => format!("{month}月份支部工作安排"),
                1 => format!("推进{theme}的具体措施"),
                2 => format!("{month}月主题党日活动方案和党费收缴情况"),
                _ => format!("{theme}工作推进情况"),
            };
            Agenda::new(format!("研究{matter}"), matter)
        }
        MeetingKind::GroupMeeting => {
            let g = group.map(|g| b.groups[g].1).unwrap_or("党小组");
            Agenda::new(format!("{g}{month}月学习：{theme}"), theme)
        }
        MeetingKind::PartyLecture => match rng.u32(0..3) {
            0 => Agenda::new(format!("专题党课：{theme}"), theme),
            1 => {
                let quoted = pick(rng, words::QUOTED_THEMES);
                Agenda::new(format!("书记讲党课：“{quoted}”"), format!("“{quoted}”"))
            }
            _ => Agenda::new(format!("第{quarter}季度党课：深入推进{theme}"), theme),
        },
        MeetingKind::ThemedPartyDay => {
            let quoted = pick(rng, words::QUOTED_THEMES);
            Agenda::new(format!("{month}月主题党日：“{quoted}”"), format!("“{quoted}”"))
        }
        MeetingKind::OrganisationLifeMeeting => Agenda::new(format!("{year}年度组织生活会"), ""),
        MeetingKind::DemocraticAppraisal => Agenda::new(format!("{year}年度民主评议党员"), ""),
        MeetingKind::HeartToHeartTalk => Agenda::new(format!("{year}年度组织生活会会前谈心谈话"), ""),
    }
}

/// Short minutes: who met where, the sign-in, and two sentences on the matter.
#[allow(clippy::too_many_arguments)]
fn minutes(
    rng: &mut Rng,
    b: &Branch,
    members: &[MemberPlan],
    kind: MeetingKind,
    group: Option<usize>,
    place: &str,
    host: &str,
    agenda: &Agenda,
    attendance: &[(usize, Option<&'static str>)],
    quorum: Option<bool>,
) -> String {
    if b.records == Records::Poor && rng.bool() {
        return if rng.bool() { String::new() } else { "略".to_string() };
    }
    let expected = attendance.len();
    let here = attendance.iter().filter(|a| a.1.is_none()).count();
    let at = if place.is_empty() { String::new() } else { format!("在{place}") };
    let who = match kind {
        MeetingKind::GroupMeeting => group.map(|g| b.groups[g].1).unwrap_or("党小组"),
        _ => b.name,
    };
    let mut s = String::with_capacity(400);
    s.push_str(&match kind {
        MeetingKind::PartyLecture => format!("{who}{at}组织党课，{host}讲授。"),
        MeetingKind::ThemedPartyDay => format!("{who}{at}开展主题党日活动，{host}主持。"),
        MeetingKind::GroupMeeting => format!("{who}{at}召开党小组会，党小组长{host}主持。"),
        MeetingKind::DemocraticAppraisal => format!("{who}{at}召开党员大会开展民主评议党员，{host}主持。"),
        MeetingKind::HeartToHeartTalk => format!("{who}{at}集中开展谈心谈话，{host}牵头。"),
        _ => format!("{who}{at}召开{}，{host}主持。", kind.name()),
    });
    s.push_str(&format!("应到{expected}人，实到{here}人"));
    let away: Vec<String> =
        attendance.iter().filter_map(|&(i, r)| r.map(|r| format!("{}（{r}）", members[i].person.name))).collect();
    if !away.is_empty() {
        s.push_str(&format!("，请假：{}", away.join("、")));
    }
    s.push('。');
    if quorum == Some(false) {
        s.push_str("到会人数未超过应到会人数的半数，会议不作决定，议题改期研究。");
        return s;
    }
    let matter = &agenda.matter;
    let practice = pick(rng, words::PRACTICES);
    let goal = pick(rng, words::GOALS);
    let effect = pick(rng, words::EFFECTS);
    let body = match kind {
        MeetingKind::BranchGeneralMeeting if agenda.decision => {
            format!("会议听取了支委会的审查情况报告，与会正式党员充分讨论后进行表决，{matter}。")
        }
        MeetingKind::BranchGeneralMeeting => {
            format!("会议传达学习了上级关于{matter}的部署要求，与会党员逐一交流发言。会议强调，要{goal}。")
        }
        MeetingKind::CommitteeMeeting => format!("会议研究了{matter}，明确了责任分工和完成时限。会议要求，要{goal}。"),
        MeetingKind::GroupMeeting => {
            format!("党员围绕{matter}，采取{practice}的方式开展学习，结合岗位工作交流了体会。")
        }
        MeetingKind::PartyLecture => format!("党课围绕{matter}展开，{effect}。"),
        MeetingKind::ThemedPartyDay => format!("活动以{matter}为主题，采取{practice}的方式进行，{effect}。"),
        MeetingKind::OrganisationLifeMeeting => "会议通报了上年度组织生活会整改落实情况，支部班子和党员逐一进行\
             党性分析，开展批评和自我批评，明确了整改方向。"
            .to_string(),
        MeetingKind::DemocraticAppraisal => {
            "党员逐一进行个人自评，开展党员互评和民主测评，评议结果经支委会研究后报上级党组织。".to_string()
        }
        MeetingKind::HeartToHeartTalk => {
            "支部委员与党员逐一开展谈心谈话，了解思想、工作和生活情况，听取对支部工作的意见建议。".to_string()
        }
    };
    s.push_str(&body);
    s
}
