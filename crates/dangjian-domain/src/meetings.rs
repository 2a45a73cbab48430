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
mod tests;
