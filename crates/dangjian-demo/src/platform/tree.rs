//! The organisation tree: the 工委, each department's 党组/党委 and 机关党委, 党总支 for
//! large sub-units, the branches with their sizes, 党小组, founding dates and terms.
//!
//! Branch sizes are fixed here, before any member exists, so the tree decides how many
//! branches a department gets: about one per [`TYPICAL_BRANCH`] members, which keeps
//! ordinary branches between roughly 10 and 45 members whatever total is asked for.

use dangjian_domain::month::add_years;
use dangjian_domain::orgs::{OrgKind, OrgPolicy};
use fastrand::Rng;
use time::{Date, Duration, Month};

use super::depts::{DEPTS, Shape, chinese_number, index_of};

/// The 工委 at the root of the tree.
pub(crate) const ROOT_NAME: &str = "中共青澜市委市直机关工作委员会";
/// Members per ordinary branch, on average.
const TYPICAL_BRANCH: usize = 24;
/// Share of members in 离退休干部党支部, percent.
const RETIRED_PERCENT: usize = 15;
/// Most members a 离退休干部党支部 gets before a second one is set up.
const RETIRED_BRANCH_MAX: usize = 40;
/// A 党总支 takes branches until it would exceed this many members (the rule's limit is
/// 100) or has this many branches.
const GENERAL_BRANCH_MEMBERS: usize = 90;
const GENERAL_BRANCH_BRANCHES: usize = 4;
/// Below this many members the deliberately irregular branches are left out: the rest
/// of the tree needs the members more.
pub const IRREGULAR_FROM: usize = 300;
/// Orgs are founded at least this long before "today", so every term has begun.
const SETTLED_DAYS: i64 = 400;

/// What kind of branch it is, which decides its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Profile {
    /// An ordinary 机关 branch: mostly 正式党员 in service, some in development.
    Working,
    /// 离退休干部党支部: all 正式党员, retired.
    Retired,
    /// Only 2 正式党员 (and a 预备党员): should join a 联合党支部.
    TooFewFull,
    /// 9 正式党员 and no 支委会.
    NoCommittee,
    /// 55 members: above the usual 50, should become a 党总支.
    TooLarge,
}

/// The irregular branches: department, name after the department's short name, profile,
/// size.
pub(crate) const IRREGULAR: [(&str, &str, Profile, usize); 3] = [
    ("市生态环境局", "澜溪监测站党支部", Profile::TooFewFull, 3),
    ("市交通运输局", "运输服务中心党支部", Profile::NoCommittee, 10),
    ("市卫生健康委", "机关综合党支部", Profile::TooLarge, 55),
];

/// One organisation to insert; `parent` indexes the plan's list (parents come first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrgPlan {
    pub parent: Option<usize>,
    pub kind: OrgKind,
    pub name: String,
    pub founded_on: Date,
    /// Date of the last election, for kinds with an elected term.
    pub term_start: Option<Date>,
    pub sort_order: i32,
}

impl OrgPlan {
    pub(crate) fn term_years(&self) -> Option<u32> {
        self.kind.term_years(&OrgPolicy::default())
    }
}

/// A branch to fill with members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BranchPlan {
    /// Index of the branch in the org list.
    pub org: usize,
    /// Index into [`DEPTS`].
    pub dept: usize,
    pub size: usize,
    pub profile: Profile,
    /// Org indices of its 党小组 (none for most).
    pub groups: Vec<usize>,
}

/// The whole tree.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tree {
    pub orgs: Vec<OrgPlan>,
    pub branches: Vec<BranchPlan>,
}

impl Tree {
    fn add(&mut self, parent: Option<usize>, kind: OrgKind, name: String, founded_on: Date) -> usize {
        let siblings = self.orgs.iter().filter(|o| o.parent == parent).count();
        self.orgs.push(OrgPlan {
            parent,
            kind,
            name,
            founded_on,
            term_start: None,
            sort_order: (siblings as i32 + 1) * 10,
        });
        self.orgs.len() - 1
    }

    /// Adds a branch of `size` members under `parent`, with 党小组 if it is large.
    fn add_branch(&mut self, rng: &mut Rng, today: Date, parent: usize, dept: usize, spec: (String, usize, Profile)) {
        let (name, size, profile) = spec;
        let founded = child_founded(rng, self.orgs[parent].founded_on, 6, today);
        let org = self.add(Some(parent), OrgKind::Branch, name, founded);
        // 党小组 where the branch is large (支部工作条例: a branch with many members, or
        // members working or living far apart, may set them up).
        let group_count = match profile {
            Profile::TooLarge => 3,
            Profile::Working | Profile::Retired if size >= 20 && rng.bool() => 2 + usize::from(size >= 36),
            _ => 0,
        };
        let groups = (1..=group_count)
            .map(|n| {
                let founded = child_founded(rng, founded, 3, today);
                self.add(Some(org), OrgKind::Group, format!("第{}党小组", chinese_number(n)), founded)
            })
            .collect();
        self.branches.push(BranchPlan { org, dept, size, profile, groups });
    }
}

/// A random day in `lo..=hi` (`lo` when the range is empty).
pub(crate) fn day_in(rng: &mut Rng, lo: Date, hi: Date) -> Date {
    let span = (hi - lo).whole_days();
    if span <= 0 { lo } else { lo + Duration::days(rng.i64(0..=span)) }
}

/// Founded some time after the parent, within `max_years`, and settled before today.
fn child_founded(rng: &mut Rng, parent: Date, max_years: i64, today: Date) -> Date {
    let latest = add_years(parent, max_years).min(today - Duration::days(SETTLED_DAYS));
    day_in(rng, parent, latest.max(parent))
}

/// `parts` sizes adding up to `total`, each near `total / parts` (weights 0.6–1.4, largest
/// remainder so the sum is exact).
fn split(rng: &mut Rng, total: usize, parts: usize) -> Vec<usize> {
    if parts == 0 {
        return Vec::new();
    }
    let weights: Vec<usize> = (0..parts).map(|_| rng.usize(60..=140)).collect();
    shares(total, &weights)
}

/// `total` split in proportion to `weights`, largest remainder first (ties to the first).
fn shares(total: usize, weights: &[usize]) -> Vec<usize> {
    let sum: usize = weights.iter().sum::<usize>().max(1);
    let mut out: Vec<usize> = weights.iter().map(|w| total * w / sum).collect();
    let mut rems: Vec<(usize, usize)> = weights.iter().enumerate().map(|(i, w)| (total * w % sum, i)).collect();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let given: usize = out.iter().sum();
    for &(_, i) in rems.iter().take(total - given) {
        out[i] += 1;
    }
    out
}

/// Number of ordinary branches for `members` members.
fn branch_count(members: usize) -> usize {
    let n = ((members + TYPICAL_BRANCH / 2) / TYPICAL_BRANCH).max(1);
    if members >= 16 { n.max(2) } else { n }
}

/// Consecutive runs of branch sizes for the 党总支 of one department.
fn general_branch_runs(sizes: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let (mut start, mut sum) = (0, 0);
    for (i, &s) in sizes.iter().enumerate() {
        if i > start && (i - start == GENERAL_BRANCH_BRANCHES || sum + s > GENERAL_BRANCH_MEMBERS) {
            runs.push(start..i);
            start = i;
            sum = 0;
        }
        sum += s;
    }
    if start < sizes.len() {
        runs.push(start..sizes.len());
    }
    runs
}

/// Builds the tree for `members` members as of `today`.
pub(crate) fn build(rng: &mut Rng, members: usize, today: Date) -> Tree {
    let mut tree = Tree::default();
    let latest = today - Duration::days(SETTLED_DAYS);
    let root_founded = day_in(rng, date(1984, Month::March, 1), date(1984, Month::October, 31)).min(latest);
    let root = tree.add(None, OrgKind::WorkingCommittee, ROOT_NAME.to_string(), root_founded);

    let irregular: Vec<_> = if members >= IRREGULAR_FROM { IRREGULAR.to_vec() } else { Vec::new() };
    let rest = members - irregular.iter().map(|i| i.3).sum::<usize>();
    let weights: Vec<usize> = DEPTS.iter().map(|d| d.weight).collect();
    let quotas = shares(rest, &weights);
    let all_weight: usize = weights.iter().sum();
    let retired_weight: usize = DEPTS.iter().filter(|d| d.retired).map(|d| d.weight).sum::<usize>().max(1);

    for (di, dept) in DEPTS.iter().enumerate() {
        let quota = quotas[di];
        let retired = if dept.retired {
            (quota * RETIRED_PERCENT * all_weight + 50 * retired_weight) / (100 * retired_weight)
        } else {
            0
        };
        let working = quota - retired;

        let founded = day_in(rng, date(dept.founded, Month::January, 1), date(dept.founded, Month::December, 31));
        let founded = founded.max(root_founded).min(latest.max(root_founded));
        // Committees carry the formal name (中共青澜市财政局党组); branches the short one.
        let formal =
            if dept.unit.starts_with("中共") { dept.unit.to_string() } else { format!("中共{}", dept.unit) };
        let top = match dept.shape {
            Shape::OrgansOnly => tree.add(Some(root), OrgKind::OrgansCommittee, format!("{formal}机关委员会"), founded),
            Shape::LeadingGroup => {
                let group = tree.add(Some(root), OrgKind::LeadingGroup, format!("{formal}党组"), founded);
                let organs = child_founded(rng, founded, 1, today);
                tree.add(Some(group), OrgKind::OrgansCommittee, format!("{formal}机关委员会"), organs)
            }
            Shape::DepartmentCommittee => {
                tree.add(Some(root), OrgKind::DepartmentCommittee, format!("{formal}委员会"), founded)
            }
        };

        // Ordinary branches: first one per internal unit, then per sub-unit under 党总支.
        let sizes = split(rng, working, branch_count(working));
        let direct = match dept.shape {
            Shape::DepartmentCommittee => 0,
            _ if dept.sub_units.is_empty() => sizes.len(),
            // Keep at least two branches for the sub-units' 党总支.
            _ => (sizes.len() / 3).max(1).min(sizes.len().saturating_sub(2)),
        };
        for (i, &size) in sizes[..direct].iter().enumerate() {
            let name = match dept.divisions.get(i) {
                Some(unit) => format!("{}{unit}党支部", dept.short),
                None => format!("{}机关第{}党支部", dept.short, chinese_number(i + 1 - dept.divisions.len())),
            };
            tree.add_branch(rng, today, top, di, (name, size, Profile::Working));
        }
        for (r, run) in general_branch_runs(&sizes[direct..]).into_iter().enumerate() {
            let unit = match dept.sub_units.get(r) {
                Some(u) => (*u).to_string(),
                None => format!("机关第{}", chinese_number(r + 1)),
            };
            let gb_founded = child_founded(rng, tree.orgs[top].founded_on, 8, today);
            let gb = tree.add(Some(top), OrgKind::GeneralBranch, format!("{}{unit}党总支", dept.short), gb_founded);
            for (k, &size) in sizes[direct + run.start..direct + run.end].iter().enumerate() {
                let name = format!("{}{unit}第{}党支部", dept.short, chinese_number(k + 1));
                tree.add_branch(rng, today, gb, di, (name, size, Profile::Working));
            }
        }
        for (name_tail, profile, size) in irregular.iter().filter(|i| index_of(i.0) == di).map(|i| (i.1, i.2, i.3)) {
            tree.add_branch(rng, today, top, di, (format!("{}{name_tail}", dept.short), size, profile));
        }
        if retired > 0 {
            let count = retired.div_ceil(RETIRED_BRANCH_MAX);
            for (k, size) in shares(retired, &vec![1; count]).into_iter().enumerate() {
                let name = if count == 1 {
                    format!("{}离退休干部党支部", dept.short)
                } else {
                    format!("{}离退休干部第{}党支部", dept.short, chinese_number(k + 1))
                };
                tree.add_branch(rng, today, top, di, (name, size, Profile::Retired));
            }
        }
    }
    assign_terms(rng, &mut tree, today);
    tree
}

/// Where an organisation's term is meant to stand today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Term {
    Current,
    DueSoon,
    Overdue,
}

/// Sets the last election of every organisation with a term: most are current, a few
/// ordinary branches (about one in fifteen each, at least one), one 机关党委 or 部门党委
/// and one 党总支 are due within 90 days or overdue, so the 换届 reminders show. The
/// irregular branches stay current, so each shows only the issue it was made for.
fn assign_terms(rng: &mut Rng, tree: &mut Tree, today: Date) {
    let mut state = vec![Term::Current; tree.orgs.len()];
    let mut working: Vec<usize> =
        tree.branches.iter().filter(|b| b.profile == Profile::Working).map(|b| b.org).collect();
    rng.shuffle(&mut working);
    let k = (working.len() / 15).max(1).min(working.len() / 2);
    for &o in &working[..k] {
        state[o] = Term::Overdue;
    }
    for &o in &working[k..2 * k] {
        state[o] = Term::DueSoon;
    }
    let pick_of = |rng: &mut Rng, tree: &Tree, kinds: &[OrgKind]| {
        let found: Vec<usize> = (0..tree.orgs.len())
            .filter(|&i| kinds.contains(&tree.orgs[i].kind) && tree.orgs[i].founded_on.year() <= today.year() - 7)
            .collect();
        (!found.is_empty()).then(|| found[rng.usize(..found.len())])
    };
    if let Some(c) = pick_of(rng, tree, &[OrgKind::OrgansCommittee, OrgKind::DepartmentCommittee]) {
        state[c] = Term::Overdue;
    }
    if let Some(g) = pick_of(rng, tree, &[OrgKind::GeneralBranch]) {
        state[g] = Term::DueSoon;
    }

    for (i, org) in tree.orgs.iter_mut().enumerate() {
        let Some(years) = org.term_years() else { continue };
        let years = i64::from(years);
        let start = match state[i] {
            Term::Current => {
                // Elected at least 60 days ago, and the term ends more than 120 days from
                // today (well outside the 90-day reminder).
                let lo = (add_years(today, -years) + Duration::days(121)).max(org.founded_on);
                day_in(rng, lo, today - Duration::days(60))
            }
            Term::DueSoon => add_years(today + Duration::days(rng.i64(10..=80)), -years),
            Term::Overdue => add_years(today - Duration::days(rng.i64(20..=400)), -years),
        };
        org.term_start = Some(start);
        // The first election is at the founding at the latest.
        org.founded_on = org.founded_on.min(start);
    }
}

fn date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up() {
        assert_eq!(shares(10, &[1, 1, 1]), [4, 3, 3]);
        assert_eq!(shares(0, &[5, 7]), [0, 0]);
        let mut rng = Rng::with_seed(1);
        for total in [0, 1, 17, 999] {
            for parts in 1..7 {
                assert_eq!(split(&mut rng, total, parts).iter().sum::<usize>(), total);
            }
        }
    }

    #[test]
    fn general_branches_stay_under_a_hundred() {
        let runs = general_branch_runs(&[40, 40, 40, 10, 10, 10, 10, 10, 45]);
        assert_eq!(runs, [0..2, 2..6, 6..9]);
        assert!(general_branch_runs(&[]).is_empty());
        assert_eq!(general_branch_runs(&[120]).len(), 1);
    }

    #[test]
    fn branch_counts() {
        assert_eq!(branch_count(0), 1);
        assert_eq!(branch_count(15), 1);
        assert_eq!(branch_count(16), 2);
        assert_eq!(branch_count(240), 10);
    }
}
