//! The computation of a scheme's results, with every step kept for the page.
//!
//! Per subject and rater group, each valid ballot line scores `Σ wᵢ × pointsᵢ / Σ wᵢ` over
//! the indicators (格次赋分); the group mean weights the lines by declared familiarity
//! (熟悉程度), after trimming the highest and lowest when the group has more than N lines.
//! The 年底 score is `Σ W_g × mean_g` over the groups that have a mean, their 知者权重
//! renormalised to sum to 1 (flagged when a group is left out). With 日常/年底 weights the
//! daily score joins the same way. Final 格次 follow the bands, then the quotas by rank.
//!
//! Sums are exact (products and sums of short decimals) and each mean is one division, so
//! the result does not depend on the order ballots arrive in.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;

use super::ballot::{self, Ballot, BallotError, Mark};
use super::scheme::{Scheme, Source, SubjectId, TieRule};
use crate::eval::{ConfigError, renormalise, round_score};

/// One rater group's part in one subject's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    pub code: String,
    pub name: String,
    pub source: Source,
    /// Ballot lines for this subject that counted, before trimming.
    pub valid: u32,
    /// Ballot lines for this subject on ballots that did not count.
    pub invalid: u32,
    /// Lines dropped as highest or lowest.
    pub trimmed: u32,
    /// Two decimals; `None` when the group has no valid ballot for the subject.
    pub mean: Option<Decimal>,
    /// The configured 知者权重.
    pub weight: Decimal,
    /// The weight applied: renormalised over the groups with a mean; 0 when left out.
    pub effective_weight: Decimal,
    /// `effective_weight × mean`, two decimals.
    pub contribution: Decimal,
    /// The familiarity-weighted mean points per indicator (scheme order), two decimals;
    /// empty when the group has no mean.
    pub indicator_means: Vec<Decimal>,
}

/// One subject's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectResult {
    pub subject: SubjectId,
    pub groups: Vec<GroupResult>,
    /// The ballots' score (年底), two decimals.
    pub year_end: Option<Decimal>,
    /// Per indicator (scheme order), the group means combined with the same renormalised
    /// weights as the year-end score, two decimals: where the subject is strong or weak.
    pub indicators: Vec<Decimal>,
    /// The daily score given (日常), when the scheme combines periods.
    pub daily: Option<Decimal>,
    /// The final score, two decimals; `None` when there is nothing to score.
    pub score: Option<Decimal>,
    /// Some rater group had no valid ballot and the others' weights were renormalised.
    pub groups_renormalised: bool,
    /// The scheme combines periods and one of them is missing, so the other counts alone.
    pub period_missing: bool,
    /// Competition rank by score (1, 2, 2, 4), among subjects with a score.
    pub rank: Option<u32>,
    /// The band the score reaches, ignoring quotas (index into the scheme's bands).
    pub band_by_score: Option<usize>,
    /// The final band after quotas.
    pub band: Option<usize>,
}

impl SubjectResult {
    /// The year-end contributions summed per source (内部 / 群众 / 线下), for a page that
    /// shows how much each kind of evaluation weighed.
    pub fn by_source(&self) -> Vec<(Source, Decimal)> {
        let mut out: Vec<(Source, Decimal)> = Vec::new();
        for g in self.groups.iter().filter(|g| g.mean.is_some()) {
            match out.iter_mut().find(|(s, _)| *s == g.source) {
                Some((_, total)) => *total += g.contribution,
                None => out.push((g.source, g.contribution)),
            }
        }
        out
    }

    /// Whether a quota moved the subject below the band its score reaches.
    pub fn moved_by_quota(&self) -> bool {
        self.band != self.band_by_score
    }
}

/// Ballots per rater group: the only thing shown about who took part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turnout {
    pub code: String,
    pub name: String,
    pub ballots: u32,
    pub valid: u32,
    pub invalid: u32,
}

/// The results of a scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeResult {
    /// In the scheme's subject order.
    pub subjects: Vec<SubjectResult>,
    pub turnout: Vec<Turnout>,
    /// Invalid ballots counted by [`ballot::Invalidity::code`].
    pub invalid_by_reason: BTreeMap<&'static str, u32>,
    /// Subjects per final band (index into the scheme's bands).
    pub band_counts: Vec<u32>,
}

/// Why a scheme could not be computed; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComputeError {
    Config(ConfigError),
    Ballot { index: usize, error: BallotError },
    UnknownDailySubject(SubjectId),
    DailyOutOfRange { subject: SubjectId, score: Decimal },
}

impl fmt::Display for ComputeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComputeError::Config(e) => write!(f, "考核方案设置有误：{e}"),
            ComputeError::Ballot { index, error } => write!(f, "第 {} 张票有误：{error}", index + 1),
            ComputeError::UnknownDailySubject(s) => write!(f, "日常得分中的对象 {s} 不在方案中"),
            ComputeError::DailyOutOfRange { subject, score } => write!(f, "对象 {subject} 的日常得分 {score} 超出范围"),
        }
    }
}

impl std::error::Error for ComputeError {}

/// One valid line: `Σ wᵢ × pointsᵢ` (not yet divided by `Σ wᵢ`) and its familiarity weight.
#[derive(Debug, Clone, Copy)]
struct Line {
    weighted: Decimal,
    familiarity: Decimal,
    /// Where this line's points per indicator start in the shared points buffer.
    start: usize,
}

#[derive(Default)]
struct Cell {
    lines: Vec<Line>,
    invalid: u32,
}

/// Computes a scheme from its ballots and, when the scheme combines periods, a daily score
/// per subject (same 0..=top-points range; subjects without one use the year-end alone).
pub fn compute(
    scheme: &Scheme,
    ballots: &[Ballot],
    daily: &BTreeMap<SubjectId, Decimal>,
) -> Result<SchemeResult, ComputeError> {
    scheme.validate().map_err(ComputeError::Config)?;
    let mut sorted: Vec<SubjectId> = scheme.subjects.clone();
    sorted.sort_unstable();
    let index: BTreeMap<SubjectId, usize> = scheme.subjects.iter().enumerate().map(|(i, s)| (*s, i)).collect();
    for (s, v) in daily {
        if !index.contains_key(s) {
            return Err(ComputeError::UnknownDailySubject(*s));
        }
        if *v < Decimal::ZERO || *v > scheme.max_points() {
            return Err(ComputeError::DailyOutOfRange { subject: *s, score: *v });
        }
    }
    let groups = scheme.groups.len();
    let mut cells: Vec<Cell> = (0..scheme.subjects.len() * groups).map(|_| Cell::default()).collect();
    let mut turnout: Vec<Turnout> = scheme
        .groups
        .iter()
        .map(|g| Turnout { code: g.code.clone(), name: g.name.clone(), ballots: 0, valid: 0, invalid: 0 })
        .collect();
    let mut invalid_by_reason: BTreeMap<&'static str, u32> = BTreeMap::new();
    let points: Vec<Decimal> = scheme.scale.iter().map(|l| l.points).collect();
    let weights: Vec<Decimal> = scheme.indicators.iter().map(|i| i.weight).collect();
    let weight_sum: Decimal = weights.iter().copied().sum();
    let n_ind = weights.len();
    // Every valid line's points per indicator, in one buffer instead of a Vec per line.
    let mut line_points: Vec<Decimal> = Vec::new();

    for (bi, b) in ballots.iter().enumerate() {
        let verdict = ballot::check(scheme, &sorted, b).map_err(|error| ComputeError::Ballot { index: bi, error })?;
        let t = &mut turnout[b.group];
        t.ballots += 1;
        if let Some(why) = verdict {
            t.invalid += 1;
            *invalid_by_reason.entry(why.code()).or_default() += 1;
            for line in &b.lines {
                cells[index[&line.subject] * groups + b.group].invalid += 1;
            }
            continue;
        }
        t.valid += 1;
        let familiarity = match (&scheme.familiarity, b.familiarity) {
            (Some(levels), Some(f)) => levels[usize::from(f)].weight,
            _ => Decimal::ONE,
        };
        for line in &b.lines {
            let start = line_points.len();
            let mut weighted = Decimal::ZERO;
            for (m, w) in line.marks.iter().zip(&weights) {
                let p = match m {
                    Mark::Level(l) => points[usize::from(*l)],
                    Mark::Points(p) => *p,
                };
                line_points.push(p);
                weighted += *w * p;
            }
            cells[index[&line.subject] * groups + b.group].lines.push(Line { weighted, familiarity, start });
        }
    }

    let mut subjects: Vec<SubjectResult> = Vec::with_capacity(scheme.subjects.len());
    for (si, subject) in scheme.subjects.iter().enumerate() {
        let mut group_results = Vec::with_capacity(groups);
        let mut means: Vec<Option<Decimal>> = Vec::with_capacity(groups);
        let mut indicator_means: Vec<Vec<Decimal>> = Vec::with_capacity(groups);
        for (gi, group) in scheme.groups.iter().enumerate() {
            let cell = &mut cells[si * groups + gi];
            let valid = cell.lines.len() as u32;
            let trimmed = trim(&mut cell.lines, scheme, &line_points, n_ind);
            let familiarity_sum: Decimal = cell.lines.iter().map(|l| l.familiarity).sum();
            let mean = (!familiarity_sum.is_zero()).then(|| {
                let numerator: Decimal = cell.lines.iter().map(|l| l.weighted * l.familiarity).sum();
                numerator / (familiarity_sum * weight_sum)
            });
            let per_indicator: Vec<Decimal> = if mean.is_some() {
                let mut sums = vec![Decimal::ZERO; n_ind];
                for l in &cell.lines {
                    for (sum, p) in sums.iter_mut().zip(&line_points[l.start..l.start + n_ind]) {
                        *sum += *p * l.familiarity;
                    }
                }
                sums.into_iter().map(|x| x / familiarity_sum).collect()
            } else {
                Vec::new()
            };
            means.push(mean);
            group_results.push(GroupResult {
                code: group.code.clone(),
                name: group.name.clone(),
                source: group.source,
                valid,
                invalid: cell.invalid,
                trimmed,
                mean: mean.map(round_score),
                weight: group.weight,
                effective_weight: Decimal::ZERO,
                contribution: round_score(Decimal::ZERO),
                indicator_means: per_indicator.iter().copied().map(round_score).collect(),
            });
            indicator_means.push(per_indicator);
        }
        let present: Vec<Decimal> =
            scheme.groups.iter().zip(&means).filter(|(_, m)| m.is_some()).map(|(g, _)| g.weight).collect();
        let mut indicators = Vec::new();
        let year_end = renormalise(&present).map(|shares| {
            let mut shares = shares.into_iter();
            let mut total = Decimal::ZERO;
            let mut per_indicator = vec![Decimal::ZERO; n_ind];
            for ((r, m), im) in group_results.iter_mut().zip(&means).zip(&indicator_means) {
                if let Some(m) = m {
                    let share = shares.next().unwrap_or_default();
                    r.effective_weight = share;
                    r.contribution = round_score(share * *m);
                    total += share * *m;
                    for (acc, x) in per_indicator.iter_mut().zip(im) {
                        *acc += share * *x;
                    }
                }
            }
            indicators = per_indicator.into_iter().map(round_score).collect();
            total
        });
        let day = scheme.period_weights.and(daily.get(subject).copied());
        let (exact, period_missing) = match scheme.period_weights {
            None => (year_end, false),
            Some(p) => {
                let parts: Vec<(Decimal, Decimal)> = [(p.daily, day), (p.year_end, year_end)]
                    .into_iter()
                    .filter_map(|(w, v)| v.map(|v| (w, v)))
                    .collect();
                let ws: Vec<Decimal> = parts.iter().map(|(w, _)| *w).collect();
                let combined = renormalise(&ws).map(|s| s.iter().zip(&parts).map(|(s, (_, v))| *s * *v).sum());
                (combined, parts.len() < 2)
            }
        };
        subjects.push(SubjectResult {
            subject: *subject,
            groups: group_results,
            year_end: year_end.map(round_score),
            indicators,
            daily: day,
            score: exact.map(round_score),
            groups_renormalised: year_end.is_some() && means.iter().any(Option::is_none),
            period_missing,
            rank: None,
            band_by_score: None,
            band: None,
        });
    }
    let band_counts = assign_bands(scheme, &mut subjects);
    Ok(SchemeResult { subjects, turnout, invalid_by_reason, band_counts })
}

/// Drops the highest and lowest lines when there are more than the rule allows; returns
/// how many were dropped. Lines are ordered by score, then familiarity, then their points
/// per indicator, so lines that compare equal are identical and which of them goes does
/// not depend on arrival order.
fn trim(lines: &mut Vec<Line>, scheme: &Scheme, line_points: &[Decimal], n_ind: usize) -> u32 {
    let Some(t) = scheme.rules.trim else { return 0 };
    let n = lines.len();
    let k = t.drop_each_end as usize;
    if n <= t.more_than as usize || k == 0 || 2 * k >= n {
        return 0;
    }
    let marks = |l: &Line| &line_points[l.start..l.start + n_ind];
    lines.sort_unstable_by(|a, b| {
        a.weighted.cmp(&b.weighted).then(a.familiarity.cmp(&b.familiarity)).then_with(|| marks(a).cmp(marks(b)))
    });
    lines.truncate(n - k);
    lines.drain(..k);
    (2 * k) as u32
}

/// Ranks subjects and assigns final bands: by score first, then quotas from the top band
/// down. Subjects over a band's quota go to the next band; a tie at the quota's edge is
/// settled by the scheme's [`TieRule`]. Returns the count per band.
fn assign_bands(scheme: &Scheme, subjects: &mut [SubjectResult]) -> Vec<u32> {
    let band_of =
        |score: Decimal| scheme.bands.iter().position(|b| score >= b.min_score).unwrap_or(scheme.bands.len() - 1);
    let mut order: Vec<usize> = (0..subjects.len()).filter(|i| subjects[*i].score.is_some()).collect();
    order.sort_by(|a, b| {
        subjects[*b].score.cmp(&subjects[*a].score).then(subjects[*a].subject.cmp(&subjects[*b].subject))
    });
    let scored = order.len() as u32;
    for (pos, &i) in order.iter().enumerate() {
        let rank = match pos.checked_sub(1).map(|p| order[p]) {
            Some(prev) if subjects[prev].score == subjects[i].score => subjects[prev].rank,
            _ => Some(pos as u32 + 1),
        };
        let s = &mut subjects[i];
        s.rank = rank;
        s.band_by_score = s.score.map(band_of);
    }
    let mut counts = vec![0u32; scheme.bands.len()];
    let mut remaining: Vec<usize> = order;
    for (bi, band) in scheme.bands.iter().enumerate() {
        let last = bi + 1 == scheme.bands.len();
        let eligible: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|i| last || subjects[*i].score.is_some_and(|s| s >= band.min_score))
            .collect();
        let mut taken = eligible.clone();
        if let Some(q) = band.quota {
            let cap = q.floor_of(scored) as usize;
            if taken.len() > cap {
                taken.truncate(cap);
                if scheme.tie_rule == TieRule::DemoteAllTied
                    && let Some(&edge) = eligible.get(cap)
                {
                    let edge_score = subjects[edge].score;
                    taken.retain(|i| subjects[*i].score != edge_score);
                }
            }
        }
        for &i in &taken {
            subjects[i].band = Some(bi);
        }
        counts[bi] = taken.len() as u32;
        remaining.retain(|i| subjects[*i].band.is_none());
    }
    counts
}
