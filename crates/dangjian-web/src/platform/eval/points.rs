//! 党性积分 and the 量化评议指数: a member's own statement with reasons, yearly balance,
//! index with its computation and 民主评议 feedback (`/platform/me/points`); the branch's
//! view with balances, applications to approve, corrections by reversing entry, points
//! the branch records, the sync from platform records and the rankings switch (off
//! unless the branch turns it on).

use std::{collections::BTreeMap, str::FromStr};

use crate::platform::YearQuery;
use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::{
        member_index::{IndexConfig, MemberIndex, PartValue, compute_index},
        points::{self as domain, PointEvent, balance, balances, ranking},
    },
    roles::Role,
};
use dangjian_store::{StoreError, appraisal as astore, meetings, members, points as pstore};
use rust_decimal::Decimal;

use super::{
    super::{meetings::branch_in_scope, scope::Scope},
    catalogue, field, index_config, iso, parse_date,
    sync::{append_reversal, entries, record_event, sync_branch_points},
    today, year_or_now,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

pub(super) fn year_range(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// Attendance at the branch's recorded meetings of the year: member → (present, recorded).
pub(super) async fn attendance(st: &AppState, org_id: i64, year: i32) -> Result<BTreeMap<i64, (u32, u32)>, AppError> {
    let (from, to) = year_range(year);
    let mut out: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    for m in meetings::in_orgs(&st.db, &[org_id], &from, &to).await? {
        for (member, _, present, _) in meetings::attendance(&st.db, m.id).await? {
            let e = out.entry(member).or_default();
            e.1 += 1;
            if present {
                e.0 += 1;
            }
        }
    }
    Ok(out)
}

/// The committee's grade for each member in the branch's decided round of the year.
pub(super) async fn appraisal_grades(st: &AppState, org_id: i64, year: i32) -> Result<BTreeMap<i64, String>, AppError> {
    let Some(round) = astore::round_for(&st.db, org_id, year).await? else { return Ok(BTreeMap::new()) };
    if round.status != "decided" {
        return Ok(BTreeMap::new());
    }
    Ok(astore::participants(&st.db, round.id)
        .await?
        .into_iter()
        .filter_map(|p| Some((p.member_id, p.grade?)))
        .collect())
}

pub(super) fn index_of(
    cfg: &IndexConfig,
    points: Decimal,
    att: Option<(u32, u32)>,
    grade: Option<&String>,
) -> Result<MemberIndex, String> {
    let mut values = BTreeMap::new();
    values.insert("points".to_owned(), PartValue::Number(points));
    if let Some((present, total)) = att.filter(|a| a.1 > 0) {
        values.insert("attendance".to_owned(), PartValue::Number(Decimal::from(present) / Decimal::from(total)));
    }
    if let Some(g) = grade {
        values.insert("appraisal".to_owned(), PartValue::Category(g.clone()));
    }
    compute_index(cfg, &values).map_err(|e| e.to_string())
}

pub struct Line {
    pub id: i64,
    pub on: String,
    pub reason: String,
    pub points: String,
    pub running: String,
    pub reversed_by: Option<i64>,
    pub reverses: Option<i64>,
}

pub struct Step {
    pub name: String,
    pub raw: String,
    pub normalised: String,
    pub weight: String,
    pub effective: String,
    pub contribution: String,
}

pub struct AppLine {
    pub id: i64,
    pub name: String,
    pub action: String,
    pub on: String,
    pub quantity: String,
    pub evidence: String,
    pub status: String,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "platform/eval/member_points.html")]
struct MemberPage {
    title: &'static str,
    page: Frame,
    name: String,
    own: bool,
    base: String,
    year: i32,
    balance: String,
    lines: Vec<Line>,
    index_total: String,
    index_note: String,
    steps: Vec<Step>,
    /// (year, standing, grade, follow-up, feedback)
    appraisals: Vec<(i32, String, String, String, String)>,
    applications: Vec<AppLine>,
    /// Rules a member may apply for: (action, name).
    apply_rules: Vec<(String, String)>,
    errors: Vec<String>,
    today: String,
}

fn steps_of(ix: &MemberIndex) -> Vec<Step> {
    ix.steps
        .iter()
        .map(|s| Step {
            name: s.name.clone(),
            raw: match &s.raw {
                Some(PartValue::Number(n)) => n.round_dp(4).normalize().to_string(),
                Some(PartValue::Category(c)) => dangjian_domain::eval::appraisal::AppraisalGrade::from_code(c)
                    .map(|g| g.name().to_owned())
                    .unwrap_or_else(|| c.clone()),
                None => "无数据".into(),
            },
            normalised: s.normalised.map(|n| n.to_string()).unwrap_or_else(|| "不计".into()),
            weight: s.weight.to_string(),
            effective: s.effective_weight.round_dp(4).to_string(),
            contribution: s.contribution.to_string(),
        })
        .collect()
}

fn status_name(a: &pstore::ApplicationRow) -> String {
    match a.status.as_str() {
        "approved" => "已同意，已计分".into(),
        "rejected" => format!("未同意（{}）", a.decision_note),
        _ => "待支部审核".into(),
    }
}

async fn member_view(
    st: &AppState,
    me: &CurrentUser,
    member_id: i64,
    own: bool,
    year: i32,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let m = members::get(&st.db, member_id).await?;
    let (from, to) = year_range(year);
    let rows = pstore::ledger(&st.db, &[member_id], &from, &to).await?;
    let ledger = entries(&rows);
    let statement = domain::statement(&ledger, member_id, year);
    let cat = catalogue(st).await?;
    let lines = statement
        .iter()
        .map(|l| Line {
            id: l.entry.id,
            on: iso(l.entry.on),
            reason: l.entry.reason.clone(),
            points: format!("{:+}", l.entry.points),
            running: l.running.to_string(),
            reversed_by: l.reversed_by,
            reverses: l.entry.reverses,
        })
        .collect();
    let total = balance(&ledger, member_id, year);
    let att = attendance(st, m.org_id, year).await?.get(&member_id).copied();
    let grades = appraisal_grades(st, m.org_id, year).await?;
    let cfg = index_config(st).await?;
    let (index_total, index_note, steps) = match index_of(&cfg, total, att, grades.get(&member_id)) {
        Ok(ix) => (
            ix.total.to_string(),
            if ix.renormalised {
                "有组成部分暂无数据，其余部分的权重已按比例折算。".into()
            } else {
                String::new()
            },
            steps_of(&ix),
        ),
        Err(e) => ("—".into(), e, vec![]),
    };
    let appraisals = astore::results_of(&st.db, member_id)
        .await?
        .into_iter()
        .map(|(y, standing, grade, follow, feedback)| {
            (
                y,
                if standing == "probationary" {
                    "预备党员（参加评议，不评定等次）".into()
                } else {
                    "正式党员".into()
                },
                grade
                    .as_deref()
                    .and_then(dangjian_domain::eval::appraisal::AppraisalGrade::from_code)
                    .map(|g| g.name().to_owned())
                    .unwrap_or_default(),
                follow,
                feedback,
            )
        })
        .collect();
    let rule_name = |a: &str| cat.rule(a).map(|r| r.name.clone()).unwrap_or_else(|| a.to_owned());
    let applications = pstore::applications_of(&st.db, &[member_id])
        .await?
        .into_iter()
        .map(|a| AppLine {
            id: a.id,
            name: m.name.clone(),
            action: rule_name(&a.action),
            on: a.on_date.clone(),
            quantity: a.quantity.clone(),
            evidence: a.evidence.clone(),
            status: status_name(&a),
            pending: a.status == "pending",
        })
        .collect();
    let page = MemberPage {
        title: if own { "我的党性积分" } else { "党性积分" },
        page: Frame::for_user(me),
        name: m.name.clone(),
        own,
        base: if own { "/platform/me/points".into() } else { format!("/platform/members/{member_id}/points") },
        year,
        balance: total.to_string(),
        lines,
        index_total,
        index_note,
        steps,
        appraisals,
        applications,
        apply_rules: cat
            .rules
            .iter()
            .filter(|r| r.by_application)
            .map(|r| (r.action.clone(), r.name.clone()))
            .collect(),
        errors,
        today: iso(today()),
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/me/points`: the member's own statement.
pub async fn me_page(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_or_now(q.year)?;
    let scope = Scope::of(&st, &me).await?;
    let Some(id) = scope.member else {
        return Err(AppError::Conflict("您的账号尚未关联党员信息，请联系所在党支部。".into()));
    };
    member_view(&st, &me, id, true, year, vec![]).await
}

/// `GET /platform/members/{id}/points`: an officer over the member's branch, or the member.
pub async fn member_page(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_or_now(q.year)?;
    let scope = Scope::of(&st, &me).await?;
    let m = members::get(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    let own = scope.member == Some(id);
    if !own && !scope.orgs.contains(&m.org_id) {
        return Err(AppError::NotFound);
    }
    member_view(&st, &me, id, own, year, vec![]).await
}

/// `POST /platform/me/points`: the member applies for points with evidence.
pub async fn me_apply(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let scope = Scope::of(&st, &me).await?;
    let Some(id) = scope.member else { return Err(AppError::Forbidden) };
    let pairs = form_pairs(&body);
    let year = today().year();
    let cat = catalogue(&st).await?;
    let action = field(&pairs, "action");
    let mut errors = Vec::new();
    if !cat.rule(&action).is_some_and(|r| r.by_application) {
        errors.push("请选择可以申报的积分项目".to_owned());
    }
    let on = parse_date(&field(&pairs, "on_date"));
    if on.is_none_or(|d| d > today() || d.year() < year - 1) {
        errors.push("日期格式应为 年-月-日，不能晚于今天，最早为上一年".to_owned());
    }
    let quantity = match field(&pairs, "quantity").as_str() {
        "" => Some(Decimal::ONE),
        q => Decimal::from_str(q).ok().filter(|d| *d > Decimal::ZERO && d.scale() <= 2 && *d <= Decimal::from(100)),
    };
    if quantity.is_none() {
        errors.push("数量须为大于 0 的数".to_owned());
    }
    let evidence: String = field(&pairs, "evidence").chars().take(1000).collect();
    if evidence.is_empty() {
        errors.push("请填写佐证材料（文件名称、证明人或链接）".to_owned());
    }
    if !errors.is_empty() {
        return member_view(&st, &me, id, true, year, errors).await;
    }
    let on = on.map(iso).unwrap_or_default();
    let q = quantity.unwrap_or(Decimal::ONE).to_string();
    let app = pstore::apply(&st.db, id, &action, &on, &q, &evidence, clock::now_micros()).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "points.apply",
        &format!("member:{id}"),
        audit_trail::SUCCESS,
        &format!("#{app} {action}"),
    )
    .await?;
    Ok(Redirect::to("/platform/me/points").into_response())
}

pub struct MemberRow {
    pub id: i64,
    pub name: String,
    pub balance: String,
    pub index: String,
    pub rank: String,
}

#[derive(Template)]
#[template(path = "platform/eval/branch_points.html")]
struct BranchPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    rows: Vec<MemberRow>,
    rankings: bool,
    applications: Vec<AppLine>,
    /// Recent lines of the branch: (id, member name, date, reason, points, reversible).
    recent: Vec<(i64, String, String, String, String, bool)>,
    /// Rules the branch records itself: (action, name).
    grant_rules: Vec<(String, String)>,
    members: Vec<(i64, String)>,
    errors: Vec<String>,
    flash: String,
    today: String,
}

async fn branch_view(
    st: &AppState,
    me: &CurrentUser,
    org_id: i64,
    year: i32,
    errors: Vec<String>,
    flash: String,
) -> Result<Response, AppError> {
    let scope = Scope::of(st, me).await?;
    let org = branch_in_scope(&scope, org_id)?.clone();
    let roster = members::in_orgs(&st.db, &[org_id]).await?;
    let ids: Vec<i64> = roster.iter().map(|m| m.id).collect();
    let (from, to) = year_range(year);
    let rows = pstore::ledger(&st.db, &ids, &from, &to).await?;
    let ledger = entries(&rows);
    let mut bal = balances(&ledger, year);
    for id in &ids {
        bal.entry(*id).or_insert(Decimal::ZERO);
    }
    let mut cat = catalogue(st).await?;
    let rankings_on = pstore::rankings_enabled(&st.db, org_id).await?;
    cat.rankings_enabled = rankings_on;
    let ranks: BTreeMap<i64, u32> =
        ranking(&cat, &bal).map(|r| r.into_iter().map(|(m, _, k)| (m, k)).collect()).unwrap_or_default();
    let att = attendance(st, org_id, year).await?;
    let grades = appraisal_grades(st, org_id, year).await?;
    let cfg = index_config(st).await?;
    let out_rows = roster
        .iter()
        .map(|m| {
            let b = bal.get(&m.id).copied().unwrap_or_default();
            MemberRow {
                id: m.id,
                name: m.name.clone(),
                balance: b.to_string(),
                index: index_of(&cfg, b, att.get(&m.id).copied(), grades.get(&m.id))
                    .map(|i| i.total.to_string())
                    .unwrap_or_else(|_| "—".into()),
                rank: ranks.get(&m.id).map(|r| r.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let name = |id: i64| roster.iter().find(|m| m.id == id).map(|m| m.name.clone()).unwrap_or_default();
    let rule_name = |a: &str| cat.rule(a).map(|r| r.name.clone()).unwrap_or_else(|| a.to_owned());
    let applications = pstore::applications_of(&st.db, &ids)
        .await?
        .into_iter()
        .map(|a| AppLine {
            id: a.id,
            name: name(a.member_id),
            action: rule_name(&a.action),
            on: a.on_date.clone(),
            quantity: a.quantity.clone(),
            evidence: a.evidence.clone(),
            status: status_name(&a),
            pending: a.status == "pending",
        })
        .collect();
    let reversed: Vec<i64> = ledger.iter().filter_map(|e| e.reverses).collect();
    let mut recent: Vec<_> = ledger
        .iter()
        .map(|e| {
            (
                e.id,
                name(e.member),
                iso(e.on),
                e.reason.clone(),
                format!("{:+}", e.points),
                e.reverses.is_none() && !reversed.contains(&e.id),
            )
        })
        .collect();
    recent.sort_by_key(|r| std::cmp::Reverse(r.0));
    recent.truncate(100);
    let page = BranchPage {
        title: "党性积分",
        page: Frame::for_user(me),
        org_id,
        org: org.name,
        year,
        rows: out_rows,
        rankings: rankings_on,
        applications,
        recent,
        grant_rules: cat
            .rules
            .iter()
            .filter(|r| !r.by_application)
            .map(|r| (r.action.clone(), format!("{}（{}{} 分）", r.name, r.sign.name(), r.points)))
            .collect(),
        members: roster.iter().map(|m| (m.id, m.name.clone())).collect(),
        errors,
        flash,
        today: iso(today()),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn branch_page(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let year = year_or_now(q.year)?;
    branch_view(&st, &me, id, year, vec![], String::new()).await
}

/// `POST /platform/orgs/{id}/points/{action}`: `sync`, `grant`, `approve`, `reject`,
/// `reverse`, `rankings`.
pub async fn branch_act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    branch_in_scope(&scope, id)?;
    let pairs = form_pairs(&body);
    let year = year_or_now(field(&pairs, "year").parse().ok())?;
    let roster: Vec<i64> = members::in_orgs(&st.db, &[id]).await?.into_iter().map(|m| m.id).collect();
    let back = Redirect::to(&format!("/platform/orgs/{id}/points?year={year}")).into_response();
    let fail = |msg: String| {
        let (st, me) = (&st, &me);
        async move { branch_view(st, me, id, year, vec![msg], String::new()).await }
    };
    let now = clock::now_micros();
    let (target, detail) = match action.as_str() {
        "sync" => {
            let n = sync_branch_points(&st, id, year).await?;
            audit(&st, &me, "points.sync", &format!("org:{id}"), &format!("{year}: {n} new")).await?;
            return branch_view(
                &st,
                &me,
                id,
                year,
                vec![],
                format!("已根据组织生活和党费记录同步，新增 {n} 条积分记录"),
            )
            .await;
        }
        "rankings" => {
            let on = field(&pairs, "enabled") == "on";
            pstore::set_rankings(&st.db, id, on, now).await?;
            (format!("org:{id}"), if on { "rankings on".into() } else { "rankings off".into() })
        }
        "approve" | "reject" => {
            let app = match field(&pairs, "application_id").parse::<i64>() {
                Ok(a) => pstore::application(&st.db, a).await.ok(),
                Err(_) => None,
            };
            let Some(app) = app.filter(|a| roster.contains(&a.member_id)) else { return Err(AppError::NotFound) };
            if app.status != "pending" {
                return fail("该申请已经处理过".into()).await;
            }
            let note: String = field(&pairs, "note").chars().take(300).collect();
            let mut entry_id = None;
            if action == "approve" {
                let event = PointEvent {
                    member: app.member_id,
                    on: parse_date(&app.on_date).unwrap_or_else(today),
                    action: app.action.clone(),
                    quantity: Decimal::from_str(&app.quantity).unwrap_or(Decimal::ONE),
                    approved_application: true,
                };
                // The key makes a second approval (a double click) write nothing.
                match record_event(&st, &event, "", Some(format!("application:{}", app.id)), Some(me.user.id)).await? {
                    Ok(e) => entry_id = e,
                    Err(msg) => return fail(msg).await,
                }
            } else if note.is_empty() {
                return fail("不同意时须写明理由".into()).await;
            }
            match pstore::decide_application(&st.db, app.id, action == "approve", entry_id, &note, me.user.id, now)
                .await
            {
                Ok(()) => {}
                Err(StoreError::Conflict(_)) => return fail("该申请已经处理过".into()).await,
                Err(e) => return Err(e.into()),
            }
            (format!("member:{}", app.member_id), format!("application #{} {action}", app.id))
        }
        "reverse" => {
            let entry = match field(&pairs, "entry_id").parse::<i64>() {
                Ok(e) => pstore::entry(&st.db, e).await.ok(),
                Err(_) => None,
            };
            let Some(entry) = entry.filter(|e| roster.contains(&e.member_id)) else { return Err(AppError::NotFound) };
            let reason: String = field(&pairs, "reason").chars().take(300).collect();
            let entry_year = parse_date(&entry.on_date).map(|d| d.year()).unwrap_or(year);
            let r = append_reversal(&st, entry.member_id, entry_year, entry.id, &reason, Some(me.user.id)).await;
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(msg)) => return fail(msg).await,
                Err(StoreError::Conflict(_)) => {
                    return fail(format!("积分记录 {} 已冲正，不能再次冲正", entry.id)).await;
                }
                Err(e) => return Err(e.into()),
            }
            (format!("member:{}", entry.member_id), format!("reverse #{}", entry.id))
        }
        "grant" => {
            let Some(member) = field(&pairs, "member_id").parse::<i64>().ok().filter(|m| roster.contains(m)) else {
                return fail("请选择本支部的党员".into()).await;
            };
            let cat = catalogue(&st).await?;
            let act = field(&pairs, "action");
            if cat.rule(&act).is_none_or(|r| r.by_application) {
                return fail("请选择积分项目（申报类项目由党员本人申报）".into()).await;
            }
            let Some(on) = parse_date(&field(&pairs, "on_date")).filter(|d| *d <= today()) else {
                return fail("日期格式应为 年-月-日，且不能晚于今天".into()).await;
            };
            let Some(quantity) = Decimal::from_str(&field(&pairs, "quantity"))
                .ok()
                .filter(|d| *d > Decimal::ZERO && d.scale() <= 2 && *d <= Decimal::from(100))
            else {
                return fail("数量须为大于 0 的数（最多两位小数）".into()).await;
            };
            let note: String = field(&pairs, "note").chars().take(200).collect();
            let event = PointEvent { member, on, action: act.clone(), quantity, approved_application: false };
            match record_event(&st, &event, &note, None, Some(me.user.id)).await? {
                Ok(_) => {}
                Err(msg) => return fail(msg).await,
            }
            (format!("member:{member}"), format!("grant {act} x{quantity}"))
        }
        _ => return Err(AppError::NotFound),
    };
    audit(&st, &me, &format!("points.{action}"), &target, &detail).await?;
    Ok(back)
}

async fn audit(st: &AppState, me: &CurrentUser, action: &str, target: &str, detail: &str) -> Result<(), AppError> {
    audit_trail::record(st, Actor::User(me), action, target, audit_trail::SUCCESS, detail).await
}
