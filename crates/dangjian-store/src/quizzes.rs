//! 知识测试 storage: quizzes (the domain's [`Quiz`] as JSON, with title, window and
//! state) and one attempt per member and quiz.
//!
//! The questions of a quiz are rewritten only while it is a draft; publishing freezes them,
//! so every attempt is marked against the questions its member saw. The unique key on
//! `(quiz_id, member_id)` makes a second submission a `Conflict`, even when two arrive at
//! once.

use dangjian_domain::quiz::Quiz;

use crate::{Db, Result, StoreError, on_pool};

/// A quiz row with its questions decoded.
#[derive(Debug, Clone)]
pub struct QuizRow {
    pub id: i64,
    pub org_id: i64,
    pub title: String,
    /// ISO dates, both included.
    pub opens_on: String,
    pub closes_on: String,
    pub quiz: Quiz,
    pub max_score: i64,
    /// `draft`, `published` or `closed`.
    pub state: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct Raw {
    id: i64,
    org_id: i64,
    title: String,
    opens_on: String,
    closes_on: String,
    body: String,
    max_score: i64,
    state: String,
    created_at: i64,
}

impl Raw {
    fn decode(self) -> Result<QuizRow> {
        let quiz =
            serde_json::from_str(&self.body).map_err(|e| StoreError::Config(format!("quiz {}: {e}", self.id)))?;
        Ok(QuizRow {
            id: self.id,
            org_id: self.org_id,
            title: self.title,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            quiz,
            max_score: self.max_score,
            state: self.state,
            created_at: self.created_at,
        })
    }
}

const SELECT: &str = "SELECT id, org_id, title, opens_on, closes_on, body, max_score, state, created_at FROM quizzes";

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Config(format!("json: {e}")))
}

/// The fields of a quiz an officer writes.
#[derive(Debug, Clone)]
pub struct QuizInput<'a> {
    pub org_id: i64,
    pub title: &'a str,
    pub opens_on: &'a str,
    pub closes_on: &'a str,
    pub quiz: &'a Quiz,
}

/// Stores a new draft (the caller validated it through the domain). `by` is the account
/// (`None` for demo data).
pub async fn create(db: &Db, input: &QuizInput<'_>, by: Option<i64>, now: i64) -> Result<i64> {
    let body = json(input.quiz)?;
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO quizzes (org_id, title, opens_on, closes_on, body, max_score, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    )
    .bind(input.org_id)
    .bind(input.title)
    .bind(input.opens_on)
    .bind(input.closes_on)
    .bind(&body)
    .bind(i64::from(input.quiz.max_score()))
    .bind(by)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

/// Rewrites a draft; a published or closed quiz is a `Conflict` (its questions are frozen).
pub async fn update_draft(db: &Db, id: i64, input: &QuizInput<'_>) -> Result<()> {
    let body = json(input.quiz)?;
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE quizzes SET org_id = $1, title = $2, opens_on = $3, closes_on = $4, body = $5, max_score = $6 \
         WHERE id = $7 AND state = 'draft'"
    )
    .bind(input.org_id)
    .bind(input.title)
    .bind(input.opens_on)
    .bind(input.closes_on)
    .bind(&body)
    .bind(i64::from(input.quiz.max_score()))
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::Conflict("测试已发布，题目不能再修改".into())) } else { Ok(()) }
}

/// Moves a quiz from `from` to `to` (draft → published → closed), stamping the time;
/// a quiz in another state is a `Conflict`.
pub async fn set_state(db: &Db, id: i64, from: &str, to: &str, now: i64) -> Result<()> {
    let sql = match to {
        "published" => "UPDATE quizzes SET state = $1, published_at = $2 WHERE id = $3 AND state = $4",
        "closed" => "UPDATE quizzes SET state = $1, closed_at = $2 WHERE id = $3 AND state = $4",
        _ => return Err(StoreError::Config(format!("quiz state {to}"))),
    };
    let n = on_pool!(db, |p| sqlx::query(sql)
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(from)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::Conflict("测试状态已变化，请刷新后再试".into())) } else { Ok(()) }
}

pub async fn get(db: &Db, id: i64) -> Result<QuizRow> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Raw>(sql).bind(id).fetch_optional(p).await)?
        .ok_or(StoreError::NotFound)?
        .decode()
}

/// Quizzes of some organisations, newest first.
pub async fn in_orgs(db: &Db, org_ids: &[i64]) -> Result<Vec<QuizRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id DESC"));
    let rows = on_pool!(db, |p| sqlx::query_as::<_, Raw>(sql).fetch_all(p).await)?;
    rows.into_iter().filter(|r| org_ids.contains(&r.org_id)).map(Raw::decode).collect()
}

/// Published and closed quizzes of some organisations (what members may see), newest first.
pub async fn visible_in(db: &Db, org_ids: &[i64]) -> Result<Vec<QuizRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE state <> 'draft' ORDER BY opens_on DESC, id DESC"));
    let rows = on_pool!(db, |p| sqlx::query_as::<_, Raw>(sql).fetch_all(p).await)?;
    rows.into_iter().filter(|r| org_ids.contains(&r.org_id)).map(Raw::decode).collect()
}

/// A member's attempt.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Attempt {
    pub id: i64,
    pub quiz_id: i64,
    pub member_id: i64,
    pub answers: String,
    pub score: i64,
    pub max_score: i64,
    pub submitted_at: i64,
}

impl Attempt {
    /// The chosen option indices per question.
    pub fn sheet(&self) -> Vec<Vec<usize>> {
        serde_json::from_str(&self.answers).unwrap_or_default()
    }
}

const ATTEMPT: &str = "SELECT id, quiz_id, member_id, answers, score, max_score, submitted_at FROM quiz_attempts";

/// Stores an attempt. A second attempt by the same member is a `Conflict`.
pub async fn submit(
    db: &Db,
    quiz_id: i64,
    member_id: i64,
    sheet: &[Vec<usize>],
    score: u32,
    max: u32,
    now: i64,
) -> Result<i64> {
    let answers = json(&sheet)?;
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO quiz_attempts (quiz_id, member_id, answers, score, max_score, submitted_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(quiz_id)
    .bind(member_id)
    .bind(&answers)
    .bind(i64::from(score))
    .bind(i64::from(max))
    .bind(now)
    .fetch_one(p)
    .await)?)
}

pub async fn attempt(db: &Db, quiz_id: i64, member_id: i64) -> Result<Option<Attempt>> {
    let sql = sqlx::AssertSqlSafe(format!("{ATTEMPT} WHERE quiz_id = $1 AND member_id = $2"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Attempt>(sql).bind(quiz_id).bind(member_id).fetch_optional(p).await)?)
}

/// Every attempt at a quiz, in order of submission.
pub async fn attempts(db: &Db, quiz_id: i64) -> Result<Vec<Attempt>> {
    let sql = sqlx::AssertSqlSafe(format!("{ATTEMPT} WHERE quiz_id = $1 ORDER BY submitted_at, id"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Attempt>(sql).bind(quiz_id).fetch_all(p).await)?)
}

/// The quiz ids a member has attempted.
pub async fn attempted_by(db: &Db, member_id: i64) -> Result<Vec<i64>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT quiz_id FROM quiz_attempts WHERE member_id = $1")
        .bind(member_id)
        .fetch_all(p)
        .await)?)
}
