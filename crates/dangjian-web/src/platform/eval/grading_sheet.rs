//! 达标定级 score sheets between the store, the forms and the pages: the stored flow and
//! sheet as the domain reads them and back, a sheet read from a form, and the views of a
//! sheet (its input lines and its scored breakdown). Shared by the annual flow
//! ([`super::grading`]), the spot checks ([`super::spot_check`]) and 四强 ([`super::four_strong`]).

use std::{collections::HashMap, str::FromStr};

use dangjian_domain::eval::{
    grading::{AssessmentFlow, Grade, HeldGrade, Stage},
    round_score,
    standard::{AutoSource, ItemInput, ItemKind, SheetEntry, SheetScore, Standard},
};
use dangjian_store::grading as store;
use rust_decimal::Decimal;

use super::{field, iso, parse_date};

/// A stored assessment as the domain's flow, so each step is decided by the domain's rules.
pub(super) fn flow_of(a: &store::AssessmentRow) -> AssessmentFlow {
    let dec = |s: &Option<String>| s.as_deref().and_then(|v| Decimal::from_str(v).ok());
    AssessmentFlow {
        stage: Stage::from_code(&a.stage).unwrap_or(Stage::Draft),
        self_total: dec(&a.self_total),
        preliminary_total: dec(&a.preliminary_total),
        reviewed_total: dec(&a.reviewed_total),
        grade: a.grade.as_deref().and_then(Grade::from_code),
        notice: match (a.notice_from.as_deref().and_then(parse_date), a.notice_to.as_deref().and_then(parse_date)) {
            (Some(f), Some(t)) => Some((f, t)),
            _ => None,
        },
        last_return_reason: Some(a.return_reason.clone()).filter(|r| !r.is_empty()),
    }
}

/// What the store writes for the flow the domain answered (totals to two decimals).
pub(super) fn update_of(f: &AssessmentFlow) -> store::FlowUpdate {
    let dec = |d: Option<Decimal>| d.map(|v| format!("{v:.2}"));
    store::FlowUpdate {
        stage: f.stage.code().into(),
        self_total: dec(f.self_total),
        preliminary_total: dec(f.preliminary_total),
        reviewed_total: dec(f.reviewed_total),
        grade: f.grade.map(|g| g.code().into()),
        notice_from: f.notice.map(|(a, _)| iso(a)),
        notice_to: f.notice.map(|(_, b)| iso(b)),
        return_reason: f.last_return_reason.clone().unwrap_or_default(),
        sheet: None,
    }
}

/// Stored sheet lines as the domain's sheet; a line that no longer parses is left out.
pub(super) fn to_sheet(rows: &[store::EntryRow]) -> Vec<SheetEntry> {
    rows.iter().filter_map(store::EntryRow::to_entry).collect()
}

/// A sheet as stored lines (the inverse of [`to_sheet`]).
pub(super) fn to_rows(sheet: &[SheetEntry]) -> Vec<store::EntryRow> {
    sheet.iter().map(store::EntryRow::from_entry).collect()
}

/// Reads a sheet from the form (`v.CODE`, `e.CODE`, `n.CODE`); automatic items take the
/// measured value whatever the form says. Returns the entries and the fields that did not
/// parse. A manual field left empty is left out (the domain reports it as not scored).
pub(super) fn sheet_from_form(
    standard: &Standard,
    pairs: &[(String, String)],
    measured: &HashMap<AutoSource, (Decimal, String)>,
) -> (Vec<SheetEntry>, Vec<String>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (_, item) in standard.items() {
        let v = field(pairs, &format!("v.{}", item.code));
        let evidence: Vec<String> = field(pairs, &format!("e.{}", item.code))
            .lines()
            .map(|l| l.trim().chars().take(200).collect::<String>())
            .filter(|l| !l.is_empty())
            .take(20)
            .collect();
        let note: String = field(pairs, &format!("n.{}", item.code)).chars().take(300).collect();
        let input = if item.kind == ItemKind::Veto {
            ItemInput::Veto(v == "on" || v == "true" || v == "1")
        } else if let Some(rule) = &item.auto {
            ItemInput::Measured(measured.get(&rule.source).map(|m| m.0).unwrap_or_default())
        } else if v.is_empty() {
            continue;
        } else {
            match Decimal::from_str(&v) {
                Ok(d) if d.scale() <= 2 => ItemInput::Manual(d),
                _ => {
                    errors.push(format!("“{}”的分值应为数字，最多两位小数", item.name));
                    continue;
                }
            }
        };
        out.push(SheetEntry { item: item.code.clone(), input, evidence, note });
    }
    (out, errors)
}

/// A domain message that names item codes, with the names the users know.
pub(super) fn named(standard: &Standard, msg: String) -> String {
    let mut msg = msg;
    for (_, i) in standard.items() {
        msg = msg.replace(&format!(" {} ", i.code), &format!("“{}”", i.name));
        msg = msg.replace(&i.code, &i.name);
    }
    msg
}

/// One input line of the form.
pub struct ItemLine {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub max: String,
    pub evidence_required: String,
    pub auto: Option<String>,
    pub veto: bool,
    pub value: String,
    pub checked: bool,
    pub evidence: String,
    pub note: String,
}

/// One aspect's input lines, as the form shows them.
pub struct AspectLines {
    pub name: String,
    pub weight: String,
    pub items: Vec<ItemLine>,
}

/// A scored sheet as shown.
pub struct Breakdown {
    pub level: &'static str,
    pub aspects: Vec<(String, String, String, String, String)>,
    pub items: Vec<(String, String, String, String, String)>,
    pub total: String,
    pub grade: &'static str,
    pub vetoes: Vec<String>,
    pub missing_evidence: Vec<String>,
}

/// A scored sheet's view: per aspect and per item, with vetoes and missing evidence by name.
pub(super) fn breakdown(level: &'static str, s: &SheetScore, standard: &Standard) -> Breakdown {
    Breakdown {
        level,
        aspects: s
            .aspects
            .iter()
            .map(|a| {
                (
                    a.name.clone(),
                    format!("{}", a.weight),
                    format!("{} / {}", a.base_points, a.base_max),
                    format!("{}", a.bonus),
                    format!("{}", a.contribution),
                )
            })
            .collect(),
        items: s
            .all_items()
            .map(|i| {
                (
                    i.name.clone(),
                    i.kind.name().to_owned(),
                    if i.kind == ItemKind::Veto {
                        if i.vetoed { "触发".into() } else { "未触发".into() }
                    } else {
                        format!("{} / {}", i.points, i.max_points)
                    },
                    i.measured.map(|m| format!("平台取数 {m}")).unwrap_or_default(),
                    i.note.clone(),
                )
            })
            .collect(),
        total: format!("{}", round_score(s.total)),
        grade: s.grade.name(),
        vetoes: s.vetoes.iter().map(|c| named(standard, c.clone())).collect(),
        missing_evidence: s.missing_evidence().into_iter().map(|c| named(standard, c.to_owned())).collect(),
    }
}

/// The form's input lines for `sheet` (the values entered so far), with the measured values.
pub(super) fn lines(
    standard: &Standard,
    sheet: &[SheetEntry],
    measured: &HashMap<AutoSource, (Decimal, String)>,
) -> Vec<AspectLines> {
    standard
        .aspects
        .iter()
        .map(|a| AspectLines {
            name: a.name.clone(),
            weight: a.weight.to_string(),
            items: a
                .items
                .iter()
                .map(|i| {
                    let e = sheet.iter().find(|e| e.item == i.code);
                    let (value, checked) = match e.map(|e| &e.input) {
                        Some(ItemInput::Manual(d)) => (d.to_string(), false),
                        Some(ItemInput::Veto(v)) => (String::new(), *v),
                        _ => (String::new(), false),
                    };
                    ItemLine {
                        code: i.code.clone(),
                        name: i.name.clone(),
                        kind: match i.kind {
                            ItemKind::Deduction => "扣分（填写扣除的分数）",
                            ItemKind::Bonus => "加分（填写加分）",
                            ItemKind::Scored => "评分（填写得分）",
                            ItemKind::Veto => "一票否决",
                        },
                        max: i.max_points.to_string(),
                        evidence_required: i.evidence.clone(),
                        auto: i.auto.as_ref().map(|r| {
                            let m = measured.get(&r.source);
                            format!(
                                "{}：{}（{}）",
                                r.source.name(),
                                m.map(|m| m.0.to_string()).unwrap_or_default(),
                                m.map(|m| m.1.clone()).unwrap_or_default()
                            )
                        }),
                        veto: i.kind == ItemKind::Veto,
                        value,
                        checked,
                        evidence: e.map(|e| e.evidence.join("\n")).unwrap_or_default(),
                        note: e.map(|e| e.note.clone()).unwrap_or_default(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A grade code's name, "—" for none.
pub(super) fn grade_name(code: &str) -> &'static str {
    Grade::from_code(code).map(Grade::name).unwrap_or("—")
}

/// The branch's grade history as the domain reads it, oldest first.
pub(super) fn held_grades(rows: &[store::GradeRow]) -> Vec<HeldGrade> {
    rows.iter()
        .filter_map(|g| {
            Some(HeldGrade {
                on: parse_date(&g.on_date)?,
                grade: Grade::from_code(&g.grade)?,
                four_strong: g.four_strong,
            })
        })
        .collect()
}
