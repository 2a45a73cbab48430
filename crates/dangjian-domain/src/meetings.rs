//! 三会一课 and organisation life: the compliance calendar of a branch.
//!
//! 《中国共产党支部工作条例（试行）》§§16–22 sets how often each meeting is held:
//! 支部党员大会 usually once a quarter, 支委会 and 党小组会 usually once a month, 主题党日
//! a fixed day each month, 组织生活会 and 民主评议党员 usually once a year; the branch
//! 党课 frequency is set locally (once a quarter is common, domain-rules.md §2.3, marked local).
//! A gap — a quarter without a 党员大会, a month without a 支委会 — is the commonest
//! finding of an inspection, so the calendar marks each period as met, missing, due soon
//! or upcoming, and the frequencies are configuration with those defaults.
//!
//! Periods are calendar periods (months, quarters starting January, April, July and
//! October, half-years, years): that is how the rules and the inspectors count.

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

use crate::month::YearMonth;

/// The meetings and activities the calendar tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MeetingKind {
    /// 支部党员大会.
    BranchGeneralMeeting,
    /// 支部委员会会议.
    CommitteeMeeting,
    /// 党小组会.
    GroupMeeting,
    /// 党课.
    PartyLecture,
    /// 主题党日.
    ThemedPartyDay,
    /// 组织生活会.
    OrganisationLifeMeeting,
    /// 民主评议党员.
    DemocraticAppraisal,
    /// 谈心谈话.
    HeartToHeartTalk,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 8] = [
        MeetingKind::BranchGeneralMeeting,
        MeetingKind::CommitteeMeeting,
        MeetingKind::GroupMeeting,
        MeetingKind::PartyLecture,
        MeetingKind::ThemedPartyDay,
        MeetingKind::OrganisationLifeMeeting,
        MeetingKind::DemocraticAppraisal,
        MeetingKind::HeartToHeartTalk,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            MeetingKind::BranchGeneralMeeting => "branch_general_meeting",
            MeetingKind::CommitteeMeeting => "committee_meeting",
            MeetingKind::GroupMeeting => "group_meeting",
            MeetingKind::PartyLecture => "party_lecture",
            MeetingKind::ThemedPartyDay => "themed_party_day",
            MeetingKind::OrganisationLifeMeeting => "organisation_life_meeting",
            MeetingKind::DemocraticAppraisal => "democratic_appraisal",
            MeetingKind::HeartToHeartTalk => "heart_to_heart_talk",
        }
    }

    pub fn from_code(code: &str) -> Option<MeetingKind> {
        MeetingKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            MeetingKind::BranchGeneralMeeting => "支部党员大会",
            MeetingKind::CommitteeMeeting => "支委会",
            MeetingKind::GroupMeeting => "党小组会",
            MeetingKind::PartyLecture => "党课",
            MeetingKind::ThemedPartyDay => "主题党日",
            MeetingKind::OrganisationLifeMeeting => "组织生活会",
            MeetingKind::DemocraticAppraisal => "民主评议党员",
            MeetingKind::HeartToHeartTalk => "谈心谈话",
        }
    }

    /// The usual frequency under the 支部工作条例 (党课: the common local practice;
    /// 谈心谈话: "一般每年至少1次", counted per branch here).
    pub fn default_frequency(self) -> Frequency {
        match self {
            MeetingKind::BranchGeneralMeeting | MeetingKind::PartyLecture => Frequency::Quarterly,
            MeetingKind::CommitteeMeeting | MeetingKind::GroupMeeting | MeetingKind::ThemedPartyDay => {
                Frequency::Monthly
            }
            MeetingKind::OrganisationLifeMeeting | MeetingKind::DemocraticAppraisal | MeetingKind::HeartToHeartTalk => {
                Frequency::Yearly
            }
        }
    }
}

/// How often a meeting is due: at least once per calendar period of this length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Frequency {
    Monthly,
    Quarterly,
    HalfYearly,
    Yearly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] =
        [Frequency::Monthly, Frequency::Quarterly, Frequency::HalfYearly, Frequency::Yearly];

    /// Months per period; each divides 12, so periods line up with the year.
    pub fn months(self) -> u8 {
        match self {
            Frequency::Monthly => 1,
            Frequency::Quarterly => 3,
            Frequency::HalfYearly => 6,
            Frequency::Yearly => 12,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Quarterly => "quarterly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Yearly => "yearly",
        }
    }

    pub fn from_code(code: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Frequency::Monthly => "每月",
            Frequency::Quarterly => "每季度",
            Frequency::HalfYearly => "每半年",
            Frequency::Yearly => "每年",
        }
    }

    /// The first month of the period that contains `month`.
    fn period_start(self, month: YearMonth) -> YearMonth {
        let m = self.months();
        let offset = (month.month_number() - 1) % m;
        month.add_months(-i64::from(offset))
    }
}

/// Every tracked kind with its default frequency — the starting point of a branch's
/// (or a whole 机关工委's) configuration.
pub fn default_frequencies() -> Vec<(MeetingKind, Frequency)> {
    MeetingKind::ALL.into_iter().map(|k| (k, k.default_frequency())).collect()
}

/// The configured frequencies, from their stored form: `kind=frequency` pairs separated
/// by `;` (codes of [`MeetingKind`] and [`Frequency`]), where `none` stops tracking a kind.
/// Kinds the text does not mention keep their default, so an empty text is the default
/// and a kind added in a later release is tracked from the start. Unknown parts are
/// skipped here; [`parse_frequencies`] is the strict form used when saving.
pub fn frequencies_from(config: &str) -> Vec<(MeetingKind, Frequency)> {
    let chosen: Vec<(MeetingKind, Option<Frequency>)> = config
        .split(';')
        .filter_map(|part| {
            let (k, f) = part.split_once('=')?;
            let kind = MeetingKind::from_code(k.trim())?;
            match f.trim() {
                "none" => Some((kind, None)),
                code => Frequency::from_code(code).map(|f| (kind, Some(f))),
            }
        })
        .collect();
    MeetingKind::ALL
        .into_iter()
        .filter_map(|k| match chosen.iter().find(|(c, _)| *c == k) {
            Some((_, f)) => f.map(|f| (k, f)),
            None => Some((k, k.default_frequency())),
        })
        .collect()
}

/// Checks and normalises a configuration as [`frequencies_from`] reads it: every part
/// must name a known kind and a known frequency (or `none`), each kind at most once.
pub fn parse_frequencies(config: &str) -> Result<String, String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for part in config.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((k, f)) = part.split_once('=') else { return Err(format!("“{part}”应写成 类型=频次")) };
        let kind = MeetingKind::from_code(k.trim()).ok_or_else(|| format!("未知的会议类型“{}”", k.trim()))?;
        let f = f.trim();
        if f != "none" && Frequency::from_code(f).is_none() {
            return Err(format!("未知的频次“{f}”"));
        }
        if seen.contains(&kind) {
            return Err(format!("{}设置了两次", kind.name()));
        }
        seen.push(kind);
        out.push(format!("{}={f}", kind.code()));
    }
    Ok(out.join(";"))
}

/// Where one period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// At least one meeting was held in the period.
    Met,
    /// The period is over and nothing was held.
    Missing,
    /// The period is running, nothing is held yet, and it ends within the window.
    DueSoon,
    /// The period is running with time to spare, or has not started.
    Upcoming,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Met => "已完成",
            Status::Missing => "未开展",
            Status::DueSoon => "即将到期",
            Status::Upcoming => "待开展",
        }
    }
}

/// One period of one kind of meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodStatus {
    pub kind: MeetingKind,
    pub period_start: Date,
    pub period_end: Date,
    pub status: Status,
    /// The dates of the meetings held in the period, ascending.
    pub meetings: Vec<Date>,
}

/// The compliance calendar: for each kind in `kind_freqs` (in that order; a kind listed
/// twice counts once, with its first frequency) every calendar period that overlaps
/// `from..=to`, with its status as of `today`. Periods keep their full calendar bounds
/// even where `from` or `to` cut through them, so a meeting early in a quarter still
/// counts when `from` is mid-quarter. `held` lists every meeting held; those of other
/// kinds or outside the periods are ignored. A period is [`Status::DueSoon`] when it
/// contains `today`, has no meeting yet, and ends within `due_soon_days` days (0: only on
/// its last day).
pub fn calendar(
    kind_freqs: &[(MeetingKind, Frequency)],
    held: &[(MeetingKind, Date)],
    from: Date,
    to: Date,
    today: Date,
    due_soon_days: u32,
) -> Vec<PeriodStatus> {
    let mut out = Vec::new();
    if from > to {
        return out;
    }
    let mut seen = Vec::new();
    for &(kind, freq) in kind_freqs {
        if seen.contains(&kind) {
            continue;
        }
        seen.push(kind);
        let mut dates: Vec<Date> = held.iter().filter(|(k, _)| *k == kind).map(|&(_, d)| d).collect();
        dates.sort();
        let mut start = freq.period_start(YearMonth::of(from));
        loop {
            let period_start = start.first_day();
            if period_start > to {
                break;
            }
            let period_end = start.add_months(i64::from(freq.months()) - 1).last_day();
            let meetings: Vec<Date> =
                dates.iter().copied().filter(|d| (period_start..=period_end).contains(d)).collect();
            let status = if !meetings.is_empty() {
                Status::Met
            } else if period_end < today {
                Status::Missing
            } else if period_start <= today && (period_end - today).whole_days() <= i64::from(due_soon_days) {
                Status::DueSoon
            } else {
                Status::Upcoming
            };
            out.push(PeriodStatus { kind, period_start, period_end, status, meetings });
            let next = start.add_months(i64::from(freq.months()));
            if next == start {
                break; // the end of the supported calendar
            }
            start = next;
        }
    }
    out
}

/// Met periods over the periods that are decided — met, or over without a meeting.
/// Periods still open and unmet are not counted yet, so a branch is not marked down for a
/// month that has not ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ComplianceRate {
    pub met: u32,
    pub counted: u32,
}

impl ComplianceRate {
    /// The rate in percent, 四舍五入 to one decimal place (83.3); `None` when nothing is
    /// counted yet.
    pub fn percent(self) -> Option<Decimal> {
        if self.counted == 0 {
            return None;
        }
        let rate = Decimal::from(self.met) * Decimal::ONE_HUNDRED / Decimal::from(self.counted);
        let mut rounded = rate.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
        rounded.rescale(1);
        Some(rounded)
    }
}

/// The compliance rate over all the periods given.
pub fn compliance_rate(periods: &[PeriodStatus]) -> ComplianceRate {
    let met = periods.iter().filter(|p| p.status == Status::Met).count();
    let missing = periods.iter().filter(|p| p.status == Status::Missing).count();
    ComplianceRate { met: met as u32, counted: (met + missing) as u32 }
}

/// The compliance rate of each kind, in the order the kinds first appear.
pub fn compliance_by_kind(periods: &[PeriodStatus]) -> Vec<(MeetingKind, ComplianceRate)> {
    let mut kinds: Vec<MeetingKind> = Vec::new();
    for p in periods {
        if !kinds.contains(&p.kind) {
            kinds.push(p.kind);
        }
    }
    kinds
        .into_iter()
        .map(|k| {
            let of_kind: Vec<PeriodStatus> = periods.iter().filter(|p| p.kind == k).cloned().collect();
            (k, compliance_rate(&of_kind))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn only(kind: MeetingKind, freq: Frequency) -> Vec<(MeetingKind, Frequency)> {
        vec![(kind, freq)]
    }

    fn statuses(periods: &[PeriodStatus]) -> Vec<Status> {
        periods.iter().map(|p| p.status).collect()
    }

    const GENERAL: MeetingKind = MeetingKind::BranchGeneralMeeting;
    const COMMITTEE: MeetingKind = MeetingKind::CommitteeMeeting;

    #[test]
    fn defaults_follow_the_branch_work_regulations() {
        let d = default_frequencies();
        assert_eq!(d.len(), 8);
        let freq = |k| d.iter().find(|(kind, _)| *kind == k).unwrap().1;
        assert_eq!(freq(GENERAL), Frequency::Quarterly);
        assert_eq!(freq(COMMITTEE), Frequency::Monthly);
        assert_eq!(freq(MeetingKind::GroupMeeting), Frequency::Monthly);
        assert_eq!(freq(MeetingKind::PartyLecture), Frequency::Quarterly);
        assert_eq!(freq(MeetingKind::ThemedPartyDay), Frequency::Monthly);
        assert_eq!(freq(MeetingKind::OrganisationLifeMeeting), Frequency::Yearly);
        assert_eq!(freq(MeetingKind::DemocraticAppraisal), Frequency::Yearly);
    }

    #[test]
    fn quarter_boundaries() {
        let held = [(GENERAL, date!(2024 - 03 - 31)), (GENERAL, date!(2024 - 07 - 01))];
        let cal = calendar(
            &only(GENERAL, Frequency::Quarterly),
            &held,
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31),
            date!(2025 - 01 - 10),
            15,
        );
        let bounds: Vec<_> = cal.iter().map(|p| (p.period_start, p.period_end)).collect();
        assert_eq!(
            bounds,
            vec![
                (date!(2024 - 01 - 01), date!(2024 - 03 - 31)),
                (date!(2024 - 04 - 01), date!(2024 - 06 - 30)),
                (date!(2024 - 07 - 01), date!(2024 - 09 - 30)),
                (date!(2024 - 10 - 01), date!(2024 - 12 - 31)),
            ]
        );
        assert_eq!(statuses(&cal), vec![Status::Met, Status::Missing, Status::Met, Status::Missing]);
        assert_eq!(cal[0].meetings, vec![date!(2024 - 03 - 31)]);
        assert_eq!(cal[2].meetings, vec![date!(2024 - 07 - 01)]);
    }

    #[test]
    fn a_meeting_on_the_last_day_of_the_period_counts() {
        let held = [(COMMITTEE, date!(2024 - 02 - 29))];
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &held,
            date!(2024 - 02 - 01),
            date!(2024 - 03 - 31),
            date!(2024 - 04 - 02),
            5,
        );
        assert_eq!(cal[0].period_end, date!(2024 - 02 - 29));
        assert_eq!(statuses(&cal), vec![Status::Met, Status::Missing]);
        // Held on the last day, and that day is today.
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &held,
            date!(2024 - 02 - 01),
            date!(2024 - 02 - 29),
            date!(2024 - 02 - 29),
            5,
        );
        assert_eq!(statuses(&cal), vec![Status::Met]);
    }

    #[test]
    fn a_year_with_gaps() {
        // 支委会 every month of 2023 except March and August; two in June.
        let mut held: Vec<_> = (1..=12u8)
            .filter(|m| *m != 3 && *m != 8)
            .map(|m| (COMMITTEE, YearMonth::new(2023, m).unwrap().first_day().replace_day(12).unwrap()))
            .collect();
        held.push((COMMITTEE, date!(2023 - 06 - 28)));
        held.push((GENERAL, date!(2023 - 03 - 15)));
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &held,
            date!(2023 - 01 - 01),
            date!(2023 - 12 - 31),
            date!(2024 - 01 - 15),
            7,
        );
        assert_eq!(cal.len(), 12);
        let missing: Vec<_> = cal.iter().filter(|p| p.status == Status::Missing).map(|p| p.period_start).collect();
        assert_eq!(missing, vec![date!(2023 - 03 - 01), date!(2023 - 08 - 01)]);
        assert_eq!(cal[5].meetings, vec![date!(2023 - 06 - 12), date!(2023 - 06 - 28)]);
        let rate = compliance_rate(&cal);
        assert_eq!(rate, ComplianceRate { met: 10, counted: 12 });
        assert_eq!(rate.percent().unwrap().to_string(), "83.3");
    }

    #[test]
    fn due_soon_window() {
        let kinds = vec![(COMMITTEE, Frequency::Monthly), (GENERAL, Frequency::Quarterly)];
        let from = date!(2024 - 05 - 01);
        let to = date!(2024 - 07 - 31);
        // 10 days before the end of June (and of Q2).
        let cal = calendar(&kinds, &[], from, to, date!(2024 - 06 - 20), 10);
        assert_eq!(
            statuses(&cal),
            vec![
                Status::Missing,  // May
                Status::DueSoon,  // June: 10 days left
                Status::Upcoming, // July: not started
                Status::DueSoon,  // Q2
                Status::Upcoming, // Q3
            ]
        );
        // 11 days before: not yet.
        let cal = calendar(&kinds, &[], from, to, date!(2024 - 06 - 19), 10);
        assert_eq!(
            statuses(&cal),
            vec![Status::Missing, Status::Upcoming, Status::Upcoming, Status::Upcoming, Status::Upcoming]
        );
        // A window of 0 days flags only the last day.
        let cal = calendar(&only(COMMITTEE, Frequency::Monthly), &[], from, from, date!(2024 - 05 - 31), 0);
        assert_eq!(statuses(&cal), vec![Status::DueSoon]);
        let cal = calendar(&only(COMMITTEE, Frequency::Monthly), &[], from, from, date!(2024 - 05 - 30), 0);
        assert_eq!(statuses(&cal), vec![Status::Upcoming]);
        // A meeting already held beats due soon.
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &[(COMMITTEE, date!(2024 - 05 - 03))],
            from,
            from,
            date!(2024 - 05 - 30),
            10,
        );
        assert_eq!(statuses(&cal), vec![Status::Met]);
    }

    #[test]
    fn range_starting_mid_period_keeps_the_whole_period() {
        let held = [(GENERAL, date!(2024 - 01 - 10))];
        let cal = calendar(
            &only(GENERAL, Frequency::Quarterly),
            &held,
            date!(2024 - 02 - 15),
            date!(2024 - 04 - 01),
            date!(2024 - 08 - 01),
            10,
        );
        assert_eq!(cal.len(), 2);
        assert_eq!(cal[0].period_start, date!(2024 - 01 - 01));
        assert_eq!(cal[0].status, Status::Met);
        assert_eq!(cal[1].period_end, date!(2024 - 06 - 30));
        assert_eq!(cal[1].status, Status::Missing);
    }

    #[test]
    fn yearly_and_half_yearly_periods() {
        let kinds = vec![
            (MeetingKind::OrganisationLifeMeeting, Frequency::Yearly),
            (MeetingKind::PartyLecture, Frequency::HalfYearly),
        ];
        let held = [
            (MeetingKind::OrganisationLifeMeeting, date!(2023 - 12 - 28)),
            (MeetingKind::PartyLecture, date!(2023 - 07 - 01)),
        ];
        let cal = calendar(&kinds, &held, date!(2023 - 05 - 01), date!(2024 - 03 - 01), date!(2024 - 03 - 01), 30);
        let summary: Vec<_> = cal.iter().map(|p| (p.kind, p.period_start, p.period_end, p.status)).collect();
        use MeetingKind::*;
        assert_eq!(
            summary,
            vec![
                (OrganisationLifeMeeting, date!(2023 - 01 - 01), date!(2023 - 12 - 31), Status::Met),
                (OrganisationLifeMeeting, date!(2024 - 01 - 01), date!(2024 - 12 - 31), Status::Upcoming),
                (PartyLecture, date!(2023 - 01 - 01), date!(2023 - 06 - 30), Status::Missing),
                (PartyLecture, date!(2023 - 07 - 01), date!(2023 - 12 - 31), Status::Met),
                (PartyLecture, date!(2024 - 01 - 01), date!(2024 - 06 - 30), Status::Upcoming),
            ]
        );
    }

    #[test]
    fn meetings_of_other_kinds_do_not_count_and_duplicates_are_ignored() {
        let kinds = vec![(COMMITTEE, Frequency::Monthly), (COMMITTEE, Frequency::Yearly)];
        let held = [(GENERAL, date!(2024 - 01 - 10)), (MeetingKind::GroupMeeting, date!(2024 - 01 - 11))];
        let cal = calendar(&kinds, &held, date!(2024 - 01 - 01), date!(2024 - 01 - 31), date!(2024 - 02 - 01), 5);
        assert_eq!(cal.len(), 1);
        assert_eq!(cal[0].status, Status::Missing);
    }

    #[test]
    fn empty_or_reversed_ranges() {
        assert!(
            calendar(
                &default_frequencies(),
                &[],
                date!(2024 - 02 - 01),
                date!(2024 - 01 - 31),
                date!(2024 - 01 - 01),
                5
            )
            .is_empty()
        );
        assert!(calendar(&[], &[], date!(2024 - 01 - 01), date!(2024 - 12 - 31), date!(2024 - 01 - 01), 5).is_empty());
        let one_day = calendar(
            &default_frequencies(),
            &[],
            date!(2024 - 05 - 05),
            date!(2024 - 05 - 05),
            date!(2024 - 01 - 01),
            5,
        );
        assert_eq!(one_day.len(), 8);
        assert!(one_day.iter().all(|p| p.status == Status::Upcoming));
    }

    #[test]
    fn compliance_ignores_open_periods() {
        let held = [(COMMITTEE, date!(2024 - 06 - 03))];
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &held,
            date!(2024 - 04 - 01),
            date!(2024 - 08 - 31),
            date!(2024 - 07 - 10),
            5,
        );
        assert_eq!(
            statuses(&cal),
            vec![Status::Missing, Status::Missing, Status::Met, Status::Upcoming, Status::Upcoming]
        );
        assert_eq!(compliance_rate(&cal), ComplianceRate { met: 1, counted: 3 });
        assert_eq!(compliance_rate(&cal).percent().unwrap().to_string(), "33.3");
        assert_eq!(compliance_rate(&[]).percent(), None);
        assert_eq!(ComplianceRate { met: 2, counted: 3 }.percent().unwrap().to_string(), "66.7");
        assert_eq!(ComplianceRate { met: 3, counted: 3 }.percent().unwrap().to_string(), "100.0");
        // A period met early counts even while it is open.
        let cal = calendar(
            &only(COMMITTEE, Frequency::Monthly),
            &[(COMMITTEE, date!(2024 - 07 - 02))],
            date!(2024 - 07 - 01),
            date!(2024 - 07 - 31),
            date!(2024 - 07 - 10),
            5,
        );
        assert_eq!(compliance_rate(&cal), ComplianceRate { met: 1, counted: 1 });
    }

    #[test]
    fn compliance_per_kind() {
        let kinds = vec![(GENERAL, Frequency::Quarterly), (COMMITTEE, Frequency::Monthly)];
        let held = [(GENERAL, date!(2024 - 02 - 01)), (COMMITTEE, date!(2024 - 01 - 05))];
        let cal = calendar(&kinds, &held, date!(2024 - 01 - 01), date!(2024 - 03 - 31), date!(2024 - 04 - 01), 5);
        assert_eq!(
            compliance_by_kind(&cal),
            vec![(GENERAL, ComplianceRate { met: 1, counted: 1 }), (COMMITTEE, ComplianceRate { met: 1, counted: 3 }),]
        );
    }

    #[test]
    fn codes_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::from_code(k.code()), Some(k));
            assert!(!k.name().is_empty());
        }
        for f in Frequency::ALL {
            assert_eq!(Frequency::from_code(f.code()), Some(f));
            assert_eq!(12 % f.months(), 0);
        }
        assert_eq!(MeetingKind::from_code("x"), None);
        assert_eq!(Frequency::from_code("x"), None);
        assert_eq!(Status::DueSoon.name(), "即将到期");
        assert_eq!(Frequency::Quarterly.name(), "每季度");
    }

    fn any_freq() -> impl Strategy<Value = Frequency> {
        prop_oneof![
            Just(Frequency::Monthly),
            Just(Frequency::Quarterly),
            Just(Frequency::HalfYearly),
            Just(Frequency::Yearly)
        ]
    }

    fn day(n: i64) -> Date {
        date!(2020 - 01 - 01) + time::Duration::days(n)
    }

    proptest! {
        #[test]
        fn periods_tile_the_range(freq in any_freq(), a in 0i64..2000, len in 0i64..1500, t in 0i64..4000) {
            let (from, to) = (day(a), day(a + len));
            let cal = calendar(&only(COMMITTEE, freq), &[], from, to, day(t), 10);
            prop_assert!(!cal.is_empty());
            prop_assert!(cal[0].period_start <= from && from <= cal[0].period_end);
            let last = cal.last().unwrap();
            prop_assert!(last.period_start <= to && to <= last.period_end);
            for w in cal.windows(2) {
                prop_assert_eq!(w[0].period_end.next_day().unwrap(), w[1].period_start);
            }
            for p in &cal {
                prop_assert_eq!(p.period_start.day(), 1);
                prop_assert_eq!((u8::from(p.period_start.month()) - 1) % freq.months(), 0);
                let months = YearMonth::of(p.period_end).months_since(YearMonth::of(p.period_start)) + 1;
                prop_assert_eq!(months, i64::from(freq.months()));
            }
        }

        #[test]
        fn each_meeting_lands_in_exactly_one_period(
            freq in any_freq(),
            held in proptest::collection::vec(0i64..1500, 0..40),
            t in 0i64..2000,
            soon in 0u32..120,
        ) {
            let (from, to) = (day(0), day(1499));
            let today = day(t);
            let held: Vec<_> = held.into_iter().map(|n| (GENERAL, day(n))).collect();
            let cal = calendar(&only(GENERAL, freq), &held, from, to, today, soon);
            let total: usize = cal.iter().map(|p| p.meetings.len()).sum();
            prop_assert_eq!(total, held.len());
            for p in &cal {
                prop_assert_eq!(p.status == Status::Met, !p.meetings.is_empty());
                if p.status == Status::Missing {
                    prop_assert!(p.period_end < today);
                }
                if p.status == Status::DueSoon {
                    prop_assert!(p.period_start <= today && today <= p.period_end);
                    prop_assert!((p.period_end - today).whole_days() <= i64::from(soon));
                }
                if p.period_end < today {
                    prop_assert!(matches!(p.status, Status::Met | Status::Missing));
                }
            }
            let rate = compliance_rate(&cal);
            prop_assert!(rate.met <= rate.counted);
            if let Some(pct) = rate.percent() {
                prop_assert!(pct >= Decimal::ZERO && pct <= Decimal::ONE_HUNDRED);
            }
        }
    }

    #[test]
    fn configured_frequencies_override_defaults_and_can_stop_tracking() {
        assert_eq!(frequencies_from(""), default_frequencies());
        let f = frequencies_from("party_lecture=monthly;heart_to_heart_talk=none;bogus=monthly;group_meeting=weekly");
        let of = |k: MeetingKind| f.iter().find(|(x, _)| *x == k).map(|(_, f)| *f);
        assert_eq!(of(MeetingKind::PartyLecture), Some(Frequency::Monthly));
        assert_eq!(of(MeetingKind::HeartToHeartTalk), None);
        // Unknown parts fall back to the default.
        assert_eq!(of(MeetingKind::GroupMeeting), Some(Frequency::Monthly));
        assert_eq!(of(MeetingKind::BranchGeneralMeeting), Some(Frequency::Quarterly));
    }

    #[test]
    fn saving_a_configuration_is_strict() {
        assert_eq!(parse_frequencies(" party_lecture = monthly ; ").unwrap(), "party_lecture=monthly");
        assert!(parse_frequencies("party_lecture").unwrap_err().contains("类型=频次"));
        assert!(parse_frequencies("tea=monthly").unwrap_err().contains("未知的会议类型"));
        assert!(parse_frequencies("party_lecture=weekly").unwrap_err().contains("未知的频次"));
        assert!(parse_frequencies("party_lecture=monthly;party_lecture=yearly").unwrap_err().contains("两次"));
    }
}
