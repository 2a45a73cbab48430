//! The members' pages: the quizzes open to them, the answer page, and after submitting,
//! the score, the correct answers and the points it earned.
//!
//! The answer page carries option texts and option numbers only; which options are
//! correct is rendered only on the result page, after the attempt is stored.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::points::PointEvent,
    quiz::{self, Kind, Window, letter},
};
use dangjian_store::{members, points as pstore, quizzes};

use super::{conflict, quiz_owners, state_name};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::{
        eval::{parse_date, sync::record_event, today},
        scope::Scope,
    },
};

/// The signed-in member and the quiz, when the quiz is for the member's organisation and
/// visible (published or closed); 404 otherwise, so a quiz of another branch is not found.
async fn for_member(st: &AppState, me: &CurrentUser, id: i64) -> Result<(i64, quizzes::QuizRow), AppError> {
    let scope = Scope::of(st, me).await?;
    let member_id = scope.member.ok_or(AppError::NotFound)?;
    let member = members::get(&st.db, member_id).await?;
    let row = quizzes::get(&st.db, id).await?;
    if row.state == "draft" || !quiz_owners(&scope.all_orgs, member.org_id).contains(&row.org_id) {
        return Err(AppError::NotFound);
    }
    Ok((member_id, row))
}

fn window_of(row: &quizzes::QuizRow) -> Window {
    match (parse_date(&row.opens_on), parse_date(&row.closes_on)) {
        (Some(o), Some(c)) if row.state == "published" => quiz::window(o, c, today()),
        (Some(_), Some(_)) => Window::Over,
        _ => Window::NotYet,
    }
}

pub struct ListRow {
    pub id: i64,
    pub title: String,
    pub window: String,
    pub questions: usize,
    pub status: String,
    pub open: bool,
}

#[derive(Template)]
#[template(path = "platform/quiz/mine.html")]
struct MinePage {
    title: &'static str,
    page: Frame,
    quizzes: Vec<ListRow>,
}

/// `/platform/me/quizzes`: the quizzes for the member's organisation, open ones first.
pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    let scope = Scope::of(&st, &me).await?;
    let Some(member_id) = scope.member else {
        return Err(AppError::Conflict("您的账号尚未关联党员信息，请联系所在党支部。".into()));
    };
    let member = members::get(&st.db, member_id).await?;
    let done = quizzes::attempted_by(&st.db, member_id).await?;
    let mut rows = Vec::new();
    for q in quizzes::visible_in(&st.db, &quiz_owners(&scope.all_orgs, member.org_id)).await? {
        let attempt = if done.contains(&q.id) { quizzes::attempt(&st.db, q.id, member_id).await? } else { None };
        let w = window_of(&q);
        let status = match (&attempt, w) {
            (Some(a), _) => format!("已完成，得分 {} / {}", a.score, a.max_score),
            (None, Window::Open) => "进行中，未作答".into(),
            (None, Window::NotYet) => format!("{} 开始", q.opens_on),
            (None, Window::Over) => {
                format!("{}，未参加", if q.state == "closed" { state_name("closed") } else { "已截止" })
            }
        };
        rows.push(ListRow {
            id: q.id,
            window: format!("{} 至 {}", q.opens_on, q.closes_on),
            questions: q.quiz.questions.len(),
            open: attempt.is_none() && w == Window::Open,
            status,
            title: q.title,
        });
    }
    rows.sort_by_key(|r| !r.open);
    let page = MinePage { title: "知识测试", page: Frame::for_user(&me), quizzes: rows };
    Ok(Html(page.render()?).into_response())
}

/// A question on the answer page: no answers.
pub struct AskView {
    pub n: usize,
    pub kind: &'static str,
    pub multiple: bool,
    pub stem: String,
    pub points: u32,
    /// (value, label, text)
    pub options: Vec<(usize, String, String)>,
}

/// A question on the result page: what was chosen and what is correct.
pub struct ResultView {
    pub kind: &'static str,
    pub stem: String,
    pub points: u32,
    pub earned: u32,
    /// (label, text, chosen, correct)
    pub options: Vec<(String, String, bool, bool)>,
    pub answer: String,
}

#[derive(Template)]
#[template(path = "platform/quiz/take.html")]
struct TakePage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    window: String,
    max: u32,
    /// Why the member cannot answer now ("" when they can).
    closed: String,
    ask: Vec<AskView>,
    result: Option<(i64, i64)>,
    points: String,
    answers: Vec<ResultView>,
}

fn label(kind: Kind, i: usize) -> String {
    if kind == Kind::Judge { String::new() } else { format!("{}.", letter(i)) }
}

/// The quiz page: the form while it is open and unanswered, else the result.
pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (member_id, row) = for_member(&st, &me, id).await?;
    let attempt = quizzes::attempt(&st.db, id, member_id).await?;
    let mut page = TakePage {
        title: "知识测试",
        page: Frame::for_user(&me),
        id,
        name: row.title.clone(),
        window: format!("{} 至 {}", row.opens_on, row.closes_on),
        max: row.quiz.max_score(),
        closed: String::new(),
        ask: Vec::new(),
        result: None,
        points: String::new(),
        answers: Vec::new(),
    };
    if let Some(a) = attempt {
        let sheet = a.sheet();
        let marked = quiz::mark(&row.quiz, &sheet);
        page.result = Some((a.score, a.max_score));
        page.points = points_text(&st, id, member_id, a.score).await?;
        page.answers = row
            .quiz
            .questions
            .iter()
            .enumerate()
            .map(|(i, q)| {
                let chosen = sheet.get(i).cloned().unwrap_or_default();
                ResultView {
                    kind: q.kind.name(),
                    stem: q.stem.clone(),
                    points: q.points,
                    earned: marked.earned.get(i).copied().unwrap_or_default(),
                    options: q
                        .options
                        .iter()
                        .enumerate()
                        .map(|(j, o)| (label(q.kind, j), o.clone(), chosen.contains(&j), q.answer.contains(&j)))
                        .collect(),
                    answer: q
                        .answer
                        .iter()
                        .map(|j| if q.kind == Kind::Judge { q.options[*j].clone() } else { letter(*j).to_string() })
                        .collect(),
                }
            })
            .collect();
    } else {
        page.closed = match window_of(&row) {
            Window::Open => String::new(),
            Window::NotYet => format!("本测试 {} 开始，届时再来作答。", row.opens_on),
            Window::Over => "本测试已截止，您未参加。".into(),
        };
        if page.closed.is_empty() {
            page.ask = row
                .quiz
                .questions
                .iter()
                .enumerate()
                .map(|(i, q)| AskView {
                    n: i + 1,
                    kind: q.kind.name(),
                    multiple: q.kind == Kind::Multiple,
                    stem: q.stem.clone(),
                    points: q.points,
                    options: q.options.iter().enumerate().map(|(j, o)| (j, label(q.kind, j), o.clone())).collect(),
                })
                .collect();
        }
    }
    Ok(Html(page.render()?).into_response())
}

/// What the attempt earned, as the ledger says (the line carries the cap's note).
async fn points_text(st: &AppState, id: i64, member_id: i64, score: i64) -> Result<String, AppError> {
    Ok(match pstore::entry_by_key(&st.db, &format!("quiz:{id}:{member_id}")).await? {
        Some(line) => format!("计入党性积分 {} 分（{}）", line.points, line.reason),
        None if score == 0 => "得分为 0，本次不计党性积分。".into(),
        None => "本次未计入党性积分（积分规则中没有“知识测试”一项）。".into(),
    })
}

/// Submits the sheet: fields `q{n}` carry the chosen option numbers (repeated for 多选).
/// One attempt per member; the score is computed here and earns points at once.
pub async fn submit(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let (member_id, row) = for_member(&st, &me, id).await?;
    if quizzes::attempt(&st.db, id, member_id).await?.is_some() {
        return Err(AppError::Conflict("您已提交过本测试，每人限答一次。".into()));
    }
    match window_of(&row) {
        Window::Open => {}
        Window::NotYet => return Err(AppError::Conflict(format!("本测试 {} 才开始，暂不能作答。", row.opens_on))),
        Window::Over => return Err(AppError::Conflict("本测试已截止，不能再提交。".into())),
    }
    let pairs = form_pairs(&body);
    let sheet: Vec<Vec<usize>> = (1..=row.quiz.questions.len())
        .map(|n| {
            let key = format!("q{n}");
            pairs.iter().filter(|(k, _)| *k == key).filter_map(|(_, v)| v.trim().parse().ok()).collect()
        })
        .collect();
    let marked = quiz::mark(&row.quiz, &sheet);
    let now = clock::now_micros();
    quizzes::submit(&st.db, id, member_id, &sheet, marked.score, marked.max, now)
        .await
        .map_err(|e| conflict(e, "您已提交过本测试，每人限答一次。"))?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "quiz.submit",
        &format!("quiz:{id}"),
        audit_trail::SUCCESS,
        &format!("member {member_id}: {} / {}", marked.score, marked.max),
    )
    .await?;
    if marked.score > 0 {
        let event = PointEvent {
            member: member_id,
            on: today(),
            action: "quiz".into(),
            quantity: marked.share(),
            approved_application: false,
        };
        // A refusal (the rule removed from the catalogue) leaves the attempt standing; the
        // result page says no points were counted.
        let _ = record_event(&st, &event, &row.title, Some(format!("quiz:{id}:{member_id}")), None).await?;
    }
    Ok(Redirect::to(&format!("/platform/me/quizzes/{id}")).into_response())
}
