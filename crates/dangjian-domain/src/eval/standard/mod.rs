//! 党支部标准化规范化建设: the versioned standard a branch is scored against, and the
//! scoring of one sheet into a total with its per-aspect breakdown.
//!
//! The shape generalises the public score sheets of domain-rules.md §3: aspects with
//! weights, items that deduct from their maximum (扣分, the commonest style), capped
//! bonuses (加分), items scored outright, and one-vote-veto items (一票否决). An item may
//! take its value from platform records ([`AutoSource`]) through a mapping that is data,
//! so a 机关工委 can change "each missing 三会一课 −1" without a release.
//!
//! Aspect weights are points out of the standard's full marks: an aspect with weight 25
//! contributes `25 × (points earned on its deduction and scored items / their maximum)`,
//! and its bonuses are added on top. The total is capped at `total_cap` (100 by default;
//! `None` for the 积分制 schemes in which a score can exceed 100).

mod defaults;
mod edit;

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::grading::{Grade, GradeBands};
use super::{ConfigError, clamp, round_score};

pub use defaults::{default_aspects, default_standard};
pub use edit::{FULL_MARKS, MAPPING_KINDS, is_valid_code};

/// How an item turns its input into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ItemKind {
    /// 扣分: starts at its maximum; the input is the points deducted (never below 0).
    Deduction,
    /// 加分: the input is the bonus earned, capped at the maximum, added on top of the aspect.
    Bonus,
    /// The input is the points given, within 0..=maximum.
    Scored,
    /// 一票否决: no points; when triggered the branch cannot reach 达标 whatever its total.
    Veto,
}

impl ItemKind {
    pub const ALL: [ItemKind; 4] = [ItemKind::Deduction, ItemKind::Bonus, ItemKind::Scored, ItemKind::Veto];

    pub fn from_code(code: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Deduction => "deduction",
            ItemKind::Bonus => "bonus",
            ItemKind::Scored => "scored",
            ItemKind::Veto => "veto",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Deduction => "扣分项",
            ItemKind::Bonus => "加分项",
            ItemKind::Scored => "评分项",
            ItemKind::Veto => "一票否决项",
        }
    }
}

/// Platform records an item can be measured from, so the branch does not type in what the
/// platform already knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AutoSource {
    /// 三会一课 compliance over the year, a fraction in 0..=1 (from [`crate::meetings`]).
    MeetingComplianceRate,
    /// Members with 党费 arrears at the assessment date (from [`crate::dues`]).
    DuesArrears,
    /// 换届 overdue: 1 when the committee's term has run out without an election.
    OverdueTermRenewal,
    /// 发展党员 steps taken against the rules (from [`crate::members`]).
    DevelopmentRuleBreaches,
}

impl AutoSource {
    pub const ALL: [AutoSource; 4] = [
        AutoSource::MeetingComplianceRate,
        AutoSource::DuesArrears,
        AutoSource::OverdueTermRenewal,
        AutoSource::DevelopmentRuleBreaches,
    ];

    pub fn from_code(code: &str) -> Option<AutoSource> {
        AutoSource::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            AutoSource::MeetingComplianceRate => "meeting_compliance_rate",
            AutoSource::DuesArrears => "dues_arrears",
            AutoSource::OverdueTermRenewal => "overdue_term_renewal",
            AutoSource::DevelopmentRuleBreaches => "development_rule_breaches",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            AutoSource::MeetingComplianceRate => "三会一课完成率",
            AutoSource::DuesArrears => "党费欠交人数",
            AutoSource::OverdueTermRenewal => "逾期未换届",
            AutoSource::DevelopmentRuleBreaches => "发展党员违规环节数",
        }
    }
}

/// From a measured value to the points of an item; the result is always clamped to
/// 0..=maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AutoMapping {
    /// Full marks at `full_at`, nothing at `zero_at`, linear between (either may be the
    /// larger, so "rate 1.0 → full, 0.6 → zero" and "0 arrears → full, 5 → zero" both fit).
    Linear { full_at: Decimal, zero_at: Decimal },
    /// The maximum minus `points_per_unit` for each unit measured (每缺一次扣 1 分).
    PerUnit { points_per_unit: Decimal },
    /// The points of the first step whose `at_least` the value reaches, scanning from the
    /// highest threshold down; 0 below every step.
    Steps(Vec<Step>),
}

/// One step of [`AutoMapping::Steps`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub at_least: Decimal,
    pub points: Decimal,
}

impl AutoMapping {
    /// The points for `value` on an item worth `max`.
    pub fn points(&self, value: Decimal, max: Decimal) -> Decimal {
        let raw = match self {
            AutoMapping::Linear { full_at, zero_at } => {
                let span = *full_at - *zero_at;
                if span.is_zero() {
                    if value == *full_at { max } else { Decimal::ZERO }
                } else {
                    max * clamp((value - *zero_at) / span, Decimal::ZERO, Decimal::ONE)
                }
            }
            AutoMapping::PerUnit { points_per_unit } => max - *points_per_unit * value.max(Decimal::ZERO),
            AutoMapping::Steps(steps) => {
                let mut sorted: Vec<&Step> = steps.iter().collect();
                sorted.sort_by_key(|s| std::cmp::Reverse(s.at_least));
                sorted.iter().find(|s| value >= s.at_least).map_or(Decimal::ZERO, |s| s.points)
            }
        };
        round_score(clamp(raw, Decimal::ZERO, max))
    }
}

/// An item's automatic measurement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoRule {
    pub source: AutoSource,
    pub mapping: AutoMapping,
}

/// One line of the score sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Unique within the standard; what sheets and rectification items refer to.
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    /// 0 for veto items.
    pub max_points: Decimal,
    /// What the branch must attach (台账, 会议记录, …); empty when nothing is required.
    pub evidence: String,
    /// When set, the platform measures the item and the branch does not score it by hand.
    pub auto: Option<AutoRule>,
}

/// One of the aspects (方面) of the standard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aspect {
    pub code: String,
    pub name: String,
    /// Points of the full marks this aspect carries.
    pub weight: Decimal,
    pub items: Vec<Item>,
}

/// A version of the standard. A new version is a new value: sheets keep the version they
/// were scored under, so history is never rescored with the wrong table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standard {
    pub code: String,
    pub version: u32,
    pub name: String,
    pub aspects: Vec<Aspect>,
    /// The total never exceeds this (100 by default); `None` lets bonuses lift it higher.
    pub total_cap: Option<Decimal>,
    pub bands: GradeBands,
}

impl Standard {
    /// Checks what scoring relies on: unique codes, positive weights, sensible maxima.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.aspects.is_empty() {
            return Err(ConfigError::new("aspects", "标准至少需要一个方面"));
        }
        let mut codes = BTreeMap::new();
        for (ai, a) in self.aspects.iter().enumerate() {
            if a.weight < Decimal::ZERO {
                return Err(ConfigError::new(format!("aspects[{ai}].weight"), "权重不能为负数"));
            }
            let has_base = a.items.iter().any(|i| matches!(i.kind, ItemKind::Deduction | ItemKind::Scored));
            if a.weight > Decimal::ZERO && !has_base {
                return Err(ConfigError::new(format!("aspects[{ai}]"), "有权重的方面至少需要一个扣分项或评分项"));
            }
            for (ii, item) in a.items.iter().enumerate() {
                let field = format!("aspects[{ai}].items[{ii}]");
                if codes.insert(item.code.clone(), ()).is_some() {
                    return Err(ConfigError::new(field, format!("指标编号 {} 重复", item.code)));
                }
                if item.kind == ItemKind::Veto {
                    if !item.max_points.is_zero() || item.auto.is_some() {
                        return Err(ConfigError::new(field, "一票否决项没有分值，也不自动取数"));
                    }
                } else if item.max_points <= Decimal::ZERO {
                    return Err(ConfigError::new(field, "分值须大于 0"));
                }
            }
        }
        self.bands.validate()
    }

    /// Every item with the aspect it belongs to.
    pub fn items(&self) -> impl Iterator<Item = (&Aspect, &Item)> {
        self.aspects.iter().flat_map(|a| a.items.iter().map(move |i| (a, i)))
    }

    /// Looks an item up by code.
    pub fn item(&self, code: &str) -> Option<(&Aspect, &Item)> {
        self.items().find(|(_, i)| i.code == code)
    }
}

/// What was entered (or measured) for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemInput {
    /// Deduction items: the points deducted. Scored and bonus items: the points given.
    Manual(Decimal),
    /// Items with an [`AutoRule`]: the measured value.
    Measured(Decimal),
    /// Veto items: whether the veto condition occurred.
    Veto(bool),
}

/// One filled-in line of a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetEntry {
    pub item: String,
    pub input: ItemInput,
    /// References to the attached evidence (file ids, record ids); opaque here.
    pub evidence: Vec<String>,
    /// The scorer's note (扣分理由).
    pub note: String,
}

/// A sheet that cannot be scored; the message is shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetError {
    /// The standard itself is unusable (caught when it is saved; checked again here).
    Standard(ConfigError),
    UnknownItem(String),
    Duplicate(String),
    Missing(String),
    WrongInput {
        item: String,
        expected: &'static str,
    },
    OutOfRange {
        item: String,
        max: Decimal,
    },
}

impl fmt::Display for SheetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SheetError::Standard(e) => write!(f, "评分标准设置有误：{e}"),
            SheetError::UnknownItem(c) => write!(f, "标准中没有指标 {c}"),
            SheetError::Duplicate(c) => write!(f, "指标 {c} 填写了两次"),
            SheetError::Missing(c) => write!(f, "指标 {c} 尚未评分"),
            SheetError::WrongInput { item, expected } => write!(f, "指标 {item} 应填写{expected}"),
            SheetError::OutOfRange { item, max } => write!(f, "指标 {item} 的分值须在 0 到 {max} 之间"),
        }
    }
}

impl std::error::Error for SheetError {}

/// The points of one item, with what was lost against its maximum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemScore {
    pub code: String,
    pub name: String,
    pub kind: ItemKind,
    pub max_points: Decimal,
    pub points: Decimal,
    /// `max − points` for deduction and scored items; 0 otherwise.
    pub lost: Decimal,
    pub vetoed: bool,
    /// Evidence is required and none is attached.
    pub evidence_missing: bool,
    /// The measured value, for automatic items.
    pub measured: Option<Decimal>,
    pub note: String,
}

/// One aspect's part of the total: `weight × base_points / base_max + bonus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectScore {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
    pub base_points: Decimal,
    pub base_max: Decimal,
    pub bonus: Decimal,
    /// Rounded to two decimals, as shown.
    pub contribution: Decimal,
    pub items: Vec<ItemScore>,
}

/// A scored sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetScore {
    pub standard: String,
    pub version: u32,
    pub aspects: Vec<AspectScore>,
    /// Σ contributions before the cap.
    pub uncapped: Decimal,
    pub total: Decimal,
    /// Codes of the veto items that fired.
    pub vetoes: Vec<String>,
    pub grade: Grade,
}

impl SheetScore {
    /// Items that require evidence and have none: a self-assessment cannot be submitted
    /// while this is non-empty.
    pub fn missing_evidence(&self) -> Vec<&str> {
        self.all_items().filter(|i| i.evidence_missing).map(|i| i.code.as_str()).collect()
    }

    pub fn all_items(&self) -> impl Iterator<Item = &ItemScore> {
        self.aspects.iter().flat_map(|a| a.items.iter())
    }
}

/// Scores a sheet. Every deduction and scored item needs an entry (an explicit 0 deducted
/// is part of the record); a bonus item without one earns nothing and a veto item without
/// one did not fire.
pub fn score_sheet(standard: &Standard, entries: &[SheetEntry]) -> Result<SheetScore, SheetError> {
    standard.validate().map_err(SheetError::Standard)?;
    let mut by_code: BTreeMap<&str, &SheetEntry> = BTreeMap::new();
    for e in entries {
        if standard.item(&e.item).is_none() {
            return Err(SheetError::UnknownItem(e.item.clone()));
        }
        if by_code.insert(e.item.as_str(), e).is_some() {
            return Err(SheetError::Duplicate(e.item.clone()));
        }
    }
    let mut aspects = Vec::with_capacity(standard.aspects.len());
    let mut vetoes = Vec::new();
    for aspect in &standard.aspects {
        let mut items = Vec::with_capacity(aspect.items.len());
        for item in &aspect.items {
            let entry = by_code.get(item.code.as_str()).copied();
            let scored = score_item(item, entry)?;
            if scored.vetoed {
                vetoes.push(item.code.clone());
            }
            items.push(scored);
        }
        let base = |i: &&ItemScore| matches!(i.kind, ItemKind::Deduction | ItemKind::Scored);
        let base_points: Decimal = items.iter().filter(base).map(|i| i.points).sum();
        let base_max: Decimal = items.iter().filter(base).map(|i| i.max_points).sum();
        let bonus: Decimal = items.iter().filter(|i| i.kind == ItemKind::Bonus).map(|i| i.points).sum();
        let share = if base_max.is_zero() { Decimal::ZERO } else { aspect.weight * base_points / base_max };
        aspects.push(AspectScore {
            code: aspect.code.clone(),
            name: aspect.name.clone(),
            weight: aspect.weight,
            base_points,
            base_max,
            bonus,
            contribution: round_score(share + bonus),
            items,
        });
    }
    let uncapped: Decimal = aspects.iter().map(|a| a.contribution).sum();
    let total = standard.total_cap.map_or(uncapped, |cap| uncapped.min(cap));
    let grade = standard.bands.grade(total, !vetoes.is_empty());
    Ok(SheetScore {
        standard: standard.code.clone(),
        version: standard.version,
        aspects,
        uncapped,
        total,
        vetoes,
        grade,
    })
}

fn score_item(item: &Item, entry: Option<&SheetEntry>) -> Result<ItemScore, SheetError> {
    let wrong = |expected| SheetError::WrongInput { item: item.code.clone(), expected };
    let range = |v: Decimal| {
        if v < Decimal::ZERO || v > item.max_points {
            Err(SheetError::OutOfRange { item: item.code.clone(), max: item.max_points })
        } else {
            Ok(v)
        }
    };
    let mut measured = None;
    let mut vetoed = false;
    let points = match (item.kind, &item.auto, entry.map(|e| &e.input)) {
        (ItemKind::Veto, _, None) => Decimal::ZERO,
        (ItemKind::Veto, _, Some(ItemInput::Veto(v))) => {
            vetoed = *v;
            Decimal::ZERO
        }
        (ItemKind::Veto, _, Some(_)) => return Err(wrong("是否触发")),
        (ItemKind::Bonus, None, None) => Decimal::ZERO,
        (_, None, None) | (_, Some(_), None) => return Err(SheetError::Missing(item.code.clone())),
        (_, Some(rule), Some(ItemInput::Measured(v))) => {
            measured = Some(*v);
            rule.mapping.points(*v, item.max_points)
        }
        (_, Some(_), Some(_)) => return Err(wrong("平台取数的数值")),
        (ItemKind::Deduction, None, Some(ItemInput::Manual(d))) => item.max_points - range(*d)?,
        (_, None, Some(ItemInput::Manual(p))) => range(*p)?,
        (_, None, Some(_)) => return Err(wrong("分值")),
    };
    let lost = match item.kind {
        ItemKind::Deduction | ItemKind::Scored => item.max_points - points,
        ItemKind::Bonus | ItemKind::Veto => Decimal::ZERO,
    };
    let has_evidence = entry.is_some_and(|e| !e.evidence.is_empty());
    // Evidence backs a claim; a veto that did not fire and an unclaimed bonus claim nothing.
    let claims = match item.kind {
        ItemKind::Veto => false,
        ItemKind::Bonus => points > Decimal::ZERO,
        _ => item.auto.is_none(),
    };
    Ok(ItemScore {
        code: item.code.clone(),
        name: item.name.clone(),
        kind: item.kind,
        max_points: item.max_points,
        points,
        lost,
        vetoed,
        evidence_missing: claims && !item.evidence.is_empty() && !has_evidence,
        measured,
        note: entry.map(|e| e.note.clone()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;
