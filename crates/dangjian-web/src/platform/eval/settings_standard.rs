//! `/platform/grading/standard`: the 工委 edits the 达标定级 standard — aspects and their
//! weights, items (maximum, kind, evidence, automatic measurement, veto) and the grade bands.
//!
//! Saving never edits a version: it stores the next one, and assessments already opened
//! keep the id of the version they were opened under (DESIGN-NOTES "Evaluation"). The form
//! posts a flat list of rows (`a{i}.*` for aspects, `i{j}.*` for items, an item naming its
//! aspect by row number) so it works without JavaScript, with blank rows for additions and a
//! 删除 box per row. A refused form is drawn again from what was posted, so nothing typed is
//! lost, and nothing is stored.

use std::{collections::HashMap, str::FromStr};

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::eval::{
    grading::GradeBands,
    standard::{Aspect, AutoMapping, AutoRule, AutoSource, FULL_MARKS, Item, ItemKind, MAPPING_KINDS, Standard},
};
use dangjian_store::{StoreError, grading as store};
use rust_decimal::Decimal;

use super::{super::frequencies::require_top, STANDARD_CODE, current_standard, field};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
};

/// Blank rows offered for additions.
const BLANK_ASPECTS: usize = 1;
const BLANK_ITEMS: usize = 3;
/// More rows than this in one post is not a form a person filled in.
const MAX_ROWS: usize = 200;

/// One aspect row as typed.
#[derive(Debug, Clone, Default)]
pub struct AspectRow {
    pub code: String,
    pub name: String,
    pub weight: String,
}

/// One item row as typed; `aspect` is the aspect's row number.
#[derive(Debug, Clone, Default)]
pub struct ItemRow {
    pub aspect: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub max: String,
    pub evidence: String,
    pub source: String,
    pub map: String,
    pub params: String,
}

/// The whole form as strings, so a refused post is shown back exactly as typed.
#[derive(Debug, Clone, Default)]
pub struct StandardForm {
    pub name: String,
    pub total_cap: String,
    pub model_min: String,
    pub standard_min: String,
    pub aspects: Vec<AspectRow>,
    pub items: Vec<ItemRow>,
}

fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

impl StandardForm {
    fn of(s: &Standard) -> StandardForm {
        let mut items = Vec::new();
        for (ai, a) in s.aspects.iter().enumerate() {
            for i in &a.items {
                let (map, params) = i.auto.as_ref().map(|r| r.mapping.to_form()).unwrap_or(("", String::new()));
                items.push(ItemRow {
                    aspect: ai.to_string(),
                    code: i.code.clone(),
                    name: i.name.clone(),
                    kind: i.kind.code().to_owned(),
                    max: num(i.max_points),
                    evidence: i.evidence.clone(),
                    source: i.auto.as_ref().map(|r| r.source.code().to_owned()).unwrap_or_default(),
                    map: map.to_owned(),
                    params,
                });
            }
        }
        StandardForm {
            name: s.name.clone(),
            total_cap: s.total_cap.map(num).unwrap_or_default(),
            model_min: num(s.bands.model_min),
            standard_min: num(s.bands.standard_min),
            aspects: s
                .aspects
                .iter()
                .map(|a| AspectRow { code: a.code.clone(), name: a.name.clone(), weight: num(a.weight) })
                .collect(),
            items,
        }
    }

    /// The rows posted, without those marked 删除 and those left blank.
    fn posted(pairs: &[(String, String)]) -> StandardForm {
        // One lookup per field: a standard of 200 items posts a few thousand pairs.
        let mut by_name: HashMap<&str, &str> = HashMap::with_capacity(pairs.len());
        for (k, v) in pairs {
            by_name.entry(k.as_str()).or_insert(v.trim());
        }
        let get = |k: String| by_name.get(k.as_str()).map(|v| (*v).to_owned()).unwrap_or_default();
        let has = |k: String| by_name.contains_key(k.as_str());
        // (row, deleted): blank rows are skipped; a deleted aspect takes its items with it.
        let mut aspects: Vec<(Option<AspectRow>, bool)> = Vec::new();
        for i in 0..MAX_ROWS {
            if !has(format!("a{i}.code")) {
                break;
            }
            let row = AspectRow {
                code: get(format!("a{i}.code")),
                name: get(format!("a{i}.name")),
                weight: get(format!("a{i}.weight")),
            };
            let deleted = !get(format!("a{i}.drop")).is_empty();
            let blank = row.code.is_empty() && row.name.is_empty() && row.weight.is_empty();
            aspects.push(((!deleted && !blank).then_some(row), deleted));
        }
        // Items name their aspect by its posted row number; renumber to the rows kept.
        let mut renumber: Vec<Option<usize>> = Vec::with_capacity(aspects.len());
        let mut kept = Vec::new();
        for (row, _) in &aspects {
            renumber.push(row.as_ref().map(|_| kept.len()));
            kept.extend(row.clone());
        }
        let mut items = Vec::new();
        for j in 0..MAX_ROWS {
            if !has(format!("i{j}.code")) {
                break;
            }
            let row = ItemRow {
                aspect: get(format!("i{j}.aspect")),
                code: get(format!("i{j}.code")),
                name: get(format!("i{j}.name")),
                kind: get(format!("i{j}.kind")),
                max: get(format!("i{j}.max")),
                evidence: get(format!("i{j}.evidence")),
                source: get(format!("i{j}.source")),
                map: get(format!("i{j}.map")),
                params: get(format!("i{j}.params")),
            };
            if (row.code.is_empty() && row.name.is_empty()) || !get(format!("i{j}.drop")).is_empty() {
                continue;
            }
            let posted: Option<usize> = row.aspect.parse().ok();
            if posted.and_then(|a| aspects.get(a)).is_some_and(|(_, deleted)| *deleted) {
                continue;
            }
            // An aspect left blank keeps its items with no aspect, so parse() names them.
            let aspect = posted.and_then(|a| renumber.get(a).copied().flatten()).map(|n| n.to_string());
            items.push(ItemRow { aspect: aspect.unwrap_or_default(), ..row });
        }
        StandardForm {
            name: get("name".into()),
            total_cap: get("total_cap".into()),
            model_min: get("model_min".into()),
            standard_min: get("standard_min".into()),
            aspects: kept,
            items,
        }
    }

    /// The standard the rows describe, or the first thing that cannot be read. The domain's
    /// [`Standard::validate_for_save`] then judges whether it is a standard worth saving.
    fn parse(&self, base: &Standard) -> Result<Standard, String> {
        let dec = |v: &str, what: String| -> Result<Decimal, String> {
            Decimal::from_str(v.trim()).map_err(|_| format!("{what}应为数字"))
        };
        let mut aspects = Vec::with_capacity(self.aspects.len());
        for (i, a) in self.aspects.iter().enumerate() {
            let label =
                if a.name.is_empty() { format!("第 {} 个方面", i + 1) } else { format!("方面“{}”", a.name) };
            aspects.push(Aspect {
                code: a.code.clone(),
                name: a.name.clone(),
                weight: dec(&a.weight, format!("{label}的权重"))?,
                items: Vec::new(),
            });
        }
        for row in &self.items {
            let label = format!("指标“{}”", if row.name.is_empty() { &row.code } else { &row.name });
            let Some(ai) = row.aspect.parse::<usize>().ok().filter(|a| *a < aspects.len()) else {
                return Err(format!("{label}所属的方面已删除或未填写，请重新选择"));
            };
            let kind = ItemKind::from_code(&row.kind).ok_or_else(|| format!("请为{label}选择类型"))?;
            let max_points = if kind == ItemKind::Veto && row.max.is_empty() {
                Decimal::ZERO
            } else {
                dec(&row.max, format!("{label}的分值"))?
            };
            let auto = if row.source.is_empty() {
                None
            } else {
                let source = AutoSource::from_code(&row.source).ok_or_else(|| format!("{label}的取数来源无效"))?;
                let mapping = AutoMapping::from_form(&row.map, &row.params).map_err(|e| format!("{label}：{e}"))?;
                Some(AutoRule { source, mapping })
            };
            aspects[ai].items.push(Item {
                code: row.code.clone(),
                name: row.name.clone(),
                kind,
                max_points,
                evidence: row.evidence.chars().take(200).collect(),
                auto,
            });
        }
        let total_cap =
            if self.total_cap.is_empty() { None } else { Some(dec(&self.total_cap, "总分上限".into())?) };
        Ok(Standard {
            code: base.code.clone(),
            version: base.version,
            name: self.name.chars().take(100).collect(),
            aspects,
            total_cap,
            bands: GradeBands {
                model_min: dec(&self.model_min, "示范线".into())?,
                standard_min: dec(&self.standard_min, "达标线".into())?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "platform/eval/standard_edit.html")]
struct StandardPage {
    title: &'static str,
    page: Frame,
    version: u32,
    form: StandardForm,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    maps: Vec<(&'static str, &'static str, &'static str)>,
    full_marks: String,
    errors: Vec<String>,
}

fn render(me: &CurrentUser, version: u32, mut form: StandardForm, errors: Vec<String>) -> Result<Response, AppError> {
    form.aspects.extend(std::iter::repeat_n(AspectRow::default(), BLANK_ASPECTS));
    form.items.extend(std::iter::repeat_n(ItemRow::default(), BLANK_ITEMS));
    let page = StandardPage {
        title: "达标定级评分标准",
        page: Frame::for_user(me),
        version,
        form,
        kinds: ItemKind::ALL.iter().map(|k| (k.code(), k.name())).collect(),
        sources: AutoSource::ALL.iter().map(|s| (s.code(), s.name())).collect(),
        maps: MAPPING_KINDS.to_vec(),
        full_marks: num(FULL_MARKS),
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/grading/standard`: the newest version as a form.
pub async fn form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let (_, standard) = current_standard(&st).await?;
    render(&me, standard.version, StandardForm::of(&standard), vec![])
}

/// `POST /platform/grading/standard`: stores the posted standard as the next version.
/// `base_version` is the version the form was drawn from: if someone saved in between, the
/// post is refused rather than silently replacing their version.
pub async fn save(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    require_top(&st, &me).await?;
    let pairs = form_pairs(&body);
    let (_, newest) = current_standard(&st).await?;
    let form = StandardForm::posted(&pairs);
    if field(&pairs, "base_version") != newest.version.to_string() {
        let msg = format!("评分标准已被他人更新为第 {} 版，请在下方最新版本上重新修改", newest.version);
        return render(&me, newest.version, StandardForm::of(&newest), vec![msg]);
    }
    let standard = match form.parse(&newest) {
        Ok(s) => s,
        Err(e) => return render(&me, newest.version, form, vec![e]),
    };
    if let Err(e) = standard.validate_for_save() {
        return render(&me, newest.version, form, vec![e.to_string()]);
    }
    if standard.clone().next_version(newest.version) == newest.clone().next_version(newest.version) {
        return render(&me, newest.version, form, vec!["没有任何修改，未生成新版本".into()]);
    }
    let next = standard.next_version(newest.version);
    let json = serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?;
    let now = dangjian_domain::clock::now_micros();
    match store::insert_standard(&st.db, STANDARD_CODE, i64::from(next.version), &json, Some(me.user.id), now).await {
        Ok(_) => {}
        // Two officers saving the same base at once: the second is told, nothing is lost.
        Err(StoreError::Conflict(_)) => {
            let msg = format!("评分标准刚被他人保存为第 {} 版，请刷新后重新修改", next.version);
            return render(&me, newest.version, form, vec![msg]);
        }
        Err(e) => return Err(e.into()),
    }
    let weights: Vec<String> = next.aspects.iter().map(|a| format!("{} {}", a.name, num(a.weight))).collect();
    let detail = format!("v{}: {}", next.version, weights.join(", "));
    audit_trail::record(&st, Actor::User(&me), "grading.standard", STANDARD_CODE, audit_trail::SUCCESS, &detail)
        .await?;
    Ok(Redirect::to("/platform/grading/standard").into_response())
}
