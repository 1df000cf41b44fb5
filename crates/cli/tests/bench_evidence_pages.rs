//! `desist bench evidence-pages` end to end at a small scale, so the command cannot rot: the
//! demo's store with a generated extract on top, a fresh `desist serve`, each evidence page's
//! first and second view beside `/healthz`, and the server's peak memory — on SQLite and (when
//! `DESIST_TEST_DATABASE_URL` is set) on PostgreSQL in the same run.

mod support;

use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_evidence_pages_times_every_page_from_a_fresh_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = support::desist(dir.path());
    command.args(["bench", "evidence-pages", "--persons", "400", "--format", "json"]);
    let postgres = match support::postgres_admin_url() {
        Some(admin) => Some((support::create_database(&admin, "desist_bench_pages").await, admin)),
        None => None,
    };
    if let Some((url, _)) = &postgres {
        command.args(["--postgres-url", url]);
    }
    let report: Value = support::json_report(&mut command);
    assert!(report["persons"].as_u64().unwrap() >= 400, "{report:#}");
    assert!(report["offences"].as_u64().unwrap() > 400, "{report:#}");
    let runs = report["runs"].as_array().unwrap();
    let backends: Vec<&str> = runs.iter().map(|r| r["backend"].as_str().unwrap()).collect();
    let expected: &[&str] = if postgres.is_some() { &["SQLite", "PostgreSQL"] } else { &["SQLite"] };
    assert_eq!(backends, expected, "{report:#}");
    for run in runs {
        assert!(run["healthz_ms"].as_f64().unwrap() > 0.0, "{run:#}");
        let pages = run["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 9, "{run:#}");
        for page in pages {
            assert!(page["first_ms"].as_f64().unwrap() > 0.0, "{page:#}");
            assert!(page["second_ms"].as_f64().unwrap() > 0.0, "{page:#}");
            assert!(page["first_vs_healthz"].as_f64().unwrap() > 0.0, "{page:#}");
        }
        assert!(pages.iter().any(|p| p["path"] == "/api/v1/evidence/what-works?by=intervention"));
        // Linux tells a process's peak memory; the bench reads it before stopping the server.
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(run["server_peak_mib"].as_f64().unwrap() > 1.0, "{run:#}");
        }
    }
    if let Some((url, admin)) = postgres {
        support::drop_database(&admin, &url).await;
    }
}
