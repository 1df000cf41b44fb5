//! The case conference's limits, on SQLite and PostgreSQL: closing a meeting writes the meeting
//! and every resulting plan in one transaction (a failure part-way leaves nothing written); a
//! process manager cancels a meeting or takes a person off its agenda, each with a reason, and
//! the requests wait for another meeting.

use crate::support::{PACK, TestDb, UTC, actor, at, invalid_key, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::audit::AuditLog;
use domain::conference::ports::{ConferenceStore, ConferenceWrite};
use domain::conference::service::Conferences;
use domain::conference::{
    DecisionInput, Meeting, MeetingCommand, MeetingInput, MeetingStatus, MinutesInput, RequestInput, RequestStatus,
    TriageInput,
};
use domain::directory::AgencyKind;
use domain::ids::{ConferenceRequestId, PersonId};
use domain::plan::ports::PlanStore;
use domain::plan::service::{PlanAction, Plans};
use domain::ports::StoreError;
use domain::service::ServiceError;
use store::Store;

struct Cast {
    officer: Actor,
    constable: Actor,
    manager: Actor,
    first: PersonId,
    second: PersonId,
}

async fn cast(store: &Store, clock: &FixedClock) -> Cast {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let manager = actor(store, "Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let mut persons = Vec::new();
    for (name, bsn) in [("Visser", "111222333"), ("Bakker", "123456782")] {
        let input = person_input(name, "Gerrit", "1971-05-03", bsn);
        persons.push(person_on_team(store, clock, &officer, &input, &[&constable, &manager]).await);
    }
    Cast { officer, constable, manager, first: persons[0], second: persons[1] }
}

fn conferences<'a>(store: &'a Store, clock: &'a FixedClock) -> Conferences<'a, Store> {
    Conferences { store, clock, time_zone: &UTC, pack: &PACK }
}

/// A meeting on Tuesday with both persons on the agenda through accepted requests.
async fn meeting_with_both(store: &Store, clock: &FixedClock, c: &Cast) -> (Meeting, Vec<ConferenceRequestId>) {
    let service = conferences(store, clock);
    let input = RequestInput {
        reason: "many problems behind small offences".into(),
        goal: "one plan".into(),
        invited: vec![c.constable.agency_id.to_string()],
    };
    let mut requests = Vec::new();
    for person in [c.first, c.second] {
        let request = service.request(&c.officer, person, &input).await.unwrap();
        service.triage(&c.manager, request.id, &TriageInput::Accept).await.unwrap();
        requests.push(request.id);
    }
    let meeting_input = MeetingInput {
        date: "2026-11-24".into(),
        location: "Zorg- en Veiligheidshuis, Utrecht".into(),
        invited: vec![c.constable.agency_id.to_string(), c.officer.agency_id.to_string()],
    };
    let meeting = service.plan_meeting(&c.manager, &meeting_input).await.unwrap();
    for request in &requests {
        service.add_to_agenda(&c.manager, meeting.id, *request).await.unwrap();
    }
    (meeting, requests)
}

fn minutes(c: &Cast) -> MinutesInput {
    MinutesInput {
        analysis: "debts and drink behind the thefts".into(),
        strategy: "both".into(),
        note: String::new(),
        decisions: vec![DecisionInput {
            description: "area ban for the shopping centre".into(),
            kind: "enforcement".into(),
            owner: c.constable.agency_id.to_string(),
            due: "2026-12-15".into(),
        }],
        restricted_to: Vec::new(),
    }
}

async fn closing_writes_every_plan_in_one_transaction(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let c = cast(store, &clock).await;
    let service = conferences(store, &clock);
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let (meeting, _) = meeting_with_both(store, &clock, &c).await;
    for person in [c.first, c.second] {
        service.record_minutes(&c.manager, meeting.id, person, &minutes(&c)).await.unwrap();
    }
    // The second person already has a plan; the first gets one drafted by the close.
    plans.draft(&c.officer, c.second).await.unwrap();

    // The close as the service builds it, but the second plan changes before it is written:
    // the write fails on the second plan, after the meeting and the first plan were written
    // in the same transaction — and none of it stays.
    let stored = store.meeting(meeting.id).await.unwrap().unwrap();
    clock.set(at("2026-11-24T15:00:00Z"));
    let close = MeetingCommand::Close { today: jiff::civil::date(2026, 11, 24) };
    let (closed, _) = stored.meeting.clone().apply(close, domain::Clock::now(&clock)).unwrap();
    let mut writes = Vec::new();
    for person in [c.first, c.second] {
        let commands: Vec<_> = closed
            .agenda
            .iter()
            .filter(|i| i.person.0 == *person.as_uuid())
            .flat_map(|i| i.minutes.as_ref().unwrap().decisions.iter())
            .map(|d| domain::plan::PlanCommand::AddTask {
                task: d.task,
                description: d.description.clone(),
                kind: d.kind,
                owner: d.owner,
                owner_member: d.owner_member,
                goal: None,
                due: d.due,
                restriction: d.restriction.clone(),
            })
            .collect();
        writes.push(plans.decisions_write(&c.manager, person, &commands).await.unwrap().0);
    }
    assert_eq!(writes[0].from_version, 0, "a new plan for the first person");
    let goal = PlanAction::AddGoal { domain: "housing".into(), in_own_words: "a home".into(), agreed_by_person: true };
    plans.change(&c.officer, c.second, &goal).await.unwrap();
    let events_before = store.plan_history(store.current_plan(c.second).await.unwrap().unwrap().plan.id).await.unwrap();
    let audit_before = store.audit_for_person(c.first, 1000).await.unwrap().len();
    let write = ConferenceWrite { meetings: vec![(&closed, stored.version + 1)], plans: writes, ..Default::default() };
    assert!(matches!(store.write_conference(&write).await, Err(StoreError::Conflict { .. })));
    assert!(store.current_plan(c.first).await.unwrap().is_none(), "the first plan was rolled back");
    let after = store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!((after.meeting.status, after.version), (MeetingStatus::Planned, stored.version));
    let second = store.current_plan(c.second).await.unwrap().unwrap();
    assert_eq!(store.plan_history(second.plan.id).await.unwrap(), events_before);
    assert_eq!(store.audit_for_person(c.first, 1000).await.unwrap().len(), audit_before);

    // Through the service the close reads the plans as they are now and writes everything.
    service.close(&c.manager, meeting.id).await.unwrap();
    for person in [c.first, c.second] {
        let plan = store.current_plan(person).await.unwrap().unwrap().plan;
        assert_eq!(plan.tasks.len(), 1, "the decision is on the plan");
    }
    assert_eq!(store.current_plan(c.first).await.unwrap().unwrap().version, 2, "drafted, then the decision");
    assert_eq!(store.current_plan(c.second).await.unwrap().unwrap().version, 3, "draft, goal, decision");
    let audit: Vec<String> =
        store.audit_for_person(c.first, 1000).await.unwrap().into_iter().map(|e| e.entry.what).collect();
    assert!(audit.iter().any(|w| w == "conference: closed") && audit.iter().any(|w| w == "plan: conference decisions"));
}

async fn a_meeting_is_cancelled_and_a_person_taken_off_with_reasons(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let c = cast(store, &clock).await;
    let service = conferences(store, &clock);
    let (meeting, requests) = meeting_with_both(store, &clock, &c).await;
    let before = store.meeting(meeting.id).await.unwrap().unwrap();

    // Without a reason nothing changes; the police (no chairing role) are refused.
    assert_eq!(
        invalid_key(service.remove_from_agenda(&c.manager, meeting.id, c.first, " ").await),
        "error.conference.remove_reason"
    );
    assert_eq!(invalid_key(service.cancel(&c.manager, meeting.id, "").await), "error.conference.cancel_reason");
    assert!(matches!(service.cancel(&c.constable, meeting.id, "no room").await, Err(ServiceError::Forbidden(_))));
    assert_eq!(store.meeting(meeting.id).await.unwrap().unwrap(), before);

    // Taking the first person off: their request is accepted again, the reason kept, audited.
    service.remove_from_agenda(&c.manager, meeting.id, c.first, "in custody until January").await.unwrap();
    let stored = store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.meeting.agenda.len(), 1);
    assert_eq!(stored.meeting.removed[0].reason, "in custody until January");
    let request = store.conference_request(requests[0]).await.unwrap().unwrap();
    assert!(matches!(request.request.status, RequestStatus::Accepted { .. }));
    assert!(store.conference_requests_of(c.first).await.unwrap().len() == 1);
    let audit: Vec<String> =
        store.audit_for_person(c.first, 1000).await.unwrap().into_iter().map(|e| e.entry.what).collect();
    assert!(audit.iter().any(|w| w == "conference: taken off the agenda"), "{audit:?}");

    // Cancelling: the meeting is cancelled with its reason and the second request waits again.
    service.cancel(&c.manager, meeting.id, "the chair is ill").await.unwrap();
    let stored = store.meeting(meeting.id).await.unwrap().unwrap();
    assert_eq!(stored.meeting.status, MeetingStatus::Cancelled { reason: "the chair is ill".into() });
    let request = store.conference_request(requests[1]).await.unwrap().unwrap();
    assert!(matches!(request.request.status, RequestStatus::Accepted { .. }));
    assert_eq!(
        invalid_key(service.remove_from_agenda(&c.manager, meeting.id, c.second, "late").await),
        "error.conference.not_planned"
    );
    let audit: Vec<String> =
        store.audit_for_person(c.second, 1000).await.unwrap().into_iter().map(|e| e.entry.what).collect();
    assert!(audit.iter().any(|w| w == "conference: meeting cancelled"), "{audit:?}");
}

on_both_backends!(
    closing_writes_every_plan_in_one_transaction,
    a_meeting_is_cancelled_and_a_person_taken_off_with_reasons
);
