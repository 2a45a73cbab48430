//! 达标定级 overview (`/platform/grading`): the branches in reach with the year's flow and
//! the grade each holds, and the statistics per department and year (branches per grade,
//! 四强 counted beside the bands), shown and exported to `.xlsx`.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{
    eval::grading::{CheckKind, Grade, Stage, grade_statistics},
    orgs::OrgKind,
    roles::Role,
};
use dangjian_store::{grading as store, orgs::Org};

use super::{
    super::{download, scope::Scope},
    grading_sheet::grade_name,
    year_or_now,
};
use crate::{
    AppError, AppState,
    admin::{
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::YearQuery,
};

/// A row of the overview: one branch in reach and its assessment of the year.
pub struct OverviewRow {
    pub id: i64,
    pub name: String,
    pub department: String,
    pub stage: &'static str,
    pub self_total: String,
    pub preliminary_total: String,
    pub reviewed_total: String,
    /// The grade held now, with 四强 when designated.
    pub held: String,
}

/// The department of a branch: its nearest 党委 or 党组 above (the 工委 when none).
fn department(scope: &Scope, org_id: i64) -> String {
    let mut cur = scope.all_orgs.iter().find(|o| o.id == org_id).and_then(|o| o.parent_id);
    let mut last = String::new();
    while let Some(p) = cur.and_then(|p| scope.all_orgs.iter().find(|o| o.id == p)) {
        last = p.name.clone();
        if matches!(
            OrgKind::from_code(&p.kind),
            Some(OrgKind::OrgansCommittee | OrgKind::DepartmentCommittee | OrgKind::LeadingGroup)
        ) {
            return p.name.clone();
        }
        cur = p.parent_id;
    }
    last
}

/// Per department and year: 示范, 达标, 未达标, of them 四强, total.
type Stats = Vec<(String, i32, u32, u32, u32, u32, u32)>;

async fn overview_data(st: &AppState, scope: &Scope, year: i32) -> Result<(Vec<OverviewRow>, Stats), AppError> {
    let assessments = store::assessments_in_year(&st.db, year).await?;
    let grades = store::all_grades(&st.db).await?;
    let branches: Vec<&Org> = scope
        .all_orgs
        .iter()
        .filter(|o| scope.orgs.contains(&o.id) && OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()))
        .collect();
    let rows = branches
        .iter()
        .map(|o| {
            let a = assessments.iter().find(|a| a.org_id == o.id && a.check_kind == CheckKind::Annual.code());
            let held = grades
                .iter()
                .rev()
                .find(|g| g.org_id == o.id)
                .map(|g| format!("{}{}", grade_name(&g.grade), if g.four_strong { " · 四强" } else { "" }))
                .unwrap_or_else(|| "—".into());
            OverviewRow {
                id: o.id,
                name: o.name.clone(),
                department: department(scope, o.id),
                stage: a.and_then(|a| Stage::from_code(&a.stage)).map(Stage::name).unwrap_or("尚未开始"),
                self_total: a.and_then(|a| a.self_total.clone()).unwrap_or_default(),
                preliminary_total: a.and_then(|a| a.preliminary_total.clone()).unwrap_or_default(),
                reviewed_total: a.and_then(|a| a.reviewed_total.clone()).unwrap_or_default(),
                held,
            }
        })
        .collect();
    // The grade each branch ended each year with (the last row of the year wins).
    let mut last: BTreeMap<(i64, i32), (Grade, bool)> = BTreeMap::new();
    for g in grades.iter().filter(|g| branches.iter().any(|b| b.id == g.org_id)) {
        if let Some(grade) = Grade::from_code(&g.grade) {
            last.insert((g.org_id, g.year), (grade, g.four_strong));
        }
    }
    // 四强 sits on top of a grade, so it is counted beside the bands, not as one.
    let mut four_strong: BTreeMap<(String, i32), u32> = BTreeMap::new();
    for ((org, y), _) in last.iter().filter(|(_, (_, fs))| *fs) {
        *four_strong.entry((department(scope, *org), *y)).or_default() += 1;
    }
    let stats = grade_statistics(last.into_iter().map(|((org, y), (g, _))| (department(scope, org), y, g)))
        .into_iter()
        .rev()
        .map(|((d, y), c)| {
            let fs = four_strong.get(&(d.clone(), y)).copied().unwrap_or(0);
            (d, y, c.model, c.standard, c.substandard, fs, c.total())
        })
        .collect();
    Ok((rows, stats))
}

/// The overview's filters: a long list of branches (a 工委 has hundreds) is read one
/// department or one stage at a time, on a phone above all.
#[derive(Debug, Default, serde::Deserialize)]
pub struct OverviewQuery {
    pub year: Option<i32>,
    #[serde(default)]
    pub dept: String,
    #[serde(default)]
    pub stage: String,
}

/// How many branches of the list are at each stage, in flow order: (stage, count).
fn stage_counts(rows: &[OverviewRow]) -> Vec<(&'static str, usize)> {
    let mut names: Vec<&'static str> = vec!["尚未开始"];
    names.extend(Stage::ALL.iter().map(|s| s.name()));
    names.into_iter().map(|n| (n, rows.iter().filter(|r| r.stage == n).count())).filter(|(_, c)| *c > 0).collect()
}

#[derive(Template)]
#[template(path = "platform/eval/grading_overview.html")]
struct OverviewPage {
    title: &'static str,
    page: Frame,
    year: i32,
    rows: Vec<OverviewRow>,
    /// Branches in reach before the filters.
    total: usize,
    /// Branches of the chosen department (all when none is chosen).
    in_dept: usize,
    departments: Vec<String>,
    stages: Vec<(&'static str, usize)>,
    dept: String,
    stage: String,
    stats: Stats,
    /// The 工委's own account: it is shown the links to the evaluation settings.
    configure: bool,
}

/// `GET /platform/grading`: the branches in reach with this year's flow, and statistics.
pub async fn overview(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let year = year_or_now(q.year)?;
    let scope = Scope::of(&st, &me).await?;
    let (all, stats) = overview_data(&st, &scope, year).await?;
    let configure =
        scope.root.and_then(|r| scope.all_orgs.iter().find(|o| o.id == r)).is_some_and(|o| o.parent_id.is_none());
    let mut departments: Vec<String> = all.iter().map(|r| r.department.clone()).collect();
    departments.sort();
    departments.dedup();
    let total = all.len();
    let in_dept: Vec<OverviewRow> = all.into_iter().filter(|r| q.dept.is_empty() || r.department == q.dept).collect();
    let stages = stage_counts(&in_dept);
    let in_dept_count = in_dept.len();
    let rows = in_dept.into_iter().filter(|r| q.stage.is_empty() || r.stage == q.stage).collect();
    let page = OverviewPage {
        title: "达标定级",
        page: Frame::for_user(&me),
        year,
        rows,
        total,
        in_dept: in_dept_count,
        departments,
        stages,
        dept: q.dept,
        stage: q.stage,
        stats,
        configure,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/grading.xlsx`: branches per grade per department and year.
pub async fn overview_xlsx(
    State(st): State<AppState>,
    me: CurrentUser,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let year = year_or_now(q.year)?;
    let scope = Scope::of(&st, &me).await?;
    let (_, stats) = overview_data(&st, &scope, year).await?;
    let table: Vec<Vec<String>> = stats
        .iter()
        .map(|(d, y, m, s, u, f, t)| {
            vec![d.clone(), y.to_string(), m.to_string(), s.to_string(), u.to_string(), f.to_string(), t.to_string()]
        })
        .collect();
    let bytes =
        download::sheet_bytes("达标定级统计", &["单位", "年度", "示范", "达标", "未达标", "其中四强", "合计"], &table)?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "grading.export",
        "xlsx",
        audit_trail::SUCCESS,
        &format!("{} rows", table.len()),
    )
    .await?;
    Ok(download::xlsx(bytes, "grading.xlsx", "达标定级统计.xlsx"))
}
