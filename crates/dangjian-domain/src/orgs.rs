//! Party organisations: their types, the set-up rules a branch is checked against, terms
//! of office, and meeting quorums.
//!
//! The numbers come from 《中国共产党支部工作条例（试行）》(2018), 中办《关于党的基层组织
//! 任期的意见》(2018) and 党章第三十一条 (domain-rules.md §2.2). They are the first things
//! an inspection of 党支部标准化规范化建设 looks at, so the platform shows them on each
//! organisation's page as warnings rather than leaving them to be found at year end.
//! Every number sits in [`OrgPolicy`] with the central rule as its default, because
//! provinces and units tighten them.

use std::fmt;

use time::Date;

use crate::month::add_years;

/// The kinds of organisation under a 机关工委.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgKind {
    /// 机关工委: the city committee's agency for the organs; appointed, no elected term.
    WorkingCommittee,
    /// 部门党组: appointed by the higher committee, no elected term.
    LeadingGroup,
    /// 部门党委 (a 基层党委 in a department or its system).
    DepartmentCommittee,
    /// 机关党委 (the 基层党委 of a department's organs).
    OrgansCommittee,
    /// 党总支.
    GeneralBranch,
    /// 党支部.
    Branch,
    /// 联合党支部: several units with fewer than 3 正式党员 each.
    JointBranch,
    /// 党小组 (inside a branch; no term).
    Group,
}

impl OrgKind {
    pub const ALL: [OrgKind; 8] = [
        OrgKind::WorkingCommittee,
        OrgKind::LeadingGroup,
        OrgKind::DepartmentCommittee,
        OrgKind::OrgansCommittee,
        OrgKind::GeneralBranch,
        OrgKind::Branch,
        OrgKind::JointBranch,
        OrgKind::Group,
    ];

    /// The code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            OrgKind::WorkingCommittee => "working_committee",
            OrgKind::LeadingGroup => "leading_group",
            OrgKind::DepartmentCommittee => "department_committee",
            OrgKind::OrgansCommittee => "organs_committee",
            OrgKind::GeneralBranch => "general_branch",
            OrgKind::Branch => "branch",
            OrgKind::JointBranch => "joint_branch",
            OrgKind::Group => "group",
        }
    }

    pub fn from_code(code: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            OrgKind::WorkingCommittee => "工委",
            OrgKind::LeadingGroup => "部门党组",
            OrgKind::DepartmentCommittee => "部门党委",
            OrgKind::OrgansCommittee => "机关党委",
            OrgKind::GeneralBranch => "党总支",
            OrgKind::Branch => "党支部",
            OrgKind::JointBranch => "联合党支部",
            OrgKind::Group => "党小组",
        }
    }

    /// 党支部 and 联合党支部: the kinds the branch rules apply to.
    pub fn is_branch(self) -> bool {
        matches!(self, OrgKind::Branch | OrgKind::JointBranch)
    }

    /// The length of an elected term in years under `policy`; `None` for kinds that are
    /// appointed or have no term.
    pub fn term_years(self, policy: &OrgPolicy) -> Option<u32> {
        match self {
            OrgKind::DepartmentCommittee | OrgKind::OrgansCommittee => Some(policy.committee_term_years),
            OrgKind::GeneralBranch => Some(policy.general_branch_term_years),
            OrgKind::Branch | OrgKind::JointBranch => Some(policy.branch_term_years),
            OrgKind::WorkingCommittee | OrgKind::LeadingGroup | OrgKind::Group => None,
        }
    }
}

/// The numbers the checks use. Defaults are the central rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgPolicy {
    /// 支部工作条例: a unit with 3 or more 正式党员 sets up a 党支部; below that, a
    /// 联合党支部.
    pub min_branch_full_members: u32,
    /// 联合党支部 covers at most 5 units.
    pub joint_branch_max_units: u32,
    /// A branch with this many 正式党员 or more has a 支委会.
    pub committee_required_from: u32,
    /// 支委会 usually 3–5 members …
    pub committee_min: u32,
    pub committee_usual_max: u32,
    /// … and never more than 7.
    pub committee_max: u32,
    /// A branch has usually at most 50 members; above that a 党总支.
    pub branch_max_members: u32,
    /// 50–100 members: 党总支; above 100: a 基层党委.
    pub general_branch_max_members: u32,
    /// 关于党的基层组织任期的意见: 支部 3 years, 总支 3 years, 基层党委 5 years.
    pub branch_term_years: u32,
    pub general_branch_term_years: u32,
    pub committee_term_years: u32,
    /// How early the 换届 reminder appears.
    pub term_due_soon_days: u32,
}

impl Default for OrgPolicy {
    fn default() -> OrgPolicy {
        OrgPolicy {
            min_branch_full_members: 3,
            joint_branch_max_units: 5,
            committee_required_from: 7,
            committee_min: 3,
            committee_usual_max: 5,
            committee_max: 7,
            branch_max_members: 50,
            general_branch_max_members: 100,
            branch_term_years: 3,
            general_branch_term_years: 3,
            committee_term_years: 5,
            term_due_soon_days: 90,
        }
    }
}

/// What is known about one organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub kind: OrgKind,
    pub full_members: u32,
    pub probationary_members: u32,
    /// Members of the 支委会 (or 总支/党委 委员会); 0 when there is none.
    pub committee_members: u32,
    /// For a 联合党支部: how many units it covers.
    pub units_covered: Option<u32>,
    /// The date of the last election (换届选举); `None` if not recorded.
    pub elected_on: Option<Date>,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Allowed but unusual; worth a look.
    Notice,
    /// Breaks a rule; needs action.
    Warning,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Notice => "提示",
            Severity::Warning => "警告",
        }
    }
}

/// Where an organisation stands with its term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermStatus {
    /// This kind has no elected term.
    NotApplicable,
    /// No election date is recorded.
    Unknown,
    Current {
        ends_on: Date,
    },
    /// The term ends within the reminder window (or today).
    DueSoon {
        ends_on: Date,
        days_left: i64,
    },
    Overdue {
        ends_on: Date,
        days_over: i64,
    },
}

/// The term of an organisation of `kind` elected on `elected_on`, as of `today`. The term
/// ends on the same calendar day `term_years` later; the election is due by that day.
pub fn term_status(kind: OrgKind, elected_on: Option<Date>, today: Date, policy: &OrgPolicy) -> TermStatus {
    let Some(years) = kind.term_years(policy) else {
        return TermStatus::NotApplicable;
    };
    let Some(elected_on) = elected_on else {
        return TermStatus::Unknown;
    };
    let ends_on = add_years(elected_on, i64::from(years));
    let days_left = (ends_on - today).whole_days();
    if days_left < 0 {
        TermStatus::Overdue { ends_on, days_over: -days_left }
    } else if days_left <= i64::from(policy.term_due_soon_days) {
        TermStatus::DueSoon { ends_on, days_left }
    } else {
        TermStatus::Current { ends_on }
    }
}

/// One finding about an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgIssue {
    /// A branch with fewer than 3 正式党员.
    TooFewFullMembers {
        kind: OrgKind,
        full: u32,
        min: u32,
    },
    JointBranchTooManyUnits {
        units: u32,
        max: u32,
    },
    /// ≥ 7 正式党员 and no 支委会.
    NoCommittee {
        full: u32,
    },
    CommitteeTooSmall {
        size: u32,
        min: u32,
    },
    /// 6 or 7: allowed ("一般不超过5人") but above the usual size.
    CommitteeAboveUsual {
        size: u32,
        usual_max: u32,
    },
    CommitteeTooLarge {
        size: u32,
        max: u32,
    },
    /// Fewer than 7 正式党员 but a 支委会: such a branch has a 书记 (and a 副书记).
    CommitteeNotNeeded {
        full: u32,
        size: u32,
    },
    BranchTooLarge {
        members: u32,
        max: u32,
    },
    GeneralBranchTooLarge {
        members: u32,
        max: u32,
    },
    TermUnknown,
    TermDueSoon {
        ends_on: Date,
        days_left: i64,
    },
    TermOverdue {
        ends_on: Date,
        days_over: i64,
    },
}

impl OrgIssue {
    pub fn severity(&self) -> Severity {
        match self {
            OrgIssue::CommitteeAboveUsual { .. }
            | OrgIssue::CommitteeNotNeeded { .. }
            | OrgIssue::TermDueSoon { .. } => Severity::Notice,
            _ => Severity::Warning,
        }
    }

    /// Where the rule is written.
    pub fn citation(&self) -> &'static str {
        match self {
            OrgIssue::TermUnknown | OrgIssue::TermDueSoon { .. } | OrgIssue::TermOverdue { .. } => {
                "党章第三十一条；《关于党的基层组织任期的意见》"
            }
            _ => "《中国共产党支部工作条例（试行）》",
        }
    }
}

/// The message shown on the organisation's page.
impl fmt::Display for OrgIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrgIssue::TooFewFullMembers { kind, full, min } => {
                write!(f, "{}只有 {full} 名正式党员，不足 {min} 名，应与其他单位成立联合党支部或合并", kind.name())
            }
            OrgIssue::JointBranchTooManyUnits { units, max } => {
                write!(f, "联合党支部覆盖 {units} 个单位，一般不超过 {max} 个")
            }
            OrgIssue::NoCommittee { full } => {
                write!(f, "党支部有 {full} 名正式党员（7 名以上），应设立支部委员会")
            }
            OrgIssue::CommitteeTooSmall { size, min } => write!(f, "支部委员会只有 {size} 人，一般应为 {min} 至 5 人"),
            OrgIssue::CommitteeAboveUsual { size, usual_max } => {
                write!(f, "支部委员会有 {size} 人，一般为 3 至 {usual_max} 人")
            }
            OrgIssue::CommitteeTooLarge { size, max } => write!(f, "支部委员会有 {size} 人，最多不超过 {max} 人"),
            OrgIssue::CommitteeNotNeeded { full, size } => write!(
                f,
                "党支部只有 {full} 名正式党员（不足 7 名），一般不设支部委员会，设书记 1 名，必要时设副书记 1 名（现登记支委 {size} 人）"
            ),
            OrgIssue::BranchTooLarge { members, max } => {
                write!(f, "党支部有党员 {members} 名，一般不超过 {max} 名，党员较多的可成立党总支")
            }
            OrgIssue::GeneralBranchTooLarge { members, max } => {
                write!(f, "党总支有党员 {members} 名，超过 {max} 名的一般应成立基层党委")
            }
            OrgIssue::TermUnknown => write!(f, "未登记上次换届选举日期，无法提示换届"),
            OrgIssue::TermDueSoon { ends_on, days_left: 0 } => write!(f, "本届任期今天（{ends_on}）届满，应按期换届"),
            OrgIssue::TermDueSoon { ends_on, days_left } => {
                write!(f, "本届任期将于 {ends_on} 届满（还有 {days_left} 天），请做好换届准备")
            }
            OrgIssue::TermOverdue { ends_on, days_over } => {
                write!(f, "本届任期已于 {ends_on} 届满，已超期 {days_over} 天未换届")
            }
        }
    }
}

/// Every rule the organisation breaks or comes close to, most serious first.
pub fn check_org(facts: &OrgFacts, today: Date, policy: &OrgPolicy) -> Vec<OrgIssue> {
    let mut issues = Vec::new();
    let members = facts.full_members.saturating_add(facts.probationary_members);
    let full = facts.full_members;
    let size = facts.committee_members;

    if facts.kind.is_branch() {
        if full < policy.min_branch_full_members {
            issues.push(OrgIssue::TooFewFullMembers { kind: facts.kind, full, min: policy.min_branch_full_members });
        }
        if facts.kind == OrgKind::JointBranch
            && let Some(units) = facts.units_covered
            && units > policy.joint_branch_max_units
        {
            issues.push(OrgIssue::JointBranchTooManyUnits { units, max: policy.joint_branch_max_units });
        }
        if full >= policy.committee_required_from {
            if size == 0 {
                issues.push(OrgIssue::NoCommittee { full });
            } else if size < policy.committee_min {
                issues.push(OrgIssue::CommitteeTooSmall { size, min: policy.committee_min });
            }
        } else if size > 0 {
            issues.push(OrgIssue::CommitteeNotNeeded { full, size });
        }
        if size > policy.committee_max {
            issues.push(OrgIssue::CommitteeTooLarge { size, max: policy.committee_max });
        } else if size > policy.committee_usual_max && full >= policy.committee_required_from {
            issues.push(OrgIssue::CommitteeAboveUsual { size, usual_max: policy.committee_usual_max });
        }
        if members > policy.branch_max_members {
            issues.push(OrgIssue::BranchTooLarge { members, max: policy.branch_max_members });
        }
    }
    if facts.kind == OrgKind::GeneralBranch && members > policy.general_branch_max_members {
        issues.push(OrgIssue::GeneralBranchTooLarge { members, max: policy.general_branch_max_members });
    }
    match term_status(facts.kind, facts.elected_on, today, policy) {
        TermStatus::Unknown => issues.push(OrgIssue::TermUnknown),
        TermStatus::DueSoon { ends_on, days_left } => issues.push(OrgIssue::TermDueSoon { ends_on, days_left }),
        TermStatus::Overdue { ends_on, days_over } => issues.push(OrgIssue::TermOverdue { ends_on, days_over }),
        TermStatus::NotApplicable | TermStatus::Current { .. } => {}
    }
    // Stable sort: warnings first, each group in the order above.
    issues.sort_by_key(|i| std::cmp::Reverse(i.severity()));
    issues
}

/// More than half of `entitled` are `present` — the quorum of an ordinary 党员大会 or
/// 支委会 (支部工作条例; "应到会人数过半"). `entitled` is the number who must attend
/// (the caller leaves out those excused under local rules); `present` above `entitled`
/// counts as `entitled`. No one entitled means no meeting.
pub fn quorum_met(entitled: u32, present: u32) -> bool {
    Threshold::MoreThanHalf.met(entitled, present)
}

/// A share that must be reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// Strictly more than half ("超过半数", "过半").
    MoreThanHalf,
    /// At least `num`/`den` ("不少于五分之四" is 4/5).
    AtLeast { num: u32, den: u32 },
}

impl Threshold {
    /// Whether `count` out of `of` reaches the threshold. Integer arithmetic, so 4 of 5
    /// is exactly 4/5. `of == 0` never reaches it.
    pub fn met(self, of: u32, count: u32) -> bool {
        if of == 0 {
            return false;
        }
        let (of, count) = (u64::from(of), u64::from(count.min(of)));
        match self {
            Threshold::MoreThanHalf => count * 2 > of,
            Threshold::AtLeast { num, den } => den > 0 && count * u64::from(den) >= of * u64::from(num),
        }
    }
}

/// Who was expected and who came, split by 正式 and 预备, because the rules count them
/// differently: 预备党员 attend and speak but have no vote (党章第七条), so any meeting
/// that votes counts 正式党员 only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Attendance {
    /// 正式党员 with voting rights who should attend.
    pub full_entitled: u32,
    pub full_present: u32,
    pub probationary_entitled: u32,
    pub probationary_present: u32,
}

/// What the meeting does, which decides its quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuorumRule {
    /// A meeting that does not vote (学习, 组织生活会): more than half attend;
    /// `count_probationary` says whether 预备党员 are part of the count.
    Ordinary { count_probationary: bool },
    /// A meeting that votes (接收预备党员, 转正, 处分): more than half of the 正式党员
    /// with voting rights attend (《发展党员工作细则》 on the 支部大会 that admits a member).
    Resolution,
    /// An election: at least 4/5 of those with voting rights attend (选举工作条例 as
    /// summarised in domain-rules.md §2.2, a local summary; configurable).
    Election { threshold: Threshold },
}

impl QuorumRule {
    /// An ordinary meeting, 预备党员 counted: they are members and are expected at
    /// 组织生活.
    pub const ORDINARY: QuorumRule = QuorumRule::Ordinary { count_probationary: true };
    /// An election with the usual 4/5.
    pub const ELECTION: QuorumRule = QuorumRule::Election { threshold: Threshold::AtLeast { num: 4, den: 5 } };
}

impl Attendance {
    /// Whether the meeting is quorate under `rule`.
    pub fn quorate(&self, rule: QuorumRule) -> bool {
        let full_present = self.full_present.min(self.full_entitled);
        match rule {
            QuorumRule::Ordinary { count_probationary: true } => quorum_met(
                self.full_entitled.saturating_add(self.probationary_entitled),
                full_present.saturating_add(self.probationary_present.min(self.probationary_entitled)),
            ),
            QuorumRule::Ordinary { count_probationary: false } | QuorumRule::Resolution => {
                quorum_met(self.full_entitled, full_present)
            }
            QuorumRule::Election { threshold } => threshold.met(self.full_entitled, full_present),
        }
    }
}

/// Whether a vote passes: yes votes exceed half of **all** 正式党员 entitled to vote, not
/// of those present (细则 on 接收预备党员; written opinions of absent members count among
/// the votes).
pub fn resolution_passed(full_entitled: u32, yes_votes: u32) -> bool {
    Threshold::MoreThanHalf.met(full_entitled, yes_votes)
}

#[cfg(test)]
mod tests;
