//! Backups of the embedded store. `backup` copies a SQLite database while it serves, through
//! SQLite's online backup API (page by page, each step under a read lock, so the copy is one
//! consistent state even while members write); `restore` checks a backup first — a desist
//! database, intact, not written by a newer desist — and then copies it into the database the
//! same way. PostgreSQL has its own tools for both (`pg_dump` / `pg_restore`, see the README).

use crate::{SQLITE_APPLICATION_ID, SQLITE_MIGRATIONS};
use domain::ports::{StoreError, StoreResult};
use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Pages copied per step; between steps writers may go on.
const PAGES_PER_STEP: std::ffi::c_int = 1024;

/// What a checked backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCheck {
    /// Migrations applied in the backup (of those this desist knows).
    pub migrations: usize,
    pub people: i64,
}

fn sqlite_path(database_url: &str) -> StoreResult<PathBuf> {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .filter(|p| !p.contains(":memory:"))
        .ok_or_else(|| {
            StoreError::Database(
                "backup and restore work on the embedded SQLite store; for PostgreSQL use pg_dump and pg_restore"
                    .into(),
            )
        })?;
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn sqlite_error(what: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::Database(format!("{what}: {e}"))
}

fn copy(from: &Connection, to: &mut Connection) -> StoreResult<()> {
    let backup = Backup::new(from, to).map_err(sqlite_error("starting the copy"))?;
    backup.run_to_completion(PAGES_PER_STEP, Duration::from_millis(5), None).map_err(sqlite_error("copying"))
}

/// Copies the database at `database_url` to a new file `to` while it may be serving.
pub async fn backup(database_url: &str, to: &Path) -> StoreResult<BackupCheck> {
    let from = sqlite_path(database_url)?;
    let to = to.to_path_buf();
    tokio::task::spawn_blocking(move || {
        if to.exists() {
            return Err(StoreError::AlreadyExists(format!("{} (a backup never overwrites a file)", to.display())));
        }
        let source = Connection::open_with_flags(&from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(sqlite_error("opening the database"))?;
        let mut target = Connection::open(&to).map_err(sqlite_error("creating the backup"))?;
        copy(&source, &mut target)?;
        drop(target);
        check(&to)
    })
    .await
    .map_err(|e| StoreError::Database(format!("backup: {e}")))?
}

/// Checks the backup at `path` without changing it: a desist database, intact, and not newer
/// than this desist.
pub fn check(path: &Path) -> StoreResult<BackupCheck> {
    let refuse = |why: String| StoreError::NotDesistDatabase(format!("{}: {why}", path.display()));
    if !path.is_file() {
        return Err(refuse("no such file".into()));
    }
    let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| refuse(format!("cannot be opened ({e})")))?;
    let application_id: i64 = db
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(|_| refuse("not a SQLite database".into()))?;
    if application_id != SQLITE_APPLICATION_ID {
        return Err(refuse("not a desist database".into()));
    }
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| refuse(format!("the integrity check failed ({e})")))?;
    if integrity != "ok" {
        return Err(refuse(format!("damaged: {integrity}")));
    }
    let known: Vec<i64> = SQLITE_MIGRATIONS.iter().map(|m| m.version).collect();
    let mut statement = db
        .prepare("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
        .map_err(|_| refuse("it has no migration history".into()))?;
    let applied: Vec<i64> = statement
        .query_map([], |row| row.get(0))
        .and_then(|rows| rows.collect())
        .map_err(|e| refuse(format!("its migration history cannot be read ({e})")))?;
    if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
        return Err(refuse(format!("it was written by a newer desist (migration {newer}); upgrade desist first")));
    }
    let people: i64 = db.query_row("SELECT count(*) FROM person", [], |row| row.get(0)).unwrap_or(0);
    Ok(BackupCheck { migrations: applied.len(), people })
}

/// Replaces the database at `database_url` with the checked backup at `from`. Stop the servers
/// first: they keep parsed records and sessions in memory.
pub async fn restore(database_url: &str, from: &Path) -> StoreResult<BackupCheck> {
    let to = sqlite_path(database_url)?;
    let from = from.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let checked = check(&from)?;
        let source = Connection::open_with_flags(&from, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(sqlite_error("opening the backup"))?;
        let mut target = Connection::open(&to).map_err(sqlite_error("opening the database"))?;
        target.busy_timeout(Duration::from_secs(10)).map_err(sqlite_error("waiting for the database"))?;
        copy(&source, &mut target)?;
        Ok(checked)
    })
    .await
    .map_err(|e| StoreError::Database(format!("restore: {e}")))?
}
