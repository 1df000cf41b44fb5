//! What works on both backends: index events derived from desist's own records (here the
//! outbox contract's referral events) and persons linked to the offence record by their
//! identifiers — matched, unmatched, ambiguous — with known answers; and the mentor and fund
//! events the same way.

use crate::support::{TestDb, actor, at, person_input, person_on_team};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::notifications::{Audience, Event, EventKind, OutboxWriter, Subject, SubjectKind};
use domain::people::IdentifierInput;
use store::evidence::whatworks::{WorkGrouping, WorkSubject, WorkWhen};

async fn derived_events_and_links_have_known_answers(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T09:00:00Z"));
    let police = actor(store, "Politie", AgencyKind::Police, Role::PoliceOfficer).await;
    let persons = "person_id,birth_date,sex,area\n100000009,1990-01-01,M,\n111222333,1990-01-01,M,\n\
                   123456782,1980-01-01,F,\nX9,1970-01-01,M,\n";
    let offences = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n\
                    O1,111222333,2021-01-01,2021-03-01,conviction,theft,3\n";
    let loaded = evidence::csv_io::read_dataset(
        persons.as_bytes(),
        offences.as_bytes(),
        &b"person_id,index_date,kind,group\n"[..],
    )
    .unwrap();
    store.import_extract(&loaded.dataset, "test", 0, at("2026-11-22T10:00:00Z"), &|_| {}).await.unwrap();
    assert_eq!(store.extract_data_up_to().await.unwrap(), Some(jiff::civil::date(2021, 3, 1)));

    let a = person_on_team(store, &clock, &police, &person_input("A", "Ann", "1990-01-01", "111222333"), &[]).await;
    let b = person_on_team(store, &clock, &police, &person_input("B", "Bo", "1980-01-01", "123456782"), &[]).await;
    let mut two = person_input("C", "Cas", "1990-01-01", "100000009");
    two.identifiers.push(IdentifierInput { kind: "local".into(), value: "X9".into() });
    let c = person_on_team(store, &clock, &police, &two, &[]).await;
    let _d = person_on_team(store, &clock, &police, &person_input("D", "Dee", "1990-01-01", "999999990"), &[]).await;

    let links = store.person_links().await.unwrap();
    assert_eq!(links.matched.len(), 2);
    assert_eq!(links.matched[a.as_uuid()], "111222333");
    assert_eq!(links.matched[b.as_uuid()], "123456782");
    assert_eq!(links.ambiguous.iter().collect::<Vec<_>>(), [c.as_uuid()], "two extract persons: never guessed");
    assert_eq!(links.unmatched, 1);

    let started = at("2025-02-03T10:00:00Z");
    let referral = |kind, person, outcome: &str| {
        let event =
            Event::new(kind, started, Subject::new(SubjectKind::Referral, uuid::Uuid::now_v7()), Audience::default())
                .about(person)
                .with("intervention", "0193c3a0-0000-7000-8000-000000000001")
                .with("intervention_name", "Alcohol programme")
                .with("provider", "0193c3a0-0000-7000-8000-000000000002")
                .with("kind", "programme");
        if outcome.is_empty() { event } else { event.with("outcome", outcome) }
    };
    store
        .record_events(&[
            referral(EventKind::ReferralStarted, a, ""),
            referral(EventKind::ReferralStarted, b, ""),
            referral(EventKind::ReferralCompleted, a, "completed"),
            referral(EventKind::ReferralCompleted, b, "ended_early"),
        ])
        .await
        .unwrap();
    let mut events = store.derived_events(WorkGrouping::Intervention).await.unwrap();
    events.sort_by(|x, y| (&x.group, &x.subject).cmp(&(&y.group, &y.subject)));
    let seen: Vec<(&str, WorkSubject, WorkWhen)> =
        events.iter().map(|e| (e.group.as_str(), e.subject.clone(), e.when)).collect();
    let (pa, pb) = (WorkSubject::Person(*a.as_uuid()), WorkSubject::Person(*b.as_uuid()));
    let mut expected = vec![
        ("Alcohol programme", pa.clone(), WorkWhen::At(started)),
        ("Alcohol programme", pb, WorkWhen::At(started)),
        ("Alcohol programme ✓", pa, WorkWhen::At(started)),
    ];
    expected.sort_by(|x, y| (x.0, &x.1).cmp(&(y.0, &y.1)));
    assert_eq!(seen, expected, "a referral ended early is no completion");
    assert!(store.derived_events(WorkGrouping::Disposal).await.unwrap().is_empty());
    assert!(store.derived_events(WorkGrouping::Plan).await.unwrap().is_empty());
    assert!(store.derived_events(WorkGrouping::Measure).await.unwrap().is_empty());
    assert!(store.derived_events(WorkGrouping::Cohort).await.unwrap().is_empty());
    assert!(store.derived_events(WorkGrouping::Mentor).await.unwrap().is_empty());

    // A mentor matched to A, money allocated to B from a stream, and one whose detail names
    // no programme (nothing to group it by: left out).
    let matched = at("2025-03-04T08:00:00Z");
    let allocated = at("2025-04-05T12:00:00Z");
    let subject = |kind| Subject::new(kind, uuid::Uuid::now_v7());
    let mentor = |person, programme: &str| {
        Event::new(EventKind::MentorMatched, matched, subject(SubjectKind::MentorMatch), Audience::default())
            .about(person)
            .with("mentor", "0193c3a0-0000-7000-8000-000000000003")
            .with("programme", programme)
    };
    store
        .record_events(&[
            mentor(a, "life_change"),
            mentor(b, ""),
            Event::new(EventKind::FundAllocated, allocated, subject(SubjectKind::Fund), Audience::default())
                .about(b)
                .with("fund", "0193c3a0-0000-7000-8000-000000000004")
                .with("stream", "personal_budget")
                .with("amount_cents", "25000"),
        ])
        .await
        .unwrap();
    let seen = |events: Vec<store::evidence::whatworks::DerivedEvent>| {
        events.into_iter().map(|e| (e.group, e.subject, e.when)).collect::<Vec<_>>()
    };
    assert_eq!(
        seen(store.derived_events(WorkGrouping::Mentor).await.unwrap()),
        [("life_change".to_owned(), WorkSubject::Person(*a.as_uuid()), WorkWhen::At(matched))],
        "a match without a programme is left out"
    );
    assert_eq!(
        seen(store.derived_events(WorkGrouping::Fund).await.unwrap()),
        [("personal_budget".to_owned(), WorkSubject::Person(*b.as_uuid()), WorkWhen::At(allocated))]
    );

    // A's match ends with its goals reached: an index event of its own on the day it ended,
    // grouped by programme and how it ended, beside the match itself.
    let ended = at("2025-09-01T00:00:00Z");
    store
        .record_events(&[Event::new(
            EventKind::MentorMatchEnded,
            ended,
            subject(SubjectKind::MentorMatch),
            Audience::default(),
        )
        .about(a)
        .with("mentor", "0193c3a0-0000-7000-8000-000000000003")
        .with("programme", "life_change")
        .with("reason", "goals_reached")
        .with("ended_on", "2025-09-01")])
        .await
        .unwrap();
    let mut mentoring = seen(store.derived_events(WorkGrouping::Mentor).await.unwrap());
    mentoring.sort_by(|x, y| x.0.cmp(&y.0));
    let pa = WorkSubject::Person(*a.as_uuid());
    assert_eq!(
        mentoring,
        [
            ("life_change".to_owned(), pa.clone(), WorkWhen::At(matched)),
            ("life_change → goals_reached".to_owned(), pa, WorkWhen::At(ended)),
        ]
    );
}

on_both_backends!(derived_events_and_links_have_known_answers);
