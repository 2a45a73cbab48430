//! 党性积分: a catalogue of actions with points and caps, an append-only ledger, and
//! reversing entries for corrections.
//!
//! The mechanics follow the best-documented points system, 学习强国 (domain-rules.md
//! §2.8): every action type has caps, quizzes score partial marks, and the ledger keeps a
//! reason per entry. The catalogue's numbers are a **proposal** for 党性积分 (no central
//! rule sets them) and live in data. What the 2019 backlash taught is built in: rankings
//! are off unless an organisation turns them on, and a member always sees their own lines.
//!
//! Entries are never edited or deleted. A correction is a reversing entry that carries the
//! original's date (so the year it counted in is restored, even when corrected in January)
//! and the negated points, and references it; an entry can be reversed once.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use super::{ConfigError, round_score, standard::is_valid_code};

/// A member's id as stored.
pub type MemberId = i64;

/// Whether an action adds or removes points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sign {
    Award,
    Deduct,
}

impl Sign {
    pub fn code(self) -> &'static str {
        match self {
            Sign::Award => "award",
            Sign::Deduct => "deduct",
        }
    }

    pub fn from_code(code: &str) -> Option<Sign> {
        [Sign::Award, Sign::Deduct].into_iter().find(|s| s.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            Sign::Award => "加分",
            Sign::Deduct => "扣分",
        }
    }
}

/// One action type of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointRule {
    pub action: String,
    pub name: String,
    /// Points per unit of the event's quantity (per attendance, per hour, per full marks).
    pub points: Decimal,
    pub sign: Sign,
    /// Caps on the points of this action per calendar day, month and year (absolute values).
    pub per_day: Option<Decimal>,
    pub per_month: Option<Decimal>,
    pub per_year: Option<Decimal>,
    /// Granted only on an application with evidence that the branch approves; platform
    /// events never produce it on their own.
    pub by_application: bool,
}

/// The rule catalogue of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    pub rules: Vec<PointRule>,
    /// Whether rankings may be shown; off by default (domain-rules.md §1, §2.8).
    pub rankings_enabled: bool,
}

impl Catalogue {
    pub fn rule(&self, action: &str) -> Option<&PointRule> {
        self.rules.iter().find(|r| r.action == action)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        for (i, r) in self.rules.iter().enumerate() {
            let field = format!("第 {} 条积分规则", i + 1);
            if !is_valid_code(&r.action) {
                return Err(ConfigError::new(field, "行为编号只能用字母、数字、下划线、点和连字符（至多 40 个）"));
            }
            if r.name.trim().is_empty() {
                return Err(ConfigError::new(field, format!("行为 {} 的名称不能为空", r.action)));
            }
            if self.rules[..i].iter().any(|o| o.action == r.action) {
                return Err(ConfigError::new(field, format!("行为编号 {} 重复", r.action)));
            }
            if r.points <= Decimal::ZERO {
                return Err(ConfigError::new(field, "分值须大于 0（扣分请选择“扣分”）"));
            }
            if [r.per_day, r.per_month, r.per_year].iter().flatten().any(|c| *c < Decimal::ZERO) {
                return Err(ConfigError::new(field, "上限不能为负数"));
            }
        }
        Ok(())
    }
}

fn rule(action: &str, name: &str, points: i64, sign: Sign, caps: [Option<i64>; 3], by_application: bool) -> PointRule {
    PointRule {
        action: action.to_owned(),
        name: name.to_owned(),
        points: Decimal::from(points),
        sign,
        per_day: caps[0].map(Decimal::from),
        per_month: caps[1].map(Decimal::from),
        per_year: caps[2].map(Decimal::from),
        by_application,
    }
}

/// The default catalogue (a proposal, to be edited per organisation): the platform events
/// the issue names (attendance, dues on time, quizzes, volunteer hours) plus applications.
pub fn default_catalogue() -> Catalogue {
    use Sign::{Award, Deduct};
    Catalogue {
        rules: vec![
            rule("org_life_attendance", "参加组织生活", 2, Award, [None, Some(10), None], false),
            rule("org_life_absence", "无故缺席组织生活", 2, Deduct, [None, None, None], false),
            rule("dues_on_time", "按月足额交纳党费", 1, Award, [None, Some(1), Some(12)], false),
            rule("dues_late", "逾期交纳党费", 1, Deduct, [None, Some(1), None], false),
            // quantity = the share of full marks (0.6 for 60 分), so partial marks earn part.
            rule("quiz", "知识测试（满分计 5 分）", 5, Award, [None, Some(10), None], false),
            rule("volunteer_hour", "志愿服务（每小时）", 1, Award, [Some(8), None, Some(50)], false),
            rule("daily_study", "每日学习", 1, Award, [Some(1), None, None], false),
            rule("honour", "获得表彰（申报）", 5, Award, [None, None, Some(20)], true),
            rule("good_deed", "为群众办实事（申报）", 2, Award, [None, Some(6), None], true),
        ],
        rankings_enabled: false,
    }
}

/// An event that earns (or costs) points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointEvent {
    pub member: MemberId,
    pub on: Date,
    pub action: String,
    /// Units of the action (1 attendance, 2.5 hours, 0.8 of full marks).
    pub quantity: Decimal,
    /// Whether an application for this event has been approved by the branch.
    pub approved_application: bool,
}

/// A ledger line waiting for its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub member: MemberId,
    /// The day the points count for (for a reversal: the original's day).
    pub on: Date,
    pub action: String,
    /// Signed: deductions and reversals of awards are negative.
    pub points: Decimal,
    pub reverses: Option<i64>,
    pub reason: String,
}

impl NewEntry {
    pub fn with_id(self, id: i64) -> LedgerEntry {
        LedgerEntry {
            id,
            member: self.member,
            on: self.on,
            action: self.action,
            points: self.points,
            reverses: self.reverses,
            reason: self.reason,
        }
    }
}

/// A stored ledger line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    pub id: i64,
    pub member: MemberId,
    pub on: Date,
    pub action: String,
    pub points: Decimal,
    pub reverses: Option<i64>,
    pub reason: String,
}

/// A cap's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CapPeriod {
    Day,
    Month,
    Year,
}

impl CapPeriod {
    pub fn name(self) -> &'static str {
        match self {
            CapPeriod::Day => "每日",
            CapPeriod::Month => "每月",
            CapPeriod::Year => "每年",
        }
    }

    fn contains(self, a: Date, b: Date) -> bool {
        match self {
            CapPeriod::Day => a == b,
            CapPeriod::Month => a.year() == b.year() && a.month() == b.month(),
            CapPeriod::Year => a.year() == b.year(),
        }
    }
}

/// Why a grant was cut: the cap, and what had already been counted in its period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clip {
    pub period: CapPeriod,
    pub cap: Decimal,
    pub used: Decimal,
}

/// What an event actually earns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Signed points before caps.
    pub requested: Decimal,
    /// The entry to append (its points may be 0 when a cap is reached; the caller may
    /// still record it so the member sees why nothing was added).
    pub entry: NewEntry,
    pub clip: Option<Clip>,
}

/// Why points could not be granted or reversed; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PointsError {
    UnknownAction(String),
    BadQuantity,
    NeedsApproval(String),
    NotFound(i64),
    AlreadyReversed(i64),
    ReversalOfReversal(i64),
    ReasonRequired,
}

impl fmt::Display for PointsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointsError::UnknownAction(a) => write!(f, "积分规则中没有行为 {a}"),
            PointsError::BadQuantity => write!(f, "数量须大于 0"),
            PointsError::NeedsApproval(n) => write!(f, "“{n}”须经支部审核同意后计分"),
            PointsError::NotFound(id) => write!(f, "积分记录 {id} 不存在"),
            PointsError::AlreadyReversed(id) => write!(f, "积分记录 {id} 已冲正，不能再次冲正"),
            PointsError::ReversalOfReversal(id) => write!(f, "记录 {id} 本身是冲正记录，不能冲正"),
            PointsError::ReasonRequired => write!(f, "冲正须填写理由"),
        }
    }
}

impl std::error::Error for PointsError {}

/// The points an event earns given the ledger so far, clipped to the rule's caps. Caps
/// count net points of the same member and action in the period (a reversed entry frees
/// its room again). `ledger` may be the whole ledger or only this member's entries of the
/// event's year: nothing else is read.
pub fn grant(catalogue: &Catalogue, ledger: &[LedgerEntry], event: &PointEvent) -> Result<Grant, PointsError> {
    let rule = catalogue.rule(&event.action).ok_or_else(|| PointsError::UnknownAction(event.action.clone()))?;
    if event.quantity <= Decimal::ZERO {
        return Err(PointsError::BadQuantity);
    }
    if rule.by_application && !event.approved_application {
        return Err(PointsError::NeedsApproval(rule.name.clone()));
    }
    let magnitude = round_score(rule.points * event.quantity);
    let mut allowed = magnitude;
    let mut clip = None;
    for (period, cap) in
        [(CapPeriod::Day, rule.per_day), (CapPeriod::Month, rule.per_month), (CapPeriod::Year, rule.per_year)]
    {
        let Some(cap) = cap else { continue };
        let net: Decimal = ledger
            .iter()
            .filter(|e| e.member == event.member && e.action == event.action && period.contains(e.on, event.on))
            .map(|e| e.points)
            .sum();
        let used = match rule.sign {
            Sign::Award => net,
            Sign::Deduct => -net,
        }
        .max(Decimal::ZERO);
        let room = (cap - used).max(Decimal::ZERO);
        if room < allowed {
            allowed = room;
            clip = Some(Clip { period, cap, used });
        }
    }
    let signed = |v: Decimal| if rule.sign == Sign::Deduct { -v } else { v };
    let reason = match &clip {
        None => rule.name.clone(),
        Some(c) => format!("{}（已达{}上限 {} 分，本次计 {} 分）", rule.name, c.period.name(), c.cap, allowed),
    };
    Ok(Grant {
        requested: signed(magnitude),
        entry: NewEntry {
            member: event.member,
            on: event.on,
            action: rule.action.clone(),
            points: signed(allowed),
            reverses: None,
            reason,
        },
        clip,
    })
}

/// The reversing entry for `id`: negated points on the original's day, referencing it.
pub fn reverse(ledger: &[LedgerEntry], id: i64, reason: &str) -> Result<NewEntry, PointsError> {
    let original = ledger.iter().find(|e| e.id == id).ok_or(PointsError::NotFound(id))?;
    if original.reverses.is_some() {
        return Err(PointsError::ReversalOfReversal(id));
    }
    if ledger.iter().any(|e| e.reverses == Some(id)) {
        return Err(PointsError::AlreadyReversed(id));
    }
    if reason.trim().is_empty() {
        return Err(PointsError::ReasonRequired);
    }
    Ok(NewEntry {
        member: original.member,
        on: original.on,
        action: original.action.clone(),
        points: -original.points,
        reverses: Some(id),
        reason: format!("冲正：{}", reason.trim()),
    })
}

/// A member's balance for a calendar year.
pub fn balance(ledger: &[LedgerEntry], member: MemberId, year: i32) -> Decimal {
    ledger.iter().filter(|e| e.member == member && e.on.year() == year).map(|e| e.points).sum()
}

/// Every member's balance for a calendar year.
pub fn balances(ledger: &[LedgerEntry], year: i32) -> BTreeMap<MemberId, Decimal> {
    let mut out = BTreeMap::new();
    for e in ledger.iter().filter(|e| e.on.year() == year) {
        *out.entry(e.member).or_insert(Decimal::ZERO) += e.points;
    }
    out
}

/// One line of a member's own statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine<'a> {
    pub entry: &'a LedgerEntry,
    /// The id of the entry that reversed this one, if any.
    pub reversed_by: Option<i64>,
    /// The balance after this line.
    pub running: Decimal,
}

/// A member's lines for a year, by day then id, with running balance: what they see.
pub fn statement(ledger: &[LedgerEntry], member: MemberId, year: i32) -> Vec<StatementLine<'_>> {
    let mut lines: Vec<&LedgerEntry> = ledger.iter().filter(|e| e.member == member && e.on.year() == year).collect();
    lines.sort_by_key(|e| (e.on, e.id));
    let mut running = Decimal::ZERO;
    lines
        .into_iter()
        .map(|entry| {
            running += entry.points;
            let reversed_by = ledger.iter().find(|r| r.reverses == Some(entry.id)).map(|r| r.id);
            StatementLine { entry, reversed_by, running }
        })
        .collect()
}

/// A ranking of balances, highest first with competition ranks (1, 2, 2, 4); `None` unless
/// the organisation turned rankings on.
pub fn ranking(catalogue: &Catalogue, balances: &BTreeMap<MemberId, Decimal>) -> Option<Vec<(MemberId, Decimal, u32)>> {
    if !catalogue.rankings_enabled {
        return None;
    }
    let mut rows: Vec<(MemberId, Decimal)> = balances.iter().map(|(m, b)| (*m, *b)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out: Vec<(MemberId, Decimal, u32)> = Vec::with_capacity(rows.len());
    for (i, (m, b)) in rows.into_iter().enumerate() {
        let rank = match out.last() {
            Some((_, pb, pr)) if *pb == b => *pr,
            _ => i as u32 + 1,
        };
        out.push((m, b, rank));
    }
    Some(out)
}

#[cfg(test)]
mod tests;
