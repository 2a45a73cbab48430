//! Article bodies: 3–7 paragraphs of 80–250 characters each, as `<p>…</p>`. Every
//! channel has a script: sentences that open the story, sentences for the middle and
//! sentences that close it. A paragraph is one opening or middle sentence, then more
//! middle sentences until it reaches its drawn length, then (in the last paragraph) a
//! closing sentence. The text is ours and contains no markup, so it needs no escaping.

use fastrand::Rng;

mod scripts;

use crate::site::Ch;
use crate::text::{Ctx, render};

use scripts::SHARED_MIDS;

/// Shortest and longest paragraph, in characters.
pub(crate) const PARA_MIN: usize = 80;
pub(crate) const PARA_MAX: usize = 250;
/// Longest length a paragraph aims for; it may overshoot up to [`PARA_MAX`].
const PARA_TARGET_MAX: usize = 220;
/// Length of the summary, in characters.
pub(crate) const SUMMARY_CHARS: usize = 80;

/// Remembers which sentences of a pool a body already used, so a body does not repeat
/// itself.
#[derive(Default)]
struct Used(u64);

impl Used {
    /// An unused index below `len`, or `None` once all are used.
    fn fresh(&mut self, rng: &mut Rng, len: usize) -> Option<usize> {
        debug_assert!((1..=64).contains(&len));
        let full = if len == 64 { u64::MAX } else { (1u64 << len) - 1 };
        if self.0 & full == full {
            return None;
        }
        loop {
            let i = rng.usize(..len);
            if self.0 & (1 << i) == 0 {
                self.0 |= 1 << i;
                return Some(i);
            }
        }
    }

    /// An unused index if there is one, else starts over.
    fn any(&mut self, rng: &mut Rng, len: usize) -> usize {
        self.fresh(rng, len).unwrap_or_else(|| {
            self.0 = 0;
            self.fresh(rng, len).unwrap_or(0)
        })
    }
}

/// Reusable buffers for writing bodies, so 100 000 articles do not allocate per sentence.
#[derive(Default)]
pub(crate) struct BodyWriter {
    para: String,
    sentence: String,
    tail: String,
}

/// A written body and its summary.
pub(crate) struct Body {
    pub html: String,
    pub summary: String,
}

impl BodyWriter {
    /// Writes the body of an article of channel `ch` titled `title` about `ctx`.
    pub(crate) fn write(&mut self, rng: &mut Rng, ch: Ch, ctx: &Ctx, title: &str) -> Body {
        let sc = scripts::script(ch);
        let leads = scripts::leads(ch, title);
        let pool = Pool {
            topical: scripts::topical_mids(ch, title),
            own: sc.mids,
            shared: if sc.shared { SHARED_MIDS } else { &[] },
        };
        // A paragraph takes about three middle sentences; do not plan more paragraphs
        // than the pool can fill without repeating itself.
        let fits = (pool.len() + 1) * 10 / 32;
        let n_paras = rng.usize(3..=sc.max_paras.max(3)).min(fits).max(3);
        let mut used_mids = Used::default();
        let mut used_pads = Used::default();
        let mut html = String::with_capacity(n_paras * 520);
        let mut summary = String::new();
        for i in 0..n_paras {
            let last = i + 1 == n_paras;
            self.para.clear();
            self.tail.clear();
            if i > 0 && !sc.headings.is_empty() {
                self.para.push_str(sc.headings[(i - 1).min(sc.headings.len() - 1)]);
            }
            let first = if i == 0 { leads[rng.usize(..leads.len())] } else { pool.get(used_mids.any(rng, pool.len())) };
            render(rng, ctx, first, &mut self.para);
            let mut len = self.para.chars().count();
            if last {
                let close = sc.closes[rng.usize(..sc.closes.len())];
                render(rng, ctx, close, &mut self.tail);
            }
            let tail_len = self.tail.chars().count();
            let target = rng.usize(PARA_MIN..=PARA_TARGET_MAX);
            let mut misses = 0;
            while len + tail_len < target && misses < 4 {
                let Some(k) = used_mids.fresh(rng, pool.len()) else { break };
                self.sentence.clear();
                render(rng, ctx, pool.get(k), &mut self.sentence);
                let l = self.sentence.chars().count();
                if len + l + tail_len <= PARA_MAX {
                    self.para.push_str(&self.sentence);
                    len += l;
                } else {
                    // Too long here; give it back for a later paragraph.
                    used_mids.0 &= !(1 << k);
                    misses += 1;
                }
            }
            while len + tail_len < PARA_MIN {
                let pad = sc.pads[used_pads.any(rng, sc.pads.len())];
                self.para.push_str(pad);
                len += pad.chars().count();
            }
            self.para.push_str(&self.tail);
            if i == 0 {
                summary = summarize(&self.para);
            }
            html.push_str("<p>");
            html.push_str(&self.para);
            html.push_str("</p>");
        }
        Body { html, summary }
    }
}

/// The middle sentences a body draws from: topical first, then the channel's, then
/// the shared party-work ones.
struct Pool {
    topical: &'static [&'static str],
    own: &'static [&'static str],
    shared: &'static [&'static str],
}

impl Pool {
    fn len(&self) -> usize {
        self.topical.len() + self.own.len() + self.shared.len()
    }

    fn get(&self, i: usize) -> &'static str {
        let (t, o) = (self.topical.len(), self.own.len());
        if i < t {
            self.topical[i]
        } else if i < t + o {
            self.own[i - t]
        } else {
            self.shared[i - t - o]
        }
    }
}

/// The first [`SUMMARY_CHARS`] characters of a paragraph, with an ellipsis if cut.
fn summarize(text: &str) -> String {
    match text.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::site::CHANNELS;
    use crate::text::Day;
    use crate::titles;

    fn bodies(seed: u64, per_channel: usize) -> Vec<(Ch, String, Body)> {
        let mut rng = Rng::with_seed(seed);
        let mut w = BodyWriter::default();
        let day = Day { year: 2025, month: 3, day: 14 };
        let mut out = Vec::new();
        for c in &CHANNELS {
            for _ in 0..per_channel {
                let s = titles::make(&mut rng, c.ch, day);
                let ctx = Ctx {
                    unit: s.unit,
                    topic: s.topic,
                    extra: s.extra,
                    date: day,
                    deadline: Day { year: 2025, month: 4, day: 2 },
                };
                let b = w.write(&mut rng, c.ch, &ctx, &s.title);
                out.push((c.ch, s.title, b));
            }
        }
        out
    }

    fn paragraphs(html: &str) -> Vec<&str> {
        html.strip_prefix("<p>")
            .and_then(|h| h.strip_suffix("</p>"))
            .expect("body is a run of <p>")
            .split("</p><p>")
            .collect()
    }

    #[test]
    fn paragraphs_have_the_promised_shape() {
        for (ch, title, b) in bodies(11, 200) {
            let ps = paragraphs(&b.html);
            assert!((3..=7).contains(&ps.len()), "{ch:?} {title}: {} paragraphs", ps.len());
            for p in ps {
                let n = p.chars().count();
                assert!((PARA_MIN..=PARA_MAX).contains(&n), "{ch:?} {title}: paragraph of {n}: {p}");
                assert!(!p.contains('<') && !p.contains('>') && !p.contains('{'), "{p}");
            }
        }
    }

    #[test]
    fn summary_is_the_start_of_the_body() {
        for (_, _, b) in bodies(12, 20) {
            let text = b.summary.trim_end_matches('…');
            assert_eq!(text.chars().count(), SUMMARY_CHARS);
            assert!(b.html[3..].starts_with(text));
        }
    }

    #[test]
    fn bodies_differ() {
        let all = bodies(13, 100);
        let distinct: HashSet<&str> = all.iter().map(|(_, _, b)| b.html.as_str()).collect();
        assert_eq!(distinct.len(), all.len());
    }

    #[test]
    fn same_seed_same_body() {
        let a = bodies(14, 5);
        let b = bodies(14, 5);
        assert!(a.iter().zip(&b).all(|(x, y)| x.2.html == y.2.html && x.1 == y.1));
    }
}
