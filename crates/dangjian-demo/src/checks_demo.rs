//! Demo data beyond the annual 达标定级 round: this year's concluded spot check (抽查) of a
//! branch that keeps its grade, and a 示范 branch designated 四强党支部 by the 工委 with a
//! reason. Both go through the store functions and domain rules the pages use
//! (`open_assessment` + `conclude_spot_check` + `FinalGrade::decide_check` + `transition`;
//! `designate_four_strong` + `set_four_strong`), so the demo shows what the pages write.
//!
//! Runs at the end of [`crate::generate_evaluation`], once every branch holds last year's
//! grade. Deterministic: the branches are chosen in the order the store lists them.

use dangjian_domain::eval::{
    grading::{self as flow, AssessmentFlow, CheckKind, FourStrong, Grade, HeldGrade},
    standard::{ItemInput, SheetEntry, Standard, score_sheet},
};
use dangjian_domain::orgs::OrgKind;
use dangjian_store::{Db, StoreError, grading, orgs};
use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::DemoError;

/// What [`generate_checks`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChecksSummary {
    pub spot_checks: usize,
    pub designations: usize,
}

/// Why the 工委 named the demo's 四强党支部 (the page asks for a reason, and so does the rule).
pub const FOUR_STRONG_REASON: &str = "经工委实地考察，政治功能、支部班子、党员队伍、作用发挥四项条件均达到";

/// Written by the inspection team on each line of the demo's spot check.
const SPOT_NOTE: &str = "抽查核实：与年度考评情况一致";

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn config_error(e: impl ToString) -> DemoError {
    DemoError::Store(StoreError::Config(e.to_string()))
}

/// A stored sheet as the domain reads it (as the pages do).
fn to_sheet(rows: &[grading::EntryRow]) -> Result<Vec<SheetEntry>, DemoError> {
    rows.iter()
        .map(|r| {
            let value = || r.value.parse::<Decimal>().map_err(config_error);
            let input = match r.input_kind.as_str() {
                "veto" => ItemInput::Veto(r.value == "true"),
                "measured" => ItemInput::Measured(value()?),
                _ => ItemInput::Manual(value()?),
            };
            Ok(SheetEntry {
                item: r.item.clone(),
                input,
                evidence: r.evidence.lines().map(str::to_owned).collect(),
                note: r.note.clone(),
            })
        })
        .collect()
}

/// The grade history as the domain reads it, oldest first.
fn held_grades(rows: &[grading::GradeRow]) -> Vec<HeldGrade> {
    rows.iter()
        .filter_map(|g| {
            Some(HeldGrade {
                on: Date::parse(&g.on_date, &time::format_description::well_known::Iso8601::DATE).ok()?,
                grade: Grade::from_code(&g.grade)?,
                four_strong: g.four_strong,
            })
        })
        .collect()
}

/// Writes this year's spot check and the 四强 designation (see the module documentation).
/// `standard_id` is the stored standard last year's round was scored on.
pub async fn generate_checks(
    db: &Db,
    standard: &Standard,
    standard_id: i64,
    today: Date,
    now: i64,
) -> Result<ChecksSummary, DemoError> {
    let mut summary = ChecksSummary::default();
    // Branches holding 达标 or 示范 without 四强, each with its history.
    let mut candidates = Vec::new();
    for b in orgs::all(db).await?.into_iter().filter(|o| OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch())) {
        let rows = grading::history(db, b.id).await?;
        if rows.last().is_some_and(|g| !g.four_strong && Grade::from_code(&g.grade) >= Some(Grade::Standard)) {
            candidates.push((b, rows));
        }
    }

    // 四强 on the first 示范 branch, a few weeks ago.
    let named = candidates.iter().position(|(_, rows)| rows.last().is_some_and(|g| g.grade == Grade::Model.code()));
    if let Some(i) = named {
        let (_, rows) = candidates.remove(i);
        let on = today - Duration::days(30);
        let all_four = FourStrong { political_function: true, committee: true, membership: true, role: true };
        flow::designate_four_strong(&held_grades(&rows), &all_four, FOUR_STRONG_REASON, on).map_err(config_error)?;
        let last = rows.last().ok_or_else(|| config_error("no grade held"))?;
        let note = format!("命名“四强党支部”：{FOUR_STRONG_REASON}");
        grading::set_four_strong(db, last, true, &iso(on), &note, now).await?;
        summary.designations += 1;
    }

    // A spot check of the next branch: the team re-scores last year's reviewed sheet on the
    // spot and finds it as reported, so the grade stands and the history is left alone.
    let last_year = today.year() - 1;
    for (b, rows) in &candidates {
        let Some(annual) = grading::assessment_for(db, b.id, last_year, CheckKind::Annual.code()).await? else {
            continue;
        };
        let mut sheet = to_sheet(&grading::entries(db, annual.id, "reviewed").await?)?;
        for e in &mut sheet {
            e.note = SPOT_NOTE.into();
        }
        let score = score_sheet(standard, &sheet).map_err(config_error)?;
        let a = grading::open_assessment(db, b.id, today.year(), CheckKind::SpotCheck.code(), standard_id, now).await?;
        let next = flow::conclude_spot_check(&AssessmentFlow::new(), &score).map_err(config_error)?;
        let on = today - Duration::days(10);
        let f =
            grading::FinalGrade::decide_check(CheckKind::SpotCheck, &held_grades(rows), &score, &standard.bands, on);
        if f.removal.is_some() {
            return Err(config_error("the demo's spot check should confirm the grade"));
        }
        let lines = sheet.iter().map(grading::EntryRow::from_entry).collect();
        let u = grading::FlowUpdate {
            stage: next.stage.code().into(),
            reviewed_total: next.reviewed_total.map(|t| format!("{t:.2}")),
            grade: next.grade.map(|g| g.code().into()),
            sheet: Some(("reviewed".into(), lines)),
            ..Default::default()
        };
        grading::transition(db, a.id, &a.stage, &u, Some(&f), now).await?;
        summary.spot_checks += 1;
        break;
    }
    Ok(summary)
}
