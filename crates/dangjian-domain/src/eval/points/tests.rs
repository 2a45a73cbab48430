use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

use super::*;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn event(member: MemberId, on: Date, action: &str, quantity: &str) -> PointEvent {
    PointEvent { member, on, action: action.into(), quantity: d(quantity), approved_application: false }
}

/// Grants the event and appends what was granted, as storage would.
fn post(cat: &Catalogue, ledger: &mut Vec<LedgerEntry>, e: &PointEvent) -> Grant {
    let g = grant(cat, ledger, e).unwrap();
    let id = ledger.len() as i64 + 1;
    ledger.push(g.entry.clone().with_id(id));
    g
}

#[test]
fn monthly_cap_clips_the_sixth_attendance() {
    // 参加组织生活: 2 per attendance, at most 10 a month → 5 × 2 = 10, the 6th earns 0.
    let cat = default_catalogue();
    let mut ledger = Vec::new();
    for day in 1..=5 {
        let g = post(
            &cat,
            &mut ledger,
            &event(7, date!(2026 - 04 - 01).replace_day(day).unwrap(), "org_life_attendance", "1"),
        );
        assert_eq!(g.entry.points, d("2"));
        assert!(g.clip.is_none());
    }
    let g = post(&cat, &mut ledger, &event(7, date!(2026 - 04 - 20), "org_life_attendance", "1"));
    assert_eq!(g.requested, d("2"));
    assert_eq!(g.entry.points, d("0"));
    assert_eq!(g.clip, Some(Clip { period: CapPeriod::Month, cap: d("10"), used: d("10") }));
    assert_eq!(g.entry.reason, "参加组织生活（已达每月上限 10 分，本次计 0.00 分）");
    // A new month has room again.
    let g = grant(&cat, &ledger, &event(7, date!(2026 - 05 - 01), "org_life_attendance", "1")).unwrap();
    assert_eq!(g.entry.points, d("2"));
    assert_eq!(balance(&ledger, 7, 2026), d("10"));
}

#[test]
fn daily_cap_clips_part_of_a_grant() {
    // 志愿服务: 1 per hour, 8 a day. 5 h then 5 h on the same day → 5, then 3 (8 − 5).
    let cat = default_catalogue();
    let mut ledger = Vec::new();
    post(&cat, &mut ledger, &event(1, date!(2026 - 06 - 01), "volunteer_hour", "5"));
    let g = post(&cat, &mut ledger, &event(1, date!(2026 - 06 - 01), "volunteer_hour", "5"));
    assert_eq!(g.entry.points, d("3"));
    assert_eq!(g.clip.as_ref().map(|c| (c.period, c.used)), Some((CapPeriod::Day, d("5"))));
}

#[test]
fn partial_marks_and_deductions() {
    let cat = default_catalogue();
    let mut ledger = Vec::new();
    // Quiz at 80 % of full marks: 5 × 0.8 = 4.
    assert_eq!(post(&cat, &mut ledger, &event(1, date!(2026 - 06 - 01), "quiz", "0.8")).entry.points, d("4"));
    // Late dues: −1, at most once a month.
    assert_eq!(post(&cat, &mut ledger, &event(1, date!(2026 - 06 - 02), "dues_late", "1")).entry.points, d("-1"));
    assert_eq!(post(&cat, &mut ledger, &event(1, date!(2026 - 06 - 03), "dues_late", "1")).entry.points, d("0"));
    assert_eq!(balance(&ledger, 1, 2026), d("3"));
    assert_eq!(
        grant(&cat, &ledger, &event(1, date!(2026 - 06 - 03), "nope", "1")),
        Err(PointsError::UnknownAction("nope".into()))
    );
    assert_eq!(grant(&cat, &ledger, &event(1, date!(2026 - 06 - 03), "quiz", "0")), Err(PointsError::BadQuantity));
}

#[test]
fn applications_need_approval() {
    let cat = default_catalogue();
    let mut e = event(1, date!(2026 - 06 - 01), "honour", "1");
    assert!(matches!(grant(&cat, &[], &e), Err(PointsError::NeedsApproval(_))));
    e.approved_application = true;
    assert_eq!(grant(&cat, &[], &e).unwrap().entry.points, d("5"));
}

#[test]
fn a_reversal_restores_the_balance_of_the_original_year_and_frees_the_cap() {
    let cat = default_catalogue();
    let mut ledger = Vec::new();
    post(&cat, &mut ledger, &event(3, date!(2025 - 12 - 10), "dues_on_time", "1"));
    assert_eq!(balance(&ledger, 3, 2025), d("1"));
    // Corrected in January: the reversal counts on 10 December, so 2025 goes back to 0.
    let r = reverse(&ledger, 1, "重复计分").unwrap();
    assert_eq!((r.on, r.points, r.reverses), (date!(2025 - 12 - 10), d("-1"), Some(1)));
    assert_eq!(r.reason, "冲正：重复计分");
    ledger.push(r.with_id(2));
    assert_eq!(balance(&ledger, 3, 2025), d("0"));
    assert_eq!(balance(&ledger, 3, 2026), d("0"));
    // The month's cap has room again.
    assert_eq!(
        grant(&cat, &ledger, &event(3, date!(2025 - 12 - 11), "dues_on_time", "1")).unwrap().entry.points,
        d("1")
    );
    assert_eq!(reverse(&ledger, 1, "again"), Err(PointsError::AlreadyReversed(1)));
    assert_eq!(reverse(&ledger, 2, "again"), Err(PointsError::ReversalOfReversal(2)));
    assert_eq!(reverse(&ledger, 9, "x"), Err(PointsError::NotFound(9)));
    let mut ledger2 = ledger.clone();
    ledger2.truncate(1);
    assert_eq!(reverse(&ledger2, 1, "  "), Err(PointsError::ReasonRequired));
    let lines = statement(&ledger, 3, 2025);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].reversed_by, Some(2));
    assert_eq!(lines[1].running, d("0"));
}

#[test]
fn rankings_are_off_by_default() {
    let mut cat = default_catalogue();
    let b: BTreeMap<MemberId, Decimal> = [(1, d("5")), (2, d("7")), (3, d("5")), (4, d("1"))].into();
    assert!(ranking(&cat, &b).is_none());
    cat.rankings_enabled = true;
    let r = ranking(&cat, &b).unwrap();
    assert_eq!(r.iter().map(|x| (x.0, x.2)).collect::<Vec<_>>(), [(2, 1), (1, 2), (3, 2), (4, 4)]);
}

#[test]
fn default_catalogue_is_valid() {
    default_catalogue().validate().unwrap();
    let mut cat = default_catalogue();
    cat.rules[1].points = Decimal::ZERO;
    assert!(cat.validate().is_err());
}

#[derive(Debug, Clone)]
enum Op {
    Event { member: MemberId, day: u8, action: usize, quantity: u8 },
    Reverse(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1i64..4, 0u8..60, 0usize..7, 1u8..12).prop_map(|(member, day, action, quantity)| Op::Event { member, day, action, quantity }),
        1 => (0usize..1000).prop_map(Op::Reverse),
    ]
}

proptest! {
    #[test]
    fn caps_are_never_exceeded_and_reversals_restore_balances(ops in proptest::collection::vec(op(), 1..80)) {
        let cat = default_catalogue();
        let actions: Vec<&PointRule> = cat.rules.iter().filter(|r| !r.by_application).collect();
        let mut ledger: Vec<LedgerEntry> = Vec::new();
        for op in ops {
            match op {
                Op::Event { member, day, action, quantity } => {
                    let on = date!(2026 - 01 - 01) + time::Duration::days(i64::from(day));
                    let e = PointEvent {
                        member, on, action: actions[action % actions.len()].action.clone(),
                        quantity: Decimal::from(quantity), approved_application: false,
                    };
                    post(&cat, &mut ledger, &e);
                }
                Op::Reverse(i) if !ledger.is_empty() => {
                    let target = ledger[i % ledger.len()].clone();
                    let before = balance(&ledger, target.member, target.on.year());
                    match reverse(&ledger, target.id, "更正") {
                        Ok(r) => {
                            let id = ledger.len() as i64 + 1;
                            ledger.push(r.with_id(id));
                            // Balance moves by exactly the original's points, back to where it was without it.
                            prop_assert_eq!(balance(&ledger, target.member, target.on.year()), before - target.points);
                        }
                        Err(_) => prop_assert!(target.reverses.is_some() || ledger.iter().any(|e| e.reverses == Some(target.id))),
                    }
                }
                Op::Reverse(_) => {}
            }
        }
        // Every cap holds on the net points of every member, action and period.
        for rule in &cat.rules {
            for e in &ledger {
                for (period, cap) in [(CapPeriod::Day, rule.per_day), (CapPeriod::Month, rule.per_month), (CapPeriod::Year, rule.per_year)] {
                    let Some(cap) = cap else { continue };
                    let net: Decimal = ledger.iter()
                        .filter(|x| x.member == e.member && x.action == rule.action && period.contains(x.on, e.on))
                        .map(|x| x.points).sum();
                    prop_assert!(net.abs() <= cap, "{} {:?} net {} cap {}", rule.action, period, net, cap);
                }
            }
        }
        // Reversing everything not yet reversed brings every balance back to zero.
        let open: Vec<i64> = ledger.iter()
            .filter(|e| e.reverses.is_none() && !ledger.iter().any(|r| r.reverses == Some(e.id)))
            .map(|e| e.id).collect();
        for id in open {
            let r = reverse(&ledger, id, "全部冲正").unwrap();
            let nid = ledger.len() as i64 + 1;
            ledger.push(r.with_id(nid));
        }
        prop_assert!(balances(&ledger, 2026).values().all(|b| b.is_zero()));
    }
}

#[test]
fn catalogue_rows_need_a_code_and_a_name() {
    let mut cat = default_catalogue();
    cat.rules[2].action = "党费".into();
    assert_eq!(
        cat.validate().unwrap_err().to_string(),
        "第 3 条积分规则：行为编号只能用字母、数字、下划线、点和连字符（至多 40 个）"
    );
    let mut cat = default_catalogue();
    cat.rules[0].name = "  ".into();
    assert_eq!(cat.validate().unwrap_err().to_string(), "第 1 条积分规则：行为 org_life_attendance 的名称不能为空");
    let mut cat = default_catalogue();
    cat.rules[4].action = "quiz".into();
    cat.rules[5].action = "quiz".into();
    assert_eq!(cat.validate().unwrap_err().to_string(), "第 6 条积分规则：行为编号 quiz 重复");
    let mut cat = default_catalogue();
    cat.rules[5].per_year = Some(Decimal::NEGATIVE_ONE);
    assert_eq!(cat.validate().unwrap_err().to_string(), "第 6 条积分规则：上限不能为负数");
}
