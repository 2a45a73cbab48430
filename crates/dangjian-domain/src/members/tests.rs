use super::*;
use proptest::prelude::*;
use time::macros::date;

fn full(name: &str) -> Introducer {
    Introducer { name: name.to_string(), full_member: true }
}

fn two_introducers() -> StepFacts {
    StepFacts { birth_date: None, introducers: vec![full("王明"), full("李华")] }
}

fn born(d: Date) -> StepFacts {
    StepFacts { birth_date: Some(d), introducers: vec![] }
}

/// A person who followed every rule: applied 2021-03-10, admitted 2023-04-20.
fn history_through(stage: Stage) -> Vec<StepRecord> {
    let steps = [
        (Step::Apply, date!(2021 - 03 - 10)),
        (Step::ApplicationTalk, date!(2021 - 03 - 25)),
        (Step::ConfirmActivist, date!(2021 - 09 - 15)),
        (Step::ConfirmCandidate, date!(2022 - 10 - 08)),
        (Step::Admit, date!(2023 - 04 - 20)),
    ];
    let count = match stage {
        Stage::Applicant => 2,
        Stage::Activist => 3,
        Stage::Candidate => 4,
        _ => 5,
    };
    steps[..count].iter().map(|&(s, d)| StepRecord::new(s, d)).collect()
}

fn rules_of(result: Result<(), Vec<RuleBreach>>) -> Vec<Rule> {
    result.err().unwrap_or_default().into_iter().map(|b| b.rule).collect()
}

#[test]
fn the_whole_path_passes() {
    let mut history = Vec::new();
    let steps = [
        (Step::Apply, date!(2021 - 03 - 10), born(date!(1999 - 07 - 01))),
        (Step::ApplicationTalk, date!(2021 - 03 - 25), StepFacts::default()),
        (Step::ConfirmActivist, date!(2021 - 09 - 15), StepFacts::default()),
        (Step::ConfirmCandidate, date!(2022 - 10 - 08), StepFacts::default()),
        (Step::Admit, date!(2023 - 04 - 20), two_introducers()),
        (Step::ConfirmFull, date!(2024 - 04 - 20), StepFacts::default()),
    ];
    for (step, date, facts) in steps {
        let record = record_step(&history, step, date, &facts, None).unwrap();
        assert!(record.overridden.is_none());
        history.push(record);
    }
    let p = Progress::replay(&history).unwrap();
    assert_eq!(p.stage, Some(Stage::Full));
    assert_eq!(p.full_on, Some(date!(2024 - 04 - 20)));
    assert_eq!(p.probation_ends_on(), Some(date!(2024 - 04 - 20)));
    assert!(Stage::Full.is_member());
}

#[test]
fn applicant_must_be_eighteen_on_the_application_date() {
    let birth = date!(2006 - 05 - 20);
    assert!(check_step(&[], Step::Apply, date!(2024 - 05 - 20), &born(birth)).is_ok());
    let breaches = check_step(&[], Step::Apply, date!(2024 - 05 - 19), &born(birth)).unwrap_err();
    assert_eq!(breaches.len(), 1);
    assert_eq!(breaches[0].rule, Rule::MinimumAge);
    assert_eq!(
        breaches[0].message,
        "申请人出生于 2006-05-20，申请日期 2024-05-19 时未满十八周岁（2024-05-20 起方可申请）"
    );
    assert_eq!(
        breaches[0].to_string(),
        "申请人出生于 2006-05-20，申请日期 2024-05-19 时未满十八周岁（2024-05-20 起方可申请）\
         （申请入党须年满十八周岁。党章第一条；《中国共产党发展党员工作细则》第五条）"
    );
}

#[test]
fn leap_day_birthday_turns_eighteen_on_march_first() {
    let birth = date!(2004 - 02 - 29);
    let breaches = check_step(&[], Step::Apply, date!(2022 - 02 - 28), &born(birth)).unwrap_err();
    assert!(breaches[0].message.contains("2022-03-01 起方可申请"), "{}", breaches[0].message);
    assert!(check_step(&[], Step::Apply, date!(2022 - 03 - 01), &born(birth)).is_ok());
}

#[test]
fn birth_date_is_needed_to_apply() {
    let breaches = check_step(&[], Step::Apply, date!(2024 - 05 - 20), &StepFacts::default()).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::MissingFact);
    assert!(!Rule::MissingFact.overridable());
}

#[test]
fn talk_within_one_month_of_the_application() {
    let applied = vec![StepRecord::new(Step::Apply, date!(2024 - 01 - 31))];
    let p = Progress::replay(&applied).unwrap();
    assert_eq!(p.talk_due_by(), Some(date!(2024 - 02 - 29)));
    let none = StepFacts::default();
    assert!(check_step(&applied, Step::ApplicationTalk, date!(2024 - 01 - 31), &none).is_ok());
    assert!(check_step(&applied, Step::ApplicationTalk, date!(2024 - 02 - 29), &none).is_ok());
    let breaches = check_step(&applied, Step::ApplicationTalk, date!(2024 - 03 - 01), &none).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::TalkWithinOneMonth);
    assert_eq!(breaches[0].message, "谈话日期 2024-03-01 已超过申请后一个月（应不晚于 2024-02-29）");

    let mut talked = applied.clone();
    talked.push(StepRecord::new(Step::ApplicationTalk, date!(2024 - 02 - 10)));
    assert_eq!(Progress::replay(&talked).unwrap().talk_due_by(), None);
    assert_eq!(
        rules_of(check_step(&talked, Step::ApplicationTalk, date!(2024 - 02 - 11), &none)),
        vec![Rule::StepOutOfOrder]
    );
}

#[test]
fn activist_needs_the_talk_first() {
    let applied = vec![StepRecord::new(Step::Apply, date!(2024 - 01 - 10))];
    let none = StepFacts::default();
    assert_eq!(
        rules_of(check_step(&applied, Step::ConfirmActivist, date!(2024 - 04 - 01), &none)),
        vec![Rule::TalkBeforeActivist]
    );
    let talked = history_through(Stage::Applicant);
    assert!(check_step(&talked, Step::ConfirmActivist, date!(2021 - 04 - 01), &none).is_ok());
}

#[test]
fn one_year_as_activist_before_candidate() {
    // Confirmed as 积极分子 2021-09-15.
    let h = history_through(Stage::Activist);
    let none = StepFacts::default();
    assert!(check_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 15), &none).is_ok());
    let breaches = check_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 14), &none).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::OneYearAsActivist);
    assert_eq!(breaches[0].message, "自 2021-09-15 确定为入党积极分子起未满一年（2022-09-15 起方可列为发展对象）");
    assert_eq!(Progress::replay(&h).unwrap().candidate_from(), Some(date!(2022 - 09 - 15)));
}

#[test]
fn admission_needs_two_full_member_introducers() {
    let h = history_through(Stage::Candidate);
    let day = date!(2023 - 04 - 20);
    let check =
        |introducers: Vec<Introducer>| check_step(&h, Step::Admit, day, &StepFacts { birth_date: None, introducers });
    assert!(check(vec![full("王明"), full("李华")]).is_ok());
    let one = check(vec![full("王明")]).unwrap_err();
    assert_eq!(one[0].rule, Rule::TwoFullMemberIntroducers);
    assert_eq!(one[0].message, "入党介绍人应为两名，现为 1 名");
    assert!(check(vec![full("王明"), full("李华"), full("赵强")]).is_err());
    assert!(check(vec![]).is_err());
    let probationary = check(vec![full("王明"), Introducer { name: "李华".into(), full_member: false }]);
    assert_eq!(probationary.unwrap_err()[0].message, "入党介绍人“李华”不是享有表决权的正式党员");
    let same = check(vec![full("王明"), full(" 王明")]);
    assert_eq!(same.unwrap_err()[0].message, "入党介绍人重复");
}

#[test]
fn probation_is_one_year_from_the_branch_meeting() {
    // Admitted 2023-04-20.
    let h = history_through(Stage::Probationary);
    let none = StepFacts::default();
    let p = Progress::replay(&h).unwrap();
    assert_eq!(p.stage, Some(Stage::Probationary));
    assert_eq!(p.probation_ends_on(), Some(date!(2024 - 04 - 20)));
    assert!(check_step(&h, Step::ConfirmFull, date!(2024 - 04 - 20), &none).is_ok());
    let breaches = check_step(&h, Step::ConfirmFull, date!(2024 - 04 - 19), &none).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::ProbationNotEnded);
    assert_eq!(breaches[0].message, "预备期到 2024-04-20 期满，2024-04-19 尚未期满，不能讨论转正");
    // Cancelling the probation has no date limit.
    assert!(check_step(&h, Step::CancelProbation, date!(2023 - 10 - 01), &none).is_ok());
}

#[test]
fn leap_day_admission_ends_on_february_28() {
    let mut h = history_through(Stage::Candidate);
    h.push(StepRecord::new(Step::Admit, date!(2024 - 02 - 29)));
    assert_eq!(Progress::replay(&h).unwrap().probation_ends_on(), Some(date!(2025 - 02 - 28)));
}

#[test]
fn extension_between_half_a_year_and_a_year_at_the_end_of_probation() {
    let h = history_through(Stage::Probationary);
    let none = StepFacts::default();
    let end = date!(2024 - 04 - 20);
    for months in [6, 9, 12] {
        assert!(check_step(&h, Step::ExtendProbation { months }, end, &none).is_ok(), "{months}");
    }
    for months in [0, 5, 13, 24] {
        assert_eq!(rules_of(check_step(&h, Step::ExtendProbation { months }, end, &none)), vec![Rule::ExtensionLength]);
    }
    let early = check_step(&h, Step::ExtendProbation { months: 6 }, date!(2024 - 04 - 19), &none);
    assert_eq!(rules_of(early), vec![Rule::ExtensionAtProbationEnd]);
    // Both breaches at once.
    let both = check_step(&h, Step::ExtendProbation { months: 3 }, date!(2024 - 01 - 19), &none);
    assert_eq!(rules_of(both), vec![Rule::ExtensionLength, Rule::ExtensionAtProbationEnd]);
}

#[test]
fn extended_probation_moves_the_confirmation_date() {
    let mut h = history_through(Stage::Probationary);
    h.push(StepRecord::new(Step::ExtendProbation { months: 6 }, date!(2024 - 04 - 22)));
    let p = Progress::replay(&h).unwrap();
    assert_eq!(p.stage, Some(Stage::ProbationExtended));
    assert_eq!(p.probation_ends_on(), Some(date!(2024 - 10 - 20)));
    let none = StepFacts::default();
    assert!(check_step(&h, Step::ConfirmFull, date!(2024 - 10 - 20), &none).is_ok());
    assert_eq!(
        rules_of(check_step(&h, Step::ConfirmFull, date!(2024 - 10 - 19), &none)),
        vec![Rule::ProbationNotEnded]
    );
    // Only one extension.
    assert_eq!(
        rules_of(check_step(&h, Step::ExtendProbation { months: 6 }, date!(2024 - 10 - 20), &none)),
        vec![Rule::StepOutOfOrder]
    );
    assert!(check_step(&h, Step::CancelProbation, date!(2024 - 10 - 20), &none).is_ok());
}

#[test]
fn steps_out_of_order_are_refused_and_cannot_be_overridden() {
    let none = StepFacts::default();
    let h = history_through(Stage::Applicant);
    let breaches = check_step(&h, Step::Admit, date!(2021 - 05 - 01), &two_introducers()).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::StepOutOfOrder);
    assert_eq!(breaches[0].message, "当前为“入党申请人”，不能“接收为预备党员”");
    assert_eq!(rules_of(check_step(&[], Step::ConfirmFull, date!(2021 - 05 - 01), &none)), vec![Rule::StepOutOfOrder]);
    let auth = Authorisation { by: "机关党委".into(), reason: "补录".into(), on: date!(2021 - 05 - 01) };
    let refused = record_step(&h, Step::Admit, date!(2021 - 05 - 01), &two_introducers(), Some(auth));
    assert!(matches!(refused, Err(StepRefused::NotOverridable(_))));

    let mut done = history_through(Stage::Probationary);
    done.push(StepRecord::new(Step::ConfirmFull, date!(2024 - 04 - 20)));
    assert_eq!(
        rules_of(check_step(&done, Step::CancelProbation, date!(2024 - 05 - 01), &none)),
        vec![Rule::StepOutOfOrder]
    );
    assert_eq!(
        rules_of(check_step(&done, Step::Apply, date!(2024 - 05 - 01), &born(date!(1990 - 01 - 01)))),
        vec![Rule::StepOutOfOrder]
    );
}

#[test]
fn dates_must_not_go_backwards() {
    let h = history_through(Stage::Activist);
    let breaches = check_step(&h, Step::ConfirmCandidate, date!(2021 - 09 - 14), &StepFacts::default()).unwrap_err();
    assert_eq!(breaches[0].rule, Rule::DateOrder);
    assert_eq!(breaches[0].message, "“确定为发展对象”的日期 2021-09-14 早于上一环节的日期 2021-09-15");
    // A corrupt saved history is reported as such.
    let mut bad = h.clone();
    bad.swap(0, 2);
    assert!(Progress::replay(&bad).is_err());
    assert!(check_step(&bad, Step::ConfirmCandidate, date!(2023 - 01 - 01), &StepFacts::default()).is_err());
}

#[test]
fn overrides_need_who_and_why_and_are_recorded() {
    let h = history_through(Stage::Activist);
    let day = date!(2022 - 06 - 01);
    let none = StepFacts::default();
    match record_step(&h, Step::ConfirmCandidate, day, &none, None) {
        Err(StepRefused::Breaches(b)) => assert_eq!(b[0].rule, Rule::OneYearAsActivist),
        other => panic!("expected breaches, got {other:?}"),
    }
    let no_reason = Authorisation { by: "机关党委".into(), reason: " ".into(), on: day };
    assert_eq!(
        record_step(&h, Step::ConfirmCandidate, day, &none, Some(no_reason)).unwrap_err(),
        StepRefused::InvalidAuthorisation("须写明不符合规定仍予办理的理由")
    );
    let nobody = Authorisation { by: "".into(), reason: "补录".into(), on: day };
    assert!(matches!(
        record_step(&h, Step::ConfirmCandidate, day, &none, Some(nobody)),
        Err(StepRefused::InvalidAuthorisation(_))
    ));

    let auth =
        Authorisation { by: "市直机关工委组织部".into(), reason: "根据原始档案补录".into(), on: day };
    let record = record_step(&h, Step::ConfirmCandidate, day, &none, Some(auth.clone())).unwrap();
    let o = record.overridden.clone().unwrap();
    assert_eq!(o.authorisation, auth);
    assert_eq!(o.breaches[0].rule, Rule::OneYearAsActivist);
    // The overridden step replays like any other.
    let mut h2 = h.clone();
    h2.push(record);
    assert_eq!(Progress::replay(&h2).unwrap().stage, Some(Stage::Candidate));
    // An authorisation given for a step that needs none leaves no override behind.
    let clean = record_step(&h, Step::ConfirmCandidate, date!(2022 - 09 - 15), &none, Some(auth)).unwrap();
    assert!(clean.overridden.is_none());
}

#[test]
fn refusals_print_every_breach_in_chinese() {
    let h = history_through(Stage::Probationary);
    let err = record_step(&h, Step::ExtendProbation { months: 3 }, date!(2024 - 01 - 19), &StepFacts::default(), None)
        .unwrap_err();
    let text = err.to_string();
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains("延长预备期不能少于半年，最长不超过一年"));
    assert!(text.contains("党章第七条"));
}

#[test]
fn codes_round_trip() {
    for s in Stage::ALL {
        assert_eq!(Stage::from_code(s.code()), Some(s));
    }
    for step in [
        Step::Apply,
        Step::ApplicationTalk,
        Step::ConfirmActivist,
        Step::ConfirmCandidate,
        Step::Admit,
        Step::ExtendProbation { months: 6 },
        Step::ConfirmFull,
        Step::CancelProbation,
    ] {
        assert_eq!(Step::from_code(step.code(), 6), Some(step));
        assert!(!step.name().is_empty());
    }
    assert_eq!(Step::from_code("nope", 0), None);
    assert_eq!(Stage::from_code("nope"), None);
}

fn any_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::Apply),
        Just(Step::ApplicationTalk),
        Just(Step::ConfirmActivist),
        Just(Step::ConfirmCandidate),
        Just(Step::Admit),
        (0u32..30).prop_map(|months| Step::ExtendProbation { months }),
        Just(Step::ConfirmFull),
        Just(Step::CancelProbation),
    ]
}

proptest! {
    #[test]
    fn confirmation_allowed_exactly_from_one_year_after_admission(
        admit_days in 0i64..20_000,
        offset in -400i64..400,
    ) {
        let admitted = date!(1980 - 01 - 01) + time::Duration::days(admit_days);
        let mut h = history_through(Stage::Candidate);
        h.push(StepRecord::new(Step::Admit, admitted.max(date!(2022 - 10 - 08))));
        let admitted = h[4].date;
        let day = add_years(admitted, 1) + time::Duration::days(offset);
        let result = check_step(&h, Step::ConfirmFull, day, &StepFacts::default());
        if day < admitted {
            prop_assert_eq!(rules_of(result), vec![Rule::DateOrder]);
        } else {
            prop_assert_eq!(result.is_ok(), offset >= 0);
        }
    }

    #[test]
    fn age_check_matches_whole_years(birth_days in 0i64..30_000, apply_days in 0i64..40_000) {
        let birth = date!(1940 - 01 - 01) + time::Duration::days(birth_days);
        let applied = date!(1940 - 01 - 01) + time::Duration::days(apply_days);
        let ok = check_step(&[], Step::Apply, applied, &born(birth)).is_ok();
        prop_assert_eq!(ok, age_on(birth, applied) >= 18);
    }

    #[test]
    fn random_sequences_never_panic_and_recorded_steps_replay(
        steps in proptest::collection::vec((any_step(), 0i64..800), 0..12),
    ) {
        let mut history = Vec::new();
        let mut day = date!(2015 - 01 - 01);
        let auth = Authorisation { by: "机关党委".into(), reason: "测试".into(), on: day };
        for (step, gap) in steps {
            day += time::Duration::days(gap);
            let facts = StepFacts {
                birth_date: Some(date!(1990 - 01 - 01)),
                introducers: vec![full("甲"), full("乙")],
            };
            if let Ok(record) = record_step(&history, step, day, &facts, Some(auth.clone())) {
                history.push(record);
            }
        }
        let p = Progress::replay(&history).unwrap();
        prop_assert_eq!(p.stage.is_some(), !history.is_empty());
    }
}
