//! The scheme page and its actions: subjects (全员覆盖), open, rater assignments, one-time
//! links (made in [`super::tokens`]), offline and 日常 scores, close and publish. The list
//! and the create form are in [`super::list`].

use std::collections::BTreeMap;
use std::str::FromStr;

use askama::Template;
use axum::{
    extract::{Path, RawForm, State},
    http::HeaderMap,
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::{
        ConfigError,
        assessment::{SchemeError, SchemeState, Source, SubjectId, SubjectKind, compute, scheme},
    },
};
use dangjian_store::{StoreError, kaohe, members, orgs};
use rust_decimal::Decimal;

use super::{managed, scope_subjects, subject_names, tokens};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::scope::Scope,
};

pub(super) fn state_name(code: &str) -> &'static str {
    SchemeState::from_code(code).map(|s| s.name()).unwrap_or("未知")
}

/// A configuration error in the words of the form.
pub(super) fn config_message(e: &ConfigError) -> String {
    let field = match e.field.split('.').next().unwrap_or_default() {
        "indicators" => "考核指标",
        "groups" => "评价主体",
        "scale" => "评价等次",
        "familiarity" => "熟悉程度",
        "bands" => "最终格次",
        "rules" => "计票规则",
        "period_weights" => "日常与年底权重",
        "subjects" => "考核对象",
        _ => "设置",
    };
    format!("{field}：{}", e.message)
}

/// A weight as a percentage, e.g. `0.4` as `40%`.
pub(super) fn pct(w: Decimal) -> String {
    format!("{}%", (w * Decimal::from(100)).round_dp(2).normalize())
}

pub struct SubjectBox {
    pub id: i64,
    pub name: String,
    pub included: bool,
}

pub struct GroupView {
    pub code: String,
    pub name: String,
    pub weight: String,
    pub source: &'static str,
    pub internal: bool,
    pub public: bool,
    pub offline: bool,
    /// Turnout: ballots cast in the group.
    pub ballots: i64,
    /// Internal: accounts assigned; public: links made.
    pub invited: i64,
    pub raters: Vec<String>,
}

pub struct OfflineView {
    pub group: String,
    pub subject: String,
    pub points: String,
    pub evidence: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "platform/kaohe/scheme.html")]
struct SchemePage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    org: String,
    kind: &'static str,
    state: &'static str,
    state_code: String,
    indicators: Vec<(String, String)>,
    groups: Vec<GroupView>,
    scale: Vec<(String, String)>,
    familiarity: Vec<(String, String)>,
    bands: Vec<(String, String, String)>,
    rules: Vec<String>,
    period: Option<(String, String)>,
    subjects: Vec<SubjectBox>,
    missing: usize,
    candidates: Vec<(i64, String)>,
    daily: Vec<(i64, String, String)>,
    offline: Vec<OfflineView>,
    errors: Vec<String>,
    flash: String,
}

async fn render_page(
    st: &AppState,
    me: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    flash: &str,
) -> Result<Response, AppError> {
    let (scope, row) = managed(st, me, id).await?;
    let s = &row.scheme;
    let in_scope = scope_subjects(st, &scope.all_orgs, row.org_id, s.subject_kind).await?;
    let names = subject_names(st, &row).await?;
    let mut subjects: Vec<SubjectBox> = in_scope
        .iter()
        .map(|(sid, name)| SubjectBox { id: *sid, name: name.clone(), included: s.subjects.contains(sid) })
        .collect();
    for sid in s.subjects.iter().filter(|x| !in_scope.iter().any(|(y, _)| y == *x)) {
        subjects.push(SubjectBox { id: *sid, name: names[sid].clone(), included: true });
    }
    let missing = subjects.iter().filter(|b| !b.included).count();
    let ballots = kaohe::ballot_counts(&st.db, id).await?;
    let tokens = kaohe::token_counts(&st.db, id).await?;
    let assignments = kaohe::assignments(&st.db, id).await?;
    let offline_rows = kaohe::offline(&st.db, id).await?;
    let candidates = candidates(st, &scope, &row).await?;
    let account_name = |uid: i64| {
        candidates.iter().find(|(c, _)| *c == uid).map(|(_, n)| n.clone()).unwrap_or_else(|| format!("账号 #{uid}"))
    };
    let groups = s
        .groups
        .iter()
        .map(|g| {
            let cast = ballots.iter().find(|(c, _)| *c == g.code).map_or(0, |(_, n)| *n);
            let mine: Vec<&kaohe::Assignment> = assignments.iter().filter(|a| a.group_code == g.code).collect();
            GroupView {
                code: g.code.clone(),
                name: g.name.clone(),
                weight: pct(g.weight),
                source: g.source.name(),
                internal: g.source == Source::Internal,
                public: g.source == Source::Public,
                offline: g.source == Source::Offline,
                ballots: if g.source == Source::Offline {
                    offline_rows.iter().filter(|o| o.group_code == g.code).count() as i64
                } else {
                    cast
                },
                invited: match g.source {
                    Source::Internal => mine.len() as i64,
                    Source::Public => tokens.iter().find(|(c, _, _)| *c == g.code).map_or(0, |(_, n, _)| *n),
                    Source::Offline => 0,
                },
                raters: mine.iter().map(|a| account_name(a.user_id)).collect(),
            }
        })
        .collect();
    let daily_scores = kaohe::daily(&st.db, id).await?;
    let page = SchemePage {
        title: "党建考核",
        page: Frame::for_user(me),
        id,
        name: row.name.clone(),
        org: scope.all_orgs.iter().find(|o| o.id == row.org_id).map(|o| o.name.clone()).unwrap_or_default(),
        kind: s.subject_kind.name(),
        state: state_name(&row.state),
        state_code: row.state.clone(),
        indicators: s.indicators.iter().map(|i| (i.name.clone(), pct(i.weight))).collect(),
        groups,
        scale: s.scale.iter().map(|l| (l.name.clone(), l.points.to_string())).collect(),
        familiarity: s.familiarity.iter().flatten().map(|f| (f.name.clone(), f.weight.to_string())).collect(),
        bands: s
            .bands
            .iter()
            .map(|b| {
                (b.name.clone(), b.min_score.to_string(), b.quota.map(|q| format!("不超过 {q}")).unwrap_or_default())
            })
            .collect(),
        rules: {
            let mut r = Vec::new();
            if s.rules.invalid_if_all_same {
                r.push("对两个以上对象的评价完全相同的为无效票".to_owned());
            }
            if let Some(t) = s.rules.trim {
                r.push(format!(
                    "某一评价主体有效票超过 {} 张时，去掉 {} 个最高分和 {} 个最低分",
                    t.more_than, t.drop_each_end, t.drop_each_end
                ));
            }
            r.push("某一评价主体没有有效票时不计入，其余主体权重按比例放大（结果中标注）".to_owned());
            r
        },
        period: s.period_weights.map(|p| (pct(p.daily), pct(p.year_end))),
        subjects,
        missing,
        daily: s
            .subjects
            .iter()
            .map(|sid| (*sid, names[sid].clone(), daily_scores.get(sid).map(|d| d.to_string()).unwrap_or_default()))
            .collect(),
        offline: offline_rows
            .iter()
            .map(|o| OfflineView {
                group: s.groups.iter().find(|g| g.code == o.group_code).map(|g| g.name.clone()).unwrap_or_default(),
                subject: names.get(&o.subject_id).cloned().unwrap_or_default(),
                points: o.points.replace(',', " / "),
                evidence: o.evidence.clone(),
                at: dangjian_domain::clock::format_datetime(o.entered_at),
            })
            .collect(),
        candidates,
        errors,
        flash: flash.to_owned(),
    };
    Ok(Html(page.render()?).into_response())
}

/// Accounts that may be assigned: bound to an organisation or member in the scheme's
/// subtree. Named "display name（username）".
async fn candidates(st: &AppState, scope: &Scope, row: &kaohe::SchemeRow) -> Result<Vec<(i64, String)>, AppError> {
    let tree = orgs::subtree(&scope.all_orgs, row.org_id);
    let in_tree: Vec<i64> = members::in_orgs(&st.db, &tree).await?.into_iter().map(|m| m.id).collect();
    Ok(kaohe::rater_candidates(&st.db)
        .await?
        .into_iter()
        .filter(|(_, _, _, org, member)| {
            org.is_some_and(|o| tree.contains(&o)) || member.is_some_and(|m| in_tree.contains(&m))
        })
        .map(|(id, username, display, _, _)| {
            (id, if display.is_empty() || display == username { username } else { format!("{display}（{username}）") })
        })
        .collect())
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render_page(&st, &me, id, vec![], "").await
}

/// `POST /platform/kaohe/{id}/{action}`.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let (scope, row) = managed(&st, &me, id).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let all = |k: &str| pairs.iter().filter(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).collect::<Vec<_>>();
    let state = SchemeState::from_code(&row.state).ok_or_else(|| AppError::Internal("scheme state".into()))?;
    let now = clock::now_micros();
    let s = &row.scheme;
    let fail = |msg: String| async { render_page(&st, &me, id, vec![msg], "").await };
    let conflict = |e: StoreError| match e {
        StoreError::Conflict(m) => Ok(m),
        other => Err(AppError::from(other)),
    };
    let detail: String;
    match action.as_str() {
        "subjects" => {
            if state != SchemeState::Draft {
                return fail("方案已开始测评，考核对象不能再修改".into()).await;
            }
            let in_scope = scope_subjects(&st, &scope.all_orgs, row.org_id, s.subject_kind).await?;
            let chosen: Vec<SubjectId> = all("subject")
                .iter()
                .filter_map(|v| v.parse().ok())
                .filter(|v| in_scope.iter().any(|(id, _)| id == v))
                .collect();
            if chosen.is_empty() {
                return fail("请至少选择一个考核对象".into()).await;
            }
            let mut next = s.clone();
            next.subjects = in_scope.iter().map(|(id, _)| *id).filter(|id| chosen.contains(id)).collect();
            if let Err(e) = kaohe::update_config(&st.db, id, &next).await {
                return fail(conflict(e)?).await;
            }
            detail = format!("{} subjects", next.subjects.len());
        }
        "open" => {
            let in_scope = scope_subjects(&st, &scope.all_orgs, row.org_id, s.subject_kind).await?;
            let ids: Vec<SubjectId> = in_scope.iter().map(|(id, _)| *id).collect();
            match scheme::open(state, s, &ids) {
                Ok(_) => {}
                Err(SchemeError::MissingSubjects(missing)) => {
                    let names: Vec<String> = missing
                        .iter()
                        .map(|m| {
                            in_scope.iter().find(|(id, _)| id == m).map(|(_, n)| n.clone()).unwrap_or(m.to_string())
                        })
                        .collect();
                    return fail(format!(
                        "全员覆盖：以下 {} 个考核对象未纳入方案，不能开始测评：{}",
                        names.len(),
                        names.join("、")
                    ))
                    .await;
                }
                Err(SchemeError::Config(e)) => return fail(config_message(&e)).await,
                Err(e) => return fail(e.to_string()).await,
            }
            if let Err(e) = kaohe::transition(&st.db, id, "draft", "open", None, now).await {
                return fail(conflict(e)?).await;
            }
            detail = String::new();
        }
        "close" => {
            if let Err(e) = scheme::close(state) {
                return fail(e.to_string()).await;
            }
            if let Err(e) = kaohe::transition(&st.db, id, "open", "closed", None, now).await {
                return fail(conflict(e)?).await;
            }
            detail = String::new();
        }
        "publish" => {
            if let Err(e) = scheme::publish(state) {
                return fail(e.to_string()).await;
            }
            let (ballots, daily) = kaohe::inputs(&st.db, &row).await?;
            let result = match compute(s, &ballots, &daily) {
                Ok(r) => r,
                Err(e) => return fail(e.to_string()).await,
            };
            let names = subject_names(&st, &row).await?;
            let snap = kaohe::snapshot_of(s, &result, &names, now);
            if let Err(e) = kaohe::transition(&st.db, id, "closed", "published", Some(&snap), now).await {
                return fail(conflict(e)?).await;
            }
            detail = format!("{} ballots", ballots.len());
        }
        "assign" => {
            if !matches!(state, SchemeState::Draft | SchemeState::Open) {
                return fail("测评已截止，不能再分配评价人".into()).await;
            }
            let Some(group) = s.groups.iter().find(|g| g.code == get("group") && g.source == Source::Internal) else {
                return fail("请选择一个内部评价主体".into()).await;
            };
            let cands = candidates(&st, &scope, &row).await?;
            let users: Vec<i64> = all("user")
                .iter()
                .filter_map(|u| u.parse().ok())
                .filter(|u| cands.iter().any(|(c, _)| c == u))
                .collect();
            if users.is_empty() {
                return fail("请选择评价人账号".into()).await;
            }
            let own = get("mode") == "own";
            let mut by_subjects: BTreeMap<Vec<SubjectId>, Vec<i64>> = BTreeMap::new();
            for u in &users {
                let subjects = if own {
                    let own = own_subjects(&st, &row, *u).await?;
                    if own.is_empty() {
                        let name = cands.iter().find(|(c, _)| c == u).map(|(_, n)| n.clone()).unwrap_or_default();
                        return fail(format!("账号“{name}”所在党组织没有本方案的考核对象，请改为评价全部对象")).await;
                    }
                    own
                } else {
                    s.subjects.clone()
                };
                by_subjects.entry(subjects).or_default().push(*u);
            }
            for (subjects, users) in &by_subjects {
                kaohe::assign(&st.db, id, users, &group.code, subjects).await?;
            }
            detail = format!("{} accounts to {}", users.len(), group.code);
        }
        "tokens" => {
            return match tokens::make(&st, &me, &headers, &row, &get("group"), &get("count")).await? {
                Ok(page) => Ok(page),
                Err(msg) => fail(msg).await,
            };
        }
        "daily" => {
            if s.period_weights.is_none() {
                return fail("本方案不计日常得分".into()).await;
            }
            let mut scores = Vec::new();
            for sid in &s.subjects {
                let v = get(&format!("d{sid}"));
                if v.is_empty() {
                    continue;
                }
                match Decimal::from_str(&v) {
                    Ok(d) if d >= Decimal::ZERO && d <= s.max_points() && d.scale() <= 2 => scores.push((*sid, d)),
                    _ => {
                        return fail(format!("日常得分“{v}”应为 0 到 {} 之间的数，最多两位小数", s.max_points())).await;
                    }
                }
            }
            if let Err(e) = kaohe::set_daily(&st.db, id, &scores).await {
                return fail(conflict(e)?).await;
            }
            detail = format!("{} daily scores", scores.len());
        }
        "offline" => {
            if state != SchemeState::Open {
                return fail("只有测评进行中才能录入线下评价".into()).await;
            }
            let Some(group) = s.groups.iter().find(|g| g.code == get("group") && g.source == Source::Offline) else {
                return fail("请选择一个线下评价主体".into()).await;
            };
            let Some(subject) = get("subject").parse::<SubjectId>().ok().filter(|x| s.subjects.contains(x)) else {
                return fail("请选择考核对象".into()).await;
            };
            let mut points = Vec::new();
            for (i, ind) in s.indicators.iter().enumerate() {
                match Decimal::from_str(&get(&format!("p{i}"))) {
                    Ok(d) if d >= Decimal::ZERO && d <= s.max_points() && d.scale() <= 2 => points.push(d),
                    _ => {
                        return fail(format!(
                            "“{}”的得分应为 0 到 {} 之间的数，最多两位小数",
                            ind.name,
                            s.max_points()
                        ))
                        .await;
                    }
                }
            }
            let evidence: String = get("evidence").chars().take(1000).collect();
            if evidence.trim().is_empty() {
                return fail("请填写检查依据（查阅的材料、走访情况等）".into()).await;
            }
            match kaohe::add_offline(
                &st.db,
                id,
                kaohe::NewOffline {
                    group_code: &group.code,
                    subject_id: subject,
                    points: &points,
                    evidence: evidence.trim(),
                },
                me.user.id,
                now,
            )
            .await
            {
                Ok(_) => {}
                Err(e) => return fail(conflict(e)?).await,
            }
            detail = format!("subject {subject} by {}", group.code);
        }
        _ => return Err(AppError::NotFound),
    }
    audit_trail::record(
        &st,
        Actor::User(&me),
        &format!("kaohe.{action}"),
        &format!("kaohe:{id}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/kaohe/{id}")).into_response())
}

/// The subjects an account rates in "本组织" mode: its own branch (branch schemes), the
/// other members of its branch (member schemes), or its own organisation's 班子 but itself
/// (leading-cadre schemes).
async fn own_subjects(st: &AppState, row: &kaohe::SchemeRow, user: i64) -> Result<Vec<SubjectId>, AppError> {
    let (org, member) = dangjian_store::users::platform_binding(&st.db, user).await?;
    let member = match member {
        Some(m) => Some(members::get(&st.db, m).await?),
        None => None,
    };
    let home = member.as_ref().map(|m| m.org_id).or(org);
    let s = &row.scheme;
    Ok(match s.subject_kind {
        SubjectKind::Member => match home {
            Some(o) => members::in_orgs(&st.db, &[o])
                .await?
                .into_iter()
                .map(|m| m.id)
                .filter(|id| s.subjects.contains(id) && member.as_ref().is_none_or(|me| me.id != *id))
                .collect(),
            None => vec![],
        },
        SubjectKind::LeadingCadre => match home {
            Some(o) => dangjian_store::orgs::committee(&st.db, o)
                .await?
                .into_iter()
                .map(|(id, _, _)| id)
                .filter(|id| s.subjects.contains(id) && member.as_ref().is_none_or(|me| me.id != *id))
                .collect(),
            None => vec![],
        },
        SubjectKind::Branch => home.filter(|o| s.subjects.contains(o)).into_iter().collect(),
    })
}
