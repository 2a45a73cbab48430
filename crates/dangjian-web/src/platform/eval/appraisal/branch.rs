//! The branch's page: `GET /platform/orgs/{id}/appraisal?year=Y` and its actions.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::appraisal::{
        AppraisalBallot, AppraisalConfig, AppraisalGrade, Decision, RoundStage, RoundStep, Standing, combined_tally,
        excellent_quota, validate_decisions,
    },
    roles::Role,
};
use dangjian_store::{StoreError, appraisal as store, members};

use super::{
    super::{
        super::{meetings::branch_in_scope, scope::Scope},
        field, year_or_now,
    },
    grade_name, grades, parse_ballot, participants_of, standing, with_name,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::YearQuery,
};

/// Votes for one grade: the sum, and its online and paper parts.
pub struct Cell {
    pub total: u32,
    pub online: u32,
    pub paper: u32,
}

pub struct PersonRow {
    pub id: i64,
    pub name: String,
    pub full: bool,
    /// Per grade (优秀, 合格, 基本合格, 不合格).
    pub cells: Vec<Cell>,
    pub votes: Cell,
    pub suggested: String,
    pub grade: String,
    pub grade_name: String,
    pub follow_up: String,
    pub feedback: String,
}

/// A participant's 个人自评 as the branch reads it.
pub struct SelfRow {
    pub name: String,
    pub probationary: bool,
    pub grade: &'static str,
    pub at: String,
    pub text: String,
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
    /// The stage's code and name.
    stage: &'static str,
    stage_name: &'static str,
    decided: bool,
    closed: bool,
    takes_paper: bool,
    /// Online counts are shown once voting is closed, never while ballots come in.
    online_shown: bool,
    people: Vec<PersonRow>,
    ballots: usize,
    online_ballots: usize,
    voted: i64,
    eligible: i64,
    graded: usize,
    probationary: usize,
    quota: u32,
    selves: Vec<SelfRow>,
    missing_self: Vec<String>,
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
    let stage = round.as_ref().map(|r| r.stage()).unwrap_or(RoundStage::Open);
    let online_shown = matches!(stage, RoundStage::Closed | RoundStage::Decided);
    let mut people = Vec::new();
    let (mut ballots, mut online_ballots, mut voted, mut eligible, mut quota) = (0, 0, 0, 0, 0);
    let (mut selves, mut missing_self) = (Vec::new(), Vec::new());
    if let Some(r) = &round {
        let ps = store::participants(&st.db, r.id).await?;
        let parts = participants_of(&ps);
        let paper: Vec<AppraisalBallot> = store::ballots(&st.db, r.id).await?.iter().map(|b| parse_ballot(b)).collect();
        let online: Vec<AppraisalBallot> = if online_shown {
            store::online_ballots(&st.db, r.id).await?.iter().map(|b| parse_ballot(b)).collect()
        } else {
            vec![]
        };
        ballots = paper.len();
        online_ballots = online.len();
        (voted, eligible) = store::turnout(&st.db, r.id).await?;
        quota = excellent_quota(&parts, &AppraisalConfig::default());
        let tallies = combined_tally(&parts, &paper, &online).unwrap_or_default();
        for p in ps {
            if p.self_at.is_some() {
                selves.push(SelfRow {
                    name: p.name.clone(),
                    probationary: p.standing != "full",
                    grade: grade_name(p.self_grade.as_deref()),
                    at: p.self_at.map(clock::format_minute).unwrap_or_default(),
                    text: p.self_text.clone(),
                });
            } else {
                missing_self.push(p.name.clone());
            }
            let t = tallies.iter().find(|t| t.member == p.member_id);
            let plurality = t.and_then(|t| t.total.plurality);
            let from_form = |k: &str| form.map(|f| field(f, &format!("{k}.{}", p.member_id)));
            let grade = from_form("grade")
                .or(p.grade.clone())
                .unwrap_or_else(|| plurality.map(|g| g.code().to_owned()).unwrap_or_default());
            let cell = |i: usize| match t {
                Some(t) => Cell { total: t.total.counts[i], online: t.online[i], paper: t.paper[i] },
                None => Cell { total: 0, online: 0, paper: 0 },
            };
            people.push(PersonRow {
                id: p.member_id,
                full: p.standing == "full",
                cells: (0..4).map(cell).collect(),
                votes: Cell {
                    total: t.map(|t| t.total.votes).unwrap_or(0),
                    online: t.map(|t| t.online.iter().sum()).unwrap_or(0),
                    paper: t.map(|t| t.paper.iter().sum()).unwrap_or(0),
                },
                suggested: plurality.map(|g| g.name().to_owned()).unwrap_or_default(),
                grade_name: grade_name(p.grade.as_deref()).into(),
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
        stage: stage.code(),
        stage_name: stage.name(),
        decided: stage == RoundStage::Decided,
        closed: stage == RoundStage::Closed,
        takes_paper: stage.takes_paper_ballots(),
        online_shown,
        graded: people.iter().filter(|p| p.full).count(),
        probationary: people.iter().filter(|p| !p.full).count(),
        people,
        ballots,
        online_ballots,
        voted,
        eligible,
        quota,
        selves,
        missing_self,
        grades: grades(),
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

/// `POST /platform/orgs/{id}/appraisal/{action}`: `open`, `start_voting`, `close`,
/// `reopen`, `ballot` (a paper ballot), `decide`.
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
    let refuse = |msg: String| render(&st, &me, id, year, vec![msg], None);
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
                return refuse("本支部没有正式党员或预备党员，无法开展评议".into()).await;
            }
            let rid = match store::open(&st.db, id, year, &parts, now).await {
                Ok(r) => r,
                Err(StoreError::Conflict(_)) => return refuse(format!("{year} 年的评议已经开始")).await,
                Err(e) => return Err(e.into()),
            };
            format!("round #{rid} {year}, {} participants", parts.len())
        }
        ("open", Some(_)) => return refuse(format!("{year} 年的评议已经开始")).await,
        ("start_voting" | "close" | "reopen", Some(r)) => {
            let step = match action.as_str() {
                "start_voting" => RoundStep::StartVoting,
                "close" => RoundStep::CloseVoting,
                _ => RoundStep::ReopenVoting,
            };
            match store::take_step(&st.db, r.id, step, now).await {
                Ok(to) => format!("round #{} {}", r.id, to.code()),
                Err(StoreError::Conflict(m)) => return refuse(m).await,
                Err(e) => return Err(e.into()),
            }
        }
        ("ballot", Some(r)) => {
            let ps = store::participants(&st.db, r.id).await?;
            let mut marks = Vec::new();
            for p in ps.iter().filter(|p| p.standing == "full") {
                let g = field(&pairs, &format!("mark.{}", p.member_id));
                if g.is_empty() {
                    continue;
                }
                let Some(grade) = AppraisalGrade::from_code(&g) else {
                    return refuse("测评等次无效".into()).await;
                };
                marks.push(format!("{}:{}", p.member_id, grade.code()));
            }
            if marks.is_empty() {
                return refuse("这张测评票没有评任何人，未录入".into()).await;
            }
            match store::add_ballot(&st.db, r.id, &marks.join("\n")).await {
                Ok(()) => {}
                Err(StoreError::Conflict(m)) => return refuse(m).await,
                Err(e) => return Err(e.into()),
            }
            // Only that a ballot was entered is audited: never its marks.
            format!("round #{} ballot", r.id)
        }
        ("decide", Some(r)) => {
            if let Err(p) = r.stage().after(RoundStep::Decide) {
                return refuse(p.to_string()).await;
            }
            let ps = store::participants(&st.db, r.id).await?;
            let parts = participants_of(&ps);
            let mut decisions = Vec::new();
            let mut lines = Vec::new();
            let mut errors = Vec::new();
            for p in &ps {
                let g = field(&pairs, &format!("grade.{}", p.member_id));
                let grade = if standing(&p.standing) == Standing::Full {
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
            let names: BTreeMap<i64, String> = ps.iter().map(|p| (p.member_id, p.name.clone())).collect();
            errors.extend(
                validate_decisions(&parts, &decisions, &AppraisalConfig::default())
                    .into_iter()
                    .map(|pr| with_name(pr.to_string(), &names)),
            );
            if !errors.is_empty() {
                return render(&st, &me, id, year, errors, Some(&pairs)).await;
            }
            match store::decide(&st.db, r.id, &lines, now).await {
                Ok(()) => {}
                Err(StoreError::Conflict(m)) => return refuse(m).await,
                Err(e) => return Err(e.into()),
            }
            let excellent = lines.iter().filter(|l| l.grade.as_deref() == Some("excellent")).count();
            format!("round #{} decided, {} graded, {excellent} excellent", r.id, parts.len())
        }
        ("ballot" | "decide" | "start_voting" | "close" | "reopen", None) => {
            return refuse(format!("{year} 年的评议尚未开始")).await;
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
