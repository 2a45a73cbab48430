//! What officers read about a quiz: participation per branch (taken / party members in
//! scope), the average and the score bands, and the same as an `.xlsx` with one row per
//! member (so who has not taken it yet is in the file too).

use std::collections::BTreeMap;

use axum::{
    extract::{Path, State},
    response::Response,
};
use dangjian_domain::{clock, quiz};
use dangjian_store::{members, orgs, quizzes};

use super::{MEMBER_STATUSES, managed};
use crate::{AppError, AppState, admin::current::CurrentUser, platform::download};

/// One branch's line.
pub struct BranchLine {
    pub name: String,
    pub taken: usize,
    pub total: usize,
    pub average: String,
}

pub struct Report {
    pub taken: usize,
    pub total: usize,
    pub average: String,
    pub distribution: [usize; 5],
    pub branches: Vec<BranchLine>,
}

/// The party members the quiz is for (today's roster of its subtree).
async fn roster(st: &AppState, all: &[orgs::Org], row: &quizzes::QuizRow) -> Result<Vec<members::Member>, AppError> {
    let tree = orgs::subtree(all, row.org_id);
    Ok(members::in_orgs(&st.db, &tree)
        .await?
        .into_iter()
        .filter(|m| MEMBER_STATUSES.contains(&m.status.as_str()))
        .collect())
}

/// (taken, members in scope) for the list page.
pub async fn participation(
    st: &AppState,
    all: &[orgs::Org],
    row: &quizzes::QuizRow,
) -> Result<(usize, usize), AppError> {
    let people = roster(st, all, row).await?;
    let attempts = quizzes::attempts(&st.db, row.id).await?;
    let taken = people.iter().filter(|m| attempts.iter().any(|a| a.member_id == m.id)).count();
    Ok((taken, people.len()))
}

fn avg_text(scores: &[u32]) -> String {
    quiz::average(scores).map(|a| a.normalize().to_string()).unwrap_or_else(|| "—".into())
}

pub async fn build(st: &AppState, all: &[orgs::Org], row: &quizzes::QuizRow) -> Result<Report, AppError> {
    let people = roster(st, all, row).await?;
    let attempts = quizzes::attempts(&st.db, row.id).await?;
    let score_of = |id: i64| attempts.iter().find(|a| a.member_id == id).map(|a| a.score as u32);
    let mut per_org: BTreeMap<i64, (usize, Vec<u32>)> = BTreeMap::new();
    for m in &people {
        let e = per_org.entry(m.org_id).or_default();
        e.0 += 1;
        e.1.extend(score_of(m.id));
    }
    let branches = per_org
        .into_iter()
        .map(|(org, (total, scores))| BranchLine {
            name: all.iter().find(|o| o.id == org).map(|o| o.name.clone()).unwrap_or_else(|| format!("#{org}")),
            taken: scores.len(),
            total,
            average: avg_text(&scores),
        })
        .collect();
    // Everyone who answered counts in the figures, also a member who has since moved away.
    let scores: Vec<u32> = attempts.iter().map(|a| a.score as u32).collect();
    let pairs: Vec<(u32, u32)> = attempts.iter().map(|a| (a.score as u32, a.max_score as u32)).collect();
    Ok(Report {
        taken: people.iter().filter(|m| score_of(m.id).is_some()).count(),
        total: people.len(),
        average: avg_text(&scores),
        distribution: quiz::distribution(&pairs),
        branches,
    })
}

/// `/platform/quizzes/{id}/results.xlsx`: one row per member in scope.
pub async fn xlsx(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (scope, row) = managed(&st, &me, id).await?;
    let people = roster(&st, &scope.all_orgs, &row).await?;
    let attempts = quizzes::attempts(&st.db, row.id).await?;
    let org_name = |id: i64| scope.all_orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let rows: Vec<Vec<String>> = people
        .iter()
        .map(|m| {
            let a = attempts.iter().find(|a| a.member_id == m.id);
            vec![
                org_name(m.org_id),
                m.name.clone(),
                if a.is_some() { "已参加" } else { "未参加" }.to_owned(),
                a.map(|a| a.score.to_string()).unwrap_or_default(),
                row.max_score.to_string(),
                a.map(|a| clock::format_minute(a.submitted_at)).unwrap_or_default(),
            ]
        })
        .collect();
    let bytes = download::sheet_bytes("成绩", &["党组织", "姓名", "参加情况", "得分", "满分", "提交时间"], &rows)?;
    Ok(download::xlsx(bytes, &format!("quiz-{id}.xlsx"), &format!("{}成绩.xlsx", row.title)))
}
