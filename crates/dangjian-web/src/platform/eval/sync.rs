//! Automatic 党性积分 from what the platform records: attendance at a recorded meeting
//! (and absence without a reason), and each month's 党费 paid within the month (or late).
//! Every event has a key (`meeting:12:34`, `dues:34:2026-03`), and the ledger keeps a key
//! once, so the sync can run any number of times — after a meeting or payment is recorded,
//! or from the branch's button — and counts each event once.

use std::str::FromStr;

use dangjian_domain::{
    clock,
    eval::points::{LedgerEntry, PointEvent, grant, reverse},
    month::YearMonth,
};
use dangjian_store::{dues, meetings, members, points as pstore, quizzes};
use rust_decimal::Decimal;
use time::Date;

use super::{catalogue, iso, parse_date};
use crate::{AppError, AppState};

/// Stored lines as the domain's entries (lines that do not parse are left out).
pub fn entries(rows: &[pstore::LedgerRow]) -> Vec<LedgerEntry> {
    rows.iter()
        .filter_map(|r| {
            Some(LedgerEntry {
                id: r.id,
                member: r.member_id,
                on: parse_date(&r.on_date)?,
                action: r.action.clone(),
                points: Decimal::from_str(&r.points).ok()?,
                reverses: r.reverses,
                reason: r.reason.clone(),
            })
        })
        .collect()
}

/// Grants one event through the catalogue's caps and appends it. Returns whether a line
/// was written (false when the key was already counted). `Err(msg)` is the domain's refusal.
pub async fn record_event(
    st: &AppState,
    event: &PointEvent,
    reason_suffix: &str,
    key: Option<String>,
    by: Option<i64>,
) -> Result<Result<Option<i64>, String>, AppError> {
    let cat = catalogue(st).await?;
    let written = pstore::append_with(&st.db, event.member, event.on.year(), by, clock::now_micros(), |rows| {
        let ledger = entries(rows);
        let g = grant(&cat, &ledger, event).map_err(|e| e.to_string())?;
        let mut reason = g.entry.reason.clone();
        if !reason_suffix.is_empty() {
            reason = format!("{reason}：{reason_suffix}");
        }
        Ok::<_, String>(Some(pstore::NewLine {
            member_id: g.entry.member,
            on_date: iso(g.entry.on),
            action: g.entry.action,
            points: format!("{:.2}", g.entry.points),
            reverses: None,
            reason,
            event_key: key,
        }))
    })
    .await?;
    Ok(written)
}

/// Appends the reversing line of ledger entry `entry` (of `member`, dated in `year`) with
/// `reason`, the domain checking inside the write that it exists and was not reversed yet.
/// `Ok(Err(message))` is that refusal; a `Conflict` is a reversal written meanwhile.
pub async fn append_reversal(
    st: &AppState,
    member: i64,
    year: i32,
    entry: i64,
    reason: &str,
    by: Option<i64>,
) -> dangjian_store::Result<Result<Option<i64>, String>> {
    pstore::append_with(&st.db, member, year, by, clock::now_micros(), |rows| {
        let n = reverse(&entries(rows), entry, reason).map_err(|e| e.to_string())?;
        Ok::<_, String>(Some(pstore::NewLine {
            member_id: n.member,
            on_date: iso(n.on),
            action: n.action,
            points: format!("{:.2}", n.points),
            reverses: n.reverses,
            reason: n.reason,
            event_key: None,
        }))
    })
    .await
}

/// An automatic event: (date, member, action, key, note, quantity).
type AutoEvent = (Date, i64, &'static str, String, String, Decimal);

/// The events of one recorded meeting for the members in `ids`: attendance earns, an
/// absence without a reason costs, an absence with a reason is neither.
async fn meeting_events(st: &AppState, m: &meetings::Meeting, ids: &[i64]) -> Result<Vec<AutoEvent>, AppError> {
    let Some(on) = parse_date(&m.held_on) else { return Ok(Vec::new()) };
    let mut events = Vec::new();
    for (member, _, present, reason) in meetings::attendance(&st.db, m.id).await? {
        if !ids.contains(&member) {
            continue;
        }
        if present {
            let key = format!("meeting:{}:{member}", m.id);
            events.push((on, member, "org_life_attendance", key, m.topic.clone(), Decimal::ONE));
        } else if reason.trim().is_empty() {
            let key = format!("absent:{}:{member}", m.id);
            events.push((on, member, "org_life_absence", key, m.topic.clone(), Decimal::ONE));
        }
    }
    Ok(events)
}

/// The event of one month's 党费: on time when paid within the month it is for.
fn dues_event(member: i64, month: &str, paid_on: &str) -> Option<AutoEvent> {
    let (Ok(ym), Some(paid)) = (month.parse::<YearMonth>(), parse_date(paid_on)) else { return None };
    let action = if YearMonth::of(paid) <= ym { "dues_on_time" } else { "dues_late" };
    Some((paid, member, action, format!("dues:{member}:{month}"), format!("{month} 党费"), Decimal::ONE))
}

/// The scored 知识测试 attempts of the year: the same event as the one granted when the
/// member submitted (key `quiz:{quiz}:{member}`, quantity the share of full marks), so the
/// sync catches up an attempt whose grant was lost (the attempt and its points are written
/// one after the other) and never counts one twice.
async fn quiz_events(st: &AppState, ids: &[i64], year: i32) -> Result<Vec<AutoEvent>, AppError> {
    let mut events = Vec::new();
    let mut titles: std::collections::BTreeMap<i64, String> = std::collections::BTreeMap::new();
    for member in ids {
        for quiz in quizzes::attempted_by(&st.db, *member).await? {
            let Some(a) = quizzes::attempt(&st.db, quiz, *member).await? else { continue };
            let on = clock::from_micros(a.submitted_at).date();
            if on.year() != year || a.score <= 0 || a.max_score <= 0 {
                continue;
            }
            let share = (Decimal::from(a.score) / Decimal::from(a.max_score)).round_dp(4);
            // One read per quiz, not per member who took it.
            let title = match titles.get(&quiz) {
                Some(t) => t.clone(),
                None => titles.entry(quiz).or_insert(quizzes::get(&st.db, quiz).await?.title).clone(),
            };
            events.push((on, *member, "quiz", format!("quiz:{quiz}:{member}"), title, share));
        }
    }
    Ok(events)
}

/// Grants the events in date order; returns how many new lines were written.
async fn grant_all(st: &AppState, mut events: Vec<AutoEvent>) -> Result<usize, AppError> {
    events.sort();
    let mut written = 0;
    for (on, member, action, key, note, quantity) in events {
        let event = PointEvent { member, on, action: action.to_owned(), quantity, approved_application: false };
        // A rule removed from the catalogue simply earns nothing.
        if let Ok(Some(_)) = record_event(st, &event, &note, Some(key), None).await? {
            written += 1;
        }
    }
    Ok(written)
}

/// Derives the year's automatic entries of every member of a branch. Returns how many
/// new lines were written.
pub async fn sync_branch_points(st: &AppState, org_id: i64, year: i32) -> Result<usize, AppError> {
    let roster = members::in_orgs(&st.db, &[org_id]).await?;
    let ids: Vec<i64> = roster.iter().map(|m| m.id).collect();
    let mut events = Vec::new();
    let list = meetings::in_orgs(&st.db, &[org_id], &format!("{year:04}-01-01"), &format!("{year:04}-12-31")).await?;
    for m in &list {
        events.extend(meeting_events(st, m, &ids).await?);
    }
    for (member, month, _amount, paid_on, _method) in dues::payments_for(&st.db, &ids).await? {
        if month.parse::<YearMonth>().is_ok_and(|ym| ym.year() == year) {
            events.extend(dues_event(member, &month, &paid_on));
        }
    }
    events.extend(quiz_events(st, &ids, year).await?);
    grant_all(st, events).await
}

/// Grants the points of a meeting just recorded, for the members of its branch, so the
/// ledger is current without waiting for the branch's sync button. The same keys as the
/// sync, so neither can count the meeting twice.
pub async fn grant_meeting(st: &AppState, meeting_id: i64) -> Result<usize, AppError> {
    let m = meetings::get(&st.db, meeting_id).await?.ok_or(AppError::NotFound)?;
    let ids: Vec<i64> = members::in_orgs(&st.db, &[m.org_id]).await?.iter().map(|m| m.id).collect();
    let events = meeting_events(st, &m, &ids).await?;
    grant_all(st, events).await
}

/// Grants the points of a month's 党费 just recorded (same key as the sync).
pub async fn grant_payment(st: &AppState, member: i64, month: &str, paid_on: &str) -> Result<usize, AppError> {
    grant_all(st, dues_event(member, month, paid_on).into_iter().collect()).await
}
