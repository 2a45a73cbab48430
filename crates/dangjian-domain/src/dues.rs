//! 党费: how much a member owes each month, when back payment is still allowed, approved
//! reductions, and arrears.
//!
//! The amounts follow 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号, in force
//! from 2008-04-01). The brackets are **data** ([`RuleSet`]) with an effective date, kept in
//! a [`RuleBook`]: when the 中组部 issues a new rule, an administrator adds a rule set that
//! takes effect on its date, and months before that date keep being assessed under the
//! old one. No release is needed and history is never recomputed with the wrong table.
//!
//! The rate is **not progressive**: one rate applies to the whole base, so the amount
//! jumps at every bracket edge (3000.00 → 15.00 but 3000.01 → 30.00). That is what the
//! rule says, and the tests pin every cliff. All money is [`Decimal`]; floats never touch
//! it, because 0.5 % of 1234.57 must be exactly 6.17285 before it is rounded.

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;

use crate::month::YearMonth;

/// The 2008 rule's effective date, 2008-04-01.
const CPC_2008_EFFECTIVE: Date = match Date::from_ordinal_date(2008, 92) {
    Ok(d) => d,
    Err(_) => Date::MIN,
};

/// How far back a member may pay missed dues: at most 6 months under 中组发〔2008〕3号,
/// so dues for March may be paid up to September, not in October.
pub const MAX_BACK_PAY_MONTHS: u32 = 6;

/// The largest base accepted: 10^12 元 a month. Far beyond any real income, it exists so
/// that a typo with extra digits is refused with a message instead of producing an amount
/// that cannot be shown to the fen.
pub const MAX_BASE: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// 党章第九条: "党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党
/// 所分配的工作，就被认为是自行脱党。" After this many consecutive unpaid months the branch
/// must look at the member's case.
pub const LAPSE_MONTHS: u32 = 6;

/// What a member is assessed as. Chosen per member (and per month, since a member who
/// retires changes category); the caller supplies the base that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Category {
    /// 在职: base is the relatively fixed, regular part of the monthly wage after tax.
    InService,
    /// 年薪制: base is that month's actual pay; in-service brackets apply.
    AnnualSalary,
    /// 无固定工资收入 (个体经营等): base is the previous quarter's average monthly net
    /// income, computed by the caller; in-service brackets apply.
    SelfEmployed,
    /// 离退休: base per [`RetiredBase`]; retired brackets apply.
    Retired,
    /// 农民党员: a flat amount the province sets (0.2–1 元).
    Farmer,
    /// 学生: flat 0.2 元.
    Student,
    /// 下岗失业、依靠抚恤或救济生活、领取最低生活保障金: flat 0.2 元.
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::InService,
        Category::AnnualSalary,
        Category::SelfEmployed,
        Category::Retired,
        Category::Farmer,
        Category::Student,
        Category::Other,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Category::InService => "in_service",
            Category::AnnualSalary => "annual_salary",
            Category::SelfEmployed => "self_employed",
            Category::Retired => "retired",
            Category::Farmer => "farmer",
            Category::Student => "student",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Category::InService => "在职",
            Category::AnnualSalary => "年薪制",
            Category::SelfEmployed => "无固定工资收入",
            Category::Retired => "离退休",
            Category::Farmer => "农民",
            Category::Student => "学生",
            Category::Other => "下岗失业、抚恤救济、低保",
        }
    }

    /// Whether this category pays a fixed amount, so no base needs to be entered.
    pub fn is_flat(self) -> bool {
        matches!(self, Category::Farmer | Category::Student | Category::Other)
    }
}

/// One row of a bracket table: bases up to and including `upper_inclusive` pay `rate` on
/// the whole base. The last row has no upper bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bracket {
    pub upper_inclusive: Option<Decimal>,
    /// A fraction: 0.005 is 0.5 %.
    pub rate: Decimal,
}

impl Bracket {
    pub fn new(upper_inclusive: Option<Decimal>, rate: Decimal) -> Bracket {
        Bracket { upper_inclusive, rate }
    }
}

/// The unit an amount is rounded to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RoundingUnit {
    /// 分 (0.01 元).
    #[default]
    Fen,
    /// 角 (0.1 元).
    Jiao,
    /// 元.
    Yuan,
}

/// How the remainder is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RoundingMode {
    /// 四舍五入.
    #[default]
    HalfUp,
    /// Always up (进位): the member never pays less than the exact amount.
    Up,
    /// Always down (舍去).
    Down,
}

/// How `base × rate` becomes an amount of money. 中组发〔2008〕3号 does not say, so this is
/// part of the rule set; the default, 四舍五入 to the 分, is what collection systems use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Rounding {
    pub unit: RoundingUnit,
    pub mode: RoundingMode,
}

impl Rounding {
    /// 四舍五入 to 0.01 元 (the default).
    pub fn to_cents() -> Rounding {
        Rounding { unit: RoundingUnit::Fen, mode: RoundingMode::HalfUp }
    }

    /// 四舍五入 to 0.1 元.
    pub fn to_jiao() -> Rounding {
        Rounding { unit: RoundingUnit::Jiao, mode: RoundingMode::HalfUp }
    }

    /// Rounds a non-negative amount and gives it two decimal places, so it prints as
    /// money ("6.20", "15.00").
    pub fn apply(self, amount: Decimal) -> Decimal {
        let dp = match self.unit {
            RoundingUnit::Fen => 2,
            RoundingUnit::Jiao => 1,
            RoundingUnit::Yuan => 0,
        };
        let strategy = match self.mode {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
            RoundingMode::Down => RoundingStrategy::ToZero,
        };
        let mut rounded = amount.round_dp_with_strategy(dp, strategy);
        rounded.rescale(2);
        rounded
    }
}

/// What counts as a retired member's base. The 2008 text says the total actually received
/// (实际领取的离退休费总额); later local notices use the basic pension only, without
/// allowances. The calculation is the same; this tells the form what to ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetiredBase {
    /// 实际领取的离退休费总额 (中组发〔2008〕3号).
    #[default]
    ActualTotal,
    /// 基本离退休费 / 基本养老金, excluding 津贴补贴 (later local notices).
    BasicPension,
}

impl RetiredBase {
    /// The label of the base field on the form.
    pub fn label(self) -> &'static str {
        match self {
            RetiredBase::ActualTotal => "每月实际领取的离退休费总额",
            RetiredBase::BasicPension => "每月基本离退休费（基本养老金）",
        }
    }
}

/// One version of the dues rules, in force from `effective_from` until the next version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    pub effective_from: Date,
    /// Where the rule comes from, shown beside the amount (e.g. "中组发〔2008〕3号").
    pub source: String,
    /// In service, 年薪制 and self-employed members, ascending by upper bound.
    pub in_service: Vec<Bracket>,
    /// Retired members, ascending by upper bound.
    pub retired: Vec<Bracket>,
    pub retired_base: RetiredBase,
    /// Students and [`Category::Other`]: 0.20 元 a month.
    pub flat: Decimal,
    /// Farmers: set by the province within 0.2–1 元; 0.20 by default.
    pub farmer_flat: Decimal,
    pub rounding: Rounding,
    /// A voluntary extra payment of at least this much in one go goes entirely to the
    /// Centre (1000 元 under 中组发〔2008〕3号).
    pub large_voluntary_threshold: Decimal,
}

/// Anything that stops an amount from being computed or a payment from being accepted.
/// The messages are shown to users as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DuesError {
    NegativeBase { base: Decimal },
    TooLarge,
    NoRuleInForce { month: YearMonth },
    InvalidRule(String),
    BackPayTooLate { due_month: YearMonth, paid_month: YearMonth, max_months: u32 },
    InvalidAdjustment(String),
}

impl fmt::Display for DuesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DuesError::NegativeBase { base } => write!(f, "党费计算基数不能为负数（填写的是 {base} 元）"),
            DuesError::TooLarge => write!(f, "党费计算基数过大，请核对金额"),
            DuesError::NoRuleInForce { month } => write!(f, "{month} 没有适用的党费收缴标准"),
            DuesError::InvalidRule(why) => write!(f, "党费收缴标准设置有误：{why}"),
            DuesError::BackPayTooLate { due_month, paid_month, max_months } => write!(
                f,
                "{due_month} 的党费已超过补交期限：补交最长不超过 {max_months} 个月，\
                 最晚应在 {} 交纳，交纳月份为 {paid_month}",
                due_month.add_months(i64::from(*max_months))
            ),
            DuesError::InvalidAdjustment(why) => write!(f, "少交或免交党费的审批信息有误：{why}"),
        }
    }
}

impl std::error::Error for DuesError {}

/// How an amount was arrived at, for the "基数 × 比例 = 应交" line on the member's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub category: Category,
    pub base: Decimal,
    /// `None` for flat amounts.
    pub rate: Option<Decimal>,
    /// `base × rate` before rounding (the flat amount for flat categories).
    pub exact: Decimal,
    pub due: Decimal,
    /// The rule set's `effective_from`.
    pub rule_effective_from: Date,
    pub rule_source: String,
}

fn dec(num: i64, scale: u32) -> Decimal {
    Decimal::new(num, scale)
}

impl RuleSet {
    /// 中组发〔2008〕3号 as published: in service ≤3000 0.5 %, ≤5000 1 %, ≤10000 1.5 %,
    /// above 2 %; retired ≤5000 0.5 %, above 1 %; students and others 0.2 元.
    pub fn cpc_2008() -> RuleSet {
        RuleSet {
            effective_from: CPC_2008_EFFECTIVE,
            source: "中组发〔2008〕3号".to_string(),
            in_service: vec![
                Bracket::new(Some(dec(3000, 0)), dec(5, 3)),
                Bracket::new(Some(dec(5000, 0)), dec(1, 2)),
                Bracket::new(Some(dec(10000, 0)), dec(15, 3)),
                Bracket::new(None, dec(2, 2)),
            ],
            retired: vec![Bracket::new(Some(dec(5000, 0)), dec(5, 3)), Bracket::new(None, dec(1, 2))],
            retired_base: RetiredBase::default(),
            flat: dec(20, 2),
            farmer_flat: dec(20, 2),
            rounding: Rounding::default(),
            large_voluntary_threshold: dec(1000, 0),
        }
    }

    /// Checks that the table can be applied to every base: each list ascending, only the
    /// last row open-ended, rates between 0 and 1, flat amounts not negative.
    pub fn validate(&self) -> Result<(), DuesError> {
        for (name, brackets) in [("在职", &self.in_service), ("离退休", &self.retired)] {
            let Some(last) = brackets.last() else {
                return Err(DuesError::InvalidRule(format!("{name}比例表为空")));
            };
            if last.upper_inclusive.is_some() {
                return Err(DuesError::InvalidRule(format!("{name}比例表最后一档应不设上限")));
            }
            let mut previous: Option<Decimal> = None;
            for b in brackets {
                if b.rate < Decimal::ZERO || b.rate > Decimal::ONE {
                    return Err(DuesError::InvalidRule(format!("{name}比例 {} 不在 0 到 1 之间", b.rate)));
                }
                if let Some(upper) = b.upper_inclusive {
                    if upper <= Decimal::ZERO || previous.is_some_and(|p| upper <= p) {
                        return Err(DuesError::InvalidRule(format!("{name}比例表各档上限应为正数且依次递增")));
                    }
                    previous = Some(upper);
                } else if !std::ptr::eq(b, last) {
                    return Err(DuesError::InvalidRule(format!("{name}比例表只有最后一档可以不设上限")));
                }
            }
        }
        for (name, amount) in [("固定金额", self.flat), ("农民党员固定金额", self.farmer_flat)] {
            if amount < Decimal::ZERO {
                return Err(DuesError::InvalidRule(format!("{name}不能为负数")));
            }
        }
        if self.large_voluntary_threshold <= Decimal::ZERO {
            return Err(DuesError::InvalidRule("大额自愿交纳的标准应为正数".to_string()));
        }
        Ok(())
    }

    /// The rate for a base under a bracket table: the first row whose upper bound is at
    /// least the base. Not progressive — this one rate applies to the whole base.
    fn rate_in(brackets: &[Bracket], base: Decimal) -> Decimal {
        brackets
            .iter()
            .find(|b| b.upper_inclusive.is_none_or(|upper| base <= upper))
            .or(brackets.last())
            .map_or(Decimal::ZERO, |b| b.rate)
    }

    /// The rate that applies to `base` for a category paid by percentage; `None` for flat
    /// categories.
    pub fn rate_for(&self, category: Category, base: Decimal) -> Option<Decimal> {
        match category {
            Category::InService | Category::AnnualSalary | Category::SelfEmployed => {
                Some(RuleSet::rate_in(&self.in_service, base))
            }
            Category::Retired => Some(RuleSet::rate_in(&self.retired, base)),
            Category::Farmer | Category::Student | Category::Other => None,
        }
    }

    /// The month's dues for one member under this rule set, with the working.
    pub fn assess(&self, category: Category, base: Decimal) -> Result<Assessment, DuesError> {
        if base.is_sign_negative() && !base.is_zero() {
            return Err(DuesError::NegativeBase { base });
        }
        if base > MAX_BASE {
            return Err(DuesError::TooLarge);
        }
        let (rate, exact) = match self.rate_for(category, base) {
            Some(rate) => (Some(rate), base.checked_mul(rate).ok_or(DuesError::TooLarge)?),
            None if category == Category::Farmer => (None, self.farmer_flat),
            None => (None, self.flat),
        };
        Ok(Assessment {
            category,
            base,
            rate,
            exact,
            due: self.rounding.apply(exact),
            rule_effective_from: self.effective_from,
            rule_source: self.source.clone(),
        })
    }

    /// Whether a voluntary extra payment goes wholly to the Centre (1000 元 or more in one
    /// go under 中组发〔2008〕3号; "以上" includes the figure itself).
    pub fn voluntary_goes_to_centre(&self, amount: Decimal) -> bool {
        amount >= self.large_voluntary_threshold
    }
}

/// Every version of the dues rules, so that each month is assessed under the rule that
/// was in force in that month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleBook {
    /// Sorted by `effective_from`, no two on the same day.
    rules: Vec<RuleSet>,
}

impl RuleBook {
    /// A book of rule sets, each validated. Order does not matter; two sets taking effect
    /// on the same day are refused because it would be unclear which applies.
    pub fn new(mut rules: Vec<RuleSet>) -> Result<RuleBook, DuesError> {
        if rules.is_empty() {
            return Err(DuesError::InvalidRule("至少需要一套收缴标准".to_string()));
        }
        for r in &rules {
            r.validate()?;
        }
        rules.sort_by_key(|r| r.effective_from);
        if rules.windows(2).any(|w| w[0].effective_from == w[1].effective_from) {
            return Err(DuesError::InvalidRule("两套收缴标准的施行日期相同".to_string()));
        }
        Ok(RuleBook { rules })
    }

    /// The book with only 中组发〔2008〕3号.
    pub fn standard() -> RuleBook {
        RuleBook { rules: vec![RuleSet::cpc_2008()] }
    }

    pub fn rules(&self) -> &[RuleSet] {
        &self.rules
    }

    /// The rule set governing `month`: the latest one in force on the month's first day.
    /// A month is assessed under a single rule, so a rule that takes effect mid-month
    /// first applies to the following month.
    pub fn rule_for(&self, month: YearMonth) -> Result<&RuleSet, DuesError> {
        let first = month.first_day();
        self.rules.iter().rev().find(|r| r.effective_from <= first).ok_or(DuesError::NoRuleInForce { month })
    }

    /// The month's dues for a member with the working (rate, exact amount, rule).
    pub fn assess(&self, category: Category, base: Decimal, month: YearMonth) -> Result<Assessment, DuesError> {
        self.rule_for(month)?.assess(category, base)
    }

    /// The month's dues for a member. `base` is ignored for flat categories but must
    /// still not be negative.
    pub fn monthly_due(&self, category: Category, base: Decimal, month: YearMonth) -> Result<Decimal, DuesError> {
        Ok(self.assess(category, base, month)?.due)
    }
}

/// The first month a new member owes dues: under 中组发〔2008〕3号 a 预备党员 pays from
/// the day the 支部大会 passes the admission, so from that day's month.
pub fn dues_start_month(branch_meeting_admitted_on: Date) -> YearMonth {
    YearMonth::of(branch_meeting_admitted_on)
}

/// Whether dues for `due_month` may still be paid on `paid_on`, under the 6-month limit
/// of 中组发〔2008〕3号. Paying in the month itself or in advance is always allowed.
pub fn can_back_pay(due_month: YearMonth, paid_on: Date) -> Result<(), DuesError> {
    can_back_pay_within(due_month, paid_on, MAX_BACK_PAY_MONTHS)
}

/// [`can_back_pay`] with a different limit, for a unit whose rules are stricter.
pub fn can_back_pay_within(due_month: YearMonth, paid_on: Date, max_months: u32) -> Result<(), DuesError> {
    let paid_month = YearMonth::of(paid_on);
    if paid_month.months_since(due_month) > i64::from(max_months) {
        return Err(DuesError::BackPayTooLate { due_month, paid_month, max_months });
    }
    Ok(())
}

/// What an approved adjustment does to the months it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentKind {
    /// 少交: the member pays this much a month instead (never more than the amount due).
    Reduce { monthly_amount: Decimal },
    /// 免交: the member pays nothing.
    Exempt,
}

impl AdjustmentKind {
    pub fn name(self) -> &'static str {
        match self {
            AdjustmentKind::Reduce { .. } => "少交",
            AdjustmentKind::Exempt => "免交",
        }
    }
}

/// An approved 少交 or 免交. 中组发〔2008〕3号: a member in genuine hardship applies, the
/// 支部 discusses it and the higher 党委 approves. The fields are private and the only
/// constructor is [`Adjustment::approve`], so an adjustment without an approving body,
/// date and reason cannot exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustment {
    kind: AdjustmentKind,
    from: YearMonth,
    through: YearMonth,
    branch_discussed_on: Date,
    approved_by: String,
    approved_on: Date,
    reason: String,
}

impl Adjustment {
    /// Records an approval. Refused when a field is missing or the dates are out of
    /// order (the 党委 approves after the 支部 discussed it).
    pub fn approve(
        kind: AdjustmentKind,
        from: YearMonth,
        through: YearMonth,
        branch_discussed_on: Date,
        approved_by: &str,
        approved_on: Date,
        reason: &str,
    ) -> Result<Adjustment, DuesError> {
        let bad = |why: &str| Err(DuesError::InvalidAdjustment(why.to_string()));
        if let AdjustmentKind::Reduce { monthly_amount } = kind
            && monthly_amount.is_sign_negative()
            && !monthly_amount.is_zero()
        {
            return bad("少交后的金额不能为负数");
        }
        if through < from {
            return bad("结束月份早于开始月份");
        }
        if approved_by.trim().is_empty() {
            return bad("须写明审批的上级党委");
        }
        if reason.trim().is_empty() {
            return bad("须写明少交或免交的理由");
        }
        if approved_on < branch_discussed_on {
            return bad("上级党委审批日期早于支部讨论日期");
        }
        Ok(Adjustment {
            kind,
            from,
            through,
            branch_discussed_on,
            approved_by: approved_by.trim().to_string(),
            approved_on,
            reason: reason.trim().to_string(),
        })
    }

    pub fn kind(&self) -> AdjustmentKind {
        self.kind
    }
    pub fn from(&self) -> YearMonth {
        self.from
    }
    pub fn through(&self) -> YearMonth {
        self.through
    }
    pub fn branch_discussed_on(&self) -> Date {
        self.branch_discussed_on
    }
    pub fn approved_by(&self) -> &str {
        &self.approved_by
    }
    pub fn approved_on(&self) -> Date {
        self.approved_on
    }
    pub fn reason(&self) -> &str {
        &self.reason
    }

    pub fn covers(&self, month: YearMonth) -> bool {
        self.from <= month && month <= self.through
    }

    /// The amount owed for `month` after this adjustment. An adjustment only ever lowers
    /// the amount.
    pub fn apply(&self, month: YearMonth, due: Decimal) -> Decimal {
        if !self.covers(month) {
            return due;
        }
        match self.kind {
            AdjustmentKind::Exempt => Decimal::new(0, 2),
            AdjustmentKind::Reduce { monthly_amount } => {
                let mut amount = monthly_amount.min(due);
                amount.rescale(2);
                amount
            }
        }
    }
}

/// The amount owed for `month` after every approved adjustment that covers it; where
/// two overlap, the lower amount wins.
pub fn due_after_adjustments(due: Decimal, month: YearMonth, adjustments: &[Adjustment]) -> Decimal {
    adjustments.iter().map(|a| a.apply(month, due)).fold(due, Decimal::min)
}

/// How many months in a row, ending with `through`, have no payment — the run that
/// decides 自行脱党 under 党章第九条. Months before `start` (the [`dues_start_month`], or
/// the month the member's relation moved here) are not counted. Pass months covered by
/// an approved 免交 as paid: they are settled.
pub fn consecutive_unpaid_months(paid_months: &[YearMonth], through: YearMonth, start: YearMonth) -> u32 {
    let paid: BTreeSet<YearMonth> = paid_months.iter().copied().collect();
    let mut count = 0;
    let mut month = through;
    while month >= start && !paid.contains(&month) {
        count += 1;
        if month == YearMonth::MIN {
            break;
        }
        month = month.prev();
    }
    count
}

/// Where a member stands with dues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrearsStatus {
    UpToDate,
    /// Some months unpaid, fewer than the lapse threshold.
    Behind {
        months: u32,
    },
    /// At or over the threshold of 党章第九条: the branch must look at the case.
    LapseRisk {
        months: u32,
    },
}

impl ArrearsStatus {
    /// From a run of unpaid months, with the threshold of 党章第九条 (6).
    pub fn from_unpaid(consecutive_unpaid: u32) -> ArrearsStatus {
        ArrearsStatus::with_threshold(consecutive_unpaid, LAPSE_MONTHS)
    }

    /// From a run of unpaid months, with another threshold.
    pub fn with_threshold(consecutive_unpaid: u32, lapse_months: u32) -> ArrearsStatus {
        match consecutive_unpaid {
            0 => ArrearsStatus::UpToDate,
            n if n >= lapse_months => ArrearsStatus::LapseRisk { months: n },
            n => ArrearsStatus::Behind { months: n },
        }
    }

    /// The warning shown to the branch's officers, if any.
    pub fn warning(self) -> Option<String> {
        match self {
            ArrearsStatus::UpToDate => None,
            ArrearsStatus::Behind { months } => Some(format!("已连续 {months} 个月未交纳党费，请及时提醒。")),
            ArrearsStatus::LapseRisk { months } => Some(format!(
                "已连续 {months} 个月未交纳党费。党章第九条规定，党员没有正当理由连续六个月不交纳党费的，\
                 被认为是自行脱党。请支部尽快核实情况并按规定处理。"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }

    fn due(category: Category, base: &str) -> Decimal {
        RuleBook::standard().monthly_due(category, d(base), ym("2024-06")).unwrap()
    }

    #[test]
    fn effective_date_is_first_of_april_2008() {
        assert_eq!(RuleSet::cpc_2008().effective_from, date!(2008 - 04 - 01));
        RuleSet::cpc_2008().validate().unwrap();
    }

    #[test]
    fn in_service_cliffs() {
        let cases = [
            ("0", "0.00"),
            ("0.01", "0.00"),
            ("1000", "5.00"),
            ("3000.00", "15.00"),
            ("3000.01", "30.00"),
            ("4000", "40.00"),
            ("5000.00", "50.00"),
            ("5000.01", "75.00"),
            ("8000", "120.00"),
            ("10000.00", "150.00"),
            ("10000.01", "200.00"),
            ("25000", "500.00"),
        ];
        for (base, expected) in cases {
            assert_eq!(due(Category::InService, base), d(expected), "base {base}");
            assert_eq!(due(Category::InService, base).to_string(), expected, "base {base} prints as money");
        }
    }

    #[test]
    fn annual_salary_and_self_employed_use_in_service_brackets() {
        for category in [Category::AnnualSalary, Category::SelfEmployed] {
            assert_eq!(due(category, "3000.00"), d("15.00"));
            assert_eq!(due(category, "3000.01"), d("30.00"));
            assert_eq!(due(category, "10000.01"), d("200.00"));
        }
    }

    #[test]
    fn retired_cliffs() {
        assert_eq!(due(Category::Retired, "5000.00"), d("25.00"));
        assert_eq!(due(Category::Retired, "5000.01"), d("50.00"));
        assert_eq!(due(Category::Retired, "3000.01"), d("15.00"));
        assert_eq!(due(Category::Retired, "12000"), d("120.00"));
    }

    #[test]
    fn flat_categories_ignore_the_base() {
        for category in [Category::Student, Category::Other, Category::Farmer] {
            assert!(category.is_flat());
            assert_eq!(due(category, "0"), d("0.20"));
            assert_eq!(due(category, "8000").to_string(), "0.20");
        }
        let mut rule = RuleSet::cpc_2008();
        rule.farmer_flat = d("1.00");
        assert_eq!(rule.assess(Category::Farmer, d("0")).unwrap().due, d("1.00"));
        assert_eq!(rule.assess(Category::Student, d("0")).unwrap().due, d("0.20"));
    }

    #[test]
    fn rounding_defaults_to_cents_and_is_configurable() {
        assert_eq!(due(Category::InService, "1234.57"), d("6.17"));
        let rule = RuleSet::cpc_2008();
        let a = rule.assess(Category::InService, d("1234.57")).unwrap();
        assert_eq!(a.exact, d("6.17285"));
        assert_eq!(a.rate, Some(d("0.005")));
        assert_eq!(a.rule_source, "中组发〔2008〕3号");

        let with = |rounding: Rounding| {
            let mut r = RuleSet::cpc_2008();
            r.rounding = rounding;
            r.assess(Category::InService, d("1234.57")).unwrap().due.to_string()
        };
        assert_eq!(with(Rounding::to_jiao()), "6.20");
        assert_eq!(with(Rounding { unit: RoundingUnit::Fen, mode: RoundingMode::Up }), "6.18");
        assert_eq!(with(Rounding { unit: RoundingUnit::Fen, mode: RoundingMode::Down }), "6.17");
        assert_eq!(with(Rounding { unit: RoundingUnit::Yuan, mode: RoundingMode::HalfUp }), "6.00");
        assert_eq!(with(Rounding { unit: RoundingUnit::Jiao, mode: RoundingMode::Down }), "6.10");
    }

    #[test]
    fn half_cent_rounds_up() {
        // 1001 × 0.005 = 5.005 → 5.01 (四舍五入), not 5.00 (banker's rounding).
        assert_eq!(due(Category::InService, "1001"), d("5.01"));
        assert_eq!(Rounding::to_cents().apply(d("0.125")).to_string(), "0.13");
    }

    #[test]
    fn negative_base_is_refused_in_chinese() {
        let err = RuleBook::standard().monthly_due(Category::InService, d("-0.01"), ym("2024-01")).unwrap_err();
        assert_eq!(err, DuesError::NegativeBase { base: d("-0.01") });
        assert_eq!(err.to_string(), "党费计算基数不能为负数（填写的是 -0.01 元）");
        assert!(RuleBook::standard().monthly_due(Category::Student, d("-1"), ym("2024-01")).is_err());
        // Negative zero is zero.
        assert_eq!(RuleBook::standard().monthly_due(Category::InService, -d("0"), ym("2024-01")).unwrap(), d("0"));
    }

    #[test]
    fn huge_base_is_an_error_not_a_panic() {
        assert_eq!(MAX_BASE, d("1000000000000"));
        let book = RuleBook::standard();
        let err = book.monthly_due(Category::InService, Decimal::MAX, ym("2024-01")).unwrap_err();
        assert_eq!(err, DuesError::TooLarge);
        assert_eq!(err.to_string(), "党费计算基数过大，请核对金额");
        assert!(book.monthly_due(Category::InService, MAX_BASE + d("0.01"), ym("2024-01")).is_err());
        assert_eq!(book.monthly_due(Category::InService, MAX_BASE, ym("2024-01")).unwrap(), d("20000000000"));
    }

    #[test]
    fn no_rule_before_april_2008() {
        let book = RuleBook::standard();
        let err = book.monthly_due(Category::InService, d("3000"), ym("2008-03")).unwrap_err();
        assert_eq!(err, DuesError::NoRuleInForce { month: ym("2008-03") });
        assert_eq!(err.to_string(), "2008-03 没有适用的党费收缴标准");
        assert_eq!(book.monthly_due(Category::InService, d("3000"), ym("2008-04")).unwrap(), d("15.00"));
    }

    #[test]
    fn rule_book_picks_the_rule_in_force_for_the_month() {
        let mut newer = RuleSet::cpc_2008();
        newer.effective_from = date!(2030 - 01 - 15);
        newer.source = "新标准".to_string();
        newer.in_service[0].rate = d("0.004");
        let book = RuleBook::new(vec![newer, RuleSet::cpc_2008()]).unwrap();
        assert_eq!(book.rules()[0].source, "中组发〔2008〕3号");
        // In force mid-January: January is still assessed under the old rule.
        assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2030-01")).unwrap(), d("5.00"));
        assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2030-02")).unwrap(), d("4.00"));
        assert_eq!(book.assess(Category::InService, d("1000"), ym("2030-02")).unwrap().rule_source, "新标准");
        assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2029-12")).unwrap(), d("5.00"));
    }

    #[test]
    fn rule_book_refuses_bad_tables() {
        assert!(RuleBook::new(vec![]).is_err());
        assert!(RuleBook::new(vec![RuleSet::cpc_2008(), RuleSet::cpc_2008()]).is_err());

        let broken = |f: fn(&mut RuleSet)| {
            let mut r = RuleSet::cpc_2008();
            f(&mut r);
            r.validate().unwrap_err()
        };
        broken(|r| r.in_service.clear());
        broken(|r| r.retired[1].upper_inclusive = Some(d("9000")));
        broken(|r| r.in_service[1].upper_inclusive = Some(d("2000")));
        broken(|r| r.in_service[1].upper_inclusive = None);
        broken(|r| r.in_service[0].rate = d("-0.01"));
        broken(|r| r.in_service[0].rate = d("1.5"));
        broken(|r| r.in_service[0].upper_inclusive = Some(d("0")));
        broken(|r| r.flat = d("-0.2"));
        broken(|r| r.farmer_flat = d("-1"));
        broken(|r| r.large_voluntary_threshold = d("0"));
        let msg = broken(|r| r.retired.clear()).to_string();
        assert_eq!(msg, "党费收缴标准设置有误：离退休比例表为空");
    }

    #[test]
    fn categories_round_trip_their_codes() {
        for c in Category::ALL {
            assert_eq!(Category::from_code(c.code()), Some(c));
            assert!(!c.name().is_empty());
        }
        assert_eq!(Category::from_code("nope"), None);
        assert_eq!(RetiredBase::BasicPension.label(), "每月基本离退休费（基本养老金）");
    }

    #[test]
    fn large_voluntary_payments_go_to_the_centre() {
        let r = RuleSet::cpc_2008();
        assert!(!r.voluntary_goes_to_centre(d("999.99")));
        assert!(r.voluntary_goes_to_centre(d("1000")));
        assert!(r.voluntary_goes_to_centre(d("50000")));
    }

    #[test]
    fn probationary_member_pays_from_the_branch_meeting_month() {
        assert_eq!(dues_start_month(date!(2024 - 03 - 31)), ym("2024-03"));
        assert_eq!(dues_start_month(date!(2024 - 04 - 01)), ym("2024-04"));
    }

    #[test]
    fn back_payment_allowed_for_six_months() {
        let march = ym("2024-03");
        assert!(can_back_pay(march, date!(2024 - 02 - 10)).is_ok(), "in advance");
        assert!(can_back_pay(march, date!(2024 - 03 - 31)).is_ok(), "on time");
        assert!(can_back_pay(march, date!(2024 - 09 - 30)).is_ok(), "6 months back");
        let err = can_back_pay(march, date!(2024 - 10 - 01)).unwrap_err();
        assert_eq!(err, DuesError::BackPayTooLate { due_month: march, paid_month: ym("2024-10"), max_months: 6 });
        assert_eq!(
            err.to_string(),
            "2024-03 的党费已超过补交期限：补交最长不超过 6 个月，最晚应在 2024-09 交纳，交纳月份为 2024-10"
        );
        // Across a year end.
        assert!(can_back_pay(ym("2023-11"), date!(2024 - 05 - 31)).is_ok());
        assert!(can_back_pay(ym("2023-11"), date!(2024 - 06 - 01)).is_err());
        // A stricter local limit.
        assert!(can_back_pay_within(march, date!(2024 - 06 - 01), 3).is_ok());
        assert!(can_back_pay_within(march, date!(2024 - 07 - 01), 3).is_err());
    }

    #[test]
    fn adjustments_need_approval_and_only_lower_the_amount() {
        let ok = |kind| {
            Adjustment::approve(
                kind,
                ym("2024-01"),
                ym("2024-06"),
                date!(2023 - 12 - 20),
                "机关党委",
                date!(2023 - 12 - 28),
                "家庭遭遇重大变故",
            )
        };
        let reduce = ok(AdjustmentKind::Reduce { monthly_amount: d("5") }).unwrap();
        assert_eq!(reduce.apply(ym("2024-01"), d("30.00")).to_string(), "5.00");
        assert_eq!(reduce.apply(ym("2024-06"), d("3.00")), d("3.00"), "never raises");
        assert_eq!(reduce.apply(ym("2024-07"), d("30.00")), d("30.00"), "outside the months");
        assert_eq!(reduce.apply(ym("2023-12"), d("30.00")), d("30.00"));
        assert_eq!(reduce.kind().name(), "少交");
        assert_eq!(reduce.approved_by(), "机关党委");

        let exempt = ok(AdjustmentKind::Exempt).unwrap();
        assert_eq!(exempt.apply(ym("2024-03"), d("30.00")).to_string(), "0.00");
        assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[reduce.clone(), exempt]), d("0"));
        assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[reduce]), d("5"));
        assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[]), d("30"));

        let month = ym("2024-01");
        let day = date!(2024 - 01 - 05);
        let exempt = AdjustmentKind::Exempt;
        assert!(Adjustment::approve(exempt, month, month, day, " ", day, "困难").is_err());
        assert!(Adjustment::approve(exempt, month, month, day, "机关党委", day, "").is_err());
        assert!(Adjustment::approve(exempt, month, month.prev(), day, "机关党委", day, "困难").is_err());
        assert!(
            Adjustment::approve(exempt, month, month, day, "机关党委", day.previous_day().unwrap(), "困难").is_err()
        );
        let negative = AdjustmentKind::Reduce { monthly_amount: d("-1") };
        let err = Adjustment::approve(negative, month, month, day, "机关党委", day, "困难").unwrap_err();
        assert_eq!(err.to_string(), "少交或免交党费的审批信息有误：少交后的金额不能为负数");
    }

    #[test]
    fn consecutive_unpaid_counts_back_from_through() {
        let paid = [ym("2024-01"), ym("2024-02"), ym("2024-05")];
        let start = ym("2023-10");
        assert_eq!(consecutive_unpaid_months(&paid, ym("2024-05"), start), 0);
        assert_eq!(consecutive_unpaid_months(&paid, ym("2024-04"), start), 2);
        assert_eq!(consecutive_unpaid_months(&paid, ym("2024-11"), start), 6);
        // Nothing paid: counted from the start month only.
        assert_eq!(consecutive_unpaid_months(&[], ym("2024-03"), ym("2024-01")), 3);
        assert_eq!(consecutive_unpaid_months(&[], ym("2023-12"), ym("2024-01")), 0);
        // The run stops at the start even when earlier months look unpaid.
        assert_eq!(consecutive_unpaid_months(&[], ym("2024-01"), ym("2024-01")), 1);
        assert_eq!(consecutive_unpaid_months(&[], YearMonth::MIN, YearMonth::MIN), 1);
    }

    #[test]
    fn warning_at_six_months() {
        assert_eq!(ArrearsStatus::from_unpaid(0), ArrearsStatus::UpToDate);
        assert_eq!(ArrearsStatus::from_unpaid(0).warning(), None);
        assert_eq!(ArrearsStatus::from_unpaid(5), ArrearsStatus::Behind { months: 5 });
        assert_eq!(ArrearsStatus::from_unpaid(6), ArrearsStatus::LapseRisk { months: 6 });
        assert!(ArrearsStatus::from_unpaid(6).warning().unwrap().contains("党章第九条"));
        assert_eq!(ArrearsStatus::from_unpaid(2).warning().unwrap(), "已连续 2 个月未交纳党费，请及时提醒。");
        assert_eq!(ArrearsStatus::with_threshold(3, 3), ArrearsStatus::LapseRisk { months: 3 });
    }

    /// The 2008 rate for a base, written out independently of the bracket table.
    fn reference_rate(category: Category, base: Decimal) -> Decimal {
        if category == Category::Retired {
            return if base <= d("5000") { d("0.005") } else { d("0.01") };
        }
        if base <= d("3000") {
            d("0.005")
        } else if base <= d("5000") {
            d("0.01")
        } else if base <= d("10000") {
            d("0.015")
        } else {
            d("0.02")
        }
    }

    fn bracket_index(category: Category, base: Decimal) -> usize {
        let uppers: &[i64] = if category == Category::Retired { &[5000] } else { &[3000, 5000, 10000] };
        uppers.iter().filter(|&&u| base > Decimal::from(u)).count()
    }

    fn rated_category() -> impl Strategy<Value = Category> {
        prop_oneof![
            Just(Category::InService),
            Just(Category::AnnualSalary),
            Just(Category::SelfEmployed),
            Just(Category::Retired),
        ]
    }

    proptest! {
        #[test]
        fn due_is_never_negative(cents in 0i64..10_000_000_000, ci in 0usize..7) {
            let category = Category::ALL[ci];
            let due = RuleBook::standard().monthly_due(category, Decimal::new(cents, 2), ym("2024-01")).unwrap();
            prop_assert!(due >= Decimal::ZERO);
        }

        #[test]
        fn rate_applies_to_the_whole_base(cents in 0i64..10_000_000_000, category in rated_category()) {
            let base = Decimal::new(cents, 2);
            let due = RuleBook::standard().monthly_due(category, base, ym("2024-01")).unwrap();
            let expected = (base * reference_rate(category, base))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(due, expected);
            prop_assert!((due - base * reference_rate(category, base)).abs() <= d("0.005"));
        }

        #[test]
        fn monotone_within_a_bracket(a in 0i64..3_000_000, b in 0i64..3_000_000, category in rated_category()) {
            let (lo, hi) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
            prop_assume!(bracket_index(category, lo) == bracket_index(category, hi));
            let book = RuleBook::standard();
            let month = ym("2024-01");
            let due = |base| book.monthly_due(category, base, month).unwrap();
            prop_assert!(due(lo) <= due(hi));
        }

        #[test]
        fn rates_rise_so_the_whole_table_is_monotone(
            a in 0i64..3_000_000,
            b in 0i64..3_000_000,
            category in rated_category(),
        ) {
            let (lo, hi) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
            let book = RuleBook::standard();
            let month = ym("2024-01");
            let due = |base| book.monthly_due(category, base, month).unwrap();
            prop_assert!(due(lo) <= due(hi));
        }

        #[test]
        fn rounding_stays_within_one_unit(cents in 0i64..100_000_000, unit in 0usize..3, mode in 0usize..3) {
            let unit = [RoundingUnit::Fen, RoundingUnit::Jiao, RoundingUnit::Yuan][unit];
            let mode = [RoundingMode::HalfUp, RoundingMode::Up, RoundingMode::Down][mode];
            let exact = Decimal::new(cents, 4);
            let rounded = Rounding { unit, mode }.apply(exact);
            let step = match unit {
                RoundingUnit::Fen => d("0.01"),
                RoundingUnit::Jiao => d("0.1"),
                RoundingUnit::Yuan => d("1"),
            };
            prop_assert!((rounded - exact).abs() <= step);
            prop_assert_eq!(rounded % step, Decimal::ZERO);
            prop_assert_eq!(rounded.scale(), 2);
            match mode {
                RoundingMode::Up => prop_assert!(rounded >= exact),
                RoundingMode::Down => prop_assert!(rounded <= exact),
                RoundingMode::HalfUp => prop_assert!((rounded - exact).abs() * Decimal::TWO <= step),
            }
        }

        #[test]
        fn unpaid_run_never_exceeds_the_window(
            paid in proptest::collection::vec(0i64..36, 0..36),
            start_off in 0i64..36,
            through_off in 0i64..36,
        ) {
            let origin = ym("2022-01");
            let paid: Vec<_> = paid.into_iter().map(|o| origin.add_months(o)).collect();
            let start = origin.add_months(start_off);
            let through = origin.add_months(through_off);
            let n = consecutive_unpaid_months(&paid, through, start);
            prop_assert!(i64::from(n) <= (through.months_since(start) + 1).max(0));
            if paid.contains(&through) {
                prop_assert_eq!(n, 0);
            }
        }
    }
}
