//! Demo 知识测试: one finished quiz of last July on 党章 basics, answered by most members
//! of a 机关党委 (their scores earn 党性积分 through the catalogue, caps included), and one
//! quiz open now with a few answers already in.
//!
//! The questions are general knowledge written for this crate, entered in the same text
//! format officers type, so the demo also exercises the parser.

use dangjian_domain::{
    eval::points::{LedgerEntry, PointEvent, default_catalogue, grant},
    orgs::OrgKind,
    quiz::{self, Kind, Quiz},
};
use dangjian_store::{Db, StoreError, members, orgs, points, quizzes};
use fastrand::Rng;
use time::{Date, Duration, Month, Time};

use crate::DemoError;

/// Thirteen questions, 100 points.
const QUESTIONS: &str = "\
1. [单选] 中国共产党的最高理想和最终目标是：
A. 实现共产主义
B. 全面建成小康社会
C. 基本实现社会主义现代化
D. 消除贫困
答案：A
分值：8

2. [单选] 党的根本宗旨是：
A. 解放思想、实事求是
B. 全心全意为人民服务
C. 艰苦奋斗
D. 与时俱进
答案：B
分值：8

3. [单选] 预备党员的预备期为：
A. 半年
B. 一年
C. 两年
D. 三年
答案：B
分值：8

4. [单选] 党员没有正当理由，连续多长时间不参加党的组织生活、不交纳党费或不做党所分配的工作，就被认为是自行脱党？
A. 三个月
B. 六个月
C. 九个月
D. 一年
答案：B
分值：8

5. [单选] 中国共产党第一次全国代表大会召开于：
A. 1919 年
B. 1921 年
C. 1927 年
D. 1949 年
答案：B
分值：8

6. [单选] 党的组织原则是：
A. 民主集中制
B. 集体领导制
C. 首长负责制
D. 少数服从多数
答案：A
分值：8

7. [多选] “三会一课”中的“三会”是指：
A. 支部党员大会
B. 支部委员会
C. 党小组会
D. 职工代表大会
答案：ABC
分值：12

8. [多选] 下列属于党的纪律处分的有：
A. 警告
B. 严重警告
C. 留党察看
D. 降级
答案：ABC
分值：12

9. [多选] “四个意识”是指：
A. 政治意识
B. 大局意识
C. 核心意识
D. 看齐意识
E. 服务意识
答案：ABCD
分值：12

10. [判断] 党员的党龄从预备期满转为正式党员之日算起。
答案：正确
分值：4

11. [判断] 入党誓词由各党支部自行拟定。
答案：错误
分值：4

12. [判断] 党员应当按规定交纳党费。
答案：正确
分值：4

13. [判断] 党员对党的决议有不同意见，可以在坚决执行的前提下声明保留，并可把自己的意见向党的上级组织直至中央提出。
答案：正确
分值：4";

/// What [`generate_quizzes`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuizSummary {
    pub quizzes: usize,
    pub attempts: usize,
    pub ledger_lines: usize,
}

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// The demo's questions (they pass the domain's checks: a test below proves it).
pub fn demo_quiz() -> Result<Quiz, DemoError> {
    quiz::text::parse(QUESTIONS, false).map_err(|e| DemoError::Store(StoreError::Config(e.to_string())))
}

/// A sheet by a member who gets each question right with probability `skill` (in
/// percent) and otherwise picks a wrong option.
fn answer(q: &Quiz, skill: u8, rng: &mut Rng) -> Vec<Vec<usize>> {
    q.questions
        .iter()
        .map(|x| {
            if rng.u8(0..100) < skill {
                return x.answer.clone();
            }
            match x.kind {
                // One of the correct options only: all-or-nothing marks it wrong.
                Kind::Multiple => vec![x.answer[0]],
                _ => {
                    let wrong: Vec<usize> = (0..x.options.len()).filter(|i| !x.answer.contains(i)).collect();
                    vec![wrong[rng.usize(0..wrong.len())]]
                }
            }
        })
        .collect()
}

/// Writes the finished and the open quiz over the 机关党委 with the most branches (at most
/// 12). Does nothing when the tree has no such committee.
pub async fn generate_quizzes(db: &Db, seed: u64, today: Date, now: i64) -> Result<QuizSummary, DemoError> {
    let mut summary = QuizSummary::default();
    let all = orgs::all(db).await?;
    let is_branch = |o: &orgs::Org| OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch());
    let mut best: Option<(usize, &orgs::Org)> = None;
    for o in all.iter().filter(|o| o.kind == "organs_committee") {
        let tree = orgs::subtree(&all, o.id);
        let n = all.iter().filter(|b| tree.contains(&b.id) && is_branch(b)).count();
        if (1..=12).contains(&n) && best.is_none_or(|(m, _)| n > m) {
            best = Some((n, o));
        }
    }
    let Some((_, committee)) = best else { return Ok(summary) };
    let roster: Vec<members::Member> = members::in_orgs(db, &orgs::subtree(&all, committee.id))
        .await?
        .into_iter()
        .filter(|m| matches!(m.status.as_str(), "full" | "probationary" | "probation_extended"))
        .collect();
    let questions = demo_quiz()?;
    let mut rng = Rng::with_seed(seed ^ 0x7175_697a);

    let last = today.year() - 1;
    let opens = Date::from_calendar_date(last, Month::July, 1).unwrap_or(today);
    let done_title = format!("{last} 年党章党规知识测试");
    let done = write_quiz(db, committee.id, &done_title, opens, opens + Duration::days(14), &questions, now).await?;
    quizzes::set_state(db, done, "draft", "published", now).await?;
    let open_title = "“学党章、守党规”月度知识测试";
    let open = write_quiz(
        db,
        committee.id,
        open_title,
        today - Duration::days(2),
        today + Duration::days(12),
        &questions,
        now,
    )
    .await?;
    quizzes::set_state(db, open, "draft", "published", now).await?;
    summary.quizzes = 2;

    for (i, m) in roster.iter().enumerate() {
        let skill = rng.u8(55..=98);
        // Most took last July's quiz over its two weeks; a few have taken this month's.
        if rng.u8(0..100) < 85 {
            let on = opens + Duration::days(rng.i64(0..14));
            summary.ledger_lines +=
                attempt(db, (done, &done_title), m.id, &questions, answer(&questions, skill, &mut rng), on).await?;
            summary.attempts += 1;
        }
        if i % 4 == 0 {
            let on = today - Duration::days(rng.i64(0..=2));
            summary.ledger_lines +=
                attempt(db, (open, open_title), m.id, &questions, answer(&questions, skill, &mut rng), on).await?;
            summary.attempts += 1;
        }
    }
    quizzes::set_state(db, done, "published", "closed", now).await?;
    Ok(summary)
}

async fn write_quiz(
    db: &Db,
    org_id: i64,
    title: &str,
    opens: Date,
    closes: Date,
    q: &Quiz,
    now: i64,
) -> Result<i64, DemoError> {
    let (o, c) = (iso(opens), iso(closes));
    let input = quizzes::QuizInput { org_id, title, opens_on: &o, closes_on: &c, quiz: q };
    Ok(quizzes::create(db, &input, None, now).await?)
}

/// Stores an attempt on `on` and grants its points through the catalogue against the
/// member's real ledger (so the monthly cap holds). Returns the ledger lines written.
async fn attempt(
    db: &Db,
    (quiz_id, title): (i64, &str),
    member: i64,
    q: &Quiz,
    sheet: Vec<Vec<usize>>,
    on: Date,
) -> Result<usize, DemoError> {
    let marked = quiz::mark(q, &sheet);
    let at = on.with_time(Time::from_hms(20, 0, 0).unwrap_or(Time::MIDNIGHT)).assume_utc().unix_timestamp() * 1_000_000;
    quizzes::submit(db, quiz_id, member, &sheet, marked.score, marked.max, at).await?;
    if marked.score == 0 {
        return Ok(0);
    }
    let catalogue = default_catalogue();
    let event = PointEvent { member, on, action: "quiz".into(), quantity: marked.share(), approved_application: false };
    let written = points::append_with(db, member, on.year(), None, at, |rows| {
        let Ok(g) = grant(&catalogue, &entries(rows), &event) else { return Ok::<_, StoreError>(None) };
        Ok(Some(points::NewLine {
            member_id: member,
            on_date: iso(on),
            action: g.entry.action,
            points: format!("{:.2}", g.entry.points),
            reverses: None,
            reason: format!("{}：{title}", g.entry.reason),
            event_key: Some(format!("quiz:{quiz_id}:{member}")),
        }))
    })
    .await?;
    Ok(usize::from(written.map_err(DemoError::Store)?.is_some()))
}

/// Stored ledger lines as the domain's entries.
pub(crate) fn entries(rows: &[points::LedgerRow]) -> Vec<LedgerEntry> {
    rows.iter()
        .filter_map(|r| {
            Some(LedgerEntry {
                id: r.id,
                member: r.member_id,
                on: Date::parse(&r.on_date, &time::format_description::well_known::Iso8601::DATE).ok()?,
                action: r.action.clone(),
                points: r.points.parse().ok()?,
                reverses: r.reverses,
                reason: r.reason.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_questions_are_valid_and_worth_100() {
        let q = demo_quiz().unwrap();
        assert_eq!(q.questions.len(), 13);
        assert_eq!(q.max_score(), 100);
        assert_eq!(q.questions.iter().filter(|x| x.kind == Kind::Multiple).count(), 3);
    }
}
