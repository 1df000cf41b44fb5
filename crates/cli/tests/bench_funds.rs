//! `desist bench funds` end to end at a small scale, so the command cannot rot: clients post
//! transfers against a few hot accounts over HTTP, on SQLite and (when
//! `DESIST_TEST_DATABASE_URL` is set) PostgreSQL in one run. The command itself fails on any
//! invariant violation, failed transfer or retry answered differently; this checks the report.

mod support;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_funds_keeps_the_ledger_whole_under_concurrent_clients() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = support::desist(dir.path());
    command.args(["bench", "funds", "--transfers", "160", "--clients", "8", "--accounts", "5", "--people", "300"]);
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
        assert_eq!(
            (run["invariant_violations"].as_u64(), run["failures"].as_u64(), run["retry_mismatches"].as_u64()),
            (Some(0), Some(0), Some(0)),
            "{run:#}"
        );
        assert!(run["transfers"].as_u64().unwrap() >= 160, "{run:#}");
        assert!(run["p99_ms"].as_f64().unwrap() > 0.0 && run["healthz_p99_ms"].as_f64().unwrap() > 0.0, "{run:#}");
    }
    if let Some((url, admin)) = postgres {
        support::drop_database(&admin, &url).await;
    }
}
