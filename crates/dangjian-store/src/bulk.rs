//! Bulk inserts of organisation-life records and 党费 rows, for generated or imported
//! data: many rows per statement, all of one call in one write transaction (all or
//! nothing). The row-by-row functions in [`crate::meetings`] and [`crate::dues`] serve the
//! forms; these serve the demo, which writes a year of records for a whole 机关工委.
//!
//! On SQLite each multi-row `INSERT … VALUES` stays under [`MAX_BINDS`] parameters
//! (SQLite 3.32 and later allows 32766 per statement; PostgreSQL 65535). PostgreSQL gets
//! its own text, one array parameter per column through `UNNEST`, which it plans and
//! runs much faster than a statement with tens of thousands of parameters.

use crate::{Db, PoolRef, Result, StoreError};

/// Most bind parameters one SQLite statement carries here, below both backends' limits.
pub const MAX_BINDS: usize = 30_000;

/// A meeting with its attendance. Unlike [`crate::meetings::NewMeeting`] it carries its
/// own creation time, so generated records can look as if entered after each meeting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingRow {
    pub org_id: i64,
    /// A `MeetingKind` code.
    pub kind: String,
    /// ISO date.
    pub held_on: String,
    pub place: String,
    pub host: String,
    pub topic: String,
    pub minutes: String,
    pub quorum_met: Option<bool>,
    pub created_by: Option<i64>,
    /// Unix microseconds.
    pub created_at: i64,
    /// (member id, present, reason if absent).
    pub attendance: Vec<(i64, bool, String)>,
}

/// A member's 党费 base from a month on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseRow {
    pub member_id: i64,
    /// A `Category` code.
    pub category: String,
    /// Decimal text, "6234.50".
    pub base: String,
    /// `YYYY-MM`.
    pub effective_month: String,
    pub set_by: Option<i64>,
    pub set_at: i64,
}

/// One month's 党费 paid by one member.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaymentRow {
    pub member_id: i64,
    /// `YYYY-MM`, the month the dues are for.
    pub month: String,
    /// Decimal text.
    pub amount: String,
    /// ISO date.
    pub paid_on: String,
    pub method: String,
    pub recorded_by: Option<i64>,
    pub recorded_at: i64,
}

/// Rows per statement for a table of `columns` columns.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns).max(1)
}

/// Rows per `UNNEST` statement on PostgreSQL (one array parameter per column, so no
/// bind limit; this only bounds the size of one message).
const PG_ROWS: usize = 10_000;

/// Runs `$sqlite` in a `BEGIN IMMEDIATE` transaction on SQLite or `$pg` in a plain one on
/// PostgreSQL, each with `$conn` bound to the transaction's connection; commits on `Ok`.
macro_rules! per_backend_tx {
    ($db:expr, |$conn:ident| sqlite: $sqlite:expr, postgres: $pg:expr) => {
        match $db.pool() {
            PoolRef::Sqlite(pool) => {
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = {
                    let $conn = &mut *tx;
                    $sqlite
                }?;
                tx.commit().await?;
                Ok(out)
            }
            PoolRef::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let out = {
                    let $conn = &mut *tx;
                    $pg
                }?;
                tx.commit().await?;
                Ok(out)
            }
        }
    };
}

/// Inserts meetings and their attendance in one transaction; returns the new meetings'
/// ids in the order of `rows`.
///
/// On SQLite the rows go in as multi-row `VALUES`, on PostgreSQL as one array per column
/// through `UNNEST` (planning a statement with tens of thousands of parameters is slow
/// there). The ids come back through `RETURNING id`, whose row order neither backend
/// promises; both hand out ids in ascending order as the rows are processed (SQLite's
/// rowid is the largest plus one, and the write lock keeps others out; a PostgreSQL
/// identity draws from its sequence row by row, and the rows are fed in order), so the
/// returned ids are sorted before they are matched to the rows.
pub async fn insert_meetings(db: &Db, rows: &[MeetingRow]) -> Result<Vec<i64>> {
    per_backend_tx!(db, |conn| sqlite: {
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(rows_per_statement(10)) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO meetings (org_id, kind, held_on, place, host, topic, minutes, quorum_met, created_by, \
                 created_at) ",
            );
            qb.push_values(chunk, |mut b, m| {
                b.push_bind(m.org_id)
                    .push_bind(m.kind.clone())
                    .push_bind(m.held_on.clone())
                    .push_bind(m.place.clone())
                    .push_bind(m.host.clone())
                    .push_bind(m.topic.clone())
                    .push_bind(m.minutes.clone())
                    .push_bind(m.quorum_met)
                    .push_bind(m.created_by)
                    .push_bind(m.created_at);
            });
            qb.push(" RETURNING id");
            let got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
            ids.extend(matched(chunk.len(), got)?);
        }
        let attendance = attendance_of(rows, &ids);
        for chunk in attendance.chunks(rows_per_statement(4)) {
            let mut qb =
                sqlx::QueryBuilder::new("INSERT INTO meeting_attendance (meeting_id, member_id, present, reason) ");
            qb.push_values(chunk, |mut b, (meeting, (member, present, reason))| {
                b.push_bind(*meeting).push_bind(*member).push_bind(*present).push_bind(reason.clone());
            });
            qb.build().execute(&mut *conn).await?;
        }
        Ok::<_, StoreError>(ids)
    }, postgres: {
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(PG_ROWS) {
            let col = |f: fn(&MeetingRow) -> String| chunk.iter().map(f).collect::<Vec<String>>();
            let got: Vec<i64> = sqlx::query_scalar(
                "INSERT INTO meetings (org_id, kind, held_on, place, host, topic, minutes, quorum_met, created_by, \
                 created_at) \
                 SELECT o, k, h, p, ho, t, mi, q, cb, ca FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], \
                 $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::BOOLEAN[], $9::BIGINT[], $10::BIGINT[]) \
                 WITH ORDINALITY AS r(o, k, h, p, ho, t, mi, q, cb, ca, n) ORDER BY n RETURNING id",
            )
            .bind(chunk.iter().map(|m| m.org_id).collect::<Vec<i64>>())
            .bind(col(|m| m.kind.clone()))
            .bind(col(|m| m.held_on.clone()))
            .bind(col(|m| m.place.clone()))
            .bind(col(|m| m.host.clone()))
            .bind(col(|m| m.topic.clone()))
            .bind(col(|m| m.minutes.clone()))
            .bind(chunk.iter().map(|m| m.quorum_met).collect::<Vec<Option<bool>>>())
            .bind(chunk.iter().map(|m| m.created_by).collect::<Vec<Option<i64>>>())
            .bind(chunk.iter().map(|m| m.created_at).collect::<Vec<i64>>())
            .fetch_all(&mut *conn)
            .await?;
            ids.extend(matched(chunk.len(), got)?);
        }
        let attendance = attendance_of(rows, &ids);
        for chunk in attendance.chunks(PG_ROWS) {
            sqlx::query(
                "INSERT INTO meeting_attendance (meeting_id, member_id, present, reason) \
                 SELECT * FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::BOOLEAN[], $4::TEXT[])",
            )
            .bind(chunk.iter().map(|a| a.0).collect::<Vec<i64>>())
            .bind(chunk.iter().map(|a| a.1.0).collect::<Vec<i64>>())
            .bind(chunk.iter().map(|a| a.1.1).collect::<Vec<bool>>())
            .bind(chunk.iter().map(|a| a.1.2.clone()).collect::<Vec<String>>())
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, StoreError>(ids)
    })
}

/// The ids returned for `expected` inserted rows, in ascending (insertion) order.
fn matched(expected: usize, mut got: Vec<i64>) -> Result<Vec<i64>> {
    if got.len() != expected {
        let msg = format!("{expected} meetings inserted, {} ids returned", got.len());
        return Err(StoreError::Database(sqlx::Error::Protocol(msg)));
    }
    got.sort_unstable();
    Ok(got)
}

/// Every sign-in row with its meeting's id.
fn attendance_of<'a>(rows: &'a [MeetingRow], ids: &[i64]) -> Vec<(i64, &'a (i64, bool, String))> {
    rows.iter().zip(ids).flat_map(|(m, id)| m.attendance.iter().map(move |a| (*id, a))).collect()
}

/// Inserts 党费 bases in one transaction; returns how many were written.
pub async fn insert_dues_bases(db: &Db, rows: &[BaseRow]) -> Result<u64> {
    per_backend_tx!(db, |conn| sqlite: {
        let mut n = 0;
        for chunk in rows.chunks(rows_per_statement(6)) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO dues_bases (member_id, category, base, effective_month, set_by, set_at) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.member_id)
                    .push_bind(r.category.clone())
                    .push_bind(r.base.clone())
                    .push_bind(r.effective_month.clone())
                    .push_bind(r.set_by)
                    .push_bind(r.set_at);
            });
            n += qb.build().execute(&mut *conn).await?.rows_affected();
        }
        Ok::<_, StoreError>(n)
    }, postgres: {
        let mut n = 0;
        for chunk in rows.chunks(PG_ROWS) {
            let col = |f: fn(&BaseRow) -> String| chunk.iter().map(f).collect::<Vec<String>>();
            n += sqlx::query(
                "INSERT INTO dues_bases (member_id, category, base, effective_month, set_by, set_at) \
                 SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::BIGINT[], $6::BIGINT[])",
            )
            .bind(chunk.iter().map(|r| r.member_id).collect::<Vec<i64>>())
            .bind(col(|r| r.category.clone()))
            .bind(col(|r| r.base.clone()))
            .bind(col(|r| r.effective_month.clone()))
            .bind(chunk.iter().map(|r| r.set_by).collect::<Vec<Option<i64>>>())
            .bind(chunk.iter().map(|r| r.set_at).collect::<Vec<i64>>())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        }
        Ok::<_, StoreError>(n)
    })
}

/// Inserts 党费 payments in one transaction; returns how many were written. A second
/// payment for the same member and month (in the rows or already stored) is a
/// `Conflict` and nothing is written.
pub async fn insert_dues_payments(db: &Db, rows: &[PaymentRow]) -> Result<u64> {
    per_backend_tx!(db, |conn| sqlite: {
        let mut n = 0;
        for chunk in rows.chunks(rows_per_statement(7)) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO dues_payments (member_id, month, amount, paid_on, method, recorded_by, recorded_at) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.member_id)
                    .push_bind(r.month.clone())
                    .push_bind(r.amount.clone())
                    .push_bind(r.paid_on.clone())
                    .push_bind(r.method.clone())
                    .push_bind(r.recorded_by)
                    .push_bind(r.recorded_at);
            });
            n += qb.build().execute(&mut *conn).await?.rows_affected();
        }
        Ok::<_, StoreError>(n)
    }, postgres: {
        let mut n = 0;
        for chunk in rows.chunks(PG_ROWS) {
            let col = |f: fn(&PaymentRow) -> String| chunk.iter().map(f).collect::<Vec<String>>();
            n += sqlx::query(
                "INSERT INTO dues_payments (member_id, month, amount, paid_on, method, recorded_by, recorded_at) \
                 SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::BIGINT[], \
                 $7::BIGINT[])",
            )
            .bind(chunk.iter().map(|r| r.member_id).collect::<Vec<i64>>())
            .bind(col(|r| r.month.clone()))
            .bind(col(|r| r.amount.clone()))
            .bind(col(|r| r.paid_on.clone()))
            .bind(col(|r| r.method.clone()))
            .bind(chunk.iter().map(|r| r.recorded_by).collect::<Vec<Option<i64>>>())
            .bind(chunk.iter().map(|r| r.recorded_at).collect::<Vec<i64>>())
            .execute(&mut *conn)
            .await?
            .rows_affected();
        }
        Ok::<_, StoreError>(n)
    })
}

/// Rows in the organisation-life and 党费 tables: (meetings, attendance, bases,
/// payments). For summaries and tests.
pub async fn counts(db: &Db) -> Result<(i64, i64, i64, i64)> {
    Ok(crate::on_pool!(db, |p| sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "SELECT (SELECT COUNT(*) FROM meetings), (SELECT COUNT(*) FROM meeting_attendance), \
         (SELECT COUNT(*) FROM dues_bases), (SELECT COUNT(*) FROM dues_payments)"
    )
    .fetch_one(p)
    .await)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::members::{self, NewMember};
    use crate::orgs::{self, NewOrg};
    use crate::testing::TestDb;
    use crate::{dues, meetings};

    const T: i64 = 1_700_000_000_000_000;

    async fn branch_with(db: &Db, n: usize) -> (i64, Vec<i64>) {
        let org = NewOrg { kind: "zhibu".into(), name: "第一党支部".into(), ..Default::default() };
        let org = orgs::insert(db, &org, T).await.unwrap();
        let people: Vec<NewMember> = (0..n)
            .map(|i| NewMember {
                org_id: org,
                name: format!("党员{i:05}"),
                id_number_hash: Some(format!("h{i}")),
                category: "in_service".into(),
                status: "full".into(),
                ..Default::default()
            })
            .collect();
        (org, members::insert_many(db, &people, T).await.unwrap())
    }

    fn meeting(org: i64, i: usize, members: &[i64]) -> MeetingRow {
        MeetingRow {
            org_id: org,
            kind: "themed_party_day".into(),
            held_on: format!("2024-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
            place: "党员活动室".into(),
            host: "张三".into(),
            topic: format!("主题{i}"),
            minutes: "会议纪要".into(),
            quorum_met: i.is_multiple_of(3).then_some(i.is_multiple_of(2)),
            created_by: None,
            created_at: T + i as i64,
            attendance: members
                .iter()
                .map(|&m| (m, m % 5 != 0, if m % 5 == 0 { "出差".into() } else { String::new() }))
                .collect(),
        }
    }

    /// More rows than fit in one statement on either backend, ids matched to rows.
    #[tokio::test]
    async fn meetings_in_bulk_keep_their_order_and_attendance() {
        for t in TestDb::all().await {
            let (db, l) = (&t.db, t.label);
            let (org, people) = branch_with(db, 40).await;
            // 3,500 meetings × 10 columns and about 70,000 attendance rows × 4 columns:
            // several statements each on SQLite, several for the attendance on PostgreSQL.
            let rows: Vec<MeetingRow> = (0..3500).map(|i| meeting(org, i, &people[..(i % 40) + 1])).collect();
            let ids = insert_meetings(db, &rows).await.unwrap();
            assert_eq!(ids.len(), rows.len(), "{l}");
            for (i, id) in ids.iter().enumerate().step_by(97) {
                let stored = meetings::in_orgs(db, &[org], &rows[i].held_on, &rows[i].held_on).await.unwrap();
                let m = stored.iter().find(|m| m.id == *id).unwrap_or_else(|| panic!("{l}: {i}"));
                assert_eq!((&m.topic, m.quorum_met), (&rows[i].topic, rows[i].quorum_met), "{l}: {i}");
                let att = meetings::attendance(db, *id).await.unwrap();
                assert_eq!(att.len(), rows[i].attendance.len(), "{l}: {i}");
                for (member, _, present, reason) in att {
                    let want = rows[i].attendance.iter().find(|a| a.0 == member).unwrap();
                    assert_eq!((present, &reason), (want.1, &want.2), "{l}: {i}");
                }
            }
            let (m, a, _, _) = counts(db).await.unwrap();
            assert_eq!(m, 3500, "{l}");
            assert_eq!(a as usize, rows.iter().map(|r| r.attendance.len()).sum::<usize>(), "{l}");
            assert!(insert_meetings(db, &[]).await.unwrap().is_empty(), "{l}");
        }
    }

    #[tokio::test]
    async fn dues_in_bulk_all_or_nothing() {
        for t in TestDb::all().await {
            let (db, l) = (&t.db, t.label);
            let (_, people) = branch_with(db, 3000).await;
            let bases: Vec<BaseRow> = people
                .iter()
                .map(|&m| BaseRow {
                    member_id: m,
                    category: "in_service".into(),
                    base: format!("{}.50", 3000 + m),
                    effective_month: "2024-01".into(),
                    set_by: None,
                    set_at: T,
                })
                .collect();
            assert_eq!(insert_dues_bases(db, &bases).await.unwrap(), 3000, "{l}");
            // 3,000 members × 4 months = 12,000 rows × 7 columns: three statements on
            // SQLite, two on PostgreSQL.
            let payments: Vec<PaymentRow> = people
                .iter()
                .flat_map(|&m| {
                    (1..=4).map(move |month| PaymentRow {
                        member_id: m,
                        month: format!("2024-{month:02}"),
                        amount: "45.01".into(),
                        paid_on: format!("2024-{month:02}-10"),
                        method: "线上缴纳".into(),
                        recorded_by: None,
                        recorded_at: T,
                    })
                })
                .collect();
            assert_eq!(insert_dues_payments(db, &payments).await.unwrap(), 12_000, "{l}");
            let got = dues::payments_for(db, &people[..2]).await.unwrap();
            assert_eq!(got.len(), 8, "{l}");
            assert_eq!(got[0], (people[0], "2024-01".into(), "45.01".into(), "2024-01-10".into(), "线上缴纳".into()));
            let base = dues::bases_for(db, &people[..1], "2024-06").await.unwrap();
            assert_eq!(base[0].2, format!("{}.50", 3000 + people[0]), "{l}");

            // A duplicate month in the last statement undoes the whole call.
            let mut again: Vec<PaymentRow> = people
                .iter()
                .map(|&m| PaymentRow { month: "2024-05".into(), ..payments[0].clone() }.with_member(m))
                .collect();
            again.push(payments[0].clone());
            let err = insert_dues_payments(db, &again).await.unwrap_err();
            assert!(matches!(err, StoreError::Conflict(_)), "{l}: {err:?}");
            assert_eq!(counts(db).await.unwrap().3, 12_000, "{l}: nothing written");
        }
    }

    impl PaymentRow {
        fn with_member(self, member_id: i64) -> PaymentRow {
            PaymentRow { member_id, ..self }
        }
    }
}
