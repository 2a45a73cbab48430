//! The officers' pages: the list of quizzes with the create form, a quiz's page (edit the
//! draft, publish, close, and the report), and its actions.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    quiz::{self, Kind, Quiz, letter, text},
    roles::Role,
};
use dangjian_store::quizzes::{self, QuizInput};

use super::{conflict, line, managed, report, state_name};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::{
        eval::{field, iso, parse_date, today},
        scope::Scope,
    },
};

/// The form's fields, kept when it is shown again with an error.
pub struct QuizForm {
    pub title: String,
    pub org_id: i64,
    pub opens_on: String,
    pub closes_on: String,
    pub partial: bool,
    pub questions: String,
}

impl QuizForm {
    pub(super) fn blank(org_id: i64) -> QuizForm {
        let start = today();
        QuizForm {
            title: String::new(),
            org_id,
            opens_on: iso(start),
            closes_on: iso(start + time::Duration::days(14)),
            partial: false,
            questions: String::new(),
        }
    }

    fn of(row: &quizzes::QuizRow) -> QuizForm {
        QuizForm {
            title: row.title.clone(),
            org_id: row.org_id,
            opens_on: row.opens_on.clone(),
            closes_on: row.closes_on.clone(),
            partial: row.quiz.partial_multiple,
            questions: text::to_text(&row.quiz),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> QuizForm {
        QuizForm {
            title: line(&field(pairs, "title")),
            org_id: field(pairs, "org_id").parse().unwrap_or_default(),
            opens_on: field(pairs, "opens_on"),
            closes_on: field(pairs, "closes_on"),
            partial: !field(pairs, "partial").is_empty(),
            questions: pairs.iter().find(|(k, _)| k == "questions").map(|(_, v)| v.clone()).unwrap_or_default(),
        }
    }

    /// The quiz the form describes, or the first problem in the officer's words.
    fn build(&self) -> Result<Quiz, String> {
        let opens = parse_date(&self.opens_on);
        let closes = parse_date(&self.closes_on);
        quiz::validate_header(&self.title, opens, closes).map_err(|e| e.to_string())?;
        text::parse(&self.questions, self.partial).map_err(|e| e.to_string())
    }
}

pub struct ListRow {
    pub id: i64,
    pub title: String,
    pub org: String,
    pub window: String,
    pub state: &'static str,
    pub questions: usize,
    pub taken: String,
}

#[derive(Template)]
#[template(path = "platform/quiz/list.html")]
struct ListPage {
    title: &'static str,
    page: Frame,
    quizzes: Vec<ListRow>,
    orgs: Vec<(i64, String)>,
    errors: Vec<String>,
    form: QuizForm,
    form_action: String,
    example: &'static str,
    /// Shown above the form (after an import).
    notice: String,
}

/// An example of the text format, shown beside the questions box.
const EXAMPLE: &str = "1. [单选] 党的最高理想和最终目标是什么？\nA. 实现共产主义\nB. 全面建成小康社会\n答案：A\n分值：10\n\n\
                       2. [多选] “三会一课”中的“三会”是指：\nA. 支部党员大会\nB. 支部委员会\nC. 党小组会\nD. 职工代表大会\n答案：ABC\n\n\
                       3. [判断] 预备党员的预备期为一年。\n答案：正确";

pub(super) async fn render_list(
    st: &AppState,
    me: &CurrentUser,
    errors: Vec<String>,
    form: Option<QuizForm>,
    notice: String,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(st, me).await?;
    let org_name = |id: i64| scope.all_orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let mut rows = Vec::new();
    for q in quizzes::in_orgs(&st.db, &scope.orgs).await? {
        let (taken, total) = report::participation(st, &scope.all_orgs, &q).await?;
        rows.push(ListRow {
            id: q.id,
            org: org_name(q.org_id),
            window: format!("{} 至 {}", q.opens_on, q.closes_on),
            state: state_name(&q.state),
            questions: q.quiz.questions.len(),
            taken: if q.state == "draft" { "—".into() } else { format!("{taken} / {total}") },
            title: q.title,
        });
    }
    let orgs = scope.orgs.iter().map(|id| (*id, org_name(*id))).filter(|(_, n)| !n.is_empty()).collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ListPage {
        title: "知识测试",
        page: Frame::for_user(me),
        quizzes: rows,
        orgs,
        errors,
        form: form.unwrap_or_else(|| QuizForm::blank(scope.root.unwrap_or_default())),
        form_action: String::new(),
        example: EXAMPLE,
        notice,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    render_list(&st, &me, vec![], None, String::new()).await
}

pub async fn create(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let form = QuizForm::from_pairs(&form_pairs(&body));
    scope.org(form.org_id)?;
    let quiz = match form.build() {
        Ok(q) => q,
        Err(e) => return render_list(&st, &me, vec![e], Some(form), String::new()).await,
    };
    let input = QuizInput {
        org_id: form.org_id,
        title: &form.title,
        opens_on: &form.opens_on,
        closes_on: &form.closes_on,
        quiz: &quiz,
    };
    let id = quizzes::create(&st.db, &input, Some(me.user.id), clock::now_micros()).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "quiz.create",
        &format!("quiz:{id}"),
        audit_trail::SUCCESS,
        &format!("{} questions", quiz.questions.len()),
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/quizzes/{id}")).into_response())
}

/// A question as the officer sees it: options with the correct ones marked.
pub struct QuestionView {
    pub kind: &'static str,
    pub stem: String,
    pub points: u32,
    /// (letter, text, correct)
    pub options: Vec<(char, String, bool)>,
}

pub fn question_views(q: &Quiz) -> Vec<QuestionView> {
    q.questions
        .iter()
        .map(|x| QuestionView {
            kind: x.kind.name(),
            stem: x.stem.clone(),
            points: x.points,
            options: x
                .options
                .iter()
                .enumerate()
                .map(|(j, o)| (if x.kind == Kind::Judge { ' ' } else { letter(j) }, o.clone(), x.answer.contains(&j)))
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "platform/quiz/page.html")]
struct QuizPage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    org: String,
    window: String,
    state: String,
    state_name: &'static str,
    max: u32,
    partial: bool,
    questions: Vec<QuestionView>,
    errors: Vec<String>,
    form: QuizForm,
    orgs: Vec<(i64, String)>,
    report: Option<report::Report>,
    bands: Vec<(&'static str, usize)>,
    form_action: String,
    example: &'static str,
}

async fn render_page(
    st: &AppState,
    me: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    form: Option<QuizForm>,
) -> Result<Response, AppError> {
    let (scope, row) = managed(st, me, id).await?;
    let org_name = |id: i64| scope.all_orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let report = if row.state == "draft" { None } else { Some(report::build(st, &scope.all_orgs, &row).await?) };
    let bands = report
        .as_ref()
        .map(|r| quiz::BANDS.iter().copied().zip(r.distribution.iter().copied()).collect())
        .unwrap_or_default();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = QuizPage {
        title: "知识测试",
        page: Frame::for_user(me),
        id,
        name: row.title.clone(),
        org: org_name(row.org_id),
        window: format!("{} 至 {}", row.opens_on, row.closes_on),
        state_name: state_name(&row.state),
        state: row.state.clone(),
        max: row.quiz.max_score(),
        partial: row.quiz.partial_multiple,
        questions: question_views(&row.quiz),
        errors,
        form: form.unwrap_or_else(|| QuizForm::of(&row)),
        orgs: scope.orgs.iter().map(|id| (*id, org_name(*id))).filter(|(_, n)| !n.is_empty()).collect(),
        report,
        bands,
        form_action: format!("/platform/quizzes/{id}/save"),
        example: EXAMPLE,
    };
    Ok((status, Html(page.render()?)).into_response())
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_page(&st, &me, id, vec![], None).await
}

/// `save` (a draft's fields and questions), `publish` (freezes the questions; members in
/// scope can answer within the window) and `close` (no more answers).
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let (scope, row) = managed(&st, &me, id).await?;
    let now = clock::now_micros();
    let detail = match action.as_str() {
        "save" => {
            let form = QuizForm::from_pairs(&form_pairs(&body));
            scope.org(form.org_id)?;
            if row.state != "draft" {
                return Err(AppError::Conflict("测试已发布，题目不能再修改".into()));
            }
            let quiz = match form.build() {
                Ok(q) => q,
                Err(e) => return render_page(&st, &me, id, vec![e], Some(form)).await,
            };
            let input = QuizInput {
                org_id: form.org_id,
                title: &form.title,
                opens_on: &form.opens_on,
                closes_on: &form.closes_on,
                quiz: &quiz,
            };
            quizzes::update_draft(&st.db, id, &input).await.map_err(|e| conflict(e, "测试已发布，题目不能再修改"))?;
            format!("{} questions", quiz.questions.len())
        }
        "publish" => {
            // Stored drafts were validated when saved; check again so nothing unanswerable
            // ever reaches members.
            row.quiz.validate().map_err(|e| AppError::Conflict(e.to_string()))?;
            quizzes::set_state(&st.db, id, "draft", "published", now)
                .await
                .map_err(|e| conflict(e, "只有草稿可以发布"))?;
            String::new()
        }
        "close" => {
            quizzes::set_state(&st.db, id, "published", "closed", now)
                .await
                .map_err(|e| conflict(e, "只有已发布的测试可以结束"))?;
            String::new()
        }
        _ => return Err(AppError::NotFound),
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        &format!("quiz.{action}"),
        &format!("quiz:{id}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/quizzes/{id}")).into_response())
}
