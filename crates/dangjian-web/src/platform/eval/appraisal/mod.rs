//! 民主评议党员 for a branch and year.
//!
//! The branch's page ([`branch`], `/platform/orgs/{id}/appraisal`): the participants
//! (正式党员 graded, 预备党员 take part without a grade), their 个人自评 and who has not
//! written one, the stage (个人自评 → 网上投票 → 投票截止 → 评定), online turnout, the paper
//! 民主测评票 entered one by one with no rater, the tally of paper plus online ballots, and
//! the branch committee's decision checked by the domain (优秀 within the quota, 不合格
//! with a follow-up record) before the feedback reaches each member.
//!
//! The member's own pages ([`member`], `/platform/me/appraisal`): the round's state for
//! them, the 个人自评 form, and the online ballot, cast once and stored without its rater
//! (see `dangjian_store::appraisal` for how the database keeps it so).

mod branch;
mod member;

pub use branch::{act, page};
pub use member::{ballot_form, ballot_submit, me_page, me_save};

use std::collections::BTreeMap;

use dangjian_domain::eval::appraisal::{AppraisalBallot, AppraisalGrade, Participant, Standing};
use dangjian_store::appraisal as store;

fn standing(code: &str) -> Standing {
    if code == "probationary" { Standing::Probationary } else { Standing::Full }
}

fn participants_of(ps: &[store::ParticipantRow]) -> Vec<Participant> {
    ps.iter().map(|p| Participant { member: p.member_id, standing: standing(&p.standing) }).collect()
}

/// Reads stored marks ("member:grade" per line).
fn parse_ballot(marks: &str) -> AppraisalBallot {
    AppraisalBallot {
        marks: marks
            .lines()
            .filter_map(|l| {
                let (m, g) = l.split_once(':')?;
                Some((m.parse().ok()?, AppraisalGrade::from_code(g)?))
            })
            .collect(),
    }
}

fn encode_ballot(b: &AppraisalBallot) -> String {
    b.marks.iter().map(|(m, g)| format!("{m}:{}", g.code())).collect::<Vec<_>>().join("\n")
}

/// The domain's messages about one member start with "党员 {id} ": show the name instead.
fn with_name(msg: String, names: &BTreeMap<i64, String>) -> String {
    names
        .iter()
        .find_map(|(id, name)| msg.strip_prefix(&format!("党员 {id} ")).map(|rest| format!("{name} {rest}")))
        .unwrap_or(msg)
}

fn grade_name(code: Option<&str>) -> &'static str {
    code.and_then(AppraisalGrade::from_code).map(|g| g.name()).unwrap_or("")
}

fn grades() -> Vec<(&'static str, &'static str)> {
    AppraisalGrade::ALL.iter().map(|g| (g.code(), g.name())).collect()
}
