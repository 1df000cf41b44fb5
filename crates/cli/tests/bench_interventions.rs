//! `desist bench interventions` end to end at a small scale, so the command cannot rot: 20
//! interventions, 300 referrals with 1,500 session records over 400 generated people (bulk
//! loaded), the finder and a provider's list under wrk for a second each beside /healthz, and
//! every wait recomputed; a second run reuses the data; the same once more on PostgreSQL when
//! one is configured. Needs `wrk` (skipped without it unless DESIST_REQUIRE_WRK is set, as in CI).

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
            .args(["bench", "interventions", "--scale", "tiny", "--interventions", "20", "--referrals", "300"])
            .args(["--sessions", "1500", "--people", "400"])
            .args(["--database-url", url, "--duration", "1s", "--connections", "4", "--threads", "1"])
            .args(["--format", "json"]),
    )
}

fn check(report: &Value) {
    assert_eq!((report["interventions"].as_u64(), report["referrals"].as_u64()), (Some(20), Some(300)));
    assert_eq!((report["sessions"].as_u64(), report["scale"].as_str()), (Some(1500), Some("tiny")));
    let routes: Vec<&str> = report["routes"].as_array().unwrap().iter().map(|r| r["route"].as_str().unwrap()).collect();
    assert_eq!(routes, vec!["/api/v1/interventions?person={id}", "/provider/referrals?view=waiting"]);
    for route in report["routes"].as_array().unwrap().iter().chain([&report["reference"]]) {
        assert!(route["requests"].as_u64().unwrap() > 0 && route["failed"].as_u64() == Some(0), "{route}");
    }
    assert!(report["waits_ms"].as_f64().unwrap() > 0.0);
    assert!(report["summary_rebuild_ms"].as_f64().unwrap() > 0.0);
    // CPU time per request of each route, in the order measured (a number on Linux).
    let cpu = report["server_cpu_ms_per_request"].as_array().unwrap();
    let measured: Vec<&str> = cpu.iter().map(|pair| pair[0].as_str().unwrap()).collect();
    assert_eq!(measured, vec!["/healthz", "/api/v1/interventions?person={id}", "/provider/referrals?view=waiting"]);
    if cfg!(target_os = "linux") {
        assert!(cpu.iter().all(|pair| pair[1].as_f64().is_some_and(|ms| ms >= 0.0)), "{cpu:?}");
    }
}

#[test]
fn bench_interventions_runs_end_to_end_and_reuses_its_data() {
    if !wrk_available() {
        eprintln!("skipped: wrk is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    check(&bench(dir.path(), &url));
    check(&bench(dir.path(), &url));
}

#[test]
fn bench_interventions_runs_end_to_end_on_postgres() {
    let Some(admin) = support::postgres_admin_url() else { return };
    if !wrk_available() {
        eprintln!("skipped: wrk is not installed");
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let url = runtime.block_on(support::create_database(&admin, "desist_bench_interventions"));
    let dir = tempfile::tempdir().unwrap();
    let report = bench(dir.path(), &url);
    check(&report);
    assert_eq!(report["backend"], "postgres");
    runtime.block_on(support::drop_database(&admin, &url));
}
