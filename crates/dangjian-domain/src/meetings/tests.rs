use super::*;
use proptest::prelude::*;
use time::macros::date;

fn only(kind: MeetingKind, freq: Frequency) -> Vec<(MeetingKind, Frequency)> {
    vec![(kind, freq)]
}

fn statuses(periods: &[PeriodStatus]) -> Vec<Status> {
    periods.iter().map(|p| p.status).collect()
}

const GENERAL: MeetingKind = MeetingKind::BranchGeneralMeeting;
const COMMITTEE: MeetingKind = MeetingKind::CommitteeMeeting;

#[test]
fn defaults_follow_the_branch_work_regulations() {
    let d = default_frequencies();
    assert_eq!(d.len(), 8);
    let freq = |k| d.iter().find(|(kind, _)| *kind == k).unwrap().1;
    assert_eq!(freq(GENERAL), Frequency::Quarterly);
    assert_eq!(freq(COMMITTEE), Frequency::Monthly);
    assert_eq!(freq(MeetingKind::GroupMeeting), Frequency::Monthly);
    assert_eq!(freq(MeetingKind::PartyLecture), Frequency::Quarterly);
    assert_eq!(freq(MeetingKind::ThemedPartyDay), Frequency::Monthly);
    assert_eq!(freq(MeetingKind::OrganisationLifeMeeting), Frequency::Yearly);
    assert_eq!(freq(MeetingKind::DemocraticAppraisal), Frequency::Yearly);
}

#[test]
fn quarter_boundaries() {
    let held = [(GENERAL, date!(2024 - 03 - 31)), (GENERAL, date!(2024 - 07 - 01))];
    let cal = calendar(
        &only(GENERAL, Frequency::Quarterly),
        &held,
        date!(2024 - 01 - 01),
        date!(2024 - 12 - 31),
        date!(2025 - 01 - 10),
        15,
    );
    let bounds: Vec<_> = cal.iter().map(|p| (p.period_start, p.period_end)).collect();
    assert_eq!(
        bounds,
        vec![
            (date!(2024 - 01 - 01), date!(2024 - 03 - 31)),
            (date!(2024 - 04 - 01), date!(2024 - 06 - 30)),
            (date!(2024 - 07 - 01), date!(2024 - 09 - 30)),
            (date!(2024 - 10 - 01), date!(2024 - 12 - 31)),
        ]
    );
    assert_eq!(statuses(&cal), vec![Status::Met, Status::Missing, Status::Met, Status::Missing]);
    assert_eq!(cal[0].meetings, vec![date!(2024 - 03 - 31)]);
    assert_eq!(cal[2].meetings, vec![date!(2024 - 07 - 01)]);
}

#[test]
fn a_meeting_on_the_last_day_of_the_period_counts() {
    let held = [(COMMITTEE, date!(2024 - 02 - 29))];
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &held,
        date!(2024 - 02 - 01),
        date!(2024 - 03 - 31),
        date!(2024 - 04 - 02),
        5,
    );
    assert_eq!(cal[0].period_end, date!(2024 - 02 - 29));
    assert_eq!(statuses(&cal), vec![Status::Met, Status::Missing]);
    // Held on the last day, and that day is today.
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &held,
        date!(2024 - 02 - 01),
        date!(2024 - 02 - 29),
        date!(2024 - 02 - 29),
        5,
    );
    assert_eq!(statuses(&cal), vec![Status::Met]);
}

#[test]
fn a_year_with_gaps() {
    // 支委会 every month of 2023 except March and August; two in June.
    let mut held: Vec<_> = (1..=12u8)
        .filter(|m| *m != 3 && *m != 8)
        .map(|m| (COMMITTEE, YearMonth::new(2023, m).unwrap().first_day().replace_day(12).unwrap()))
        .collect();
    held.push((COMMITTEE, date!(2023 - 06 - 28)));
    held.push((GENERAL, date!(2023 - 03 - 15)));
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &held,
        date!(2023 - 01 - 01),
        date!(2023 - 12 - 31),
        date!(2024 - 01 - 15),
        7,
    );
    assert_eq!(cal.len(), 12);
    let missing: Vec<_> = cal.iter().filter(|p| p.status == Status::Missing).map(|p| p.period_start).collect();
    assert_eq!(missing, vec![date!(2023 - 03 - 01), date!(2023 - 08 - 01)]);
    assert_eq!(cal[5].meetings, vec![date!(2023 - 06 - 12), date!(2023 - 06 - 28)]);
    let rate = compliance_rate(&cal);
    assert_eq!(rate, ComplianceRate { met: 10, counted: 12 });
    assert_eq!(rate.percent().unwrap().to_string(), "83.3");
}

#[test]
fn due_soon_window() {
    let kinds = vec![(COMMITTEE, Frequency::Monthly), (GENERAL, Frequency::Quarterly)];
    let from = date!(2024 - 05 - 01);
    let to = date!(2024 - 07 - 31);
    // 10 days before the end of June (and of Q2).
    let cal = calendar(&kinds, &[], from, to, date!(2024 - 06 - 20), 10);
    assert_eq!(
        statuses(&cal),
        vec![
            Status::Missing,  // May
            Status::DueSoon,  // June: 10 days left
            Status::Upcoming, // July: not started
            Status::DueSoon,  // Q2
            Status::Upcoming, // Q3
        ]
    );
    // 11 days before: not yet.
    let cal = calendar(&kinds, &[], from, to, date!(2024 - 06 - 19), 10);
    assert_eq!(
        statuses(&cal),
        vec![Status::Missing, Status::Upcoming, Status::Upcoming, Status::Upcoming, Status::Upcoming]
    );
    // A window of 0 days flags only the last day.
    let cal = calendar(&only(COMMITTEE, Frequency::Monthly), &[], from, from, date!(2024 - 05 - 31), 0);
    assert_eq!(statuses(&cal), vec![Status::DueSoon]);
    let cal = calendar(&only(COMMITTEE, Frequency::Monthly), &[], from, from, date!(2024 - 05 - 30), 0);
    assert_eq!(statuses(&cal), vec![Status::Upcoming]);
    // A meeting already held beats due soon.
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &[(COMMITTEE, date!(2024 - 05 - 03))],
        from,
        from,
        date!(2024 - 05 - 30),
        10,
    );
    assert_eq!(statuses(&cal), vec![Status::Met]);
}

#[test]
fn range_starting_mid_period_keeps_the_whole_period() {
    let held = [(GENERAL, date!(2024 - 01 - 10))];
    let cal = calendar(
        &only(GENERAL, Frequency::Quarterly),
        &held,
        date!(2024 - 02 - 15),
        date!(2024 - 04 - 01),
        date!(2024 - 08 - 01),
        10,
    );
    assert_eq!(cal.len(), 2);
    assert_eq!(cal[0].period_start, date!(2024 - 01 - 01));
    assert_eq!(cal[0].status, Status::Met);
    assert_eq!(cal[1].period_end, date!(2024 - 06 - 30));
    assert_eq!(cal[1].status, Status::Missing);
}

#[test]
fn yearly_and_half_yearly_periods() {
    let kinds = vec![
        (MeetingKind::OrganisationLifeMeeting, Frequency::Yearly),
        (MeetingKind::PartyLecture, Frequency::HalfYearly),
    ];
    let held = [
        (MeetingKind::OrganisationLifeMeeting, date!(2023 - 12 - 28)),
        (MeetingKind::PartyLecture, date!(2023 - 07 - 01)),
    ];
    let cal = calendar(&kinds, &held, date!(2023 - 05 - 01), date!(2024 - 03 - 01), date!(2024 - 03 - 01), 30);
    let summary: Vec<_> = cal.iter().map(|p| (p.kind, p.period_start, p.period_end, p.status)).collect();
    use MeetingKind::*;
    assert_eq!(
        summary,
        vec![
            (OrganisationLifeMeeting, date!(2023 - 01 - 01), date!(2023 - 12 - 31), Status::Met),
            (OrganisationLifeMeeting, date!(2024 - 01 - 01), date!(2024 - 12 - 31), Status::Upcoming),
            (PartyLecture, date!(2023 - 01 - 01), date!(2023 - 06 - 30), Status::Missing),
            (PartyLecture, date!(2023 - 07 - 01), date!(2023 - 12 - 31), Status::Met),
            (PartyLecture, date!(2024 - 01 - 01), date!(2024 - 06 - 30), Status::Upcoming),
        ]
    );
}

#[test]
fn meetings_of_other_kinds_do_not_count_and_duplicates_are_ignored() {
    let kinds = vec![(COMMITTEE, Frequency::Monthly), (COMMITTEE, Frequency::Yearly)];
    let held = [(GENERAL, date!(2024 - 01 - 10)), (MeetingKind::GroupMeeting, date!(2024 - 01 - 11))];
    let cal = calendar(&kinds, &held, date!(2024 - 01 - 01), date!(2024 - 01 - 31), date!(2024 - 02 - 01), 5);
    assert_eq!(cal.len(), 1);
    assert_eq!(cal[0].status, Status::Missing);
}

#[test]
fn empty_or_reversed_ranges() {
    assert!(
        calendar(&default_frequencies(), &[], date!(2024 - 02 - 01), date!(2024 - 01 - 31), date!(2024 - 01 - 01), 5)
            .is_empty()
    );
    assert!(calendar(&[], &[], date!(2024 - 01 - 01), date!(2024 - 12 - 31), date!(2024 - 01 - 01), 5).is_empty());
    let one_day =
        calendar(&default_frequencies(), &[], date!(2024 - 05 - 05), date!(2024 - 05 - 05), date!(2024 - 01 - 01), 5);
    assert_eq!(one_day.len(), 8);
    assert!(one_day.iter().all(|p| p.status == Status::Upcoming));
}

#[test]
fn compliance_ignores_open_periods() {
    let held = [(COMMITTEE, date!(2024 - 06 - 03))];
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &held,
        date!(2024 - 04 - 01),
        date!(2024 - 08 - 31),
        date!(2024 - 07 - 10),
        5,
    );
    assert_eq!(statuses(&cal), vec![Status::Missing, Status::Missing, Status::Met, Status::Upcoming, Status::Upcoming]);
    assert_eq!(compliance_rate(&cal), ComplianceRate { met: 1, counted: 3 });
    assert_eq!(compliance_rate(&cal).percent().unwrap().to_string(), "33.3");
    assert_eq!(compliance_rate(&[]).percent(), None);
    assert_eq!(ComplianceRate { met: 2, counted: 3 }.percent().unwrap().to_string(), "66.7");
    assert_eq!(ComplianceRate { met: 3, counted: 3 }.percent().unwrap().to_string(), "100.0");
    // A period met early counts even while it is open.
    let cal = calendar(
        &only(COMMITTEE, Frequency::Monthly),
        &[(COMMITTEE, date!(2024 - 07 - 02))],
        date!(2024 - 07 - 01),
        date!(2024 - 07 - 31),
        date!(2024 - 07 - 10),
        5,
    );
    assert_eq!(compliance_rate(&cal), ComplianceRate { met: 1, counted: 1 });
}

#[test]
fn compliance_per_kind() {
    let kinds = vec![(GENERAL, Frequency::Quarterly), (COMMITTEE, Frequency::Monthly)];
    let held = [(GENERAL, date!(2024 - 02 - 01)), (COMMITTEE, date!(2024 - 01 - 05))];
    let cal = calendar(&kinds, &held, date!(2024 - 01 - 01), date!(2024 - 03 - 31), date!(2024 - 04 - 01), 5);
    assert_eq!(
        compliance_by_kind(&cal),
        vec![(GENERAL, ComplianceRate { met: 1, counted: 1 }), (COMMITTEE, ComplianceRate { met: 1, counted: 3 }),]
    );
}

#[test]
fn codes_round_trip() {
    for k in MeetingKind::ALL {
        assert_eq!(MeetingKind::from_code(k.code()), Some(k));
        assert!(!k.name().is_empty());
    }
    for f in Frequency::ALL {
        assert_eq!(Frequency::from_code(f.code()), Some(f));
        assert_eq!(12 % f.months(), 0);
    }
    assert_eq!(MeetingKind::from_code("x"), None);
    assert_eq!(Frequency::from_code("x"), None);
    assert_eq!(Status::DueSoon.name(), "即将到期");
    assert_eq!(Frequency::Quarterly.name(), "每季度");
}

fn any_freq() -> impl Strategy<Value = Frequency> {
    prop_oneof![
        Just(Frequency::Monthly),
        Just(Frequency::Quarterly),
        Just(Frequency::HalfYearly),
        Just(Frequency::Yearly)
    ]
}

fn day(n: i64) -> Date {
    date!(2020 - 01 - 01) + time::Duration::days(n)
}

proptest! {
    #[test]
    fn periods_tile_the_range(freq in any_freq(), a in 0i64..2000, len in 0i64..1500, t in 0i64..4000) {
        let (from, to) = (day(a), day(a + len));
        let cal = calendar(&only(COMMITTEE, freq), &[], from, to, day(t), 10);
        prop_assert!(!cal.is_empty());
        prop_assert!(cal[0].period_start <= from && from <= cal[0].period_end);
        let last = cal.last().unwrap();
        prop_assert!(last.period_start <= to && to <= last.period_end);
        for w in cal.windows(2) {
            prop_assert_eq!(w[0].period_end.next_day().unwrap(), w[1].period_start);
        }
        for p in &cal {
            prop_assert_eq!(p.period_start.day(), 1);
            prop_assert_eq!((u8::from(p.period_start.month()) - 1) % freq.months(), 0);
            let months = YearMonth::of(p.period_end).months_since(YearMonth::of(p.period_start)) + 1;
            prop_assert_eq!(months, i64::from(freq.months()));
        }
    }

    #[test]
    fn each_meeting_lands_in_exactly_one_period(
        freq in any_freq(),
        held in proptest::collection::vec(0i64..1500, 0..40),
        t in 0i64..2000,
        soon in 0u32..120,
    ) {
        let (from, to) = (day(0), day(1499));
        let today = day(t);
        let held: Vec<_> = held.into_iter().map(|n| (GENERAL, day(n))).collect();
        let cal = calendar(&only(GENERAL, freq), &held, from, to, today, soon);
        let total: usize = cal.iter().map(|p| p.meetings.len()).sum();
        prop_assert_eq!(total, held.len());
        for p in &cal {
            prop_assert_eq!(p.status == Status::Met, !p.meetings.is_empty());
            if p.status == Status::Missing {
                prop_assert!(p.period_end < today);
            }
            if p.status == Status::DueSoon {
                prop_assert!(p.period_start <= today && today <= p.period_end);
                prop_assert!((p.period_end - today).whole_days() <= i64::from(soon));
            }
            if p.period_end < today {
                prop_assert!(matches!(p.status, Status::Met | Status::Missing));
            }
        }
        let rate = compliance_rate(&cal);
        prop_assert!(rate.met <= rate.counted);
        if let Some(pct) = rate.percent() {
            prop_assert!(pct >= Decimal::ZERO && pct <= Decimal::ONE_HUNDRED);
        }
    }
}

#[test]
fn configured_frequencies_override_defaults_and_can_stop_tracking() {
    assert_eq!(frequencies_from(""), default_frequencies());
    let f = frequencies_from("party_lecture=monthly;heart_to_heart_talk=none;bogus=monthly;group_meeting=weekly");
    let of = |k: MeetingKind| f.iter().find(|(x, _)| *x == k).map(|(_, f)| *f);
    assert_eq!(of(MeetingKind::PartyLecture), Some(Frequency::Monthly));
    assert_eq!(of(MeetingKind::HeartToHeartTalk), None);
    // Unknown parts fall back to the default.
    assert_eq!(of(MeetingKind::GroupMeeting), Some(Frequency::Monthly));
    assert_eq!(of(MeetingKind::BranchGeneralMeeting), Some(Frequency::Quarterly));
}

#[test]
fn saving_a_configuration_is_strict() {
    assert_eq!(parse_frequencies(" party_lecture = monthly ; ").unwrap(), "party_lecture=monthly");
    assert!(parse_frequencies("party_lecture").unwrap_err().contains("类型=频次"));
    assert!(parse_frequencies("tea=monthly").unwrap_err().contains("未知的会议类型"));
    assert!(parse_frequencies("party_lecture=weekly").unwrap_err().contains("未知的频次"));
    assert!(parse_frequencies("party_lecture=monthly;party_lecture=yearly").unwrap_err().contains("两次"));
}
