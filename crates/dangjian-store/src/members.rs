//! Party members. The ID number and phone arrive here already encrypted (the web layer
//! holds the key); the store never sees them in clear text.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Member {
    pub id: i64,
    pub org_id: i64,
    pub group_id: Option<i64>,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: Option<String>,
    #[serde(skip)]
    pub id_number_enc: String,
    #[serde(skip)]
    pub phone_enc: String,
    pub education: String,
    pub work_unit: String,
    pub post: String,
    pub category: String,
    pub status: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewMember {
    pub org_id: i64,
    pub group_id: Option<i64>,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: Option<String>,
    pub id_number_enc: String,
    /// Keyed hash of the normalised ID number: finds duplicates without decrypting.
    pub id_number_hash: Option<String>,
    pub phone_enc: String,
    pub education: String,
    pub work_unit: String,
    pub post: String,
    pub category: String,
    pub status: String,
    /// Development steps already taken: (step code, ISO date).
    pub steps: Vec<(String, String)>,
}

const SELECT: &str = "SELECT id, org_id, group_id, name, gender, ethnicity, birth_date, id_number_enc, phone_enc, \
     education, work_unit, post, category, status FROM members";

/// Rows per multi-row insert (17 columns × 1000 stays under both backends' limits).
const BATCH: usize = 1000;

/// Inserts members with their steps in one transaction: all or nothing. A duplicate ID
/// number is a `Conflict`.
pub async fn insert_many(db: &Db, rows: &[NewMember], now: i64) -> Result<Vec<i64>> {
    write_tx!(db, |conn| {
        let mut ids = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(BATCH) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO members (org_id, group_id, name, gender, ethnicity, birth_date, id_number_enc, \
                 id_number_hash, phone_enc, education, work_unit, post, category, status, created_at, updated_at) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(m.org_id)
                    .push_bind(m.group_id)
                    .push_bind(m.name.clone())
                    .push_bind(m.gender.clone())
                    .push_bind(m.ethnicity.clone())
                    .push_bind(m.birth_date.clone())
                    .push_bind(m.id_number_enc.clone())
                    .push_bind(m.id_number_hash.clone())
                    .push_bind(m.phone_enc.clone())
                    .push_bind(m.education.clone())
                    .push_bind(m.work_unit.clone())
                    .push_bind(m.post.clone())
                    .push_bind(m.category.clone())
                    .push_bind(m.status.clone())
                    .push_bind(now)
                    .push_bind(now);
            });
            qb.push(" RETURNING id");
            let got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
            for (m, id) in chunk.iter().zip(&got) {
                for (step, date) in &m.steps {
                    sqlx::query(
                        "INSERT INTO member_steps (member_id, step, on_date, recorded_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(*id)
                    .bind(step)
                    .bind(date)
                    .bind(now)
                    .execute(&mut *conn)
                    .await?;
                }
            }
            ids.extend(got);
        }
        Ok::<_, StoreError>(ids)
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Member> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Member>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Members of some organisations, by name.
pub async fn in_orgs(db: &Db, org_ids: &[i64]) -> Result<Vec<Member>> {
    let mut out = Vec::new();
    for o in org_ids {
        let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE org_id = $1 ORDER BY name, id"));
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, Member>(sql).bind(*o).fetch_all(p).await)?);
    }
    Ok(out)
}

/// Number of members per organisation and status: (org id, status, count).
pub async fn counts(db: &Db) -> Result<Vec<(i64, String, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT org_id, status, COUNT(*) FROM members GROUP BY org_id, status"
    )
    .fetch_all(p)
    .await)?)
}

/// Development steps of a member: (step, ISO date), in date order.
pub async fn steps(db: &Db, member_id: i64) -> Result<Vec<(String, String)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, String)>(
        "SELECT step, on_date FROM member_steps WHERE member_id = $1 ORDER BY on_date, id"
    )
    .bind(member_id)
    .fetch_all(p)
    .await)?)
}

/// Records one development step and the member's new status together.
#[allow(clippy::too_many_arguments)]
pub async fn add_step(
    db: &Db,
    member_id: i64,
    step: &str,
    on_date: &str,
    note: &str,
    override_reason: &str,
    recorded_by: i64,
    new_status: &str,
    now: i64,
) -> Result<()> {
    write_tx!(db, |conn| {
        sqlx::query(
            "INSERT INTO member_steps (member_id, step, on_date, note, override_reason, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(member_id)
        .bind(step)
        .bind(on_date)
        .bind(note)
        .bind(override_reason)
        .bind(recorded_by)
        .bind(now)
        .execute(&mut *conn)
        .await?;
        let n = sqlx::query("UPDATE members SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(new_status)
            .bind(now)
            .bind(member_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok::<_, StoreError>(())
    })
}

/// Steps with their notes (extensions keep their months there): (step, date, note).
pub async fn steps_with_notes(db: &Db, member_id: i64) -> Result<Vec<(String, String, String)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, String, String)>(
        "SELECT step, on_date, note FROM member_steps WHERE member_id = $1 ORDER BY on_date, id"
    )
    .bind(member_id)
    .fetch_all(p)
    .await)?)
}

/// What the record form may change. The branch changes only by transfer and the status
/// only by a development step, so neither is here.
#[derive(Debug, Clone, Default)]
pub struct MemberUpdate {
    pub group_id: Option<i64>,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: Option<String>,
    pub id_number_enc: String,
    pub id_number_hash: Option<String>,
    pub phone_enc: String,
    pub education: String,
    pub work_unit: String,
    pub post: String,
    pub category: String,
}

/// Updates a member's record; an ID number that another member has is a `Conflict`.
pub async fn update(db: &Db, id: i64, u: &MemberUpdate, now: i64) -> Result<()> {
    let done = on_pool!(db, |p| sqlx::query(
        "UPDATE members SET group_id = $1, name = $2, gender = $3, ethnicity = $4, birth_date = $5, \
         id_number_enc = $6, id_number_hash = $7, phone_enc = $8, education = $9, work_unit = $10, post = $11, \
         category = $12, updated_at = $13 WHERE id = $14"
    )
    .bind(u.group_id)
    .bind(&u.name)
    .bind(&u.gender)
    .bind(&u.ethnicity)
    .bind(&u.birth_date)
    .bind(&u.id_number_enc)
    .bind(&u.id_number_hash)
    .bind(&u.phone_enc)
    .bind(&u.education)
    .bind(&u.work_unit)
    .bind(&u.post)
    .bind(&u.category)
    .bind(now)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()));
    match done.map_err(StoreError::from)? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

/// Members placed in a 党小组 (their `org_id` stays the branch), by name.
pub async fn in_group(db: &Db, group_id: i64) -> Result<Vec<Member>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE group_id = $1 ORDER BY name, id"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Member>(sql).bind(group_id).fetch_all(p).await)?)
}

/// Number of members per 党小组: (group id, count).
pub async fn group_counts(db: &Db) -> Result<Vec<(i64, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT group_id, COUNT(*) FROM members WHERE group_id IS NOT NULL GROUP BY group_id"
    )
    .fetch_all(p)
    .await)?)
}
