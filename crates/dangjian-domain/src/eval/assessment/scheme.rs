//! The configuration of a 考核 scheme and its lifecycle (draft → open → closed → published).

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::eval::{ConfigError, Ratio};

/// The most decimals a weight or a scale's points may have.
pub const MAX_WEIGHT_DECIMALS: u32 = 6;

/// A subject's id as stored (a branch, a member or a leading cadre).
pub type SubjectId = i64;

/// What a scheme rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SubjectKind {
    Branch,
    Member,
    LeadingCadre,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 3] = [SubjectKind::Branch, SubjectKind::Member, SubjectKind::LeadingCadre];

    pub fn from_code(code: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Branch => "branch",
            SubjectKind::Member => "member",
            SubjectKind::LeadingCadre => "leading_cadre",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SubjectKind::Branch => "党组织",
            SubjectKind::Member => "党员",
            SubjectKind::LeadingCadre => "领导干部",
        }
    }
}

/// Where a rater group's ballots come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Source {
    /// 内部评价: signed-in raters.
    Internal,
    /// 群众评价: one-time tokens (links or QR codes), one ballot per token.
    Public,
    /// 线下: scores entered by an inspection team with evidence.
    Offline,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::Internal, Source::Public, Source::Offline];

    pub fn from_code(code: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            Source::Internal => "internal",
            Source::Public => "public",
            Source::Offline => "offline",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Source::Internal => "内部评价",
            Source::Public => "群众评价",
            Source::Offline => "线下评价",
        }
    }
}

/// An indicator (考核指标) with its weight among the indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
}

/// A rater group with its 知者权重.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaterGroup {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
    pub source: Source,
    /// Whether its ballots may carry points instead of grades (线下 inspection scores).
    pub accepts_points: bool,
}

/// A grade of the ballot scale (格次) and its points (格次赋分).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub code: String,
    pub name: String,
    pub points: Decimal,
}

/// A familiarity a rater declares (熟悉程度) and the weight of that ballot in its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Familiarity {
    pub code: String,
    pub name: String,
    pub weight: Decimal,
}

/// A final 格次 with the lowest score that reaches it and an optional quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalBand {
    pub code: String,
    pub name: String,
    pub min_score: Decimal,
    /// At most this share of the scored subjects, assigned by rank.
    pub quota: Option<Ratio>,
}

/// A limit in a per-ballot grade quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Limit {
    Count(u32),
    /// A share of the subjects on the ballot, rounded down.
    Share(Ratio),
}

impl Limit {
    pub fn of(self, n: u32) -> u32 {
        match self {
            Limit::Count(c) => c.min(n),
            Limit::Share(r) => r.floor_of(n),
        }
    }
}

/// A per-ballot quota on one grade, checked per indicator over the subjects on the ballot
/// ("at most 3 people 好, at least 2 below 较好" of domain-rules.md §3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeQuota {
    /// The level's code.
    pub level: String,
    pub at_most: Option<Limit>,
    pub at_least: Option<Limit>,
    /// The quota applies only to ballots with at least this many subjects.
    pub min_subjects: u32,
}

/// Trimming: when a group has more than `more_than` valid ballots for a subject, the
/// `drop_each_end` highest and as many lowest are dropped (default: more than 5, drop 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trim {
    pub more_than: u32,
    pub drop_each_end: u32,
}

/// Ballot validity rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotRules {
    /// A ballot rating two or more subjects with one identical mark everywhere is invalid.
    pub invalid_if_all_same: bool,
    pub grade_quotas: Vec<GradeQuota>,
    pub trim: Option<Trim>,
}

/// 日常 (from the ledger and records over the period) and 年底 (the ballots) weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodWeights {
    pub daily: Decimal,
    pub year_end: Decimal,
}

/// How a tie at a quota's edge is settled. Either way the quota is never exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TieRule {
    /// Everyone tied at the edge goes to the next band: nobody is favoured arbitrarily.
    DemoteAllTied,
    /// The lower subject id wins: fills the quota, deterministic but arbitrary.
    LowerIdFirst,
}

/// A 考核 scheme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    pub code: String,
    pub name: String,
    pub subject_kind: SubjectKind,
    pub subjects: Vec<SubjectId>,
    pub indicators: Vec<Indicator>,
    pub groups: Vec<RaterGroup>,
    /// Best first.
    pub scale: Vec<Level>,
    /// When set, every ballot declares a familiarity that weights it within its group.
    pub familiarity: Option<Vec<Familiarity>>,
    /// Highest first.
    pub bands: Vec<FinalBand>,
    pub rules: BallotRules,
    /// When set, the ballots make the 年底 part and a daily score per subject the 日常 part.
    pub period_weights: Option<PeriodWeights>,
    pub tie_rule: TieRule,
}

fn named<T>(rows: &[(&str, &str, i64)], scale: u32, f: impl Fn(String, String, Decimal) -> T) -> Vec<T> {
    rows.iter().map(|(c, n, v)| f((*c).to_owned(), (*n).to_owned(), Decimal::new(*v, scale))).collect()
}

/// 好 / 较好 / 一般 / 较差 = 100 / 80 / 60 / 40 (domain-rules.md §3, biz.doczj.com).
pub fn default_scale() -> Vec<Level> {
    named(
        &[("good", "好", 100), ("fairly_good", "较好", 80), ("average", "一般", 60), ("poor", "较差", 40)],
        0,
        |code, name, points| Level { code, name, points },
    )
}

/// 分管领导 20 %, 本支部党员 40 %, 服务对象 40 % (the doczj example of 知者权重).
pub fn default_groups() -> Vec<RaterGroup> {
    let g = |code: &str, name: &str, w: i64, source| RaterGroup {
        code: code.to_owned(),
        name: name.to_owned(),
        weight: Decimal::new(w, 2),
        source,
        accepts_points: false,
    };
    vec![
        g("leaders", "分管领导", 20, Source::Internal),
        g("members", "本支部党员", 40, Source::Internal),
        g("served", "服务对象", 40, Source::Public),
    ]
}

/// 熟悉 1.0 / 比较熟悉 0.8 / 不太熟悉 0.5 (a proposal: no source gives numbers).
pub fn default_familiarity() -> Vec<Familiarity> {
    named(
        &[("familiar", "熟悉", 100), ("fairly_familiar", "比较熟悉", 80), ("unfamiliar", "不太熟悉", 50)],
        2,
        |code, name, weight| Familiarity { code, name, weight },
    )
}

/// 优秀 ≥ 90 (at most 1/3) / 良好 ≥ 70 / 一般 ≥ 60 / 较差 (the A/B/C/D bands of the wjx.cn rules).
pub fn default_bands() -> Vec<FinalBand> {
    let b = |code: &str, name: &str, min: i64, quota| FinalBand {
        code: code.to_owned(),
        name: name.to_owned(),
        min_score: Decimal::from(min),
        quota,
    };
    vec![
        b("excellent", "优秀", 90, Some(Ratio::ONE_THIRD)),
        b("good", "良好", 70, None),
        b("average", "一般", 60, None),
        b("poor", "较差", 0, None),
    ]
}

/// All-same ballots invalid; more than 5 ballots → drop the highest and the lowest.
pub fn default_ballot_rules() -> BallotRules {
    BallotRules {
        invalid_if_all_same: true,
        grade_quotas: Vec::new(),
        trim: Some(Trim { more_than: 5, drop_each_end: 1 }),
    }
}

/// 日常 60 % + 年底 40 % (a proposal, domain-rules.md §3).
pub fn default_period_weights() -> PeriodWeights {
    PeriodWeights { daily: Decimal::new(60, 2), year_end: Decimal::new(40, 2) }
}

impl Scheme {
    /// A scheme with every default: the default scale, groups, familiarity, bands, ballot
    /// rules and 日常/年底 weights, and demotion of all tied at a quota's edge.
    pub fn with_defaults(
        code: &str,
        name: &str,
        kind: SubjectKind,
        subjects: Vec<SubjectId>,
        indicators: Vec<Indicator>,
    ) -> Scheme {
        Scheme {
            code: code.to_owned(),
            name: name.to_owned(),
            subject_kind: kind,
            subjects,
            indicators,
            groups: default_groups(),
            scale: default_scale(),
            familiarity: Some(default_familiarity()),
            bands: default_bands(),
            rules: default_ballot_rules(),
            period_weights: Some(default_period_weights()),
            tie_rule: TieRule::DemoteAllTied,
        }
    }

    /// The highest points of the scale: the top of every score.
    pub fn max_points(&self) -> Decimal {
        self.scale.iter().map(|l| l.points).max().unwrap_or_default()
    }

    /// The index of a level by code.
    pub fn level(&self, code: &str) -> Option<usize> {
        self.scale.iter().position(|l| l.code == code)
    }

    /// Checks everything the computation relies on.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn unique<'a>(field: &str, codes: impl Iterator<Item = &'a str>) -> Result<(), ConfigError> {
            let mut seen = BTreeSet::new();
            for c in codes {
                if !seen.insert(c) {
                    return Err(ConfigError::new(field, format!("编号 {c} 重复")));
                }
            }
            Ok(())
        }
        let nonempty = |field: &str, n: usize| {
            if n == 0 { Err(ConfigError::new(field, "不能为空")) } else { Ok(()) }
        };
        let positive = |field: &str, ws: Vec<Decimal>| {
            if ws.iter().any(|w| *w <= Decimal::ZERO) {
                Err(ConfigError::new(field, "权重须大于 0"))
            } else {
                Ok(())
            }
        };
        nonempty("indicators", self.indicators.len())?;
        nonempty("groups", self.groups.len())?;
        nonempty("scale", self.scale.len())?;
        nonempty("bands", self.bands.len())?;
        if self.scale.len() > usize::from(u8::MAX) {
            return Err(ConfigError::new("scale", "格次过多"));
        }
        unique("indicators", self.indicators.iter().map(|i| i.code.as_str()))?;
        unique("groups", self.groups.iter().map(|g| g.code.as_str()))?;
        unique("scale", self.scale.iter().map(|l| l.code.as_str()))?;
        unique("bands", self.bands.iter().map(|b| b.code.as_str()))?;
        // Weights with few decimals keep every sum in the computation exact, which is what
        // makes the result independent of ballot order.
        let precise = |field: &str, ws: Vec<Decimal>| {
            if ws.iter().any(|w| w.normalize().scale() > MAX_WEIGHT_DECIMALS) {
                Err(ConfigError::new(field, format!("权重最多 {MAX_WEIGHT_DECIMALS} 位小数")))
            } else {
                Ok(())
            }
        };
        precise("indicators", self.indicators.iter().map(|i| i.weight).collect())?;
        precise("groups", self.groups.iter().map(|g| g.weight).collect())?;
        precise("scale", self.scale.iter().map(|l| l.points).collect())?;
        precise("familiarity", self.familiarity.iter().flatten().map(|f| f.weight).collect())?;
        positive("indicators", self.indicators.iter().map(|i| i.weight).collect())?;
        positive("groups", self.groups.iter().map(|g| g.weight).collect())?;
        if self.scale.iter().any(|l| l.points < Decimal::ZERO) {
            return Err(ConfigError::new("scale", "分值不能为负数"));
        }
        let mut subjects = BTreeSet::new();
        if let Some(dup) = self.subjects.iter().find(|s| !subjects.insert(**s)) {
            return Err(ConfigError::new("subjects", format!("考核对象 {dup} 重复")));
        }
        if let Some(f) = &self.familiarity {
            nonempty("familiarity", f.len())?;
            if f.len() > usize::from(u8::MAX) {
                return Err(ConfigError::new("familiarity", "熟悉程度档次过多"));
            }
            unique("familiarity", f.iter().map(|x| x.code.as_str()))?;
            if f.iter().any(|x| x.weight < Decimal::ZERO) || f.iter().all(|x| x.weight.is_zero()) {
                return Err(ConfigError::new("familiarity", "权重不能为负数，且至少一档大于 0"));
            }
        }
        for pair in self.bands.windows(2) {
            if pair[1].min_score >= pair[0].min_score {
                return Err(ConfigError::new("bands", "最终格次须按分数线从高到低排列"));
            }
        }
        if self.bands.last().is_some_and(|b| b.quota.is_some()) {
            return Err(ConfigError::new("bands", "最低一档不能设比例限制"));
        }
        if self.bands.iter().filter_map(|b| b.quota).any(|q| !q.is_valid()) {
            return Err(ConfigError::new("bands", "比例须在 0 到 1 之间"));
        }
        for q in &self.rules.grade_quotas {
            if self.level(&q.level).is_none() {
                return Err(ConfigError::new("rules.grade_quotas", format!("没有格次 {}", q.level)));
            }
        }
        if let Some(t) = self.rules.trim
            && u64::from(t.drop_each_end) * 2 > u64::from(t.more_than)
        {
            return Err(ConfigError::new("rules.trim", "去掉的票数须少于启用去高去低的票数"));
        }
        if let Some(p) = self.period_weights
            && (p.daily < Decimal::ZERO || p.year_end < Decimal::ZERO || (p.daily + p.year_end).is_zero())
        {
            return Err(ConfigError::new("period_weights", "日常与年底权重不能为负数，且不能都为 0"));
        }
        Ok(())
    }
}

/// A scheme's lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SchemeState {
    Draft,
    /// Accepting ballots.
    Open,
    /// No more ballots; results computed.
    Closed,
    /// Results shown to subjects.
    Published,
}

impl SchemeState {
    pub const ALL: [SchemeState; 4] =
        [SchemeState::Draft, SchemeState::Open, SchemeState::Closed, SchemeState::Published];

    pub fn from_code(code: &str) -> Option<SchemeState> {
        SchemeState::ALL.into_iter().find(|v| v.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            SchemeState::Draft => "draft",
            SchemeState::Open => "open",
            SchemeState::Closed => "closed",
            SchemeState::Published => "published",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SchemeState::Draft => "草稿",
            SchemeState::Open => "测评中",
            SchemeState::Closed => "已截止",
            SchemeState::Published => "已公布",
        }
    }
}

/// Why a scheme cannot change state; shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemeError {
    NotAllowed {
        from: SchemeState,
        action: &'static str,
    },
    Config(ConfigError),
    /// 全员覆盖: these subjects in scope are not in the scheme.
    MissingSubjects(Vec<SubjectId>),
}

impl fmt::Display for SchemeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemeError::NotAllowed { from, action } => write!(f, "“{}”状态的考核不能{action}", from.name()),
            SchemeError::Config(e) => write!(f, "考核方案设置有误：{e}"),
            SchemeError::MissingSubjects(ids) => {
                let ids: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
                write!(f, "全员覆盖：以下考核对象未纳入方案：{}", ids.join("、"))
            }
        }
    }
}

impl std::error::Error for SchemeError {}

/// The subjects of `scope` (every branch or member the scheme must cover) that the scheme
/// leaves out, ascending.
pub fn missing_subjects(scheme: &Scheme, scope: &[SubjectId]) -> Vec<SubjectId> {
    let have: BTreeSet<SubjectId> = scheme.subjects.iter().copied().collect();
    let missing: BTreeSet<SubjectId> = scope.iter().copied().filter(|s| !have.contains(s)).collect();
    missing.into_iter().collect()
}

/// Opens a draft scheme for ballots; refused while the configuration is unusable or any
/// subject in scope is missing (全员覆盖).
pub fn open(state: SchemeState, scheme: &Scheme, scope: &[SubjectId]) -> Result<SchemeState, SchemeError> {
    if state != SchemeState::Draft {
        return Err(SchemeError::NotAllowed { from: state, action: "开始测评" });
    }
    scheme.validate().map_err(SchemeError::Config)?;
    let missing = missing_subjects(scheme, scope);
    if !missing.is_empty() {
        return Err(SchemeError::MissingSubjects(missing));
    }
    Ok(SchemeState::Open)
}

/// Stops accepting ballots.
pub fn close(state: SchemeState) -> Result<SchemeState, SchemeError> {
    match state {
        SchemeState::Open => Ok(SchemeState::Closed),
        from => Err(SchemeError::NotAllowed { from, action: "截止" }),
    }
}

/// Shows the results to the subjects.
pub fn publish(state: SchemeState) -> Result<SchemeState, SchemeError> {
    match state {
        SchemeState::Closed => Ok(SchemeState::Published),
        from => Err(SchemeError::NotAllowed { from, action: "公布" }),
    }
}
