//! 党员量化评议指数: a yearly index per member from weighted parts (党性积分, attendance at
//! organisation life, the 民主评议 result, …), each normalised to 0–100 first so parts
//! measured in different units can be weighed against each other.
//!
//! The parts, weights and normalisations are configuration; the default (积分 40 %,
//! 出勤率 30 %, 民主评议 30 %) is a **proposal**. The result lists every step — raw value,
//! normalised value, weight, contribution — because the member is shown how the index was
//! reached. A part with no value is either counted as 0 or left out with the other weights
//! renormalised, as configured; leaving out is flagged on the result.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{ConfigError, clamp, renormalise, round_score};

/// How a raw value becomes 0–100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Normalisation {
    /// `min` → 0, `max` → 100, linear between, clamped (e.g. 积分 0–100, 出勤率 0–1).
    Linear { min: Decimal, max: Decimal },
    /// A category → its score (e.g. 民主评议 优秀 → 100).
    Table(Vec<(String, Decimal)>),
}

/// One weighted part of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPart {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
    pub normalisation: Normalisation,
}

/// What to do when a member has no value for a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MissingPart {
    /// Count it as 0.
    Zero,
    /// Leave it out and renormalise the other weights (flagged on the result).
    Renormalise,
}

/// The index's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexConfig {
    pub parts: Vec<IndexPart>,
    pub missing: MissingPart,
}

impl IndexConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.parts.is_empty() {
            return Err(ConfigError::new("组成部分", "至少需要一个"));
        }
        for (i, p) in self.parts.iter().enumerate() {
            let field = format!("第 {} 个组成部分", i + 1);
            if self.parts[..i].iter().any(|o| o.code == p.code) {
                return Err(ConfigError::new(field, format!("组成部分 {} 重复", p.code)));
            }
            if p.weight <= Decimal::ZERO {
                return Err(ConfigError::new(field, "权重须大于 0"));
            }
            match &p.normalisation {
                Normalisation::Linear { min, max } if min == max => {
                    return Err(ConfigError::new(field, "最小值与最大值不能相同"));
                }
                Normalisation::Table(rows)
                    if rows.iter().any(|(_, v)| *v < Decimal::ZERO || *v > Decimal::ONE_HUNDRED) =>
                {
                    return Err(ConfigError::new(field, "对照表的分值须在 0–100 之间"));
                }
                _ => {}
            }
        }
        // With missing parts counted as 0 the weights are used as they stand, so they must
        // share out exactly 100 %; renormalising would hide a typo in one of them.
        let sum: Decimal = self.parts.iter().map(|p| p.weight).sum();
        if sum != Decimal::ONE {
            return Err(ConfigError::new(
                "权重",
                format!("各部分权重之和须为 100%，现为 {}%", (sum * Decimal::ONE_HUNDRED).normalize()),
            ));
        }
        Ok(())
    }
}

/// The default: 党性积分 40 % (0–100 points → 0–100), 组织生活出勤率 30 % (0–1 → 0–100),
/// 民主评议 30 % (优秀 100 / 合格 80 / 基本合格 60 / 不合格 0). Missing parts are left out.
pub fn default_index_config() -> IndexConfig {
    let part = |code: &str, name: &str, weight: i64, normalisation| IndexPart {
        code: code.to_owned(),
        name: name.to_owned(),
        weight: Decimal::new(weight, 2),
        normalisation,
    };
    let table = [("excellent", 100), ("qualified", 80), ("basically_qualified", 60), ("unqualified", 0)]
        .into_iter()
        .map(|(c, v)| (c.to_owned(), Decimal::from(v)))
        .collect();
    IndexConfig {
        parts: vec![
            part("points", "党性积分", 40, Normalisation::Linear { min: Decimal::ZERO, max: Decimal::ONE_HUNDRED }),
            part("attendance", "组织生活出勤率", 30, Normalisation::Linear { min: Decimal::ZERO, max: Decimal::ONE }),
            part("appraisal", "民主评议结果", 30, Normalisation::Table(table)),
        ],
        missing: MissingPart::Renormalise,
    }
}

/// A member's raw value for one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartValue {
    Number(Decimal),
    Category(String),
}

impl fmt::Display for PartValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartValue::Number(n) => write!(f, "{n}"),
            PartValue::Category(c) => f.write_str(c),
        }
    }
}

/// One line of the computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexStep {
    pub code: String,
    pub name: String,
    pub raw: Option<PartValue>,
    /// 0–100, two decimals; `None` when the part has no value and is left out.
    pub normalised: Option<Decimal>,
    pub weight: Decimal,
    /// The weight actually applied (after renormalisation; 0 when left out).
    pub effective_weight: Decimal,
    /// `effective_weight × normalised`, two decimals.
    pub contribution: Decimal,
}

/// The index with its computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberIndex {
    pub steps: Vec<IndexStep>,
    /// 0–100, two decimals: the rounded sum of the exact contributions.
    pub total: Decimal,
    /// Some part was left out and the other weights renormalised.
    pub renormalised: bool,
}

/// A value that does not fit its part; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexError {
    Config(ConfigError),
    WrongKind { part: String },
    UnknownCategory { part: String, value: String },
    NothingToCompute,
}

impl fmt::Display for IndexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IndexError::Config(e) => write!(f, "指数设置有误：{e}"),
            IndexError::WrongKind { part } => write!(f, "{part} 的取值类型不符"),
            IndexError::UnknownCategory { part, value } => write!(f, "{part} 没有“{value}”这一档"),
            IndexError::NothingToCompute => write!(f, "该党员没有任何可计算的数据"),
        }
    }
}

impl std::error::Error for IndexError {}

fn normalise(part: &IndexPart, value: &PartValue) -> Result<Decimal, IndexError> {
    match (&part.normalisation, value) {
        (Normalisation::Linear { min, max }, PartValue::Number(v)) => {
            Ok(clamp((*v - *min) / (*max - *min) * Decimal::ONE_HUNDRED, Decimal::ZERO, Decimal::ONE_HUNDRED))
        }
        (Normalisation::Table(rows), PartValue::Category(c)) => rows
            .iter()
            .find(|(k, _)| k == c)
            .map(|(_, v)| *v)
            .ok_or_else(|| IndexError::UnknownCategory { part: part.name.clone(), value: c.clone() }),
        _ => Err(IndexError::WrongKind { part: part.name.clone() }),
    }
}

/// Computes one member's index from the raw values by part code (unknown codes are ignored).
pub fn compute_index(config: &IndexConfig, values: &BTreeMap<String, PartValue>) -> Result<MemberIndex, IndexError> {
    config.validate().map_err(IndexError::Config)?;
    let mut exact: Vec<Option<Decimal>> = Vec::with_capacity(config.parts.len());
    for part in &config.parts {
        exact.push(match values.get(&part.code) {
            Some(v) => Some(normalise(part, v)?),
            None if config.missing == MissingPart::Zero => Some(Decimal::ZERO),
            None => None,
        });
    }
    let present: Vec<Decimal> =
        config.parts.iter().zip(&exact).filter(|(_, n)| n.is_some()).map(|(p, _)| p.weight).collect();
    let mut shares = renormalise(&present).ok_or(IndexError::NothingToCompute)?.into_iter();
    let mut total = Decimal::ZERO;
    let mut steps = Vec::with_capacity(config.parts.len());
    for (part, n) in config.parts.iter().zip(&exact) {
        let share = if n.is_some() { shares.next().unwrap_or_default() } else { Decimal::ZERO };
        let product = n.map_or(Decimal::ZERO, |n| share * n);
        total += product;
        steps.push(IndexStep {
            code: part.code.clone(),
            name: part.name.clone(),
            raw: values.get(&part.code).cloned(),
            normalised: n.map(round_score),
            weight: part.weight,
            effective_weight: share,
            contribution: round_score(product),
        });
    }
    Ok(MemberIndex { steps, total: round_score(total), renormalised: exact.iter().any(Option::is_none) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn values(points: Option<&str>, attendance: Option<&str>, appraisal: Option<&str>) -> BTreeMap<String, PartValue> {
        let mut m = BTreeMap::new();
        if let Some(p) = points {
            m.insert("points".to_owned(), PartValue::Number(d(p)));
        }
        if let Some(a) = attendance {
            m.insert("attendance".to_owned(), PartValue::Number(d(a)));
        }
        if let Some(c) = appraisal {
            m.insert("appraisal".to_owned(), PartValue::Category(c.to_owned()));
        }
        m
    }

    #[test]
    fn worked_index() {
        // 积分 72 → 72; 出勤率 0.9 → 90; 合格 → 80.
        // 0.4×72 + 0.3×90 + 0.3×80 = 28.8 + 27 + 24 = 79.80
        let idx = compute_index(&default_index_config(), &values(Some("72"), Some("0.9"), Some("qualified"))).unwrap();
        assert_eq!(idx.total, d("79.80"));
        assert!(!idx.renormalised);
        let contributions: Vec<Decimal> = idx.steps.iter().map(|s| s.contribution).collect();
        assert_eq!(contributions, [d("28.8"), d("27"), d("24")]);
        // Points above the normalisation's maximum count as 100.
        let idx = compute_index(&default_index_config(), &values(Some("150"), Some("1"), Some("excellent"))).unwrap();
        assert_eq!(idx.total, d("100"));
    }

    #[test]
    fn missing_part_is_left_out_and_flagged() {
        // No 民主评议 yet: weights 0.4 and 0.3 become 4/7 and 3/7.
        // 4/7×72 + 3/7×90 = 41.142857… + 38.571428… = 79.714285… → 79.71
        let idx = compute_index(&default_index_config(), &values(Some("72"), Some("0.9"), None)).unwrap();
        assert!(idx.renormalised);
        assert_eq!(idx.total, d("79.71"));
        assert_eq!(idx.steps[2].normalised, None);
        assert_eq!(idx.steps.iter().map(|s| s.effective_weight).sum::<Decimal>(), Decimal::ONE);
        // Counted as zero instead: 28.8 + 27 + 0 = 55.80.
        let mut cfg = default_index_config();
        cfg.missing = MissingPart::Zero;
        assert_eq!(compute_index(&cfg, &values(Some("72"), Some("0.9"), None)).unwrap().total, d("55.80"));
    }

    #[test]
    fn bad_values_are_refused() {
        let cfg = default_index_config();
        assert!(matches!(
            compute_index(&cfg, &values(None, None, Some("great"))),
            Err(IndexError::UnknownCategory { .. })
        ));
        let mut v = values(None, None, None);
        v.insert("points".into(), PartValue::Category("x".into()));
        assert!(matches!(compute_index(&cfg, &v), Err(IndexError::WrongKind { .. })));
        assert_eq!(compute_index(&cfg, &values(None, None, None)), Err(IndexError::NothingToCompute));
    }

    #[test]
    fn weights_must_share_out_100_percent() {
        let mut cfg = default_index_config();
        cfg.validate().unwrap();
        cfg.parts[0].weight = d("0.5");
        assert_eq!(cfg.validate().unwrap_err().to_string(), "权重：各部分权重之和须为 100%，现为 110%");
        assert!(matches!(compute_index(&cfg, &values(Some("1"), None, None)), Err(IndexError::Config(_))));
        cfg.parts[1].weight = d("0.2");
        cfg.validate().unwrap();
        cfg.parts[2].weight = Decimal::ZERO;
        assert_eq!(cfg.validate().unwrap_err().to_string(), "第 3 个组成部分：权重须大于 0");
    }

    proptest! {
        #[test]
        fn index_stays_within_0_and_100(
            points in proptest::option::of(-50i64..500),
            attendance in proptest::option::of(0i64..=150),
            appraisal in proptest::option::of(0usize..4),
        ) {
            prop_assume!(points.is_some() || attendance.is_some() || appraisal.is_some());
            let cats = ["excellent", "qualified", "basically_qualified", "unqualified"];
            let mut v = BTreeMap::new();
            if let Some(p) = points { v.insert("points".to_owned(), PartValue::Number(Decimal::from(p))); }
            if let Some(a) = attendance { v.insert("attendance".to_owned(), PartValue::Number(Decimal::new(a, 2))); }
            if let Some(c) = appraisal { v.insert("appraisal".to_owned(), PartValue::Category(cats[c].to_owned())); }
            let idx = compute_index(&default_index_config(), &v).unwrap();
            prop_assert!(idx.total >= Decimal::ZERO && idx.total <= Decimal::ONE_HUNDRED);
            prop_assert_eq!(idx.steps.iter().map(|s| s.effective_weight).sum::<Decimal>(), Decimal::ONE);
        }
    }
}
