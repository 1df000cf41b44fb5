//! Conformance stories for the outbox and notifications, on SQLite and PostgreSQL: positions
//! without gaps, events recorded once under a key, notifications filtered by the team at read
//! time, read marks, and consumers that get every event exactly once across several servers.

use crate::support::{TestDb, actor, at, execute, statutory_basis};
use domain::access::{Actor, Role, TeamEntryInput};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::notifications::{
    Audience, Event, EventKind, NotificationStore, OutboxFollower, OutboxWriter, Subject, SubjectKind,
};
use domain::people::PersonInput;
use domain::people::service::People;
use domain::{Clock, FixedClock};
use jiff::SignedDuration;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use store::Store;
use uuid::Uuid;

fn event(kind: EventKind, agencies: &[&Actor]) -> Event {
    let subject = Subject::new(SubjectKind::Plan, Uuid::now_v7());
    Event::new(kind, at("2026-11-22T10:00:00Z"), subject, Audience::agencies(agencies.iter().map(|a| a.agency_id)))
}

async fn person_of(store: &Store, actor: &Actor) -> PersonId {
    let clock = FixedClock::new(at("2026-11-22T09:30:00Z"));
    let people = People { store, clock: &clock, time_zone: &TimeZone::UTC };
    let input = PersonInput { family_name: "Visser".into(), birth_date: "1990-01-02".into(), ..Default::default() };
    people.create(actor, &input, &statutory_basis()).await.unwrap().id
}

async fn positions_are_gapless_and_once_keys_record_once(db: TestDb) {
    let store = &db.store;
    let probation = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let police = actor(store, "Politie", AgencyKind::Police, Role::PoliceOfficer).await;
    let first = [
        event(EventKind::PlanActivated, &[&probation, &police]),
        event(EventKind::ZsmClockEscalated, &[&police]).once("clock-1-level-1"),
        event(EventKind::PlanClosed, &[&probation]),
    ];
    assert_eq!(store.record_events(&first).await.unwrap(), 3);
    // The same escalation noticed again (by this or another server) is not a new fact.
    let again = [event(EventKind::ZsmClockEscalated, &[&police]).once("clock-1-level-1")];
    assert_eq!(store.record_events(&again).await.unwrap(), 0);
    let next = [event(EventKind::PlanContinued, &[&probation])];
    assert_eq!(store.record_events(&next).await.unwrap(), 1);

    let all = store.events_after(0, 100).await.unwrap();
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    assert_eq!(all[0].event, first[0], "an event reads back as written, audience included");
    assert_eq!(all[1].event.once.as_deref(), Some("clock-1-level-1"));
    assert_eq!(all[3].event.kind, EventKind::PlanContinued);
    assert_eq!(store.outbox_head().await.unwrap(), 4);
    assert_eq!(store.events_after(2, 1).await.unwrap()[0].position, 3);

    // History is data: the database itself refuses to change or remove an event.
    assert!(execute(store, "UPDATE outbox_event SET kind = 'x'").await.is_err());
    assert!(execute(store, "DELETE FROM outbox_event").await.is_err());
    assert!(execute(store, "DELETE FROM outbox_event_agency").await.is_err());
    if store.backend() == "postgres" {
        assert!(execute(store, "TRUNCATE outbox_event CASCADE").await.is_err());
    }
}

async fn notifications_follow_the_team_when_read(db: TestDb) {
    let store = &db.store;
    let probation = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let housing = actor(store, "Woningcorporatie", AgencyKind::Provider, Role::ProviderWorker).await;
    let person = person_of(store, &probation).await;
    let today = jiff::civil::date(2026, 11, 22);

    // About the person, for both agencies; housing is not on the person's team.
    let about = event(EventKind::PlanTaskAssigned, &[&probation, &housing]).about(person).with("task", "Woning");
    // Not about anyone, for housing only; and one caused by the probation officer themself.
    let general = event(EventKind::ConferenceInvited, &[&housing]);
    let own = event(EventKind::PlanActivated, &[&probation]).about(person).by(probation.member_id);
    store.record_events(&[about, general, own]).await.unwrap();

    let listed = store.notifications(probation.agency_id, probation.member_id, None, 50).await.unwrap();
    assert_eq!(listed.iter().map(|n| n.position).collect::<Vec<_>>(), vec![1], "not told of their own action");
    assert_eq!(listed[0].event.detail["task"], "Woning");
    assert!(!listed[0].read);
    assert_eq!(store.unread_notifications(probation.agency_id, probation.member_id, today, 99).await.unwrap(), 1);

    // The store lists what is addressed to housing; the count already leaves out the event
    // about a person whose team housing is not on (the service filters the list the same way).
    let listed = store.notifications(housing.agency_id, housing.member_id, None, 50).await.unwrap();
    assert_eq!(listed.iter().map(|n| n.position).collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(store.unread_notifications(housing.agency_id, housing.member_id, today, 99).await.unwrap(), 1);

    // Paging goes down from a position; the count stops at its cap.
    let older = store.notifications(housing.agency_id, housing.member_id, Some(2), 50).await.unwrap();
    assert_eq!(older.iter().map(|n| n.position).collect::<Vec<_>>(), vec![1]);
    assert_eq!(store.unread_notifications(housing.agency_id, housing.member_id, today, 0).await.unwrap(), 0);

    // Read one by one (twice is harmless), then all.
    store.mark_read(probation.member_id, 1, at("2026-11-22T11:00:00Z")).await.unwrap();
    store.mark_read(probation.member_id, 1, at("2026-11-22T11:00:01Z")).await.unwrap();
    assert_eq!(store.unread_notifications(probation.agency_id, probation.member_id, today, 99).await.unwrap(), 0);
    let listed = store.notifications(probation.agency_id, probation.member_id, None, 50).await.unwrap();
    assert!(listed[0].read);
    store.mark_read_up_to(housing.member_id, 2, at("2026-11-22T11:00:00Z")).await.unwrap();
    store.mark_read_up_to(housing.member_id, 1, at("2026-11-22T11:00:02Z")).await.unwrap();
    let listed = store.notifications(housing.agency_id, housing.member_id, None, 50).await.unwrap();
    assert!(listed.iter().all(|n| n.read), "an older 'all read' does not undo a newer one");

    // An agency that joins the team starts seeing what concerns the person.
    let people = People { store, clock: &FixedClock::new(at("2026-11-22T12:00:00Z")), time_zone: &TimeZone::UTC };
    let entry = TeamEntryInput { agency_id: housing.agency_id.to_string(), ..statutory_basis() };
    people.add_to_team(&probation, person, &entry).await.unwrap();
    store.record_events(&[event(EventKind::PlanClosed, &[&housing]).about(person)]).await.unwrap();
    assert_eq!(store.unread_notifications(housing.agency_id, housing.member_id, today, 99).await.unwrap(), 1);
    let stored = store.event_at(4).await.unwrap().unwrap();
    assert_eq!(stored.event.audience.agencies, BTreeSet::from([housing.agency_id]));
    assert!(store.event_at(99).await.unwrap().is_none());
}

/// Several workers of one consumer on two servers (two stores on one database) take turns
/// through the lease: each event is handled once, in order; another consumer gets them all too.
async fn consumers_get_each_event_once_across_servers(db: TestDb) {
    let first = db.store.clone();
    let second = Store::connect(&db.url, 4).await.unwrap();
    let probation = actor(&first, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    for _ in 0..10 {
        let batch: Vec<Event> = (0..20).map(|_| event(EventKind::PlanActivated, &[&probation])).collect();
        first.record_events(&batch).await.unwrap();
    }
    let handled: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
    let mut workers = Vec::new();
    for (n, store) in [first.clone(), second.clone(), first.clone(), second.clone()].into_iter().enumerate() {
        let handled = handled.clone();
        let consumer = if n % 2 == 0 { "webhooks" } else { "index-events" };
        workers.push(tokio::spawn(async move {
            let owner = Uuid::now_v7();
            let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
            loop {
                let Some(claim) =
                    store.claim_events(consumer, owner, clock.now(), SignedDuration::from_mins(5), 17).await.unwrap()
                else {
                    tokio::task::yield_now().await;
                    continue;
                };
                let Some(last) = claim.events.last().map(|e| e.position) else {
                    store.settle_events(consumer, owner, claim.after, claim.after).await.unwrap();
                    break;
                };
                handled.lock().unwrap().extend(claim.events.iter().map(|e| (consumer.to_string(), e.position)));
                assert!(store.settle_events(consumer, owner, claim.after, last).await.unwrap());
            }
        }));
    }
    for worker in workers {
        worker.await.unwrap();
    }
    let handled = handled.lock().unwrap().clone();
    for consumer in ["webhooks", "index-events"] {
        let positions: Vec<i64> = handled.iter().filter(|(c, _)| c == consumer).map(|(_, p)| *p).collect();
        assert_eq!(positions, (1..=200).collect::<Vec<_>>(), "{consumer}: every event once, in order");
    }
}

/// A worker that stops without settling keeps the events from the others only until its lease
/// runs out; then the next worker gets the same events, and the late settle changes nothing.
async fn a_lost_lease_hands_the_events_to_the_next_worker(db: TestDb) {
    let store = &db.store;
    let probation = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    store.record_events(&[event(EventKind::PlanActivated, &[&probation])]).await.unwrap();
    let (stalled, next) = (Uuid::now_v7(), Uuid::now_v7());
    let lease = SignedDuration::from_mins(1);
    let t0 = at("2026-11-22T10:00:00Z");
    let claim = store.claim_events("webhooks", stalled, t0, lease, 10).await.unwrap().unwrap();
    assert_eq!(claim.events.len(), 1);
    let meanwhile = at("2026-11-22T10:00:30Z");
    assert!(store.claim_events("webhooks", next, meanwhile, lease, 10).await.unwrap().is_none());
    let later = at("2026-11-22T10:01:00Z");
    let again = store.claim_events("webhooks", next, later, lease, 10).await.unwrap().unwrap();
    assert_eq!((again.after, again.events[0].position), (0, 1));
    assert!(!store.settle_events("webhooks", stalled, 0, 1).await.unwrap(), "the stalled worker lost its lease");
    assert!(store.settle_events("webhooks", next, 0, 1).await.unwrap());
    let done = store.claim_events("webhooks", next, later, lease, 10).await.unwrap().unwrap();
    assert_eq!((done.after, done.events.len()), (1, 0));
}

on_both_backends!(
    positions_are_gapless_and_once_keys_record_once,
    notifications_follow_the_team_when_read,
    consumers_get_each_event_once_across_servers,
    a_lost_lease_hands_the_events_to_the_next_worker,
);
