//! Changes to what exists: what is not named stays as saved, what is named is parsed like new
//! input, and the code of a location never changes.

use super::*;
use crate::directory::AgencyKind;
use jiff::Timestamp;

fn fields(errors: &ValidationErrors) -> Vec<(&str, &str)> {
    errors.iter().map(|e| (e.field.as_str(), e.key)).collect()
}

fn police() -> AgencyRecord {
    let agency = Agency { id: AgencyId::new(Timestamp::UNIX_EPOCH), name: "Politie".into(), kind: AgencyKind::Police };
    AgencyRecord { agency, contact: "zsm@politie.example".into(), version: 3 }
}

#[test]
fn an_agency_change_keeps_what_it_does_not_name_and_the_version_it_was_made_on() {
    let current = police();
    let change = AgencyChange { contact: Some("030 123 4567".into()), ..Default::default() };
    let saved = change.apply(&current).unwrap();
    assert_eq!((saved.agency.name.as_str(), saved.contact.as_str(), saved.version), ("Politie", "030 123 4567", 3));
    let bad = AgencyChange { name: Some(" ".into()), kind: Some("sheriff".into()), ..Default::default() };
    assert_eq!(
        fields(&bad.apply(&current).unwrap_err()),
        [("name", "error.required"), ("kind", "error.agency_kind.unknown")]
    );
}

#[test]
fn a_member_change_parses_roles_like_a_new_member() {
    let member = Member {
        id: MemberId::new(Timestamp::UNIX_EPOCH),
        agency_id: police().agency.id,
        username: "agent".into(),
        display_name: "Agent".into(),
        roles: vec![Role::PoliceOfficer],
        disabled: false,
    };
    let hulpofficier = MemberChange {
        roles: Some(vec!["police_officer".into(), "assistant_prosecutor".into()]),
        ..Default::default()
    };
    let saved = hulpofficier.apply(&member).unwrap();
    assert_eq!(
        (saved.roles.as_slice(), saved.display_name.as_str()),
        ([Role::PoliceOfficer, Role::AssistantProsecutor].as_slice(), "Agent")
    );
    let alone = MemberChange {
        name: Some(String::new()),
        roles: Some(vec!["assistant_prosecutor".into()]),
        ..Default::default()
    };
    assert_eq!(
        fields(&alone.apply(&member).unwrap_err()),
        [("name", "error.required"), ("roles", "error.roles.designation_alone")]
    );
}

#[test]
fn a_location_keeps_its_code_and_takes_the_new_packs_zone_unless_given_one() {
    let current =
        LocationInput { name: "ZSM Utrecht".into(), pack: "nl".into(), ..Default::default() }.parse(&[]).unwrap();
    let moved = LocationChange {
        name: Some("Custody Liverpool".into()),
        pack: Some("england-wales".into()),
        ..Default::default()
    };
    let saved = moved.apply(&current, &[]).unwrap();
    assert_eq!((saved.location.code.as_str(), saved.time_zone.as_str()), ("zsm-utrecht", "Europe/London"));
    let renamed = LocationChange { name: Some("ZSM Midden".into()), ..Default::default() };
    assert_eq!(renamed.apply(&current, &[]).unwrap().time_zone, "Europe/Amsterdam");
    let bad = LocationChange {
        time_zone: Some("Mars/Olympus".into()),
        agencies: Some(vec!["nope".into()]),
        ..Default::default()
    };
    assert_eq!(
        fields(&bad.apply(&current, &[]).unwrap_err()),
        [("time_zone", "error.time_zone.unknown"), ("agencies", "error.agency.unknown")]
    );
}

#[test]
fn a_safety_house_change_adds_and_removes_partners_and_checks_its_settings() {
    let partner = police();
    let agencies = [partner.agency.clone()];
    let input = SafetyHouseInput {
        name: "Veiligheidshuis".into(),
        pack: "nl".into(),
        persons_per_day: "6".into(),
        triage_cutoff: "12:00".into(),
        ..Default::default()
    };
    let mut current = input.parse(AgencyId::new(Timestamp::UNIX_EPOCH), &agencies).unwrap();
    current.agency.version = 4;
    let joined = SafetyHouseChange { agencies: Some(vec![partner.agency.id.to_string()]), ..Default::default() };
    let saved = joined.apply(&current, &agencies).unwrap();
    assert_eq!((saved.agencies.len(), saved.persons_per_day, saved.agency.version), (1, 6, 4));
    let left = SafetyHouseChange { agencies: Some(Vec::new()), ..Default::default() }.apply(&saved, &agencies).unwrap();
    assert!(left.agencies.is_empty());
    let bad = SafetyHouseChange {
        persons_per_day: Some("0".into()),
        triage_cutoff: Some("noon".into()),
        ..Default::default()
    };
    assert_eq!(
        fields(&bad.apply(&current, &agencies).unwrap_err()),
        [("persons_per_day", "error.persons_per_day"), ("triage_cutoff", "error.time.invalid")]
    );
}

#[test]
fn session_references_are_sixteen_hex_digits() {
    assert_eq!(parse_session_reference(" 0123456789ABCDEF ").as_deref(), Some("0123456789abcdef"));
    assert_eq!(parse_session_reference("0123"), None);
    assert_eq!(parse_session_reference("0123456789abcdeg"), None);
}
