//! Titles, one generator per channel. Each returns a [`Subject`]: besides the title it
//! keeps the unit, topic and object the title named, so the body, the keywords and the
//! 供稿单位 of the article agree with its title. Years in titles follow the publication
//! date (a plan for next year appears in November, a 表彰 of last year in spring).

use fastrand::Rng;

mod media;
mod news;
mod notices;

use crate::site::Ch;
use crate::text::Day;
use crate::words::{self, DEPTS, ORGS, pick};

/// What an article is about, as chosen by its title.
pub(crate) struct Subject {
    pub title: String,
    /// Who acts in the body.
    pub unit: String,
    pub topic: &'static str,
    /// Short keyword of the topic.
    pub topic_kw: &'static str,
    /// The activity, task or document the title names.
    pub extra: String,
    /// 供稿单位.
    pub source_unit: String,
}

/// A title for channel `ch` of an article published on `day`.
pub(crate) fn make(rng: &mut Rng, ch: Ch, day: Day) -> Subject {
    let (topic, topic_kw) = words::TOPICS[rng.usize(..words::TOPICS.len())];
    let mut s = Subject {
        title: String::new(),
        unit: String::new(),
        topic,
        topic_kw,
        extra: String::new(),
        source_unit: String::new(),
    };
    match ch {
        Ch::Gonggao => notices::gonggao(rng, day, &mut s),
        Ch::Shizheng => news::shizheng(rng, day, &mut s),
        Ch::Dongtai => news::dongtai(rng, day, &mut s),
        Ch::Dangwu => notices::dangwu(rng, day, &mut s),
        Ch::Gongwei => news::gongwei(rng, day, &mut s),
        Ch::Wenming => news::wenming(rng, day, &mut s),
        Ch::Shipin => media::shipin(rng, day, &mut s),
        Ch::Tashan => media::tashan(rng, &mut s),
        Ch::Ziliao => media::ziliao(rng, day, &mut s),
    }
    s
}

/// The year a plan published on `day` is for.
pub(super) fn plan_year(day: Day) -> i32 {
    if day.month >= 11 { day.year + 1 } else { day.year }
}

/// The year a review or 表彰 published on `day` looks back on.
pub(super) fn review_year(day: Day) -> i32 {
    if day.month <= 4 { day.year - 1 } else { day.year }
}

/// A department and one of its party organisations, e.g. 市财政局机关党委.
pub(super) fn dept_org(rng: &mut Rng) -> (&'static str, String) {
    let dept = pick(rng, DEPTS);
    (dept, format!("{dept}{}", pick(rng, ORGS)))
}

/// “三联”-style slogan plus what it does: “三联”推动党建与业务深度融合.
pub(super) fn method(rng: &mut Rng) -> String {
    format!("“{}{}”{}", pick(rng, words::NUMERALS), pick(rng, words::SLOGAN_KEYS), pick(rng, words::METHOD_AIMS))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::site::CHANNELS;

    const DAY: Day = Day { year: 2024, month: 6, day: 18 };

    #[test]
    fn thousand_titles_are_mostly_distinct() {
        let mut rng = Rng::with_seed(42);
        let titles: Vec<String> =
            (0..1000).map(|i| make(&mut rng, CHANNELS[i % CHANNELS.len()].ch, DAY).title).collect();
        let distinct: HashSet<&String> = titles.iter().collect();
        assert!(distinct.len() >= 900, "only {} distinct of 1000", distinct.len());
    }

    #[test]
    fn every_channel_has_varied_non_empty_titles() {
        let mut rng = Rng::with_seed(3);
        for c in &CHANNELS {
            let titles: Vec<Subject> = (0..300).map(|_| make(&mut rng, c.ch, DAY)).collect();
            for s in &titles {
                assert!(!s.title.is_empty() && !s.unit.is_empty(), "{}", s.title);
                assert!(!s.extra.is_empty() && !s.source_unit.is_empty(), "{}", s.title);
            }
            let distinct: HashSet<&str> = titles.iter().map(|s| s.title.as_str()).collect();
            assert!(distinct.len() >= 150, "{}: {} distinct of 300", c.slug, distinct.len());
        }
    }

    #[test]
    fn long_and_short_titles_are_mixed() {
        let mut rng = Rng::with_seed(9);
        let lens: Vec<usize> =
            (0..2000).map(|i| make(&mut rng, CHANNELS[i % 9].ch, DAY).title.chars().count()).collect();
        assert!(lens.iter().any(|&l| l > 30));
        assert!(lens.iter().any(|&l| l <= 15));
        assert!(lens.iter().all(|&l| (4..=60).contains(&l)), "{:?}", lens.iter().max());
    }

    #[test]
    fn years_follow_the_date() {
        let mut rng = Rng::with_seed(5);
        for _ in 0..500 {
            let t = make(&mut rng, Ch::Gonggao, Day { year: 2024, month: 12, day: 2 }).title;
            assert!(!t.contains("2023") && !t.contains("2026"), "{t}");
        }
    }
}

#[cfg(test)]
mod diag {
    use std::collections::HashSet;

    use super::*;
    use crate::plan::quotas;
    use crate::site::CHANNELS;

    /// Over a full 100 000-article demo, most titles are distinct (the repeats are
    /// yearly and monthly notices that really recur).
    #[test]
    fn most_of_a_hundred_thousand_titles_are_distinct() {
        let mut rng = Rng::with_seed(42);
        let mut all = HashSet::new();
        for (c, n) in CHANNELS.iter().zip(quotas(100_000)) {
            for _ in 0..n {
                let day = Day { year: 2023 + rng.i32(0..3), month: rng.u8(1..13), day: rng.u8(1..29) };
                all.insert(make(&mut rng, c.ch, day).title);
            }
        }
        assert!(all.len() >= 75_000, "only {} distinct titles of 100000", all.len());
    }
}
