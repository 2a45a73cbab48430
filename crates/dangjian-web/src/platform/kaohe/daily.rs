//! `GET /platform/kaohe/{id}/daily/records`: 日常得分 proposed from what the platform
//! recorded over the year (a member's 量化评议指数; a branch's reviewed 达标定级 score,
//! else its 三会一课 on-time rate), shown with the source of every number in a form the
//! officer checks, corrects and saves through the ordinary 日常得分 action. Nothing is
//! saved by opening the page, so a number never counts without a person confirming it.

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{
    eval::assessment::{DailyEvidence, SubjectId, SubjectKind, propose_daily},
    meetings::compliance_rate,
};
use dangjian_store::{grading, kaohe};
use rust_decimal::Decimal;

use super::{managed, subject_names};
use crate::{
    AppError, AppState,
    admin::{current::CurrentUser, nav::Frame},
    platform::{
        YearQuery,
        eval::{measure::as_of, member_indexes::member_indexes, today, year_or_now},
        meetings::branch_calendar,
    },
};

/// One subject's line: the proposal (empty when the platform knows nothing) and the score
/// saved now.
pub struct ProposalRow {
    pub id: SubjectId,
    pub name: String,
    pub proposed: String,
    pub source: String,
    pub saved: String,
}

#[derive(Template)]
#[template(path = "platform/kaohe/daily_records.html")]
struct DailyRecordsPage {
    title: &'static str,
    page: Frame,
    id: i64,
    name: String,
    year: i32,
    max_points: String,
    rows: Vec<ProposalRow>,
}

/// What the records say about each subject for `year`.
async fn evidence(
    st: &AppState,
    row: &kaohe::SchemeRow,
    year: i32,
) -> Result<Vec<(SubjectId, Result<DailyEvidence, String>)>, AppError> {
    let s = &row.scheme;
    let mut out = Vec::with_capacity(s.subjects.len());
    match s.subject_kind {
        SubjectKind::Member | SubjectKind::LeadingCadre => {
            let indexes = member_indexes(st, &s.subjects, year).await?;
            for sid in &s.subjects {
                let e = match indexes.get(sid) {
                    Some(Ok(ix)) => Ok(DailyEvidence::MemberIndex(ix.total)),
                    Some(Err(e)) => Err(format!("量化评议指数无法计算：{e}")),
                    None => Err("无记录".into()),
                };
                out.push((*sid, e));
            }
        }
        SubjectKind::Branch => {
            for sid in &s.subjects {
                // The branch's last grade row of the year: the final grade, or what a
                // spot check or a later assessment left of it.
                let graded = grading::history(&st.db, *sid)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|g| g.year == year)
                    .and_then(|g| g.total.parse::<Decimal>().ok());
                let e = match graded {
                    Some(total) => DailyEvidence::BranchGrading(total),
                    None => {
                        let (periods, _) = branch_calendar(st, *sid, as_of(year, today())).await?;
                        let rate = compliance_rate(&periods);
                        match rate.counted {
                            0 => {
                                out.push((*sid, Err("本年尚无到期的三会一课，也无达标定级得分".into())));
                                continue;
                            }
                            n => DailyEvidence::MeetingRate(Decimal::from(rate.met) / Decimal::from(n)),
                        }
                    }
                };
                out.push((*sid, Ok(e)));
            }
        }
    }
    Ok(out)
}

/// `GET /platform/kaohe/{id}/daily/records?year=`.
pub async fn records(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let (_, row) = managed(&st, &me, id).await?;
    if row.scheme.period_weights.is_none() {
        return Err(AppError::Conflict("本方案不计日常得分".into()));
    }
    if row.state == "published" {
        return Err(AppError::Conflict("结果已发布，日常得分不能再修改".into()));
    }
    let year = year_or_now(q.year)?;
    let top = row.scheme.max_points();
    let names = subject_names(&st, &row).await?;
    let saved = kaohe::daily(&st.db, id).await?;
    let rows = evidence(&st, &row, year)
        .await?
        .into_iter()
        .map(|(sid, e)| {
            let (proposed, source) = match e {
                Ok(e) => {
                    let p = propose_daily(e, top);
                    (p.score.to_string(), p.explanation)
                }
                Err(why) => (String::new(), why),
            };
            ProposalRow {
                id: sid,
                name: names.get(&sid).cloned().unwrap_or_else(|| format!("#{sid}")),
                proposed,
                source,
                saved: saved.get(&sid).map(|d| d.to_string()).unwrap_or_default(),
            }
        })
        .collect();
    let page = DailyRecordsPage {
        title: "日常得分（依据平台记录）",
        page: Frame::for_user(&me),
        id,
        name: row.name.clone(),
        year,
        max_points: top.normalize().to_string(),
        rows,
    };
    Ok(Html(page.render()?).into_response())
}
