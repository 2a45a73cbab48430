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

/// One meeting, for its own page.
pub async fn get(db: &Db, id: i64) -> Result<Option<Meeting>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Meeting>(
        "SELECT id, org_id, kind, held_on, place, host, topic, minutes, quorum_met FROM meetings WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// An attachment without its bytes: (id, name, MIME type, size in bytes, uploaded at).
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct FileInfo {
    pub id: i64,
    pub meeting_id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// Attaches a file to a meeting record.
pub async fn add_file(db: &Db, meeting_id: i64, name: &str, mime: &str, data: &[u8], by: i64, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO meeting_files (meeting_id, name, mime, size, data, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(meeting_id)
    .bind(name)
    .bind(mime)
    .bind(data.len() as i64)
    .bind(data)
    .bind(by)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

/// The attachments of a meeting, oldest first, without their bytes.
pub async fn files(db: &Db, meeting_id: i64) -> Result<Vec<FileInfo>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FileInfo>(
        "SELECT id, meeting_id, name, mime, size, uploaded_at FROM meeting_files WHERE meeting_id = $1 ORDER BY id"
    )
    .bind(meeting_id)
    .fetch_all(p)
    .await)?)
}

/// A `meeting_files` row with its bytes, as selected.
type FileRow = (i64, i64, String, String, i64, i64, Vec<u8>);

/// One attachment with its bytes.
pub async fn file(db: &Db, id: i64) -> Result<Option<(FileInfo, Vec<u8>)>> {
    let row: Option<FileRow> = on_pool!(db, |p| sqlx::query_as(
        "SELECT id, meeting_id, name, mime, size, uploaded_at, data FROM meeting_files WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?;
    Ok(row.map(|(id, meeting_id, name, mime, size, uploaded_at, data)| {
        (FileInfo { id, meeting_id, name, mime, size, uploaded_at }, data)
    }))
}
