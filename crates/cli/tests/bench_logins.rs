//! `desist bench logins` end to end at a small scale, so the command cannot rot: it starts the
//! server as a child, keeps wrong sign-ins in flight while a member's pages and /healthz are
//! timed, samples the server's memory and reports JSON. On SQLite, and on PostgreSQL when
//! `DESIST_TEST_DATABASE_URL` is set. The figures themselves are the benchmark's to judge.

mod support;

use serde_json::Value;

fn bench(dir: &std::path::Path, url: &str) -> Value {
    support::json_report(support::desist(dir).args([
        "bench",
        "logins",
        "--logins",
        "4,24",
        "--duration",
        "2s",
        "--format",
        "json",
        "--database-url",
        url,
    ]))
}

fn check(report: &Value) {
    let rounds = report["rounds"].as_array().unwrap();
    let concurrent: Vec<u64> = rounds.iter().map(|r| r["concurrent_logins"].as_u64().unwrap()).collect();
    assert_eq!(concurrent, [0, 4, 24], "a quiet round first: {report:#}");
    assert_eq!(rounds[0]["sign_ins"]["sent"], 0);
    for round in &rounds[1..] {
        let sign_ins = &round["sign_ins"];
        assert!(sign_ins["checked"].as_u64().unwrap() > 0, "{round:#}");
        assert_eq!(sign_ins["failed"], 0, "every sign-in answered 401 or 429: {round:#}");
    }
    for round in rounds {
        assert!(round["peak_rss_mib"].as_f64().unwrap() > 0.0, "{round:#}");
        assert!(round["members"]["requests"].as_u64().unwrap() > 0 && round["members"]["failed"] == 0, "{round:#}");
        assert!(round["healthz"]["requests"].as_u64().unwrap() > 0 && round["healthz"]["failed"] == 0, "{round:#}");
        assert!(round["members"]["p99_ms"].as_f64().unwrap() > 0.0);
    }
    assert!(report["server_peak_rss_mib"].as_f64().unwrap() > 0.0);
}

#[test]
fn bench_logins_runs_end_to_end_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let report = bench(dir.path(), &url);
    assert_eq!(report["backend"], "sqlite");
    check(&report);
}

#[tokio::test]
async fn bench_logins_runs_end_to_end_on_postgres() {
    let Some(admin) = support::postgres_admin_url() else { return };
    let url = support::create_database(&admin, "desist_bench").await;
    let dir = tempfile::tempdir().unwrap();
    let report = tokio::task::spawn_blocking({
        let (url, path) = (url.clone(), dir.path().to_path_buf());
        move || bench(&path, &url)
    })
    .await
    .unwrap();
    assert_eq!(report["backend"], "postgres");
    check(&report);
    support::drop_database(&admin, &url).await;
}
