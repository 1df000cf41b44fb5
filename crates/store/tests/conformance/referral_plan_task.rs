//! A referral and the plan task it came from, on SQLite and PostgreSQL: the provider's
//! completion marks the task done in the same transaction (one history row by the provider,
//! off the outstanding-task index, the owner told), a plan write that no longer fits rolls the
//! completion back too, a referral ending any other way leaves the task open and tells its
//! owner and the referrer, and the process manager's notes saved at the same moment are all
//! kept beside the completion.

use super::interventions::count_where;
use crate::support::{PACK, TestDb, UTC, actor, at, count, person_input, person_on_team};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::{PersonId, ReferralId, TaskId};
use domain::interventions::ports::{InterventionStore, ReferralStep};
use domain::interventions::service::{Interventions, NewReferral};
use domain::interventions::{ChangeInput, InterventionInput, ReferralStatus};
use domain::notifications::{EventKind, NotificationStore};
use domain::plan::ports::{PlanStore, PlanWrite};
use domain::plan::service::{PlanAction, Plans};
use domain::plan::{PlanCommand, TaskStatus};
use domain::ports::StoreError;
use domain::{Clock, FixedClock};
use std::sync::Arc;
use store::Store;

/// Probation, the Safety House's process manager and a provider around one person whose plan
/// has a task of probation's, and a provider's programme.
struct Setting {
    officer: Actor,
    manager: Actor,
    provider: Actor,
    person: PersonId,
    task: TaskId,
    programme: domain::ids::InterventionId,
}

async fn setting(store: &Store, clock: &FixedClock) -> Setting {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let manager = actor(store, "Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse, Role::ProcessManager).await;
    let provider = actor(store, "Verslavingszorg Midden", AgencyKind::Provider, Role::ProviderWorker).await;
    let input = person_input("Hoekstra", "Gerrit", "1970-04-02", "111222333");
    let person = person_on_team(store, clock, &officer, &input, &[&manager]).await;
    let plans = Plans { store, clock, time_zone: &UTC, pack: &PACK };
    plans.draft(&manager, person).await.unwrap();
    let add = PlanAction::AddTask {
        description: "Alcoholbehandeling regelen".into(),
        kind: "care".into(),
        owner: officer.agency_id.to_string(),
        owner_member: String::new(),
        goal: String::new(),
        due: "2026-12-20".into(),
        restricted_to: Vec::new(),
    };
    let plan = plans.change(&manager, person, &add).await.unwrap();
    let task = plan.tasks[0].id;
    let entry = InterventionInput {
        name: "Minder drinken".into(),
        kind: "addiction_treatment".into(),
        needs: "addiction".into(),
        outcomes: "Sober for three months".into(),
        capacity: "5".into(),
        sessions: "12".into(),
        duration_weeks: "12".into(),
        areas: "Utrecht".into(),
        ..Default::default()
    };
    let programme = service(store, clock).save_intervention(&provider, None, &entry, true).await.unwrap().id;
    Setting { officer, manager, provider, person, task, programme }
}

fn service<'a>(store: &'a Store, clock: &'a FixedClock) -> Interventions<'a, Store> {
    Interventions { store, clock, time_zone: &UTC, screening: &PACK.screening }
}

fn act(action: &str) -> ChangeInput {
    ChangeInput { action: action.into(), ..Default::default() }
}

fn complete() -> ChangeInput {
    ChangeInput { achievements: vec!["achieved".into()], text: "Programme finished".into(), ..act("complete") }
}

/// The programme for the person, referred from the plan task and sent at once.
fn from_the_task(s: &Setting) -> NewReferral {
    NewReferral {
        person: s.person,
        intervention: s.programme,
        task: Some(s.task),
        needs: vec![],
        risks: String::new(),
        basis: String::new(),
        note: String::new(),
        send: true,
    }
}

/// The officer refers from the plan task; the provider accepts and starts.
async fn referred_and_started(store: &Store, clock: &FixedClock, s: &Setting) -> ReferralId {
    let new = from_the_task(s);
    let service = service(store, clock);
    let referral = service.refer(&s.officer, new).await.unwrap();
    for action in ["accept", "start"] {
        service.change(&s.provider, referral.id, &act(action)).await.unwrap();
    }
    referral.id
}

async fn task_status(store: &Store, person: PersonId, task: TaskId) -> TaskStatus {
    store.current_plan(person).await.unwrap().unwrap().plan.task(task).unwrap().status.clone()
}

async fn a_completion_marks_its_plan_task_done_in_the_same_write(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let s = setting(store, &clock).await;
    let id = referred_and_started(store, &clock, &s).await;
    assert_eq!(count(store, "plan_task").await, 1, "outstanding before");
    let before = store.current_plan(s.person).await.unwrap().unwrap().version;

    // A plan write that no longer fits (built on an older version) refuses the whole change:
    // the referral stays started, nothing of it is written.
    let changes = count(store, "referral_change").await;
    let refused = store
        .change_referral(id, |stored, plan| {
            let plan = plan.expect("the plan is read with a referral that has a task");
            let mut next = plan.plan.clone();
            let command =
                PlanCommand::ChangeTaskStatus { task: s.task, status: TaskStatus::Done, by_referral: Some(id) };
            next.change_task_status(command.clone()).unwrap();
            let event = domain::plan::ports::PlanEvent {
                plan: next.id,
                person: next.person,
                version: plan.version,
                kind: "change_task_status",
                at: clock.now(),
                on: jiff::civil::date(2026, 12, 1),
                member: s.provider.member_id,
                agency: s.provider.agency_id,
                command: Some(command),
            };
            let mut referral = stored.referral;
            referral.status = ReferralStatus::Completed;
            let write = PlanWrite { from_version: plan.version - 1, steps: vec![(event, next)] };
            Ok::<_, ()>(ReferralStep { referral, audit: vec![], outbox: vec![], plan: Some(write) })
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
    assert_eq!(store.referral(id).await.unwrap().unwrap().referral.status, ReferralStatus::Started);
    assert_eq!(count(store, "referral_change").await, changes, "rolled back with the plan");
    assert_eq!(task_status(store, s.person, s.task).await, TaskStatus::Open);

    // The provider completes it a day later: the task is done by that completion, at that time.
    clock.advance(jiff::SignedDuration::from_hours(24));
    let audits = count(store, "audit_log").await;
    service(store, &clock).change(&s.provider, id, &complete()).await.unwrap();
    assert_eq!(task_status(store, s.person, s.task).await, TaskStatus::Done);
    let stored = store.current_plan(s.person).await.unwrap().unwrap();
    assert_eq!(stored.version, before + 1, "one history row");
    let history = store.plan_history(stored.plan.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.member, last.agency, last.at), (s.provider.member_id, s.provider.agency_id, clock.now()));
    assert_eq!(
        last.command,
        Some(PlanCommand::ChangeTaskStatus { task: s.task, status: TaskStatus::Done, by_referral: Some(id) })
    );
    assert_eq!(count(store, "plan_task").await, 0, "off the task lists");
    assert_eq!(count_where(store, "audit_log", "what = 'plan: task done by referral'").await, 1);
    assert_eq!(count(store, "audit_log").await, audits + 2, "the referral's change and the plan's");
    // Probation owns the task and is told; the notice is about the plan.
    let told = "kind = 'plan.task.referral_ended' AND subject_kind = 'plan' AND detail LIKE '%completed%'";
    assert_eq!(count_where(store, "outbox_event", told).await, 1);
    assert_eq!(told_to(store, &s.officer).await, vec!["completed".to_string()]);
    assert!(told_to(store, &s.manager).await.is_empty(), "the owner, not the whole team");
}

/// The `status` of each `plan.task.referral_ended` notice `actor`'s agency reads.
async fn told_to(store: &Store, actor: &Actor) -> Vec<String> {
    let notices = store.notifications(actor.agency_id, actor.member_id, None, 100).await.unwrap();
    notices
        .into_iter()
        .filter(|n| n.event.kind == EventKind::PlanTaskReferralEnded)
        .map(|n| n.event.detail["status"].clone())
        .collect()
}

async fn a_declined_referral_leaves_its_task_open_and_tells_the_owner(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-12-01T09:00:00Z"));
    let s = setting(store, &clock).await;
    let new = from_the_task(&s);
    let referral = service(store, &clock).refer(&s.officer, new).await.unwrap();
    let versions = store.current_plan(s.person).await.unwrap().unwrap().version;
    let decline = ChangeInput { reason: "no_capacity".into(), ..act("decline") };
    service(store, &clock).change(&s.provider, referral.id, &decline).await.unwrap();
    assert_eq!(task_status(store, s.person, s.task).await, TaskStatus::Open, "never silently closed");
    assert_eq!(store.current_plan(s.person).await.unwrap().unwrap().version, versions, "the plan is not written");
    let told = "kind = 'plan.task.referral_ended' AND detail LIKE '%declined%' AND detail LIKE '%no_capacity%'";
    assert_eq!(count_where(store, "outbox_event", told).await, 1);
    // Probation owns the task and referred it: told once.
    assert_eq!(told_to(store, &s.officer).await, vec!["declined".to_string()]);
}

/// The process manager writes 24 notes on the plan while the provider completes the referral:
/// every note is kept, the task is done, the history has no gaps.
async fn notes_saved_while_a_completion_settles_the_task_are_all_kept(db: TestDb) {
    let store = db.store.clone();
    let clock = Arc::new(FixedClock::new(at("2026-12-01T09:00:00Z")));
    let s = Arc::new(setting(&store, &clock).await);
    let id = referred_and_started(&store, &clock, &s).await;
    let before = store.current_plan(s.person).await.unwrap().unwrap().version;
    let mut writers: Vec<tokio::task::JoinHandle<Result<(), String>>> = (0..24)
        .map(|i| {
            let (store, clock, s) = (store.clone(), Arc::clone(&clock), Arc::clone(&s));
            tokio::spawn(async move {
                let plans = Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK };
                let note =
                    PlanAction::Note { task: String::new(), text: format!("Overleg {i}"), restricted_to: vec![] };
                plans.change(&s.manager, s.person, &note).await.map(drop).map_err(|e| e.to_string())
            })
        })
        .collect();
    let completion = {
        let (store, clock, s) = (store.clone(), Arc::clone(&clock), Arc::clone(&s));
        tokio::spawn(async move {
            service(&store, &clock).change(&s.provider, id, &complete()).await.map(drop).map_err(|e| e.to_string())
        })
    };
    writers.insert(12, completion);
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let stored = store.current_plan(s.person).await.unwrap().unwrap();
    assert_eq!(stored.plan.notes.len(), 24, "every note kept");
    assert_eq!(stored.plan.task(s.task).unwrap().status, TaskStatus::Done);
    assert_eq!(stored.version, before + 25);
    let versions: Vec<i64> = store.plan_history(stored.plan.id).await.unwrap().iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=stored.version).collect::<Vec<_>>(), "one row per change, without gaps");
    assert_eq!(store.referral(id).await.unwrap().unwrap().referral.status, ReferralStatus::Completed);
}

on_both_backends!(
    a_completion_marks_its_plan_task_done_in_the_same_write,
    a_declined_referral_leaves_its_task_open_and_tells_the_owner,
    notes_saved_while_a_completion_settles_the_task_are_all_kept,
);
