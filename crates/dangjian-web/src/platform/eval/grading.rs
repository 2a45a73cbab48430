//! 达标定级 of one branch (`/platform/orgs/{id}/grading`): the self-assessment with per-item
//! inputs and the computed breakdown, the 机关党委's 初评 and the 工委's 审核, 公示 and 定级,
//! the 退出机制 with rectification items, the grade history, and the branch's spot checks.
//! The sheets' conversions and views are in [`super::grading_sheet`]; the overview and its
//! statistics in [`super::grading_overview`].
//!
//! Who acts: the branch's own account fills in and submits; any 党委 above it (`is_above`)
//! scores the 初评 or sends the sheet back; an account of the 工委 reviews, runs the 公示
//! and makes the grade final. Each step is a compare-and-set on the stage.

use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::{
        grading::{self as flow, CheckKind, FlowConfig, Grade, Stage},
        standard::{SheetEntry, score_sheet},
    },
    orgs::OrgKind,
    roles::Role,
};
use dangjian_store::{StoreError, grading as store, orgs::Org};

use super::{
    super::{meetings::branch_in_scope, scope::Scope},
    current_standard, field, four_strong,
    grading_sheet::{
        AspectLines, Breakdown, breakdown, flow_of, grade_name, held_grades, lines, named, sheet_from_form, to_rows,
        to_sheet, update_of,
    },
    measure,
    spot_check::{self, SpotLine},
    standard_by_id, today, year_or_now,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::YearQuery,
};

/// The account is the 工委's (the top of the tree): it reviews and finalises.
pub(super) fn is_committee(scope: &Scope) -> bool {
    scope.root.and_then(|r| scope.all_orgs.iter().find(|o| o.id == r)).map(|o| o.kind.as_str())
        == Some(OrgKind::WorkingCommittee.code())
}

/// The branch's own account (bound to this very branch).
fn is_own(scope: &Scope, id: i64) -> bool {
    scope.root == Some(id)
}

pub struct HistoryLine {
    pub year: i32,
    pub on: String,
    pub grade: &'static str,
    pub total: String,
    pub four_strong: bool,
    /// Why a row without an assessment was written (四强 designation or revocation).
    pub note: String,
}

/// A rectification item as listed: (id, aspect, name, lost, vetoed, note, open, done note).
pub type RectificationLine = (i64, String, String, String, bool, String, bool, String);

pub struct RemovalView {
    pub on: String,
    pub check: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub reasons: Vec<String>,
    pub four_strong_revoked: bool,
    pub items: Vec<RectificationLine>,
}

#[derive(Template)]
#[template(path = "platform/eval/grading.html")]
struct GradingPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    standard_name: String,
    exists: bool,
    stage: String,
    self_total: String,
    preliminary_total: String,
    reviewed_total: String,
    grade: String,
    notice: String,
    return_reason: String,
    /// Which form is shown: `save`/`submit` (branch), `preliminary`, `review`, or "".
    form_action: &'static str,
    form_title: &'static str,
    aspects: Vec<AspectLines>,
    breakdowns: Vec<Breakdown>,
    can_open: bool,
    can_send_back: bool,
    can_notice: bool,
    can_object: bool,
    can_finalise: bool,
    can_rectify: bool,
    errors: Vec<String>,
    history: Vec<HistoryLine>,
    removals: Vec<RemovalView>,
    /// The grade held now, with 四强 when designated ("" when none).
    held: String,
    /// The 工委 may designate (held 达标 or above, not yet 四强) or revoke.
    can_designate: bool,
    can_revoke: bool,
    spot_checks: Vec<SpotLine>,
}

pub(super) async fn render(
    st: &AppState,
    me: &CurrentUser,
    scope: &Scope,
    org: &Org,
    year: i32,
    draft: Option<Vec<SheetEntry>>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let id = org.id;
    let a = store::assessment_for(&st.db, id, year, CheckKind::Annual.code()).await?;
    let (standard, measured) = match &a {
        Some(a) => (standard_by_id(st, a.standard_id).await?, measure::measure(st, org, year, today()).await?),
        None => (current_standard(st).await?.1, HashMap::new()),
    };
    let mut breakdowns = Vec::new();
    let mut form_action = "";
    let mut form_title = "";
    let mut sheet_for_form = Vec::new();
    if let Some(a) = &a {
        let stage = Stage::from_code(&a.stage).unwrap_or(Stage::Draft);
        let mut prev: Vec<SheetEntry> = Vec::new();
        for (level, name) in [("self", "支部自评"), ("preliminary", "机关党委初评"), ("reviewed", "工委审核")]
        {
            let sheet = to_sheet(&store::entries(&st.db, a.id, level).await?);
            if sheet.is_empty() {
                continue;
            }
            if let Ok(s) = score_sheet(&standard, &sheet) {
                breakdowns.push(breakdown(name, &s, &standard));
            }
            prev = sheet;
        }
        let (action, title) = match stage {
            Stage::Draft if is_own(scope, id) => ("submit", "支部自评"),
            Stage::SelfAssessed if scope.is_above(id) => ("preliminary", "机关党委初评"),
            Stage::Preliminary if is_committee(scope) && scope.is_above(id) => ("review", "工委审核"),
            _ => ("", ""),
        };
        form_action = action;
        form_title = title;
        sheet_for_form = draft.clone().unwrap_or(prev);
        // The branch's unsaved or saved draft, scored as it stands.
        if let Some(d) = &draft {
            match score_sheet(&standard, d) {
                Ok(s) => breakdowns.insert(0, breakdown("当前填写（未提交）", &s, &standard)),
                Err(e) => breakdowns.insert(
                    0,
                    Breakdown {
                        level: "当前填写（未提交）",
                        aspects: vec![],
                        items: vec![],
                        total: "—".into(),
                        grade: "尚不能计算",
                        vetoes: vec![named(&standard, e.to_string())],
                        missing_evidence: vec![],
                    },
                ),
            }
        }
    }
    let stage = a.as_ref().and_then(|a| Stage::from_code(&a.stage));
    let grades = store::history(&st.db, id).await?;
    let last = grades.last().map(|g| (Grade::from_code(&g.grade), g.four_strong));
    let history = grades
        .into_iter()
        .rev()
        .map(|g| HistoryLine {
            year: g.year,
            on: g.on_date,
            grade: grade_name(&g.grade),
            total: g.total,
            four_strong: g.four_strong,
            note: g.note,
        })
        .collect();
    let removals = store::removals(&st.db, id)
        .await?
        .into_iter()
        .map(|(r, items)| RemovalView {
            on: r.on_date,
            check: CheckKind::from_code(&r.check_kind).map(CheckKind::name).unwrap_or(""),
            from: grade_name(&r.from_grade),
            to: grade_name(&r.to_grade),
            reasons: r.reasons.lines().map(str::to_owned).collect(),
            four_strong_revoked: r.four_strong_revoked,
            items: items
                .into_iter()
                .map(|i| (i.id, i.aspect, i.name, i.lost, i.vetoed, i.note, i.status == "open", i.done_note))
                .collect(),
        })
        .collect();
    let committee = is_committee(scope) && scope.is_above(id);
    let page = GradingPage {
        title: "达标定级",
        page: Frame::for_user(me),
        org_id: id,
        org: org.name.clone(),
        year,
        standard_name: format!("{}（第 {} 版）", standard.name, standard.version),
        exists: a.is_some(),
        stage: stage.map(|s| s.name().to_owned()).unwrap_or_else(|| "尚未开始".into()),
        self_total: a.as_ref().and_then(|a| a.self_total.clone()).unwrap_or_default(),
        preliminary_total: a.as_ref().and_then(|a| a.preliminary_total.clone()).unwrap_or_default(),
        reviewed_total: a.as_ref().and_then(|a| a.reviewed_total.clone()).unwrap_or_default(),
        grade: a.as_ref().and_then(|a| a.grade.as_deref()).map(grade_name).unwrap_or("").to_owned(),
        notice: match a.as_ref().map(|a| (a.notice_from.clone(), a.notice_to.clone())) {
            Some((Some(f), Some(t))) => format!("{f} 至 {t}"),
            _ => String::new(),
        },
        return_reason: a.as_ref().map(|a| a.return_reason.clone()).unwrap_or_default(),
        form_action,
        form_title,
        aspects: lines(&standard, &sheet_for_form, &measured),
        breakdowns,
        can_open: a.is_none() && is_own(scope, id),
        can_send_back: (matches!(stage, Some(Stage::SelfAssessed)) && scope.is_above(id))
            || (matches!(stage, Some(Stage::Preliminary)) && committee),
        can_notice: matches!(stage, Some(Stage::Reviewed)) && committee,
        can_object: matches!(stage, Some(Stage::Notice)) && committee,
        can_finalise: matches!(stage, Some(Stage::Notice)) && committee,
        can_rectify: is_own(scope, id) || scope.is_above(id),
        errors,
        history,
        removals,
        held: match last {
            Some((g, fs)) => format!("{}{}", g.map(Grade::name).unwrap_or("—"), if fs { " · 四强党支部" } else { "" }),
            None => String::new(),
        },
        // Offered only where the domain would agree; it checks again on the POST.
        can_designate: committee && last.is_some_and(|(g, fs)| !fs && g >= Some(Grade::Standard)),
        can_revoke: committee && last.is_some_and(|(_, fs)| fs),
        spot_checks: spot_check::spot_lines(st, id).await?,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn page(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let year = year_or_now(q.year)?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch_in_scope(&scope, id)?.clone();
    render(&st, &me, &scope, &org, year, None, vec![]).await
}

/// `POST /platform/orgs/{id}/grading/{action}`.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch_in_scope(&scope, id)?.clone();
    let pairs = form_pairs(&body);
    let year = year_or_now(field(&pairs, "year").parse().ok())?;
    let back = Redirect::to(&format!("/platform/orgs/{id}/grading?year={year}")).into_response();
    let now = clock::now_micros();
    let today = today();
    let committee = is_committee(&scope) && scope.is_above(id);

    if matches!(action.as_str(), "designate" | "revoke") {
        return four_strong::act(&st, &me, &scope, &org, year, &action, &pairs).await;
    }
    if action == "open" {
        if !is_own(&scope, id) {
            return Err(AppError::Forbidden);
        }
        let (standard_id, _) = current_standard(&st).await?;
        let a = store::open_assessment(&st.db, id, year, CheckKind::Annual.code(), standard_id, now).await?;
        audit(&st, &me, "grading.open", id, &format!("#{} {year}", a.id)).await?;
        return Ok(back);
    }
    if action == "rectify" {
        if !is_own(&scope, id) && !scope.is_above(id) {
            return Err(AppError::Forbidden);
        }
        let item: i64 = field(&pairs, "rectification_id").parse().map_err(|_| AppError::NotFound)?;
        let note: String = field(&pairs, "done_note").chars().take(300).collect();
        if note.is_empty() {
            return render(&st, &me, &scope, &org, year, None, vec!["请写明整改情况".into()]).await;
        }
        match store::close_rectification(&st.db, id, item, &note).await {
            Ok(()) => {}
            Err(StoreError::Conflict(_)) => return Err(AppError::NotFound),
            Err(e) => return Err(e.into()),
        }
        audit(&st, &me, "grading.rectify", id, &format!("rectification #{item}")).await?;
        return Ok(back);
    }

    let Some(a) = store::assessment_for(&st.db, id, year, CheckKind::Annual.code()).await? else {
        return Err(AppError::NotFound);
    };
    // Who may take each step, before anything is read from the form.
    let allowed = match action.as_str() {
        "save" | "submit" => is_own(&scope, id),
        "preliminary" => scope.is_above(id),
        "send_back" => scope.is_above(id),
        "review" | "notice" | "object" | "finalise" => committee,
        _ => return Err(AppError::NotFound),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let standard = standard_by_id(&st, a.standard_id).await?;
    let current = flow_of(&a);
    let measured = measure::measure(&st, &org, year, today).await?;
    let (sheet, parse_errors) = sheet_from_form(&standard, &pairs, &measured);
    let fail = |errors: Vec<String>, draft: Option<Vec<SheetEntry>>| {
        let (st, me, scope, org) = (&st, &me, &scope, &org);
        async move { render(st, me, scope, org, year, draft, errors).await }
    };

    let mut next_sheet: Option<(&str, &Vec<SheetEntry>)> = None;
    let mut final_grade = None;
    let next = match action.as_str() {
        "save" => {
            if current.stage != Stage::Draft {
                return fail(vec!["自评已提交，不能再修改".into()], None).await;
            }
            if !parse_errors.is_empty() {
                return fail(parse_errors, Some(sheet)).await;
            }
            match store::save_draft(&st.db, a.id, &to_rows(&sheet), now).await {
                Ok(()) => {}
                Err(StoreError::Conflict(m)) => return fail(vec![m], None).await,
                Err(e) => return Err(e.into()),
            }
            audit(&st, &me, "grading.save", id, &format!("#{}", a.id)).await?;
            return render(&st, &me, &scope, &org, year, Some(sheet), vec![]).await;
        }
        "submit" | "preliminary" | "review" => {
            if !parse_errors.is_empty() {
                return fail(parse_errors, Some(sheet)).await;
            }
            let score = match score_sheet(&standard, &sheet) {
                Ok(s) => s,
                Err(e) => return fail(vec![named(&standard, e.to_string())], Some(sheet)).await,
            };
            let (step, level) = match action.as_str() {
                "submit" => (flow::submit_self(&current, &score), "self"),
                "preliminary" => (flow::preliminary(&current, &score), "preliminary"),
                _ => (flow::review(&current, &score), "reviewed"),
            };
            match step {
                Ok(n) => {
                    next_sheet = Some((level, &sheet));
                    n
                }
                Err(e) => return fail(vec![named(&standard, e.to_string())], Some(sheet)).await,
            }
        }
        "send_back" | "object" => {
            let reason: String = field(&pairs, "reason").chars().take(300).collect();
            let step = if action == "send_back" {
                // The 工委 sends back from 初评, the 机关党委 only from 自评.
                if current.stage == Stage::Preliminary && !committee {
                    return Err(AppError::Forbidden);
                }
                flow::send_back(&current, &reason)
            } else {
                flow::object(&current, &reason)
            };
            match step {
                Ok(n) => n,
                Err(e) => return fail(vec![e.to_string()], None).await,
            }
        }
        "notice" => match flow::start_notice(&current, today, &FlowConfig::default()) {
            Ok(n) => n,
            Err(e) => return fail(vec![e.to_string()], None).await,
        },
        _ => {
            // finalise
            let n = match flow::finalise(&current, today) {
                Ok(n) => n,
                Err(e) => return fail(vec![e.to_string()], None).await,
            };
            let reviewed = to_sheet(&store::entries(&st.db, a.id, "reviewed").await?);
            let score = score_sheet(&standard, &reviewed).map_err(|e| AppError::Internal(e.to_string()))?;
            let held = held_grades(&store::history(&st.db, id).await?);
            final_grade = Some(store::FinalGrade::decide(&held, &score, &standard.bands, today));
            n
        }
    };
    let mut update = update_of(&next);
    if let Some((level, sheet)) = next_sheet {
        update.sheet = Some((level.to_owned(), to_rows(sheet)));
    }
    match store::transition(&st.db, a.id, &a.stage, &update, final_grade.as_ref(), now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return fail(vec!["该考评已被他人处理，请查看最新状态".into()], None).await;
        }
        Err(e) => return Err(e.into()),
    }
    let detail = match &final_grade {
        Some(f) => {
            format!("#{} {} → {}{}", a.id, a.stage, f.grade, if f.removal.is_some() { "（取消原等次）" } else { "" })
        }
        None => format!("#{} {} → {}", a.id, a.stage, next.stage.code()),
    };
    audit(&st, &me, &format!("grading.{action}"), id, &detail).await?;
    Ok(back)
}

pub(super) async fn audit(
    st: &AppState,
    me: &CurrentUser,
    action: &str,
    org: i64,
    detail: &str,
) -> Result<(), AppError> {
    audit_trail::record(st, Actor::User(me), action, &format!("org:{org}"), audit_trail::SUCCESS, detail).await
}
