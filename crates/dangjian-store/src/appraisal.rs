//! 民主评议党员: a round per branch and year, its participants with their 个人自评, the
//! committee's decision and feedback, and two kinds of ballot: the paper 民主测评票 typed
//! in by the branch (`appraisal_ballots`) and the online ballots participants cast
//! themselves (`appraisal_online_ballots`).
//!
//! # Anonymity of online ballots
//!
//! What ties a ballot to its rater is kept out of the database, not hidden in it:
//!
//! * A ballot row holds a random 128-bit key ([`crate::kaohe::random_key`]), the round and
//!   the marks. No account, member, time or sequence number; on SQLite the table is
//!   `WITHOUT ROWID`, so no hidden rowid keeps the order of arrival either. Every read
//!   orders ballots by the random key.
//! * That a participant has voted is the `voted` flag on their participant row, which was
//!   made when the round was opened (so its id and position say nothing about when they
//!   voted), and which carries no time.
//! * On PostgreSQL every row carries the id of the transaction that wrote it (`xmin`),
//!   and new row versions go to the end of the heap (`ctid`): setting one flag and
//!   inserting one ballot in a transaction would leave both with the same `xmin`, and the
//!   newest ballot and flag last in their tables. So [`cast_online`] rewrites, in the same
//!   transaction, the `voted` column of *every* participant of the round in one statement
//!   and every online ballot of the round (deleted and inserted again in key order). After
//!   a vote all those rows share one `xmin` and the ballots lie in key order: neither
//!   points at the voter. (Dead row versions stay in the heap until VACUUM, and the
//!   write-ahead log records everything; reading those needs the database superuser and
//!   file access, outside what any page, export or API can reach.)
//! * Casting is not written to the audit trail, and the online tally is shown only once
//!   voting is closed, so watching the counts move cannot reveal a single ballot either.
//!   Pages show turnout (how many of how many), never who has voted.

use serde::Serialize;

use dangjian_domain::eval::appraisal::{RoundStage, RoundStep};

use crate::{Db, Result, StoreError, kaohe::random_key, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct RoundRow {
    pub id: i64,
    pub org_id: i64,
    pub year: i32,
    /// `open`, `voting`, `closed` or `decided` (see [`RoundStage`]).
    pub status: String,
    /// When online voting was first started.
    pub voting_at: Option<i64>,
    /// When voting was closed.
    pub closed_at: Option<i64>,
}

impl RoundRow {
    /// The stage; an unknown code reads as decided, the stage that allows nothing.
    pub fn stage(&self) -> RoundStage {
        RoundStage::from_code(&self.status).unwrap_or(RoundStage::Decided)
    }
}

const ROUND: &str = "SELECT id, org_id, year, status, voting_at, closed_at FROM appraisal_rounds";

pub async fn round(db: &Db, id: i64) -> Result<RoundRow> {
    let sql = sqlx::AssertSqlSafe(format!("{ROUND} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, RoundRow>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

pub async fn round_for(db: &Db, org_id: i64, year: i32) -> Result<Option<RoundRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{ROUND} WHERE org_id = $1 AND year = $2"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RoundRow>(sql).bind(org_id).bind(year).fetch_optional(p).await)?)
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

/// Moves the round one step (start, close or reopen voting; deciding is [`decide`]).
/// The step is checked against the stage read in the same transaction and written as a
/// compare-and-set, so two officers clicking at once cannot both move it. A step the
/// stage does not allow is a `Conflict` carrying the domain's message.
pub async fn take_step(db: &Db, round_id: i64, step: RoundStep, now: i64) -> Result<RoundStage> {
    if step == RoundStep::Decide {
        return Err(StoreError::Config("deciding records the decisions: use appraisal::decide".into()));
    }
    write_tx!(db, |conn| {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM appraisal_rounds WHERE id = $1")
            .bind(round_id)
            .fetch_optional(&mut *conn)
            .await?;
        let from = status.as_deref().and_then(RoundStage::from_code).ok_or(StoreError::NotFound)?;
        let to = from.after(step).map_err(|p| StoreError::Conflict(p.to_string()))?;
        let sql = match step {
            RoundStep::StartVoting => {
                "UPDATE appraisal_rounds SET status = $1, voting_at = COALESCE(voting_at, $2) WHERE id = $3 AND status = $4"
            }
            RoundStep::CloseVoting => {
                "UPDATE appraisal_rounds SET status = $1, closed_at = $2 WHERE id = $3 AND status = $4"
            }
            _ => {
                "UPDATE appraisal_rounds SET status = $1, closed_at = NULL, voting_at = COALESCE(voting_at, $2) \
                  WHERE id = $3 AND status = $4"
            }
        };
        let n = sqlx::query(sql)
            .bind(to.code())
            .bind(now)
            .bind(round_id)
            .bind(from.code())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::Conflict("评议状态已变化，请刷新后重试".into()));
        }
        Ok::<_, StoreError>(to)
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
    /// The 个人自评 ("" until written), its optional self grade and when it was last saved.
    pub self_text: String,
    pub self_grade: Option<String>,
    pub self_at: Option<i64>,
}

/// The participants of a round by name. Whether each has voted is deliberately not here:
/// pages that list participants get turnout from [`turnout`] only.
pub async fn participants(db: &Db, round_id: i64) -> Result<Vec<ParticipantRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ParticipantRow>(
        "SELECT a.member_id, m.name, a.standing, a.grade, a.follow_up, a.feedback, a.self_text, a.self_grade, \
         a.self_at FROM appraisal_participants a JOIN members m ON m.id = a.member_id WHERE a.round_id = $1 \
         ORDER BY m.name, m.id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Saves a participant's 个人自评 while the round takes them (before voting closes).
/// Not a participant: `NotFound`; voting closed or the round decided: `Conflict`.
pub async fn save_self_assessment(
    db: &Db,
    round_id: i64,
    member_id: i64,
    text: &str,
    grade: Option<&str>,
    now: i64,
) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE appraisal_participants SET self_text = $1, self_grade = $2, self_at = $3 \
         WHERE round_id = $4 AND member_id = $5 \
         AND EXISTS (SELECT 1 FROM appraisal_rounds r WHERE r.id = $4 AND r.status IN ('open', 'voting'))"
    )
    .bind(text)
    .bind(grade)
    .bind(now)
    .bind(round_id)
    .bind(member_id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n > 0 {
        return Ok(());
    }
    if participation(db, member_id).await?.iter().any(|p| p.round_id == round_id) {
        Err(StoreError::Conflict("投票已截止，个人自评不能再修改".into()))
    } else {
        Err(StoreError::NotFound)
    }
}

/// Adds a paper ballot ("member:grade" per line) until voting closes.
pub async fn add_ballot(db: &Db, round_id: i64, marks: &str) -> Result<()> {
    write_tx!(db, |conn| {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM appraisal_rounds WHERE id = $1")
            .bind(round_id)
            .fetch_optional(&mut *conn)
            .await?;
        match status.as_deref().and_then(RoundStage::from_code) {
            None => return Err(StoreError::NotFound),
            Some(s) if s.takes_paper_ballots() => {}
            Some(RoundStage::Closed) => return Err(StoreError::Conflict("投票已截止，不能再录入测评票".into())),
            Some(_) => return Err(StoreError::Conflict("评议已结束，不能再录入测评票".into())),
        }
        sqlx::query("INSERT INTO appraisal_ballots (round_id, marks) VALUES ($1, $2)")
            .bind(round_id)
            .bind(marks)
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(())
    })
}

/// The marks of every paper ballot of a round (in no meaningful order).
pub async fn ballots(db: &Db, round_id: i64) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT marks FROM appraisal_ballots WHERE round_id = $1 ORDER BY marks"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Casts a participant's online ballot ("member:grade" per line; the caller has checked it
/// with the domain's `check_online_ballot`). In one transaction: the round must be
/// `voting` (its row is locked, so casts in one round run one at a time), the voter must
/// be a participant who has not voted; the voter's flag is set by rewriting every
/// participant row of the round, and the ballot is stored by rewriting every online
/// ballot of the round in key order (see the module documentation for why).
///
/// Voting not open: `Conflict`; not a participant: `NotFound`; a second ballot: `Conflict`.
pub async fn cast_online(db: &Db, round_id: i64, voter: i64, marks: &str) -> Result<()> {
    let key = random_key()?;
    write_tx!(db, |conn| {
        let open = sqlx::query("UPDATE appraisal_rounds SET status = status WHERE id = $1 AND status = 'voting'")
            .bind(round_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if open == 0 {
            return Err(StoreError::Conflict("网上投票未在进行中".into()));
        }
        let voted: Option<bool> =
            sqlx::query_scalar("SELECT voted FROM appraisal_participants WHERE round_id = $1 AND member_id = $2")
                .bind(round_id)
                .bind(voter)
                .fetch_optional(&mut *conn)
                .await?;
        match voted {
            None => return Err(StoreError::NotFound),
            Some(true) => return Err(StoreError::Conflict("已经投过票".into())),
            Some(false) => {}
        }
        // Every participant row of the round in one statement, not the voter's alone.
        sqlx::query("UPDATE appraisal_participants SET voted = (voted OR member_id = $2) WHERE round_id = $1")
            .bind(round_id)
            .bind(voter)
            .execute(&mut *conn)
            .await?;
        let mut all: Vec<(String, String)> =
            sqlx::query_as("SELECT id, marks FROM appraisal_online_ballots WHERE round_id = $1")
                .bind(round_id)
                .fetch_all(&mut *conn)
                .await?;
        all.push((key.clone(), marks.to_owned()));
        all.sort();
        sqlx::query("DELETE FROM appraisal_online_ballots WHERE round_id = $1")
            .bind(round_id)
            .execute(&mut *conn)
            .await?;
        for (id, m) in &all {
            sqlx::query("INSERT INTO appraisal_online_ballots (id, round_id, marks) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(round_id)
                .bind(m)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// The marks of every online ballot of a round, in the order of their random keys.
pub async fn online_ballots(db: &Db, round_id: i64) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT marks FROM appraisal_online_ballots WHERE round_id = $1 ORDER BY id"
    )
    .bind(round_id)
    .fetch_all(p)
    .await)?)
}

/// Online turnout: (participants who have voted, participants). Counts only.
pub async fn turnout(db: &Db, round_id: i64) -> Result<(i64, i64)> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT COALESCE(SUM(CASE WHEN voted THEN 1 ELSE 0 END), 0), COUNT(*) FROM appraisal_participants \
         WHERE round_id = $1"
    )
    .bind(round_id)
    .fetch_one(p)
    .await)?)
}

/// One round as it stands for one participant (their own page).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct Participation {
    pub round_id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub year: i32,
    pub status: String,
    pub standing: String,
    pub self_text: String,
    pub self_grade: Option<String>,
    pub self_at: Option<i64>,
    /// Whether this participant has cast their online ballot (never what it said).
    pub voted: bool,
    pub grade: Option<String>,
    pub follow_up: String,
    pub feedback: String,
}

impl Participation {
    pub fn stage(&self) -> RoundStage {
        RoundStage::from_code(&self.status).unwrap_or(RoundStage::Decided)
    }
}

/// Every round a member takes or took part in, newest first.
pub async fn participation(db: &Db, member_id: i64) -> Result<Vec<Participation>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Participation>(
        "SELECT r.id AS round_id, r.org_id, o.name AS org_name, r.year, r.status, a.standing, a.self_text, \
         a.self_grade, a.self_at, a.voted, a.grade, a.follow_up, a.feedback FROM appraisal_participants a \
         JOIN appraisal_rounds r ON r.id = a.round_id JOIN organisations o ON o.id = r.org_id \
         WHERE a.member_id = $1 ORDER BY r.year DESC, r.id DESC"
    )
    .bind(member_id)
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

/// Records the decisions and marks the round decided, once, and only after voting was
/// closed; otherwise a `Conflict` with the reason.
pub async fn decide(db: &Db, round_id: i64, lines: &[DecisionLine], now: i64) -> Result<()> {
    write_tx!(db, |conn| {
        let done = sqlx::query(
            "UPDATE appraisal_rounds SET status = 'decided', decided_at = $1 WHERE id = $2 AND status = 'closed'",
        )
        .bind(now)
        .bind(round_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if done == 0 {
            let status: Option<String> = sqlx::query_scalar("SELECT status FROM appraisal_rounds WHERE id = $1")
                .bind(round_id)
                .fetch_optional(&mut *conn)
                .await?;
            let stage = status.as_deref().and_then(RoundStage::from_code).ok_or(StoreError::NotFound)?;
            let why = stage.after(RoundStep::Decide).err().map(|p| p.to_string());
            return Err(StoreError::Conflict(why.unwrap_or_else(|| "评议状态已变化，请刷新后重试".into())));
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
