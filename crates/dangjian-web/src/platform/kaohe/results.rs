//! Results with their computation: per subject the score and final 格次, and per rater
//! group the valid and invalid ballots, trimmed lines, mean, weight, applied weight and
//! contribution, with the renormalisation flag. Computed from the ballots once the scheme
//! is closed; the snapshot taken at publish afterwards, so the published page never moves.

use askama::Template;
use axum::{
    extract::{Path, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{clock, eval::assessment::compute};
use dangjian_store::kaohe;

use super::{managed, schemes::state_name, subject_names};
use crate::{
    AppError, AppState,
    admin::{current::CurrentUser, nav::Frame},
    platform::download::{sheet_bytes, xlsx as xlsx_response},
};

async fn snapshot(st: &AppState, row: &kaohe::SchemeRow) -> Result<kaohe::Snapshot, AppError> {
    match (row.state.as_str(), &row.results) {
        ("published", Some(s)) => Ok(s.clone()),
        ("closed", _) => {
            let (ballots, daily) = kaohe::inputs(&st.db, row).await?;
            let r = compute(&row.scheme, &ballots, &daily).map_err(|e| AppError::Conflict(e.to_string()))?;
            Ok(kaohe::snapshot_of(&row.scheme, &r, &subject_names(st, row).await?, clock::now_micros()))
        }
        _ => Err(AppError::Conflict("测评截止后才能查看计算结果".into())),
    }
}

const REASONS: &[(&str, &str)] = &[
    ("empty", "空票"),
    ("incomplete", "有指标未评"),
    ("missing_familiarity", "未选熟悉程度"),
    ("all_same", "评价完全相同"),
    ("too_many", "超过格次比例"),
    ("too_few", "低于格次比例"),
];

#[derive(Template)]
#[template(path = "platform/kaohe/results.html")]
struct ResultsPage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    state: &'static str,
    published: bool,
    computed_at: String,
    snap: kaohe::Snapshot,
    ranked: Vec<kaohe::SubjectLine>,
    reasons: Vec<(String, u32)>,
    has_daily: bool,
}

pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (_, row) = managed(&st, &me, id).await?;
    let snap = snapshot(&st, &row).await?;
    let mut ranked = snap.subjects.clone();
    ranked.sort_by_key(|s| (s.rank.is_none(), s.rank, s.subject));
    let page = ResultsPage {
        title: "考核结果",
        page: Frame::for_user(&me),
        id,
        name: row.name.clone(),
        state: state_name(&row.state),
        published: row.state == "published",
        computed_at: clock::format_datetime(snap.computed_at),
        reasons: snap
            .invalid_by_reason
            .iter()
            .map(|(code, n)| {
                (
                    REASONS.iter().find(|(c, _)| c == code).map(|(_, name)| (*name).to_owned()).unwrap_or(code.clone()),
                    *n,
                )
            })
            .collect(),
        has_daily: row.scheme.period_weights.is_some(),
        ranked,
        snap,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn xlsx(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (_, row) = managed(&st, &me, id).await?;
    let snap = snapshot(&st, &row).await?;
    let headers = [
        "名次",
        "考核对象",
        "最终得分",
        "最终格次",
        "按分数格次",
        "日常得分",
        "年底得分",
        "评价主体",
        "来源",
        "有效票",
        "无效票",
        "去掉最高最低",
        "平均分",
        "设定权重",
        "实际权重",
        "贡献分",
        "说明",
    ];
    let mut rows = Vec::new();
    let mut ranked = snap.subjects.clone();
    ranked.sort_by_key(|s| (s.rank.is_none(), s.rank, s.subject));
    for s in &ranked {
        let mut notes = Vec::new();
        if s.groups_renormalised {
            notes.push("有评价主体无有效票，其余权重按比例放大");
        }
        if s.period_missing {
            notes.push("日常或年底得分缺一项，按另一项计");
        }
        if s.band != s.band_by_score {
            notes.push("受格次比例限制");
        }
        for g in &s.groups {
            rows.push(vec![
                s.rank.map(|r| r.to_string()).unwrap_or_default(),
                s.name.clone(),
                s.score.clone().unwrap_or_default(),
                s.band.clone().unwrap_or_default(),
                s.band_by_score.clone().unwrap_or_default(),
                s.daily.clone().unwrap_or_default(),
                s.year_end.clone().unwrap_or_default(),
                g.name.clone(),
                g.source.clone(),
                g.valid.to_string(),
                g.invalid.to_string(),
                g.trimmed.to_string(),
                g.mean.clone().unwrap_or_else(|| "无有效票".into()),
                g.weight.clone(),
                g.effective_weight.clone(),
                g.contribution.clone(),
                notes.join("；"),
            ]);
        }
    }
    let bytes = sheet_bytes("考核结果", &headers, &rows)?;
    Ok(xlsx_response(bytes, &format!("kaohe-{id}.xlsx"), &format!("{} 考核结果.xlsx", row.name)))
}
