//! `desist bench zsm` end to end at a small scale, so the command cannot rot: it generates
//! cases, drives the board with wrk beside /healthz, times the metrics page, and reports JSON;
//! run again it reuses the cases. On SQLite, and on PostgreSQL when
//! `DESIST_TEST_DATABASE_URL` is set. Needs `wrk` (Debian: apt-get install wrk).

use serde_json::Value;
use std::process::Command;

fn bench(dir: &std::path::Path, url: &str) -> Value {
    let output = Command::new(env!("CARGO_BIN_EXE_desist"))
        .args(["bench", "zsm", "--open", "12", "--historic", "300", "--people", "1500", "--duration", "1s"])
        .args(["--connections", "4", "--threads", "1", "--metrics-requests", "3", "--pool", "4", "--format", "json"])
        .args(["--database-url", url])
        .current_dir(dir)
        .env_remove("DESIST_CONFIG")
        .env("DESIST_LOG", "warn")
        .output()
        .expect("desist runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
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
    let Some(admin) = std::env::var("DESIST_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        assert!(std::env::var("DESIST_REQUIRE_POSTGRES").is_err(), "DESIST_TEST_DATABASE_URL is not set");
        eprintln!("skipped: DESIST_TEST_DATABASE_URL is not set");
        return;
    };
    let name = format!("desist_bench_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    let base = admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(&admin);
    let url = format!("{base}/{name}");
    let dir = tempfile::tempdir().unwrap();
    let (first, second) = tokio::task::spawn_blocking({
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        move || (bench(&path, &url), bench(&path, &url))
    })
    .await
    .unwrap();
    assert_eq!(first["backend"], "postgres");
    check(&first, &second);
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)"))).execute(&pool).await.unwrap();
}
