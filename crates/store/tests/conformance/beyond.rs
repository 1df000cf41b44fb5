//! Conformance stories for "beyond the case" (screenings and the shared plan), run against
//! SQLite and PostgreSQL through the domain's use cases and ports, like `foundation.rs`.

use crate::support::{
    FIRST_PAGE, PACK, TestDb, UTC, actor, at, count, days, execute, person_input, person_on_team, statutory_basis,
};
use domain::access::{Actor, Role};
use domain::audit::{AuditAction, AuditLog};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::measures::ports::TaskListStore;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::plan::PlanStatus;
use domain::plan::ports::{PageRequest, PlanEvent, PlanStep, PlanStore, TaskOwner, command_name};
use domain::plan::service::{PlanAction, Plans};
use domain::ports::StoreError;
use domain::screening::ports::ScreeningStore;
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use domain::service::ServiceError;
use domain::{Clock, FixedClock};
use store::Store;

fn clock() -> FixedClock {
    FixedClock::new(at("2026-11-22T10:00:00.123456Z"))
}

/// A probation officer, a person on probation's team, and a police agency on the team too.
async fn team(store: &Store, clock: &FixedClock) -> (Actor, Actor, PersonId) {
    let officer = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let input = person_input("Jansen", "Henk", "1971-05-03", "111222333");
    let person = person_on_team(store, clock, &officer, &input, &[&constable]).await;
    (officer, constable, person)
}

fn screening_input(score: &str, housing: &str) -> ScreeningInput {
    ScreeningInput {
        screened_on: String::new(),
        entries: PACK
            .screening
            .domains
            .iter()
            .map(|d| ScoreInput {
                domain: d.key.to_string(),
                score: if d.key.as_str() == "housing" { housing.into() } else { score.into() },
                note: format!("ëën note on {}", d.key),
                source: "interview".into(),
            })
            .collect(),
    }
}

async fn screenings_round_trip_are_kept_and_audited(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let (officer, constable, person) = team(store, &clock).await;
    let service = Screenings { store, clock: &clock, time_zone: &UTC, config: &PACK.screening };
    let first = service.record(&officer, person, &screening_input("3", "1")).await.unwrap();
    clock.advance(days(30));
    let second = service.record(&officer, person, &screening_input("4", "3")).await.unwrap();
    let (_, read) = Screenings { store, clock: &clock, time_zone: &UTC, config: &PACK.screening }
        .list(&constable, person, "screenings page")
        .await
        .unwrap();
    assert_eq!(read, vec![first.clone(), second]);
    assert_eq!(read[0].score("housing"), Some(1));
    assert_eq!(read[0].scores[&domain::jurisdiction::DomainKey::new("finances")].note, "ëën note on finances");

    // Bad input saves nothing; the police role may read but not screen.
    let bad = service.record(&officer, person, &screening_input("3", "9")).await;
    assert!(matches!(bad, Err(ServiceError::Invalid(_))));
    assert!(matches!(
        service.record(&constable, person, &screening_input("3", "3")).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert_eq!(count(store, "screening").await, 2);

    // Screenings are kept as recorded: the database refuses changes.
    assert!(execute(store, "UPDATE screening_score SET score = 5").await.is_err());
    assert_eq!(store.screenings(person).await.unwrap()[0].score("housing"), Some(1));

    let audit = store.audit_for_person(person, 50).await.unwrap();
    let actions: Vec<(AuditAction, &str)> = audit.iter().map(|a| (a.entry.action, a.entry.what.as_str())).collect();
    assert!(actions.contains(&(AuditAction::Create, "screening of 13 life domains on 2026-11-22")), "{actions:?}");
    assert!(actions.contains(&(AuditAction::Read, "screenings page")));
    assert!(actions.iter().any(|(a, w)| *a == AuditAction::Denied && *w == "screening"));
}

fn task(owner: &Actor, member: Option<&Actor>, due: &str) -> PlanAction {
    PlanAction::AddTask {
        description: "Aanmelden bij de schuldhulp".into(),
        kind: "care".into(),
        owner: owner.agency_id.to_string(),
        owner_member: member.map(|m| m.member_id.to_string()).unwrap_or_default(),
        goal: String::new(),
        due: due.into(),
        restricted_to: Vec::new(),
    }
}

async fn plan_history_is_rows_and_the_task_index_follows_the_plan(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let (officer, constable, person) = team(store, &clock).await;
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let drafted = plans.draft(&officer, person).await.unwrap();
    let goal = PlanAction::AddGoal {
        domain: "housing".into(),
        in_own_words: "Een dak boven mijn hoofd".into(),
        agreed_by_person: true,
    };
    plans.change(&officer, person, &goal).await.unwrap();
    plans.change(&officer, person, &task(&officer, None, "2026-12-01")).await.unwrap();
    plans.change(&officer, person, &task(&constable, Some(&constable), "2026-12-05")).await.unwrap();
    let week_one = clock.now();
    clock.advance(days(7));
    let active = plans.change(&officer, person, &PlanAction::Activate).await.unwrap();
    assert_eq!(active.status, PlanStatus::Active);
    assert_eq!(active.re_evaluation_on, Some(jiff::civil::date(2027, 11, 29)));

    let stored = store.current_plan(person).await.unwrap().unwrap();
    assert_eq!((stored.plan.clone(), stored.version), (active.clone(), 5));
    let history = store.plan_history(drafted.id).await.unwrap();
    let kinds: Vec<&str> = history.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, ["drafted", "add_goal", "add_task", "add_task", "activate"]);
    assert_eq!(history[4].on, jiff::civil::date(2026, 11, 29));
    let before = store.plan_as_of(drafted.id, week_one).await.unwrap().unwrap();
    assert_eq!(before.status, PlanStatus::Draft);
    assert_eq!(before.tasks.len(), 2);
    let unknown = domain::ids::PlanId(uuid::Uuid::now_v7());
    let many = store.plans_as_of(&[unknown, drafted.id], week_one).await.unwrap();
    assert_eq!(many, vec![None, Some(before.clone())], "the batch read agrees with the single one");

    // The task index: by agency and by member.
    let of_police = store.tasks_of(TaskOwner::Agency(constable.agency_id), FIRST_PAGE).await.unwrap().plans;
    assert_eq!(of_police.iter().map(|p| p.id).collect::<Vec<_>>(), vec![drafted.id]);
    let of_member = store.tasks_of(TaskOwner::Member(constable.member_id), FIRST_PAGE).await.unwrap().plans;
    assert_eq!(of_member.len(), 1);
    assert!(store.tasks_of(TaskOwner::Member(officer.member_id), FIRST_PAGE).await.unwrap().plans.is_empty());
    let lines = plans.tasks(&constable, TaskOwner::Agency(constable.agency_id), 1).await.unwrap().lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].person_name, "Henk Jansen");
    let today = jiff::civil::date(2026, 11, 29);
    let first_page = PageRequest { offset: 0, limit: 50 };
    let review = store.review_page(constable.agency_id, today, today, first_page).await.unwrap();
    assert_eq!((review.plans.len(), review.total), (1, 1));
    let past_the_end = PageRequest { offset: 50, limit: 50 };
    let beyond = store.review_page(constable.agency_id, today, today, past_the_end).await.unwrap();
    assert_eq!((beyond.plans.len(), beyond.total), (0, 1), "a page past the end still counts the review");
    let stranger = store.review_page(officer.agency_id, today, today, first_page).await.unwrap();
    assert_eq!(stranger.plans.len(), stranger.total as usize);

    // A step that is not the next version is a conflict, a refused one is not written: either
    // way the plan and its history stay as they were.
    let stale = PlanEvent { version: 3, command: None, kind: "drafted", ..history[0].clone() };
    let audit = domain::audit::AuditEntry::new(&officer, clock.now(), Some(person), AuditAction::Update, "x", "y");
    let step = PlanStep { plan: drafted.clone(), event: stale, audit, outbox: Vec::new() };
    let written =
        store.change_plan(person, |stored| Ok::<_, ()>(PlanStep { plan: stored.unwrap().plan, ..step })).await;
    assert!(matches!(written, Err(StoreError::Conflict { current: 5 })), "{written:?}");
    let refused = store.change_plan(person, |_| Err::<PlanStep, _>("refused")).await.unwrap();
    assert_eq!(refused, Err("refused"));
    assert_eq!(store.current_plan(person).await.unwrap().unwrap().plan, active);
    assert_eq!(store.plan_history(drafted.id).await.unwrap(), history);

    // History rows are append-only.
    assert!(execute(store, "UPDATE plan_event SET kind = 'x'").await.is_err());
    assert!(execute(store, "DELETE FROM plan_event").await.is_err());

    // Pages in (due, task) order, each saying whether another follows.
    plans.change(&officer, person, &task(&officer, None, "2026-12-03")).await.unwrap();
    plans.change(&officer, person, &task(&officer, None, "2026-12-02")).await.unwrap();
    let ours = TaskOwner::Agency(officer.agency_id);
    let first = store.tasks_of(ours, PageRequest { offset: 0, limit: 2 }).await.unwrap();
    let second = store.tasks_of(ours, PageRequest { offset: 2, limit: 2 }).await.unwrap();
    let stored = store.current_plan(person).await.unwrap().unwrap().plan;
    let due_of = |id| stored.tasks.iter().find(|t| t.id == id).map(|t| t.due.to_string()).unwrap();
    let dues =
        |page: &domain::measures::ports::TaskHolders| page.tasks.iter().map(|id| due_of(*id)).collect::<Vec<_>>();
    assert_eq!((dues(&first), first.more), (vec!["2026-12-01".to_string(), "2026-12-02".to_string()], true));
    assert_eq!((dues(&second), second.more), (vec!["2026-12-03".to_string()], false));

    // Closing ends the tasks: the index empties and the plan leaves the review.
    plans.change(&officer, person, &PlanAction::StartReEvaluation).await.unwrap();
    let close = PlanAction::Close {
        outcome: "goals_met".into(),
        why: "Woont zelfstandig".into(),
        open_measures_reason: String::new(),
    };
    let closed = plans.change(&officer, person, &close).await.unwrap();
    assert!(matches!(closed.status, PlanStatus::Closed { .. }));
    assert_eq!(count(store, "plan_task").await, 0);
    let review = store.review_page(constable.agency_id, today, today, first_page).await.unwrap();
    assert_eq!((review.plans.len(), review.total), (0, 0));
    assert_eq!(command_name(&domain::plan::PlanCommand::Activate), "activate");
}

async fn refused_plan_changes_change_nothing(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let (officer, constable, person) = team(store, &clock).await;
    let outsider = actor(store, "GGD Elders", AgencyKind::Health, Role::ProbationOfficer).await;
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    plans.draft(&officer, person).await.unwrap();
    let (events, audits) = (count(store, "plan_event").await, count(store, "audit_log").await);
    for bad in [
        task(&outsider, None, "2026-12-01"),
        task(&constable, None, "2026-11-21"),
        task(&constable, Some(&officer), "2026-12-01"),
    ] {
        assert!(matches!(plans.change(&officer, person, &bad).await, Err(ServiceError::Invalid(_))), "{bad:?}");
    }
    assert!(matches!(plans.draft(&officer, person).await, Err(ServiceError::Invalid(_))), "one open plan per person");
    assert!(matches!(plans.view(&outsider, person, "plan page").await, Err(ServiceError::Forbidden(_))));
    assert!(matches!(
        plans.change(&constable, person, &task(&constable, None, "2026-12-01")).await,
        Err(ServiceError::Forbidden(_))
    ));
    assert_eq!(count(store, "plan_event").await, events);
    assert_eq!(count(store, "plan_task").await, 0);
    // Only the two refusals of access were written to the audit log.
    assert_eq!(count(store, "audit_log").await, audits + 2);
}

/// Three running plans: one quiet, one with an overdue task, one whose re-evaluation is due.
async fn the_weekly_review_lists_plans_needing_attention_first(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let (officer, constable, henk) = team(store, &clock).await;
    let people = People { store, clock: &clock, time_zone: &UTC };
    let person = |family: &'static str, bsn: &'static str| {
        let input = PersonInput {
            family_name: family.into(),
            identifiers: vec![IdentifierInput { kind: "bsn".into(), value: bsn.into() }],
            ..Default::default()
        };
        let (people, officer) = (&people, &officer);
        async move { people.create(officer, &input, &statutory_basis()).await.unwrap().id }
    };
    let (overdue, re_evaluation) = (person("Bakker", "123456708").await, person("Visser", "123456721").await);
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    let goal =
        PlanAction::AddGoal { domain: "housing".into(), in_own_words: "Een eigen plek".into(), agreed_by_person: true };
    for who in [henk, overdue, re_evaluation] {
        plans.draft(&officer, who).await.unwrap();
        plans.change(&officer, who, &goal).await.unwrap();
        plans.change(&officer, who, &task(&officer, None, "2027-06-01")).await.unwrap();
    }
    plans.change(&officer, overdue, &task(&officer, None, "2026-11-25")).await.unwrap();
    plans.change(&officer, overdue, &task(&officer, None, "2026-11-26")).await.unwrap();
    // Activated a day before the others, so its re-evaluation is a day earlier.
    plans.change(&officer, re_evaluation, &PlanAction::Activate).await.unwrap();
    clock.advance(days(1));
    for who in [henk, overdue] {
        plans.change(&officer, who, &PlanAction::Activate).await.unwrap();
    }
    let today = jiff::civil::date(2026, 12, 1);
    // Only the last plan's re-evaluation (a year after activation) falls within the horizon.
    let re_evaluation_on = store.current_plan(re_evaluation).await.unwrap().unwrap().plan.re_evaluation_on.unwrap();
    let horizon = re_evaluation_on;
    let all = PageRequest { offset: 0, limit: 50 };
    let review = store.review_page(officer.agency_id, today, horizon, all).await.unwrap();
    let order: Vec<_> = review.plans.iter().map(|p| p.person).collect();
    let expected = [overdue, re_evaluation, henk];
    assert_eq!(order, expected, "overdue tasks first, then the re-evaluation due, then the rest");
    assert_eq!((review.total, review.needing_attention), (3, 2));
    let second =
        store.review_page(officer.agency_id, today, horizon, PageRequest { offset: 1, limit: 1 }).await.unwrap();
    assert_eq!(second.plans.iter().map(|p| p.person).collect::<Vec<_>>(), [expected[1]]);
    assert_eq!((second.total, second.needing_attention), (3, 2));
    // Police are on Henk's team only.
    let police = store.review_page(constable.agency_id, today, horizon, all).await.unwrap();
    assert_eq!(police.plans.iter().map(|p| p.person).collect::<Vec<_>>(), [expected[2]]);
}

on_both_backends!(
    the_weekly_review_lists_plans_needing_attention_first,
    screenings_round_trip_are_kept_and_audited,
    plan_history_is_rows_and_the_task_index_follows_the_plan,
    refused_plan_changes_change_nothing,
);
