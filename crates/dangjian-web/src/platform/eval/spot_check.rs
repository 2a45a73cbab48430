//! 抽查 (spot checks) of 达标定级: the 退出机制's other trigger besides the next annual
//! assessment. A 机关党委 or 工委 officer above the branch opens a spot check for a year,
//! scores the same standard sheet (records-driven items measured as in the annual flow),
//! saving it as a draft over several visits if need be, and concludes it once
//! (`grading::conclude_spot_check`: no self-assessment, no 公示). Concluding applies
//! `FinalGrade::decide_check` against the grade the branch holds: a score below its band or
//! a veto removes or lowers it with reasons and rectification items, shown on the branch's
//! grading page; a spot check that confirms the grade leaves the grade history alone and
//! is listed among the spot checks.

use std::collections::HashMap;

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::{
        grading::{self as flow, CheckKind, Stage},
        standard::{ItemInput, SheetEntry, score_sheet},
    },
    roles::Role,
};
use dangjian_store::{StoreError, grading as store, orgs::Org};

use super::{
    super::{meetings::branch_in_scope, scope::Scope},
    current_standard, field,
    grading::audit,
    grading_sheet::{
        AspectLines, Breakdown, breakdown, flow_of, grade_name, held_grades, lines, named, sheet_from_form, to_rows,
        to_sheet, update_of,
    },
    measure, standard_by_id, today, year_or_now,
};
use crate::{
    AppError, AppState,
    admin::{accounts::form_pairs, current::CurrentUser, nav::Frame},
    platform::YearQuery,
};

/// One spot check as listed on the branch's grading page.
pub struct SpotLine {
    pub year: i32,
    pub stage: &'static str,
    pub total: String,
    pub grade: &'static str,
    pub outcome: String,
}

/// The branch's spot checks, newest first, with what each did to the held grade.
pub(super) async fn spot_lines(st: &AppState, org_id: i64) -> Result<Vec<SpotLine>, AppError> {
    let removals = store::removals(&st.db, org_id).await?;
    Ok(store::assessments_of(&st.db, org_id)
        .await?
        .into_iter()
        .filter(|a| a.check_kind == CheckKind::SpotCheck.code())
        .map(|a| SpotLine {
            year: a.year,
            stage: if a.stage == Stage::Final.code() { "已完成" } else { "评分中" },
            total: a.reviewed_total.clone().unwrap_or_default(),
            grade: a.grade.as_deref().map(grade_name).unwrap_or(""),
            outcome: outcome_of(&a, &removals),
        })
        .collect())
}

/// What a concluded spot check did to the held grade ("" while it is being scored).
fn outcome_of(a: &store::AssessmentRow, removals: &[(store::RemovalRow, Vec<store::RectificationRow>)]) -> String {
    if a.stage != Stage::Final.code() {
        return String::new();
    }
    match removals.iter().find(|(r, _)| r.assessment_id == Some(a.id)) {
        Some((r, _)) => format!("由“{}”调整为“{}”", grade_name(&r.from_grade), grade_name(&r.to_grade)),
        None => "未改变现有等次".into(),
    }
}

#[derive(Template)]
#[template(path = "platform/eval/grading_spot.html")]
struct SpotPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    year: i32,
    standard_name: String,
    held: String,
    exists: bool,
    done: bool,
    total: String,
    grade: String,
    outcome: String,
    can_open: bool,
    can_score: bool,
    /// Items scored by hand in the sheet saved so far while the check is open (0 when none).
    saved: usize,
    aspects: Vec<AspectLines>,
    breakdowns: Vec<Breakdown>,
    errors: Vec<String>,
}

/// Who may open and score a spot check: an officer of a 党委 above the branch (the
/// 机关党委 or the 工委), as for the 初评; the branch itself never checks itself.
fn may_check(scope: &Scope, id: i64) -> bool {
    scope.is_above(id)
}

async fn render(
    st: &AppState,
    me: &CurrentUser,
    scope: &Scope,
    org: &Org,
    year: i32,
    draft: Option<Vec<SheetEntry>>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let id = org.id;
    let a = store::assessment_for(&st.db, id, year, CheckKind::SpotCheck.code()).await?;
    let (standard, measured) = match &a {
        Some(a) => (standard_by_id(st, a.standard_id).await?, measure::measure(st, org, year, today()).await?),
        None => (current_standard(st).await?.1, HashMap::new()),
    };
    let done = a.as_ref().is_some_and(|a| a.stage == Stage::Final.code());
    let mut breakdowns = Vec::new();
    let stored = match &a {
        Some(a) => to_sheet(&store::entries(&st.db, a.id, "reviewed").await?),
        None => vec![],
    };
    if !stored.is_empty()
        && let Ok(s) = score_sheet(&standard, &stored)
    {
        breakdowns.push(breakdown(if done { "抽查评分" } else { "暂存的抽查评分（未提交）" }, &s, &standard));
    }
    let history = store::history(&st.db, id).await?;
    let held = history
        .last()
        .map(|g| format!("{}{}", grade_name(&g.grade), if g.four_strong { "（四强党支部）" } else { "" }))
        .unwrap_or_else(|| "尚未定级".into());
    let outcome = match &a {
        Some(a) => outcome_of(a, &store::removals(&st.db, id).await?),
        None => String::new(),
    };
    let page = SpotPage {
        title: "达标定级抽查",
        page: Frame::for_user(me),
        org_id: id,
        org: org.name.clone(),
        year,
        standard_name: format!("{}（第 {} 版）", standard.name, standard.version),
        held,
        exists: a.is_some(),
        done,
        total: a.as_ref().and_then(|a| a.reviewed_total.clone()).unwrap_or_default(),
        grade: a.as_ref().and_then(|a| a.grade.as_deref()).map(grade_name).unwrap_or("").to_owned(),
        outcome,
        can_open: a.is_none() && may_check(scope, id),
        can_score: a.is_some() && !done && may_check(scope, id),
        saved: if done { 0 } else { stored.iter().filter(|e| matches!(e.input, ItemInput::Manual(_))).count() },
        aspects: lines(&standard, &draft.unwrap_or(stored), &measured),
        breakdowns,
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/orgs/{id}/spot-check?year=`: the year's spot check of the branch.
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

/// `POST /platform/orgs/{id}/spot-check/{action}`: `open`, `save` (the sheet so far, kept
/// as a draft while the team goes on over several visits) or `conclude`.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, action)): Path<(i64, String)>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let org = branch_in_scope(&scope, id)?.clone();
    if !matches!(action.as_str(), "open" | "save" | "conclude") {
        return Err(AppError::NotFound);
    }
    if !may_check(&scope, id) {
        return Err(AppError::Forbidden);
    }
    let pairs = form_pairs(&body);
    let year = year_or_now(field(&pairs, "year").parse().ok())?;
    let back = Redirect::to(&format!("/platform/orgs/{id}/spot-check?year={year}")).into_response();
    let now = clock::now_micros();
    let today = today();

    if action == "open" {
        let (standard_id, _) = current_standard(&st).await?;
        let a = store::open_assessment(&st.db, id, year, CheckKind::SpotCheck.code(), standard_id, now).await?;
        audit(&st, &me, "grading.spot_open", id, &format!("#{} {year}", a.id)).await?;
        return Ok(back);
    }

    let Some(a) = store::assessment_for(&st.db, id, year, CheckKind::SpotCheck.code()).await? else {
        return Err(AppError::NotFound);
    };
    let standard = standard_by_id(&st, a.standard_id).await?;
    let measured = measure::measure(&st, &org, year, today).await?;
    let (sheet, parse_errors) = sheet_from_form(&standard, &pairs, &measured);
    if !parse_errors.is_empty() {
        return render(&st, &me, &scope, &org, year, Some(sheet), parse_errors).await;
    }
    if action == "save" {
        // A partial sheet is fine here; the domain checks it whole on `conclude`.
        match store::save_spot_check_draft(&st.db, a.id, &to_rows(&sheet), now).await {
            Ok(()) => {}
            Err(StoreError::Conflict(m)) => return render(&st, &me, &scope, &org, year, None, vec![m]).await,
            Err(e) => return Err(e.into()),
        }
        audit(&st, &me, "grading.spot_save", id, &format!("#{} {} items", a.id, sheet.len())).await?;
        return Ok(back);
    }
    let score = match score_sheet(&standard, &sheet) {
        Ok(s) => s,
        Err(e) => {
            return render(&st, &me, &scope, &org, year, Some(sheet), vec![named(&standard, e.to_string())]).await;
        }
    };
    let next = match flow::conclude_spot_check(&flow_of(&a), &score) {
        Ok(n) => n,
        Err(e) => return render(&st, &me, &scope, &org, year, None, vec![e.to_string()]).await,
    };
    let held = held_grades(&store::history(&st.db, id).await?);
    let final_grade = store::FinalGrade::decide_check(CheckKind::SpotCheck, &held, &score, &standard.bands, today);
    let mut update = update_of(&next);
    update.sheet = Some(("reviewed".to_owned(), to_rows(&sheet)));
    match store::transition(&st.db, a.id, &a.stage, &update, Some(&final_grade), now).await {
        Ok(()) => {}
        Err(StoreError::Conflict(_)) => {
            return render(&st, &me, &scope, &org, year, None, vec!["该抽查已被他人处理，请查看最新状态".into()]).await;
        }
        Err(e) => return Err(e.into()),
    }
    let detail = format!(
        "#{} {} {}{}",
        a.id,
        final_grade.total,
        final_grade.grade,
        if final_grade.removal.is_some() { "（取消原等次）" } else { "" }
    );
    audit(&st, &me, "grading.spot_conclude", id, &detail).await?;
    Ok(back)
}
