//! History is data: the database itself refuses to change, remove or (on PostgreSQL) truncate
//! the audit log and the other histories, whoever connects — not only desist's own code.

use crate::support::{TestDb, actor, at, execute, person_input, person_on_team};
use domain::FixedClock;
use domain::access::Role;
use domain::directory::AgencyKind;

const HISTORIES: [&str; 6] =
    ["audit_log", "evidence_cohort_override", "screening", "screening_score", "plan_event", "measure_event"];

async fn histories_cannot_be_emptied(db: TestDb) {
    let store = &db.store;
    let officer = actor(store, "Reclassering", AgencyKind::Probation, Role::ProbationOfficer).await;
    let clock = FixedClock::new(at("2026-11-22T10:00:00Z"));
    person_on_team(store, &clock, &officer, &person_input("Visser", "Jan", "1984-03-12", "111222333"), &[]).await;
    assert!(execute(store, "DELETE FROM audit_log").await.is_err(), "the registration's audit entry stays");
    if store.backend() == "postgres" {
        for table in HISTORIES {
            let refused = execute(store, &format!("TRUNCATE {table} CASCADE")).await;
            assert!(refused.is_err_and(|e| e.to_string().contains("append-only")), "TRUNCATE {table}");
        }
    }
}

on_both_backends!(histories_cannot_be_emptied);
