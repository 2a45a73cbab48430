//! Calendar months and the date arithmetic the party rules are written in.
//!
//! Dues are owed per month (中组发〔2008〕3号), 三会一课 are counted per month, quarter
//! and year, and the 发展党员 stages are measured in months and years ("一个月内",
//! "一年以上", "预备期为一年"). `time` has no year-month type and no month arithmetic,
//! so both live here, in one place, with one clamping rule for short months.

use std::fmt;
use std::str::FromStr;

use time::{Date, Month};

/// A calendar month such as 2024-03: the unit in which 党费 is owed and most meeting
/// frequencies are counted. Ordered chronologically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    // Field order matters: the derived `Ord` compares the year first.
    year: i32,
    month: u8,
}

/// A year-month that cannot exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMonthError(String);

impl fmt::Display for YearMonthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "无效的年月：{}", self.0)
    }
}

impl std::error::Error for YearMonthError {}

impl YearMonth {
    /// The month `month` (1–12) of `year`; years are limited to 1–9999 so that every
    /// month maps to real `Date`s.
    pub fn new(year: i32, month: u8) -> Result<YearMonth, YearMonthError> {
        if !(1..=12).contains(&month) || !(1..=9999).contains(&year) {
            return Err(YearMonthError(format!("{year}-{month:02}")));
        }
        Ok(YearMonth { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: Date) -> YearMonth {
        YearMonth { year: date.year(), month: u8::from(date.month()) }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1–12.
    pub fn month_number(self) -> u8 {
        self.month
    }

    pub fn month(self) -> Month {
        // `month` is always 1–12, so the conversion cannot fail.
        Month::try_from(self.month).unwrap_or(Month::January)
    }

    /// The first day of the month.
    pub fn first_day(self) -> Date {
        Date::from_calendar_date(self.year, self.month(), 1).unwrap_or(Date::MIN)
    }

    /// The last day of the month (28, 29, 30 or 31).
    pub fn last_day(self) -> Date {
        Date::from_calendar_date(self.year, self.month(), self.month().length(self.year)).unwrap_or(Date::MAX)
    }

    /// Months since 0000-01, so that month differences are plain subtraction.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> YearMonth {
        let year = index.div_euclid(12);
        let month = index.rem_euclid(12) + 1;
        YearMonth { year: year.clamp(1, 9999) as i32, month: month as u8 }
    }

    /// This month moved by `n` months (negative moves back). Saturates at the ends of
    /// the supported range (0001-01 … 9999-12) rather than panicking.
    pub fn add_months(self, n: i64) -> YearMonth {
        let index = self.index().saturating_add(n).clamp(YearMonth::MIN.index(), YearMonth::MAX.index());
        YearMonth::from_index(index)
    }

    pub fn next(self) -> YearMonth {
        self.add_months(1)
    }

    pub fn prev(self) -> YearMonth {
        self.add_months(-1)
    }

    /// `self - earlier` in whole months: 2024-03 minus 2023-12 is 3.
    pub fn months_since(self, earlier: YearMonth) -> i64 {
        self.index() - earlier.index()
    }

    /// 1–4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }

    /// The months from `self` through `last`, inclusive; empty when `last` is earlier.
    pub fn through(self, last: YearMonth) -> impl Iterator<Item = YearMonth> {
        let count = (last.index() - self.index() + 1).max(0);
        (0..count).map(move |i| self.add_months(i))
    }

    pub const MIN: YearMonth = YearMonth { year: 1, month: 1 };
    pub const MAX: YearMonth = YearMonth { year: 9999, month: 12 };
}

/// `2024-03`, the form used in forms and exports.
impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for YearMonth {
    type Err = YearMonthError;

    /// Parses `YYYY-MM` (also `YYYY-M`), as `<input type="month">` submits it.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || YearMonthError(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 || !(y.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        YearMonth::new(year, month).map_err(|_| bad())
    }
}

/// `date` moved by `n` calendar months; a day that does not exist in the target month
/// becomes that month's last day (01-31 + 1 month = 02-28 or 02-29). This is how a
/// branch secretary counts "一个月内" and "半年" on a calendar, and it never panics.
pub fn add_months(date: Date, n: i64) -> Date {
    let target = YearMonth::of(date).add_months(n);
    let day = date.day().min(target.month().length(target.year()));
    Date::from_calendar_date(target.year(), target.month(), day).unwrap_or(target.last_day())
}

/// `date` moved by `n` years, with 02-29 becoming 02-28 in a common year (see
/// [`add_months`]). Used for 预备期 ("一年") and terms of office ("三年", "五年").
pub fn add_years(date: Date, n: i64) -> Date {
    add_months(date, n.saturating_mul(12))
}

/// Age in whole years (周岁) on `on`. Someone born on 02-29 turns a year older on 03-01
/// in a common year: the conservative reading for an eligibility rule such as
/// "年满十八岁".
pub fn age_on(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    fn ym(s: &str) -> YearMonth {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(ym("2024-03").to_string(), "2024-03");
        assert_eq!(ym("2024-3").to_string(), "2024-03");
        assert!("2024-13".parse::<YearMonth>().is_err());
        assert!("2024-00".parse::<YearMonth>().is_err());
        assert!("24-03".parse::<YearMonth>().is_err());
        assert!("2024/03".parse::<YearMonth>().is_err());
        assert!("+202-03".parse::<YearMonth>().is_err());
        assert!("2024-+3".parse::<YearMonth>().is_err());
        assert!(YearMonth::new(2024, 0).is_err());
        assert_eq!(YearMonth::new(2024, 13).unwrap_err().to_string(), "无效的年月：2024-13");
    }

    #[test]
    fn month_arithmetic_crosses_years() {
        assert_eq!(ym("2023-12").next(), ym("2024-01"));
        assert_eq!(ym("2024-01").prev(), ym("2023-12"));
        assert_eq!(ym("2024-03").add_months(-15), ym("2022-12"));
        assert_eq!(ym("2024-03").months_since(ym("2023-12")), 3);
        assert_eq!(ym("2023-12").months_since(ym("2024-03")), -3);
        assert_eq!(YearMonth::MAX.next(), YearMonth::MAX);
        assert_eq!(YearMonth::MIN.prev(), YearMonth::MIN);
    }

    #[test]
    fn first_and_last_days() {
        assert_eq!(ym("2024-02").last_day(), date!(2024 - 02 - 29));
        assert_eq!(ym("2023-02").last_day(), date!(2023 - 02 - 28));
        assert_eq!(ym("2024-04").last_day(), date!(2024 - 04 - 30));
        assert_eq!(ym("2024-12").first_day(), date!(2024 - 12 - 01));
        assert_eq!(YearMonth::of(date!(2024 - 12 - 31)), ym("2024-12"));
        assert_eq!(ym("2024-11").quarter(), 4);
        assert_eq!(ym("2024-03").quarter(), 1);
    }

    #[test]
    fn through_is_inclusive() {
        let months: Vec<_> = ym("2023-11").through(ym("2024-02")).collect();
        assert_eq!(months, vec![ym("2023-11"), ym("2023-12"), ym("2024-01"), ym("2024-02")]);
        assert_eq!(ym("2024-02").through(ym("2023-11")).count(), 0);
        assert_eq!(ym("2024-02").through(ym("2024-02")).count(), 1);
    }

    #[test]
    fn adding_months_clamps_to_month_end() {
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2023 - 01 - 31), 1), date!(2023 - 02 - 28));
        assert_eq!(add_months(date!(2024 - 03 - 31), -1), date!(2024 - 02 - 29));
        assert_eq!(add_months(date!(2024 - 08 - 31), 6), date!(2025 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
        assert_eq!(add_years(date!(2023 - 06 - 15), 3), date!(2026 - 06 - 15));
    }

    #[test]
    fn age_counts_whole_years() {
        let birth = date!(2006 - 05 - 20);
        assert_eq!(age_on(birth, date!(2024 - 05 - 19)), 17);
        assert_eq!(age_on(birth, date!(2024 - 05 - 20)), 18);
        let leap = date!(2004 - 02 - 29);
        assert_eq!(age_on(leap, date!(2022 - 02 - 28)), 17);
        assert_eq!(age_on(leap, date!(2022 - 03 - 01)), 18);
        assert_eq!(age_on(leap, date!(2024 - 02 - 29)), 20);
    }

    proptest! {
        #[test]
        fn add_then_subtract_months_round_trips(y in 1900i32..2100, m in 1u8..=12, n in -600i64..600) {
            let a = YearMonth::new(y, m).unwrap();
            prop_assert_eq!(a.add_months(n).add_months(-n), a);
            prop_assert_eq!(a.add_months(n).months_since(a), n);
        }

        #[test]
        fn add_months_keeps_day_or_clamps(days in 0i64..80_000, n in -240i64..240) {
            let d = date!(1900 - 01 - 01) + time::Duration::days(days);
            let moved = add_months(d, n);
            prop_assert_eq!(YearMonth::of(moved), YearMonth::of(d).add_months(n));
            prop_assert!(moved.day() == d.day() || moved == YearMonth::of(moved).last_day());
        }
    }
}
