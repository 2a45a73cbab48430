//! 党建考核 storage: schemes with their configuration (the domain's [`Scheme`] as JSON),
//! internal rater assignments, one-time tokens for 群众评价, anonymous ballots, offline
//! inspection scores, 日常 scores and the results snapshot taken at publish.
//!
//! Anonymity is kept by what is *not* stored. A ballot row has a random 128-bit key, the
//! scheme, the rater group, the declared familiarity and the marks — no account, no token,
//! no time, no sequence number — and every read orders ballots by that random key. The
//! only trace of a vote is the `voted` flag on the assignment (or `used` on the token),
//! set in the same transaction that inserts the ballot, so turnout is exact and nothing
//! joins a ballot back to the person who cast it (on PostgreSQL the vote also rewrites a random crowd of its
//! group's cast flags and ballots, so no transaction id pairs them: `restamp_group`). Tokens are stored as SHA-256 hashes: the
//! link is shown once, when it is made, and the database alone cannot vote.

use std::collections::BTreeMap;
use std::str::FromStr;

use dangjian_domain::eval::assessment::{Ballot, BallotLine, Mark, Scheme, SchemeResult, SubjectId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{Db, Result, StoreError, on_pool, write_tx};

/// A scheme row.
#[derive(Debug, Clone)]
pub struct SchemeRow {
    pub id: i64,
    pub org_id: i64,
    pub name: String,
    /// `draft`, `open`, `closed` or `published`.
    pub state: String,
    pub scheme: Scheme,
    /// The snapshot taken at publish.
    pub results: Option<Snapshot>,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct RawScheme {
    id: i64,
    org_id: i64,
    name: String,
    state: String,
    config: String,
    results: Option<String>,
    created_at: i64,
}

impl RawScheme {
    fn decode(self) -> Result<SchemeRow> {
        let scheme = serde_json::from_str(&self.config)
            .map_err(|e| StoreError::Config(format!("kaohe scheme {}: {e}", self.id)))?;
        let results = match self.results {
            Some(r) => Some(
                serde_json::from_str(&r).map_err(|e| StoreError::Config(format!("kaohe results {}: {e}", self.id)))?,
            ),
            None => None,
        };
        Ok(SchemeRow {
            id: self.id,
            org_id: self.org_id,
            name: self.name,
            state: self.state,
            scheme,
            results,
            created_at: self.created_at,
        })
    }
}

fn json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Config(format!("json: {e}")))
}

const SELECT: &str = "SELECT id, org_id, name, state, config, results, created_at FROM kaohe_schemes";

/// Stores a new draft; `by` is the creating account (`None` for demo data).
pub async fn create(db: &Db, org_id: i64, scheme: &Scheme, by: Option<i64>, now: i64) -> Result<i64> {
    let config = json(scheme)?;
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO kaohe_schemes (org_id, name, config, created_by, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id"
    )
    .bind(org_id)
    .bind(&scheme.name)
    .bind(&config)
    .bind(by)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

pub async fn get(db: &Db, id: i64) -> Result<SchemeRow> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, RawScheme>(sql).bind(id).fetch_optional(p).await)?
        .ok_or(StoreError::NotFound)?
        .decode()
}

/// Schemes of some organisations, newest first.
pub async fn in_orgs(db: &Db, org_ids: &[i64]) -> Result<Vec<SchemeRow>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id DESC"));
    let rows = on_pool!(db, |p| sqlx::query_as::<_, RawScheme>(sql).fetch_all(p).await)?;
    rows.into_iter().filter(|r| org_ids.contains(&r.org_id)).map(RawScheme::decode).collect()
}

/// Replaces the configuration of a draft; anything else is a `Conflict`.
pub async fn update_config(db: &Db, id: i64, scheme: &Scheme) -> Result<()> {
    let config = json(scheme)?;
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE kaohe_schemes SET config = $1, name = $2 WHERE id = $3 AND state = 'draft'"
    )
    .bind(&config)
    .bind(&scheme.name)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::Conflict("方案已开始测评，不能再修改".into())) } else { Ok(()) }
}

/// Moves a scheme from one state to the next (compare-and-set): `Conflict` when someone
/// else moved it first. Publishing stores the results snapshot in the same statement.
pub async fn transition(db: &Db, id: i64, from: &str, to: &str, results: Option<&Snapshot>, now: i64) -> Result<()> {
    let column = match to {
        "open" => "opened_at",
        "closed" => "closed_at",
        "published" => "published_at",
        _ => return Err(StoreError::Config(format!("unknown state {to}"))),
    };
    let results = results.map(json).transpose()?;
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE kaohe_schemes SET state = $1, {column} = $2, results = COALESCE($3, results) \
         WHERE id = $4 AND state = $5"
    ));
    let n = on_pool!(db, |p| sqlx::query(sql)
        .bind(to)
        .bind(now)
        .bind(&results)
        .bind(id)
        .bind(from)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::Conflict("考核状态已变化，请刷新后重试".into())) } else { Ok(()) }
}

fn join_ids(ids: &[SubjectId]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

fn split_ids(s: &str) -> Vec<SubjectId> {
    s.split(',').filter_map(|x| x.trim().parse().ok()).collect()
}

/// An internal rater's assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub user_id: i64,
    pub group_code: String,
    pub subjects: Vec<SubjectId>,
    pub voted: bool,
}

/// Assigns (or re-assigns, while nobody has voted on it) accounts to a rater group.
pub async fn assign(db: &Db, scheme_id: i64, users: &[i64], group_code: &str, subjects: &[SubjectId]) -> Result<()> {
    let subjects = join_ids(subjects);
    write_tx!(db, |conn| {
        for u in users {
            sqlx::query("DELETE FROM kaohe_raters WHERE scheme_id = $1 AND user_id = $2 AND voted = FALSE")
                .bind(scheme_id)
                .bind(*u)
                .execute(&mut *conn)
                .await?;
            sqlx::query(
                "INSERT INTO kaohe_raters (scheme_id, user_id, group_code, subjects) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (scheme_id, user_id) DO NOTHING",
            )
            .bind(scheme_id)
            .bind(*u)
            .bind(group_code)
            .bind(&subjects)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(())
    })
}

pub async fn assignments(db: &Db, scheme_id: i64) -> Result<Vec<Assignment>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, (i64, String, String, bool)>(
        "SELECT user_id, group_code, subjects, voted FROM kaohe_raters WHERE scheme_id = $1 ORDER BY user_id"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, group_code, subjects, voted)| Assignment {
            user_id,
            group_code,
            subjects: split_ids(&subjects),
            voted,
        })
        .collect())
}

pub async fn assignment(db: &Db, scheme_id: i64, user_id: i64) -> Result<Option<Assignment>> {
    Ok(assignments(db, scheme_id).await?.into_iter().find(|a| a.user_id == user_id))
}

/// Every scheme an account is assigned to rate: (scheme id, voted).
pub async fn assigned_to(db: &Db, user_id: i64) -> Result<Vec<(i64, bool)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, bool)>(
        "SELECT scheme_id, voted FROM kaohe_raters WHERE user_id = $1 ORDER BY scheme_id DESC"
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}

/// An account that can be assigned to rate: (id, username, display name, bound
/// organisation, bound member record). Disabled accounts are left out.
pub async fn rater_candidates(db: &Db) -> Result<Vec<(i64, String, String, Option<i64>, Option<i64>)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, String, String, Option<i64>, Option<i64>)>(
        "SELECT id, username, display_name, org_id, member_id FROM users WHERE disabled = FALSE ORDER BY username"
    )
    .fetch_all(p)
    .await)?)
}

/// Ballots cast per group: (group code, count). Counts only — nothing per person.
pub async fn ballot_counts(db: &Db, scheme_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT group_code, COUNT(*) FROM kaohe_ballots WHERE scheme_id = $1 GROUP BY group_code ORDER BY group_code"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?)
}

/// The SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// 128 random bits as 32 hex digits, from the operating system's generator.
pub fn random_key() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Config(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Makes `n` one-time tokens for a 群众评价 group; returns them in clear text, the only
/// time they exist outside a rater's hands.
pub async fn create_tokens(
    db: &Db,
    scheme_id: i64,
    group_code: &str,
    subjects: &[SubjectId],
    n: usize,
) -> Result<Vec<String>> {
    let tokens: Vec<String> = (0..n).map(|_| random_key()).collect::<Result<_>>()?;
    let subjects = join_ids(subjects);
    write_tx!(db, |conn| {
        for t in &tokens {
            sqlx::query(
                "INSERT INTO kaohe_tokens (token_hash, scheme_id, group_code, subjects) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash(t))
            .bind(scheme_id)
            .bind(group_code)
            .bind(&subjects)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(())
    })?;
    Ok(tokens)
}

/// What a token admits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub scheme_id: i64,
    pub group_code: String,
    pub subjects: Vec<SubjectId>,
    pub used: bool,
}

pub async fn token(db: &Db, token: &str) -> Result<Option<TokenRow>> {
    let row = on_pool!(db, |p| sqlx::query_as::<_, (i64, String, String, bool)>(
        "SELECT scheme_id, group_code, subjects, used FROM kaohe_tokens WHERE token_hash = $1"
    )
    .bind(token_hash(token))
    .fetch_optional(p)
    .await)?;
    Ok(row.map(|(scheme_id, group_code, subjects, used)| TokenRow {
        scheme_id,
        group_code,
        subjects: split_ids(&subjects),
        used,
    }))
}

/// Tokens per group: (group code, made, used).
pub async fn token_counts(db: &Db, scheme_id: i64) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT group_code, COUNT(*), SUM(CASE WHEN used THEN 1 ELSE 0 END) FROM kaohe_tokens \
         WHERE scheme_id = $1 GROUP BY group_code ORDER BY group_code"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?)
}

/// Who casts a ballot: an assigned account or a token. Only used to mark the vote.
#[derive(Debug, Clone, Copy)]
pub enum Voter<'a> {
    Account(i64),
    Token(&'a str),
}

/// One ballot as stored: group, familiarity code and the encoded marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBallot {
    pub group_code: String,
    pub familiarity: Option<String>,
    pub marks: String,
}

/// Encodes a ballot's lines as `subject:m,m;subject:m,m` (`m` a level index, or `p` and
/// points for point marks).
pub fn encode_marks(lines: &[BallotLine]) -> String {
    lines
        .iter()
        .map(|l| {
            let marks: Vec<String> = l
                .marks
                .iter()
                .map(|m| match m {
                    Mark::Level(i) => i.to_string(),
                    Mark::Points(p) => format!("p{p}"),
                })
                .collect();
            format!("{}:{}", l.subject, marks.join(","))
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The inverse of [`encode_marks`]; `None` on anything it did not write.
pub fn decode_marks(s: &str) -> Option<Vec<BallotLine>> {
    if s.is_empty() {
        return Some(Vec::new());
    }
    s.split(';')
        .map(|line| {
            let (subject, marks) = line.split_once(':')?;
            let marks = marks
                .split(',')
                .filter(|m| !m.is_empty())
                .map(|m| match m.strip_prefix('p') {
                    Some(p) => Decimal::from_str(p).ok().map(Mark::Points),
                    None => m.parse().ok().map(Mark::Level),
                })
                .collect::<Option<Vec<Mark>>>()?;
            Some(BallotLine { subject: subject.parse().ok()?, marks })
        })
        .collect()
}

/// How many cast flags and ballots of the group each vote rewrites on PostgreSQL: the
/// crowd a vote hides in (its anonymity set), at a cost that does not grow with the group.
const MIX: i64 = 64;

/// PostgreSQL only: rewrites, inside the vote's transaction, up to [`MIX`] randomly chosen
/// *cast* flags and ballots of the voter's group besides the voter's own, so that they all
/// carry this transaction's id (`xmin`). Without it the voter's `voted` (or `used`) row and
/// the new ballot would be the only two rows sharing an `xmin`, and a plain `SELECT xmin`
/// by anyone who can read both tables would pair a rater with their marks; with it, a
/// ballot stands among up to 64 ballots written by the same transaction and a flag among up
/// to 64 flags (all of a group up to that size). Only flags already set are chosen, since an
/// unset flag is plainly not the voter. The first version rewrote the whole group on every
/// vote; on PostgreSQL that left a dead row per ballot per vote, and 2,000 votes took 445 s,
/// the last ones 614 ms each (`examples/kaohe_cast_bench.rs`, BENCHMARKS.md). SQLite has no
/// such column, and its ballot table is `WITHOUT ROWID`.
macro_rules! restamp_group {
    ($conn:ident, $scheme:expr, $group:expr, $voter:expr) => {{
        let flags = match $voter {
            Voter::Account(_) => {
                "UPDATE kaohe_raters SET voted = voted WHERE scheme_id = $1 AND user_id IN \
                 (SELECT user_id FROM kaohe_raters WHERE scheme_id = $1 AND group_code = $2 AND voted \
                 ORDER BY random() LIMIT $3)"
            }
            Voter::Token(_) => {
                "UPDATE kaohe_tokens SET used = used WHERE token_hash IN \
                 (SELECT token_hash FROM kaohe_tokens WHERE scheme_id = $1 AND group_code = $2 AND used \
                 ORDER BY random() LIMIT $3)"
            }
        };
        sqlx::query(flags).bind($scheme).bind($group).bind(MIX).execute(&mut *$conn).await?;
        sqlx::query(
            "UPDATE kaohe_ballots SET marks = marks WHERE id IN \
             (SELECT id FROM kaohe_ballots WHERE scheme_id = $1 AND group_code = $2 ORDER BY random() LIMIT $3)",
        )
        .bind($scheme)
        .bind($group)
        .bind(MIX)
        .execute(&mut *$conn)
        .await?;
    }};
}

/// Casts a ballot: marks the assignment or token as used and inserts the ballot in one
/// transaction, only while the scheme is open. A second vote (or a used token) is a
/// `Conflict`; an unknown voter or a scheme not open is `NotFound`.
pub async fn cast(db: &Db, scheme_id: i64, voter: Voter<'_>, ballot: &StoredBallot) -> Result<()> {
    let id = random_key()?;
    let (sql, key): (&str, String) = match voter {
        Voter::Account(u) => (
            "UPDATE kaohe_raters SET voted = TRUE WHERE scheme_id = $1 AND user_id = $2 AND group_code = $3 \
             AND voted = FALSE AND EXISTS (SELECT 1 FROM kaohe_schemes s WHERE s.id = $1 AND s.state = 'open')",
            u.to_string(),
        ),
        Voter::Token(t) => (
            "UPDATE kaohe_tokens SET used = TRUE WHERE scheme_id = $1 AND token_hash = $2 AND group_code = $3 \
             AND used = FALSE AND EXISTS (SELECT 1 FROM kaohe_schemes s WHERE s.id = $1 AND s.state = 'open')",
            token_hash(t),
        ),
    };
    let restamp = db.backend() == crate::Backend::Postgres;
    write_tx!(db, |conn| {
        let marked = match voter {
            Voter::Account(u) => sqlx::query(sql).bind(scheme_id).bind(u),
            Voter::Token(_) => sqlx::query(sql).bind(scheme_id).bind(&key),
        }
        .bind(&ballot.group_code)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if marked == 0 {
            return Err(StoreError::Conflict("已经投过票，或测评未在进行中".into()));
        }
        sqlx::query(
            "INSERT INTO kaohe_ballots (id, scheme_id, group_code, familiarity, marks) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(scheme_id)
        .bind(&ballot.group_code)
        .bind(&ballot.familiarity)
        .bind(&ballot.marks)
        .execute(&mut *conn)
        .await?;
        if restamp {
            restamp_group!(conn, scheme_id, &ballot.group_code, voter);
        }
        Ok::<_, StoreError>(())
    })
}

/// Every ballot of a scheme, in the order of their random keys (not of arrival).
pub async fn ballots(db: &Db, scheme_id: i64) -> Result<Vec<StoredBallot>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, (String, Option<String>, String)>(
        "SELECT group_code, familiarity, marks FROM kaohe_ballots WHERE scheme_id = $1 ORDER BY id"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(group_code, familiarity, marks)| StoredBallot { group_code, familiarity, marks })
        .collect())
}

/// An offline inspection score (线下).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OfflineRow {
    pub id: i64,
    pub group_code: String,
    pub subject_id: i64,
    /// Points per indicator, comma-separated.
    pub points: String,
    pub evidence: String,
    pub entered_by: Option<i64>,
    pub entered_at: i64,
}

/// One offline (线下) entry for a subject: a group's per-indicator points and its evidence.
#[derive(Debug, Clone, Copy)]
pub struct NewOffline<'a> {
    pub group_code: &'a str,
    pub subject_id: i64,
    pub points: &'a [Decimal],
    pub evidence: &'a str,
}

/// Records an offline entry while the scheme is open; a closed scheme refuses it.
pub async fn add_offline(db: &Db, scheme_id: i64, entry: NewOffline<'_>, by: i64, now: i64) -> Result<i64> {
    let points = entry.points.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(",");
    on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO kaohe_offline (scheme_id, group_code, subject_id, points, evidence, entered_by, entered_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM kaohe_schemes WHERE id = $1 AND state = 'open') \
         RETURNING id"
    )
    .bind(scheme_id)
    .bind(entry.group_code)
    .bind(entry.subject_id)
    .bind(&points)
    .bind(entry.evidence)
    .bind(by)
    .bind(now)
    .fetch_optional(p)
    .await)?
    .ok_or_else(|| StoreError::Conflict("测评未在进行中".into()))
}

pub async fn offline(db: &Db, scheme_id: i64) -> Result<Vec<OfflineRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, OfflineRow>(
        "SELECT id, group_code, subject_id, points, evidence, entered_by, entered_at FROM kaohe_offline \
         WHERE scheme_id = $1 ORDER BY id"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?)
}

/// Sets the 日常 scores of a scheme that is not yet published (replacing those given).
pub async fn set_daily(db: &Db, scheme_id: i64, scores: &[(SubjectId, Decimal)]) -> Result<()> {
    write_tx!(db, |conn| {
        let state: Option<String> = sqlx::query_scalar("SELECT state FROM kaohe_schemes WHERE id = $1")
            .bind(scheme_id)
            .fetch_optional(&mut *conn)
            .await?;
        if state.as_deref().is_none_or(|s| s == "published") {
            return Err(StoreError::Conflict("考核结果已公布，不能再修改日常得分".into()));
        }
        for (s, v) in scores {
            sqlx::query("DELETE FROM kaohe_daily WHERE scheme_id = $1 AND subject_id = $2")
                .bind(scheme_id)
                .bind(*s)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO kaohe_daily (scheme_id, subject_id, score) VALUES ($1, $2, $3)")
                .bind(scheme_id)
                .bind(*s)
                .bind(v.to_string())
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(())
    })
}

pub async fn daily(db: &Db, scheme_id: i64) -> Result<BTreeMap<SubjectId, Decimal>> {
    let rows = on_pool!(db, |p| sqlx::query_as::<_, (i64, String)>(
        "SELECT subject_id, score FROM kaohe_daily WHERE scheme_id = $1"
    )
    .bind(scheme_id)
    .fetch_all(p)
    .await)?;
    Ok(rows.into_iter().filter_map(|(s, v)| Decimal::from_str(&v).ok().map(|v| (s, v))).collect())
}

/// Everything the computation needs, as domain values: the ballots (online and offline)
/// and the 日常 scores. A stored ballot that no longer decodes is an error, not skipped.
pub async fn inputs(db: &Db, row: &SchemeRow) -> Result<(Vec<Ballot>, BTreeMap<SubjectId, Decimal>)> {
    let scheme = &row.scheme;
    let group = |code: &str| {
        scheme
            .groups
            .iter()
            .position(|g| g.code == code)
            .ok_or_else(|| StoreError::Config(format!("kaohe ballot of unknown group {code}")))
    };
    let familiarity = |code: Option<&str>| -> Option<u8> {
        let levels = scheme.familiarity.as_ref()?;
        code.and_then(|c| levels.iter().position(|f| f.code == c)).map(|i| i as u8)
    };
    let mut out = Vec::new();
    for b in ballots(db, row.id).await? {
        let lines = decode_marks(&b.marks).ok_or_else(|| StoreError::Config("kaohe ballot marks".into()))?;
        out.push(Ballot { group: group(&b.group_code)?, familiarity: familiarity(b.familiarity.as_deref()), lines });
    }
    // Offline scores come from an inspection team that knows the subject: the first
    // (best-known) familiarity level, when the scheme asks for one.
    let inspected = scheme.familiarity.as_ref().map(|_| 0u8);
    for o in offline(db, row.id).await? {
        let marks = o.points.split(',').filter_map(|p| Decimal::from_str(p).ok()).map(Mark::Points).collect();
        out.push(Ballot {
            group: group(&o.group_code)?,
            familiarity: inspected,
            lines: vec![BallotLine { subject: o.subject_id, marks }],
        });
    }
    Ok((out, daily(db, row.id).await?))
}

/// The results as shown and exported, kept at publish so the published page never moves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub indicators: Vec<String>,
    pub subjects: Vec<SubjectLine>,
    /// (group name, ballots, valid, invalid)
    pub turnout: Vec<(String, u32, u32, u32)>,
    /// (reason code, count)
    pub invalid_by_reason: Vec<(String, u32)>,
    /// (band name, count)
    pub band_counts: Vec<(String, u32)>,
    pub computed_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectLine {
    pub subject: SubjectId,
    pub name: String,
    pub score: Option<String>,
    pub year_end: Option<String>,
    pub daily: Option<String>,
    pub band: Option<String>,
    pub band_by_score: Option<String>,
    pub rank: Option<u32>,
    pub groups_renormalised: bool,
    pub period_missing: bool,
    pub indicators: Vec<String>,
    pub groups: Vec<GroupLine>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLine {
    pub name: String,
    pub source: String,
    pub valid: u32,
    pub invalid: u32,
    pub trimmed: u32,
    pub mean: Option<String>,
    pub weight: String,
    pub effective_weight: String,
    pub contribution: String,
}

/// Turns a computation into what pages show: scores with two decimals, weights as
/// percentages with up to two decimals, names instead of ids.
pub fn snapshot_of(scheme: &Scheme, r: &SchemeResult, names: &BTreeMap<SubjectId, String>, now: i64) -> Snapshot {
    let pct = |w: Decimal| {
        let p = (w * Decimal::from(100)).round_dp(2).normalize();
        format!("{p}%")
    };
    let band = |i: Option<usize>| i.and_then(|i| scheme.bands.get(i)).map(|b| b.name.clone());
    Snapshot {
        indicators: scheme.indicators.iter().map(|i| i.name.clone()).collect(),
        subjects: r
            .subjects
            .iter()
            .map(|s| SubjectLine {
                subject: s.subject,
                name: names.get(&s.subject).cloned().unwrap_or_else(|| format!("#{}", s.subject)),
                score: s.score.map(|v| v.to_string()),
                year_end: s.year_end.map(|v| v.to_string()),
                daily: s.daily.map(|v| dangjian_domain::eval::round_score(v).to_string()),
                band: band(s.band),
                band_by_score: band(s.band_by_score),
                rank: s.rank,
                groups_renormalised: s.groups_renormalised,
                period_missing: s.period_missing,
                indicators: s.indicators.iter().map(|v| v.to_string()).collect(),
                groups: s
                    .groups
                    .iter()
                    .map(|g| GroupLine {
                        name: g.name.clone(),
                        source: g.source.name().to_owned(),
                        valid: g.valid,
                        invalid: g.invalid,
                        trimmed: g.trimmed,
                        mean: g.mean.map(|v| v.to_string()),
                        weight: pct(g.weight),
                        effective_weight: pct(g.effective_weight),
                        contribution: g.contribution.to_string(),
                    })
                    .collect(),
            })
            .collect(),
        turnout: r.turnout.iter().map(|t| (t.name.clone(), t.ballots, t.valid, t.invalid)).collect(),
        invalid_by_reason: r.invalid_by_reason.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
        band_counts: scheme.bands.iter().zip(&r.band_counts).map(|(b, n)| (b.name.clone(), *n)).collect(),
        computed_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_round_trip() {
        let lines = vec![
            BallotLine { subject: 12, marks: vec![Mark::Level(0), Mark::Level(3)] },
            BallotLine { subject: 7, marks: vec![Mark::Points(Decimal::new(875, 1)), Mark::Level(1)] },
        ];
        let s = encode_marks(&lines);
        assert_eq!(s, "12:0,3;7:p87.5,1");
        assert_eq!(decode_marks(&s), Some(lines));
        assert_eq!(decode_marks("x:1"), None);
    }

    #[test]
    fn keys_are_random_hex() {
        let a = random_key().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(a, random_key().unwrap());
        assert_eq!(token_hash("abc").len(), 64);
    }
}
