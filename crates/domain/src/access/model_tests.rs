use super::*;
use jiff::civil::date;

fn at() -> Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

fn actor(agency: AgencyId, role: Role) -> Actor {
    Actor { member_id: MemberId::new(at()), agency_id: agency, roles: vec![role], display_name: "A".into() }
}

fn entry(agency: AgencyId, basis: LegalBasis) -> TeamEntry {
    TeamEntry {
        id: TeamEntryId::new(at()),
        person_id: PersonId::new(at()),
        agency_id: agency,
        basis,
        reason: "ZSM intake".into(),
        added_by: MemberId::new(at()),
        added_at: at(),
        ended_at: None,
    }
}

fn statutory() -> LegalBasis {
    LegalBasis::StatutoryTask { statute: "Wet op de reclassering".into() }
}

const TODAY: Date = date(2026, 11, 22);

#[test]
fn team_member_agency_is_granted_with_its_basis() {
    let probation = AgencyId::new(at());
    let team = [entry(probation, statutory())];
    let grant = authorise(&actor(probation, Role::ProbationOfficer), Permission::ViewPerson, &team, TODAY).unwrap();
    assert_eq!(grant.summary(), "statutory_task: Wet op de reclassering");
}

#[test]
fn agency_not_on_team_is_denied() {
    let team = [entry(AgencyId::new(at()), statutory())];
    let other = actor(AgencyId::new(at()), Role::PoliceOfficer);
    assert_eq!(authorise(&other, Permission::ViewPerson, &team, TODAY), Err(Denial::NotOnTeam));
}

#[test]
fn consent_is_valid_through_its_last_day_only() {
    let agency = AgencyId::new(at());
    let team = [entry(agency, LegalBasis::Consent { scope: "debt help".into(), expires_on: TODAY })];
    let member = actor(agency, Role::MunicipalityOfficer);
    assert!(authorise(&member, Permission::ViewPerson, &team, TODAY).is_ok());
    let tomorrow = date(2026, 11, 23);
    assert_eq!(authorise(&member, Permission::ViewPerson, &team, tomorrow), Err(Denial::ConsentExpired));
}

#[test]
fn ended_membership_gives_nothing() {
    let agency = AgencyId::new(at());
    let mut ended = entry(agency, statutory());
    ended.ended_at = Some(at());
    assert_eq!(
        authorise(&actor(agency, Role::PoliceOfficer), Permission::ViewPerson, &[ended], TODAY),
        Err(Denial::NotOnTeam)
    );
}

#[test]
fn roles_without_the_permission_are_denied_even_on_the_team() {
    let agency = AgencyId::new(at());
    let team = [entry(agency, statutory())];
    assert_eq!(
        authorise(&actor(agency, Role::Mentor), Permission::EditPerson, &team, TODAY),
        Err(Denial::RoleLacksPermission)
    );
    assert_eq!(
        authorise(&actor(agency, Role::Analyst), Permission::ViewPerson, &team, TODAY),
        Err(Denial::RoleLacksPermission)
    );
}

#[test]
fn administrator_exports_for_anyone_by_role_but_cannot_browse() {
    let admin = actor(AgencyId::new(at()), Role::Administrator);
    assert_eq!(authorise(&admin, Permission::ExportSubjectAccess, &[], TODAY), Ok(Grant::Role(Role::Administrator)));
    assert_eq!(authorise(&admin, Permission::ViewPerson, &[], TODAY), Err(Denial::RoleLacksPermission));
}

#[test]
fn every_role_code_round_trips() {
    for role in Role::ALL {
        assert_eq!(role.code().parse::<Role>().unwrap(), role);
    }
    assert!("sheriff".parse::<Role>().is_err());
}

#[test]
fn team_entry_input_requires_a_basis_and_reason() {
    let agency = AgencyId::new(at());
    let input = TeamEntryInput {
        agency_id: agency.to_string(),
        basis_kind: "consent".into(),
        consent_scope: "housing".into(),
        consent_expires_on: "2027-06-30".into(),
        reason: "Housing first".into(),
        ..Default::default()
    };
    let draft = input.parse(TODAY).unwrap();
    assert_eq!(draft.basis, LegalBasis::Consent { scope: "housing".into(), expires_on: date(2027, 6, 30) });

    let expired = TeamEntryInput { consent_expires_on: "2026-11-21".into(), ..input.clone() };
    let keys: Vec<_> = expired.parse(TODAY).unwrap_err().iter().map(|e| e.key).collect();
    assert_eq!(keys, vec!["error.consent.expired"]);

    let nothing = TeamEntryInput::default();
    let keys: Vec<_> = nothing.parse(TODAY).unwrap_err().iter().map(|e| e.field.clone()).collect();
    assert_eq!(keys, vec!["basis_kind", "reason", "agency_id"]);
}

/// Issue 21 (views4): a commissioner and a location lead see aggregates of their own contracts
/// or location (the evidence pages decide that reach); no person, on any team, by their role.
#[test]
fn commissioners_and_location_leads_hold_no_person_permission() {
    let agency = AgencyId::new(at());
    for role in [Role::Commissioner, Role::LocationLead] {
        let member = actor(agency, role);
        assert!(!member.can(Permission::ViewAggregates), "{role}: not everything aggregate");
        assert_eq!(authorise(&member, Permission::ViewPerson, &[], TODAY), Err(Denial::RoleLacksPermission));
        assert!(!member.can(Permission::WorkOnPlan));
    }
}
