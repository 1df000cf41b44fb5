//! `desist bench sections` end to end at a small scale, so the command cannot rot: partners
//! save their own sections of open ZSM cases over HTTP at once, on SQLite and (when
//! `DESIST_TEST_DATABASE_URL` is set) PostgreSQL side by side in one run. The command itself
//! fails on any conflict, failure or lost update; this checks what it reports.

mod support;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_sections_saves_every_section_without_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = support::desist(dir.path());
    command.args(["bench", "sections", "--open", "12", "--partners", "8", "--rounds", "2", "--people", "300"]);
    command.args(["--pool", "4", "--format", "json"]);
    let postgres = match support::postgres_admin_url() {
        Some(admin) => Some((support::create_database(&admin, "desist_bench").await, admin)),
        None => None,
    };
    if let Some((url, _)) = &postgres {
        command.args(["--postgres-url", url]);
    }
    let report: Value = support::json_report(&mut command);
    let runs = report.as_array().unwrap();
    assert_eq!(runs.len(), if postgres.is_some() { 2 } else { 1 }, "{report:#}");
    for run in runs {
        // 12 cases × 4 partner sections × 2 rounds.
        assert_eq!(run["saves"], 96, "{run:#}");
        assert_eq!(
            (run["conflicts"].as_u64(), run["failures"].as_u64(), run["lost_updates"].as_u64()),
            (Some(0), Some(0), Some(0))
        );
        assert!(run["p99_ms"].as_f64().unwrap() > 0.0, "{run:#}");
        // The reference route ran in the same run, at the same concurrency.
        assert!(run["healthz_p99_ms"].as_f64().unwrap() > 0.0, "{run:#}");
        assert_eq!(run["healthz_failures"], 0, "{run:#}");
        assert!(run["p99_vs_healthz"].as_f64().unwrap() > 0.0, "{run:#}");
    }
    if let Some((url, admin)) = postgres {
        support::drop_database(&admin, &url).await;
    }
}
