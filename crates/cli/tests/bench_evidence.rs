//! `desist bench evidence` end to end at a small scale, so the command cannot rot: generated
//! data, the in-process timings, the import against `sqlite3 .import`, and the whole paths —
//! `desist cohort` and `desist reoffending` as new processes beside `sqlite3` (and `psql` when
//! `DESIST_TEST_DATABASE_URL` is set, DuckDB when `DESIST_STATS_PYTHON` has it) answering the
//! same cohort question, whose answers must agree (the command fails when they differ).

mod support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_evidence_times_whole_paths_beside_their_references() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut command = support::desist(dir.path());
    command.args(["bench", "evidence", "--dir", data.to_str().unwrap(), "--persons", "400"]);
    command.args(["--offences-per-person", "20", "--index-events", "400", "--as-of", "2025-01-01"]);
    let postgres = match support::postgres_admin_url() {
        Some(admin) => Some((support::create_database(&admin, "desist_bench_evidence").await, admin)),
        None => None,
    };
    if let Some((url, _)) = &postgres {
        command.args(["--postgres-url", url]);
    }
    let output = command.output().expect("desist runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(!text.contains("DIFFER"), "{text}");
    let line = |start: &str| {
        text.lines().find(|l| l.starts_with(start)).unwrap_or_else(|| panic!("no line '{start}' in\n{text}")).to_owned()
    };
    let sqlite3_here = std::process::Command::new("sqlite3").arg("--version").output().is_ok();
    for rule in ["nl-very-active-prolific", "ew-iom"] {
        let store = line(&format!("cohort {rule}, SQLite store"));
        if sqlite3_here {
            assert!(store.contains("sqlite3") && store.contains("agree"), "{store}");
        }
        let csv = line(&format!("cohort {rule}, CSV"));
        if std::env::var_os("DESIST_STATS_PYTHON").is_some() {
            assert!(csv.contains("duckdb") && csv.contains("agree"), "{csv}");
        }
        if postgres.is_some() {
            let pg = line(&format!("cohort {rule}, PostgreSQL store"));
            assert!(pg.contains("psql") && pg.contains("agree"), "{pg}");
        }
    }
    assert!(line("reoffending by group, SQLite store").contains("rows"));
    if let Some((url, admin)) = postgres {
        support::drop_database(&admin, &url).await;
    }
}
