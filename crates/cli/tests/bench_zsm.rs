//! `desist bench zsm` end to end at a small scale, so the command cannot rot: it generates
//! cases, drives the board with wrk beside /healthz, times the metrics page, and reports JSON;
//! run again it reuses the cases. On SQLite, and on PostgreSQL when
//! `DESIST_TEST_DATABASE_URL` is set. Needs `wrk` (Debian: apt-get install wrk).

mod support;

use serde_json::Value;

fn bench(dir: &std::path::Path, url: &str) -> Value {
    support::json_report(
        support::desist(dir)
            .args(["bench", "zsm", "--open", "12", "--historic", "300", "--people", "1500", "--duration", "1s"])
            .args([
                "--connections",
                "4",
                "--threads",
                "1",
                "--metrics-requests",
                "3",
                "--pool",
                "4",
                "--format",
                "json",
            ])
            .args(["--database-url", url]),
    )
}

fn check(first: &Value, second: &Value) {
    assert_eq!(first["cases_loaded_now"], 312, "{first:#}");
    for route in ["reference", "board"] {
        assert!(first[route]["requests"].as_u64().unwrap() > 0, "{route}: {first:#}");
        assert_eq!(first[route]["failed"], 0, "{route}: {first:#}");
    }
    assert!(first["board"]["throughput_ratio"].as_f64().unwrap() > 0.0);
    let metrics = &first["metrics"];
    // 300 decided cases over five years: about 60 in the last year.
    let cases = metrics["cases_in_period"].as_u64().unwrap();
    assert!((45..=75).contains(&cases), "{metrics:#}");
    assert_eq!(metrics["requests"], 3);
    assert!(metrics["median_ms"].as_f64().unwrap() > 0.0 && metrics["reference_median_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(second["cases_loaded_now"], 0, "the second run reuses the cases: {second:#}");
    assert_eq!(second["metrics"]["cases_in_period"], metrics["cases_in_period"]);
}

#[test]
fn bench_zsm_runs_end_to_end_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let first = bench(dir.path(), &url);
    assert_eq!(first["backend"], "sqlite");
    check(&first, &bench(dir.path(), &url));
}

#[tokio::test]
async fn bench_zsm_runs_end_to_end_on_postgres() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let url = support::create_database(&admin, "desist_bench").await;
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = tokio::task::spawn_blocking({
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        move || (bench(&path, &url), bench(&path, &url))
    })
    .await
    .unwrap();
    assert_eq!(first["backend"], "postgres");
    check(&first, &second);
    support::drop_database(&admin, &url).await;
}
