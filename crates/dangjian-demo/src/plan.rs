//! The shape of the demo archive before any text is written: which channel each article
//! goes to, when it was published, which are drafts and which are pinned. Articles are
//! planned oldest first, so ids grow with publication time as in a real CMS.

use fastrand::Rng;

use crate::site::CHANNELS;

pub(crate) const DAY_US: i64 = 86_400_000_000;
const HOUR_US: i64 = 3_600_000_000;
/// Asia/Shanghai is UTC+8 all year.
const SHANGHAI_US: i64 = 8 * HOUR_US;
/// The archive covers the two years (730 days) before `now`.
pub(crate) const SPAN_DAYS: i64 = 730;
/// Share of articles that are drafts: one in this many.
const DRAFT_ONE_IN: u32 = 100;

/// One planned article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Planned {
    /// Index into [`CHANNELS`].
    pub channel: u8,
    pub published_at: i64,
    pub draft: bool,
    pub top: bool,
}

/// The fewest articles every channel gets: a twentieth of all, capped so that large
/// archives keep the uneven spread a real site has.
pub(crate) fn minimum_per_channel(articles: usize) -> usize {
    (articles / 20).min(1000)
}

/// How many articles each channel gets: the minimum, then the rest by weight (largest
/// remainder, so the counts add up exactly and do not depend on the random stream).
pub(crate) fn quotas(articles: usize) -> [usize; CHANNELS.len()] {
    let min = minimum_per_channel(articles);
    let rest = articles - min * CHANNELS.len();
    let total: usize = CHANNELS.iter().map(|c| c.weight as usize).sum();
    let mut q = [min; CHANNELS.len()];
    let mut rems = [(0usize, 0usize); CHANNELS.len()];
    let mut given = 0;
    for (i, c) in CHANNELS.iter().enumerate() {
        let share = rest * c.weight as usize;
        q[i] += share / total;
        given += share / total;
        rems[i] = (share % total, i);
    }
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in rems.iter().take(rest - given) {
        q[i] += 1;
    }
    q
}

/// How many articles are pinned (置顶): a handful, growing slowly with the archive.
pub(crate) fn top_count(articles: usize) -> usize {
    if articles == 0 { 0 } else { (3 + articles / 20_000).min(articles) }
}

/// Plans `articles` articles published before `now`, oldest first.
pub(crate) fn plan(rng: &mut Rng, articles: usize, now: i64) -> Vec<Planned> {
    let mut channels: Vec<u8> = Vec::with_capacity(articles);
    for (i, n) in quotas(articles).into_iter().enumerate() {
        channels.extend(std::iter::repeat_n(i as u8, n));
    }
    rng.shuffle(&mut channels);
    let mut times: Vec<i64> = (0..articles).map(|_| publish_time(rng, now)).collect();
    times.sort_unstable();
    let mut plan: Vec<Planned> = channels
        .into_iter()
        .zip(times)
        .map(|(channel, published_at)| Planned {
            channel,
            published_at,
            draft: rng.u32(..DRAFT_ONE_IN) == 0,
            top: false,
        })
        .collect();
    // Pin a few recent notices and committee news, as an editor would.
    let mut left = top_count(articles);
    let pinnable = |c: u8| matches!(CHANNELS[usize::from(c)].slug, "gonggao" | "gongwei" | "dongtai");
    for p in plan.iter_mut().rev() {
        if left == 0 {
            break;
        }
        if !p.draft && pinnable(p.channel) && rng.u32(..4) == 0 {
            p.top = true;
            left -= 1;
        }
    }
    plan
}

/// A publication time in the two years before `now`: more recent days are likelier,
/// weekends are mostly moved to a working day, and the time of day is office hours
/// (08:00–18:00 in Shanghai).
fn publish_time(rng: &mut Rng, now: i64) -> i64 {
    let today = (now + SHANGHAI_US).div_euclid(DAY_US);
    let oldest = today - (SPAN_DAYS - 1);
    loop {
        // 70 %: density falling linearly with age; 30 %: uniform over the two years.
        let x = if rng.u32(..10) < 7 { 1.0 - (1.0 - rng.f64()).sqrt() } else { rng.f64() };
        let age = ((x * SPAN_DAYS as f64) as i64).clamp(0, SPAN_DAYS - 1);
        let mut day = today - age;
        // Day 0 (1970-01-01) was a Thursday; 0 = Monday.
        match (day + 3).rem_euclid(7) {
            5 if rng.u32(..5) != 0 => day -= 1,
            6 if rng.u32(..5) != 0 => day += 1,
            _ => {}
        }
        let day = day.clamp(oldest, today);
        let seconds = 8 * 3600 + rng.i64(0..10 * 3600);
        let t = day * DAY_US + seconds * 1_000_000 - SHANGHAI_US;
        if t <= now {
            return t;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_735_000_000_000_000; // 2024-12-24 00:26:40 UTC

    #[test]
    fn quotas_add_up_and_respect_the_minimum() {
        for n in [0, 1, 9, 30, 300, 1234, 100_000] {
            let q = quotas(n);
            assert_eq!(q.iter().sum::<usize>(), n, "{n}");
            assert!(q.iter().all(|&c| c >= minimum_per_channel(n)), "{n}: {q:?}");
        }
        assert!(quotas(300).iter().all(|&c| c >= 10));
        let q = quotas(100_000);
        assert!(q.iter().max() > Some(&(q.iter().min().unwrap() * 3)), "uneven: {q:?}");
    }

    #[test]
    fn times_are_office_hours_in_the_last_two_years() {
        let mut rng = Rng::with_seed(1);
        let plan = plan(&mut rng, 5000, NOW);
        let mut recent = 0;
        for w in plan.windows(2) {
            assert!(w[0].published_at <= w[1].published_at);
        }
        for p in &plan {
            assert!(p.published_at <= NOW && p.published_at > NOW - SPAN_DAYS * DAY_US);
            let local = (p.published_at + SHANGHAI_US).rem_euclid(DAY_US) / HOUR_US;
            assert!((8..18).contains(&local), "hour {local}");
            if p.published_at > NOW - SPAN_DAYS * DAY_US / 2 {
                recent += 1;
            }
        }
        assert!(recent > 3000, "the newer year should hold more: {recent}");
    }

    #[test]
    fn a_handful_pinned_and_few_drafts() {
        let mut rng = Rng::with_seed(2);
        let plan = plan(&mut rng, 10_000, NOW);
        assert_eq!(plan.iter().filter(|p| p.top).count(), top_count(10_000));
        let drafts = plan.iter().filter(|p| p.draft).count();
        assert!((40..200).contains(&drafts), "{drafts}");
    }

    #[test]
    fn weekends_are_quiet() {
        let mut rng = Rng::with_seed(3);
        let plan = plan(&mut rng, 7000, NOW);
        let weekend =
            plan.iter().filter(|p| ((p.published_at + SHANGHAI_US).div_euclid(DAY_US) + 3).rem_euclid(7) >= 5).count();
        assert!(weekend < 7000 / 7, "{weekend}");
    }
}
