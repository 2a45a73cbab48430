//! Organisation-life records (三会一课 and the rest) with attendance.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Meeting {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    /// ISO date.
    pub held_on: String,
    pub place: String,
    pub host: String,
    pub topic: String,
    pub minutes: String,
    pub quorum_met: Option<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    pub org_id: i64,
    pub kind: String,
    pub held_on: String,
    pub place: String,
    pub host: String,
    pub topic: String,
    pub minutes: String,
    pub quorum_met: Option<bool>,
    pub created_by: Option<i64>,
    /// (member id, present, reason if absent)
    pub attendance: Vec<(i64, bool, String)>,
}

/// Records a meeting with its attendance in one transaction.
pub async fn insert(db: &Db, m: &NewMeeting, now: i64) -> Result<i64> {
    write_tx!(db, |conn| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO meetings (org_id, kind, held_on, place, host, topic, minutes, quorum_met, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(m.org_id)
        .bind(&m.kind)
        .bind(&m.held_on)
        .bind(&m.place)
        .bind(&m.host)
        .bind(&m.topic)
        .bind(&m.minutes)
        .bind(m.quorum_met)
        .bind(m.created_by)
        .bind(now)
        .fetch_one(&mut *conn)
        .await?;
        for (member, present, reason) in &m.attendance {
            sqlx::query(
                "INSERT INTO meeting_attendance (meeting_id, member_id, present, reason) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(*member)
            .bind(*present)
            .bind(reason)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(id)
    })
}

/// Meetings of some organisations held in `[from, to]` (ISO dates), newest first.
pub async fn in_orgs(db: &Db, org_ids: &[i64], from: &str, to: &str) -> Result<Vec<Meeting>> {
    let mut out = Vec::new();
    for o in org_ids {
        out.extend(on_pool!(db, |p| sqlx::query_as::<_, Meeting>(
            "SELECT id, org_id, kind, held_on, place, host, topic, minutes, quorum_met FROM meetings \
             WHERE org_id = $1 AND held_on >= $2 AND held_on <= $3 ORDER BY held_on DESC, id DESC"
        )
        .bind(*o)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await)?);
    }
    Ok(out)
}

/// Attendance of a meeting: (member id, name, present, reason).
pub async fn attendance(db: &Db, meeting_id: i64) -> Result<Vec<(i64, String, bool, String)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (i64, String, bool, String)>(
        "SELECT a.member_id, m.name, a.present, a.reason FROM meeting_attendance a JOIN members m ON m.id = a.member_id \
         WHERE a.meeting_id = $1 ORDER BY m.name"
    )
    .bind(meeting_id)
    .fetch_all(p)
    .await
    })?)
}
