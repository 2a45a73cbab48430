//! 达标定级: grade bands, the assessment flow, 四强 on top of 达标, and the 退出机制.
//!
//! Flow (after 邹城's 自评荐星 → 党委考核评星 → 组织部复核定星 → 公示命名, domain-rules.md §3):
//! the branch scores itself with evidence → the 机关党委 scores it (初评) → the 工委 reviews
//! (审核) → the grade is publicly noticed for a configurable number of days (公示) → final.
//! An objection during the notice returns the case to the 工委; the 机关党委 or the 工委 can
//! send a sheet back to the branch with a reason.
//!
//! 退出机制: a grade is not for life. A later annual assessment or a spot check (抽查) that
//! scores below the held band, or any veto, removes the grade (or lowers it), records why,
//! and opens rectification items for every item that lost points.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::ConfigError;
use super::standard::SheetScore;

/// The grade of a branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    /// 未达标: below the 达标 band, or any veto.
    Substandard,
    /// 达标.
    Standard,
    /// 示范.
    Model,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Model, Grade::Standard, Grade::Substandard];

    pub fn code(self) -> &'static str {
        match self {
            Grade::Model => "model",
            Grade::Standard => "standard",
            Grade::Substandard => "substandard",
        }
    }

    pub fn from_code(code: &str) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Grade::Model => "示范",
            Grade::Standard => "达标",
            Grade::Substandard => "未达标",
        }
    }
}

/// The band minima (inclusive). Defaults: 示范 ≥ 90, 达标 ≥ 80 (the 80 pass line of the
/// 中铁 达标晋级 scheme; 90 is the top band of 邹城, domain-rules.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeBands {
    pub model_min: Decimal,
    pub standard_min: Decimal,
}

impl Default for GradeBands {
    fn default() -> GradeBands {
        GradeBands { model_min: Decimal::from(90), standard_min: Decimal::from(80) }
    }
}

impl GradeBands {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.standard_min < Decimal::ZERO || self.model_min < self.standard_min {
            return Err(ConfigError::new("bands", "须满足 0 ≤ 达标线 ≤ 示范线"));
        }
        Ok(())
    }

    /// The grade of a total; any veto means 未达标 whatever the total.
    pub fn grade(&self, total: Decimal, vetoed: bool) -> Grade {
        if vetoed || total < self.standard_min {
            Grade::Substandard
        } else if total < self.model_min {
            Grade::Standard
        } else {
            Grade::Model
        }
    }

    /// The lowest total that keeps `grade`.
    pub fn minimum(&self, grade: Grade) -> Decimal {
        match grade {
            Grade::Model => self.model_min,
            Grade::Standard => self.standard_min,
            Grade::Substandard => Decimal::ZERO,
        }
    }
}

/// Where an assessment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stage {
    /// The branch is filling in its self-assessment.
    Draft,
    /// Submitted with evidence; waiting for the 机关党委.
    SelfAssessed,
    /// 机关党委 初评 done; waiting for the 工委.
    Preliminary,
    /// 工委 审核 done; waiting for the notice to start.
    Reviewed,
    /// 公示 running.
    Notice,
    /// 定级.
    Final,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::SelfAssessed => "self_assessed",
            Stage::Preliminary => "preliminary",
            Stage::Reviewed => "reviewed",
            Stage::Notice => "notice",
            Stage::Final => "final",
        }
    }

    /// Every stage in flow order.
    pub const ALL: [Stage; 6] =
        [Stage::Draft, Stage::SelfAssessed, Stage::Preliminary, Stage::Reviewed, Stage::Notice, Stage::Final];

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Stage::Draft => "支部自评中",
            Stage::SelfAssessed => "待机关党委初评",
            Stage::Preliminary => "待工委审核",
            Stage::Reviewed => "待公示",
            Stage::Notice => "公示中",
            Stage::Final => "已定级",
        }
    }
}

/// The flow's settings. `notice_days` defaults to 5 (a proposal: no source fixes it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowConfig {
    pub notice_days: u32,
}

impl Default for FlowConfig {
    fn default() -> FlowConfig {
        FlowConfig { notice_days: 5 }
    }
}

/// One branch's assessment for one round: the stage and the three totals on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFlow {
    pub stage: Stage,
    pub self_total: Option<Decimal>,
    pub preliminary_total: Option<Decimal>,
    pub reviewed_total: Option<Decimal>,
    /// The grade the 工委 arrived at; final once the notice has run.
    pub grade: Option<Grade>,
    /// First and last day of the 公示.
    pub notice: Option<(Date, Date)>,
    /// Why the case was last sent back or objected to.
    pub last_return_reason: Option<String>,
}

impl AssessmentFlow {
    pub fn new() -> AssessmentFlow {
        AssessmentFlow {
            stage: Stage::Draft,
            self_total: None,
            preliminary_total: None,
            reviewed_total: None,
            grade: None,
            notice: None,
            last_return_reason: None,
        }
    }
}

impl Default for AssessmentFlow {
    fn default() -> AssessmentFlow {
        AssessmentFlow::new()
    }
}

/// A step the flow refuses; the message is shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowError {
    NotAllowed { from: Stage, action: &'static str },
    EvidenceMissing(Vec<String>),
    ReasonRequired,
    NoticeRunning { until: Date },
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FlowError::NotAllowed { from, action } => write!(f, "“{}”阶段不能{action}", from.name()),
            FlowError::EvidenceMissing(items) => write!(f, "以下指标需上传佐证材料：{}", items.join("、")),
            FlowError::ReasonRequired => write!(f, "须填写退回或异议理由"),
            FlowError::NoticeRunning { until } => write!(f, "公示期至 {until} 结束，期满后方可定级"),
        }
    }
}

impl std::error::Error for FlowError {}

fn expect(flow: &AssessmentFlow, stage: Stage, action: &'static str) -> Result<AssessmentFlow, FlowError> {
    if flow.stage != stage {
        return Err(FlowError::NotAllowed { from: flow.stage, action });
    }
    Ok(flow.clone())
}

/// The branch submits its self-assessment; refused while a required evidence is missing.
pub fn submit_self(flow: &AssessmentFlow, sheet: &SheetScore) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Draft, "提交自评")?;
    let missing = sheet.missing_evidence();
    if !missing.is_empty() {
        return Err(FlowError::EvidenceMissing(missing.into_iter().map(str::to_owned).collect()));
    }
    next.stage = Stage::SelfAssessed;
    next.self_total = Some(sheet.total);
    Ok(next)
}

/// The 机关党委 records its preliminary score (初评).
pub fn preliminary(flow: &AssessmentFlow, sheet: &SheetScore) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::SelfAssessed, "初评")?;
    next.stage = Stage::Preliminary;
    next.preliminary_total = Some(sheet.total);
    Ok(next)
}

/// The 工委 reviews (审核) and fixes the proposed grade.
pub fn review(flow: &AssessmentFlow, sheet: &SheetScore) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Preliminary, "审核")?;
    next.stage = Stage::Reviewed;
    next.reviewed_total = Some(sheet.total);
    next.grade = Some(sheet.grade);
    Ok(next)
}

/// Starts the 公示 today; it runs `notice_days` calendar days including today.
pub fn start_notice(flow: &AssessmentFlow, today: Date, config: &FlowConfig) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Reviewed, "开始公示")?;
    let last = today + Duration::days(i64::from(config.notice_days.max(1)) - 1);
    next.stage = Stage::Notice;
    next.notice = Some((today, last));
    Ok(next)
}

/// An objection during the 公示 returns the case to the 工委 for another review.
pub fn object(flow: &AssessmentFlow, reason: &str) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Notice, "提出异议")?;
    if reason.trim().is_empty() {
        return Err(FlowError::ReasonRequired);
    }
    next.stage = Stage::Preliminary;
    next.notice = None;
    next.last_return_reason = Some(reason.trim().to_owned());
    Ok(next)
}

/// Makes the grade final once the notice period is over (from the day after its last day).
pub fn finalise(flow: &AssessmentFlow, today: Date) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Notice, "定级")?;
    if let Some((_, last)) = next.notice
        && today <= last
    {
        return Err(FlowError::NoticeRunning { until: last });
    }
    next.stage = Stage::Final;
    Ok(next)
}

/// The 机关党委 (from 自评) or the 工委 (from 初评) sends the sheet back to the branch.
pub fn send_back(flow: &AssessmentFlow, reason: &str) -> Result<AssessmentFlow, FlowError> {
    if !matches!(flow.stage, Stage::SelfAssessed | Stage::Preliminary) {
        return Err(FlowError::NotAllowed { from: flow.stage, action: "退回" });
    }
    if reason.trim().is_empty() {
        return Err(FlowError::ReasonRequired);
    }
    let mut next = flow.clone();
    next.stage = Stage::Draft;
    next.last_return_reason = Some(reason.trim().to_owned());
    Ok(next)
}

/// A spot check (抽查) is the 机关党委's or the 工委's own inspection, not the branch's
/// claim: there is no self-assessment to check and no grade to notice publicly (it can
/// only keep or take away what the branch already holds), so the one sheet the inspector
/// scores concludes it. Evidence is not demanded: the inspector records what was found.
pub fn conclude_spot_check(flow: &AssessmentFlow, sheet: &SheetScore) -> Result<AssessmentFlow, FlowError> {
    let mut next = expect(flow, Stage::Draft, "抽查评分")?;
    next.stage = Stage::Final;
    next.reviewed_total = Some(sheet.total);
    next.grade = Some(sheet.grade);
    Ok(next)
}

/// The four criteria of a 四强 党支部 (政治功能强, 支部班子强, 党员队伍强, 作用发挥强).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FourStrong {
    pub political_function: bool,
    pub committee: bool,
    pub membership: bool,
    pub role: bool,
}

impl FourStrong {
    /// The names of the criteria not met.
    pub fn unmet(&self) -> Vec<&'static str> {
        [
            (self.political_function, "政治功能强"),
            (self.committee, "支部班子强"),
            (self.membership, "党员队伍强"),
            (self.role, "作用发挥强"),
        ]
        .into_iter()
        .filter(|(met, _)| !met)
        .map(|(_, name)| name)
        .collect()
    }
}

/// Whether a branch may be designated 四强: it must hold at least 达标 (四强 is created on
/// top of 标准化规范化建设) and meet all four criteria. `Err` lists what is lacking.
pub fn four_strong_designation(grade: Grade, criteria: &FourStrong) -> Result<(), Vec<String>> {
    let mut lacking: Vec<String> = Vec::new();
    if grade < Grade::Standard {
        lacking.push("须先达标".to_owned());
    }
    lacking.extend(criteria.unmet().into_iter().map(|n| format!("未达到“{n}”")));
    if lacking.is_empty() { Ok(()) } else { Err(lacking) }
}

/// Why a 四强 designation or revocation is refused; the message is shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DesignationError {
    /// The branch holds no grade at all.
    NotGraded,
    /// The held grade is below 达标 (never given, or removed by the 退出机制).
    BelowStandard(Grade),
    /// Criteria not met.
    Lacking(Vec<String>),
    AlreadyDesignated,
    NotDesignated,
    ReasonRequired,
}

impl fmt::Display for DesignationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DesignationError::NotGraded => write!(f, "该支部尚未定级，须先达标方可命名“四强党支部”"),
            DesignationError::BelowStandard(g) => {
                write!(f, "该支部现有等次为“{}”，须先达标方可命名“四强党支部”", g.name())
            }
            DesignationError::Lacking(v) => write!(f, "不能命名“四强党支部”：{}", v.join("；")),
            DesignationError::AlreadyDesignated => write!(f, "该支部已命名为“四强党支部”"),
            DesignationError::NotDesignated => write!(f, "该支部不是“四强党支部”，无需撤销"),
            DesignationError::ReasonRequired => write!(f, "须填写命名或撤销的理由"),
        }
    }
}

impl std::error::Error for DesignationError {}

/// Designates the branch 四强 on `on`: the new history entry keeps the held grade and adds
/// the designation, so the history shows when it was given. Refused for a branch holding
/// nothing or below 达标 (a removed grade is a lower last entry), for unmet criteria, and
/// without a reason (the designation is a decision that must say why).
pub fn designate_four_strong(
    history: &[HeldGrade],
    criteria: &FourStrong,
    reason: &str,
    on: Date,
) -> Result<HeldGrade, DesignationError> {
    let held = history.last().ok_or(DesignationError::NotGraded)?;
    if held.grade < Grade::Standard {
        return Err(DesignationError::BelowStandard(held.grade));
    }
    if held.four_strong {
        return Err(DesignationError::AlreadyDesignated);
    }
    four_strong_designation(held.grade, criteria).map_err(DesignationError::Lacking)?;
    if reason.trim().is_empty() {
        return Err(DesignationError::ReasonRequired);
    }
    Ok(HeldGrade { on, grade: held.grade, four_strong: true })
}

/// Revokes the designation on `on`, keeping the held grade (达标 is not lost with 四强).
pub fn revoke_four_strong(history: &[HeldGrade], reason: &str, on: Date) -> Result<HeldGrade, DesignationError> {
    let held = history.last().filter(|h| h.four_strong).ok_or(DesignationError::NotDesignated)?;
    if reason.trim().is_empty() {
        return Err(DesignationError::ReasonRequired);
    }
    Ok(HeldGrade { on, grade: held.grade, four_strong: false })
}

/// What kind of check produced a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CheckKind {
    /// 年度定级.
    Annual,
    /// 抽查.
    SpotCheck,
}

impl CheckKind {
    pub const ALL: [CheckKind; 2] = [CheckKind::Annual, CheckKind::SpotCheck];

    pub fn from_code(code: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            CheckKind::Annual => "annual",
            CheckKind::SpotCheck => "spot_check",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CheckKind::Annual => "年度考评",
            CheckKind::SpotCheck => "抽查",
        }
    }
}

/// One entry of a branch's grade history (kept in full; the last entry is what it holds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldGrade {
    pub on: Date,
    pub grade: Grade,
    pub four_strong: bool,
}

/// Why a grade is removed or lowered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovalReason {
    Veto { item: String, name: String },
    BelowBand { held: Grade, minimum: Decimal, total: Decimal },
}

impl fmt::Display for RemovalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemovalReason::Veto { name, .. } => write!(f, "触发一票否决：{name}"),
            RemovalReason::BelowBand { held, minimum, total } => {
                write!(f, "得分 {total} 低于“{}”等次最低分 {minimum}", held.name())
            }
        }
    }
}

/// An item to rectify: every item that lost points or vetoed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rectification {
    pub aspect: String,
    pub item: String,
    pub name: String,
    pub lost: Decimal,
    pub vetoed: bool,
    pub note: String,
}

/// The removal (or lowering) of a held grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub on: Date,
    pub check: CheckKind,
    pub from: Grade,
    pub to: Grade,
    /// The 四强 designation falls with the grade when it drops below 达标.
    pub four_strong_revoked: bool,
    pub reasons: Vec<RemovalReason>,
    pub rectification: Vec<Rectification>,
}

/// The 退出机制: given the branch's history and a new score, the removal to record, if any.
/// A branch that holds nothing (no history, or 未达标) has nothing to remove. `bands` are
/// the standard's, so the reason quotes the minimum that applied.
pub fn exit_check(
    history: &[HeldGrade],
    check: CheckKind,
    on: Date,
    sheet: &SheetScore,
    bands: &GradeBands,
) -> Option<Removal> {
    let held = history.last()?;
    if held.grade == Grade::Substandard || sheet.grade >= held.grade {
        return None;
    }
    let mut reasons: Vec<RemovalReason> = sheet
        .all_items()
        .filter(|i| i.vetoed)
        .map(|i| RemovalReason::Veto { item: i.code.clone(), name: i.name.clone() })
        .collect();
    if reasons.is_empty() {
        let minimum = bands.minimum(held.grade);
        reasons.push(RemovalReason::BelowBand { held: held.grade, minimum, total: sheet.total });
    }
    let rectification = sheet
        .aspects
        .iter()
        .flat_map(|a| a.items.iter().map(move |i| (a, i)))
        .filter(|(_, i)| i.vetoed || i.lost > Decimal::ZERO)
        .map(|(a, i)| Rectification {
            aspect: a.name.clone(),
            item: i.code.clone(),
            name: i.name.clone(),
            lost: i.lost,
            vetoed: i.vetoed,
            note: i.note.clone(),
        })
        .collect();
    Some(Removal {
        on,
        check,
        from: held.grade,
        to: sheet.grade,
        four_strong_revoked: held.four_strong && sheet.grade < Grade::Standard,
        reasons,
        rectification,
    })
}

/// Branches per grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GradeCounts {
    pub model: u32,
    pub standard: u32,
    pub substandard: u32,
}

impl GradeCounts {
    pub fn total(&self) -> u32 {
        self.model + self.standard + self.substandard
    }
}

/// Counts branches per grade per (department, year), for the statistics page and export.
pub fn grade_statistics<D: Ord>(rows: impl IntoIterator<Item = (D, i32, Grade)>) -> BTreeMap<(D, i32), GradeCounts> {
    let mut out: BTreeMap<(D, i32), GradeCounts> = BTreeMap::new();
    for (dept, year, grade) in rows {
        let c = out.entry((dept, year)).or_default();
        match grade {
            Grade::Model => c.model += 1,
            Grade::Standard => c.standard += 1,
            Grade::Substandard => c.substandard += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests;
