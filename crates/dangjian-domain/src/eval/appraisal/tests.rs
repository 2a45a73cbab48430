use super::*;
use AppraisalGrade::{BasicallyQualified as Basic, Excellent, Qualified, Unqualified};
use proptest::prelude::*;

fn people() -> Vec<Participant> {
    // Seven full members (1–7) and one probationary member (8).
    let mut v: Vec<Participant> = (1..=7).map(|m| Participant { member: m, standing: Standing::Full }).collect();
    v.push(Participant { member: 8, standing: Standing::Probationary });
    v
}

fn decide(member: MemberId, grade: Option<AppraisalGrade>) -> Decision {
    Decision { member, grade, follow_up: None }
}

#[test]
fn tally_counts_full_members_only() {
    let ballots = vec![
        AppraisalBallot { marks: vec![(1, Excellent), (2, Qualified), (8, Excellent)] },
        AppraisalBallot { marks: vec![(1, Excellent), (2, Basic)] },
        AppraisalBallot { marks: vec![(1, Qualified), (2, Qualified), (3, Unqualified)] },
    ];
    let t = tally(&people(), &ballots).unwrap();
    assert_eq!(t.len(), 7, "the probationary member is not tallied");
    assert_eq!((t[0].counts, t[0].votes, t[0].plurality), ([2, 1, 0, 0], 3, Some(Excellent)));
    assert_eq!(t[1].plurality, Some(Qualified));
    assert_eq!(t[2].count(Unqualified), 1);
    assert_eq!(t[3].plurality, None);
    // A 1–1 tie goes to the lower grade.
    let tie = tally(
        &people(),
        &[AppraisalBallot { marks: vec![(4, Excellent)] }, AppraisalBallot { marks: vec![(4, Qualified)] }],
    )
    .unwrap();
    assert_eq!(tie[3].plurality, Some(Qualified));
    let bad = [AppraisalBallot { marks: vec![(1, Excellent), (1, Qualified)] }];
    assert_eq!(tally(&people(), &bad), Err(AppraisalError::MarkedTwice(1)));
    assert_eq!(
        tally(&people(), &[AppraisalBallot { marks: vec![(99, Qualified)] }]),
        Err(AppraisalError::UnknownMember(99))
    );
}

#[test]
fn quota_is_a_third_of_graded_members_rounded_down() {
    // 7 full members (the probationary one does not count): ⌊7/3⌋ = 2.
    assert_eq!(excellent_quota(&people(), &AppraisalConfig::default()), 2);
    let mut ds: Vec<Decision> = (1..=7).map(|m| decide(m, Some(Qualified))).collect();
    ds.push(decide(8, None));
    ds[0].grade = Some(Excellent);
    ds[1].grade = Some(Excellent);
    assert!(validate_decisions(&people(), &ds, &AppraisalConfig::default()).is_empty());
    ds[2].grade = Some(Excellent);
    assert_eq!(
        validate_decisions(&people(), &ds, &AppraisalConfig::default()),
        [DecisionProblem::ExcellentOverQuota { count: 3, max: 2, graded: 7 }]
    );
}

#[test]
fn decision_rules() {
    let mut ds: Vec<Decision> = (1..=6).map(|m| decide(m, Some(Qualified))).collect();
    ds.push(decide(8, Some(Qualified)));
    ds[0].grade = Some(Unqualified);
    ds.push(decide(3, Some(Qualified)));
    let problems = validate_decisions(&people(), &ds, &AppraisalConfig::default());
    assert_eq!(
        problems,
        [
            DecisionProblem::UnqualifiedWithoutFollowUp(1),
            DecisionProblem::ProbationaryGraded(8),
            DecisionProblem::Duplicate(3),
            DecisionProblem::NotGraded(7),
        ]
    );
    assert_eq!(problems[0].to_string(), "党员 1 评定为不合格，须填写帮教或组织处置记录");
    ds[0].follow_up = Some("支部书记谈话，限期改正".into());
    assert!(
        !validate_decisions(&people(), &ds, &AppraisalConfig::default())
            .contains(&DecisionProblem::UnqualifiedWithoutFollowUp(1))
    );
}

#[test]
fn stages_take_steps_in_order() {
    use RoundStage::*;
    use RoundStep::*;
    assert_eq!(Open.after(StartVoting), Ok(Voting));
    assert_eq!(Open.after(CloseVoting), Ok(Closed), "a paper-only round closes without online voting");
    assert_eq!(Voting.after(CloseVoting), Ok(Closed));
    assert_eq!(Closed.after(ReopenVoting), Ok(Voting));
    assert_eq!(Closed.after(Decide), Ok(Decided));
    assert_eq!(Open.after(Decide), Err(StageProblem::VotingNotClosed));
    assert_eq!(Voting.after(Decide), Err(StageProblem::VotingNotClosed));
    assert_eq!(Voting.after(StartVoting), Err(StageProblem::AlreadyVoting));
    assert_eq!(Closed.after(CloseVoting), Err(StageProblem::AlreadyClosed));
    assert_eq!(Voting.after(ReopenVoting), Err(StageProblem::NotClosed));
    for step in [StartVoting, CloseVoting, ReopenVoting, Decide] {
        assert_eq!(Decided.after(step), Err(StageProblem::AlreadyDecided));
    }
    assert_eq!(Open.after(Decide).unwrap_err().to_string(), "请先结束投票，再由支部委员会评定");
    assert!(Open.takes_self_assessments() && Voting.takes_self_assessments());
    assert!(!Closed.takes_self_assessments() && !Decided.takes_self_assessments());
    assert!(Voting.takes_online_ballots() && !Open.takes_online_ballots() && !Closed.takes_online_ballots());
    assert!(Voting.takes_paper_ballots() && !Closed.takes_paper_ballots());
    for s in [Open, Voting, Closed, Decided] {
        assert_eq!(RoundStage::from_code(s.code()), Some(s));
    }
    assert_eq!(RoundStage::from_code("draft"), None);
}

#[test]
fn self_assessment_rules() {
    let full = Standing::Full;
    assert_eq!(check_self_assessment("  \n ", None, full), Err(SelfAssessmentProblem::Empty));
    assert_eq!(check_self_assessment("认真学习", Some(Qualified), full), Ok(()));
    let long = "学".repeat(SELF_ASSESSMENT_MAX_CHARS);
    assert_eq!(check_self_assessment(&long, None, full), Ok(()), "the limit counts characters, not bytes");
    let longer = format!("{long}习");
    let err = check_self_assessment(&longer, None, full).unwrap_err();
    assert_eq!(err, SelfAssessmentProblem::TooLong { chars: 2001, max: 2000 });
    assert_eq!(err.to_string(), "个人自评不超过 2000 字，现有 2001 字，请精简后再提交");
    assert_eq!(
        check_self_assessment("预备期小结", Some(Excellent), Standing::Probationary),
        Err(SelfAssessmentProblem::ProbationaryGrade)
    );
    assert_eq!(check_self_assessment("预备期小结", None, Standing::Probationary), Ok(()));
}

#[test]
fn the_online_sheet_is_every_full_member_but_the_voter() {
    assert_eq!(ballot_sheet(&people(), 3), [1, 2, 4, 5, 6, 7]);
    // The probationary member votes on all seven and is on nobody's sheet.
    assert_eq!(ballot_sheet(&people(), 8), [1, 2, 3, 4, 5, 6, 7]);
    let full = |voter: MemberId| AppraisalBallot {
        marks: ballot_sheet(&people(), voter).into_iter().map(|m| (m, Qualified)).collect(),
    };
    assert_eq!(check_online_ballot(&people(), 3, &full(3)), Ok(()));
    assert_eq!(check_online_ballot(&people(), 8, &full(8)), Ok(()));
    assert_eq!(check_online_ballot(&people(), 99, &full(3)), Err(BallotProblem::NotParticipant));
    let mut own = full(3);
    own.marks.push((3, Excellent));
    assert_eq!(check_online_ballot(&people(), 3, &own), Err(BallotProblem::RatesSelf));
    let mut probationary = full(3);
    probationary.marks.push((8, Excellent));
    assert_eq!(check_online_ballot(&people(), 3, &probationary), Err(BallotProblem::NotGraded(8)));
    let mut twice = full(3);
    twice.marks.push((1, Excellent));
    assert_eq!(check_online_ballot(&people(), 3, &twice), Err(BallotProblem::MarkedTwice(1)));
    let mut unknown = full(3);
    unknown.marks.push((42, Excellent));
    assert_eq!(check_online_ballot(&people(), 3, &unknown), Err(BallotProblem::UnknownMember(42)));
    let mut short = full(3);
    short.marks.retain(|(m, _)| *m != 2 && *m != 6);
    let err = check_online_ballot(&people(), 3, &short).unwrap_err();
    assert_eq!(err, BallotProblem::Missing(vec![2, 6]));
    assert_eq!(err.to_string(), "还有 2 名党员没有选择等次，请逐一评定后再提交");
    assert_eq!(
        check_online_ballot(&people(), 3, &AppraisalBallot::default()),
        Err(BallotProblem::Missing(vec![1, 2, 4, 5, 6, 7]))
    );
}

#[test]
fn the_committee_reads_paper_plus_online() {
    let paper = vec![
        AppraisalBallot { marks: vec![(1, Excellent), (2, Qualified)] },
        AppraisalBallot { marks: vec![(1, Qualified)] },
    ];
    let online = vec![
        AppraisalBallot { marks: vec![(1, Excellent), (2, Basic)] },
        AppraisalBallot { marks: vec![(1, Excellent), (2, Basic), (8, Excellent)] },
    ];
    let t = combined_tally(&people(), &paper, &online).unwrap();
    assert_eq!(t.len(), 7);
    assert_eq!((t[0].paper, t[0].online, t[0].total.counts), ([1, 1, 0, 0], [2, 0, 0, 0], [3, 1, 0, 0]));
    assert_eq!(t[0].total.votes, 4);
    assert_eq!(t[0].total.plurality, Some(Excellent));
    // Paper alone says 合格 for member 2; with the online ballots it is 基本合格.
    assert_eq!(t[1].total.counts, [0, 1, 2, 0]);
    assert_eq!(t[1].total.plurality, Some(Basic));
    assert_eq!(t[2].total.votes, 0);
    let bad = [AppraisalBallot { marks: vec![(99, Qualified)] }];
    assert_eq!(combined_tally(&people(), &paper, &bad), Err(AppraisalError::UnknownMember(99)));
}

proptest! {
    #[test]
    fn tally_does_not_depend_on_ballot_order(
        marks in proptest::collection::vec(proptest::collection::vec((1i64..=8, 0usize..4), 0..8), 0..20),
        seed in any::<u64>(),
    ) {
        let ballots: Vec<AppraisalBallot> = marks.into_iter().map(|ms| {
            let mut seen = BTreeSet::new();
            AppraisalBallot { marks: ms.into_iter().filter(|(m, _)| seen.insert(*m)).map(|(m, g)| (m, AppraisalGrade::ALL[g])).collect() }
        }).collect();
        let mut shuffled = ballots.clone();
        let n = shuffled.len();
        if n > 1 { shuffled.rotate_left((seed as usize) % n); shuffled.reverse(); }
        prop_assert_eq!(tally(&people(), &ballots).unwrap(), tally(&people(), &shuffled).unwrap());
    }

    #[test]
    fn accepted_decisions_never_exceed_the_quota(grades in proptest::collection::vec(0usize..4, 7)) {
        let mut ds: Vec<Decision> = grades.iter().enumerate()
            .map(|(i, g)| Decision { member: i as i64 + 1, grade: Some(AppraisalGrade::ALL[*g]), follow_up: Some("记录".into()) })
            .collect();
        ds.push(decide(8, None));
        let ok = validate_decisions(&people(), &ds, &AppraisalConfig::default()).is_empty();
        let excellent = grades.iter().filter(|g| **g == 0).count();
        prop_assert_eq!(ok, excellent <= 2);
    }

    #[test]
    fn combined_counts_are_paper_plus_online(
        marks in proptest::collection::vec(proptest::collection::vec((1i64..=8, 0usize..4), 0..8), 0..16),
        split in 0usize..16,
    ) {
        let ballots: Vec<AppraisalBallot> = marks.into_iter().map(|ms| {
            let mut seen = BTreeSet::new();
            AppraisalBallot { marks: ms.into_iter().filter(|(m, _)| seen.insert(*m)).map(|(m, g)| (m, AppraisalGrade::ALL[g])).collect() }
        }).collect();
        let (paper, online) = ballots.split_at(split.min(ballots.len()));
        for t in combined_tally(&people(), paper, online).unwrap() {
            for g in 0..4 {
                prop_assert_eq!(t.total.counts[g], t.paper[g] + t.online[g]);
            }
        }
    }
}
