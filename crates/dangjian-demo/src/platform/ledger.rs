//! A year of 党费 for every party member (正式 and 预备), ending today.
//!
//! Each member gets a base: in service, an after-tax monthly income that depends loosely
//! on the post and falls in every bracket of 中组发〔2008〕3号 (a few sit exactly on a
//! cliff such as 5000.00); retired, a pension on both sides of 5000; students, the flat
//! category. Bases are set each January (or from the month a new member was admitted, when
//! dues start) and most are raised a little the next January, so the history has two
//! rows. Every payment is the rule book's due for its month under the base in force then.
//!
//! Habits: most members pay every month around the branch's collection day; some fall
//! behind and pay two or three months at once (补交, well within the six-month limit);
//! a few pay quarterly, in the last month of the quarter; and a few have stopped paying,
//! six to nine months ago, so the arrears warning of 党章第九条 has something to show
//! (one in each branch that keeps poor records, the rest anywhere). A month whose payment
//! day is after today is not paid yet.

use std::collections::HashMap;

use dangjian_domain::dues::{Category, RuleBook, dues_start_month};
use dangjian_domain::members::Step;
use dangjian_domain::month::YearMonth;
use fastrand::Rng;
use rust_decimal::{Decimal, RoundingStrategy};
use time::{Date, Duration};

use super::MemberPlan;
use super::life::{Records, Window};

/// A member's base from a month on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BasePlan {
    pub member: usize,
    pub category: Category,
    pub base: Decimal,
    pub from: YearMonth,
}

/// One month's dues paid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PaymentPlan {
    pub member: usize,
    pub month: YearMonth,
    pub amount: Decimal,
    pub paid_on: Date,
    pub method: &'static str,
}

/// How a member pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Habit {
    OnTime,
    /// Now and then two or three months at once.
    Late,
    /// Three months at once, in the last month of the quarter.
    Quarterly,
    /// Stopped paying; nothing for the last `months` months.
    Lapsed {
        months: i64,
    },
}

pub(crate) const METHODS: [&str; 3] = ["现金", "银行转账", "线上缴纳"];

/// Bases and payments for every party member. `records` gives each branch's (by org
/// index) record keeping.
pub(crate) fn plan(
    rng: &mut Rng,
    members: &[MemberPlan],
    records: &HashMap<usize, Records>,
    w: Window,
) -> (Vec<BasePlan>, Vec<PaymentPlan>) {
    let book = RuleBook::standard();
    let (first, last) = (w.first_month(), w.last_month());
    let january = YearMonth::new(w.today.year(), 1).unwrap_or(first);

    // Who pays from when: the month of admission by the 支部大会.
    let payers: Vec<(usize, YearMonth)> = members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.person.stage.is_member())
        .filter_map(|(i, m)| m.person.steps.iter().find(|s| s.0 == Step::Admit).map(|s| (i, dues_start_month(s.1))))
        .collect();

    // The lapsed: one in each branch with poor records, then anywhere, among members who
    // owed dues all year.
    let mut lapsed: HashMap<usize, i64> = HashMap::new();
    let wanted = if payers.len() >= 20 { (payers.len() / 300).max(2) } else { 0 };
    let mut eligible: Vec<usize> = payers.iter().filter(|p| p.1 <= first).map(|p| p.0).collect();
    rng.shuffle(&mut eligible);
    let mut poor_done: Vec<usize> = Vec::new();
    for &i in &eligible {
        let org = members[i].org;
        let poor = records.get(&org) == Some(&Records::Poor);
        if poor && members[i].committee_post.is_none() && !poor_done.contains(&org) && lapsed.len() < wanted {
            poor_done.push(org);
            lapsed.insert(i, rng.i64(6..=9));
        }
    }
    for &i in &eligible {
        if lapsed.len() >= wanted {
            break;
        }
        // Not a committee member: the 书记 and 委员 keep paying.
        if members[i].committee_post.is_none() && !lapsed.contains_key(&i) {
            lapsed.insert(i, rng.i64(6..=9));
        }
    }

    let mut collection_day: HashMap<usize, u8> = HashMap::new();
    let mut bases = Vec::new();
    let mut payments = Vec::new();
    for &(i, start) in &payers {
        let m = &members[i];
        let category = m.person.category;
        let day = *collection_day.entry(m.org).or_insert_with(|| rng.u8(5..=20));
        let poor = records.get(&m.org) == Some(&Records::Poor);
        let late_share = if poor { 30 } else { 9 };
        let habit = match lapsed.get(&i) {
            Some(&months) => Habit::Lapsed { months },
            None => match rng.u32(0..100) {
                n if n < late_share => Habit::Late,
                n if n >= 96 && category == Category::Retired => Habit::Quarterly,
                n if n >= 98 => Habit::Quarterly,
                _ => Habit::OnTime,
            },
        };
        let method = method(rng, category);

        // Bases: from January (or the first month dues are owed), raised next January.
        let from = YearMonth::new(first.year(), 1).unwrap_or(first).max(start);
        let base = base(rng, category, m.person.post);
        bases.push(BasePlan { member: i, category, base, from });
        let mut history = vec![(from, base)];
        let raised = january > from && !category.is_flat() && !matches!(habit, Habit::Lapsed { .. });
        if raised && rng.u32(0..10) < 7 {
            let rise = Decimal::new(1000 + rng.i64(10..=60), 3);
            let new = (base * rise).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            bases.push(BasePlan { member: i, category, base: new, from: january });
            history.push((january, new));
        }
        let due = |month: YearMonth| {
            let base = history.iter().rev().find(|h| h.0 <= month).map_or(base, |h| h.1);
            book.monthly_due(category, base, month).unwrap_or_default()
        };
        let pay_day = |rng: &mut Rng, month: YearMonth| {
            let last_day = month.last_day().day();
            let d = i64::from(day) + rng.i64(-3..=3);
            month.first_day() + Duration::days(d.clamp(1, i64::from(last_day)) - 1)
        };
        let mut pay = |months: &[YearMonth], on: Date, method: &'static str| {
            for &month in months {
                payments.push(PaymentPlan { member: i, month, amount: due(month), paid_on: on, method });
            }
        };

        let owed: Vec<YearMonth> = start.max(first).through(last).collect();
        match habit {
            Habit::OnTime | Habit::Lapsed { .. } => {
                let stop = match habit {
                    Habit::Lapsed { months } => last.add_months(-months),
                    _ => last,
                };
                for &month in owed.iter().filter(|&&mo| mo <= stop) {
                    let on = pay_day(rng, month);
                    if on <= w.today {
                        pay(&[month], on, method);
                    }
                }
            }
            Habit::Late => {
                let mut pending: Vec<YearMonth> = Vec::new();
                for &month in &owed {
                    pending.push(month);
                    let on = pay_day(rng, month);
                    if on <= w.today && (pending.len() >= 3 || rng.u32(0..10) < 6) {
                        pay(&pending, on, method);
                        pending.clear();
                    }
                }
            }
            Habit::Quarterly => {
                for chunk in owed.chunk_by(|a, b| a.year() == b.year() && a.quarter() == b.quarter()) {
                    let end = chunk[chunk.len() - 1];
                    let on = pay_day(rng, end);
                    if end.month_number() % 3 == 0 && on <= w.today {
                        pay(chunk, on, method);
                    }
                }
            }
        }
    }
    (bases, payments)
}

/// A member's usual way of paying (now and then another).
fn method(rng: &mut Rng, category: Category) -> &'static str {
    let weights: [u32; 3] = match category {
        Category::Retired => [55, 25, 20],
        Category::Student => [0, 0, 100],
        _ => [12, 25, 63],
    };
    let mut r = rng.u32(0..100);
    for (k, w) in weights.iter().enumerate() {
        if r < *w {
            return METHODS[k];
        }
        r -= w;
    }
    METHODS[2]
}

/// A base in yuan with cents between `lo` and `hi` (whole yuan, inclusive).
fn between(rng: &mut Rng, lo: i64, hi: i64) -> Decimal {
    Decimal::new(rng.i64(lo * 100..=hi * 100), 2)
}

/// The monthly base: after-tax regular pay for those in service (more for senior posts),
/// the pension for retirees, nothing for flat categories.
fn base(rng: &mut Rng, category: Category, post: &str) -> Decimal {
    match category {
        c if c.is_flat() => Decimal::new(0, 2),
        Category::Retired => match rng.u32(0..100) {
            0..2 => Decimal::new(500_000, 2),
            2..45 => between(rng, 3200, 5000),
            _ => between(rng, 5001, 8800),
        },
        _ => {
            // Shares per hundred of: up to 3000, up to 5000, up to 10000, above.
            let shares: [u32; 4] = match post {
                "科员" | "一级科员" | "四级主任科员" | "在读研究生（实习）" => [22, 53, 25, 0],
                "科长" | "四级调研员" | "三级调研员" | "二级调研员" | "副局长" => [0, 10, 68, 22],
                _ => [3, 37, 58, 2],
            };
            if rng.u32(0..100) < 2 {
                // Right on a cliff.
                return Decimal::new([300_000, 500_000, 1_000_000][rng.usize(..3)], 2);
            }
            let mut r = rng.u32(0..100);
            let mut bracket = 0;
            for (k, s) in shares.iter().enumerate() {
                if r < *s {
                    bracket = k;
                    break;
                }
                r -= s;
            }
            match bracket {
                0 => between(rng, 2300, 2999),
                1 => between(rng, 3001, 4999),
                2 => between(rng, 5001, 9999),
                _ => between(rng, 10_001, 14_500),
            }
        }
    }
}
