//! Conformance stories for triage and the case conference, on SQLite and PostgreSQL, through
//! the domain's use cases: a request is triaged, put on a meeting's agenda, discussed, and the
//! meeting's decisions land on the person's one plan — audited, versioned, need-to-know.

use crate::support::{PACK, TestDb, UTC, actor, at, invalid_key, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::audit::AuditLog;
use domain::conference::ports::{ConferenceStore, ConferenceWrite};
use domain::conference::service::Conferences;
use domain::conference::{
    DecisionInput, MeetingInput, MinutesInput, ProposalInput, RequestInput, RequestStatus, TriageInput,
};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::plan::ports::PlanStore;
use domain::ports::StoreError;
use domain::service::ServiceError;
use store::Store;

struct Cast {
    officer: Actor,
    constable: Actor,
    manager: Actor,
    /// Not on the person's team.
    outsider: Actor,
    person: PersonId,
}

/// Sunday 22 November 2026: requests made today go to Tuesday's triage.
fn clock() -> FixedClock {
    FixedClock::new(at("2026-11-22T10:00:00Z"))
}

async fn cast(store: &Store, clock: &FixedClock) -> Cast {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let manager = actor(store, "Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let outsider = actor(store, "GGD Elders", AgencyKind::Health, Role::ProcessManager).await;
    let input = person_input("Visser", "Gerrit", "1971-05-03", "111222333");
    let person = person_on_team(store, clock, &officer, &input, &[&constable, &manager]).await;
    Cast { officer, constable, manager, outsider, person }
}

fn service<'a>(store: &'a Store, clock: &'a FixedClock) -> Conferences<'a, Store> {
    Conferences { store, clock, time_zone: &UTC, pack: &PACK }
}

async fn request_triage_conference_and_plan(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let c = cast(store, &clock).await;
    let conferences = service(store, &clock);

    // A partner requests; the cut-off puts it on Tuesday's triage. A second one is refused.
    let input = RequestInput {
        reason: "keeps shoplifting alcohol; no home".into(),
        goal: "one plan: housing, health, area ban".into(),
        invited: vec![c.constable.agency_id.to_string(), c.manager.agency_id.to_string()],
    };
    let request = conferences.request(&c.officer, c.person, &input).await.unwrap();
    assert_eq!(request.triage_on, jiff::civil::date(2026, 11, 24));
    assert_eq!(invalid_key(conferences.request(&c.officer, c.person, &input).await), "error.conference.open_request");
    assert!(matches!(conferences.request(&c.outsider, c.person, &input).await, Err(ServiceError::Forbidden(_))));

    // The triage list: the process manager on the team sees it; one off the team does not.
    let list = conferences.triage_list(&c.manager).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].person_name, "Gerrit Visser");
    assert!(conferences.triage_list(&c.outsider).await.unwrap().is_empty());
    assert!(matches!(conferences.triage_list(&c.officer).await, Err(ServiceError::Forbidden(_))));

    // Declining needs a reason; accepting works once.
    let decline = TriageInput::Decline { reason: " ".into() };
    assert_eq!(
        invalid_key(conferences.triage(&c.manager, request.id, &decline).await),
        "error.conference.decline_reason"
    );
    conferences.triage(&c.manager, request.id, &TriageInput::Accept).await.unwrap();
    assert_eq!(
        invalid_key(conferences.triage(&c.manager, request.id, &TriageInput::Accept).await),
        "error.conference.already_triaged"
    );

    // A meeting on Tuesday; a meeting in the past is refused.
    let meeting_input = |date: &str| MeetingInput {
        date: date.into(),
        location: "Zorg- en Veiligheidshuis, Utrecht".into(),
        invited: vec![c.constable.agency_id.to_string(), c.officer.agency_id.to_string()],
    };
    assert_eq!(
        invalid_key(conferences.plan_meeting(&c.manager, &meeting_input("2026-11-01")).await),
        "error.conference.date_past"
    );
    assert!(matches!(
        conferences.plan_meeting(&c.officer, &meeting_input("2026-11-24")).await,
        Err(ServiceError::Forbidden(_))
    ));
    let meeting = conferences.plan_meeting(&c.manager, &meeting_input("2026-11-24")).await.unwrap();
    conferences.add_to_agenda(&c.manager, meeting.id, request.id).await.unwrap();
    let stored = store.conference_request(request.id).await.unwrap().unwrap();
    assert!(matches!(stored.request.status, RequestStatus::Scheduled { .. }));
    assert_eq!(stored.version, 3);

    // Need-to-know: the police (on the team) see the person; an outsider sees an empty agenda.
    let seen = conferences.meeting_file(&c.constable, meeting.id).await.unwrap();
    assert_eq!(seen.view.items.len(), 1);
    assert!(seen.meeting.agenda.is_empty(), "the raw agenda never leaves the service");
    assert!(conferences.meeting_file(&c.outsider, meeting.id).await.unwrap().view.items.is_empty());

    // Not before the meeting's day (issue 17 item 14), and said first: before the day there are
    // no minutes to ask for. On the day, closing before minutes is refused; a decision for an
    // agency off the team is refused.
    assert_eq!(invalid_key(conferences.close(&c.manager, meeting.id).await), "error.conference.close_before_date");
    clock.set(at("2026-11-24T09:00:00Z"));
    assert_eq!(invalid_key(conferences.close(&c.manager, meeting.id).await), "error.conference.undiscussed_one");
    let decision = |owner: &Actor, what: &str, kind: &str| DecisionInput {
        description: what.into(),
        kind: kind.into(),
        owner: owner.agency_id.to_string(),
        due: "2026-12-15".into(),
    };
    let minutes = |decisions| MinutesInput {
        analysis: "drinks since losing his flat; steals to drink".into(),
        strategy: "both".into(),
        note: String::new(),
        decisions,
        restricted_to: Vec::new(),
    };
    let off_team = minutes(vec![decision(&c.outsider, "treat", "care")]);
    assert_eq!(
        invalid_key(conferences.record_minutes(&c.manager, meeting.id, c.person, &off_team).await),
        "error.conference.decision_owner"
    );
    let agreed = minutes(vec![
        decision(&c.officer, "intake at the addiction clinic", "care"),
        decision(&c.constable, "area ban for the shopping centre", "enforcement"),
    ]);
    conferences.record_minutes(&c.manager, meeting.id, c.person, &agreed).await.unwrap();

    // After the meeting, closing puts both decisions on the person's (new) plan, each as a
    // history row, and the request reads "discussed".
    clock.set(at("2026-11-24T15:00:00Z"));
    assert!(store.current_plan(c.person).await.unwrap().is_none());
    conferences.close(&c.manager, meeting.id).await.unwrap();
    let closed_request = store.conference_request(request.id).await.unwrap().unwrap();
    assert!(matches!(closed_request.request.status, RequestStatus::Discussed { .. }));
    let plan = store.current_plan(c.person).await.unwrap().unwrap();
    assert_eq!(plan.plan.tasks.len(), 2);
    assert_eq!(plan.version, 3, "drafted, then one row per decision");
    let file = conferences.file(&c.constable, c.person).await.unwrap();
    assert_eq!(file.discussed.len(), 1);
    let seen_minutes = file.discussed[0].minutes.as_ref().unwrap();
    assert_eq!(seen_minutes.decisions.len(), 2);
    assert!(seen_minutes.analysis.as_deref().unwrap().contains("losing his flat"));

    // A closed meeting cannot change; a stale write is a conflict and changes nothing.
    assert_eq!(invalid_key(conferences.close(&c.manager, meeting.id).await), "error.conference.not_planned");
    let stored = store.meeting(meeting.id).await.unwrap().unwrap();
    let stale = ConferenceWrite { meetings: vec![(&stored.meeting, stored.version)], ..Default::default() };
    assert!(matches!(store.write_conference(&stale).await, Err(StoreError::Conflict { .. })));

    // Everything was audited against the person.
    let audit: Vec<String> =
        store.audit_for_person(c.person, 1000).await.unwrap().into_iter().map(|e| e.entry.what).collect();
    for what in
        ["conference: request", "list: triage", "conference: accepted", "conference: minutes", "conference: closed"]
    {
        assert!(audit.iter().any(|w| w == what), "{what} missing from {audit:?}");
    }
}

async fn the_criteria_propose_a_conference_only_when_a_rule_matches(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let c = cast(store, &clock).await;
    let conferences = service(store, &clock);
    let input = |flags: &[&str]| ProposalInput {
        goal: "agree one plan".into(),
        flags: flags.iter().map(|f| (*f).to_owned()).collect(),
    };
    // No screening: the multi-problem rule cannot match, so nothing is filed.
    let three =
        ["problems_lead_to_crime_or_nuisance", "care_and_enforcement_needed", "impact_on_family_or_surroundings"];
    assert_eq!(
        invalid_key(conferences.propose(&c.officer, c.person, &input(&three)).await),
        "error.conference.criteria_not_met"
    );
    assert_eq!(
        invalid_key(conferences.propose(&c.officer, c.person, &input(&["moon"])).await),
        "error.conference.unknown_flag"
    );
    assert!(store.conference_requests_of(c.person).await.unwrap().is_empty());
    // A serious area-bound problem alone matches; the team is invited.
    let proposed =
        conferences.propose(&c.officer, c.person, &input(&["serious_area_bound_safety_problem"])).await.unwrap();
    assert_eq!(proposed.reason, "area_bound_safety");
    assert_eq!(proposed.invited.len(), 3);
    assert!(matches!(proposed.origin, domain::conference::RequestOrigin::Proposed(_)));
}

on_both_backends!(request_triage_conference_and_plan, the_criteria_propose_a_conference_only_when_a_rule_matches);
