//! Conformance stories for interventions, on SQLite and PostgreSQL through the domain's use
//! cases: the catalogue's history, the finder's waits from the real queue, a referral's
//! lifecycle as rows with its outbox events, what the provider may see (audited), unmet need
//! and the webhook delivery log.

use crate::support::{PACK, TestDb, actor, at, count, days, execute, person_input, person_on_team};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::interventions::ports::{DeliveryState, InterventionStore, WebhookStore};
use domain::interventions::service::{Interventions, NewReferral, Webhooks};
use domain::interventions::{ChangeInput, DEFAULT_TRANSITIONS, ExpectedWait, InterventionInput, ReferralStatus};
use domain::people::PersonInput;
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use domain::service::ServiceError;
use domain::{Clock, FixedClock};
use jiff::tz::TimeZone;
use store::Store;

static UTC: std::sync::LazyLock<TimeZone> = std::sync::LazyLock::new(|| TimeZone::UTC);

fn service<'a>(store: &'a Store, clock: &'a FixedClock) -> Interventions<'a, Store> {
    Interventions { store, clock, time_zone: &UTC, screening: &PACK.screening }
}

fn catalogue_entry(name: &str, needs: &str, capacity: &str) -> InterventionInput {
    InterventionInput {
        name: name.into(),
        kind: "addiction_treatment".into(),
        needs: needs.into(),
        outcomes: "Sober for three months\nDaily structure".into(),
        capacity: capacity.into(),
        sessions: "12".into(),
        duration_weeks: "12".into(),
        areas: "Utrecht".into(),
        ..Default::default()
    }
}

/// A probation officer, a provider's member, and a person screened with an addiction problem.
async fn setting(store: &Store, clock: &FixedClock) -> (Actor, Actor, PersonId) {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let provider = actor(store, "Verslavingszorg Midden", AgencyKind::Provider, Role::ProviderWorker).await;
    let input = PersonInput { city: "Utrecht".into(), ..person_input("Hoekstra", "Gerrit", "1970-04-02", "111222333") };
    let person = person_on_team(store, clock, &officer, &input, &[]).await;
    let entries = PACK
        .screening
        .domains
        .iter()
        .map(|d| ScoreInput {
            domain: d.key.to_string(),
            score: if d.key.as_str() == "addiction" { "1".into() } else { "4".into() },
            note: String::new(),
            source: "interview".into(),
        })
        .collect();
    let screenings = Screenings { store, clock, time_zone: &TimeZone::UTC, config: &PACK.screening };
    screenings.record(&officer, person, &ScreeningInput { screened_on: String::new(), entries }).await.unwrap();
    (officer, provider, person)
}

fn act(action: &str) -> ChangeInput {
    ChangeInput { action: action.into(), ..Default::default() }
}

async fn a_referral_runs_its_lifecycle_as_rows_with_events_and_the_finder_sees_the_queue(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let (officer, provider, person) = setting(store, &clock).await;
    let service = service(store, &clock);
    assert_eq!(store.transitions().await.unwrap().0.len(), DEFAULT_TRANSITIONS.len(), "seeded as data");
    let rules = store.transitions().await.unwrap();
    assert!(
        DEFAULT_TRANSITIONS.iter().all(|(from, to, side)| rules.allows(*from, *to, *side)),
        "the seeded lifecycle is the domain's"
    );

    // The catalogue keeps every version.
    let programme = service
        .save_intervention(&provider, None, &catalogue_entry("Minder drinken", "addiction", "1"), true)
        .await
        .unwrap();
    let renamed = catalogue_entry("Minder drinken (CGT)", "addiction", "1");
    service.save_intervention(&provider, Some(programme.id), &renamed, true).await.unwrap();
    assert_eq!(store.intervention_history(programme.id).await.unwrap().len(), 2);
    let refused = service.save_intervention(&officer, None, &renamed, true).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))), "only providers keep a catalogue");
    // An edit names the version it was made on: a second edit on the same version is refused.
    service.revise_intervention(&provider, programme.id, 2, &renamed, None).await.unwrap();
    let stale = service.revise_intervention(&provider, programme.id, 2, &renamed, None).await;
    assert!(matches!(stale, Err(ServiceError::Stale(_))), "someone saved meanwhile");
    assert!(!service.set_intervention_active(&provider, programme.id, 3, false).await.unwrap().intervention.active);
    let entry = service.set_intervention_active(&provider, programme.id, 4, true).await.unwrap();
    assert_eq!((entry.version, entry.intervention.active), (5, true));
    assert_eq!(service.catalogue_entry(&provider, programme.id).await.unwrap().history.len(), 5);
    assert!(matches!(service.catalogue_entry(&officer, programme.id).await, Err(ServiceError::Forbidden(_))));

    let finding = service.find(&officer, person).await.unwrap();
    assert_eq!(finding.needs.len(), 1);
    assert_eq!(finding.found.len(), 1);
    assert_eq!(finding.found[0].wait, ExpectedWait::Days { days: 0 });

    let new = |send| NewReferral {
        person,
        intervention: programme.id,
        task: None,
        needs: vec![],
        risks: "drinks daily".into(),
        basis: String::new(),
        note: String::new(),
        send,
    };
    let referral = service.refer(&officer, new(true)).await.unwrap();
    assert_eq!(referral.status, ReferralStatus::Sent);
    for action in ["accept", "start"] {
        service.change(&provider, referral.id, &act(action)).await.unwrap();
    }
    // The one place is taken and nobody finished yet: no place can be promised.
    assert_eq!(service.find(&officer, person).await.unwrap().found[0].wait, ExpectedWait::NoPlace);
    let late = ChangeInput { attended: "late".into(), date: "2026-12-01".into(), ..act("attendance") };
    service.change(&provider, referral.id, &late).await.unwrap();
    let refused = service.change(&officer, referral.id, &act("accept")).await;
    assert!(matches!(refused, Err(ServiceError::Rule(_))), "the referrer does not accept");
    clock.advance(days(30));
    let report = ChangeInput {
        achievements: vec!["achieved".into(), "partly_achieved".into()],
        text: "Finished the programme".into(),
        ..act("complete")
    };
    service.change(&provider, referral.id, &report).await.unwrap();

    let file = service.view(&provider, referral.id).await.unwrap();
    assert_eq!(file.referral.status, ReferralStatus::Completed);
    assert_eq!(file.person.name, "Gerrit Hoekstra");
    assert_eq!(file.referral.sessions().count(), 1);
    assert_eq!(count(store, "referral_change").await, 6, "created, sent, accepted, started, attendance, report");
    assert!(execute(store, "DELETE FROM referral_change").await.is_err(), "the history is append-only");
    let kinds = events(store).await;
    assert!(kinds.contains(&"referral.started".to_string()) && kinds.contains(&"referral.completed".to_string()));
    assert_eq!(kinds.iter().filter(|k| k.starts_with("referral.")).count(), 5, "every change an event");
    // One completion in the last twelve weeks: the place frees up in about 84 days for the next.
    let wait = service.find(&officer, person).await.unwrap().found[0].wait;
    assert_eq!(wait, ExpectedWait::Days { days: 0 }, "the place is free again");

    // Another provider's member does not see it, and the refusal is audited.
    let other = actor(store, "Andere aanbieder", AgencyKind::Provider, Role::ProviderWorker).await;
    assert!(matches!(service.view(&other, referral.id).await, Err(ServiceError::NotFound)));
    let denied = count_where(store, "audit_log", "action = 'denied'").await;
    assert!(denied >= 1);
}

async fn events(store: &Store) -> Vec<String> {
    let sql = sqlx::AssertSqlSafe("SELECT kind FROM outbox_event ORDER BY position".to_string());
    match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_all(pool).await.unwrap(),
    }
}

pub(crate) async fn count_where(store: &Store, table: &str, condition: &str) -> i64 {
    let sql = sqlx::AssertSqlSafe(format!("SELECT count(*) FROM {table} WHERE {condition}"));
    match store.pool() {
        store::Pool::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
        store::Pool::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await.unwrap(),
    }
}

async fn unmet_need_is_reported_with_small_counts_suppressed_and_webhooks_log_deliveries(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let (officer, provider, person) = setting(store, &clock).await;
    let service = service(store, &clock);
    for _ in 0..6 {
        service.record_unmet(&officer, person, "housing", "no_capacity").await.unwrap();
    }
    service.record_unmet(&officer, person, "addiction", "none_exists").await.unwrap();
    assert!(matches!(service.record_unmet(&officer, person, "moon", "why").await, Err(ServiceError::Invalid(_))));
    let analyst = actor(store, "Gemeente Utrecht", AgencyKind::Municipality, Role::Analyst).await;
    let today = service.today();
    let report = service.unmet_report(&analyst, today - jiff::Span::new().days(31), today).await.unwrap();
    assert_eq!(report.len(), 2);
    let housing = report.iter().find(|(k, _)| k.need == "housing").unwrap();
    assert_eq!(housing.0.area, "Utrecht");
    assert_eq!(housing.1, domain::interventions::Disclosed::Count { count: 6 });
    let addiction = report.iter().find(|(k, _)| k.need == "addiction").unwrap();
    assert!(matches!(addiction.1, domain::interventions::Disclosed::FewerThan { .. }));
    assert!(matches!(service.unmet_report(&officer, today, today).await, Err(ServiceError::Forbidden(_))));

    // A subscription gets a delivery per referral event of its agency; a replay queues again.
    let programme = service
        .save_intervention(&provider, None, &catalogue_entry("Minder drinken", "addiction", "3"), true)
        .await
        .unwrap();
    let hooks = Webhooks { store, clock: &clock, allow_plain_http: false };
    let hook = hooks.subscribe(&provider, "http://127.0.0.1:9/hook", vec![7; 24]).await.unwrap();
    assert!(hooks.subscribe(&provider, "ftp://x", vec![1]).await.is_err());
    let new = NewReferral {
        person,
        intervention: programme.id,
        task: None,
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: String::new(),
        send: true,
    };
    service.refer(&officer, new).await.unwrap();
    let position: i64 = count(store, "outbox_event").await;
    store.queue_deliveries(position, &[provider.agency_id], clock.now()).await.unwrap();
    store.queue_deliveries(position, &[provider.agency_id], clock.now()).await.unwrap();
    let due = store.due_deliveries(clock.now(), 10).await.unwrap();
    assert_eq!(due.len(), 1, "once per subscription and event");
    let mut delivered = due[0].clone();
    delivered.state = DeliveryState::Delivered;
    delivered.attempts = 1;
    delivered.last_status = Some(204);
    store.save_delivery(&delivered).await.unwrap();
    assert!(store.due_deliveries(clock.now(), 10).await.unwrap().is_empty());
    assert_eq!(hooks.deliveries(&provider, hook.id).await.unwrap()[0].last_status, Some(204));
    assert_eq!(hooks.replay(&provider, hook.id, 0).await.unwrap(), 1);
    assert_eq!(store.due_deliveries(clock.now(), 10).await.unwrap().len(), 1);
    assert!(hooks.deliveries(&officer, hook.id).await.is_err(), "only the provider reads its log");

    // Switched off, its due deliveries wait and new events are not queued; on again, they go.
    assert!(hooks.switch(&officer, hook.id, false).await.is_err(), "only the provider switches it");
    assert!(!hooks.switch(&provider, hook.id, false).await.unwrap().active);
    assert!(store.due_deliveries(clock.now(), 10).await.unwrap().is_empty());
    store.queue_deliveries(position + 1000, &[provider.agency_id], clock.now()).await.unwrap();
    assert!(hooks.switch(&provider, hook.id, true).await.unwrap().active);
    assert_eq!(store.due_deliveries(clock.now(), 10).await.unwrap().len(), 1, "the waiting one, not the skipped");
    assert_eq!(count(store, "webhook_switch").await, 2, "each switch a row of its history");
    assert!(hooks.subscribe(&provider, "http://provider.example/hook", vec![1]).await.is_err(), "https only");
}

on_both_backends!(
    a_referral_runs_its_lifecycle_as_rows_with_events_and_the_finder_sees_the_queue,
    unmet_need_is_reported_with_small_counts_suppressed_and_webhooks_log_deliveries,
);
