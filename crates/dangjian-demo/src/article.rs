//! One article from its plan: title, body, bylines, keywords, view count and flags.

use dangjian_store::articles::{NewArticle, PUBLISHED};
use fastrand::Rng;

use crate::body::BodyWriter;
use crate::plan::{DAY_US, Planned, SPAN_DAYS};
use crate::site::{CHANNELS, Ch};
use crate::text::{Ctx, Day};
use crate::titles;
use crate::words::{self, pick};

const HOUR_US: i64 = 3_600_000_000;

/// Writes one planned article for the channel whose database id is `channel_id`.
pub(crate) fn build(rng: &mut Rng, w: &mut BodyWriter, p: &Planned, channel_id: i64, now: i64) -> NewArticle {
    let ch = CHANNELS[usize::from(p.channel)].ch;
    let day = Day::of(p.published_at);
    let subject = titles::make(rng, ch, day);
    let keywords = keywords(rng, ch, subject.topic_kw);
    let publisher = publisher(rng, ch, subject.topic_kw);
    let ctx = Ctx {
        unit: subject.unit,
        topic: subject.topic,
        extra: subject.extra,
        date: day,
        deadline: Day::of(p.published_at + rng.i64(7..30) * DAY_US),
    };
    let body = w.write(rng, ch, &ctx, &subject.title);
    let headline = !p.draft && matches!(ch, Ch::Shizheng | Ch::Dongtai | Ch::Gongwei | Ch::Tashan) && rng.u32(..9) == 0;
    let age_days = (now - p.published_at) as f64 / DAY_US as f64;
    NewArticle {
        channel_id,
        title: subject.title,
        summary: body.summary,
        body_html: body.html,
        publisher: publisher.to_owned(),
        source_unit: subject.source_unit,
        editors: words::editors(rng),
        keywords,
        status: if p.draft { "draft".to_owned() } else { PUBLISHED.to_owned() },
        is_top: p.top,
        is_headline: headline,
        views: if p.draft { 0 } else { views(rng, age_days, headline) },
        published_at: p.published_at,
        // Written a few hours before it went out.
        created_at: p.published_at - HOUR_US - rng.i64(0..5 * 3600) * 1_000_000,
    }
}

/// 发布者: the 工委 office that put the article on the site.
fn publisher(rng: &mut Rng, ch: Ch, topic_kw: &str) -> &'static str {
    if topic_kw.contains('廉') && rng.bool() {
        return "纪工委";
    }
    let pool: &[&str] = match ch {
        Ch::Gonggao => &["办公室", "组织部"],
        Ch::Shizheng => &["宣传部", "办公室"],
        Ch::Dongtai | Ch::Wenming => &["宣传部", "宣传部", "机关党委", "办公室"],
        Ch::Dangwu => &["组织部"],
        Ch::Gongwei => &["办公室", "宣传部"],
        Ch::Shipin => &["宣传部"],
        Ch::Tashan => &["办公室", "宣传部"],
        Ch::Ziliao => &["组织部", "办公室"],
    };
    pick(rng, pool)
}

/// Two or three keywords: the topic's, one of the channel's and sometimes a general one.
fn keywords(rng: &mut Rng, ch: Ch, topic_kw: &str) -> String {
    let pool: &[&str] = match ch {
        Ch::Gonggao => &["通知", "公示", "通报"],
        Ch::Shizheng => &["时政要闻", "市委", "高质量发展"],
        Ch::Dongtai => &["党建动态", "基层党组织", "主题党日"],
        Ch::Dangwu => &["党务公开", "公示"],
        Ch::Gongwei => &["工委工作", "机关工委"],
        Ch::Wenming => &["文明创建", "志愿服务"],
        Ch::Shipin => &["视频", "党员教育"],
        Ch::Tashan => &["他山之石", "经验交流"],
        Ch::Ziliao => &["资料下载", "党务工作"],
    };
    let mut s = String::with_capacity(48);
    s.push_str(topic_kw);
    let mut k = pick(rng, pool);
    if k == topic_kw {
        k = pool.iter().copied().find(|&x| x != topic_kw).unwrap_or("机关党建");
    }
    s.push(',');
    s.push_str(k);
    if rng.bool() {
        let general = pick(rng, &["机关党建", "市直机关", words::CITY]);
        s.push(',');
        s.push_str(general);
    }
    s
}

/// Views: mostly 50–3000 on a log scale, one in a hundred up to 30 000; older articles
/// have had longer to collect them, the last few days' fewer, headlines more.
fn views(rng: &mut Rng, age_days: f64, headline: bool) -> i64 {
    let (lo, hi): (f64, f64) = if rng.u32(..100) == 0 { (3000.0, 30_000.0) } else { (50.0, 3000.0) };
    let x = rng.f64().powf(1.4);
    let base = (lo.ln() + x * (hi.ln() - lo.ln())).exp();
    let age = 0.55 + 0.9 * (age_days / SPAN_DAYS as f64).min(1.0);
    let fresh = if age_days < 10.0 { (age_days + 1.0) / 11.0 } else { 1.0 };
    let boost = if headline { 1.6 } else { 1.0 };
    ((base * age * fresh * boost) as i64).clamp(1, 30_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_are_skewed() {
        let mut rng = Rng::with_seed(4);
        let v: Vec<i64> = (0..10_000).map(|i| views(&mut rng, (i % 730) as f64, false)).collect();
        let typical = v.iter().filter(|&&x| (25..=4500).contains(&x)).count();
        assert!(typical > 9000, "{typical}");
        assert!(v.iter().any(|&x| x > 5000));
        assert!(v.iter().all(|&x| (1..=30_000).contains(&x)));
        let old: i64 = v.iter().enumerate().filter(|(i, _)| i % 730 > 600).map(|(_, x)| x).sum();
        let new: i64 = v.iter().enumerate().filter(|(i, _)| i % 730 < 130).map(|(_, x)| x).sum();
        assert!(old > new, "older articles have more views");
    }

    #[test]
    fn keywords_are_two_or_three() {
        let mut rng = Rng::with_seed(5);
        for c in &CHANNELS {
            for _ in 0..50 {
                let k = keywords(&mut rng, c.ch, "党建品牌");
                assert!((2..=3).contains(&k.split(',').count()), "{k}");
            }
        }
    }
}
