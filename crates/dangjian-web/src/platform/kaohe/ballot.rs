//! The ballot page: one grade (格次) per subject and indicator from the scheme's scale,
//! the declared familiarity when the scheme asks for it, and the domain's validity check
//! before the ballot counts. Signed-in raters vote at `/platform/kaohe/{id}/ballot`;
//! 群众评价 at `/vote/{token}` without an account. Either way the store marks the voter
//! and inserts an anonymous ballot in one transaction; nothing else about the voter is kept.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::eval::assessment::{Ballot, BallotLine, Invalidity, Mark, SubjectId, validate_ballot};
use dangjian_store::{StoreError, kaohe};

use super::subject_names;
use crate::{AppError, AppState, admin::accounts::form_pairs, admin::current::CurrentUser};

pub struct Choice {
    pub value: usize,
    pub name: String,
    pub checked: bool,
}

pub struct IndicatorRow {
    pub name: String,
    pub field: String,
    pub choices: Vec<Choice>,
}

pub struct SubjectBlock {
    pub name: String,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Template)]
#[template(path = "platform/kaohe/ballot.html")]
struct BallotPage {
    css: &'static str,
    scheme: String,
    group: String,
    action: String,
    scale: Vec<(String, String)>,
    familiarity: Vec<Choice>,
    subjects: Vec<SubjectBlock>,
    errors: Vec<String>,
    can_confirm: bool,
}

#[derive(Template)]
#[template(path = "platform/kaohe/vote_message.html")]
struct MessagePage {
    css: &'static str,
    heading: &'static str,
    message: String,
    back: Option<&'static str>,
}

/// No caching, and no referrer: the token in the address must not travel to another page.
fn private(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    r
}

fn message(
    status: StatusCode,
    heading: &'static str,
    message: &str,
    back: Option<&'static str>,
) -> Result<Response, AppError> {
    let page = MessagePage { css: crate::assets::admin_css_url(), heading, message: message.to_owned(), back };
    Ok(private((status, Html(page.render()?)).into_response()))
}

/// Who is voting and on what: the scheme, the group and the subjects on the ballot.
struct Seat {
    row: kaohe::SchemeRow,
    group: usize,
    subjects: Vec<SubjectId>,
    action: String,
    back: Option<&'static str>,
}

type Pairs = Vec<(String, String)>;

fn value<'a>(pairs: &'a Pairs, k: &str) -> Option<&'a str> {
    pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

async fn render(
    st: &AppState,
    seat: &Seat,
    pairs: &Pairs,
    errors: Vec<String>,
    can_confirm: bool,
) -> Result<Response, AppError> {
    let s = &seat.row.scheme;
    let names = subject_names(st, &seat.row).await?;
    let fam = value(pairs, "f").and_then(|v| v.parse::<usize>().ok());
    let page = BallotPage {
        css: crate::assets::admin_css_url(),
        scheme: seat.row.name.clone(),
        group: s.groups[seat.group].name.clone(),
        action: seat.action.clone(),
        scale: s.scale.iter().map(|l| (l.name.clone(), l.points.to_string())).collect(),
        familiarity: s
            .familiarity
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, f)| Choice { value: i, name: f.name.clone(), checked: fam == Some(i) })
            .collect(),
        subjects: seat
            .subjects
            .iter()
            .map(|sid| SubjectBlock {
                name: names.get(sid).cloned().unwrap_or_else(|| format!("#{sid}")),
                rows: s
                    .indicators
                    .iter()
                    .enumerate()
                    .map(|(i, ind)| {
                        let field = format!("m{sid}_{i}");
                        let chosen = value(pairs, &field).and_then(|v| v.parse::<usize>().ok());
                        IndicatorRow {
                            name: ind.name.clone(),
                            choices: s
                                .scale
                                .iter()
                                .enumerate()
                                .map(|(l, level)| Choice {
                                    value: l,
                                    name: level.name.clone(),
                                    checked: chosen == Some(l),
                                })
                                .collect(),
                            field,
                        }
                    })
                    .collect(),
            })
            .collect(),
        errors,
        can_confirm,
    };
    Ok(private(Html(page.render()?).into_response()))
}

/// Reads the form into a domain ballot. Anything a browser would not send (a level that
/// is not a number) is a 400; a missing mark leaves the line incomplete for the domain
/// to report, and the ballot is refused until it is complete.
fn parse(seat: &Seat, pairs: &Pairs) -> Result<Ballot, AppError> {
    let s = &seat.row.scheme;
    let familiarity = match value(pairs, "f") {
        Some(v) => Some(v.parse::<u8>().map_err(|_| AppError::BadRequest)?),
        None => None,
    };
    let mut lines = Vec::new();
    for sid in &seat.subjects {
        let mut marks = Vec::new();
        for i in 0..s.indicators.len() {
            if let Some(v) = value(pairs, &format!("m{sid}_{i}")) {
                marks.push(Mark::Level(v.parse::<u8>().map_err(|_| AppError::BadRequest)?));
            }
        }
        // Every subject on the seat gets a line, so a skipped one is reported as incomplete.
        lines.push(BallotLine { subject: *sid, marks });
    }
    Ok(Ballot { group: seat.group, familiarity, lines })
}

async fn submit(st: &AppState, seat: &Seat, voter: kaohe::Voter<'_>, body: &[u8]) -> Result<Response, AppError> {
    let pairs = form_pairs(body);
    let ballot = parse(seat, &pairs)?;
    let s = &seat.row.scheme;
    let verdict = validate_ballot(s, &ballot).map_err(|_| AppError::BadRequest)?;
    match verdict {
        None => {}
        Some(Invalidity::Empty) => return render(st, seat, &pairs, vec!["请逐项选择评价等次".into()], false).await,
        Some(Invalidity::MissingFamiliarity) => {
            return render(st, seat, &pairs, vec!["请选择您对考核对象的熟悉程度".into()], false).await;
        }
        Some(Invalidity::Incomplete { subject }) => {
            let names = subject_names(st, &seat.row).await?;
            let name = names.get(&subject).cloned().unwrap_or_default();
            return render(st, seat, &pairs, vec![format!("“{name}”还有指标没有评价，请逐项选择")], false).await;
        }
        Some(rule) if value(&pairs, "confirm_invalid") != Some("1") => {
            let msg = format!("{rule}。如确认按此提交，本票将计为无效票；也可以修改后再提交。");
            return render(st, seat, &pairs, vec![msg], true).await;
        }
        Some(_) => {}
    }
    // Incomplete lines were refused above, so every line on the ballot covers all indicators.
    let stored = kaohe::StoredBallot {
        group_code: s.groups[seat.group].code.clone(),
        familiarity: ballot
            .familiarity
            .and_then(|f| s.familiarity.as_ref().and_then(|l| l.get(usize::from(f))))
            .map(|f| f.code.clone()),
        marks: kaohe::encode_marks(&ballot.lines),
    };
    match kaohe::cast(&st.db, seat.row.id, voter, &stored).await {
        Ok(()) => message(
            StatusCode::OK,
            "投票成功",
            "您的评价票已提交，感谢参与。评价票不记录投票人，任何页面和导出都不会显示谁投了什么票。",
            seat.back,
        ),
        Err(StoreError::Conflict(_)) => used(seat.back),
        Err(e) => Err(e.into()),
    }
}

fn used(back: Option<&'static str>) -> Result<Response, AppError> {
    message(StatusCode::GONE, "已经投过票", "本次测评每人（每个链接）只能投一票，您的票已经提交。", back)
}

fn not_open(back: Option<&'static str>) -> Result<Response, AppError> {
    message(StatusCode::GONE, "测评未在进行中", "本次测评尚未开始或已经截止，不能再投票。", back)
}

/// The seat of a signed-in rater: 404 unless the account is assigned to the scheme.
async fn internal_seat(st: &AppState, me: &CurrentUser, id: i64) -> Result<Result<Seat, Response>, AppError> {
    let row = kaohe::get(&st.db, id).await?;
    let a = kaohe::assignment(&st.db, id, me.user.id).await?.ok_or(AppError::NotFound)?;
    let back = Some("/platform/kaohe");
    if a.voted {
        return Ok(Err(used(back)?));
    }
    if row.state != "open" {
        return Ok(Err(not_open(back)?));
    }
    let group = row.scheme.groups.iter().position(|g| g.code == a.group_code).ok_or(AppError::NotFound)?;
    let subjects: Vec<SubjectId> = a.subjects.into_iter().filter(|x| row.scheme.subjects.contains(x)).collect();
    Ok(Ok(Seat { row, group, subjects, action: format!("/platform/kaohe/{id}/ballot"), back }))
}

pub async fn internal_form(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    match internal_seat(&st, &me, id).await? {
        Ok(seat) => render(&st, &seat, &Vec::new(), vec![], false).await,
        Err(r) => Ok(r),
    }
}

pub async fn internal_submit(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    match internal_seat(&st, &me, id).await? {
        Ok(seat) => submit(&st, &seat, kaohe::Voter::Account(me.user.id), &body).await,
        Err(r) => Ok(r),
    }
}

/// The seat of a token: an unknown token is a friendly 404, a used one a 410.
async fn public_seat(st: &AppState, token: &str) -> Result<Result<Seat, Response>, AppError> {
    let unknown = || message(StatusCode::NOT_FOUND, "链接无效", "该评价链接不存在，请核对链接是否完整。", None);
    if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(Err(unknown()?));
    }
    let Some(t) = kaohe::token(&st.db, token).await? else { return Ok(Err(unknown()?)) };
    if t.used {
        return Ok(Err(used(None)?));
    }
    let row = kaohe::get(&st.db, t.scheme_id).await?;
    if row.state != "open" {
        return Ok(Err(not_open(None)?));
    }
    let Some(group) = row.scheme.groups.iter().position(|g| g.code == t.group_code) else {
        return Ok(Err(unknown()?));
    };
    let subjects: Vec<SubjectId> = t.subjects.into_iter().filter(|x| row.scheme.subjects.contains(x)).collect();
    Ok(Ok(Seat { row, group, subjects, action: format!("/vote/{token}"), back: None }))
}

pub async fn public_form(State(st): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    match public_seat(&st, &token).await? {
        Ok(seat) => render(&st, &seat, &Vec::new(), vec![], false).await,
        Err(r) => Ok(r),
    }
}

pub async fn public_submit(
    State(st): State<AppState>,
    Path(token): Path<String>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    match public_seat(&st, &token).await? {
        Ok(seat) => submit(&st, &seat, kaohe::Voter::Token(&token), &body).await,
        Err(r) => Ok(r),
    }
}
