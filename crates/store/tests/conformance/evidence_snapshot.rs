//! The evidence pages' snapshot (migration 0065, issue 21 "the speed of the question") on both
//! backends: an import makes it; what it reads back is the loaded extract without offence ids,
//! and every estimator the pages run — reoffending by each grouping with its disclosed table,
//! survival curves and their published table, what works with its matched comparisons —
//! answers exactly what it answers over the extract loaded row by row; a store without one
//! (imported before 0065) makes it at the first read; a newer import replaces it, and a
//! snapshot of another generation is never read.

use crate::support::{self, TestDb, at};
use evidence::Dataset;
use evidence::date::parse_day;
use evidence::reoffending::{Definition, GroupBy};
use evidence::table::DEFAULT_MIN_CELL;
use evidence::whatworks::{WorkEvent, what_works, with_work_events};
use store::Store;

fn day(text: &str) -> evidence::date::Day {
    parse_day(text.as_bytes()).unwrap()
}

/// A generated extract, read the way `desist import` reads it.
fn extract(seed: u64, persons: u64) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(seed, persons, 6.0, persons, dir.path()).unwrap();
    evidence::csv_io::load_dir(dir.path()).unwrap().0
}

async fn import(store: &Store, data: &Dataset) {
    store.import_extract(data, "test", 0, at("2026-11-22T10:00:00Z"), &|_| {}).await.unwrap();
}

/// Work on every other person of the extract on the day of their first offence (so that
/// many reoffend within the follow-up), in two groups, as the what-works pages join it.
fn work(data: &Dataset) -> Vec<WorkEvent> {
    (0..data.person_count() as u32)
        .step_by(2)
        .filter_map(|p| {
            let first = data.offences_of(p).next()?;
            let group = if p % 4 == 0 { "programme" } else { "mentor" };
            Some(WorkEvent { person: p, day: data.offences.offence_date[first], group: group.into() })
        })
        .collect()
}

/// Every figure the evidence pages publish, over `data`.
fn figures(data: &Dataset) -> String {
    let definition = Definition::default_as_of(day("2025-06-30"));
    let mut out = String::new();
    for by in [GroupBy::Group, GroupBy::Kind, GroupBy::Area, GroupBy::Sex, GroupBy::None] {
        let report = evidence::reoffending::reoffending(data, definition, by);
        out += &format!("{report:?}\n{:?}\n", report.disclosed_table(DEFAULT_MIN_CELL));
        let curves = evidence::survival::curves(&evidence::survival::survival_times(data, definition, by));
        out += &format!("{curves:?}\n{:?}\n", evidence::survival::curves_table(&curves, 30, DEFAULT_MIN_CELL));
    }
    let joined = with_work_events(data, &work(data));
    let groups = what_works(&joined, definition, DEFAULT_MIN_CELL);
    assert!(groups.iter().any(|g| g.comparison.is_some()), "a matched comparison is compared too: {groups:?}");
    out += &format!("{groups:?}\n");
    out
}

async fn the_snapshot_answers_what_the_loaded_extract_answers(db: TestDb) {
    let store = &db.store;
    let data = extract(21, 1200);
    import(store, &data).await;
    assert!(store.has_evidence_snapshot().await.unwrap(), "the import made the snapshot");
    let (generation, read) = store.evidence_dataset().await.unwrap();
    assert_eq!(generation, store.extract_generation().await.unwrap());
    let loaded = store.load_extract().await.unwrap();
    assert_eq!(loaded, data);
    assert_eq!(read, evidence::snapshot::for_pages(&loaded), "the extract without its offence ids");
    assert_eq!(figures(&read), figures(&loaded), "every published figure is the same");
}

async fn a_store_without_a_snapshot_makes_one_and_a_newer_import_replaces_it(db: TestDb) {
    let store = &db.store;
    let first = extract(1, 120);
    import(store, &first).await;
    // As a store imported before migration 0065 has it: rows, no snapshot.
    support::execute(store, "DELETE FROM evidence_snapshot").await.unwrap();
    assert!(!store.has_evidence_snapshot().await.unwrap());
    let (_, read) = store.evidence_dataset().await.unwrap();
    assert_eq!(read, evidence::snapshot::for_pages(&first));
    assert!(store.has_evidence_snapshot().await.unwrap(), "the first reader keeps it for the next");
    assert_eq!(store.evidence_dataset().await.unwrap().1, read);

    // A newer extract: a new generation, and its own snapshot.
    let second = extract(2, 150);
    import(store, &second).await;
    let merged = store.load_extract().await.unwrap();
    assert_ne!(merged, first);
    assert_eq!(store.evidence_dataset().await.unwrap().1, evidence::snapshot::for_pages(&merged));

    // A snapshot of another generation is never read: it is made again from the rows.
    support::execute(store, "UPDATE evidence_snapshot SET generation = generation - 1").await.unwrap();
    assert!(!store.has_evidence_snapshot().await.unwrap());
    assert_eq!(store.evidence_dataset().await.unwrap().1, evidence::snapshot::for_pages(&merged));
    assert!(store.has_evidence_snapshot().await.unwrap());
}

on_both_backends!(
    the_snapshot_answers_what_the_loaded_extract_answers,
    a_store_without_a_snapshot_makes_one_and_a_newer_import_replaces_it,
);
