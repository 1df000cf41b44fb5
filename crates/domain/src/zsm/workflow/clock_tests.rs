use super::*;
use crate::clock::FixedClock;
use crate::jurisdiction::shipped_pack;
use jiff::civil::DateTime;
use uuid::Uuid;

fn nl() -> &'static JurisdictionPack {
    shipped_pack("nl").unwrap()
}

fn ew() -> &'static JurisdictionPack {
    shipped_pack("england-wales").unwrap()
}

fn local(pack: &JurisdictionPack, civil: &str) -> Timestamp {
    civil.parse::<DateTime>().unwrap().to_zoned(pack.time_zone.clone()).unwrap().timestamp()
}

fn grantor(role: AuthorityRole) -> Grantor {
    Grantor { role, member: MemberId::from_uuid(Uuid::from_u128(7)) }
}

fn extend(code: &str, role: AuthorityRole, length: Option<ClockSpan>) -> ClockCommand {
    ClockCommand::Extend {
        extension: code.into(),
        by: grantor(role),
        basis: "identity not established; fingerprints pending".into(),
        length,
    }
}

fn serious() -> BTreeSet<CaseFact> {
    [CaseFact::PretrialDetentionAllowed].into_iter().collect()
}

fn ophouden_from_22h() -> ClockRun {
    let arrest = local(nl(), "2026-01-15T22:00");
    ClockRun::start(nl(), &"ophouden_voor_onderzoek".into(), arrest, &serious()).unwrap()
}

#[test]
fn ophouden_for_a_serious_offence_runs_nine_counted_hours() {
    let run = ophouden_from_22h();
    // 22:00–00:00 = 2 h, then 7 h from 09:00.
    assert_eq!(run.deadline, local(nl(), "2026-01-16T16:00"));
    assert_eq!(run.status, ClockStatus::Running);
    let light = ClockRun::start(nl(), &"ophouden_voor_onderzoek".into(), run.started_at, &BTreeSet::new()).unwrap();
    assert_eq!(light.deadline, local(nl(), "2026-01-16T13:00"));
}

#[test]
fn identity_extension_adds_six_counted_hours_once() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(local(nl(), "2026-01-16T11:00"));
    let command = extend("identity", AuthorityRole::AssistantProsecutor, None);
    let (extended, effects) = apply(&run, command.clone(), nl(), &clock).unwrap();
    let new_deadline = local(nl(), "2026-01-16T22:00");
    assert_eq!(extended.deadline, new_deadline);
    assert!(matches!(
        &extended.status,
        ClockStatus::Extended { by, new_deadline: d, .. }
            if by.role == AuthorityRole::AssistantProsecutor && *d == new_deadline
    ));
    assert!(matches!(&effects[..], [ClockEffect::Extended { new_deadline: d, .. }] if *d == new_deadline));
    assert_eq!(
        apply(&extended, command, nl(), &clock).unwrap_err(),
        ZsmError::ExtensionLimitReached { extension: "identity".into(), max_times: 1 }
    );
}

#[test]
fn extension_by_a_role_the_pack_does_not_name_is_refused() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(local(nl(), "2026-01-16T11:00"));
    let error = apply(&run, extend("identity", AuthorityRole::Superintendent, None), nl(), &clock).unwrap_err();
    assert!(matches!(
        error,
        ZsmError::ExtensionRoleNotAllowed { role: AuthorityRole::Superintendent, ref allowed, .. }
            if allowed == "assistant_prosecutor, prosecutor"
    ));
}

#[test]
fn extension_needs_a_basis_and_a_known_code_and_a_live_clock() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(local(nl(), "2026-01-16T11:00"));
    let mut command = extend("identity", AuthorityRole::Prosecutor, None);
    if let ClockCommand::Extend { basis, .. } = &mut command {
        *basis = "  ".into();
    }
    assert_eq!(apply(&run, command, nl(), &clock).unwrap_err(), ZsmError::ExtensionBasisMissing);
    assert!(matches!(
        apply(&run, extend("forever", AuthorityRole::Prosecutor, None), nl(), &clock),
        Err(ZsmError::UnknownExtension { .. })
    ));
    clock.set(run.deadline);
    assert_eq!(
        apply(&run, extend("identity", AuthorityRole::Prosecutor, None), nl(), &clock).unwrap_err(),
        ZsmError::ClockAlreadyExpired { deadline: run.deadline }
    );
}

#[test]
fn tick_records_expiry_once() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(run.deadline - SignedDuration::from_secs(1));
    let (same, effects) = apply(&run, ClockCommand::Tick, nl(), &clock).unwrap();
    assert_eq!((same.status.clone(), effects.len()), (ClockStatus::Running, 0));
    clock.set(run.deadline);
    let (expired, effects) = apply(&run, ClockCommand::Tick, nl(), &clock).unwrap();
    assert_eq!(expired.status, ClockStatus::Expired { at: run.deadline });
    assert_eq!(effects.len(), 1);
    let (_, again) = apply(&expired, ClockCommand::Tick, nl(), &clock).unwrap();
    assert!(again.is_empty());
}

#[test]
fn stopping_records_reason_and_any_overrun() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(local(nl(), "2026-01-16T12:00"));
    let (stopped, effects) = apply(&run, ClockCommand::Stop { reason: StopReason::Decided }, nl(), &clock).unwrap();
    assert_eq!(stopped.status, ClockStatus::Stopped { reason: StopReason::Decided, at: clock.now() });
    assert_eq!(effects.len(), 1);
    let release = ClockCommand::Stop { reason: StopReason::Released };
    assert_eq!(apply(&stopped, release.clone(), nl(), &clock).unwrap_err(), ZsmError::ClockNotRunning);
    clock.set(run.deadline + SignedDuration::from_mins(10));
    let (_, late) = apply(&run, release, nl(), &clock).unwrap();
    assert!(matches!(
        &late[..],
        [ClockEffect::Expired { .. }, ClockEffect::Stopped { reason: StopReason::Released, .. }]
    ));
}

#[test]
fn inverzekeringstelling_extends_once_by_at_most_three_days_by_the_prosecutor() {
    let order = local(nl(), "2026-01-16T15:00");
    let run = ClockRun::start(nl(), &"inverzekeringstelling".into(), order, &BTreeSet::new()).unwrap();
    assert_eq!(run.deadline, local(nl(), "2026-01-19T15:00"));
    let clock = FixedClock::new(local(nl(), "2026-01-18T10:00"));
    assert!(matches!(
        apply(&run, extend("verlenging", AuthorityRole::Prosecutor, Some(ClockSpan::days(4))), nl(), &clock),
        Err(ZsmError::ExtensionTooLong { requested_hours: 96, max_hours: 72, .. })
    ));
    assert!(matches!(
        apply(&run, extend("verlenging", AuthorityRole::AssistantProsecutor, None), nl(), &clock),
        Err(ZsmError::ExtensionRoleNotAllowed { .. })
    ));
    let (extended, _) = apply(&run, extend("verlenging", AuthorityRole::Prosecutor, None), nl(), &clock).unwrap();
    assert_eq!(extended.deadline, local(nl(), "2026-01-22T15:00"));
    assert_eq!(extended.allowed, ClockSpan::days(6));
}

#[test]
fn pace_detention_extends_to_36_then_by_warrant_up_to_96_hours() {
    let arrival = local(ew(), "2026-03-28T12:00");
    let run = ClockRun::start(ew(), &"pace_detention".into(), arrival, &BTreeSet::new()).unwrap();
    // 24 real hours across the spring-forward night: 13:00 BST.
    assert_eq!(run.deadline, local(ew(), "2026-03-29T13:00"));
    let clock = FixedClock::new(arrival + SignedDuration::from_hours(20));
    assert!(matches!(
        apply(&run, extend("superintendent", AuthorityRole::Superintendent, Some(ClockSpan::hours(13))), ew(), &clock),
        Err(ZsmError::ExtensionBeyondTotal { total_hours: 37, max_total_hours: 36, .. })
    ));
    assert!(matches!(
        apply(&run, extend("warrant_extension", AuthorityRole::MagistratesCourt, None), ew(), &clock),
        Err(ZsmError::ExtensionOutOfOrder { .. })
    ));
    let (run, _) = apply(&run, extend("superintendent", AuthorityRole::Superintendent, None), ew(), &clock).unwrap();
    assert_eq!(run.deadline, arrival + SignedDuration::from_hours(36));
    clock.advance(SignedDuration::from_hours(10));
    let (run, _) =
        apply(&run, extend("warrant_of_further_detention", AuthorityRole::MagistratesCourt, None), ew(), &clock)
            .unwrap();
    assert_eq!(run.deadline, arrival + SignedDuration::from_hours(72));
    // The first warrant extension is capped by the 96-hour total: 24 h, not 36 h.
    let (run, _) =
        apply(&run, extend("warrant_extension", AuthorityRole::MagistratesCourt, None), ew(), &clock).unwrap();
    assert_eq!(run.deadline, arrival + SignedDuration::from_hours(96));
    assert_eq!(
        apply(&run, extend("warrant_extension", AuthorityRole::MagistratesCourt, None), ew(), &clock).unwrap_err(),
        ZsmError::ExtensionMaximumReached { max_total_hours: 96 }
    );
}

#[test]
fn huisverbod_extends_to_28_days_with_advice_due_on_day_8() {
    let order = local(nl(), "2026-10-20T17:00");
    let run = ClockRun::start(nl(), &"tijdelijk_huisverbod".into(), order, &BTreeSet::new()).unwrap();
    assert_eq!(run.deadline, local(nl(), "2026-10-30T17:00"));
    assert_eq!(run.milestones(nl()).unwrap(), vec![("extension_advice".to_owned(), local(nl(), "2026-10-28T17:00"))]);
    let clock = FixedClock::new(local(nl(), "2026-10-28T17:00"));
    let (extended, _) = apply(&run, extend("verlenging", AuthorityRole::Mayor, None), nl(), &clock).unwrap();
    assert_eq!(extended.deadline, local(nl(), "2026-11-17T17:00"));
}

#[test]
fn warning_levels_follow_the_thresholds() {
    let run = ophouden_from_22h();
    let thresholds = nl().thresholds_for(nl().clock(&run.clock).unwrap());
    let at = |minutes_left: i64| run.deadline - SignedDuration::from_mins(minutes_left);
    assert_eq!(warning_level(&run, &thresholds, at(180)), WarningLevel::None);
    assert_eq!(
        warning_level(&run, &thresholds, at(120)),
        WarningLevel::Near { level: 1, remaining: SignedDuration::from_mins(120) }
    );
    assert!(matches!(warning_level(&run, &thresholds, at(20)), WarningLevel::Near { level: 2, .. }));
    assert_eq!(warning_level(&run, &thresholds, at(-5)), WarningLevel::Overdue { by: SignedDuration::from_mins(5) });
    let mut stopped = run.clone();
    stopped.status = ClockStatus::Stopped { reason: StopReason::Released, at: at(60) };
    assert_eq!(warning_level(&stopped, &thresholds, at(20)), WarningLevel::None);
}

#[test]
fn zero_length_extension_is_refused() {
    let run = ophouden_from_22h();
    let clock = FixedClock::new(local(nl(), "2026-01-16T11:00"));
    assert_eq!(
        apply(&run, extend("identity", AuthorityRole::Prosecutor, Some(ClockSpan::hours(0))), nl(), &clock)
            .unwrap_err(),
        ZsmError::EmptyExtension
    );
}

#[test]
fn the_board_sorts_on_the_running_clock_with_the_earliest_deadline() {
    let early = ophouden_from_22h();
    let mut stopped_earlier = early.clone();
    stopped_earlier.deadline = early.deadline - SignedDuration::from_hours(5);
    stopped_earlier.status = ClockStatus::Stopped { reason: StopReason::Released, at: early.started_at };
    let judge =
        ClockRun::start(nl(), &"voorgeleiding_rechter_commissaris".into(), early.started_at, &serious()).unwrap();
    let runs = [judge, stopped_earlier, early.clone()];
    assert_eq!(most_urgent(&runs), Some(&early));
    assert_eq!(most_urgent(&runs[1..2]), None);
}
