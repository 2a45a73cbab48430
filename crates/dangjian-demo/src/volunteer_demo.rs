//! Demo 志愿服务: two activities of last June by the first branches of a 机关党委, with
//! their participants' hours granted as 党性积分 through the catalogue (daily and yearly
//! caps included), and one correction: hours entered too high, reversed and granted anew,
//! as the platform's correction does.

use dangjian_domain::eval::points::{PointEvent, default_catalogue, grant, reverse};
use dangjian_store::{Db, StoreError, members, orgs, points, volunteer};
use fastrand::Rng;
use rust_decimal::Decimal;
use time::{Date, Month};

use crate::{DemoError, quiz_demo::entries};

/// What [`generate_volunteer`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolunteerSummary {
    pub activities: usize,
    pub participants: usize,
    pub ledger_lines: usize,
}

const ACTIVITIES: [(u8, &str, &str, &str); 2] = [
    (8, "“党员进社区”环境整治志愿服务", "青澜社区", "清理楼道杂物、整治绿化带，向居民宣传垃圾分类。"),
    (22, "文明交通劝导志愿服务", "澜溪路与新华街交叉口", "早高峰路口文明交通劝导，协助老人和学生过街。"),
];

fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month() as u8, d.day())
}

/// Appends one line decided by `decide` over the member's ledger of `year`.
async fn append(
    db: &Db,
    member: i64,
    year: i32,
    now: i64,
    decide: impl FnOnce(&[points::LedgerRow]) -> Option<points::NewLine>,
) -> Result<usize, DemoError> {
    let r = points::append_with(db, member, year, None, now, |rows| Ok::<_, StoreError>(decide(rows))).await?;
    Ok(usize::from(r.map_err(DemoError::Store)?.is_some()))
}

/// Writes the activities for the first two branches of the 机关党委 with the most branches
/// (at most 12, the same one the quizzes are for). Does nothing without one.
pub async fn generate_volunteer(db: &Db, seed: u64, year: i32, now: i64) -> Result<VolunteerSummary, DemoError> {
    let mut summary = VolunteerSummary::default();
    let all = orgs::all(db).await?;
    let is_branch = |o: &orgs::Org| dangjian_domain::orgs::OrgKind::from_code(&o.kind).is_some_and(|k| k.is_branch());
    let mut best: Option<(usize, &orgs::Org)> = None;
    for o in all.iter().filter(|o| o.kind == "organs_committee") {
        let tree = orgs::subtree(&all, o.id);
        let n = all.iter().filter(|b| tree.contains(&b.id) && is_branch(b)).count();
        if (1..=12).contains(&n) && best.is_none_or(|(m, _)| n > m) {
            best = Some((n, o));
        }
    }
    let Some((_, committee)) = best else { return Ok(summary) };
    let tree = orgs::subtree(&all, committee.id);
    let branches: Vec<&orgs::Org> = all.iter().filter(|b| tree.contains(&b.id) && is_branch(b)).take(2).collect();
    let catalogue = default_catalogue();
    let mut rng = Rng::with_seed(seed ^ 0x766f_6c75);
    for (branch, (day, title, place, description)) in branches.iter().zip(ACTIVITIES) {
        let on = Date::from_calendar_date(year, Month::June, day).unwrap_or(Date::MIN);
        let roster: Vec<members::Member> = members::in_orgs(db, &[branch.id])
            .await?
            .into_iter()
            .filter(|m| matches!(m.status.as_str(), "full" | "probationary" | "probation_extended"))
            .take(12)
            .collect();
        if roster.is_empty() {
            continue;
        }
        let hours: Vec<(i64, Decimal)> = roster.iter().map(|m| (m.id, Decimal::new(rng.i64(4..=8) * 5, 1))).collect();
        let stored: Vec<(i64, String)> = hours.iter().map(|(m, h)| (*m, h.to_string())).collect();
        let held = iso(on);
        let new = volunteer::NewActivity { org_id: branch.id, held_on: &held, title, place, description };
        let id = volunteer::create(db, &new, &stored, None, now).await?;
        summary.activities += 1;
        summary.participants += hours.len();
        for (member, h) in &hours {
            let event = PointEvent {
                member: *member,
                on,
                action: "volunteer_hour".into(),
                quantity: *h,
                approved_application: false,
            };
            summary.ledger_lines += append(db, *member, year, now, |rows| {
                let g = grant(&catalogue, &entries(rows), &event).ok()?;
                Some(points::NewLine {
                    member_id: *member,
                    on_date: held.clone(),
                    action: g.entry.action,
                    points: format!("{:.2}", g.entry.points),
                    reverses: None,
                    reason: format!("{}：{title}", g.entry.reason),
                    event_key: Some(volunteer::event_key(id, *member, 1)),
                })
            })
            .await?;
        }
        // The first activity's first participant: an hour too many entered, then corrected.
        if summary.activities == 1 {
            let (member, old) = hours[0];
            let fixed = old - Decimal::ONE;
            let revision = volunteer::set_hours(db, id, member, &fixed.to_string(), 1).await?;
            if let Some(line) = points::entry_by_key(db, &volunteer::event_key(id, member, 1)).await? {
                let note = format!("志愿服务时长更正 {old} → {fixed} 小时：签到表核对有误");
                summary.ledger_lines += append(db, member, year, now, |rows| {
                    let n = reverse(&entries(rows), line.id, &note).ok()?;
                    Some(points::NewLine {
                        member_id: n.member,
                        on_date: iso(n.on),
                        action: n.action,
                        points: format!("{:.2}", n.points),
                        reverses: n.reverses,
                        reason: n.reason,
                        event_key: None,
                    })
                })
                .await?;
            }
            let event = PointEvent {
                member,
                on,
                action: "volunteer_hour".into(),
                quantity: fixed,
                approved_application: false,
            };
            summary.ledger_lines += append(db, member, year, now, |rows| {
                let g = grant(&catalogue, &entries(rows), &event).ok()?;
                Some(points::NewLine {
                    member_id: member,
                    on_date: held.clone(),
                    action: g.entry.action,
                    points: format!("{:.2}", g.entry.points),
                    reverses: None,
                    reason: format!("{}：{title}", g.entry.reason),
                    event_key: Some(volunteer::event_key(id, member, revision)),
                })
            })
            .await?;
        }
    }
    Ok(summary)
}
