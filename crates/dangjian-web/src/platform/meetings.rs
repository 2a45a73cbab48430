//! 三会一课 and other organisation life: records with attendance and quorum, the
//! compliance calendar of a branch, and the 工委's overview of every branch.

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    meetings::{MeetingKind, PeriodStatus, Status, calendar, compliance_rate, frequencies_from},
    orgs::{Attendance, OrgKind, QuorumRule},
    roles::Role,
};
use dangjian_store::{meetings, members, orgs};
use time::{Date, Month, macros::format_description};

use super::scope::Scope;
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

const ISO: &[time::format_description::FormatItem<'static>] = format_description!("[year]-[month]-[day]");

fn today() -> Date {
    clock::from_micros(clock::now_micros()).date()
}

fn parse(s: &str) -> Option<Date> {
    Date::parse(s.trim(), ISO).ok()
}

fn year_bounds(today: Date) -> (Date, Date) {
    let y = today.year();
    (
        Date::from_calendar_date(y, Month::January, 1).unwrap_or(today),
        Date::from_calendar_date(y, Month::December, 31).unwrap_or(today),
    )
}

/// A cell of the calendar.
pub struct Cell {
    pub label: String,
    pub class: &'static str,
    pub status: &'static str,
}

/// One kind of meeting over the year.
pub struct KindRow {
    pub name: &'static str,
    pub cells: Vec<Cell>,
    pub rate: String,
}

fn label(p: &PeriodStatus) -> String {
    let months = (p.period_end.month() as u8) - (p.period_start.month() as u8) + 1;
    match months {
        1 => format!("{}月", p.period_start.month() as u8),
        3 => format!("第{}季度", (p.period_start.month() as u8 - 1) / 3 + 1),
        _ => format!("{}年", p.period_start.year()),
    }
}

fn class(s: Status) -> &'static str {
    match s {
        Status::Met => "met",
        Status::Missing => "missing",
        Status::DueSoon => "due",
        Status::Upcoming => "upcoming",
    }
}

/// The settings key of the meeting frequencies (see `frequencies_from`).
pub const FREQUENCIES_KEY: &str = "meeting_frequencies";

/// The frequencies the 工委 configured (the defaults where it configured none).
pub async fn configured(st: &AppState) -> Result<Vec<(MeetingKind, dangjian_domain::meetings::Frequency)>, AppError> {
    let all = dangjian_store::settings::all(&st.db).await?;
    Ok(frequencies_from(all.get(FREQUENCIES_KEY).map(String::as_str).unwrap_or("")))
}

/// The kinds of meeting a branch owes: no 支委会 without a committee (a branch under 7
/// 正式党员 has a secretary only), no 党小组会 without 党小组.
async fn owed(
    st: &AppState,
    org_id: i64,
) -> Result<Vec<(MeetingKind, dangjian_domain::meetings::Frequency)>, AppError> {
    let has_committee = !orgs::committee(&st.db, org_id).await?.is_empty();
    let has_groups = orgs::all(&st.db)
        .await?
        .iter()
        .any(|o| o.parent_id == Some(org_id) && OrgKind::from_code(&o.kind) == Some(OrgKind::Group));
    Ok(configured(st)
        .await?
        .into_iter()
        .filter(|(k, _)| match k {
            MeetingKind::CommitteeMeeting => has_committee,
            MeetingKind::GroupMeeting => has_groups,
            _ => true,
        })
        .collect())
}

/// The year's calendar of one branch, from its meetings (those without quorum do not count).
pub(super) async fn branch_calendar(
    st: &AppState,
    org_id: i64,
    today: Date,
) -> Result<(Vec<PeriodStatus>, Vec<meetings::Meeting>), AppError> {
    let (from, to) = year_bounds(today);
    let list = meetings::in_orgs(
        &st.db,
        &[org_id],
        &from.format(ISO).unwrap_or_default(),
        &to.format(ISO).unwrap_or_default(),
    )
    .await?;
    let held: Vec<(MeetingKind, Date)> = list
        .iter()
        .filter(|m| m.quorum_met != Some(false))
        .filter_map(|m| Some((MeetingKind::from_code(&m.kind)?, parse(&m.held_on)?)))
        .collect();
    Ok((calendar(&owed(st, org_id).await?, &held, from, to, today, 14), list))
}

fn rows(periods: &[PeriodStatus]) -> Vec<KindRow> {
    let mut out: Vec<KindRow> = Vec::new();
    for kind in MeetingKind::ALL {
        let ps: Vec<PeriodStatus> = periods.iter().filter(|p| p.kind == kind).cloned().collect();
        let rate = if ps.is_empty() {
            "不适用".to_owned()
        } else {
            compliance_rate(&ps).percent().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into())
        };
        out.push(KindRow {
            name: kind.name(),
            cells: ps
                .iter()
                .map(|p| Cell { label: label(p), class: class(p.status), status: p.status.name() })
                .collect(),
            rate,
        });
    }
    out
}

pub struct MeetingRow {
    pub id: i64,
    pub held_on: String,
    pub kind: &'static str,
    pub topic: String,
    pub present: usize,
    pub absent: usize,
    pub quorum: &'static str,
}

#[derive(Template)]
#[template(path = "platform/meetings.html")]
struct MeetingsPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    rows: Vec<KindRow>,
    list: Vec<MeetingRow>,
}

pub(super) fn branch_in_scope(scope: &Scope, id: i64) -> Result<&orgs::Org, AppError> {
    let o = scope.org(id)?;
    match OrgKind::from_code(&o.kind) {
        Some(k) if k.is_branch() => Ok(o),
        _ => Err(AppError::NotFound),
    }
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch_in_scope(&scope, id)?.clone();
    let today = today();
    let (periods, list) = branch_calendar(&st, id, today).await?;
    let mut rows_out = Vec::new();
    for m in list {
        let att = meetings::attendance(&st.db, m.id).await?;
        rows_out.push(MeetingRow {
            id: m.id,
            kind: MeetingKind::from_code(&m.kind).map(|k| k.name()).unwrap_or("其他"),
            present: att.iter().filter(|a| a.2).count(),
            absent: att.iter().filter(|a| !a.2).count(),
            quorum: match m.quorum_met {
                Some(true) => "达到",
                Some(false) => "未达到（不计入完成情况）",
                None => "—",
            },
            held_on: m.held_on,
            topic: m.topic,
        });
    }
    let page = MeetingsPage {
        title: "组织生活",
        page: Frame::for_user(&me),
        org_id: id,
        org: org.name,
        year: today.year(),
        rows: rows(&periods),
        list: rows_out,
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "platform/meeting_new.html")]
struct NewMeetingPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    kinds: Vec<(&'static str, &'static str)>,
    /// (member id, name, committee post or empty).
    people: Vec<(i64, String, String)>,
    errors: Vec<String>,
    today: String,
}

async fn new_page(st: &AppState, me: &CurrentUser, id: i64, errors: Vec<String>) -> Result<Response, AppError> {
    let scope = Scope::of(st, me).await?;
    let org = branch_in_scope(&scope, id)?.clone();
    let committee = orgs::committee(&st.db, id).await?;
    let people = members::in_orgs(&st.db, &[id])
        .await?
        .into_iter()
        .map(|m| {
            let post = committee.iter().find(|c| c.0 == m.id).map(|c| c.2.clone()).unwrap_or_default();
            (m.id, m.name, post)
        })
        .collect();
    let page = NewMeetingPage {
        title: "记录组织生活",
        page: Frame::for_user(me),
        org_id: id,
        org: org.name,
        kinds: MeetingKind::ALL.iter().map(|k| (k.code(), k.name())).collect(),
        people,
        errors,
        today: today().format(ISO).unwrap_or_default(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn new_form(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    new_page(&st, &me, id, vec![]).await
}

pub async fn create(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    branch_in_scope(&scope, id)?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let mut errors = Vec::new();
    let kind = MeetingKind::from_code(&get("kind"));
    if kind.is_none() {
        errors.push("请选择会议类型".to_owned());
    }
    let held = parse(&get("held_on"));
    match held {
        None => errors.push("会议日期格式应为 年-月-日".to_owned()),
        Some(d) if d > today() => errors.push("会议日期不能晚于今天（请在会后记录）".to_owned()),
        _ => {}
    }
    let topic: String = get("topic").chars().take(200).collect();
    if topic.is_empty() {
        errors.push("会议主题不能为空".to_owned());
    }
    let roster = members::in_orgs(&st.db, &[id]).await?;
    let present: Vec<i64> = pairs.iter().filter(|(k, _)| k == "present").filter_map(|(_, v)| v.parse().ok()).collect();
    if present.iter().any(|p| !roster.iter().any(|m| m.id == *p)) {
        errors.push("签到名单中有不属于本支部的人员".to_owned());
    }
    if !errors.is_empty() {
        return new_page(&st, &me, id, errors).await;
    }
    let kind = kind.unwrap_or(MeetingKind::BranchGeneralMeeting);
    // Quorum: more than half of those entitled, for 党员大会 (正式 and 预备 members;
    // 预备党员 attend but do not vote) and 支委会 (the committee).
    let full = |m: &members::Member| m.status == "full";
    let prob = |m: &members::Member| m.status == "probationary" || m.status == "probation_extended";
    let quorum_met = match kind {
        MeetingKind::BranchGeneralMeeting => {
            let a = Attendance {
                full_entitled: roster.iter().filter(|m| full(m)).count() as u32,
                full_present: roster.iter().filter(|m| full(m) && present.contains(&m.id)).count() as u32,
                probationary_entitled: roster.iter().filter(|m| prob(m)).count() as u32,
                probationary_present: roster.iter().filter(|m| prob(m) && present.contains(&m.id)).count() as u32,
            };
            // What the meeting decides sets its quorum: a vote (接收预备党员, 转正, 处分)
            // counts 正式党员 only; an election needs 4/5 of them.
            let rule = match get("agenda").as_str() {
                "resolution" => QuorumRule::Resolution,
                "election" => QuorumRule::ELECTION,
                _ => QuorumRule::ORDINARY,
            };
            Some(a.quorate(rule))
        }
        MeetingKind::CommitteeMeeting => {
            let committee: Vec<i64> = orgs::committee(&st.db, id).await?.into_iter().map(|c| c.0).collect();
            let entitled = committee.len() as u32;
            let here = committee.iter().filter(|c| present.contains(c)).count() as u32;
            Some(dangjian_domain::orgs::quorum_met(entitled, here))
        }
        _ => None,
    };
    // A 支委会's sign-in covers the committee; other members appear only if they attended
    // (列席), so a member's absence from a committee meeting is never recorded against them.
    let committee_only = if kind == MeetingKind::CommitteeMeeting {
        Some(orgs::committee(&st.db, id).await?.into_iter().map(|c| c.0).collect::<Vec<i64>>())
    } else {
        None
    };
    let attendance = roster
        .iter()
        .filter(|m| committee_only.as_ref().is_none_or(|c| c.contains(&m.id) || present.contains(&m.id)))
        .map(|m| {
            let here = present.contains(&m.id);
            let reason =
                if here { String::new() } else { get(&format!("reason_{}", m.id)).chars().take(100).collect() };
            (m.id, here, reason)
        })
        .collect();
    let new = meetings::NewMeeting {
        org_id: id,
        kind: kind.code().into(),
        held_on: held.map(|d| d.format(ISO).unwrap_or_default()).unwrap_or_default(),
        place: get("place").chars().take(100).collect(),
        host: get("host").chars().take(50).collect(),
        topic,
        minutes: get("minutes").chars().take(20_000).collect(),
        quorum_met,
        created_by: Some(me.user.id),
        attendance,
    };
    let mid = meetings::insert(&st.db, &new, clock::now_micros()).await?;
    // 党性积分 for attendance follow the record at once. The meeting is saved either way: a
    // failed grant is logged and the branch's sync button (same event keys) catches it up.
    if let Err(e) = super::eval::sync::grant_meeting(&st, mid).await {
        tracing::warn!(meeting = mid, error = %e, "points for a recorded meeting were not granted");
    }
    let detail =
        format!("{} {}{}", kind.name(), new.held_on, if quorum_met == Some(false) { "（未达法定人数）" } else { "" });
    audit_trail::record(
        &st,
        Actor::User(&me),
        "meeting.create",
        &format!("meeting:{mid}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/orgs/{id}/meetings")).into_response())
}

pub struct OverviewRow {
    pub id: i64,
    pub name: String,
    pub rates: Vec<String>,
    pub missing: usize,
}

#[derive(Template)]
#[template(path = "platform/compliance.html")]
struct OverviewPage {
    title: &'static str,
    page: Frame,
    year: i32,
    kinds: Vec<&'static str>,
    rows: Vec<OverviewRow>,
}

/// Every branch in reach × every kind: compliance rates this year, and missed periods.
async fn overview(st: &AppState, scope: &Scope) -> Result<Vec<OverviewRow>, AppError> {
    let today = today();
    let mut out = Vec::new();
    for o in scope.all_orgs.iter().filter(|o| scope.orgs.contains(&o.id)) {
        if !OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()) {
            continue;
        }
        let (periods, _) = branch_calendar(st, o.id, today).await?;
        let rates = rows(&periods).into_iter().map(|r| r.rate).collect();
        out.push(OverviewRow {
            id: o.id,
            name: o.name.clone(),
            rates,
            missing: periods.iter().filter(|p| p.status == Status::Missing).count(),
        });
    }
    Ok(out)
}

pub async fn compliance(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let page = OverviewPage {
        title: "组织生活完成情况",
        page: Frame::for_user(&me),
        year: today().year(),
        kinds: MeetingKind::ALL.iter().map(|k| k.name()).collect(),
        rows: overview(&st, &scope).await?,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/compliance.xlsx`: the overview as a spreadsheet.
pub async fn compliance_xlsx(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let rows = overview(&st, &scope).await?;
    let mut headers = vec!["党组织"];
    headers.extend(MeetingKind::ALL.iter().map(|k| k.name()));
    headers.push("未开展期数");
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.name.clone()];
            cells.extend(row.rates.iter().cloned());
            cells.push(row.missing.to_string());
            cells
        })
        .collect();
    let bytes = super::download::sheet_bytes("组织生活完成情况", &headers, &table)?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "compliance.export",
        "xlsx",
        audit_trail::SUCCESS,
        &format!("{} branches", rows.len()),
    )
    .await?;
    Ok(super::download::xlsx(bytes, "compliance.xlsx", "组织生活完成情况.xlsx"))
}
