//! Where a test's database lives, removed when the test ends: a temporary directory for SQLite,
//! a database of its own on the PostgreSQL test server. A failed test keeps its PostgreSQL
//! database so it can be inspected; the name is printed.

use std::path::Path;

pub enum Scratch {
    Dir(tempfile::TempDir),
    Database { admin: String, name: String },
}

impl Scratch {
    /// A temporary directory and the SQLite URL of a database file in it.
    pub fn sqlite() -> (String, Scratch) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("desist.db").display());
        (url, Scratch::Dir(dir))
    }

    /// A new database `{prefix}_…` on the server at `admin`, and its URL.
    pub async fn postgres(admin: &str, prefix: &str) -> (String, Scratch) {
        let name = format!("{prefix}_{}", uuid::Uuid::now_v7().simple());
        let pool = sqlx::PgPool::connect(admin).await.expect("connect to DESIST_TEST_DATABASE_URL");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&pool).await.unwrap();
        pool.close().await;
        let base = admin.rsplit_once('/').map(|(base, _)| base).unwrap_or(admin);
        (format!("{base}/{name}"), Scratch::Database { admin: admin.to_string(), name })
    }

    pub fn dir(&self) -> Option<&Path> {
        match self {
            Scratch::Dir(dir) => Some(dir.path()),
            Scratch::Database { .. } => None,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let Scratch::Database { admin, name } = self else { return };
        if std::thread::panicking() {
            eprintln!("kept database {name} of the failed test");
            return;
        }
        // Drop runs inside the test's runtime, which cannot be blocked on; a thread with a
        // runtime of its own removes the database (FORCE ends the test's open connections).
        let (admin, name) = (admin.clone(), name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            runtime.block_on(async {
                let pool = sqlx::PgPool::connect(&admin).await?;
                let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&pool).await?;
                pool.close().await;
                Ok::<_, sqlx::Error>(())
            })
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop a test database: {error}");
        }
    }
}
