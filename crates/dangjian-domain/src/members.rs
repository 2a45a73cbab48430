//! Members: the 发展党员 path from application to full membership, the member's ID number,
//! and masking of personal data.
//!
//! The path follows 党章 §§1, 5, 7 and 《中国共产党发展党员工作细则》(2014):
//! 入党申请人 → 入党积极分子 → 发展对象 → 预备党员 → 正式党员, with 延长预备期 and
//! 取消预备党员资格 as the other outcomes of the probation. Each step carries its date, and
//! [`check_step`] tells the officer, before the step is saved, which time limits or
//! conditions it breaks — each breach names its rule in Chinese, so the officer can fix
//! the record or see what the inspection (发展党员工作检查) would find.
//!
//! Records are entered after the fact as well as live, and real files sometimes break a
//! rule for a reason the higher 党委 accepted. So a breach of a time limit or condition can
//! be overridden — but only through [`record_step`] with an [`Authorisation`] naming who
//! allowed it and why, and the saved [`StepRecord`] keeps that override for the audit.
//! Steps out of order (admitting someone who was never a 发展对象) cannot be overridden.

mod id_number;
mod masking;

use std::collections::BTreeSet;
use std::fmt;

use time::Date;

use crate::month::{add_months, add_years, age_on};

pub use id_number::{Gender, IdNumber, IdNumberError, birth_date_and_gender, fake_id_number};
pub use masking::{mask_id_number, mask_phone};

/// 党章第一条 / 细则第五条: "年满十八岁".
pub const MIN_APPLICATION_AGE: i32 = 18;
/// 细则第八条: the organisation talks with the applicant within one month.
pub const TALK_WITHIN_MONTHS: i64 = 1;
/// 细则第十三条: at least one year as 积极分子 before becoming a 发展对象.
pub const ACTIVIST_MIN_YEARS: i64 = 1;
/// 党章第七条: the probation lasts one year.
pub const PROBATION_YEARS: i64 = 1;
/// 党章第七条 and 细则: an extension is at least half a year and at most one year.
pub const EXTENSION_MIN_MONTHS: u32 = 6;
pub const EXTENSION_MAX_MONTHS: u32 = 12;
/// 党章第五条 / 细则第十四条: two 正式党员 introduce a 发展对象.
pub const INTRODUCERS: usize = 2;

/// Where a person stands on the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Applicant,
    Activist,
    Candidate,
    Probationary,
    /// A 预备党员 whose probation was extended once.
    ProbationExtended,
    Full,
    ProbationCancelled,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Applicant,
        Stage::Activist,
        Stage::Candidate,
        Stage::Probationary,
        Stage::ProbationExtended,
        Stage::Full,
        Stage::ProbationCancelled,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Stage::Applicant => "applicant",
            Stage::Activist => "activist",
            Stage::Candidate => "candidate",
            Stage::Probationary => "probationary",
            Stage::ProbationExtended => "probation_extended",
            Stage::Full => "full",
            Stage::ProbationCancelled => "probation_cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Applicant => "入党申请人",
            Stage::Activist => "入党积极分子",
            Stage::Candidate => "发展对象",
            Stage::Probationary => "预备党员",
            Stage::ProbationExtended => "预备党员（延长预备期）",
            Stage::Full => "正式党员",
            Stage::ProbationCancelled => "已取消预备党员资格",
        }
    }

    /// Whether the person is a party member (预备 or 正式) in this stage.
    pub fn is_member(self) -> bool {
        matches!(self, Stage::Probationary | Stage::ProbationExtended | Stage::Full)
    }
}

/// A dated event on the path. The date is the one the rules count from: the date the
/// application was received, the 支委会 meeting, the 支部大会, and so on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// 递交入党申请书 (received by the organisation).
    Apply,
    /// 党组织派人谈话 after the application.
    ApplicationTalk,
    /// 支委会 确定为入党积极分子.
    ConfirmActivist,
    /// 确定为发展对象 (支委会 agrees, 上级党委 备案).
    ConfirmCandidate,
    /// 支部大会 讨论接收为预备党员; the probation and dues start this day.
    Admit,
    /// 支部大会 决定延长预备期 by this many months.
    ExtendProbation { months: u32 },
    /// 支部大会 讨论转为正式党员.
    ConfirmFull,
    /// 取消预备党员资格.
    CancelProbation,
}

impl Step {
    /// The code stored in the database (an extension stores its months separately).
    pub fn code(self) -> &'static str {
        match self {
            Step::Apply => "apply",
            Step::ApplicationTalk => "application_talk",
            Step::ConfirmActivist => "confirm_activist",
            Step::ConfirmCandidate => "confirm_candidate",
            Step::Admit => "admit",
            Step::ExtendProbation { .. } => "extend_probation",
            Step::ConfirmFull => "confirm_full",
            Step::CancelProbation => "cancel_probation",
        }
    }

    /// The step for a stored code; `months` is used only by `extend_probation`.
    pub fn from_code(code: &str, months: u32) -> Option<Step> {
        Some(match code {
            "apply" => Step::Apply,
            "application_talk" => Step::ApplicationTalk,
            "confirm_activist" => Step::ConfirmActivist,
            "confirm_candidate" => Step::ConfirmCandidate,
            "admit" => Step::Admit,
            "extend_probation" => Step::ExtendProbation { months },
            "confirm_full" => Step::ConfirmFull,
            "cancel_probation" => Step::CancelProbation,
            _ => return None,
        })
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Step::Apply => "递交入党申请书",
            Step::ApplicationTalk => "党组织派人谈话",
            Step::ConfirmActivist => "确定为入党积极分子",
            Step::ConfirmCandidate => "确定为发展对象",
            Step::Admit => "接收为预备党员",
            Step::ExtendProbation { .. } => "延长预备期",
            Step::ConfirmFull => "转为正式党员",
            Step::CancelProbation => "取消预备党员资格",
        }
    }

    /// The stage this step leads to from `from` (`None` before the application), or
    /// `None` when the step is not allowed there.
    fn next_stage(self, from: Option<Stage>) -> Option<Stage> {
        use Stage::*;
        match (from, self) {
            (None, Step::Apply) => Some(Applicant),
            (Some(Applicant), Step::ApplicationTalk) => Some(Applicant),
            (Some(Applicant), Step::ConfirmActivist) => Some(Activist),
            (Some(Activist), Step::ConfirmCandidate) => Some(Candidate),
            (Some(Candidate), Step::Admit) => Some(Probationary),
            (Some(Probationary), Step::ExtendProbation { .. }) => Some(ProbationExtended),
            (Some(Probationary | ProbationExtended), Step::ConfirmFull) => Some(Full),
            (Some(Probationary | ProbationExtended), Step::CancelProbation) => Some(ProbationCancelled),
            _ => None,
        }
    }
}

/// The rules [`check_step`] applies. Each has a Chinese statement and its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    MinimumAge,
    TalkWithinOneMonth,
    TalkBeforeActivist,
    OneYearAsActivist,
    TwoFullMemberIntroducers,
    ExtensionLength,
    ExtensionAtProbationEnd,
    ProbationNotEnded,
    /// The step is not allowed in the current stage (or repeats one that happens once).
    StepOutOfOrder,
    /// The step is dated before the previous one.
    DateOrder,
    /// A fact the check needs was not given.
    MissingFact,
}

impl Rule {
    /// The code stored with an override.
    pub fn code(self) -> &'static str {
        match self {
            Rule::MinimumAge => "minimum_age",
            Rule::TalkWithinOneMonth => "talk_within_one_month",
            Rule::TalkBeforeActivist => "talk_before_activist",
            Rule::OneYearAsActivist => "one_year_as_activist",
            Rule::TwoFullMemberIntroducers => "two_full_member_introducers",
            Rule::ExtensionLength => "extension_length",
            Rule::ExtensionAtProbationEnd => "extension_at_probation_end",
            Rule::ProbationNotEnded => "probation_not_ended",
            Rule::StepOutOfOrder => "step_out_of_order",
            Rule::DateOrder => "date_order",
            Rule::MissingFact => "missing_fact",
        }
    }

    /// The rule in one Chinese sentence.
    pub fn statement(self) -> &'static str {
        match self {
            Rule::MinimumAge => "申请入党须年满十八周岁",
            Rule::TalkWithinOneMonth => "党组织收到入党申请书后，应当在一个月内派人同入党申请人谈话",
            Rule::TalkBeforeActivist => "确定入党积极分子前，党组织应已派人同入党申请人谈话",
            Rule::OneYearAsActivist => "入党积极分子经过一年以上培养教育和考察，方可列为发展对象",
            Rule::TwoFullMemberIntroducers => "发展对象应当有两名正式党员作入党介绍人",
            Rule::ExtensionLength => "延长预备期不能少于半年，最长不超过一年",
            Rule::ExtensionAtProbationEnd => "预备期满时，党支部方可讨论延长预备期",
            Rule::ProbationNotEnded => "预备党员预备期为一年，期满后方可讨论转为正式党员",
            Rule::StepOutOfOrder => "发展党员须按程序逐步进行",
            Rule::DateOrder => "各环节日期应当依次在后",
            Rule::MissingFact => "须提供核对所需的信息",
        }
    }

    /// Where the rule is written.
    pub fn citation(self) -> &'static str {
        match self {
            Rule::MinimumAge => "党章第一条；《中国共产党发展党员工作细则》第五条",
            Rule::TalkWithinOneMonth | Rule::TalkBeforeActivist => "《中国共产党发展党员工作细则》第八条",
            Rule::OneYearAsActivist => "《中国共产党发展党员工作细则》第十三条",
            Rule::TwoFullMemberIntroducers => "党章第五条；《中国共产党发展党员工作细则》第十四条",
            Rule::ExtensionLength => "党章第七条；《中国共产党发展党员工作细则》",
            Rule::ExtensionAtProbationEnd | Rule::ProbationNotEnded => "党章第七条",
            Rule::StepOutOfOrder | Rule::DateOrder | Rule::MissingFact => "《中国共产党发展党员工作细则》",
        }
    }

    /// Whether an authorised reason may override a breach. Time limits and conditions
    /// may be (a record entered late, an exception the 党委 approved); the order of the
    /// steps and the facts needed to check them may not.
    pub fn overridable(self) -> bool {
        !matches!(self, Rule::StepOutOfOrder | Rule::DateOrder | Rule::MissingFact)
    }
}

/// One rule a step breaks, with the specifics ("…未满一年（最早 2025-03-10 可列为发展对象）").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBreach {
    pub rule: Rule,
    pub message: String,
}

impl RuleBreach {
    fn new(rule: Rule, message: impl Into<String>) -> RuleBreach {
        RuleBreach { rule, message: message.into() }
    }
}

/// `{message}（{rule statement}，{citation}）`.
impl fmt::Display for RuleBreach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}。{}）", self.message, self.rule.statement(), self.rule.citation())
    }
}

/// Who allowed a step that breaks a rule, and why — e.g. the 机关党委 approving a record
/// entered from an old paper file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorisation {
    pub by: String,
    pub reason: String,
    pub on: Date,
}

/// The breaches a saved step was allowed despite, with the authorisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub authorisation: Authorisation,
    pub breaches: Vec<RuleBreach>,
}

/// A saved step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRecord {
    pub step: Step,
    pub date: Date,
    pub overridden: Option<Override>,
}

impl StepRecord {
    /// A step that broke no rule.
    pub fn new(step: Step, date: Date) -> StepRecord {
        StepRecord { step, date, overridden: None }
    }
}

/// A 入党介绍人 as the admission form names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Introducer {
    pub name: String,
    /// A 正式党员 with full rights. False for a 预备党员 and for a member under 留党察看
    /// whose rights are not restored (细则第十四条: they cannot introduce).
    pub full_member: bool,
}

/// Facts a step is checked against besides the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepFacts {
    /// Needed for [`Step::Apply`]; usually from the ID number.
    pub birth_date: Option<Date>,
    /// Needed for [`Step::Admit`].
    pub introducers: Vec<Introducer>,
}

/// The dates that matter, replayed from a history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Progress {
    /// `None` before the application.
    pub stage: Option<Stage>,
    pub applied_on: Option<Date>,
    pub talked_on: Option<Date>,
    pub activist_on: Option<Date>,
    pub candidate_on: Option<Date>,
    pub admitted_on: Option<Date>,
    pub extended_on: Option<Date>,
    pub extension_months: Option<u32>,
    pub full_on: Option<Date>,
    pub cancelled_on: Option<Date>,
    pub last_step_on: Option<Date>,
}

impl Progress {
    /// Replays a saved history. Only the order of steps and dates is checked here: time
    /// limits were checked (or overridden) when each step was saved.
    pub fn replay(history: &[StepRecord]) -> Result<Progress, RuleBreach> {
        let mut progress = Progress::default();
        for record in history {
            progress.apply(record.step, record.date)?;
        }
        Ok(progress)
    }

    /// Applies one step if its place and date in the sequence are right.
    fn apply(&mut self, step: Step, date: Date) -> Result<(), RuleBreach> {
        let stage_name = self.stage.map_or("尚未申请", Stage::name);
        let out_of_order =
            || RuleBreach::new(Rule::StepOutOfOrder, format!("当前为“{stage_name}”，不能“{}”", step.name()));
        let next = step.next_stage(self.stage).ok_or_else(out_of_order)?;
        if step == Step::ApplicationTalk && self.talked_on.is_some() {
            return Err(RuleBreach::new(Rule::StepOutOfOrder, "申请后的谈话已经记录过"));
        }
        if let Some(last) = self.last_step_on
            && date < last
        {
            return Err(RuleBreach::new(
                Rule::DateOrder,
                format!("“{}”的日期 {date} 早于上一环节的日期 {last}", step.name()),
            ));
        }
        let slot = match step {
            Step::Apply => &mut self.applied_on,
            Step::ApplicationTalk => &mut self.talked_on,
            Step::ConfirmActivist => &mut self.activist_on,
            Step::ConfirmCandidate => &mut self.candidate_on,
            Step::Admit => &mut self.admitted_on,
            Step::ExtendProbation { months } => {
                self.extension_months = Some(months);
                &mut self.extended_on
            }
            Step::ConfirmFull => &mut self.full_on,
            Step::CancelProbation => &mut self.cancelled_on,
        };
        *slot = Some(date);
        self.stage = Some(next);
        self.last_step_on = Some(date);
        Ok(())
    }

    /// The last day for the application talk, while it is still owed.
    pub fn talk_due_by(&self) -> Option<Date> {
        match (self.applied_on, self.talked_on) {
            (Some(applied), None) => Some(add_months(applied, TALK_WITHIN_MONTHS)),
            _ => None,
        }
    }

    /// The first day the 积极分子 may become a 发展对象.
    pub fn candidate_from(&self) -> Option<Date> {
        self.activist_on.map(|d| add_years(d, ACTIVIST_MIN_YEARS))
    }

    /// The day the original one-year probation ends (党章第七条: counted from the
    /// 支部大会 that admitted the member).
    pub fn probation_ends_without_extension(&self) -> Option<Date> {
        self.admitted_on.map(|d| add_years(d, PROBATION_YEARS))
    }

    /// The day the probation ends, including any extension; 转正 may be discussed from
    /// this day.
    pub fn probation_ends_on(&self) -> Option<Date> {
        let end = self.probation_ends_without_extension()?;
        Some(add_months(end, i64::from(self.extension_months.unwrap_or(0))))
    }
}

/// Checks a step against the history before it is saved. `Ok` means the step breaks no
/// rule; otherwise every breach is listed (not just the first), so the officer sees all
/// that is wrong at once.
pub fn check_step(history: &[StepRecord], step: Step, date: Date, facts: &StepFacts) -> Result<(), Vec<RuleBreach>> {
    let before = Progress::replay(history).map_err(|b| vec![b])?;
    let mut after = before.clone();
    after.apply(step, date).map_err(|b| vec![b])?;

    let mut breaches = Vec::new();
    match step {
        Step::Apply => match facts.birth_date {
            None => breaches.push(RuleBreach::new(Rule::MissingFact, "缺少申请人的出生日期，无法核对年龄")),
            Some(birth) if age_on(birth, date) < MIN_APPLICATION_AGE => breaches.push(RuleBreach::new(
                Rule::MinimumAge,
                format!(
                    "申请人出生于 {birth}，申请日期 {date} 时未满十八周岁（{} 起方可申请）",
                    eighteenth_birthday(birth)
                ),
            )),
            Some(_) => {}
        },
        Step::ApplicationTalk => {
            if let Some(due) = before.talk_due_by()
                && date > due
            {
                breaches.push(RuleBreach::new(
                    Rule::TalkWithinOneMonth,
                    format!("谈话日期 {date} 已超过申请后一个月（应不晚于 {due}）"),
                ));
            }
        }
        Step::ConfirmActivist => {
            if before.talked_on.is_none() {
                breaches.push(RuleBreach::new(Rule::TalkBeforeActivist, "尚无党组织派人同申请人谈话的记录"));
            }
        }
        Step::ConfirmCandidate => {
            if let (Some(activist), Some(from)) = (before.activist_on, before.candidate_from())
                && date < from
            {
                breaches.push(RuleBreach::new(
                    Rule::OneYearAsActivist,
                    format!("自 {activist} 确定为入党积极分子起未满一年（{from} 起方可列为发展对象）"),
                ));
            }
        }
        Step::Admit => {
            if let Some(problem) = introducer_problem(&facts.introducers) {
                breaches.push(RuleBreach::new(Rule::TwoFullMemberIntroducers, problem));
            }
        }
        Step::ExtendProbation { months } => {
            if !(EXTENSION_MIN_MONTHS..=EXTENSION_MAX_MONTHS).contains(&months) {
                breaches.push(RuleBreach::new(Rule::ExtensionLength, format!("延长预备期填写的是 {months} 个月")));
            }
            if let Some(end) = before.probation_ends_without_extension()
                && date < end
            {
                breaches.push(RuleBreach::new(
                    Rule::ExtensionAtProbationEnd,
                    format!("预备期到 {end} 期满，{date} 尚未期满"),
                ));
            }
        }
        Step::ConfirmFull => {
            if let Some(end) = before.probation_ends_on()
                && date < end
            {
                breaches.push(RuleBreach::new(
                    Rule::ProbationNotEnded,
                    format!("预备期到 {end} 期满，{date} 尚未期满，不能讨论转正"),
                ));
            }
        }
        Step::CancelProbation => {}
    }
    if breaches.is_empty() { Ok(()) } else { Err(breaches) }
}

/// The first day someone may apply. For a 02-29 birthday in a common year that is 03-01
/// (see [`age_on`]); `add_years` alone would say 02-28.
fn eighteenth_birthday(birth: Date) -> Date {
    let eighteenth = add_years(birth, i64::from(MIN_APPLICATION_AGE));
    if eighteenth.day() != birth.day() { eighteenth.next_day().unwrap_or(eighteenth) } else { eighteenth }
}

/// What is wrong with the introducers, if anything.
fn introducer_problem(introducers: &[Introducer]) -> Option<String> {
    let mut problems = Vec::new();
    if introducers.len() != INTRODUCERS {
        problems.push(format!("入党介绍人应为两名，现为 {} 名", introducers.len()));
    }
    for i in introducers.iter().filter(|i| !i.full_member) {
        problems.push(format!("入党介绍人“{}”不是享有表决权的正式党员", i.name.trim()));
    }
    let distinct: BTreeSet<&str> = introducers.iter().map(|i| i.name.trim()).collect();
    if distinct.len() < introducers.len() {
        problems.push("入党介绍人重复".to_string());
    }
    if problems.is_empty() { None } else { Some(problems.join("；")) }
}

/// Why [`record_step`] did not save a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefused {
    /// The step breaks rules and no authorisation was given.
    Breaches(Vec<RuleBreach>),
    /// At least one breach cannot be overridden (order of steps, missing facts).
    NotOverridable(Vec<RuleBreach>),
    /// The authorisation lacks who or why.
    InvalidAuthorisation(&'static str),
}

impl fmt::Display for StepRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepRefused::Breaches(b) | StepRefused::NotOverridable(b) => {
                let lines: Vec<String> = b.iter().map(ToString::to_string).collect();
                f.write_str(&lines.join("\n"))
            }
            StepRefused::InvalidAuthorisation(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for StepRefused {}

/// Checks a step and, if it passes or every breach is overridden by `authorisation`,
/// returns the record to save. The record carries the override, so the history shows
/// which rules were set aside, by whom and why.
pub fn record_step(
    history: &[StepRecord],
    step: Step,
    date: Date,
    facts: &StepFacts,
    authorisation: Option<Authorisation>,
) -> Result<StepRecord, StepRefused> {
    let Err(breaches) = check_step(history, step, date, facts) else {
        return Ok(StepRecord::new(step, date));
    };
    if breaches.iter().any(|b| !b.rule.overridable()) {
        return Err(StepRefused::NotOverridable(breaches));
    }
    let Some(authorisation) = authorisation else {
        return Err(StepRefused::Breaches(breaches));
    };
    if authorisation.by.trim().is_empty() {
        return Err(StepRefused::InvalidAuthorisation("须写明批准人或批准的党组织"));
    }
    if authorisation.reason.trim().is_empty() {
        return Err(StepRefused::InvalidAuthorisation("须写明不符合规定仍予办理的理由"));
    }
    Ok(StepRecord { step, date, overridden: Some(Override { authorisation, breaches }) })
}

#[cfg(test)]
mod tests;
