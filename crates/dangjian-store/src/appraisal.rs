//! 民主评议党员: a round per branch and year, its participants with the committee's
//! decision and feedback, and ballots. A ballot row holds marks and its round, nothing
//! else: no rater, no time, so no query can tie a ballot to who cast it.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct RoundRow {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    /// `open` or `decided`.
    pub status: String,
}

pub async fn round(db: &Db, id: i64) -> Result<RoundRow> {
    on_pool!(db, |p| sqlx::query_as::<_, RoundRow>(
        "SELECT id, org_id, year, status FROM appraisal_rounds WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

pub async fn round_for(db: &Db, org_id: i64, year: i32) -> Result<Option<RoundRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RoundRow>(
        "SELECT id, org_id, year, status FROM appraisal_rounds WHERE org_id = $1 AND year = $2"
    )
    .bind(org_id)
    .bind(year)
    .fetch_optional(p)
    .await)?)
}

/// Opens a round with its participants: (member id, `full` | `probationary`). A second
/// round for the same branch and year is a `Conflict`.
pub async fn open(db: &Db, org_id: i64, year: i32, participants: &[(i64, String)], now: i64) -> Result<i64> {
    write_tx!(db, |conn| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO appraisal_rounds (org_id, year, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(org_id)
        .bind(year)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for (m, standing) in participants {
            sqlx::query("INSERT INTO appraisal_participants (round_id, member_id, standing) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*m)
                .bind(standing)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(id)
    })
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct ParticipantRow {
    pub member_id: i64,
    pub name: String,
    pub standing: String,
    pub grade: Option<String>,
    pub follow_up: String,
    pub feedback: String,
}

pub async fn participants(db: &Db, round_id: i64) -> Result<Vec<ParticipantRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ParticipantRow>(
        "SELECT a.member_id, m.name, a.standing, a.grade, a.follow_up, a.feedback FROM appraisal_participants a \
         JOIN members m ON m.id = a.member_id WHERE a.round_id = $1 ORDER BY m.name, m.id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Adds a ballot ("member:grade" per line) while the round is open.
pub async fn add_ballot(db: &Db, round_id: i64, marks: &str) -> Result<()> {
    write_tx!(db, |conn| {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM appraisal_rounds WHERE id = $1")
            .bind(round_id)
            .fetch_optional(&mut *conn)
            .await?;
        if status.as_deref() != Some("open") {
            return Err(StoreError::Conflict("评议已结束，不能再录入测评票".into()));
        }
        sqlx::query("INSERT INTO appraisal_ballots (round_id, marks) VALUES ($1, $2)")
            .bind(round_id)
            .bind(marks)
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(())
    })
}

/// The marks of every ballot of a round (in no meaningful order).
pub async fn ballots(db: &Db, round_id: i64) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT marks FROM appraisal_ballots WHERE round_id = $1 ORDER BY marks"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// The committee's decision for one member: grade (none for 预备党员), follow-up, feedback.
#[derive(Debug, Clone)]
pub struct DecisionLine {
    pub member_id: i64,
    pub grade: Option<String>,
    pub follow_up: String,
    pub feedback: String,
}

/// Records the decisions and closes the round, once.
pub async fn decide(db: &Db, round_id: i64, lines: &[DecisionLine], now: i64) -> Result<()> {
    write_tx!(db, |conn| {
        let done = sqlx::query(
            "UPDATE appraisal_rounds SET status = 'decided', decided_at = $1 WHERE id = $2 AND status = 'open'",
        )
        .bind(now)
        .bind(round_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::Conflict("评议结果已确定".into()));
        }
        for l in lines {
            sqlx::query(
                "UPDATE appraisal_participants SET grade = $1, follow_up = $2, feedback = $3 \
                 WHERE round_id = $4 AND member_id = $5",
            )
            .bind(&l.grade)
            .bind(&l.follow_up)
            .bind(&l.feedback)
            .bind(round_id)
            .bind(l.member_id)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// A member's results in decided rounds, newest first: (year, standing, grade, follow-up, feedback).
pub async fn results_of(db: &Db, member_id: i64) -> Result<Vec<(i32, String, Option<String>, String, String)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i32, String, Option<String>, String, String)>(
        "SELECT r.year, a.standing, a.grade, a.follow_up, a.feedback FROM appraisal_participants a \
         JOIN appraisal_rounds r ON r.id = a.round_id WHERE a.member_id = $1 AND r.status = 'decided' \
         ORDER BY r.year DESC"
    )
    .bind(member_id)
    .fetch_all(p)
    .await)?)
}
