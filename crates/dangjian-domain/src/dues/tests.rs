use super::*;
use proptest::prelude::*;
use time::macros::date;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn ym(s: &str) -> YearMonth {
    s.parse().unwrap()
}

fn due(category: Category, base: &str) -> Decimal {
    RuleBook::standard().monthly_due(category, d(base), ym("2024-06")).unwrap()
}

#[test]
fn effective_date_is_first_of_april_2008() {
    assert_eq!(RuleSet::cpc_2008().effective_from, date!(2008 - 04 - 01));
    RuleSet::cpc_2008().validate().unwrap();
}

#[test]
fn in_service_cliffs() {
    let cases = [
        ("0", "0.00"),
        ("0.01", "0.00"),
        ("1000", "5.00"),
        ("3000.00", "15.00"),
        ("3000.01", "30.00"),
        ("4000", "40.00"),
        ("5000.00", "50.00"),
        ("5000.01", "75.00"),
        ("8000", "120.00"),
        ("10000.00", "150.00"),
        ("10000.01", "200.00"),
        ("25000", "500.00"),
    ];
    for (base, expected) in cases {
        assert_eq!(due(Category::InService, base), d(expected), "base {base}");
        assert_eq!(due(Category::InService, base).to_string(), expected, "base {base} prints as money");
    }
}

#[test]
fn annual_salary_and_self_employed_use_in_service_brackets() {
    for category in [Category::AnnualSalary, Category::SelfEmployed] {
        assert_eq!(due(category, "3000.00"), d("15.00"));
        assert_eq!(due(category, "3000.01"), d("30.00"));
        assert_eq!(due(category, "10000.01"), d("200.00"));
    }
}

#[test]
fn retired_cliffs() {
    assert_eq!(due(Category::Retired, "5000.00"), d("25.00"));
    assert_eq!(due(Category::Retired, "5000.01"), d("50.00"));
    assert_eq!(due(Category::Retired, "3000.01"), d("15.00"));
    assert_eq!(due(Category::Retired, "12000"), d("120.00"));
}

#[test]
fn flat_categories_ignore_the_base() {
    for category in [Category::Student, Category::Other, Category::Farmer] {
        assert!(category.is_flat());
        assert_eq!(due(category, "0"), d("0.20"));
        assert_eq!(due(category, "8000").to_string(), "0.20");
    }
    let mut rule = RuleSet::cpc_2008();
    rule.farmer_flat = d("1.00");
    assert_eq!(rule.assess(Category::Farmer, d("0")).unwrap().due, d("1.00"));
    assert_eq!(rule.assess(Category::Student, d("0")).unwrap().due, d("0.20"));
}

#[test]
fn rounding_defaults_to_cents_and_is_configurable() {
    assert_eq!(due(Category::InService, "1234.57"), d("6.17"));
    let rule = RuleSet::cpc_2008();
    let a = rule.assess(Category::InService, d("1234.57")).unwrap();
    assert_eq!(a.exact, d("6.17285"));
    assert_eq!(a.rate, Some(d("0.005")));
    assert_eq!(a.rule_source, "中组发〔2008〕3号");

    let with = |rounding: Rounding| {
        let mut r = RuleSet::cpc_2008();
        r.rounding = rounding;
        r.assess(Category::InService, d("1234.57")).unwrap().due.to_string()
    };
    assert_eq!(with(Rounding::to_jiao()), "6.20");
    assert_eq!(with(Rounding { unit: RoundingUnit::Fen, mode: RoundingMode::Up }), "6.18");
    assert_eq!(with(Rounding { unit: RoundingUnit::Fen, mode: RoundingMode::Down }), "6.17");
    assert_eq!(with(Rounding { unit: RoundingUnit::Yuan, mode: RoundingMode::HalfUp }), "6.00");
    assert_eq!(with(Rounding { unit: RoundingUnit::Jiao, mode: RoundingMode::Down }), "6.10");
}

#[test]
fn half_cent_rounds_up() {
    // 1001 × 0.005 = 5.005 → 5.01 (四舍五入), not 5.00 (banker's rounding).
    assert_eq!(due(Category::InService, "1001"), d("5.01"));
    assert_eq!(Rounding::to_cents().apply(d("0.125")).to_string(), "0.13");
}

#[test]
fn negative_base_is_refused_in_chinese() {
    let err = RuleBook::standard().monthly_due(Category::InService, d("-0.01"), ym("2024-01")).unwrap_err();
    assert_eq!(err, DuesError::NegativeBase { base: d("-0.01") });
    assert_eq!(err.to_string(), "党费计算基数不能为负数（填写的是 -0.01 元）");
    assert!(RuleBook::standard().monthly_due(Category::Student, d("-1"), ym("2024-01")).is_err());
    // Negative zero is zero.
    assert_eq!(RuleBook::standard().monthly_due(Category::InService, -d("0"), ym("2024-01")).unwrap(), d("0"));
}

#[test]
fn huge_base_is_an_error_not_a_panic() {
    assert_eq!(MAX_BASE, d("1000000000000"));
    let book = RuleBook::standard();
    let err = book.monthly_due(Category::InService, Decimal::MAX, ym("2024-01")).unwrap_err();
    assert_eq!(err, DuesError::TooLarge);
    assert_eq!(err.to_string(), "党费计算基数过大，请核对金额");
    assert!(book.monthly_due(Category::InService, MAX_BASE + d("0.01"), ym("2024-01")).is_err());
    assert_eq!(book.monthly_due(Category::InService, MAX_BASE, ym("2024-01")).unwrap(), d("20000000000"));
}

#[test]
fn no_rule_before_april_2008() {
    let book = RuleBook::standard();
    let err = book.monthly_due(Category::InService, d("3000"), ym("2008-03")).unwrap_err();
    assert_eq!(err, DuesError::NoRuleInForce { month: ym("2008-03") });
    assert_eq!(err.to_string(), "2008-03 没有适用的党费收缴标准");
    assert_eq!(book.monthly_due(Category::InService, d("3000"), ym("2008-04")).unwrap(), d("15.00"));
}

#[test]
fn rule_book_picks_the_rule_in_force_for_the_month() {
    let mut newer = RuleSet::cpc_2008();
    newer.effective_from = date!(2030 - 01 - 15);
    newer.source = "新标准".to_string();
    newer.in_service[0].rate = d("0.004");
    let book = RuleBook::new(vec![newer, RuleSet::cpc_2008()]).unwrap();
    assert_eq!(book.rules()[0].source, "中组发〔2008〕3号");
    // In force mid-January: January is still assessed under the old rule.
    assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2030-01")).unwrap(), d("5.00"));
    assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2030-02")).unwrap(), d("4.00"));
    assert_eq!(book.assess(Category::InService, d("1000"), ym("2030-02")).unwrap().rule_source, "新标准");
    assert_eq!(book.monthly_due(Category::InService, d("1000"), ym("2029-12")).unwrap(), d("5.00"));
}

#[test]
fn rule_book_refuses_bad_tables() {
    assert!(RuleBook::new(vec![]).is_err());
    assert!(RuleBook::new(vec![RuleSet::cpc_2008(), RuleSet::cpc_2008()]).is_err());

    let broken = |f: fn(&mut RuleSet)| {
        let mut r = RuleSet::cpc_2008();
        f(&mut r);
        r.validate().unwrap_err()
    };
    broken(|r| r.in_service.clear());
    broken(|r| r.retired[1].upper_inclusive = Some(d("9000")));
    broken(|r| r.in_service[1].upper_inclusive = Some(d("2000")));
    broken(|r| r.in_service[1].upper_inclusive = None);
    broken(|r| r.in_service[0].rate = d("-0.01"));
    broken(|r| r.in_service[0].rate = d("1.5"));
    broken(|r| r.in_service[0].upper_inclusive = Some(d("0")));
    broken(|r| r.flat = d("-0.2"));
    broken(|r| r.farmer_flat = d("-1"));
    broken(|r| r.large_voluntary_threshold = d("0"));
    let msg = broken(|r| r.retired.clear()).to_string();
    assert_eq!(msg, "党费收缴标准设置有误：离退休比例表为空");
}

#[test]
fn categories_round_trip_their_codes() {
    for c in Category::ALL {
        assert_eq!(Category::from_code(c.code()), Some(c));
        assert!(!c.name().is_empty());
    }
    assert_eq!(Category::from_code("nope"), None);
    assert_eq!(RetiredBase::BasicPension.label(), "每月基本离退休费（基本养老金）");
}

#[test]
fn large_voluntary_payments_go_to_the_centre() {
    let r = RuleSet::cpc_2008();
    assert!(!r.voluntary_goes_to_centre(d("999.99")));
    assert!(r.voluntary_goes_to_centre(d("1000")));
    assert!(r.voluntary_goes_to_centre(d("50000")));
}

#[test]
fn probationary_member_pays_from_the_branch_meeting_month() {
    assert_eq!(dues_start_month(date!(2024 - 03 - 31)), ym("2024-03"));
    assert_eq!(dues_start_month(date!(2024 - 04 - 01)), ym("2024-04"));
}

#[test]
fn back_payment_allowed_for_six_months() {
    let march = ym("2024-03");
    assert!(can_back_pay(march, date!(2024 - 02 - 10)).is_ok(), "in advance");
    assert!(can_back_pay(march, date!(2024 - 03 - 31)).is_ok(), "on time");
    assert!(can_back_pay(march, date!(2024 - 09 - 30)).is_ok(), "6 months back");
    let err = can_back_pay(march, date!(2024 - 10 - 01)).unwrap_err();
    assert_eq!(err, DuesError::BackPayTooLate { due_month: march, paid_month: ym("2024-10"), max_months: 6 });
    assert_eq!(
        err.to_string(),
        "2024-03 的党费已超过补交期限：补交最长不超过 6 个月，最晚应在 2024-09 交纳，交纳月份为 2024-10"
    );
    // Across a year end.
    assert!(can_back_pay(ym("2023-11"), date!(2024 - 05 - 31)).is_ok());
    assert!(can_back_pay(ym("2023-11"), date!(2024 - 06 - 01)).is_err());
    // A stricter local limit.
    assert!(can_back_pay_within(march, date!(2024 - 06 - 01), 3).is_ok());
    assert!(can_back_pay_within(march, date!(2024 - 07 - 01), 3).is_err());
}

#[test]
fn adjustments_need_approval_and_only_lower_the_amount() {
    let ok = |kind| {
        Adjustment::approve(
            kind,
            ym("2024-01"),
            ym("2024-06"),
            date!(2023 - 12 - 20),
            "机关党委",
            date!(2023 - 12 - 28),
            "家庭遭遇重大变故",
        )
    };
    let reduce = ok(AdjustmentKind::Reduce { monthly_amount: d("5") }).unwrap();
    assert_eq!(reduce.apply(ym("2024-01"), d("30.00")).to_string(), "5.00");
    assert_eq!(reduce.apply(ym("2024-06"), d("3.00")), d("3.00"), "never raises");
    assert_eq!(reduce.apply(ym("2024-07"), d("30.00")), d("30.00"), "outside the months");
    assert_eq!(reduce.apply(ym("2023-12"), d("30.00")), d("30.00"));
    assert_eq!(reduce.kind().name(), "少交");
    assert_eq!(reduce.approved_by(), "机关党委");

    let exempt = ok(AdjustmentKind::Exempt).unwrap();
    assert_eq!(exempt.apply(ym("2024-03"), d("30.00")).to_string(), "0.00");
    assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[reduce.clone(), exempt]), d("0"));
    assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[reduce]), d("5"));
    assert_eq!(due_after_adjustments(d("30.00"), ym("2024-03"), &[]), d("30"));

    let month = ym("2024-01");
    let day = date!(2024 - 01 - 05);
    let exempt = AdjustmentKind::Exempt;
    assert!(Adjustment::approve(exempt, month, month, day, " ", day, "困难").is_err());
    assert!(Adjustment::approve(exempt, month, month, day, "机关党委", day, "").is_err());
    assert!(Adjustment::approve(exempt, month, month.prev(), day, "机关党委", day, "困难").is_err());
    assert!(Adjustment::approve(exempt, month, month, day, "机关党委", day.previous_day().unwrap(), "困难").is_err());
    let negative = AdjustmentKind::Reduce { monthly_amount: d("-1") };
    let err = Adjustment::approve(negative, month, month, day, "机关党委", day, "困难").unwrap_err();
    assert_eq!(err.to_string(), "少交或免交党费的审批信息有误：少交后的金额不能为负数");
}

#[test]
fn consecutive_unpaid_counts_back_from_through() {
    let paid = [ym("2024-01"), ym("2024-02"), ym("2024-05")];
    let start = ym("2023-10");
    assert_eq!(consecutive_unpaid_months(&paid, ym("2024-05"), start), 0);
    assert_eq!(consecutive_unpaid_months(&paid, ym("2024-04"), start), 2);
    assert_eq!(consecutive_unpaid_months(&paid, ym("2024-11"), start), 6);
    // Nothing paid: counted from the start month only.
    assert_eq!(consecutive_unpaid_months(&[], ym("2024-03"), ym("2024-01")), 3);
    assert_eq!(consecutive_unpaid_months(&[], ym("2023-12"), ym("2024-01")), 0);
    // The run stops at the start even when earlier months look unpaid.
    assert_eq!(consecutive_unpaid_months(&[], ym("2024-01"), ym("2024-01")), 1);
    assert_eq!(consecutive_unpaid_months(&[], YearMonth::MIN, YearMonth::MIN), 1);
}

#[test]
fn warning_at_six_months() {
    assert_eq!(ArrearsStatus::from_unpaid(0), ArrearsStatus::UpToDate);
    assert_eq!(ArrearsStatus::from_unpaid(0).warning(), None);
    assert_eq!(ArrearsStatus::from_unpaid(5), ArrearsStatus::Behind { months: 5 });
    assert_eq!(ArrearsStatus::from_unpaid(6), ArrearsStatus::LapseRisk { months: 6 });
    assert!(ArrearsStatus::from_unpaid(6).warning().unwrap().contains("党章第九条"));
    assert_eq!(ArrearsStatus::from_unpaid(2).warning().unwrap(), "已连续 2 个月未交纳党费，请及时提醒。");
    assert_eq!(ArrearsStatus::with_threshold(3, 3), ArrearsStatus::LapseRisk { months: 3 });
}

/// The 2008 rate for a base, written out independently of the bracket table.
fn reference_rate(category: Category, base: Decimal) -> Decimal {
    if category == Category::Retired {
        return if base <= d("5000") { d("0.005") } else { d("0.01") };
    }
    if base <= d("3000") {
        d("0.005")
    } else if base <= d("5000") {
        d("0.01")
    } else if base <= d("10000") {
        d("0.015")
    } else {
        d("0.02")
    }
}

fn bracket_index(category: Category, base: Decimal) -> usize {
    let uppers: &[i64] = if category == Category::Retired { &[5000] } else { &[3000, 5000, 10000] };
    uppers.iter().filter(|&&u| base > Decimal::from(u)).count()
}

fn rated_category() -> impl Strategy<Value = Category> {
    prop_oneof![
        Just(Category::InService),
        Just(Category::AnnualSalary),
        Just(Category::SelfEmployed),
        Just(Category::Retired),
    ]
}

proptest! {
    #[test]
    fn due_is_never_negative(cents in 0i64..10_000_000_000, ci in 0usize..7) {
        let category = Category::ALL[ci];
        let due = RuleBook::standard().monthly_due(category, Decimal::new(cents, 2), ym("2024-01")).unwrap();
        prop_assert!(due >= Decimal::ZERO);
    }

    #[test]
    fn rate_applies_to_the_whole_base(cents in 0i64..10_000_000_000, category in rated_category()) {
        let base = Decimal::new(cents, 2);
        let due = RuleBook::standard().monthly_due(category, base, ym("2024-01")).unwrap();
        let expected = (base * reference_rate(category, base))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        prop_assert_eq!(due, expected);
        prop_assert!((due - base * reference_rate(category, base)).abs() <= d("0.005"));
    }

    #[test]
    fn monotone_within_a_bracket(a in 0i64..3_000_000, b in 0i64..3_000_000, category in rated_category()) {
        let (lo, hi) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
        prop_assume!(bracket_index(category, lo) == bracket_index(category, hi));
        let book = RuleBook::standard();
        let month = ym("2024-01");
        let due = |base| book.monthly_due(category, base, month).unwrap();
        prop_assert!(due(lo) <= due(hi));
    }

    #[test]
    fn rates_rise_so_the_whole_table_is_monotone(
        a in 0i64..3_000_000,
        b in 0i64..3_000_000,
        category in rated_category(),
    ) {
        let (lo, hi) = (Decimal::new(a.min(b), 2), Decimal::new(a.max(b), 2));
        let book = RuleBook::standard();
        let month = ym("2024-01");
        let due = |base| book.monthly_due(category, base, month).unwrap();
        prop_assert!(due(lo) <= due(hi));
    }

    #[test]
    fn rounding_stays_within_one_unit(cents in 0i64..100_000_000, unit in 0usize..3, mode in 0usize..3) {
        let unit = [RoundingUnit::Fen, RoundingUnit::Jiao, RoundingUnit::Yuan][unit];
        let mode = [RoundingMode::HalfUp, RoundingMode::Up, RoundingMode::Down][mode];
        let exact = Decimal::new(cents, 4);
        let rounded = Rounding { unit, mode }.apply(exact);
        let step = match unit {
            RoundingUnit::Fen => d("0.01"),
            RoundingUnit::Jiao => d("0.1"),
            RoundingUnit::Yuan => d("1"),
        };
        prop_assert!((rounded - exact).abs() <= step);
        prop_assert_eq!(rounded % step, Decimal::ZERO);
        prop_assert_eq!(rounded.scale(), 2);
        match mode {
            RoundingMode::Up => prop_assert!(rounded >= exact),
            RoundingMode::Down => prop_assert!(rounded <= exact),
            RoundingMode::HalfUp => prop_assert!((rounded - exact).abs() * Decimal::TWO <= step),
        }
    }

    #[test]
    fn unpaid_run_never_exceeds_the_window(
        paid in proptest::collection::vec(0i64..36, 0..36),
        start_off in 0i64..36,
        through_off in 0i64..36,
    ) {
        let origin = ym("2022-01");
        let paid: Vec<_> = paid.into_iter().map(|o| origin.add_months(o)).collect();
        let start = origin.add_months(start_off);
        let through = origin.add_months(through_off);
        let n = consecutive_unpaid_months(&paid, through, start);
        prop_assert!(i64::from(n) <= (through.months_since(start) + 1).max(0));
        if paid.contains(&through) {
            prop_assert_eq!(n, 0);
        }
    }
}
