//! The member's own pages: `/platform/me/appraisal` (the round's state for them and the
//! 个人自评 form) and `/platform/me/appraisal/ballot` (the online ballot). Only the
//! account's own member record (`Scope::member`) is ever read or written here; the round
//! comes from the form, and a round the member does not take part in is refused with the
//! same message whether or not it exists.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{Query, RawForm, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::appraisal::{
        AppraisalBallot, AppraisalGrade, BallotProblem, RoundStage, SELF_ASSESSMENT_MAX_CHARS, ballot_sheet,
        check_online_ballot, check_self_assessment,
    },
};
use dangjian_store::{StoreError, appraisal as store};
use serde::Deserialize;

use super::{
    super::{super::scope::Scope, field},
    encode_ballot, grade_name, grades, participants_of, standing, with_name,
};
use crate::{
    AppError, AppState,
    admin::{accounts::form_pairs, current::CurrentUser, nav::Frame},
};

const ME: &str = "/platform/me/appraisal";

#[derive(Deserialize)]
pub struct MeQuery {
    pub round: Option<i64>,
    pub saved: Option<u8>,
}

/// The account's own member record, or the message `/platform/me` gives.
async fn own_member(st: &AppState, me: &CurrentUser) -> Result<i64, AppError> {
    Scope::of(st, me)
        .await?
        .member
        .ok_or_else(|| AppError::Conflict("您的账号尚未关联党员信息，请联系所在党支部。".into()))
}

/// No caching: a ballot or a self-assessment stays out of shared and back-button caches.
fn private(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[derive(Template)]
#[template(path = "platform/eval/appraisal_message.html")]
struct MessagePage {
    title: &'static str,
    page: Frame,
    heading: &'static str,
    message: String,
}

fn message(me: &CurrentUser, status: StatusCode, heading: &'static str, message: &str) -> Result<Response, AppError> {
    let page = MessagePage { title: heading, page: Frame::for_user(me), heading, message: message.to_owned() };
    Ok(private((status, Html(page.render()?)).into_response()))
}

const NOT_PARTICIPANT: &str = "您不是本次民主评议的参评党员，不能填写个人自评或测评票。";

fn not_participant(me: &CurrentUser) -> Result<Response, AppError> {
    message(me, StatusCode::FORBIDDEN, "不是参评党员", NOT_PARTICIPANT)
}

fn already_voted(me: &CurrentUser) -> Result<Response, AppError> {
    message(
        me,
        StatusCode::CONFLICT,
        "已经投过票",
        "本次民主评议每名参评党员只能投一张测评票，您的票已经提交，不能再投或修改。",
    )
}

fn voting_not_open(me: &CurrentUser, stage: RoundStage) -> Result<Response, AppError> {
    let msg = match stage {
        RoundStage::Open => "支部尚未开始网上投票，请等待支部通知。",
        _ => "网上投票已经截止，不能再投票。",
    };
    message(me, StatusCode::CONFLICT, "不在投票时间", msg)
}

/// The member's part in a round: the one asked for, else the newest.
async fn seat(st: &AppState, member: i64, round: Option<i64>) -> Result<Option<store::Participation>, AppError> {
    let all = store::participation(&st.db, member).await?;
    Ok(match round {
        Some(r) => all.into_iter().find(|p| p.round_id == r),
        None => all.into_iter().next(),
    })
}

pub struct Current {
    pub round_id: i64,
    pub org: String,
    pub year: i32,
    pub stage: &'static str,
    pub stage_name: &'static str,
    pub probationary: bool,
    pub self_done: bool,
    pub self_at: String,
    pub self_text: String,
    pub self_grade: String,
    pub self_grade_name: &'static str,
    pub can_edit: bool,
    pub voted: bool,
    pub can_vote: bool,
    pub decided: bool,
    pub grade_name: &'static str,
    pub feedback: String,
    pub follow_up: String,
}

pub struct Earlier {
    pub year: i32,
    pub org: String,
    pub stage_name: &'static str,
    pub probationary: bool,
    pub grade_name: &'static str,
    pub feedback: String,
    pub follow_up: String,
}

#[derive(Template)]
#[template(path = "platform/eval/appraisal_me.html")]
struct MePage {
    title: &'static str,
    page: Frame,
    current: Option<Current>,
    earlier: Vec<Earlier>,
    grades: Vec<(&'static str, &'static str)>,
    max_chars: usize,
    errors: Vec<String>,
}

/// The page; `draft` keeps what was typed when saving failed.
async fn render_me(
    st: &AppState,
    me: &CurrentUser,
    member: i64,
    flash: &str,
    errors: Vec<String>,
    draft: Option<(String, String)>,
) -> Result<Response, AppError> {
    let mut all = store::participation(&st.db, member).await?.into_iter();
    let current = all.next().map(|p| {
        let stage = p.stage();
        let (text, grade) = draft.clone().unwrap_or((p.self_text.clone(), p.self_grade.clone().unwrap_or_default()));
        Current {
            round_id: p.round_id,
            org: p.org_name.clone(),
            year: p.year,
            stage: stage.code(),
            stage_name: stage.name(),
            probationary: p.standing != "full",
            self_done: p.self_at.is_some(),
            self_at: p.self_at.map(clock::format_minute).unwrap_or_default(),
            self_grade_name: grade_name(Some(&grade)),
            self_text: text,
            self_grade: grade,
            can_edit: stage.takes_self_assessments(),
            voted: p.voted,
            can_vote: stage.takes_online_ballots() && !p.voted,
            decided: stage == RoundStage::Decided,
            grade_name: grade_name(p.grade.as_deref()),
            feedback: p.feedback,
            follow_up: p.follow_up,
        }
    });
    let earlier = all
        .map(|p| Earlier {
            year: p.year,
            org: p.org_name.clone(),
            stage_name: p.stage().name(),
            probationary: p.standing != "full",
            grade_name: grade_name(p.grade.as_deref()),
            feedback: p.feedback,
            follow_up: p.follow_up,
        })
        .collect();
    let page = MePage {
        title: "我的民主评议",
        page: Frame::for_user(me).with_flash(flash),
        current,
        earlier,
        grades: grades(),
        max_chars: SELF_ASSESSMENT_MAX_CHARS,
        errors,
    };
    Ok(private(Html(page.render()?).into_response()))
}

/// `GET /platform/me/appraisal`.
pub async fn me_page(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<MeQuery>,
) -> Result<Response, AppError> {
    let member = own_member(&st, &me).await?;
    let flash = if q.saved == Some(1) { "个人自评已保存。投票截止前可以继续修改。" } else { "" };
    render_me(&st, &me, member, flash, vec![], None).await
}

/// `POST /platform/me/appraisal`: saves the 个人自评 (`round`, `text`, `self_grade`).
pub async fn me_save(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let member = own_member(&st, &me).await?;
    let pairs = form_pairs(&body);
    let round = field(&pairs, "round").parse::<i64>().ok();
    let Some(p) = (match round {
        Some(r) => seat(&st, member, Some(r)).await?,
        None => None,
    }) else {
        return not_participant(&me);
    };
    let text = field(&pairs, "text").replace("\r\n", "\n");
    let grade_code = field(&pairs, "self_grade");
    let draft = Some((text.clone(), grade_code.clone()));
    if !p.stage().takes_self_assessments() {
        let msg = "投票已截止，个人自评不能再修改。".to_owned();
        return render_me(&st, &me, member, "", vec![msg], None).await;
    }
    let grade = match grade_code.as_str() {
        "" => None,
        c => match AppraisalGrade::from_code(c) {
            Some(g) => Some(g),
            None => return render_me(&st, &me, member, "", vec!["自评等次无效".into()], draft).await,
        },
    };
    if let Err(problem) = check_self_assessment(&text, grade, standing(&p.standing)) {
        return render_me(&st, &me, member, "", vec![problem.to_string()], draft).await;
    }
    match store::save_self_assessment(&st.db, p.round_id, member, &text, grade.map(|g| g.code()), clock::now_micros())
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{ME}?saved=1")).into_response()),
        Err(StoreError::Conflict(m)) => render_me(&st, &me, member, "", vec![m], None).await,
        Err(StoreError::NotFound) => not_participant(&me),
        Err(e) => Err(e.into()),
    }
}

pub struct Choice {
    pub code: &'static str,
    pub name: &'static str,
    pub checked: bool,
}

pub struct SheetRow {
    pub id: i64,
    pub name: String,
    pub choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "platform/eval/appraisal_ballot.html")]
struct BallotPage {
    title: &'static str,
    page: Frame,
    round_id: i64,
    org: String,
    year: i32,
    probationary: bool,
    rows: Vec<SheetRow>,
    errors: Vec<String>,
}

/// The ballot a participant may cast now, or the page that says why not.
async fn open_seat(
    st: &AppState,
    me: &CurrentUser,
    member: i64,
    round: Option<i64>,
) -> Result<Result<(store::Participation, Vec<store::ParticipantRow>), Response>, AppError> {
    let Some(p) = seat(st, member, round).await? else { return Ok(Err(not_participant(me)?)) };
    if p.voted {
        return Ok(Err(already_voted(me)?));
    }
    if !p.stage().takes_online_ballots() {
        return Ok(Err(voting_not_open(me, p.stage())?));
    }
    let ps = store::participants(&st.db, p.round_id).await?;
    Ok(Ok((p, ps)))
}

async fn render_ballot(
    me: &CurrentUser,
    member: i64,
    p: &store::Participation,
    ps: &[store::ParticipantRow],
    chosen: &BTreeMap<i64, AppraisalGrade>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let names: BTreeMap<i64, &str> = ps.iter().map(|x| (x.member_id, x.name.as_str())).collect();
    let rows = ballot_sheet(&participants_of(ps), member)
        .into_iter()
        .map(|id| SheetRow {
            id,
            name: names.get(&id).copied().unwrap_or_default().to_owned(),
            choices: AppraisalGrade::ALL
                .iter()
                .map(|g| Choice { code: g.code(), name: g.name(), checked: chosen.get(&id) == Some(g) })
                .collect(),
        })
        .collect();
    let page = BallotPage {
        title: "民主评议测评票",
        page: Frame::for_user(me),
        round_id: p.round_id,
        org: p.org_name.clone(),
        year: p.year,
        probationary: p.standing != "full",
        rows,
        errors,
    };
    Ok(private(Html(page.render()?).into_response()))
}

/// `GET /platform/me/appraisal/ballot?round=ID`.
pub async fn ballot_form(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<MeQuery>,
) -> Result<Response, AppError> {
    let member = own_member(&st, &me).await?;
    match open_seat(&st, &me, member, q.round).await? {
        Ok((p, ps)) => render_ballot(&me, member, &p, &ps, &BTreeMap::new(), vec![]).await,
        Err(r) => Ok(r),
    }
}

/// `POST /platform/me/appraisal/ballot`: `round` and `mark.{member}={grade}` for every
/// member on the sheet. Refused whole, with nothing written, unless every one is marked.
pub async fn ballot_submit(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let member = own_member(&st, &me).await?;
    let pairs = form_pairs(&body);
    let Ok(round) = field(&pairs, "round").parse::<i64>() else { return not_participant(&me) };
    let (p, ps) = match open_seat(&st, &me, member, Some(round)).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let mut ballot = AppraisalBallot::default();
    let mut chosen = BTreeMap::new();
    let mut errors = Vec::new();
    for (k, v) in &pairs {
        let Some(id) = k.strip_prefix("mark.") else { continue };
        let id: i64 = id.parse().map_err(|_| AppError::BadRequest)?;
        if v.is_empty() {
            continue;
        }
        match AppraisalGrade::from_code(v) {
            Some(g) => {
                ballot.marks.push((id, g));
                chosen.insert(id, g);
            }
            None => errors.push("测评等次无效，请重新选择".to_owned()),
        }
    }
    let names: BTreeMap<i64, String> = ps.iter().map(|x| (x.member_id, x.name.clone())).collect();
    if errors.is_empty()
        && let Err(problem) = check_online_ballot(&participants_of(&ps), member, &ballot)
    {
        errors.push(match &problem {
            BallotProblem::Missing(ms) => {
                let who: Vec<&str> = ms.iter().filter_map(|m| names.get(m).map(String::as_str)).collect();
                format!("{problem}（未评：{}）", who.join("、"))
            }
            _ => with_name(problem.to_string(), &names),
        });
    }
    if !errors.is_empty() {
        return render_ballot(&me, member, &p, &ps, &chosen, errors).await;
    }
    match store::cast_online(&st.db, p.round_id, member, &encode_ballot(&ballot)).await {
        Ok(()) => message(
            &me,
            StatusCode::OK,
            "投票成功",
            "您的测评票已提交，感谢参与。测评票不记录投票人和投票时间，任何页面和导出都不会显示谁投了什么票；支部只能看到已投票的人数。",
        ),
        Err(StoreError::Conflict(m)) if m.contains("已经投过票") => already_voted(&me),
        Err(StoreError::Conflict(_)) => voting_not_open(&me, RoundStage::Closed),
        Err(StoreError::NotFound) => not_participant(&me),
        Err(e) => Err(e.into()),
    }
}
