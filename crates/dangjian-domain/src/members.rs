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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn full(name: &str) -> Introducer {
        Introducer { name: name.to_string(), full_member: true }
    }

    fn two_introducers() -> StepFacts {
        StepFacts { birth_date: None, introducers: vec![full("王明"), full("李华")] }
    }

    fn born(d: Date) -> StepFacts {
        StepFacts { birth_date: Some(d), introducers: vec![] }
    }

    /// A person who followed every rule: applied 2021-03-10, admitted 2023-04-20.
    fn history_through(stage: Stage) -> Vec<StepRecord> {
        let steps = [
            (Step::Apply, date!(2021 - 03 - 10)),
            (Step::ApplicationTalk, date!(2021 - 03 - 25)),
            (Step::ConfirmActivist, date!(2021 - 09 - 15)),
            (Step::ConfirmCandidate, date!(2022 - 10 - 08)),
            (Step::Admit, date!(2023 - 04 - 20)),
        ];
        let count = match stage {
            Stage::Applicant => 2,
            Stage::Activist => 3,
            Stage::Candidate => 4,
            _ => 5,
        };
        steps[..count].iter().map(|&(s, d)| StepRecord::new(s, d)).collect()
    }

    fn rules_of(result: Result<(), Vec<RuleBreach>>) -> Vec<Rule> {
        result.err().unwrap_or_default().into_iter().map(|b| b.rule).collect()
    }

    #[test]
    fn the_whole_path_passes() {
        let mut history = Vec::new();
        let steps = [
            (Step::Apply, date!(2021 - 03 - 10), born(date!(1999 - 07 - 01))),
            (Step::ApplicationTalk, date!(2021 - 03 - 25), StepFacts::default()),
            (Step::ConfirmActivist, date!(2021 - 09 - 15), StepFacts::default()),
            (Step::ConfirmCandidate, date!(2022 - 10 - 08), StepFacts::default()),
            (Step::Admit, date!(2023 - 04 - 20), two_introducers()),
            (Step::ConfirmFull, date!(2024 - 04 - 20), StepFacts::default()),
        ];
        for (step, date, facts) in steps {
            let record = record_step(&history, step, date, &facts, None).unwrap();
            assert!(record.overridden.is_none());
            history.push(record);
        }
        let p = Progress::replay(&history).unwrap();
        assert_eq!(p.stage, Some(Stage::Full));
        assert_eq!(p.full_on, Some(date!(2024 - 04 - 20)));
        assert_eq!(p.probation_ends_on(), Some(date!(2024 - 04 - 20)));
        assert!(Stage::Full.is_member());
    }

    #[test]
    fn applicant_must_be_eighteen_on_the_application_date() {
        let birth = date!(2006 - 05 - 20);
        assert!(check_step(&[], Step::Apply, date!(2024 - 05 - 20), &born(birth)).is_ok());
        let breaches = check_step(&[], Step::Apply, date!(2024 - 05 - 19), &born(birth)).unwrap_err();
        assert_eq!(breaches.len(), 1);
        assert_eq!(breaches[0].rule, Rule::MinimumAge);
        assert_eq!(
            breaches[0].message,
            "申请人出生于 2006-05-20，申请日期 2024-05-19 时未满十八周岁（2024-05-20 起方可申请）"
        );
        assert_eq!(
            breaches[0].to_string(),
            "申请人出生于 2006-05-20，申请日期 2024-05-19 时未满十八周岁（2024-05-20 起方可申请）\
             （申请入党须年满十八周岁。党章第一条；《中国共产党发展党员工作细则》第五条）"
        );
    }

    #[test]
    fn leap_day_birthday_turns_eighteen_on_march_first() {
        let birth = date!(2004 - 02 - 29);
        let breaches = check_step(&[], Step::Apply, date!(2022 - 02 - 28), &born(birth)).unwrap_err();
        assert!(breaches[0].message.contains("2022-03-01 起方可申请"), "{}", breaches[0].message);
        assert!(check_step(&[], Step::Apply, date!(2022 - 03 - 01), &born(birth)).is_ok());
    }

    #[test]
    fn birth_date_is_needed_to_apply() {
        let breaches = check_step(&[], Step::Apply, date!(2024 - 05 - 20), &StepFacts::default()).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::MissingFact);
        assert!(!Rule::MissingFact.overridable());
    }

    #[test]
    fn talk_within_one_month_of_the_application() {
        let applied = vec![StepRecord::new(Step::Apply, date!(2024 - 01 - 31))];
        let p = Progress::replay(&applied).unwrap();
        assert_eq!(p.talk_due_by(), Some(date!(2024 - 02 - 29)));
        let none = StepFacts::default();
        assert!(check_step(&applied, Step::ApplicationTalk, date!(2024 - 01 - 31), &none).is_ok());
        assert!(check_step(&applied, Step::ApplicationTalk, date!(2024 - 02 - 29), &none).is_ok());
        let breaches = check_step(&applied, Step::ApplicationTalk, date!(2024 - 03 - 01), &none).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::TalkWithinOneMonth);
        assert_eq!(breaches[0].message, "谈话日期 2024-03-01 已超过申请后一个月（应不晚于 2024-02-29）");

        let mut talked = applied.clone();
        talked.push(StepRecord::new(Step::ApplicationTalk, date!(2024 - 02 - 10)));
        assert_eq!(Progress::replay(&talked).unwrap().talk_due_by(), None);
        assert_eq!(
            rules_of(check_step(&talked, Step::ApplicationTalk, date!(2024 - 02 - 11), &none)),
            vec![Rule::StepOutOfOrder]
        );
    }

    #[test]
    fn activist_needs_the_talk_first() {
        let applied = vec![StepRecord::new(Step::Apply, date!(2024 - 01 - 10))];
        let none = StepFacts::default();
        assert_eq!(
            rules_of(check_step(&applied, Step::ConfirmActivist, date!(2024 - 04 - 01), &none)),
            vec![Rule::TalkBeforeActivist]
        );
        let talked = history_through(Stage::Applicant);
        assert!(check_step(&talked, Step::ConfirmActivist, date!(2021 - 04 - 01), &none).is_ok());
    }

    #[test]
    fn one_year_as_activist_before_candidate() {
        // Confirmed as 积极分子 2021-09-15.
        let h = history_through(Stage::Activist);
        let none = StepFacts::default();
        assert!(check_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 15), &none).is_ok());
        let breaches = check_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 14), &none).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::OneYearAsActivist);
        assert_eq!(breaches[0].message, "自 2021-09-15 确定为入党积极分子起未满一年（2022-09-15 起方可列为发展对象）");
        assert_eq!(Progress::replay(&h).unwrap().candidate_from(), Some(date!(2022 - 09 - 15)));
    }

    #[test]
    fn admission_needs_two_full_member_introducers() {
        let h = history_through(Stage::Candidate);
        let day = date!(2023 - 04 - 20);
        let check = |introducers: Vec<Introducer>| {
            check_step(&h, Step::Admit, day, &StepFacts { birth_date: None, introducers })
        };
        assert!(check(vec![full("王明"), full("李华")]).is_ok());
        let one = check(vec![full("王明")]).unwrap_err();
        assert_eq!(one[0].rule, Rule::TwoFullMemberIntroducers);
        assert_eq!(one[0].message, "入党介绍人应为两名，现为 1 名");
        assert!(check(vec![full("王明"), full("李华"), full("赵强")]).is_err());
        assert!(check(vec![]).is_err());
        let probationary = check(vec![full("王明"), Introducer { name: "李华".into(), full_member: false }]);
        assert_eq!(probationary.unwrap_err()[0].message, "入党介绍人“李华”不是享有表决权的正式党员");
        let same = check(vec![full("王明"), full(" 王明")]);
        assert_eq!(same.unwrap_err()[0].message, "入党介绍人重复");
    }

    #[test]
    fn probation_is_one_year_from_the_branch_meeting() {
        // Admitted 2023-04-20.
        let h = history_through(Stage::Probationary);
        let none = StepFacts::default();
        let p = Progress::replay(&h).unwrap();
        assert_eq!(p.stage, Some(Stage::Probationary));
        assert_eq!(p.probation_ends_on(), Some(date!(2024 - 04 - 20)));
        assert!(check_step(&h, Step::ConfirmFull, date!(2024 - 04 - 20), &none).is_ok());
        let breaches = check_step(&h, Step::ConfirmFull, date!(2024 - 04 - 19), &none).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::ProbationNotEnded);
        assert_eq!(breaches[0].message, "预备期到 2024-04-20 期满，2024-04-19 尚未期满，不能讨论转正");
        // Cancelling the probation has no date limit.
        assert!(check_step(&h, Step::CancelProbation, date!(2023 - 10 - 01), &none).is_ok());
    }

    #[test]
    fn leap_day_admission_ends_on_february_28() {
        let mut h = history_through(Stage::Candidate);
        h.push(StepRecord::new(Step::Admit, date!(2024 - 02 - 29)));
        assert_eq!(Progress::replay(&h).unwrap().probation_ends_on(), Some(date!(2025 - 02 - 28)));
    }

    #[test]
    fn extension_between_half_a_year_and_a_year_at_the_end_of_probation() {
        let h = history_through(Stage::Probationary);
        let none = StepFacts::default();
        let end = date!(2024 - 04 - 20);
        for months in [6, 9, 12] {
            assert!(check_step(&h, Step::ExtendProbation { months }, end, &none).is_ok(), "{months}");
        }
        for months in [0, 5, 13, 24] {
            assert_eq!(
                rules_of(check_step(&h, Step::ExtendProbation { months }, end, &none)),
                vec![Rule::ExtensionLength]
            );
        }
        let early = check_step(&h, Step::ExtendProbation { months: 6 }, date!(2024 - 04 - 19), &none);
        assert_eq!(rules_of(early), vec![Rule::ExtensionAtProbationEnd]);
        // Both breaches at once.
        let both = check_step(&h, Step::ExtendProbation { months: 3 }, date!(2024 - 01 - 19), &none);
        assert_eq!(rules_of(both), vec![Rule::ExtensionLength, Rule::ExtensionAtProbationEnd]);
    }

    #[test]
    fn extended_probation_moves_the_confirmation_date() {
        let mut h = history_through(Stage::Probationary);
        h.push(StepRecord::new(Step::ExtendProbation { months: 6 }, date!(2024 - 04 - 22)));
        let p = Progress::replay(&h).unwrap();
        assert_eq!(p.stage, Some(Stage::ProbationExtended));
        assert_eq!(p.probation_ends_on(), Some(date!(2024 - 10 - 20)));
        let none = StepFacts::default();
        assert!(check_step(&h, Step::ConfirmFull, date!(2024 - 10 - 20), &none).is_ok());
        assert_eq!(
            rules_of(check_step(&h, Step::ConfirmFull, date!(2024 - 10 - 19), &none)),
            vec![Rule::ProbationNotEnded]
        );
        // Only one extension.
        assert_eq!(
            rules_of(check_step(&h, Step::ExtendProbation { months: 6 }, date!(2024 - 10 - 20), &none)),
            vec![Rule::StepOutOfOrder]
        );
        assert!(check_step(&h, Step::CancelProbation, date!(2024 - 10 - 20), &none).is_ok());
    }

    #[test]
    fn steps_out_of_order_are_refused_and_cannot_be_overridden() {
        let none = StepFacts::default();
        let h = history_through(Stage::Applicant);
        let breaches = check_step(&h, Step::Admit, date!(2021 - 05 - 01), &two_introducers()).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::StepOutOfOrder);
        assert_eq!(breaches[0].message, "当前为“入党申请人”，不能“接收为预备党员”");
        assert_eq!(
            rules_of(check_step(&[], Step::ConfirmFull, date!(2021 - 05 - 01), &none)),
            vec![Rule::StepOutOfOrder]
        );
        let auth = Authorisation { by: "机关党委".into(), reason: "补录".into(), on: date!(2021 - 05 - 01) };
        let refused = record_step(&h, Step::Admit, date!(2021 - 05 - 01), &two_introducers(), Some(auth));
        assert!(matches!(refused, Err(StepRefused::NotOverridable(_))));

        let mut done = history_through(Stage::Probationary);
        done.push(StepRecord::new(Step::ConfirmFull, date!(2024 - 04 - 20)));
        assert_eq!(
            rules_of(check_step(&done, Step::CancelProbation, date!(2024 - 05 - 01), &none)),
            vec![Rule::StepOutOfOrder]
        );
        assert_eq!(
            rules_of(check_step(&done, Step::Apply, date!(2024 - 05 - 01), &born(date!(1990 - 01 - 01)))),
            vec![Rule::StepOutOfOrder]
        );
    }

    #[test]
    fn dates_must_not_go_backwards() {
        let h = history_through(Stage::Activist);
        let breaches =
            check_step(&h, Step::ConfirmCandidate, date!(2021 - 09 - 14), &StepFacts::default()).unwrap_err();
        assert_eq!(breaches[0].rule, Rule::DateOrder);
        assert_eq!(breaches[0].message, "“确定为发展对象”的日期 2021-09-14 早于上一环节的日期 2021-09-15");
        // A corrupt saved history is reported as such.
        let mut bad = h.clone();
        bad.swap(0, 2);
        assert!(Progress::replay(&bad).is_err());
        assert!(check_step(&bad, Step::ConfirmCandidate, date!(2023 - 01 - 01), &StepFacts::default()).is_err());
    }

    #[test]
    fn overrides_need_who_and_why_and_are_recorded() {
        let h = history_through(Stage::Activist);
        let day = date!(2022 - 06 - 01);
        let none = StepFacts::default();
        match record_step(&h, Step::ConfirmCandidate, day, &none, None) {
            Err(StepRefused::Breaches(b)) => assert_eq!(b[0].rule, Rule::OneYearAsActivist),
            other => panic!("expected breaches, got {other:?}"),
        }
        let no_reason = Authorisation { by: "机关党委".into(), reason: " ".into(), on: day };
        assert_eq!(
            record_step(&h, Step::ConfirmCandidate, day, &none, Some(no_reason)).unwrap_err(),
            StepRefused::InvalidAuthorisation("须写明不符合规定仍予办理的理由")
        );
        let nobody = Authorisation { by: "".into(), reason: "补录".into(), on: day };
        assert!(matches!(
            record_step(&h, Step::ConfirmCandidate, day, &none, Some(nobody)),
            Err(StepRefused::InvalidAuthorisation(_))
        ));

        let auth = Authorisation {
            by: "市直机关工委组织部".into(), reason: "根据原始档案补录".into(), on: day
        };
        let record = record_step(&h, Step::ConfirmCandidate, day, &none, Some(auth.clone())).unwrap();
        let o = record.overridden.clone().unwrap();
        assert_eq!(o.authorisation, auth);
        assert_eq!(o.breaches[0].rule, Rule::OneYearAsActivist);
        // The overridden step replays like any other.
        let mut h2 = h.clone();
        h2.push(record);
        assert_eq!(Progress::replay(&h2).unwrap().stage, Some(Stage::Candidate));
        // An authorisation given for a step that needs none leaves no override behind.
        let clean = record_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 15), &none, Some(auth)).unwrap();
        assert!(clean.overridden.is_none());
    }

    #[test]
    fn refusals_print_every_breach_in_chinese() {
        let h = history_through(Stage::Probationary);
        let err =
            record_step(&h, Step::ExtendProbation { months: 3 }, date!(2024 - 01 - 19), &StepFacts::default(), None)
                .unwrap_err();
        let text = err.to_string();
        assert_eq!(text.lines().count(), 2);
        assert!(text.contains("延长预备期不能少于半年，最长不超过一年"));
        assert!(text.contains("党章第七条"));
    }

    #[test]
    fn codes_round_trip() {
        for s in Stage::ALL {
            assert_eq!(Stage::from_code(s.code()), Some(s));
        }
        for step in [
            Step::Apply,
            Step::ApplicationTalk,
            Step::ConfirmActivist,
            Step::ConfirmCandidate,
            Step::Admit,
            Step::ExtendProbation { months: 6 },
            Step::ConfirmFull,
            Step::CancelProbation,
        ] {
            assert_eq!(Step::from_code(step.code(), 6), Some(step));
            assert!(!step.name().is_empty());
        }
        assert_eq!(Step::from_code("nope", 0), None);
        assert_eq!(Stage::from_code("nope"), None);
    }

    fn any_step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Apply),
            Just(Step::ApplicationTalk),
            Just(Step::ConfirmActivist),
            Just(Step::ConfirmCandidate),
            Just(Step::Admit),
            (0u32..30).prop_map(|months| Step::ExtendProbation { months }),
            Just(Step::ConfirmFull),
            Just(Step::CancelProbation),
        ]
    }

    proptest! {
        #[test]
        fn confirmation_allowed_exactly_from_one_year_after_admission(
            admit_days in 0i64..20_000,
            offset in -400i64..400,
        ) {
            let admitted = date!(1980 - 01 - 01) + time::Duration::days(admit_days);
            let mut h = history_through(Stage::Candidate);
            h.push(StepRecord::new(Step::Admit, admitted.max(date!(2022 - 10 - 08))));
            let admitted = h[4].date;
            let day = add_years(admitted, 1) + time::Duration::days(offset);
            let result = check_step(&h, Step::ConfirmFull, day, &StepFacts::default());
            if day < admitted {
                prop_assert_eq!(rules_of(result), vec![Rule::DateOrder]);
            } else {
                prop_assert_eq!(result.is_ok(), offset >= 0);
            }
        }

        #[test]
        fn age_check_matches_whole_years(birth_days in 0i64..30_000, apply_days in 0i64..40_000) {
            let birth = date!(1940 - 01 - 01) + time::Duration::days(birth_days);
            let applied = date!(1940 - 01 - 01) + time::Duration::days(apply_days);
            let ok = check_step(&[], Step::Apply, applied, &born(birth)).is_ok();
            prop_assert_eq!(ok, age_on(birth, applied) >= 18);
        }

        #[test]
        fn random_sequences_never_panic_and_recorded_steps_replay(
            steps in proptest::collection::vec((any_step(), 0i64..800), 0..12),
        ) {
            let mut history = Vec::new();
            let mut day = date!(2015 - 01 - 01);
            let auth = Authorisation { by: "机关党委".into(), reason: "测试".into(), on: day };
            for (step, gap) in steps {
                day += time::Duration::days(gap);
                let facts = StepFacts {
                    birth_date: Some(date!(1990 - 01 - 01)),
                    introducers: vec![full("甲"), full("乙")],
                };
                if let Ok(record) = record_step(&history, step, day, &facts, Some(auth.clone())) {
                    history.push(record);
                }
            }
            let p = Progress::replay(&history).unwrap();
            prop_assert_eq!(p.stage.is_some(), !history.is_empty());
        }
    }
}
