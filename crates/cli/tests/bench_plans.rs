//! `desist bench plans` end to end at a small scale, so the command cannot rot: 200 generated
//! plans of 10 tasks, the server under wrk for a second per route, the weekly review timed,
//! on SQLite and (when configured) PostgreSQL; a second run reuses the data. Needs `wrk`
//! (skipped without it unless DESIST_REQUIRE_WRK is set, as in CI).

mod support;

use serde_json::Value;
use std::process::Command;

fn wrk_available() -> bool {
    let found = Command::new("wrk").arg("--version").output().is_ok();
    assert!(found || std::env::var("DESIST_REQUIRE_WRK").is_err(), "wrk is required (DESIST_REQUIRE_WRK is set)");
    found
}

fn bench(dir: &std::path::Path, url: &str) -> Value {
    support::json_report(
        support::desist(dir)
            .args(["bench", "plans", "--plans", "200", "--database-url", url, "--duration", "1s"])
            .args(["--connections", "4", "--threads", "1", "--review-runs", "2", "--format", "json"]),
    )
}

fn check(report: &Value) {
    assert_eq!((report["plans"].as_u64(), report["tasks"].as_u64()), (Some(200), Some(2000)));
    assert!(report["plans_of_agency"].as_u64().unwrap() > 10, "{report}");
    let routes: Vec<&str> = report["routes"].as_array().unwrap().iter().map(|r| r["route"].as_str().unwrap()).collect();
    assert_eq!(routes, vec!["/tasks/agency", "/people/{id}/plan"]);
    for route in report["routes"].as_array().unwrap().iter().chain([&report["reference"]]) {
        assert!(route["requests"].as_u64().unwrap() > 0 && route["failed"].as_u64() == Some(0), "{route}");
        assert!(route["p99_ms"].as_f64().unwrap() >= route["p50_ms"].as_f64().unwrap());
    }
    assert!(report["routes"][0]["throughput_ratio"].as_f64().unwrap() > 0.0);
    assert_eq!(report["weekly_review"]["runs"].as_u64(), Some(2));
    assert!(report["weekly_review"]["median_ms"].as_f64().unwrap() > 0.0);
    assert!(report["weekly_review_ratio"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_plans_runs_end_to_end_on_sqlite_and_reuses_its_data() {
    if !wrk_available() {
        eprintln!("skipped: wrk is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let first = bench(dir.path(), &url);
    check(&first);
    assert_eq!(first["plans_loaded_now"].as_u64(), Some(200));
    let again = bench(dir.path(), &url);
    check(&again);
    assert_eq!(again["plans_loaded_now"].as_u64(), Some(0), "the second run reuses the plans");
}

#[test]
fn bench_plans_runs_end_to_end_on_postgres() {
    let Some(admin) = support::postgres_admin_url() else { return };
    if !wrk_available() {
        eprintln!("skipped: wrk is not installed");
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(support::create_database(&admin, "desist_bench_plans"));
    let dir = tempfile::tempdir().unwrap();
    let report = bench(dir.path(), &url);
    check(&report);
    assert_eq!(report["backend"], "postgres");
}
