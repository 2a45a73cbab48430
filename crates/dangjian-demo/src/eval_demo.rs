//! Demo evaluation data: the default 达标定级 standard, grades held from two years ago,
//! last year's assessments of every branch run through the whole flow (自评 → 初评 → 审核
//! → 公示 → 定级) with one branch losing its grade to a veto (退出机制 with rectification
//! items), 党性积分 for the members of a few branches, and a decided 民主评议 round with
//! 个人自评, online and paper ballots; then this year's spot check and a 四强 designation
//! ([`crate::checks_demo`]).
//!
//! Everything is scored by the domain engines, so the demo's numbers are what the pages
//! would compute. Runs after [`crate::generate_platform`]; refuses when assessments exist.

use std::collections::BTreeMap;

use dangjian_domain::eval::{
    appraisal::{AppraisalGrade, Participant, RoundStep, Standing, excellent_quota},
    grading::{CheckKind, Grade, HeldGrade},
    member_index::default_index_config,
    points::{LedgerEntry, PointEvent, default_catalogue, grant},
    standard::{AutoSource, ItemInput, ItemKind, SheetEntry, default_standard, score_sheet},
};
use dangjian_domain::orgs::OrgKind;
use dangjian_store::{Db, StoreError, appraisal, grading, members, orgs, points};
use fastrand::Rng;
use rust_decimal::Decimal;
use time::{Date, Duration, Month};

use crate::DemoError;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvalOptions {
    pub seed: u64,
    /// Last year's round is `today.year() - 1`.
    pub today: Date,
    pub now_micros: i64,
}

/// What [`generate_evaluation`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvalSummary {
    pub assessments: usize,
    pub removals: usize,
    pub ledger_lines: usize,
    pub appraisal_rounds: usize,
}

/// 个人自评 of the demo's 民主评议 round.
const SELF_ASSESSMENTS: &[&str] = &[
    "一年来坚持每月参加支部主题党日和“三会一课”，认真学习党的创新理论，按时足额交纳党费。\n工作中主动承担急难险重任务，带头完成年度目标。\n不足：联系服务群众的办法还不多，理论学习与业务结合不够紧密。今后将加强调查研究，多听群众意见。",
    "本人能够对照党章和党员标准严格要求自己，坚定理想信念，遵守党的纪律。\n在本职岗位上认真履职，参加志愿服务 6 次。\n存在的问题：批评与自我批评不够大胆，有时碍于情面。整改措施：在组织生活会上敢于红脸出汗，主动接受监督。",
    "能够带头学习，积极参加“学习强国”和支部集中学习，撰写心得体会 4 篇。\n工作上爱岗敬业，服务对象满意度较高。\n需要改进的方面：创新意识不够强，面对新任务有畏难情绪。",
];
const PROBATIONARY_SELF_ASSESSMENT: &str = "预备期内按时向党组织汇报思想，参加支部组织的各项活动，在入党介绍人帮助下加强党性锻炼。\n今后继续努力，争取按期转为正式党员。";

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

fn day(year: i32, month: Month, d: u8) -> Date {
    Date::from_calendar_date(year, month, d).unwrap_or(Date::MIN)
}

fn json<T: serde::Serialize>(v: &T) -> Result<String, DemoError> {
    serde_json::to_string(v).map_err(|e| DemoError::Store(StoreError::Config(e.to_string())))
}

/// Writes the demo evaluation data (see the module documentation).
pub async fn generate_evaluation(db: &Db, opts: &EvalOptions) -> Result<EvalSummary, DemoError> {
    let now = opts.now_micros;
    let last = opts.today.year() - 1;
    let mut rng = Rng::with_seed(opts.seed ^ 0x6576_616c);
    let standard = default_standard();
    let standard_id = match grading::latest_standard(db, &standard.code).await? {
        Some(s) => s.id,
        None => {
            grading::insert_standard(db, &standard.code, i64::from(standard.version), &json(&standard)?, None, now)
                .await?
        }
    };
    points::config_seed(db, points::CATALOGUE_KEY, &json(&default_catalogue())?, now).await?;
    points::config_seed(db, points::INDEX_KEY, &json(&default_index_config())?, now).await?;

    let branches: Vec<orgs::Org> = orgs::all(db)
        .await?
        .into_iter()
        .filter(|o| OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch()))
        .collect();
    if !grading::assessments_in_year(db, last).await?.is_empty() {
        return Err(DemoError::Store(StoreError::Conflict(format!("{last} 年的达标定级已有记录"))));
    }
    let mut summary = EvalSummary::default();

    for (i, b) in branches.iter().enumerate() {
        // Last year's sheet: small deductions; the first branch a veto (it loses its grade).
        let mut sheet = Vec::new();
        for (_, item) in standard.items() {
            let input = match (item.kind, &item.auto) {
                (ItemKind::Veto, _) => ItemInput::Veto(i == 0 && item.code == "veto.incident"),
                (_, Some(rule)) => ItemInput::Measured(match rule.source {
                    AutoSource::MeetingComplianceRate => Decimal::new(rng.i64(80..=100), 2),
                    AutoSource::DuesArrears => Decimal::from(rng.i64(0..=1)),
                    AutoSource::OverdueTermRenewal | AutoSource::DevelopmentRuleBreaches => Decimal::ZERO,
                }),
                (ItemKind::Bonus, None) => ItemInput::Manual(Decimal::from(rng.i64(0..=1))),
                (ItemKind::Scored, None) => ItemInput::Manual(item.max_points - Decimal::from(rng.i64(0..=2))),
                _ => ItemInput::Manual(Decimal::from(rng.i64(0..=2)).min(item.max_points)),
            };
            let claims = !item.evidence.is_empty();
            sheet.push(SheetEntry {
                item: item.code.clone(),
                input,
                evidence: if claims { vec![format!("{}（{last} 年）", item.evidence)] } else { vec![] },
                note: String::new(),
            });
        }
        let score = score_sheet(&standard, &sheet).map_err(|e| DemoError::Store(StoreError::Config(e.to_string())))?;
        // Two years ago, on paper: the grade each branch keeps, except the first, which
        // held 达标 and loses it to the veto.
        let earlier = if i == 0 { Grade::Standard } else { score.grade };
        let four_strong = i % 8 == 0 && earlier >= Grade::Standard;
        grading::record_grade(
            db,
            &grading::EarlierGrade {
                org_id: b.id,
                year: last - 1,
                on_date: iso(day(last, Month::January, 20)),
                grade: earlier.code().into(),
                four_strong,
                total: format!("{:.2}", score.total),
            },
            now,
        )
        .await?;
        let held = vec![HeldGrade { on: day(last, Month::January, 20), grade: earlier, four_strong }];
        let total = format!("{:.2}", score.total);
        let rows: Vec<grading::EntryRow> = sheet.iter().map(grading::EntryRow::from_entry).collect();
        let a = grading::open_assessment(db, b.id, last, CheckKind::Annual.code(), standard_id, now).await?;
        let notice_from = day(last, Month::December, 10);
        let notice_to = notice_from + Duration::days(4);
        let mut u = grading::FlowUpdate {
            stage: "self_assessed".into(),
            self_total: Some(total.clone()),
            sheet: Some(("self".into(), rows.clone())),
            ..Default::default()
        };
        grading::transition(db, a.id, "draft", &u, None, now).await?;
        u.stage = "preliminary".into();
        u.preliminary_total = Some(total.clone());
        u.sheet = Some(("preliminary".into(), rows.clone()));
        grading::transition(db, a.id, "self_assessed", &u, None, now).await?;
        u.stage = "reviewed".into();
        u.reviewed_total = Some(total.clone());
        u.grade = Some(score.grade.code().into());
        u.sheet = Some(("reviewed".into(), rows));
        grading::transition(db, a.id, "preliminary", &u, None, now).await?;
        u.stage = "notice".into();
        u.notice_from = Some(iso(notice_from));
        u.notice_to = Some(iso(notice_to));
        u.sheet = None;
        grading::transition(db, a.id, "reviewed", &u, None, now).await?;
        let on = notice_to + Duration::days(1);
        u.stage = "final".into();
        let f = grading::FinalGrade::decide(&held, &score, &standard.bands, on);
        if f.removal.is_some() {
            summary.removals += 1;
        }
        grading::transition(db, a.id, "notice", &u, Some(&f), now).await?;
        summary.assessments += 1;
    }

    // 党性积分 and 民主评议 for the members of the first few branches.
    let catalogue = default_catalogue();
    for b in branches.iter().take(3) {
        let roster = members::in_orgs(db, &[b.id]).await?;
        let graded: Vec<&members::Member> = roster
            .iter()
            .filter(|m| matches!(m.status.as_str(), "full" | "probationary" | "probation_extended"))
            .collect();
        for m in &graded {
            let mut ledger: Vec<LedgerEntry> = Vec::new();
            let mut events: Vec<(Date, &str, rust_decimal::Decimal, bool)> = Vec::new();
            for month in 1..=12u8 {
                let month = Month::try_from(month).unwrap_or(Month::January);
                events.push((day(last, month, 8), "dues_on_time", Decimal::ONE, false));
                if rng.u8(0..4) > 0 {
                    events.push((day(last, month, 15), "org_life_attendance", Decimal::ONE, false));
                }
            }
            // Quiz and volunteer points come from real attempts and activities
            // (`quiz_demo`, `volunteer_demo`).
            if rng.bool() {
                events.push((day(last, Month::September, 10), "good_deed", Decimal::ONE, true));
            }
            for (on, action, quantity, approved) in events {
                let event =
                    PointEvent { member: m.id, on, action: action.into(), quantity, approved_application: approved };
                let Ok(g) = grant(&catalogue, &ledger, &event) else { continue };
                let key = format!("demo:{}:{}:{}", m.id, action, iso(on));
                let line = points::NewLine {
                    member_id: m.id,
                    on_date: iso(on),
                    action: g.entry.action.clone(),
                    points: format!("{:.2}", g.entry.points),
                    reverses: None,
                    reason: g.entry.reason.clone(),
                    event_key: Some(key),
                };
                let id = append(db, m.id, last, line, now).await?;
                ledger.push(g.entry.with_id(id));
                summary.ledger_lines += 1;
            }
        }
        // 民主评议: every participant but the last writes a 个人自评; two in three cast an
        // online ballot, the others (and two 列席群众) fill in paper 民主测评票; voting is
        // closed and the committee decides within the 优秀 quota.
        let parts: Vec<(i64, String)> = graded
            .iter()
            .map(|m| (m.id, if m.status == "full" { "full".to_owned() } else { "probationary".to_owned() }))
            .collect();
        if parts.is_empty() {
            continue;
        }
        let round = appraisal::open(db, b.id, last, &parts, now).await?;
        let full: Vec<i64> = parts.iter().filter(|p| p.1 == "full").map(|p| p.0).collect();
        for (i, (m, standing)) in parts.iter().enumerate().take(parts.len().saturating_sub(1)) {
            let full_member = standing == "full";
            let text = if full_member { SELF_ASSESSMENTS[i % 3] } else { PROBATIONARY_SELF_ASSESSMENT };
            let grade = full_member.then_some(if i % 4 == 0 { "excellent" } else { "qualified" });
            appraisal::save_self_assessment(db, round, *m, text, grade, now).await?;
        }
        appraisal::take_step(db, round, RoundStep::StartVoting, now).await?;
        let grade_of = |rng: &mut Rng| match rng.u8(0..10) {
            0..=2 => AppraisalGrade::Excellent,
            3..=8 => AppraisalGrade::Qualified,
            _ => AppraisalGrade::BasicallyQualified,
        };
        let mut paper = 2;
        for (i, (voter, _)) in parts.iter().enumerate() {
            if i % 3 == 2 {
                paper += 1;
                continue;
            }
            let marks: Vec<String> =
                full.iter().filter(|m| *m != voter).map(|m| format!("{m}:{}", grade_of(&mut rng).code())).collect();
            appraisal::cast_online(db, round, *voter, &marks.join("\n")).await?;
        }
        for _ in 0..paper {
            let marks: Vec<String> = full.iter().map(|m| format!("{m}:{}", grade_of(&mut rng).code())).collect();
            appraisal::add_ballot(db, round, &marks.join("\n")).await?;
        }
        appraisal::take_step(db, round, RoundStep::CloseVoting, now).await?;
        let quota = excellent_quota(
            &parts
                .iter()
                .map(|p| Participant {
                    member: p.0,
                    standing: if p.1 == "full" { Standing::Full } else { Standing::Probationary },
                })
                .collect::<Vec<_>>(),
            &Default::default(),
        ) as usize;
        let mut grades: BTreeMap<i64, AppraisalGrade> = BTreeMap::new();
        for (i, m) in full.iter().enumerate() {
            grades.insert(*m, if i < quota { AppraisalGrade::Excellent } else { AppraisalGrade::Qualified });
        }
        let lines: Vec<appraisal::DecisionLine> = parts
            .iter()
            .map(|(m, standing)| appraisal::DecisionLine {
                member_id: *m,
                grade: grades.get(m).map(|g| g.code().to_owned()),
                follow_up: String::new(),
                feedback: if standing == "full" {
                    "理论学习扎实，发挥了先锋模范作用；希望在联系服务群众方面再上台阶。".into()
                } else {
                    "预备期表现良好，继续加强党性锻炼。".into()
                },
            })
            .collect();
        appraisal::decide(db, round, &lines, now).await?;
        summary.appraisal_rounds += 1;
    }
    crate::checks_demo::generate_checks(db, &standard, standard_id, opts.today, now).await?;
    Ok(summary)
}

async fn append(db: &Db, member: i64, year: i32, line: points::NewLine, now: i64) -> Result<i64, DemoError> {
    let id = points::append_with(db, member, year, None, now, |_| Ok::<_, StoreError>(Some(line))).await?;
    Ok(id.map_err(DemoError::Store)?.unwrap_or_default())
}
