//! 民主评议党员 for a branch and year: the participants (正式党员 graded, 预备党员 take
//! part without a grade), the 民主测评票 entered one by one with no rater, the tally, and
//! the branch committee's decision checked by the domain (优秀 within the quota, 不合格
//! with a follow-up record) before the feedback reaches each member's own page.

use std::collections::BTreeMap;

use crate::platform::YearQuery;
use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::appraisal::{
        AppraisalBallot, AppraisalConfig, AppraisalGrade, Decision, Participant, Standing, excellent_quota, tally,
        validate_decisions,
    },
    roles::Role,
};
use dangjian_store::{StoreError, appraisal as store, members};

use super::{
    super::{meetings::branch_in_scope, scope::Scope},
    field, year_or_now,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

fn standing(code: &str) -> Standing {
    if code == "probationary" { Standing::Probationary } else { Standing::Full }
}

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

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub full: bool,
    /// Votes per grade (优秀, 合格, 基本合格, 不合格).
    pub counts: Vec<u32>,
    pub suggested: String,
    pub grade: String,
    pub grade_name: String,
    pub follow_up: String,
    pub feedback: String,
}

#[derive(Template)]
#[template(path = "platform/eval/appraisal.html")]
struct AppraisalPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    exists: bool,
    decided: bool,
    people: Vec<PersonRow>,
    ballots: usize,
    graded: usize,
    quota: u32,
    grades: Vec<(&'static str, &'static str)>,
    errors: Vec<String>,
}

async fn render(
    st: &AppState,
    me: &CurrentUser,
    org_id: i64,
    year: i32,
    errors: Vec<String>,
    form: Option<&[(String, String)]>,
) -> Result<Response, AppError> {
    let scope = Scope::of(st, me).await?;
    let org = branch_in_scope(&scope, org_id)?.clone();
    let round = store::round_for(&st.db, org_id, year).await?;
    let mut people = Vec::new();
    let mut ballots = 0;
    let mut quota = 0;
    if let Some(r) = &round {
        let ps = store::participants(&st.db, r.id).await?;
        let parts: Vec<Participant> =
            ps.iter().map(|p| Participant { member: p.member_id, standing: standing(&p.standing) }).collect();
        let bs: Vec<AppraisalBallot> = store::ballots(&st.db, r.id).await?.iter().map(|b| parse_ballot(b)).collect();
        ballots = bs.len();
        quota = excellent_quota(&parts, &AppraisalConfig::default());
        let tallies = tally(&parts, &bs).unwrap_or_default();
        for p in ps {
            let t = tallies.iter().find(|t| t.member == p.member_id);
            let from_form = |k: &str| form.map(|f| field(f, &format!("{k}.{}", p.member_id)));
            let grade = from_form("grade")
                .or(p.grade.clone())
                .unwrap_or_else(|| t.and_then(|t| t.plurality).map(|g| g.code().to_owned()).unwrap_or_default());
            people.push(PersonRow {
                id: p.member_id,
                full: p.standing == "full",
                counts: t.map(|t| t.counts.to_vec()).unwrap_or_default(),
                suggested: t.and_then(|t| t.plurality).map(|g| g.name().to_owned()).unwrap_or_default(),
                grade_name: p
                    .grade
                    .as_deref()
                    .and_then(AppraisalGrade::from_code)
                    .map(|g| g.name())
                    .unwrap_or("")
                    .into(),
                grade,
                follow_up: from_form("follow_up").unwrap_or(p.follow_up),
                feedback: from_form("feedback").unwrap_or(p.feedback),
                name: p.name,
            });
        }
    }
    let page = AppraisalPage {
        title: "民主评议党员",
        page: Frame::for_user(me),
        org_id,
        org: org.name,
        year,
        exists: round.is_some(),
        decided: round.as_ref().is_some_and(|r| r.status == "decided"),
        graded: people.iter().filter(|p| p.full).count(),
        people,
        ballots,
        quota,
        grades: AppraisalGrade::ALL.iter().map(|g| (g.code(), g.name())).collect(),
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let year = year_or_now(q.year)?;
    render(&st, &me, id, year, vec![], None).await
}

/// `POST /platform/orgs/{id}/appraisal/{action}`: `open`, `ballot`, `decide`.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    branch_in_scope(&scope, id)?;
    let pairs = form_pairs(&body);
    let year = year_or_now(field(&pairs, "year").parse().ok())?;
    let back = Redirect::to(&format!("/platform/orgs/{id}/appraisal?year={year}")).into_response();
    let now = clock::now_micros();
    let round = store::round_for(&st.db, id, year).await?;
    let detail = match (action.as_str(), round) {
        ("open", None) => {
            let roster = members::in_orgs(&st.db, &[id]).await?;
            let parts: Vec<(i64, String)> = roster
                .iter()
                .filter_map(|m| match m.status.as_str() {
                    "full" => Some((m.id, "full".to_owned())),
                    "probationary" | "probation_extended" => Some((m.id, "probationary".to_owned())),
                    _ => None,
                })
                .collect();
            if parts.is_empty() {
                return render(&st, &me, id, year, vec!["本支部没有正式党员或预备党员，无法开展评议".into()], None)
                    .await;
            }
            let rid = match store::open(&st.db, id, year, &parts, now).await {
                Ok(r) => r,
                Err(StoreError::Conflict(_)) => {
                    return render(&st, &me, id, year, vec![format!("{year} 年的评议已经开始")], None).await;
                }
                Err(e) => return Err(e.into()),
            };
            format!("round #{rid} {year}, {} participants", parts.len())
        }
        ("open", Some(_)) => return render(&st, &me, id, year, vec![format!("{year} 年的评议已经开始")], None).await,
        ("ballot", Some(r)) => {
            let ps = store::participants(&st.db, r.id).await?;
            let mut marks = Vec::new();
            for p in ps.iter().filter(|p| p.standing == "full") {
                let g = field(&pairs, &format!("mark.{}", p.member_id));
                if g.is_empty() {
                    continue;
                }
                let Some(grade) = AppraisalGrade::from_code(&g) else {
                    return render(&st, &me, id, year, vec!["测评等次无效".into()], None).await;
                };
                marks.push(format!("{}:{}", p.member_id, grade.code()));
            }
            if marks.is_empty() {
                return render(&st, &me, id, year, vec!["这张测评票没有评任何人，未录入".into()], None).await;
            }
            match store::add_ballot(&st.db, r.id, &marks.join("\n")).await {
                Ok(()) => {}
                Err(StoreError::Conflict(m)) => return render(&st, &me, id, year, vec![m], None).await,
                Err(e) => return Err(e.into()),
            }
            // Only that a ballot was entered is audited: never its marks.
            format!("round #{} ballot", r.id)
        }
        ("decide", Some(r)) => {
            if r.status != "open" {
                return render(&st, &me, id, year, vec!["评议结果已确定，不能再修改".into()], None).await;
            }
            let ps = store::participants(&st.db, r.id).await?;
            let parts: Vec<Participant> =
                ps.iter().map(|p| Participant { member: p.member_id, standing: standing(&p.standing) }).collect();
            let mut decisions = Vec::new();
            let mut lines = Vec::new();
            let mut errors = Vec::new();
            for p in &ps {
                let g = field(&pairs, &format!("grade.{}", p.member_id));
                let grade = if p.standing == "full" {
                    match AppraisalGrade::from_code(&g) {
                        Some(x) => Some(x),
                        None if g.is_empty() => None,
                        None => {
                            errors.push(format!("{} 的评定等次无效", p.name));
                            None
                        }
                    }
                } else {
                    None
                };
                let follow_up: String =
                    field(&pairs, &format!("follow_up.{}", p.member_id)).chars().take(1000).collect();
                let feedback: String = field(&pairs, &format!("feedback.{}", p.member_id)).chars().take(1000).collect();
                decisions.push(Decision {
                    member: p.member_id,
                    grade,
                    follow_up: Some(follow_up.clone()).filter(|f| !f.is_empty()),
                });
                lines.push(store::DecisionLine {
                    member_id: p.member_id,
                    grade: grade.map(|g| g.code().to_owned()),
                    follow_up,
                    feedback,
                });
            }
            let names: BTreeMap<i64, &str> = ps.iter().map(|p| (p.member_id, p.name.as_str())).collect();
            errors.extend(validate_decisions(&parts, &decisions, &AppraisalConfig::default()).into_iter().map(|pr| {
                // Messages about one member start with "党员 {id} ": show the name instead.
                let msg = pr.to_string();
                names
                    .iter()
                    .find_map(|(mid, name)| {
                        msg.strip_prefix(&format!("党员 {mid} ")).map(|rest| format!("{name} {rest}"))
                    })
                    .unwrap_or(msg)
            }));
            if !errors.is_empty() {
                return render(&st, &me, id, year, errors, Some(&pairs)).await;
            }
            match store::decide(&st.db, r.id, &lines, now).await {
                Ok(()) => {}
                Err(StoreError::Conflict(m)) => return render(&st, &me, id, year, vec![m], None).await,
                Err(e) => return Err(e.into()),
            }
            let excellent = lines.iter().filter(|l| l.grade.as_deref() == Some("excellent")).count();
            format!("round #{} decided, {} graded, {excellent} excellent", r.id, parts.len())
        }
        ("ballot" | "decide", None) => {
            return render(&st, &me, id, year, vec![format!("{year} 年的评议尚未开始")], None).await;
        }
        _ => return Err(AppError::NotFound),
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        &format!("appraisal.{action}"),
        &format!("org:{id}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(back)
}
