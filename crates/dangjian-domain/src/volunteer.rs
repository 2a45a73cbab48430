//! 志愿服务: the checks on a recorded volunteer activity and its participants' hours.
//!
//! Hours earn 党性积分 through the catalogue's `volunteer_hour` rule (its daily and yearly
//! caps decide what counts); this module only decides what may be recorded: one
//! participant's hours for an activity are more than 0 and at most 24 (with at most two
//! decimals), and an activity has a title, a day not in the future and at least one
//! participant, each listed once.

use std::str::FromStr;

use rust_decimal::Decimal;
use time::Date;

/// Hours one participant may be credited for one activity (a calendar day).
pub const MAX_HOURS: i64 = 24;
pub const MAX_TITLE: usize = 100;
pub const MAX_PLACE: usize = 100;
pub const MAX_DESCRIPTION: usize = 2000;

/// Reads hours as typed (`2`, `1.5`, `0.25`): more than 0, at most 24, at most two
/// decimals. The message names the participant.
pub fn parse_hours(text: &str, who: &str) -> Result<Decimal, String> {
    let h = Decimal::from_str(text.trim()).map_err(|_| format!("{who}的时长“{}”应为数字（小时）", text.trim()))?;
    if h <= Decimal::ZERO || h > Decimal::from(MAX_HOURS) {
        return Err(format!("{who}的时长应大于 0 且不超过 {MAX_HOURS} 小时"));
    }
    if h.normalize().scale() > 2 {
        return Err(format!("{who}的时长至多保留两位小数"));
    }
    Ok(h.normalize())
}

/// Checks an activity's fields and participants (member ids, each once).
pub fn validate_activity(
    title: &str,
    place: &str,
    description: &str,
    held_on: Option<Date>,
    today: Date,
    participants: &[i64],
) -> Result<(), String> {
    let title = title.trim();
    if title.is_empty() {
        return Err("请填写活动名称".into());
    }
    if title.chars().count() > MAX_TITLE {
        return Err(format!("活动名称至多 {MAX_TITLE} 字"));
    }
    if place.trim().chars().count() > MAX_PLACE {
        return Err(format!("地点至多 {MAX_PLACE} 字"));
    }
    if description.trim().chars().count() > MAX_DESCRIPTION {
        return Err(format!("活动内容至多 {MAX_DESCRIPTION} 字"));
    }
    match held_on {
        None => return Err("请填写活动日期（如 2026-05-01）".into()),
        Some(d) if d > today => return Err("活动日期不能晚于今天".into()),
        Some(_) => {}
    }
    if participants.is_empty() {
        return Err("请至少选择一名参加的党员并填写时长".into());
    }
    if participants.iter().enumerate().any(|(i, p)| participants[..i].contains(p)) {
        return Err("同一名党员只能登记一次".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    #[test]
    fn hours() {
        assert_eq!(parse_hours("2", "张三"), Ok(Decimal::from(2)));
        assert_eq!(parse_hours(" 1.50 ", "张三"), Ok(Decimal::new(15, 1)));
        assert_eq!(parse_hours("24", "张三"), Ok(Decimal::from(24)));
        assert_eq!(parse_hours("0", "张三").unwrap_err(), "张三的时长应大于 0 且不超过 24 小时");
        assert!(parse_hours("24.01", "张三").is_err());
        assert!(parse_hours("-1", "张三").is_err());
        assert_eq!(parse_hours("两小时", "张三").unwrap_err(), "张三的时长“两小时”应为数字（小时）");
        assert!(parse_hours("1.255", "张三").unwrap_err().contains("两位小数"));
    }

    #[test]
    fn activity() {
        let today = date!(2026 - 05 - 10);
        let ok = |t: &str, d: Option<Date>, p: &[i64]| validate_activity(t, "社区", "", d, today, p);
        assert!(ok("社区清扫", Some(today), &[1, 2]).is_ok());
        assert_eq!(ok(" ", Some(today), &[1]).unwrap_err(), "请填写活动名称");
        assert_eq!(ok("清扫", Some(date!(2026 - 05 - 11)), &[1]).unwrap_err(), "活动日期不能晚于今天");
        assert!(ok("清扫", None, &[1]).is_err());
        assert!(ok("清扫", Some(today), &[]).unwrap_err().contains("至少选择"));
        assert_eq!(ok("清扫", Some(today), &[1, 1]).unwrap_err(), "同一名党员只能登记一次");
    }

    proptest! {
        #[test]
        fn accepted_hours_are_within_bounds(cents in -1000i64..4000) {
            let text = Decimal::new(cents, 2).to_string();
            match parse_hours(&text, "某") {
                Ok(h) => prop_assert!(h > Decimal::ZERO && h <= Decimal::from(MAX_HOURS)),
                Err(_) => prop_assert!(cents <= 0 || cents > 2400),
            }
        }
    }
}
