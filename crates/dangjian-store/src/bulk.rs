//! Bulk inserts of organisation-life records and 党费 rows, for generated or imported
//! data: many rows per statement, all of one call in one write transaction (all or
//! nothing). The row-by-row functions in [`crate::meetings`] and [`crate::dues`] serve the
//! forms; these serve the demo, which writes a year of records for a whole 机关工委.
//!
//! Each multi-row `INSERT` stays under [`MAX_BINDS`] parameters: PostgreSQL allows 65535
//! per statement and SQLite (3.32 and later) 32766.

use crate::{Db, Result, StoreError, write_tx};

/// Most bind parameters one statement may carry here, below both backends' limits.
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

/// Inserts meetings and their attendance in one transaction; returns the new meetings'
/// ids in the order of `rows`.
///
/// The ids come back through `RETURNING id`, whose row order neither backend promises.
/// Both hand out ids in ascending order as the `VALUES` rows are processed (SQLite's
/// rowid is the largest plus one, and the write lock keeps others out; a PostgreSQL
/// identity draws from its sequence row by row), so the returned ids are sorted before
/// they are matched to the rows.
pub async fn insert_meetings(db: &Db, rows: &[MeetingRow]) -> Result<Vec<i64>> {
    const COLUMNS: usize = 10;
    write_tx!(db, |conn| {
        let mut ids: Vec<i64> = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(rows_per_statement(COLUMNS)) {
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
            let mut got: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
            if got.len() != chunk.len() {
                let msg = format!("{} meetings inserted, {} ids returned", chunk.len(), got.len());
                return Err(StoreError::Database(sqlx::Error::Protocol(msg)));
            }
            got.sort_unstable();
            ids.extend(got);
        }
        let attendance: Vec<(i64, &(i64, bool, String))> =
            rows.iter().zip(&ids).flat_map(|(m, id)| m.attendance.iter().map(move |a| (*id, a))).collect();
        for chunk in attendance.chunks(rows_per_statement(4)) {
            let mut qb =
                sqlx::QueryBuilder::new("INSERT INTO meeting_attendance (meeting_id, member_id, present, reason) ");
            qb.push_values(chunk, |mut b, (meeting, (member, present, reason))| {
                b.push_bind(*meeting).push_bind(*member).push_bind(*present).push_bind(reason.clone());
            });
            qb.build().execute(&mut *conn).await?;
        }
        Ok::<_, StoreError>(ids)
    })
}

/// Inserts 党费 bases in one transaction; returns how many were written.
pub async fn insert_dues_bases(db: &Db, rows: &[BaseRow]) -> Result<u64> {
    const COLUMNS: usize = 6;
    write_tx!(db, |conn| {
        let mut n = 0;
        for chunk in rows.chunks(rows_per_statement(COLUMNS)) {
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
    })
}

/// Inserts 党费 payments in one transaction; returns how many were written. A second
/// payment for the same member and month (in the rows or already stored) is a
/// `Conflict` and nothing is written.
pub async fn insert_dues_payments(db: &Db, rows: &[PaymentRow]) -> Result<u64> {
    const COLUMNS: usize = 7;
    write_tx!(db, |conn| {
        let mut n = 0;
        for chunk in rows.chunks(rows_per_statement(COLUMNS)) {
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
            // 3,500 meetings × 10 columns and 3,500 × 40 attendance rows × 4 columns:
            // several statements each.
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
            // 3,000 members × 4 months = 12,000 rows × 7 columns: three statements.
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
