//! Bulk loading, on both backends: generated people land in every table the service writes,
//! search finds them by name, date of birth and BSN, and each agency sees only its own
//! share. A load that is run again resumes instead of duplicating.

use crate::support::{TestDb, at, count};
use domain::access::{Actor, Role};
use domain::directory::DirectoryStore;
use domain::ids::{MemberId, PersonId};
use domain::measures::ports::TaskListStore;
use domain::people::PersonQuery;
use domain::people::ports::PeopleStore;
use domain::people::service::People;
use domain::{Clock, FixedClock};
use jiff::civil::date;
use jiff::tz::TimeZone;
use store::Store;
use store::bulk::{BULK_AGENCIES, BulkSpec};

const PEOPLE: u64 = 300;

/// A police officer of bulk agency `agency`.
async fn member_of(store: &Store, agencies: &[domain::ids::AgencyId], agency: usize) -> Actor {
    let now = at("2026-11-22T09:00:00Z");
    let member = domain::directory::Member {
        id: MemberId::new(now),
        agency_id: agencies[agency],
        username: format!("zoeker.{agency}"),
        display_name: format!("Zoeker {agency}"),
        roles: vec![Role::PoliceOfficer],
        disabled: false,
    };
    store.create_member(&member, "not-a-real-hash", now).await.unwrap();
    Actor { member_id: member.id, agency_id: member.agency_id, roles: member.roles, display_name: member.display_name }
}

async fn bulk_people_are_searchable_and_stay_within_their_team(db: TestDb) {
    let store = &db.store;
    // Small batches, so the load spans several transactions and resumes mid-way below.
    let spec = BulkSpec { batch: 64, ..BulkSpec::new(200, 11) };
    let mut reported = Vec::new();
    let first = store.bulk_load_people(&spec, |n| reported.push(n)).await.unwrap();
    assert_eq!((first.existing, first.written), (0, 200));
    assert_eq!(reported, vec![0, 64, 128, 192, 200]);
    let spec = BulkSpec { count: PEOPLE, ..spec };
    let loaded = store.bulk_load_people(&spec, |_| {}).await.unwrap();
    assert_eq!((loaded.existing, loaded.written), (200, PEOPLE - 200));
    assert_eq!(loaded.agencies, first.agencies, "agencies are found again by name, not duplicated");
    assert_eq!(store.agencies().await.unwrap().len(), BULK_AGENCIES.len());

    let people: Vec<_> = (0..PEOPLE).map(|i| spec.person(i)).collect();
    let identifiers: usize = people.iter().map(|p| p.details.identifiers.len()).sum();
    let tokens: usize = people.iter().map(|p| p.details.name_tokens().len()).sum();
    assert_eq!(count(store, "person").await, PEOPLE as i64);
    assert_eq!(count(store, "person_identifier").await, identifiers as i64);
    assert_eq!(count(store, "person_name_token").await, tokens as i64);
    assert_eq!(count(store, "person_revision").await, PEOPLE as i64);
    assert_eq!(count(store, "team_entry").await, PEOPLE as i64);

    // A generated person reads back exactly as generated, with their one team entry.
    let sample = &people[123];
    let stored = store.person(PersonId::from_uuid(sample.id)).await.unwrap().expect("person stored");
    assert_eq!(stored.details, sample.details);
    let team = store.team(stored.id).await.unwrap();
    assert_eq!(team.len(), 1);
    assert_eq!(team[0].agency_id, loaded.agencies[sample.agency]);
    assert_eq!(store.revisions(stored.id).await.unwrap()[0].details, sample.details);

    // Search through the use case (as the web does): by BSN, by full name, by date of birth.
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let utc = TimeZone::UTC;
    let service = People { store, clock: &clock, time_zone: &utc };
    let insider = member_of(store, &loaded.agencies, sample.agency).await;
    let outsider = member_of(store, &loaded.agencies, (sample.agency + 1) % BULK_AGENCIES.len()).await;
    let full_name = format!("{} {}", sample.details.given_names.as_deref().unwrap(), sample.details.family_name);
    let dob = sample.details.birth_date.unwrap().to_string();
    for query in [sample.bsn().to_string(), full_name.to_uppercase(), dob.clone()] {
        let hits = service.search(&insider, &query).await.unwrap();
        assert!(hits.iter().any(|h| h.id == stored.id), "{query:?} finds the person");
        assert!(service.search(&outsider, &query).await.unwrap().iter().all(|h| h.id != stored.id));
    }
    // Every hit of a broad search is on the searcher's team, and only those are found.
    let today = clock.now().to_zoned(utc.clone()).date();
    let family = PersonQuery::parse(&sample.details.family_name);
    let hits = store.search_people(&family, insider.agency_id, today, 1000).await.unwrap();
    let mut expected: Vec<_> = people
        .iter()
        .filter(|p| p.agency == sample.agency)
        .filter(|p| {
            let tokens = p.details.name_tokens();
            family.name_prefixes.iter().all(|q| tokens.iter().any(|t| t.starts_with(q.as_str())))
        })
        .map(|p| p.id)
        .collect();
    let mut found: Vec<_> = hits.iter().map(|h| *h.id.as_uuid()).collect();
    expected.sort();
    found.sort();
    assert!(!found.is_empty());
    assert_eq!(found, expected, "exactly the team's people with that name");
    assert!(service.view(&outsider, stored.id, "person_page").await.is_err(), "outsiders cannot open the page");
    assert!(service.view(&insider, stored.id, "person_page").await.is_ok());
    assert!(date(1940, 1, 1) <= sample.details.birth_date.unwrap());
}

/// Bulk ZSM cases: every open case is on the first agency's board, in the order of its most
/// urgent clock; the decided ones fill the metrics of their period; a second load reuses them.
async fn bulk_zsm_cases_fill_the_board_and_the_metrics(db: TestDb) {
    use domain::zsm::service::Zsm;
    use store::bulk::{BENCH_LOCATION, ZsmBulkSpec};
    let store = &db.store;
    let people = BulkSpec::new(1_000, 5);
    let loaded = store.bulk_load_people(&people, |_| {}).await.unwrap();
    let now = at("2026-11-22T15:00:00Z");
    // 15 open, 365 decided over 365 days (one a day), in batches of 100.
    let spec = ZsmBulkSpec { history_days: 365, batch: 100, ..ZsmBulkSpec::new(15, 365, now, 5) };
    let mut reported = Vec::new();
    let zsm = store.bulk_load_zsm(&people, &loaded, &spec, |n| reported.push(n)).await.unwrap();
    assert_eq!((zsm.existing, zsm.written), (0, 380));
    assert_eq!(reported, vec![0, 100, 200, 300, 380]);
    assert_eq!(count(store, "zsm_offence").await, 380, "each case has its offence row");

    let clock = FixedClock::new(now);
    let service = Zsm { store, clock: &clock };
    let officer = member_of(store, &loaded.agencies, 0).await;
    let board = service.board(&officer, BENCH_LOCATION).await.unwrap();
    assert_eq!(board.cases.len(), 15, "every open case, and no decided one (all older than a day)");
    assert!(board.cases.iter().all(|c| c.stored.case.status.decision().is_none()));
    let deadlines: Vec<_> = board
        .cases
        .iter()
        .map(|c| domain::zsm::workflow::clock::most_urgent(&c.stored.clocks).map(|r| r.deadline))
        .collect();
    assert!(deadlines.windows(2).all(|w| w[0] <= w[1]), "sorted by the most urgent clock");
    // Another agency's member sees none of them: suspects are on the first agency's team.
    let other = member_of(store, &loaded.agencies, 1).await;
    assert!(service.board(&other, BENCH_LOCATION).await.unwrap().cases.is_empty());

    let today = now.to_zoned(TimeZone::get("Europe/Amsterdam").unwrap()).date();
    let from = today.saturating_sub(jiff::Span::new().days(364));
    let (_, metrics) = service.metrics(&officer, BENCH_LOCATION, &from.to_string(), &today.to_string()).await.unwrap();
    assert!((350..=380).contains(&metrics.cases), "a year of cases: {}", metrics.cases);
    assert!(metrics.decided >= 345 && metrics.median_minutes_to_decision.is_some());
    assert!(metrics.disposals.len() >= 4, "{:?}", metrics.disposals);

    let again = store.bulk_load_zsm(&people, &loaded, &spec, |_| {}).await.unwrap();
    assert_eq!((again.existing, again.written), (380, 0));
    let more = ZsmBulkSpec { historic: 400, ..spec };
    assert!(store.bulk_load_zsm(&people, &loaded, &more, |_| {}).await.is_err(), "a different size is refused");
}

async fn bulk_plans_read_back_as_generated_and_fill_the_task_index(db: TestDb) {
    use domain::plan::ports::{PlanStore, TaskOwner};
    use store::bulk::{PlanBulkSpec, plan_agencies};
    let store = &db.store;
    let people = BulkSpec { batch: 64, ..BulkSpec::new(150, 5) };
    let loaded = store.bulk_load_people(&people, |_| {}).await.unwrap();
    let agencies: Vec<uuid::Uuid> = loaded.agencies.iter().map(|a| *a.as_uuid()).collect();
    let spec = PlanBulkSpec {
        people: BulkSpec { count: 100, ..people.clone() },
        tasks_per_plan: 10,
        today: date(2026, 11, 22),
    };
    let first = store.bulk_load_plans(&spec, &agencies, |_| {}).await.unwrap();
    assert_eq!((first.existing, first.written, first.tasks_written), (0, 100, 1000));
    let spec = PlanBulkSpec { people: people.clone(), ..spec };
    let mut reported = Vec::new();
    let resumed = store.bulk_load_plans(&spec, &agencies, |n| reported.push(n)).await.unwrap();
    assert_eq!((resumed.existing, resumed.written), (100, 50));
    assert_eq!(reported, vec![100, 150]);
    assert_eq!(count(store, "plan").await, 150);
    assert_eq!(count(store, "plan_event").await, 150);
    assert_eq!(count(store, "team_entry").await, 150 * 3, "two more agencies on each person's team");

    let author = *store.credentials(store::bulk::BULK_LOADER).await.unwrap().unwrap().member.id.as_uuid();
    let generated: Vec<_> = (0..150).map(|i| spec.plan(i, &agencies, author)).collect();
    let outstanding = generated.iter().flat_map(|g| &g.plan.tasks).filter(|t| t.status.is_outstanding()).count();
    assert_eq!(count(store, "plan_task").await, outstanding as i64);
    let sample = &generated[77];
    let stored = store.current_plan(PersonId::from_uuid(sample.plan.person.0)).await.unwrap().unwrap();
    assert_eq!((stored.plan, stored.version), (sample.plan.clone(), 1));
    let team = store.team(PersonId::from_uuid(sample.plan.person.0)).await.unwrap();
    let mut on_team: Vec<_> = team.iter().map(|e| *e.agency_id.as_uuid()).collect();
    let mut expected: Vec<_> = plan_agencies(5, 77).iter().map(|&a| agencies[a]).collect();
    on_team.sort();
    expected.sort();
    assert_eq!(on_team, expected);
    let owner = sample.plan.tasks.iter().find(|t| t.status.is_outstanding()).unwrap().owner;
    let everything = domain::plan::ports::PageRequest { offset: 0, limit: 10_000 };
    let with_tasks =
        store.tasks_of(TaskOwner::Agency(domain::ids::AgencyId::from_uuid(owner.0)), everything).await.unwrap();
    assert!(with_tasks.plans.iter().any(|p| p.id == sample.plan.id));
}

on_both_backends!(
    bulk_people_are_searchable_and_stay_within_their_team,
    bulk_plans_read_back_as_generated_and_fill_the_task_index,
    bulk_zsm_cases_fill_the_board_and_the_metrics
);
