//! Evidence conformance stories, run on SQLite and (when configured) PostgreSQL: the extract
//! upserts by source id, re-imports write nothing, a newer extract updates outcomes, a failed
//! import changes nothing, and what is loaded back is exactly what was imported.

use crate::support;

use crate::support::{TestDb, at};
use evidence::Dataset;
use evidence::dataset::Outcome;
use evidence::date::parse_day;
use evidence::membership::{Override, OverrideKind};
use store::Store;

fn day(text: &str) -> evidence::date::Day {
    parse_day(text.as_bytes()).unwrap()
}

/// A small generated extract, read the way `desist import` reads it.
fn extract(seed: u64) -> Dataset {
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(seed, 300, 6.0, 200, dir.path()).unwrap();
    let (data, warnings) = evidence::csv_io::load_dir(dir.path()).unwrap();
    assert!(warnings.is_empty());
    data
}

const NO_PROGRESS: &(dyn Fn(u64) + Sync) = &|_| {};

/// Nobody of these extracts is a person of the case system, so no team is told.
const NOTIFY: store::evidence::CohortNotify<'static> = store::evidence::CohortNotify {
    by: None,
    today: jiff::civil::date(2026, 11, 22),
    lang: domain::jurisdiction::Lang::En,
    rule_label: None,
};

async fn import(store: &Store, data: &Dataset) -> store::evidence::ImportSummary {
    store.import_extract(data, "test", 0, at("2026-11-22T10:00:00Z"), NO_PROGRESS).await.unwrap()
}

async fn round_trip_is_exact(db: TestDb) {
    let store = &db.store;
    assert_eq!(store.extract_counts().await.unwrap(), Default::default());
    let data = extract(7);
    // The progress bar's total is the extract's rows: what is reported must add up to them.
    let reported = std::sync::atomic::AtomicU64::new(0);
    let count = |n: u64| {
        reported.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    let summary = store.import_extract(&data, "test", 0, at("2026-11-22T10:00:00Z"), &count).await.unwrap();
    assert_eq!(summary.written, summary.rows());
    assert_eq!(reported.into_inner(), summary.rows());
    let loaded = store.load_extract().await.unwrap();
    assert_eq!(loaded, data);
    // The bytes written from the store equal the bytes written from the files.
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    evidence::csv_io::write_dir(&data, a.path()).unwrap();
    evidence::csv_io::write_dir(&loaded, b.path()).unwrap();
    for file in ["persons.csv", "offences.csv", "index_events.csv"] {
        assert_eq!(std::fs::read(a.path().join(file)).unwrap(), std::fs::read(b.path().join(file)).unwrap(), "{file}");
    }
}

async fn reimporting_the_same_extract_writes_nothing(db: TestDb) {
    let store = &db.store;
    let data = extract(11);
    import(store, &data).await;
    let counts = store.extract_counts().await.unwrap();
    let again = import(store, &data).await;
    assert_eq!(again.written, 0);
    assert_eq!(store.extract_counts().await.unwrap(), counts);
    assert_eq!(store.load_extract().await.unwrap(), data);
}

async fn a_newer_extract_updates_outcomes(db: TestDb) {
    let store = &db.store;
    let mut data = extract(13);
    // A pending offence gets its conviction in the newer extract.
    let pending = (0..data.offence_count()).find(|&i| data.offences.outcome[i] == Outcome::Pending).unwrap();
    import(store, &data).await;
    let offences = std::sync::Arc::make_mut(&mut data.offences);
    offences.outcome[pending] = Outcome::Conviction;
    offences.outcome_date[pending] = day("2025-03-01");
    let newer = import(store, &data).await;
    assert_eq!(newer.written, 1);
    assert_eq!(store.load_extract().await.unwrap(), data);
}

async fn a_failed_import_changes_nothing(db: TestDb) {
    let store = &db.store;
    assert_eq!(store.extract_generation().await.unwrap(), 0);
    let first = extract(17);
    import(store, &first).await;
    assert_eq!(store.extract_generation().await.unwrap(), 1, "an import is a new generation");
    let before = store.load_extract().await.unwrap();
    // A different extract whose last offence breaks a database check after thousands of rows
    // (persons and most offences) have been written in the transaction.
    let mut bad = extract(19);
    let last = bad.offence_count() - 1;
    std::sync::Arc::make_mut(&mut bad.offences).seriousness[last] = 11;
    let error = store.import_extract(&bad, "bad", 0, at("2026-11-22T11:00:00Z"), NO_PROGRESS).await;
    assert!(error.is_err());
    assert_eq!(store.load_extract().await.unwrap(), before);
    assert_eq!(store.extract_generation().await.unwrap(), 1, "a failed import is no new generation");
    assert_offences_by_person_match(store).await;
}

/// Streams `dir` the way `desist import` does, but keeping only 100 offences (and index
/// events) in memory, so that the extract is sorted through many runs on disk.
async fn import_streamed(
    store: &Store,
    dir: &std::path::Path,
    strict: bool,
) -> Result<store::evidence::ImportSummary, Vec<evidence::csv_io::Issue>> {
    let options = evidence::csv_io::StreamOptions {
        records_in_memory: 100,
        offences_by_person: store.import_wants_offences_by_person().await.unwrap(),
        strict,
        ..Default::default()
    };
    let mut extract = evidence::csv_io::stream_dir(dir, options).unwrap();
    assert!(extract.runs() > 10, "sorted through runs on disk: {}", extract.runs());
    let imported = store.import_from(&mut extract, "streamed", at("2026-11-22T10:00:00Z"), NO_PROGRESS).await;
    imported.map_err(|_| extract.errors())
}

/// Issue 21: an import streams the extract in bounded parts. One far larger than a part
/// imports exactly what reading the whole files gives, re-importing it writes nothing, and a
/// repeated offence id in another part is found (and refused, or left out with the first
/// line kept).
async fn a_streamed_import_larger_than_memory_is_exact(db: TestDb) {
    let store = &db.store;
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(41, 300, 6.0, 400, dir.path()).unwrap();
    let (data, _) = evidence::csv_io::load_dir(dir.path()).unwrap();
    assert!(data.offence_count() > 1000);
    let summary = import_streamed(store, dir.path(), true).await.unwrap();
    assert_eq!(
        (summary.persons, summary.offences, summary.index_events),
        (data.person_count() as u64, data.offence_count() as u64, data.index_event_count() as u64)
    );
    assert_eq!(summary.written, summary.rows());
    assert_eq!(store.load_extract().await.unwrap(), data);
    assert_offences_by_person_match(store).await;
    assert_eq!(import_streamed(store, dir.path(), true).await.unwrap().written, 0);

    // The first offence's id again on the file's last line, for another person.
    let offences = std::fs::read_to_string(dir.path().join("offences.csv")).unwrap();
    let first_id = offences.lines().nth(1).unwrap().split(',').next().unwrap().to_owned();
    let lines = offences.lines().count() as u64;
    std::fs::write(
        dir.path().join("offences.csv"),
        format!("{offences}{first_id},P7,2024-01-01,2024-02-01,conviction,theft,3\n"),
    )
    .unwrap();
    let generation = store.extract_generation().await.unwrap();
    let errors = import_streamed(store, dir.path(), true).await.unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].line, errors[0].message.as_str()),
        (lines + 1, &*format!("duplicate offence_id '{first_id}'"))
    );
    assert_eq!(store.extract_generation().await.unwrap(), generation, "refused: nothing committed");
    let lenient = import_streamed(store, dir.path(), false).await.unwrap();
    assert_eq!((lenient.offences, lenient.written), (data.offence_count() as u64, 0), "the first line is kept");
    assert_eq!(store.load_extract().await.unwrap(), data);
}

/// (person, offence) as `evidence_offence_by_person` lists them, and as the offences say.
async fn by_person_and_offences(store: &Store) -> (Vec<(String, String)>, Vec<(String, String)>) {
    let sql = |from: &str| {
        sqlx::AssertSqlSafe(format!("SELECT person_id, source_id FROM {from} ORDER BY person_id, source_id"))
    };
    let (from, to) = ("evidence_offence_by_person", "evidence_offence");
    match store.pool() {
        store::Pool::Sqlite(pool) => (
            sqlx::query_as(sql(from)).fetch_all(pool).await.unwrap(),
            sqlx::query_as(sql(to)).fetch_all(pool).await.unwrap(),
        ),
        store::Pool::Postgres(pool) => (
            sqlx::query_as(sql(from)).fetch_all(pool).await.unwrap(),
            sqlx::query_as(sql(to)).fetch_all(pool).await.unwrap(),
        ),
    }
}

async fn assert_offences_by_person_match(store: &Store) {
    let (by_person, offences) = by_person_and_offences(store).await;
    assert!(!offences.is_empty());
    assert_eq!(by_person, offences);
}

/// The ZSM prior record reads offences by person: on SQLite from a table the importer appends
/// when it loads from empty and triggers keep up to date otherwise. A newer extract that
/// moves an offence to another person (a merged duplicate) must move it there too, and one
/// that corrects another's date must leave it where it is.
async fn offences_by_person_follow_every_import(db: TestDb) {
    let store = &db.store;
    let data = extract(37);
    import(store, &data).await;
    assert_offences_by_person_match(store).await;
    let dir = tempfile::tempdir().unwrap();
    evidence::csv_io::write_dir(&data, dir.path()).unwrap();
    let path = dir.path().join("offences.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let (moved, redated) = (lines[1].clone(), lines[2].clone());
    let cells = |line: &str| line.split(',').map(str::to_owned).collect::<Vec<_>>();
    let (mut m, mut r) = (cells(&moved), cells(&redated));
    let other_person = data.person_id((data.person_count() - 1) as u32).to_owned();
    assert_ne!(m[1], other_person);
    m[1] = other_person.clone();
    r[2] = "2001-02-03".into();
    lines[1] = m.join(",");
    lines[2] = r.join(",");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let (newer, _) = evidence::csv_io::load_dir(dir.path()).unwrap();
    assert_eq!(import(store, &newer).await.written, 2);
    assert_offences_by_person_match(store).await;
    let (by_person, _) = by_person_and_offences(store).await;
    assert!(by_person.contains(&(other_person, m[0].clone())));
    assert!(!by_person.contains(&(cells(&moved)[1].clone(), m[0].clone())));
    assert!(by_person.contains(&(r[1].clone(), r[0].clone())));
    assert_eq!(store.load_extract().await.unwrap(), newer);
}

/// Migration 0018 rewrote the outcome check for speed: every outcome of the format is still
/// accepted and anything else still refused, by the database itself.
async fn the_database_checks_outcomes(db: TestDb) {
    let store = &db.store;
    import(store, &extract(23)).await;
    let id = store.load_extract().await.unwrap().offences.ids.get(0).to_owned();
    for outcome in Outcome::ALL {
        let sql = format!("UPDATE evidence_offence SET outcome = '{}' WHERE source_id = '{id}'", outcome.as_str());
        support::execute(store, &sql).await.unwrap();
    }
    for bad in ["", "Conviction", "convicted", "pending "] {
        let sql = format!("UPDATE evidence_offence SET outcome = '{bad}' WHERE source_id = '{id}'");
        assert!(support::execute(store, &sql).await.is_err(), "outcome '{bad}' was accepted");
    }
}

async fn cohort_decisions_and_history_are_kept(db: TestDb) {
    let store = &db.store;
    let data = extract(23);
    import(store, &data).await;
    let person = data.person_id(0).to_owned();
    let decision = |kind, from: &str, reason: &str| Override {
        person_id: person.clone(),
        kind,
        from: day(from),
        until: None,
        reason: reason.into(),
        decided_by: "analist.jansen".into(),
    };
    store
        .add_cohort_override(
            "ew-iom",
            &decision(OverrideKind::Select, "2024-01-01", "police intelligence"),
            at("2026-11-22T10:00:00Z"),
            &NOTIFY,
        )
        .await
        .unwrap();
    store
        .add_cohort_override(
            "ew-iom",
            &decision(OverrideKind::Deselect, "2024-06-01", "moved abroad"),
            at("2026-11-22T10:05:00Z"),
            &NOTIFY,
        )
        .await
        .unwrap();
    assert!(
        store
            .add_cohort_override(
                "ew-iom",
                &decision(OverrideKind::Select, "2024-01-01", " "),
                at("2026-11-22T10:06:00Z"),
                &NOTIFY
            )
            .await
            .is_err()
    );
    let mut unknown = decision(OverrideKind::Select, "2024-01-01", "tip");
    unknown.person_id = "nobody".into();
    assert!(store.add_cohort_override("ew-iom", &unknown, at("2026-11-22T10:06:00Z"), &NOTIFY).await.is_err());
    let stored = store.cohort_overrides("ew-iom").await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].decision.until, Some(day("2024-06-01")));
    assert_eq!(stored[1].decision.kind, OverrideKind::Deselect);
    assert_eq!(stored[1].decision.reason, "moved abroad");
    assert!(store.cohort_overrides("nl-very-active-prolific").await.unwrap().is_empty());

    // Record a history with the decisions applied, twice: the second run replaces the first.
    let rule = evidence::rules::resolve("ew-iom").unwrap();
    let compiled = evidence::rules::CompiledRule::compile(&rule.expr, &data);
    let dates: Vec<_> = ["2024-01-01", "2024-04-01", "2024-07-01"].iter().map(|d| day(d)).collect();
    let overrides: Vec<Override> = stored.iter().map(|s| s.decision.clone()).collect();
    let history = evidence::membership::history(&data, &compiled, &dates, &overrides);
    assert!(!history.events.is_empty());
    let (from, to) = (jiff::civil::date(2024, 1, 1), jiff::civil::date(2024, 7, 1));
    let generation = store.extract_generation().await.unwrap();
    for _ in 0..2 {
        let written =
            store.record_cohort_history("ew-iom", from, to, &history.events, at("2026-11-22T12:00:00Z"), &NOTIFY).await;
        assert_eq!(written.unwrap().events, history.events.len() as u64);
    }
    assert_eq!(
        store.extract_generation().await.unwrap(),
        generation,
        "recorded history is no part of a loaded extract: no new generation"
    );
    let changes = store.changed_cohorts(50).await.unwrap();
    let total: u64 = changes.iter().map(|c| c.joined + c.left).sum();
    assert_eq!(total, history.events.len() as u64);
    assert!(changes.windows(2).all(|w| w[0].on_date >= w[1].on_date));
    assert!(changes.iter().all(|c| c.rule_name == "ew-iom"));
}

async fn cohort_decisions_are_append_only(db: TestDb) {
    let store = &db.store;
    import(store, &extract(29)).await;
    let data = store.load_extract().await.unwrap();
    let decision = Override {
        person_id: data.person_id(1).to_owned(),
        kind: OverrideKind::Select,
        from: day("2024-01-01"),
        until: None,
        reason: "police intelligence".into(),
        decided_by: "analist".into(),
    };
    store.add_cohort_override("ew-iom", &decision, at("2026-11-22T10:00:00Z"), &NOTIFY).await.unwrap();
    let changed: Result<_, sqlx::Error> = match store.pool() {
        store::Pool::Sqlite(pool) => {
            sqlx::query("UPDATE evidence_cohort_override SET reason = 'x'").execute(pool).await.map(|_| ())
        }
        store::Pool::Postgres(pool) => {
            sqlx::query("UPDATE evidence_cohort_override SET reason = 'x'").execute(pool).await.map(|_| ())
        }
    };
    assert!(changed.is_err());
    let deleted: Result<_, sqlx::Error> = match store.pool() {
        store::Pool::Sqlite(pool) => {
            sqlx::query("DELETE FROM evidence_cohort_override").execute(pool).await.map(|_| ())
        }
        store::Pool::Postgres(pool) => {
            sqlx::query("DELETE FROM evidence_cohort_override").execute(pool).await.map(|_| ())
        }
    };
    assert!(deleted.is_err());
}

on_both_backends!(
    round_trip_is_exact,
    a_streamed_import_larger_than_memory_is_exact,
    reimporting_the_same_extract_writes_nothing,
    a_newer_extract_updates_outcomes,
    a_failed_import_changes_nothing,
    the_database_checks_outcomes,
    cohort_decisions_and_history_are_kept,
    cohort_decisions_are_append_only,
    offences_by_person_follow_every_import,
);

/// The SQLite import skips per-row foreign-key checks (a dataset cannot break them) by turning
/// them off on its connection: they are on again afterwards, after a failed import too, so
/// the next writer on that connection is checked.
#[tokio::test]
async fn sqlite_foreign_keys_are_back_on_after_an_import() {
    let (url, _dir) = support::fresh_url(support::Backend::Sqlite).await.unwrap();
    let store = Store::connect(&url, 1).await.unwrap();
    let data = extract(29);
    import(&store, &data).await;
    let mut bad = extract(31);
    std::sync::Arc::make_mut(&mut bad.offences).seriousness[0] = 11;
    assert!(store.import_extract(&bad, "bad", 0, at("2026-11-22T11:00:00Z"), NO_PROGRESS).await.is_err());
    let store::Pool::Sqlite(pool) = store.pool() else { unreachable!() };
    let on: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.unwrap();
    assert_eq!(on, 1);
    let orphan = sqlx::query(
        "INSERT INTO evidence_index_event (person_id, index_date, kind, group_label, occurrence) \
         VALUES ('nobody', '2024-01-01', '', '', 1)",
    )
    .execute(pool)
    .await;
    assert!(orphan.is_err(), "an index event of an unknown person was accepted");
}

/// `desist import` reads the store before it writes (is it empty?), which left a read-only
/// connection open on the file: the import could then not leave the write-ahead log, and every
/// page went through the log and was copied again at the checkpoint (the 100k-person import
/// at 1.15x `sqlite3 .import`). Alone on the file, it loads through a rollback journal: the
/// log stays empty while the file holds the extract.
#[tokio::test]
async fn sqlite_import_alone_on_the_file_bypasses_the_write_ahead_log() {
    let (url, _dir) = support::fresh_url(support::Backend::Sqlite).await.unwrap();
    let store = Store::connect(&url, 1).await.unwrap();
    assert!(store.import_wants_offences_by_person().await.unwrap());
    assert!(!store.has_extract().await.unwrap());
    import(&store, &extract(37)).await;
    let path = url.trim_start_matches("sqlite:").to_owned();
    let size = |suffix: &str| std::fs::metadata(format!("{path}{suffix}")).map_or(0, |m| m.len());
    assert!(size("") > 100_000, "the file holds the extract: {}", size(""));
    assert!(size("-wal") < 64 << 10, "the import went through the log: {} bytes", size("-wal"));
}

/// A store whose extract was imported before migration 0023 (which replaced the person index
/// of SQLite's offences by a table kept by triggers) finds every offence by person after it,
/// and keeps finding the ones written since.
#[tokio::test]
async fn sqlite_offences_imported_before_migration_0023_are_found_by_person_after_it() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("desist.db");
    let older = tempfile::tempdir().unwrap();
    let tree = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/sqlite");
    for entry in std::fs::read_dir(&tree).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().as_ref() < "0023" {
            std::fs::copy(entry.path(), older.path().join(entry.file_name())).unwrap();
        }
    }
    let options = SqliteConnectOptions::new().filename(&path).create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate::Migrator::new(older.path()).await.unwrap().run(&pool).await.unwrap();
    let insert = "INSERT INTO evidence_person (source_id, birth_date, sex, area) VALUES ('P1', NULL, 'M', ''), ('P2', NULL, 'F', ''); \
         INSERT INTO evidence_offence (source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness) VALUES \
         ('O1', 'P1', '2024-01-01', NULL, 'pending', 'theft', NULL), ('O2', 'P2', '2024-02-01', NULL, 'pending', '', 3), \
         ('O3', 'P1', '2023-05-05', '2023-09-09', 'conviction', 'theft', 4)";
    sqlx::raw_sql(sqlx::AssertSqlSafe(insert)).execute(&pool).await.unwrap();
    pool.close().await;

    let store = Store::connect(&format!("sqlite:{}", path.display()), 2).await.unwrap();
    assert_offences_by_person_match(&store).await;
    let (by_person, _) = by_person_and_offences(&store).await;
    assert_eq!(by_person, [("P1".into(), "O1".into()), ("P1".into(), "O3".into()), ("P2".into(), "O2".into())]);
    support::execute(&store, "UPDATE evidence_offence SET person_id = 'P2' WHERE source_id = 'O1'").await.unwrap();
    support::execute(
        &store,
        "INSERT INTO evidence_offence (source_id, person_id, offence_date, outcome, offence_type) \
         VALUES ('O4', 'P1', '2025-01-01', 'pending', '')",
    )
    .await
    .unwrap();
    let (by_person, _) = by_person_and_offences(&store).await;
    assert_eq!(
        by_person,
        [
            ("P1".into(), "O3".into()),
            ("P1".into(), "O4".into()),
            ("P2".into(), "O1".into()),
            ("P2".into(), "O2".into())
        ]
    );
}
