//! A changed cohort tells the person's team, on SQLite and PostgreSQL: a task on the open
//! plan (for the agency that drafted it), otherwise an entry on the cohort-changes list of the
//! agencies on the team, each written in the recording member's name in the transaction of
//! the change, audited, and seen only by agencies on the person's team.

use crate::support;

use crate::support::{PACK, TestDb, UTC, actor, at, count, statutory_basis, team_entry};
use domain::access::{Actor, Role};
use domain::audit::AuditLog;
use domain::cohort::ports::CohortNoticeStore;
use domain::cohort::service::CohortNotices;
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use domain::jurisdiction::Lang;
use domain::measures::ports::TaskListStore;
use domain::people::service::People;
use domain::people::{IdentifierInput, PersonInput};
use domain::plan::ports::{PlanStore, TaskOwner};
use domain::plan::service::Plans;
use domain::service::ServiceError;
use domain::{Clock, FixedClock};
use evidence::membership::{Cause, Change, MembershipEvent, Override, OverrideKind};
use store::Store;
use store::evidence::CohortNotify;

fn day(text: &str) -> evidence::date::Day {
    evidence::date::parse_day(text.as_bytes()).unwrap()
}

/// The cohort named as the web names it (`cohort.rule.ew-iom`); its code stays in the record.
fn notify(by: &str) -> CohortNotify<'_> {
    CohortNotify {
        by: Some(by),
        today: jiff::civil::date(2026, 11, 22),
        lang: Lang::En,
        rule_label: Some("Integrated Offender Management (IOM)"),
    }
}

/// A case-system person whose local identifier is the extract's person id.
async fn linked(store: &Store, clock: &FixedClock, officer: &Actor, source: &str, name: &str) -> PersonId {
    let people = People { store, clock, time_zone: &UTC };
    let input = PersonInput {
        family_name: name.into(),
        given_names: "Kees".into(),
        birth_date: "1990-01-01".into(),
        identifiers: vec![IdentifierInput { kind: "local".into(), value: source.into() }],
        ..Default::default()
    };
    people.create(officer, &input, &statutory_basis()).await.unwrap().id
}

fn decision(person: &str, kind: OverrideKind, by: &str) -> Override {
    Override {
        person_id: person.into(),
        kind,
        from: day("2026-11-01"),
        until: None,
        reason: "police intelligence".into(),
        decided_by: by.into(),
    }
}

async fn a_changed_cohort_tells_the_persons_team(db: TestDb) {
    let store = &db.store;
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(23, 50, 4.0, 20, dir.path()).unwrap();
    let (data, _) = evidence::csv_io::load_dir(dir.path()).unwrap();
    store.import_extract(&data, "test", 0, at("2026-11-22T09:00:00Z"), &|_| {}).await.unwrap();
    let (with_plan, without_plan) = (data.person_id(0).to_owned(), data.person_id(1).to_owned());

    let officer = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let constable = actor(store, "Politie", AgencyKind::Police, Role::PoliceOfficer).await;
    let _analyst = actor(store, "Analyse", AgencyKind::Municipality, Role::Analyst).await;
    let by = "analyse.analyst";
    let planned = linked(store, &clock, &officer, &with_plan, "Planned").await;
    let listed = linked(store, &clock, &officer, &without_plan, "Listed").await;
    let people = People { store, clock: &clock, time_zone: &UTC };
    let police = team_entry(&constable);
    people.add_to_team(&officer, planned, &police).await.unwrap();
    let plans = Plans { store, clock: &clock, time_zone: &UTC, pack: &PACK };
    plans.draft(&officer, planned).await.unwrap();
    let audit_before = store.audit_for_person(planned, 100).await.unwrap().len();

    // A selection of a person with a plan: a task for the agency that drafted the plan.
    let now = clock.now();
    let told = store
        .add_cohort_override("ew-iom", &decision(&with_plan, OverrideKind::Select, by), now, &notify(by))
        .await
        .unwrap();
    assert_eq!(told, 1);
    let stored = store.current_plan(planned).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    let task = stored.plan.tasks.last().expect("a task on the plan");
    assert_eq!(
        task.description,
        "Joined cohort Integrated Offender Management (IOM) on 2026-11-01 (police intelligence): review the plan"
    );
    assert_eq!(task.owner.0, *officer.agency_id.as_uuid());
    assert_eq!(task.due, jiff::civil::date(2026, 12, 6));
    let agency_tasks = store.tasks_of(TaskOwner::Agency(officer.agency_id), support::FIRST_PAGE).await.unwrap().plans;
    assert_eq!(agency_tasks.len(), 1, "the task is on probation's task list");
    let trail = store.audit_for_person(planned, 100).await.unwrap();
    assert_eq!(trail.len(), audit_before + 1);
    assert!(trail.iter().any(|a| a.entry.what == "plan: task for a changed cohort"));

    // A deselection of a person without a plan: an entry on the team's list, for probation
    // (on the team) and not for the police (not on this person's team).
    let told = store
        .add_cohort_override("ew-iom", &decision(&without_plan, OverrideKind::Deselect, by), now, &notify(by))
        .await
        .unwrap();
    assert_eq!(told, 1);
    let notices = CohortNotices { store, clock: &clock, time_zone: &UTC };
    let lines = notices.list(&officer).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].notice.person, listed);
    assert_eq!(lines[0].notice.change.code(), "left");
    assert_eq!(lines[0].person_name, "Kees Listed");
    assert!(notices.list(&constable).await.unwrap().is_empty());
    let id = lines[0].notice.id;
    assert!(matches!(notices.acknowledge(&constable, id).await, Err(ServiceError::Forbidden(_))));
    notices.acknowledge(&officer, id).await.unwrap();
    notices.acknowledge(&officer, id).await.unwrap();
    assert!(notices.list(&officer).await.unwrap().is_empty());
    assert_eq!(count(store, "evidence_cohort_notice_ack").await, 1);

    // Recording a history: only changes not recorded before are told, once per person.
    let event = |person: &str, date: &str, change| MembershipEvent {
        person_id: person.into(),
        date: day(date),
        change,
        cause: Cause::Rule,
    };
    let events = vec![
        event(&without_plan, "2026-01-01", Change::Joined),
        event(&without_plan, "2026-06-01", Change::Left),
        event(data.person_id(2), "2026-01-01", Change::Joined),
    ];
    let (from, to) = (jiff::civil::date(2026, 1, 1), jiff::civil::date(2026, 6, 1));
    let recorded = store.record_cohort_history("ew-iom", from, to, &events, now, &notify(by)).await.unwrap();
    assert_eq!((recorded.events, recorded.told), (3, 1), "one linked person, told once for their latest change");
    let again = store.record_cohort_history("ew-iom", from, to, &events, now, &notify(by)).await.unwrap();
    assert_eq!(again.told, 0, "a re-run tells no one again");
    let lines = notices.list(&officer).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].notice.on, lines[0].notice.change.code()), (to, "left"));

    // Someone must be told but the recorder is no member: nothing of the change is kept.
    let overrides = count(store, "evidence_cohort_override").await;
    let refused = store
        .add_cohort_override("ew-iom", &decision(&without_plan, OverrideKind::Select, "x"), now, &notify("x"))
        .await;
    assert!(refused.is_err());
    assert_eq!(count(store, "evidence_cohort_override").await, overrides);
    // A person of the extract who is nobody's case needs no member.
    let unlinked = decision(data.person_id(3), OverrideKind::Select, "x");
    assert_eq!(store.add_cohort_override("ew-iom", &unlinked, now, &notify("x")).await.unwrap(), 0);
    assert!(store.cohort_notice(domain::ids::CohortNoticeId(uuid::Uuid::nil())).await.unwrap().is_none());
}

/// A cohort's task for the plan and members' notes written at the same moment: all kept (the
/// cohort's write locks the plan's row as a plan change does, issue 16 item 6).
async fn a_cohort_task_and_notes_at_once_are_all_kept(db: TestDb) {
    let store = db.store.clone();
    let clock = std::sync::Arc::new(FixedClock::new(at("2026-11-22T10:00:00Z")));
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(23, 10, 4.0, 20, dir.path()).unwrap();
    let (data, _) = evidence::csv_io::load_dir(dir.path()).unwrap();
    store.import_extract(&data, "test", 0, at("2026-11-22T09:00:00Z"), &|_| {}).await.unwrap();
    let source = data.person_id(0).to_owned();
    let officer = actor(&store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let _analyst = actor(&store, "Analyse", AgencyKind::Municipality, Role::Analyst).await;
    let planned = linked(&store, &clock, &officer, &source, "Planned").await;
    Plans { store: &store, clock: &*clock, time_zone: &UTC, pack: &PACK }.draft(&officer, planned).await.unwrap();
    let mut writers = Vec::new();
    for i in 0..16 {
        let (writer, clock, officer) = (store.clone(), std::sync::Arc::clone(&clock), officer.clone());
        writers.push(tokio::spawn(async move {
            let plans = Plans { store: &writer, clock: &*clock, time_zone: &UTC, pack: &PACK };
            let note = domain::plan::service::PlanAction::Note {
                task: String::new(),
                text: format!("Notitie {i}"),
                restricted_to: Vec::new(),
            };
            plans.change(&officer, planned, &note).await.map(drop).map_err(|e| e.to_string())
        }));
        if i == 8 {
            let (store, source) = (store.clone(), source.clone());
            writers.push(tokio::spawn(async move {
                let by = "analyse.analyst";
                let select = decision(&source, OverrideKind::Select, by);
                let at = at("2026-11-22T10:00:00Z");
                store.add_cohort_override("ew-iom", &select, at, &notify(by)).await.map(drop).map_err(|e| e.to_string())
            }));
        }
    }
    for writer in writers {
        writer.await.unwrap().unwrap();
    }
    let stored = store.current_plan(planned).await.unwrap().unwrap();
    assert_eq!((stored.plan.notes.len(), stored.plan.tasks.len(), stored.version), (16, 1, 18));
}

on_both_backends!(a_changed_cohort_tells_the_persons_team, a_cohort_task_and_notes_at_once_are_all_kept);
