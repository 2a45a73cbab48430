//! 志愿服务 storage: activities recorded by a branch and the hours of each participant.
//!
//! Hours are decimal text. A correction bumps the participant's `revision`, which names
//! the event key of the points granted for the new hours (`volunteer:{a}:{m}` for the
//! first, `volunteer:{a}:{m}:{n}` after), so the append-only ledger can hold the original,
//! its reversal and the new grant side by side.

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct Activity {
    pub id: i64,
    pub org_id: i64,
    pub held_on: String,
    pub title: String,
    pub place: String,
    pub description: String,
    pub created_at: i64,
}

const ACTIVITY: &str = "SELECT id, org_id, held_on, title, place, description, created_at FROM volunteer_activities";

/// A new activity.
#[derive(Debug, Clone)]
pub struct NewActivity<'a> {
    pub org_id: i64,
    pub held_on: &'a str,
    pub title: &'a str,
    pub place: &'a str,
    pub description: &'a str,
}

/// Stores the activity and its participants' hours in one transaction.
pub async fn create(db: &Db, a: &NewActivity<'_>, hours: &[(i64, String)], by: Option<i64>, now: i64) -> Result<i64> {
    write_tx!(db, |conn| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO volunteer_activities (org_id, held_on, title, place, description, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(a.org_id)
        .bind(a.held_on)
        .bind(a.title)
        .bind(a.place)
        .bind(a.description)
        .bind(by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for (member, h) in hours {
            sqlx::query("INSERT INTO volunteer_hours (activity_id, member_id, hours) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*member)
                .bind(h)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(id)
    })
}

pub async fn get(db: &Db, id: i64) -> Result<Activity> {
    let sql = sqlx::AssertSqlSafe(format!("{ACTIVITY} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Activity>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Activities of some organisations, newest first.
pub async fn in_orgs(db: &Db, org_ids: &[i64]) -> Result<Vec<Activity>> {
    let sql = sqlx::AssertSqlSafe(format!("{ACTIVITY} ORDER BY held_on DESC, id DESC"));
    let rows = on_pool!(db, |p| sqlx::query_as::<_, Activity>(sql).fetch_all(p).await)?;
    Ok(rows.into_iter().filter(|r| org_ids.contains(&r.org_id)).collect())
}

/// A participant's line: (member, hours, revision).
pub type Hours = (i64, String, i64);

pub async fn participants(db: &Db, activity_id: i64) -> Result<Vec<Hours>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Hours>(
        "SELECT member_id, hours, revision FROM volunteer_hours WHERE activity_id = $1 ORDER BY member_id"
    )
    .bind(activity_id)
    .fetch_all(p)
    .await)?)
}

/// A member's activities with their hours and revision, newest first.
pub async fn of_member(db: &Db, member_id: i64) -> Result<Vec<(Activity, String, i64)>> {
    let ids: Vec<(i64, String, i64)> = on_pool!(db, |p| sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT activity_id, hours, revision FROM volunteer_hours WHERE member_id = $1"
    )
    .bind(member_id)
    .fetch_all(p)
    .await)?;
    let mut out = Vec::new();
    for (a, h, r) in ids {
        out.push((get(db, a).await?, h, r));
    }
    out.sort_by(|x, y| (&y.0.held_on, y.0.id).cmp(&(&x.0.held_on, x.0.id)));
    Ok(out)
}

/// Sets a participant's hours if they were `old_revision` (so two corrections at once
/// cannot both apply); returns the new revision. Anything else is a `Conflict`.
pub async fn set_hours(db: &Db, activity_id: i64, member_id: i64, hours: &str, old_revision: i64) -> Result<i64> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE volunteer_hours SET hours = $1, revision = revision + 1 \
         WHERE activity_id = $2 AND member_id = $3 AND revision = $4"
    )
    .bind(hours)
    .bind(activity_id)
    .bind(member_id)
    .bind(old_revision)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 {
        Err(StoreError::Conflict("时长已被修改，请刷新后再试".into()))
    } else {
        Ok(old_revision + 1)
    }
}

/// The event key of the points for a participant's hours at `revision`.
pub fn event_key(activity_id: i64, member_id: i64, revision: i64) -> String {
    if revision <= 1 {
        format!("volunteer:{activity_id}:{member_id}")
    } else {
        format!("volunteer:{activity_id}:{member_id}:{revision}")
    }
}
