//! Concurrent changes to one plan (issue 16, item 6), on SQLite and PostgreSQL: appends (notes,
//! goals, tasks) never conflict, however many members write at once; a change made on the basis
//! of what the member saw (a task's status) is refused as a conflict when that changed meanwhile,
//! and nothing is written.

use crate::support::{PACK, TestDb, UTC, actor, at, count, person_input, person_on_team};
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::plan::ports::PlanStore;
use domain::plan::service::{PlanAction, Plans, Seen};
use domain::service::ServiceError;
use std::sync::Arc;
use store::Store;

/// Probation and police on one person's team, with the person's drafted plan.
async fn plan_of_two(store: &Store, clock: &FixedClock) -> (Actor, Actor, PersonId) {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let input = person_input("Jansen", "Henk", "1971-05-03", "111222333");
    let person = person_on_team(store, clock, &officer, &input, &[&constable]).await;
    Plans { store, clock, time_zone: &UTC, pack: &PACK }.draft(&officer, person).await.unwrap();
    (officer, constable, person)
}

fn note(text: String) -> PlanAction {
    PlanAction::Note { task: String::new(), text, restricted_to: Vec::new() }
}

fn task(owner: &Actor, description: String) -> PlanAction {
    PlanAction::AddTask {
        description,
        kind: "care".into(),
        owner: owner.agency_id.to_string(),
        owner_member: String::new(),
        goal: String::new(),
        due: "2026-12-20".into(),
        restricted_to: Vec::new(),
    }
}

fn goal(text: String) -> PlanAction {
    PlanAction::AddGoal { domain: "housing".into(), in_own_words: text, agreed_by_person: true }
}

/// 64 members' notes at once on one plan: every one is stored, none refused.
async fn concurrent_notes_on_one_plan_are_all_kept(db: TestDb) {
    let store = db.store.clone();
    let clock = Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let (officer, constable, person) = plan_of_two(&store, &clock).await;
    let before = count(&store, "plan_event").await;
    let writers: Vec<_> = (0..64)
        .map(|i| {
            let (store, clock) = (store.clone(), Arc::clone(&clock));
            let by = if i % 2 == 0 { officer.clone() } else { constable.clone() };
            tokio::spawn(async move {
                let plans = Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK };
                plans.change(&by, person, &note(format!("Gesprek {i}: {}", "x".repeat(2_000)))).await.map(drop)
            })
        })
        .collect();
    let mut failed = Vec::new();
    for writer in writers {
        if let Err(error) = writer.await.unwrap() {
            failed.push(error.to_string());
        }
    }
    assert!(failed.is_empty(), "{} of 64 notes refused: {:?}", failed.len(), failed.first());
    let stored = store.current_plan(person).await.unwrap().unwrap();
    assert_eq!((stored.plan.notes.len(), stored.version), (64, 65));
    let mut texts: Vec<&str> = stored.plan.notes.iter().map(|n| n.text.split(':').next().unwrap()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len(), 64, "every note once");
    assert_eq!(count(&store, "plan_event").await, before + 64);
    let history = store.plan_history(stored.plan.id).await.unwrap();
    let versions: Vec<i64> = history.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=65).collect::<Vec<_>>(), "one history row per note, without gaps");
}

/// Notes, tasks and goals added at once by several members: all kept, none refused.
async fn concurrent_additions_of_every_kind_are_all_kept(db: TestDb) {
    let store = db.store.clone();
    let clock = Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let (officer, constable, person) = plan_of_two(&store, &clock).await;
    let writers: Vec<_> = (0..48)
        .map(|i| {
            let (store, clock) = (store.clone(), Arc::clone(&clock));
            let (by, action) = match i % 3 {
                0 => (officer.clone(), task(&constable, format!("Taak {i}"))),
                1 => (officer.clone(), goal(format!("Doel {i}"))),
                _ => (constable.clone(), note(format!("Notitie {i}"))),
            };
            tokio::spawn(async move {
                let plans = Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK };
                plans.change(&by, person, &action).await.map(drop)
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let stored = store.current_plan(person).await.unwrap().unwrap();
    let plan = &stored.plan;
    assert_eq!((plan.tasks.len(), plan.goals.len(), plan.notes.len(), stored.version), (16, 16, 16, 49));
}

/// Eight members set one task's status at once, each from the "open" they were shown: the
/// first is written, the others are told it changed meanwhile and write nothing.
async fn concurrent_status_changes_from_one_view_conflict(db: TestDb) {
    let store = db.store.clone();
    let clock = Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let (officer, constable, person) = plan_of_two(&store, &clock).await;
    let plans = Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK };
    let added = plans.change(&officer, person, &task(&constable, "Huisbezoek".into())).await.unwrap();
    let task_id = added.tasks[0].id.to_string();
    let before = count(&store, "plan_event").await;
    let writers: Vec<_> = ["in_progress", "done"]
        .iter()
        .cycle()
        .take(8)
        .map(|status| {
            let (store, clock, by) = (store.clone(), Arc::clone(&clock), constable.clone());
            let action =
                PlanAction::TaskStatus { task: task_id.clone(), status: status.to_string(), reason: String::new() };
            tokio::spawn(async move {
                let plans = Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK };
                plans.change_seen(&by, person, &action, &Seen::task_status("open")).await.map(drop)
            })
        })
        .collect();
    let mut written = 0;
    for writer in writers {
        match writer.await.unwrap() {
            Ok(()) => written += 1,
            Err(ServiceError::Stale(changed)) => {
                assert_eq!(changed.field, "status");
                assert!(changed.key.starts_with("error.plan.task_changed."), "{}", changed.key);
            }
            Err(other) => panic!("expected a conflict, got {other:?}"),
        }
    }
    assert_eq!(written, 1, "one status change from the status shown");
    assert_eq!(count(&store, "plan_event").await, before + 1);
}

on_both_backends!(
    concurrent_notes_on_one_plan_are_all_kept,
    concurrent_additions_of_every_kind_are_all_kept,
    concurrent_status_changes_from_one_view_conflict,
);
