//! What a 工委 officer may save as a new version of the standard, and the plain-text form
//! of an automatic item's mapping so it can be edited in a form field.
//!
//! [`Standard::validate`] checks what scoring needs not to fail; [`Standard::validate_for_save`]
//! adds what makes a score sheet *meaningful*: the aspects share out exactly 100 points, the
//! bands lie within reach of the total, every line has a name, and the item codes are ones a
//! form field can carry. Scoring keeps the looser check so a stored version from before these
//! rules still scores the assessments opened under it.

use rust_decimal::Decimal;

use super::{AutoMapping, ItemKind, Standard, Step};
use crate::eval::ConfigError;

/// The points the aspects' weights share out (weights are points of the full marks).
pub const FULL_MARKS: Decimal = Decimal::ONE_HUNDRED;

/// Item and aspect codes travel in form field names (`v.{code}`) and URLs: letters, digits,
/// `_`, `.` and `-` only, at most 40 characters.
pub fn is_valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

impl Standard {
    /// Everything [`Standard::validate`] checks, plus the rules of a sheet worth publishing.
    /// The field names the row at fault in the words of the form (第 N 个方面, 指标 X).
    pub fn validate_for_save(&self) -> Result<(), ConfigError> {
        if self.name.trim().is_empty() {
            return Err(ConfigError::new("标准名称", "不能为空"));
        }
        for (ai, a) in self.aspects.iter().enumerate() {
            let field = format!("第 {} 个方面", ai + 1);
            if a.name.trim().is_empty() {
                return Err(ConfigError::new(field, "名称不能为空"));
            }
            if !is_valid_code(&a.code) {
                return Err(ConfigError::new(field, "编号只能用字母、数字、下划线、点和连字符（至多 40 个）"));
            }
            if self.aspects[..ai].iter().any(|o| o.code == a.code) {
                return Err(ConfigError::new(field, format!("方面编号 {} 重复", a.code)));
            }
            for item in &a.items {
                let field = format!("指标 {}", item.code);
                if !is_valid_code(&item.code) {
                    return Err(ConfigError::new(
                        format!("“{}”的指标", a.name),
                        "编号只能用字母、数字、下划线、点和连字符（至多 40 个）",
                    ));
                }
                if item.name.trim().is_empty() {
                    return Err(ConfigError::new(field, "名称不能为空"));
                }
                if let Some(rule) = &item.auto {
                    if item.kind == ItemKind::Bonus {
                        return Err(ConfigError::new(field, "加分项不自动取数"));
                    }
                    check_mapping(&rule.mapping, item.max_points).map_err(|m| ConfigError::new(field, m))?;
                }
            }
        }
        // The structural rules (unique item codes, maxima, vetoes, bands) before the sums.
        self.validate().map_err(|e| ConfigError::new(plain_field(&e.field, self), e.message))?;
        let sum: Decimal = self.aspects.iter().map(|a| a.weight).sum();
        if sum != FULL_MARKS {
            return Err(ConfigError::new(
                "方面权重",
                format!("各方面权重之和须为 {FULL_MARKS}，现为 {}", sum.normalize()),
            ));
        }
        // Without a cap (积分制) bonuses may lift a total past 100, so only a cap bounds the bands.
        if let Some(cap) = self.total_cap {
            if cap < FULL_MARKS {
                return Err(ConfigError::new("总分上限", format!("不能低于满分 {FULL_MARKS}")));
            }
            if self.bands.model_min > cap {
                return Err(ConfigError::new("示范线", format!("不能高于总分上限 {}", cap.normalize())));
            }
        }
        if self.bands.standard_min <= Decimal::ZERO {
            return Err(ConfigError::new("达标线", "须大于 0"));
        }
        Ok(())
    }

    /// The version that saving `self` creates on top of the newest stored one: the same
    /// code, the next number. Assessments keep the id of the version they were opened under.
    pub fn next_version(mut self, newest: u32) -> Standard {
        self.version = newest + 1;
        self
    }
}

/// `aspects[2].items[1]` → `指标 code`, `aspects[2]` → `第 3 个方面`, so the message from
/// [`Standard::validate`] points at what the officer sees.
fn plain_field(field: &str, s: &Standard) -> String {
    let index = |part: &str, key: &str| -> Option<usize> { part.strip_prefix(key)?.split(']').next()?.parse().ok() };
    let mut parts = field.split('.');
    let Some(ai) = parts.next().and_then(|p| index(p, "aspects[")) else {
        return match field {
            "bands" => "等次线".to_owned(),
            "aspects" => "方面".to_owned(),
            other => other.to_owned(),
        };
    };
    match parts.next().and_then(|p| index(p, "items[")) {
        Some(ii) => match s.aspects.get(ai).and_then(|a| a.items.get(ii)) {
            Some(item) => format!("指标 {}", item.code),
            None => format!("第 {} 个方面的第 {} 个指标", ai + 1, ii + 1),
        },
        None => format!("第 {} 个方面", ai + 1),
    }
}

fn check_mapping(m: &AutoMapping, max: Decimal) -> Result<(), String> {
    match m {
        AutoMapping::Linear { full_at, zero_at } if full_at == zero_at => Err("满分值与零分值不能相同".into()),
        AutoMapping::PerUnit { points_per_unit } if *points_per_unit <= Decimal::ZERO => {
            Err("每单位扣分须大于 0".into())
        }
        AutoMapping::Steps(steps) if steps.is_empty() => Err("分档取数至少需要一档".into()),
        AutoMapping::Steps(steps) if steps.iter().any(|s| s.points < Decimal::ZERO || s.points > max) => {
            Err(format!("每档分值须在 0 到 {} 之间", max.normalize()))
        }
        _ => Ok(()),
    }
}

/// The mapping kinds as a form's select offers them: (code, name, how to write the parameters).
pub const MAPPING_KINDS: [(&str, &str, &str); 3] = [
    ("linear", "线性取分", "满分值,零分值（如 1,0）"),
    ("per_unit", "每单位扣分", "每单位扣分（如 2）"),
    ("steps", "分档取分", "下限=分值;…（如 0.9=15;0.8=10）"),
];

impl AutoMapping {
    /// The mapping as a select code and a parameter text, the inverse of [`AutoMapping::from_form`].
    pub fn to_form(&self) -> (&'static str, String) {
        let n = |d: &Decimal| d.normalize().to_string();
        match self {
            AutoMapping::Linear { full_at, zero_at } => ("linear", format!("{},{}", n(full_at), n(zero_at))),
            AutoMapping::PerUnit { points_per_unit } => ("per_unit", n(points_per_unit)),
            AutoMapping::Steps(steps) => (
                "steps",
                steps.iter().map(|s| format!("{}={}", n(&s.at_least), n(&s.points))).collect::<Vec<_>>().join(";"),
            ),
        }
    }

    /// Reads a mapping from the form's select and parameter text. Full-width commas,
    /// semicolons and equals signs are accepted, since officers type on Chinese keyboards.
    pub fn from_form(kind: &str, params: &str) -> Result<AutoMapping, String> {
        let text: String = params
            .chars()
            .map(|c| match c {
                '，' => ',',
                '；' => ';',
                '＝' => '=',
                other => other,
            })
            .collect();
        let num = |s: &str| s.trim().parse::<Decimal>().map_err(|_| format!("“{}”不是数字", s.trim()));
        match kind {
            "linear" => {
                let parts: Vec<&str> = text.split(',').collect();
                let [full, zero] = parts.as_slice() else {
                    return Err("线性取分请写“满分值,零分值”".into());
                };
                Ok(AutoMapping::Linear { full_at: num(full)?, zero_at: num(zero)? })
            }
            "per_unit" => Ok(AutoMapping::PerUnit { points_per_unit: num(&text)? }),
            "steps" => {
                let steps = text
                    .split(';')
                    .filter(|s| !s.trim().is_empty())
                    .map(|s| {
                        let (at, points) = s.split_once('=').ok_or("分档请写“下限=分值”，各档用分号隔开")?;
                        Ok(Step { at_least: num(at)?, points: num(points)? })
                    })
                    .collect::<Result<Vec<Step>, String>>()?;
                Ok(AutoMapping::Steps(steps))
            }
            _ => Err("请选择取数方式".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::standard::default_standard;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn refused(s: &Standard) -> String {
        s.validate_for_save().unwrap_err().to_string()
    }

    #[test]
    fn the_default_may_be_saved_and_becomes_the_next_version() {
        let s = default_standard();
        s.validate_for_save().unwrap();
        let next = s.clone().next_version(3);
        assert_eq!((next.code.as_str(), next.version), ("branch_standard", 4));
    }

    #[test]
    fn weights_must_share_out_100_points() {
        let mut s = default_standard();
        s.aspects[0].weight = d("20"); // 20 + 25 + 20 + 10 + 15 + 15 = 105
        assert_eq!(refused(&s), "方面权重：各方面权重之和须为 100，现为 105");
        s.aspects[1].weight = d("20");
        s.validate_for_save().unwrap();
        // validate() alone (what scoring needs) does not care about the sum.
        s.aspects[1].weight = d("1");
        s.validate().unwrap();
        assert!(refused(&s).contains("现为 81"));
    }

    #[test]
    fn rows_are_named_as_the_form_shows_them() {
        let mut s = default_standard();
        s.aspects[2].name = " ".into();
        assert_eq!(refused(&s), "第 3 个方面：名称不能为空");

        let mut s = default_standard();
        s.aspects[1].items[2].code = "org_life.life_meeting".into();
        assert_eq!(refused(&s), "指标 org_life.life_meeting：指标编号 org_life.life_meeting 重复");

        let mut s = default_standard();
        s.aspects[0].items[0].max_points = Decimal::ZERO;
        assert_eq!(refused(&s), "指标 org_setup.structure：分值须大于 0");

        let mut s = default_standard();
        s.aspects[0].items[0].code = "有空格 的编号".into();
        assert!(refused(&s).contains("编号只能用字母"));

        let mut s = default_standard();
        s.aspects[5].items[3].max_points = Decimal::ONE;
        assert_eq!(refused(&s), "指标 veto.discipline：一票否决项没有分值，也不自动取数");
    }

    #[test]
    fn bands_and_cap_must_be_reachable() {
        let mut s = default_standard();
        s.bands.model_min = d("101");
        assert_eq!(refused(&s), "示范线：不能高于总分上限 100");
        s.bands.model_min = d("70");
        assert_eq!(refused(&s), "等次线：须满足 0 ≤ 达标线 ≤ 示范线");
        s.bands.model_min = d("90");
        s.bands.standard_min = Decimal::ZERO;
        assert_eq!(refused(&s), "达标线：须大于 0");
        s.bands.standard_min = d("80");
        s.total_cap = Some(d("95"));
        assert_eq!(refused(&s), "总分上限：不能低于满分 100");
        // 积分制: no cap, and a 示范线 above 100 is then reachable through bonuses.
        s.total_cap = None;
        s.bands.model_min = d("105");
        s.validate_for_save().unwrap();
    }

    #[test]
    fn mappings_round_trip_through_the_form() {
        let s = default_standard();
        for (_, item) in s.items() {
            if let Some(rule) = &item.auto {
                let (kind, params) = rule.mapping.to_form();
                assert_eq!(AutoMapping::from_form(kind, &params).unwrap(), rule.mapping, "{}", item.code);
            }
        }
        let steps = AutoMapping::from_form("steps", "0.9＝15；0.8=10;").unwrap();
        assert_eq!(
            steps,
            AutoMapping::Steps(vec![
                Step { at_least: d("0.9"), points: d("15") },
                Step { at_least: d("0.8"), points: d("10") }
            ])
        );
        assert_eq!(steps.to_form(), ("steps", "0.9=15;0.8=10".to_owned()));
        assert_eq!(AutoMapping::from_form("linear", "1，0").unwrap().to_form().1, "1,0");
        assert_eq!(AutoMapping::from_form("linear", "1").unwrap_err(), "线性取分请写“满分值,零分值”");
        assert_eq!(AutoMapping::from_form("per_unit", "两分").unwrap_err(), "“两分”不是数字");
        assert!(AutoMapping::from_form("steps", "0.9:15").unwrap_err().contains("下限=分值"));
        assert_eq!(AutoMapping::from_form("", "1").unwrap_err(), "请选择取数方式");
    }

    #[test]
    fn automatic_items_need_usable_mappings() {
        let mut s = default_standard();
        let term = &mut s.aspects[0].items[1];
        term.auto.as_mut().unwrap().mapping = AutoMapping::PerUnit { points_per_unit: Decimal::ZERO };
        assert_eq!(refused(&s), "指标 org_setup.term：每单位扣分须大于 0");
        let term = &mut s.aspects[0].items[1];
        term.auto.as_mut().unwrap().mapping = AutoMapping::Steps(vec![Step { at_least: d("1"), points: d("6") }]);
        assert_eq!(refused(&s), "指标 org_setup.term：每档分值须在 0 到 5 之间");
        let term = &mut s.aspects[0].items[1];
        term.auto.as_mut().unwrap().mapping = AutoMapping::Linear { full_at: d("0"), zero_at: d("0") };
        assert_eq!(refused(&s), "指标 org_setup.term：满分值与零分值不能相同");
    }
}
