//! Running the `desist` binary as a user does, and a fresh PostgreSQL database for the commands
//! that take one. The test files stay binaries of their own: they run the binary rather than
//! link the application, and as separate binaries the long runs (the benchmarks under wrk, the
//! browser journeys) never run beside each other. So each file uses only part of this.

#![allow(dead_code, reason = "each test binary uses part of the shared support")]

use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// `desist` run in `dir`: no configuration file named by the environment, only warnings logged.
pub fn desist(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_desist"));
    command.current_dir(dir).env_remove("DESIST_CONFIG").env("DESIST_LOG", "warn");
    command
}

/// The JSON a run prints (`--format json`); the run must succeed.
pub fn json_report(command: &mut Command) -> Value {
    let output = command.output().expect("desist runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// The test PostgreSQL server named by `DESIST_TEST_DATABASE_URL`, or `None` (and a note that
/// the test is skipped) when none is configured.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("DESIST_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(std::env::var("DESIST_REQUIRE_POSTGRES").is_err(), "DESIST_TEST_DATABASE_URL is required");
            eprintln!("skipped: DESIST_TEST_DATABASE_URL is not set");
            None
        }
    }
}

/// A new, empty database `{prefix}_…` on the server at `admin`: its URL.
pub async fn create_database(admin: &str, prefix: &str) -> String {
    let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
    let pool = sqlx::PgPool::connect(admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(admin);
    format!("{base}/{name}")
}

/// Drops the database at `url` (made by `create_database`) on the server at `admin`.
pub async fn drop_database(admin: &str, url: &str) {
    let name = url.rsplit_once('/').map(|(_, name)| name).unwrap();
    let pool = sqlx::PgPool::connect(admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)"))).execute(&pool).await.unwrap();
    pool.close().await;
}
