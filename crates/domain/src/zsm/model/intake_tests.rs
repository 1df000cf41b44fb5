use super::*;
use crate::clock::FixedClock;
use crate::jurisdiction::shipped_pack;
use uuid::Uuid;

pub(crate) fn now() -> Timestamp {
    "2026-01-16T10:00:00Z".parse().unwrap()
}

pub(crate) fn sample_input() -> IntakeInput {
    IntakeInput {
        suspect: PersonId::from_uuid(Uuid::from_u128(1)),
        suspect_is_minor: false,
        offences: vec![Offence {
            offence_type: "shoplifting".into(),
            committed_on: jiff::civil::date(2026, 1, 15),
            place: "Utrecht, Hoog Catharijne".into(),
            description: "Took three bottles of spirits without paying".into(),
            pretrial_detention_allowed: true,
        }],
        arrested_at: "2026-01-15T21:00:00Z".parse().unwrap(),
        arrived_at_station: "2026-01-15T21:30:00Z".parse().unwrap(),
        location: "zsm-utrecht".into(),
        victims: vec![Victim::Anonymous { description: "the shop".into() }],
        police_report_summary: "Caught by store detective".into(),
        prior_record_summary: None,
        registered_by: MemberId::from_uuid(Uuid::from_u128(2)),
    }
}

fn parse(input: IntakeInput) -> Result<Intake, ZsmError> {
    Intake::parse(input, shipped_pack("nl").unwrap(), &FixedClock::new(now()))
}

#[test]
fn a_consistent_intake_is_accepted_with_its_facts() {
    let intake = parse(sample_input()).unwrap();
    assert_eq!(intake.registered_at(), now());
    assert_eq!(intake.facts(), [CaseFact::PretrialDetentionAllowed, CaseFact::HasVictims].into_iter().collect());
}

#[test]
fn arrival_before_arrest_is_refused() {
    let mut input = sample_input();
    input.arrived_at_station = "2026-01-15T20:59:00Z".parse().unwrap();
    assert!(matches!(parse(input), Err(ZsmError::ArrivalBeforeArrest { .. })));
}

#[test]
fn arrest_or_arrival_after_now_is_refused() {
    let mut input = sample_input();
    input.arrested_at = now() + jiff::SignedDuration::from_mins(1);
    input.arrived_at_station = input.arrested_at;
    assert!(matches!(parse(input), Err(ZsmError::ArrestInFuture { .. })));
    let mut input = sample_input();
    input.arrived_at_station = now() + jiff::SignedDuration::from_mins(1);
    assert!(matches!(parse(input), Err(ZsmError::ArrivalInFuture { .. })));
}

#[test]
fn offence_dated_after_today_in_local_time_is_refused() {
    let mut input = sample_input();
    input.offences.push(Offence { committed_on: jiff::civil::date(2026, 1, 17), ..input.offences[0].clone() });
    assert_eq!(parse(input).unwrap_err(), ZsmError::OffenceInFuture { index: 2, date: jiff::civil::date(2026, 1, 17) });
    // 23:30 UTC on 15 January is already 16 January in Amsterdam: an offence today is fine.
    let mut input = sample_input();
    input.offences[0].committed_on = jiff::civil::date(2026, 1, 16);
    let late_evening = FixedClock::new("2026-01-15T23:30:00Z".parse().unwrap());
    assert!(Intake::parse(input, shipped_pack("nl").unwrap(), &late_evening).is_ok());
}

#[test]
fn missing_offences_and_empty_fields_are_named() {
    let mut input = sample_input();
    input.offences.clear();
    assert_eq!(parse(input).unwrap_err(), ZsmError::NoOffences);
    let mut input = sample_input();
    input.location = " ".into();
    assert_eq!(parse(input).unwrap_err(), ZsmError::EmptyField { field: "location" });
}
