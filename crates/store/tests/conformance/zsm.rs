//! The ZSM store stories, on SQLite and (when configured) PostgreSQL, through the domain's use
//! cases: a case round trip, a decision and its amendment, the board's ordering by the most
//! urgent clock, and a stale write refused.

use crate::support::{TestDb, UTC, actor, at, count, statutory_basis};
use domain::Clock;
use domain::FixedClock;
use domain::access::{Actor, Role};
use domain::audit::{AuditAction, AuditEntry, AuditLog};
use domain::directory::AgencyKind;
use domain::ids::{CaseId, PersonId};
use domain::jurisdiction::{ContributionState, Partner};
use domain::people::PersonInput;
use domain::people::ports::PeopleStore;
use domain::people::service::People;
use domain::service::ServiceError;
use domain::zsm::model::forms::{ContributionForm, DecisionForm, IntakeForm, ObligationForm, OffenceForm, VictimForm};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use domain::zsm::service::Zsm;
use domain::zsm::{CaseStatus, ClockStatus, ZsmError};
use store::Store;

struct World {
    police: Actor,
    prosecutor: Actor,
    probation: Actor,
    lawyer: Actor,
    other_lawyer: Actor,
}

fn clock() -> FixedClock {
    // Sunday 22 November 2026, 11:00 in Amsterdam.
    FixedClock::new(at("2026-11-22T10:00:00Z"))
}

fn zsm<'a>(store: &'a Store, clock: &'a FixedClock) -> Zsm<'a, Store> {
    Zsm { store, clock }
}

async fn world(store: &Store) -> World {
    let police = actor(store, "Politie Utrecht", AgencyKind::Police, Role::PoliceOfficer).await;
    let prosecutor = actor(store, "OM Midden-Nederland", AgencyKind::Prosecution, Role::Prosecutor).await;
    let probation = actor(store, "Reclassering Utrecht", AgencyKind::Probation, Role::ProbationOfficer).await;
    let victim_support = actor(store, "Slachtofferhulp", AgencyKind::VictimSupport, Role::VictimSupportWorker).await;
    let lawyer = actor(store, "Advocatenkantoor Jansen", AgencyKind::Defence, Role::DefenceLawyer).await;
    let other_lawyer = actor(store, "Advocatenkantoor de Boer", AgencyKind::Defence, Role::DefenceLawyer).await;
    store
        .create_location(
            &ZsmLocation {
                code: "zsm-utrecht".into(),
                name: "ZSM Utrecht".into(),
                pack: "nl".into(),
                agencies: vec![police.agency_id, prosecutor.agency_id, probation.agency_id, victim_support.agency_id],
                time_zone: None,
            },
            at("2026-11-22T09:00:00Z"),
        )
        .await
        .unwrap();
    World { police, prosecutor, probation, lawyer, other_lawyer }
}

async fn suspect(store: &Store, clock: &FixedClock, police: &Actor, name: &str) -> PersonId {
    let people = People { store, clock, time_zone: &UTC };
    let input =
        PersonInput { family_name: name.into(), given_names: "Sam".into(), sex: "X".into(), ..Default::default() };
    people.create(police, &input, &statutory_basis()).await.unwrap().id
}

fn intake(suspect: PersonId, arrested: &str, lawyer: Option<&Actor>) -> IntakeForm {
    IntakeForm {
        suspect_id: suspect.to_string(),
        location: "zsm-utrecht".into(),
        arrested_at: arrested.into(),
        arrived_at: arrested.into(),
        offences: vec![OffenceForm {
            offence_type: "winkeldiefstal".into(),
            committed_on: "2026-11-22".into(),
            place: "Utrecht, Hoog Catharijne".into(),
            description: "Drie flessen sterke drank".into(),
            pretrial_detention: "yes".into(),
        }],
        victims: vec![VictimForm { person_id: String::new(), description: "de winkel".into() }],
        police_report_summary: "Aangehouden door winkeldetective".into(),
        lawyer_id: lawyer.map(|l| l.member_id.to_string()).unwrap_or_default(),
        ..Default::default()
    }
}

/// The subject-access export's reads: the suspect's own cases whole, and a victim's mention of
/// someone else's case (issue 16, item 9).
async fn a_persons_cases_are_found_as_suspect_and_as_victim(db: TestDb) {
    use domain::admin::ports::SubjectAccessStore;
    let store = &db.store;
    let clock = clock();
    let w = world(store).await;
    let person = suspect(store, &clock, &w.police, "Vries").await;
    let victim = suspect(store, &clock, &w.police, "Bakker").await;
    let mut form = intake(person, "2026-11-22T08:30", None);
    form.victims = vec![VictimForm { person_id: victim.to_string(), description: String::new() }];
    let id = zsm(store, &clock).register(&w.police, &form).await.unwrap();
    let cases = store.zsm_cases_of(person).await.unwrap();
    assert_eq!(cases.iter().map(|c| c.id()).collect::<Vec<_>>(), vec![id]);
    assert!(store.zsm_cases_naming(person).await.unwrap().is_empty());
    assert!(store.zsm_cases_of(victim).await.unwrap().is_empty());
    assert_eq!(store.zsm_cases_naming(victim).await.unwrap()[0].id(), id);
    assert!(store.plans_of(person).await.unwrap().is_empty());
    assert!(store.events_about(person).await.unwrap().is_empty());
}

/// Registered and read back unchanged: the domain state, the clocks, the lawyer, the history
/// rows, the team entries of the table's partners and the audit entries.
async fn zsm_case_round_trips(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let w = world(store).await;
    let person = suspect(store, &clock, &w.police, "Vries").await;
    let id =
        zsm(store, &clock).register(&w.police, &intake(person, "2026-11-22T08:30", Some(&w.lawyer))).await.unwrap();
    let stored = store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.suspect(), person);
    assert_eq!(stored.lawyer, Some(w.lawyer.member_id));
    assert_eq!(stored.case.intake.details().arrested_at, at("2026-11-22T07:30:00Z"));
    assert_eq!(stored.clocks.len(), 2, "ophouden and the examining-judge clock start at arrest");
    assert!(matches!(stored.case.status, CaseStatus::Registered));
    assert_eq!(count(store, "zsm_offence").await, 1);
    assert_eq!(count(store, "zsm_victim").await, 1);
    assert_eq!(count(store, "zsm_clock").await, 2);
    assert_eq!(count(store, "zsm_clock_event WHERE kind = 'started'").await, 2);
    // The probation office and the lawyer's office joined the suspect's team at intake.
    let team = store.team(person).await.unwrap();
    assert!(team.iter().any(|e| e.agency_id == w.probation.agency_id));
    assert!(team.iter().any(|e| e.agency_id == w.lawyer.agency_id));
    assert!(!team.iter().any(|e| e.agency_id == w.other_lawyer.agency_id));
    let audit = store.audit_for_person(person, 50).await.unwrap();
    assert!(audit.iter().any(|a| a.entry.action == AuditAction::Create && a.entry.what.contains("ZSM case")));

    // Reading is audited; a lawyer who is not the suspect's lawyer is refused, and that too.
    let file = zsm(store, &clock).open(&w.prosecutor, id, "case page").await.unwrap();
    assert_eq!(file.view.case, stored.case);
    let refused = zsm(store, &clock).open(&w.other_lawyer, id, "case page").await.unwrap_err();
    assert!(matches!(refused, ServiceError::Forbidden(_)));
    let audit = store.audit_for_person(person, 50).await.unwrap();
    assert!(audit.iter().any(|a| a.entry.action == AuditAction::Read));
    assert!(audit.iter().any(|a| a.entry.action == AuditAction::Denied));
    // The lawyer sees the case without the victim.
    let file = zsm(store, &clock).open(&w.lawyer, id, "case page").await.unwrap();
    assert!(file.view.victims_hidden);
    assert!(file.view.case.intake.details().victims.is_empty());
}

fn penalty_order(hours: &str) -> DecisionForm {
    DecisionForm {
        disposal: "penalty_order".into(),
        parameters: [("community_service_hours".to_string(), hours.to_string())].into_iter().collect(),
        obligations: vec![ObligationForm {
            kind: "area_ban".into(),
            starts_on: "2026-11-23".into(),
            ends_on: "2027-05-22".into(),
            details: "Hoog Catharijne".into(),
        }],
        reasoning: "Eerste feit, bekennend".into(),
        override_reason: String::new(),
    }
}

/// Contributions, a decision with an obligation, a refused second decision, an amendment
/// that cancels the old obligation: all on record as rows.
async fn a_decision_and_its_amendment_are_kept(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let w = world(store).await;
    let person = suspect(store, &clock, &w.police, "Bakker").await;
    let service = zsm(store, &clock);
    let id = service.register(&w.police, &intake(person, "2026-11-22T09:30", Some(&w.lawyer))).await.unwrap();

    // Community service needs the lawyer first (art. 257c Sv): refused, nothing changed.
    let missing = service.decide(&w.prosecutor, id, &penalty_order("40"), 1).await.unwrap_err();
    assert!(matches!(missing.rule::<ZsmError>(), Some(ZsmError::MandatoryContributionMissing { .. })));
    assert_eq!(store.case(id).await.unwrap().unwrap().version, 1);

    let lawyer_form = ContributionForm {
        state: "done".into(),
        consulted_at: "2026-11-22T10:15".into(),
        mode: "in_person".into(),
        lawyer_advice: "Accepteren; geen VOG-gevolgen voor zijn werk".into(),
        settlement_consequences_explained: true,
        suspect_position: "Bekent".into(),
        ..Default::default()
    };
    // Only the suspect's own lawyer edits the defence section.
    let refused = service.update_contribution(&w.probation, id, Partner::DefenceLawyer, &lawyer_form, None).await;
    assert!(matches!(refused, Err(ServiceError::Forbidden(_))));
    service.update_contribution(&w.lawyer, id, Partner::DefenceLawyer, &lawyer_form, None).await.unwrap();
    let decision = service.decide(&w.prosecutor, id, &penalty_order("40"), 2).await.unwrap();

    let stored = store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.version, 3);
    assert_eq!(stored.case.status.decision().unwrap().id, decision);
    assert!(stored.clocks.iter().all(|run| matches!(run.status, ClockStatus::Stopped { .. })));
    let second = service.decide(&w.prosecutor, id, &penalty_order("20"), 3).await.unwrap_err();
    assert!(matches!(second.rule::<ZsmError>(), Some(ZsmError::AlreadyDecided)));

    let amended =
        service.amend(&w.prosecutor, id, &penalty_order("30"), "Rekenfout in het aantal uren", 3).await.unwrap();
    let stored = store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.case.status.decision().unwrap().id, amended);
    assert_eq!(stored.case.amendments.len(), 1);
    assert_eq!(stored.case.amendments[0].previous.id, decision);
    assert_eq!(count(store, "zsm_decision").await, 2);
    assert_eq!(count(store, "zsm_amendment").await, 1);
    assert_eq!(count(store, "zsm_obligation").await, 2);
    assert_eq!(count(store, "zsm_obligation WHERE cancelled_at IS NOT NULL").await, 1);
    assert_eq!(count(store, "zsm_clock WHERE is_running = false").await, 2);
    assert!(count(store, "zsm_contribution").await >= 4);
    let (_, metrics) = service.metrics(&w.prosecutor, "zsm-utrecht", "2026-11-22", "2026-11-22").await.unwrap();
    assert_eq!((metrics.cases, metrics.decided), (1, 1));
    assert_eq!(metrics.disposals, vec![("penalty_order".to_string(), 1)]);
}

/// Open cases by the deadline of their most urgent clock; decided cases after them; each
/// reader sees only cases their agency is on the team for, a lawyer only their clients.
async fn the_board_puts_the_most_urgent_clock_first(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let w = world(store).await;
    let service = zsm(store, &clock);
    let mut ids: Vec<(CaseId, &str)> = Vec::new();
    for (name, arrested) in
        [("Late", "2026-11-22T10:45"), ("Early", "2026-11-22T06:00"), ("Middle", "2026-11-21T22:00")]
    {
        let person = suspect(store, &clock, &w.police, name).await;
        let lawyer = (name == "Middle").then_some(&w.lawyer);
        ids.push((service.register(&w.police, &intake(person, arrested, lawyer)).await.unwrap(), name));
    }
    let board = service.board(&w.prosecutor, "zsm-utrecht").await.unwrap();
    let names: Vec<&str> = board.cases.iter().map(|c| c.suspect_name.split(' ').nth(1).unwrap()).collect();
    // Ophouden (9 counted hours, 00:00-09:00 not counted): arrest 22:00 → deadline 16:00 next
    // day; 06:00 → 18:00; 10:45 → 19:45.
    assert_eq!(names, ["Middle", "Early", "Late"]);

    let lawyer_board = service.board(&w.lawyer, "zsm-utrecht").await.unwrap();
    assert_eq!(lawyer_board.cases.len(), 1);
    assert!(service.board(&w.other_lawyer, "zsm-utrecht").await.unwrap().cases.is_empty());

    // Decided cases move below the open ones and stay on the board for the day.
    let (middle, _) = ids[2];
    let dismissal = DecisionForm {
        disposal: "unconditional_dismissal".into(),
        parameters: [("ground".to_string(), "policy".to_string())].into_iter().collect(),
        reasoning: "Gering feit".into(),
        ..Default::default()
    };
    service.decide(&w.prosecutor, middle, &dismissal, 1).await.unwrap();
    let board = service.board(&w.prosecutor, "zsm-utrecht").await.unwrap();
    let names: Vec<&str> = board.cases.iter().map(|c| c.suspect_name.split(' ').nth(1).unwrap()).collect();
    assert_eq!(names, ["Early", "Late", "Middle"]);
    assert!(board.cases[2].stored.case.status.decision().is_some());
}

/// Partners saving their own sections on what they saw: different sections never conflict,
/// also when saved at the same moment (decided inside the write: the case row locked on
/// PostgreSQL, the one writer on SQLite); a save on a section changed since is refused and
/// writes nothing (issue 17 item 1).
async fn a_stale_case_write_is_a_conflict(db: TestDb) {
    let store = &db.store;
    let clock = clock();
    let w = world(store).await;
    let person = suspect(store, &clock, &w.police, "Smit").await;
    let service = zsm(store, &clock);
    let id = service.register(&w.police, &intake(person, "2026-11-22T09:00", None)).await.unwrap();
    let seen = store.case(id).await.unwrap().unwrap().case.contributions;
    let scan =
        ContributionForm { state: "in_progress".into(), advice: "screening_advised".into(), ..Default::default() };
    let police =
        ContributionForm { state: "done".into(), additional_information: "Bekende".into(), ..Default::default() };
    let (probation_seen, police_seen) = (seen.version(Partner::Probation), seen.version(Partner::Police));
    let (a, b) = tokio::join!(
        service.update_contribution(&w.probation, id, Partner::Probation, &scan, Some(probation_seen)),
        service.update_contribution(&w.police, id, Partner::Police, &police, Some(police_seen)),
    );
    a.unwrap();
    b.unwrap();
    let stored = store.case(id).await.unwrap().unwrap();
    assert_eq!(stored.version, 3, "registered, then one write per section (the first brings it to the table)");
    assert_eq!(stored.case.contributions.state(Partner::Police), ContributionState::Done);
    assert_eq!(stored.case.contributions.version(Partner::Probation), probation_seen + 1);

    let again =
        ContributionForm { state: "done".into(), additional_information: "Anders".into(), ..Default::default() };
    let stale =
        service.update_contribution(&w.police, id, Partner::Police, &again, Some(police_seen)).await.unwrap_err();
    assert!(matches!(stale, ServiceError::Stale(_)), "{stale:?}");
    let after = store.case(id).await.unwrap().unwrap();
    assert_eq!(after.version, 3, "nothing written");
}

/// Two servers on one database: a board one server has shown changes with every write made
/// through the other — a contribution, a new case, a renamed suspect, a team entry ended.
async fn a_board_shows_changes_made_through_another_server(db: TestDb) {
    let (one, clock) = (&db.store, clock());
    let w = world(one).await;
    let other = &Store::connect(&db.url, 4).await.unwrap();
    let first = suspect(one, &clock, &w.police, "Bakker").await;
    let first_case = zsm(one, &clock).register(&w.police, &intake(first, "2026-11-22T08:00", None)).await.unwrap();
    let board = || async { zsm(one, &clock).board(&w.prosecutor, "zsm-utrecht").await.unwrap().cases };
    let cases = board().await;
    assert_eq!((cases.len(), cases[0].stored.version), (1, 1));

    let scan =
        ContributionForm { state: "in_progress".into(), advice: "screening_advised".into(), ..Default::default() };
    zsm(other, &clock).update_contribution(&w.probation, first_case, Partner::Probation, &scan, None).await.unwrap();
    assert_eq!(board().await[0].stored.version, 2);

    let second = suspect(other, &clock, &w.police, "Claes").await;
    zsm(other, &clock).register(&w.police, &intake(second, "2026-11-21T22:00", None)).await.unwrap();
    let names: Vec<String> = board().await.iter().map(|c| c.suspect_name.clone()).collect();
    assert_eq!(names, ["Sam Claes", "Sam Bakker"]);

    let people = People { store: other, clock: &clock, time_zone: &UTC };
    let renamed = PersonInput {
        family_name: "Claessens".into(),
        given_names: "Sam".into(),
        sex: "X".into(),
        ..Default::default()
    };
    people.update(&w.police, second, 1, &renamed).await.unwrap();
    assert_eq!(board().await[0].suspect_name, "Sam Claessens");

    let entry = other.team(second).await.unwrap().into_iter().find(|e| e.agency_id == w.prosecutor.agency_id).unwrap();
    let audit = AuditEntry::new(&w.police, clock.now(), Some(second), AuditAction::TeamEnd, "team_end", "test");
    other.end_team_entry(entry.id, clock.now(), w.police.member_id, &audit).await.unwrap();
    let cases = board().await;
    assert_eq!(cases.iter().map(|c| c.suspect_name.as_str()).collect::<Vec<_>>(), ["Sam Bakker"]);
    other.close().await;
}

/// Partners at one table do not queue behind a row they all share (issue 17, item 1): every
/// write at a location used to raise the location's one board generation, so on PostgreSQL
/// each save waited for the save before it to commit (227 ms at the 99th percentile with 64
/// partners). With a transaction holding the location's row as such a write did, a section is
/// still saved, and the board, read before and after, shows the save.
async fn a_save_does_not_wait_for_the_location_row(db: TestDb) {
    let (store, clock) = (&db.store, clock());
    let w = world(store).await;
    let person = suspect(store, &clock, &w.police, "Bakker").await;
    let id = zsm(store, &clock).register(&w.police, &intake(person, "2026-11-22T08:00", None)).await.unwrap();
    let board = || async { zsm(store, &clock).board(&w.prosecutor, "zsm-utrecht").await.unwrap().cases };
    assert_eq!(board().await[0].stored.version, 1);
    let held = match store.pool() {
        store::Pool::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("SELECT code FROM zsm_location WHERE code = $1 FOR NO KEY UPDATE")
                .bind("zsm-utrecht")
                .execute(&mut *tx)
                .await
                .unwrap();
            Some(tx)
        }
        store::Pool::Sqlite(_) => None,
    };
    let scan =
        ContributionForm { state: "in_progress".into(), advice: "screening_advised".into(), ..Default::default() };
    let service = zsm(store, &clock);
    let save = service.update_contribution(&w.probation, id, Partner::Probation, &scan, None);
    let saved = tokio::time::timeout(std::time::Duration::from_secs(10), save).await;
    drop(held);
    saved.expect("the save waited for the location's row").unwrap();
    assert_eq!(board().await[0].stored.version, 2);
}

on_both_backends!(
    a_save_does_not_wait_for_the_location_row,
    zsm_case_round_trips,
    a_persons_cases_are_found_as_suspect_and_as_victim,
    a_board_shows_changes_made_through_another_server,
    a_decision_and_its_amendment_are_kept,
    the_board_puts_the_most_urgent_clock_first,
    a_stale_case_write_is_a_conflict,
);
