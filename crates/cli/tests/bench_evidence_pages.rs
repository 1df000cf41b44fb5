//! `desist bench evidence-pages` end to end at a small scale, so the command cannot rot: the
//! demo's store with a generated extract on top, a fresh `desist serve`, each evidence page's
//! first and second view beside `/healthz`, and the server's peak memory.

mod support;

use serde_json::Value;

#[test]
fn bench_evidence_pages_times_every_page_from_a_fresh_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut command = support::desist(dir.path());
    command.args(["bench", "evidence-pages", "--persons", "400", "--format", "json"]);
    let report: Value = support::json_report(&mut command);
    assert!(report["persons"].as_u64().unwrap() >= 400, "{report:#}");
    assert!(report["offences"].as_u64().unwrap() > 400, "{report:#}");
    assert!(report["healthz_ms"].as_f64().unwrap() > 0.0, "{report:#}");
    let pages = report["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 9, "{report:#}");
    for page in pages {
        assert!(page["first_ms"].as_f64().unwrap() > 0.0, "{page:#}");
        assert!(page["second_ms"].as_f64().unwrap() > 0.0, "{page:#}");
        assert!(page["first_vs_healthz"].as_f64().unwrap() > 0.0, "{page:#}");
    }
    assert!(pages.iter().any(|p| p["path"] == "/api/v1/evidence/what-works?by=intervention"));
    // Linux tells a process's peak memory; the bench reads it before stopping the server.
    if std::path::Path::new("/proc/self/status").exists() {
        assert!(report["server_peak_mib"].as_f64().unwrap() > 1.0, "{report:#}");
    }
}
