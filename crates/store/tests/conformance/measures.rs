//! Conformance stories for the measures (exclusion orders, area bans, intensive episodes,
//! groups), run against SQLite and PostgreSQL through the domain's use cases and the
//! `MeasureStore` port.

use crate::support::{FIRST_PAGE, PACK, TestDb, actor, at, count, days, execute, person_input, statutory_basis};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::audit::AuditAction;
use domain::audit::AuditLog;
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::measures::ports::MeasureStore;
use domain::measures::ports::TaskListStore;
use domain::measures::service::{MeasureWarning, Measures};
use domain::measures::{
    AreaBan, BanAction, BanInput, Episode, EpisodeAction, EpisodeInput, ExclusionOrder, ExclusionWarning, GroupAction,
    GroupInput, ListedTask, OrderAction, OrderInput,
};
use domain::people::service::People;
use domain::plan::ports::TaskOwner;
use domain::plan::service::Plans;
use domain::ports::StoreError;
use domain::service::ServiceError;
use jiff::tz::TimeZone;
use std::sync::LazyLock;
use store::Store;

static ZONE: LazyLock<TimeZone> = LazyLock::new(|| TimeZone::get("Europe/Amsterdam").unwrap());

async fn person(store: &Store, clock: &FixedClock, by: &Actor, name: &str, bsn: &str) -> PersonId {
    let people = People { store, clock, time_zone: &ZONE };
    people.create(by, &person_input(name, "Sam", "1980-05-03", bsn), &statutory_basis()).await.unwrap().id
}

fn measures<'a>(store: &'a Store, clock: &'a FixedClock) -> Measures<'a, Store> {
    Measures { store, clock, time_zone: &ZONE, pack: &PACK }
}

/// An officer of the mayor's office (who imposes the mayor's measures), an excluded person and
/// a victim, and an order imposed on 20 March 2026 at 22:00 local time: (clock, officer,
/// excluded, victim, order).
async fn imposed(store: &Store) -> (FixedClock, Actor, PersonId, PersonId, ExclusionOrder) {
    let clock = FixedClock::new(at("2026-03-20T21:00:00Z"));
    let officer = actor(store, "Gemeente", AgencyKind::Municipality, Role::MunicipalityOfficer).await;
    let excluded = person(store, &clock, &officer, "Kuipers", "111222333").await;
    let victim = person(store, &clock, &officer, "Kuipers-Jansen", "123456782").await;
    let input = OrderInput {
        victims: victim.to_string(),
        address: "Dorpsstraat 1".into(),
        decision_ref: "HV-2026-014".into(),
        ..Default::default()
    };
    let order = measures(store, &clock).impose_order(&officer, excluded, &input).await.unwrap();
    (clock, officer, excluded, victim, order)
}

async fn exclusion_orders_keep_their_clock_history_and_people(db: TestDb) {
    let store = &db.store;
    let (clock, officer, excluded, victim, order) = imposed(store).await;
    let service = measures(store, &clock);
    // Both the excluded person's and the victim's pages find the order.
    for who in [excluded, victim] {
        let found = store.measures_about::<ExclusionOrder>(who).await.unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].value.clone(), found[0].version), (order.clone(), 1));
    }
    clock.advance(days(7));
    let extend = |days: &str| OrderAction::Extend {
        order: order.id.to_string(),
        to_total_days: days.into(),
        decision_ref: "HV-2026-014-V".into(),
        without_advice_reason: "Veilig Thuis adviseert mondeling".into(),
    };
    let refused = service.change_order(&officer, excluded, &extend("29")).await;
    assert!(matches!(refused, Err(ServiceError::Invalid(_))), "past the legal maximum");
    assert_eq!(count(store, "measure_event").await, 1, "a refusal saves nothing");
    service.change_order(&officer, victim, &extend("28")).await.unwrap();
    let stored = store.measure::<ExclusionOrder>(order.id.0).await.unwrap().unwrap();
    assert_eq!((stored.value.total_days, stored.version), (28, 2));
    // Its clock runs in local days: 28 days after 20 March 22:00 CET is 17 April 22:00 CEST.
    let context = service.exclusion_context().unwrap();
    assert_eq!(stored.value.ends_at(&context), at("2026-04-17T20:00:00Z"));
    assert_eq!(count(store, "measure_event").await, 2);
    assert!(execute(store, "UPDATE measure_event SET change = 'x'").await.is_err(), "history is append-only");
    assert!(execute(store, "DELETE FROM measure_event").await.is_err(), "history is append-only");

    // The warnings reach the agency's weekly review near the end.
    clock.set(at("2026-04-16T09:00:00Z"));
    let lines = service.agency_warnings(&officer).await.unwrap();
    assert!(lines.iter().any(|l| l.person == excluded
        && matches!(l.warning, MeasureWarning::Exclusion { warning: ExclusionWarning::EndsSoon { .. }, .. })));

    // A stale version is a conflict, never a silent overwrite.
    let mut stale = stored.value.clone();
    stale.address = "elsewhere".into();
    let event = domain::measures::ports::MeasureEvent {
        version: 2,
        change: "extend",
        at: clock_now(&clock),
        member: officer.member_id,
        agency: officer.agency_id,
        tasks: Vec::new(),
        team: Vec::new(),
    };
    assert!(matches!(store.save_measure(&stale, &event, &[], &[]).await, Err(StoreError::Conflict { current: 2 })));

    let audit = store.audit_for_person(victim, 50).await.unwrap();
    let actions: Vec<(AuditAction, &str)> = audit.iter().map(|a| (a.entry.action, a.entry.what.as_str())).collect();
    assert!(actions.contains(&(AuditAction::Create, "exclusion order: impose")), "{actions:?}");
    assert!(actions.contains(&(AuditAction::Update, "exclusion order: extend")), "{actions:?}");
}

fn clock_now(clock: &FixedClock) -> jiff::Timestamp {
    domain::Clock::now(clock)
}

async fn bans_and_episodes_round_trip_and_refusals_change_nothing(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T09:00:00Z"));
    let officer = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let outsider = actor(store, "GGD Elders", AgencyKind::Health, Role::ProbationOfficer).await;
    let who = person(store, &clock, &officer, "Visser", "111222333").await;
    // The mayor's office imposes the ban; it is on the team for that.
    let mayor = actor(store, "Gemeente", AgencyKind::Municipality, Role::MunicipalityOfficer).await;
    let joining = domain::access::TeamEntryInput { agency_id: mayor.agency_id.to_string(), ..statutory_basis() };
    People { store, clock: &clock, time_zone: &ZONE }.add_to_team(&officer, who, &joining).await.unwrap();
    let service = measures(store, &clock);
    let ban = |starts: &str, ends: &str| BanInput {
        area: "Centrum".into(),
        decision_ref: "GB-1".into(),
        starts_on: starts.into(),
        ends_on: ends.into(),
    };
    assert!(matches!(
        service.impose_ban(&mayor, who, &ban("2026-11-30", "2026-11-01")).await,
        Err(ServiceError::Invalid(_))
    ));
    assert!(matches!(
        service.impose_ban(&outsider, who, &ban("2026-11-01", "2026-11-30")).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert_eq!(count(store, "measure").await, 0);
    assert!(
        matches!(
            service.impose_ban(&officer, who, &ban("2026-11-01", "2026-11-25")).await,
            Err(ServiceError::Forbidden(_))
        ),
        "probation proposes, the municipality imposes"
    );
    let imposed = service.impose_ban(&mayor, who, &ban("2026-11-01", "2026-11-25")).await.unwrap();
    assert!(
        matches!(
            service.impose_ban(&mayor, who, &ban("2026-11-20", "2026-12-25")).await,
            Err(ServiceError::Invalid(_))
        ),
        "a second ban on the same area over the same days is refused"
    );
    let lift = BanAction::Lift { ban: imposed.id.to_string(), reason: "moved away".into() };
    service.change_ban(&mayor, who, &lift).await.unwrap();
    let stored = store.measures_about::<AreaBan>(who).await.unwrap();
    assert!(!stored[0].value.is_in_force(jiff::civil::date(2026, 11, 22)));
    assert!(
        store
            .open_measures_for_agency::<AreaBan>(officer.agency_id, jiff::civil::date(2026, 11, 22))
            .await
            .unwrap()
            .is_empty()
    );

    let start = |weeks: &str| EpisodeInput {
        case_manager: officer.member_id.to_string(),
        started_on: "2026-11-02".into(),
        weeks: weeks.into(),
        contacts_per_week: "2".into(),
    };
    assert!(matches!(service.start_episode(&officer, who, &start("0")).await, Err(ServiceError::Invalid(_))));
    let outsider_manager = EpisodeInput { case_manager: outsider.member_id.to_string(), ..start("4") };
    assert!(matches!(service.start_episode(&officer, who, &outsider_manager).await, Err(ServiceError::Invalid(_))));
    assert_eq!(count(store, "measure").await, 1);
    let episode = service.start_episode(&officer, who, &start("4")).await.unwrap();
    let contact = EpisodeAction::Contact {
        episode: episode.id.to_string(),
        on: "2026-11-03".into(),
        kind: "home_visit".into(),
        note: "ëën afspraak".into(),
    };
    service.change_episode(&officer, who, &contact).await.unwrap();
    let stored = store.measure::<Episode>(episode.id.0).await.unwrap().unwrap();
    assert_eq!((stored.value.contacts.len(), stored.value.contacts[0].note.as_str()), (1, "ëën afspraak"));
    let open =
        store.open_measures_for_agency::<Episode>(officer.agency_id, jiff::civil::date(2026, 11, 22)).await.unwrap();
    assert_eq!(open.len(), 1);
    let file = service.of_person(&officer, who, "measures page").await.unwrap();
    assert!(
        file.warnings
            .iter()
            .any(|w| matches!(w, MeasureWarning::Episode { flags, .. } if flags.behind_intensity.is_some()))
    );
}

async fn groups_index_their_current_members(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T09:00:00Z"));
    let manager = actor(store, "Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let outsider = actor(store, "Elders", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let first = person(store, &clock, &manager, "Bouzid", "111222333").await;
    let second = person(store, &clock, &manager, "Koster", "123456782").await;
    let theirs = person(store, &clock, &outsider, "Pinas", "100000009").await;
    let service = measures(store, &clock);
    let group = service
        .form_group(&manager, &GroupInput { name: "Slotermeer".into(), area: "Nieuw-West".into() })
        .await
        .unwrap();
    let id = group.id.to_string();
    let add = |p: PersonId, class: &str| GroupAction::AddMember { person: p.to_string(), class: class.into() };
    service.change_group(&manager, &id, &add(first, "core")).await.unwrap();
    service.change_group(&manager, &id, &add(second, "at_risk")).await.unwrap();
    assert!(matches!(service.change_group(&manager, &id, &add(theirs, "core")).await, Err(ServiceError::Invalid(_))));
    assert_eq!(store.measures_about::<domain::measures::Group>(first).await.unwrap().len(), 1);
    let remove = GroupAction::Remove { person: second.to_string(), reason: "moved".into() };
    service.change_group(&manager, &id, &remove).await.unwrap();
    assert!(store.measures_about::<domain::measures::Group>(second).await.unwrap().is_empty(), "left the group");
    let file = service.group(&manager, &id).await.unwrap();
    assert_eq!((file.members.len(), file.hidden), (1, 0));
    // Another agency sees the group but not the members it is not on the team of.
    let elsewhere = service.group(&outsider, &id).await.unwrap();
    assert_eq!((elsewhere.members.len(), elsewhere.hidden), (0, 1));
}

async fn help_tasks_of_orders_join_the_agency_task_list(db: TestDb) {
    let store = &db.store;
    let (clock, officer, excluded, victim, order) = imposed(store).await;
    let service = measures(store, &clock);
    let help = OrderAction::AddHelp {
        order: order.id.to_string(),
        for_person: victim.to_string(),
        owner: officer.agency_id.to_string(),
        description: "Safety plan with the victim".into(),
    };
    service.change_order(&officer, excluded, &help).await.unwrap();
    assert_eq!(count(store, "measure_task").await, 1, "the help task is indexed, not copied onto a plan");
    assert_eq!(count(store, "plan_task").await, 0);
    let owner = TaskOwner::Agency(officer.agency_id);
    let held = store.tasks_of(owner, FIRST_PAGE).await.unwrap();
    assert_eq!((held.plans.len(), held.orders.len()), (0, 1));
    let plans = Plans { store, clock: &clock, time_zone: &ZONE, pack: &PACK };
    let lines = plans.tasks(&officer, owner, 1).await.unwrap().lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].person_name, "Sam Kuipers-Jansen");
    let ListedTask::Help(line) = &lines[0].line else { panic!("a help task: {:?}", lines[0].line) };
    assert_eq!((line.order, line.person), (order.id, victim));
    assert_eq!(line.due_at, order.help_due_at(&service.exclusion_context().unwrap()));
    assert!(store.tasks_of(TaskOwner::Member(officer.member_id), FIRST_PAGE).await.unwrap().orders.is_empty());

    let started = OrderAction::HelpStarted { order: order.id.to_string(), task: line.task.id.to_string() };
    service.change_order(&officer, victim, &started).await.unwrap();
    assert_eq!(count(store, "measure_task").await, 0, "a started help task leaves the list");
    assert!(plans.tasks(&officer, owner, 1).await.unwrap().lines.is_empty());
}

on_both_backends!(
    exclusion_orders_keep_their_clock_history_and_people,
    bans_and_episodes_round_trip_and_refusals_change_nothing,
    groups_index_their_current_members,
    help_tasks_of_orders_join_the_agency_task_list,
);
