//! Time as the product stores and shows it: UTC microseconds in storage, Asia/Shanghai
//! on screen. China has had no daylight saving since 1991, so a fixed +08:00 offset is
//! exact for every date the product handles and needs no time-zone database.

use time::{OffsetDateTime, UtcOffset, macros::format_description, macros::offset};

/// Asia/Shanghai.
pub const SHANGHAI: UtcOffset = offset!(+8);

/// Stored timestamps are Unix microseconds (UTC). Both databases keep them as BIGINT,
/// so ordering and comparison are exact and identical on SQLite and PostgreSQL.
pub type Micros = i64;

/// The current time truncated to microseconds.
pub fn now_micros() -> Micros {
    to_micros(OffsetDateTime::now_utc())
}

pub fn to_micros(t: OffsetDateTime) -> Micros {
    (t.unix_timestamp_nanos() / 1000) as i64
}

pub fn from_micros(us: Micros) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(us) * 1000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(SHANGHAI)
}

/// `YYYY-MM-DD HH:MM:SS` in Asia/Shanghai, as the article page shows 发布时间.
pub fn format_datetime(us: Micros) -> String {
    from_micros(us).format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]")).unwrap_or_default()
}

/// `yyyy-MM-dd HH:mm` (24 h), the form the `PubDate` meta tag and 国办 page rules use.
pub fn format_minute(us: Micros) -> String {
    from_micros(us).format(format_description!("[year]-[month]-[day] [hour]:[minute]")).unwrap_or_default()
}

/// `YYYY-MM-DD`, for dates beside titles in lists.
pub fn format_date(us: Micros) -> String {
    from_micros(us).format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

/// RFC 2822 date for RSS `pubDate`.
pub fn format_rfc2822(us: Micros) -> String {
    from_micros(us).format(&time::format_description::well_known::Rfc2822).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_shanghai_time() {
        // 2021-09-07 01:36:19 UTC is 09:36:19 in Shanghai.
        let us = 1_630_978_579_000_000;
        assert_eq!(format_datetime(us), "2021-09-07 09:36:19");
        assert_eq!(format_minute(us), "2021-09-07 09:36");
        assert_eq!(format_date(us), "2021-09-07");
    }

    #[test]
    fn day_boundary_moves_with_offset() {
        // 16:30 UTC on 31 Dec is already New Year's Day in Shanghai.
        let us = 1_704_040_200_000_000; // 2023-12-31 16:30:00 UTC
        assert_eq!(format_date(us), "2024-01-01");
    }

    #[test]
    fn round_trips_micros() {
        let us = 1_700_000_000_123_456;
        assert_eq!(to_micros(from_micros(us)), us);
    }
}
