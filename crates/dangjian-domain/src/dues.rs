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
mod tests;
