//! The SQLite import path: one prepared upsert of `BATCH_ROWS` rows per table (`?`
//! parameters, bound by position), bound and stepped straight through the SQLite C API, inside
//! the one `BEGIN IMMEDIATE` transaction that sqlx opened; what derives from a table loaded
//! from empty (its secondary indexes; for the offences, the table of offences by person that
//! triggers keep otherwise) is made after the load, and the connection loads through a
//! rollback journal with a large page cache when it has the file to itself.
//!
//! Going through sqlx costs more than SQLite's own work here: every value becomes an
//! `Arc<String>`, every statement is a message to the connection's worker thread, and a
//! multi-row `VALUES` list with `$n` parameters is resolved by name at quadratic cost. So the
//! connection's handle is locked away from sqlx's worker (`lock_handle`, made for this) for
//! the duration of the load, and the few unsafe calls are kept in [`Upsert`], whose safe API
//! binds borrowed cells only for the duration of one step.

// The workspace denies unsafe code; this module is the one exception, for the reasons above.
#![allow(unsafe_code, reason = "the SQLite C API, kept behind Upsert's safe interface")]

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::NonNull;

use libsqlite3_sys as ffi;
use sqlx::sqlite::{LockedSqliteHandle, SqliteConnection, SqlitePool};
use sqlx::{AssertSqlSafe, Connection};

use super::import::{ImportOf, PROGRESS_EVERY, Progress, insert_record, source_error};
use super::rows::{Cell, EventRows, OffenceByPersonRows, OffenceRows, PersonRows, Table, Texts};
use crate::db_error;
use ::evidence::extract::{ExtractSource, Tally};
use domain::ports::{StoreError, StoreResult};

/// A prepared statement on a locked connection handle, finalised on drop.
struct Upsert<'h> {
    db: NonNull<ffi::sqlite3>,
    stmt: NonNull<ffi::sqlite3_stmt>,
    /// The statement must not outlive the lock on the handle it was prepared on.
    _handle: PhantomData<&'h mut ()>,
}

/// The connection's last error message.
fn last_error(db: NonNull<ffi::sqlite3>, what: &str) -> StoreError {
    // SAFETY: `db` is an open connection; sqlite3_errmsg returns a NUL-terminated string that
    // stays valid until the next call on it, and it is copied before that.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }.to_string_lossy().into_owned();
    tracing::error!(%message, what, "database error");
    StoreError::Database(format!("{what}: {message}"))
}

impl<'h> Upsert<'h> {
    fn prepare(handle: &'h mut LockedSqliteHandle<'_>, sql: &str) -> StoreResult<Upsert<'h>> {
        let db = handle.as_raw_handle();
        let length = c_int::try_from(sql.len()).map_err(|_| StoreError::Database("statement too long".into()))?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is locked for us (sqlx's worker makes no calls on it meanwhile),
        // `sql` is valid for `length` bytes, and `stmt` receives the new statement or null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db.as_ptr(), sql.as_ptr().cast(), length, &mut stmt, std::ptr::null_mut())
        };
        match NonNull::new(stmt) {
            Some(stmt) if rc == ffi::SQLITE_OK => Ok(Upsert { db, stmt, _handle: PhantomData }),
            _ => Err(last_error(db, "preparing the import")),
        }
    }

    /// Binds the cells of one statement (one or more rows), runs it and gives the number of rows it changed.
    /// The cells are bound without copying (`SQLITE_STATIC`): they are borrowed for this call
    /// only, and the bindings are cleared before it returns.
    fn run(&mut self, cells: &[Cell<'_>]) -> StoreResult<u64> {
        let stmt = self.stmt.as_ptr();
        let mut rc = ffi::SQLITE_OK;
        for (index, cell) in (1..).zip(cells) {
            // SAFETY: `stmt` is a live prepared statement with `cells.len()` parameters; a text
            // pointer is valid for its length until the bindings are cleared below.
            rc = unsafe {
                match *cell {
                    Cell::Null => ffi::sqlite3_bind_null(stmt, index),
                    Cell::Int(value) => ffi::sqlite3_bind_int64(stmt, index, value),
                    Cell::Text(text) => match c_int::try_from(text.len()) {
                        Ok(length) => {
                            ffi::sqlite3_bind_text(stmt, index, text.as_ptr().cast(), length, ffi::SQLITE_STATIC())
                        }
                        Err(_) => ffi::SQLITE_TOOBIG,
                    },
                }
            };
            if rc != ffi::SQLITE_OK {
                break;
            }
        }
        let (stepped, changes) = if rc == ffi::SQLITE_OK {
            // SAFETY: every parameter is bound; the connection is ours while the handle is locked.
            unsafe { (ffi::sqlite3_step(stmt), ffi::sqlite3_changes(self.db.as_ptr())) }
        } else {
            (rc, 0)
        };
        let result =
            if stepped == ffi::SQLITE_DONE { Ok(changes.max(0) as u64) } else { Err(last_error(self.db, "import")) };
        // SAFETY: resetting and clearing a live statement; afterwards it holds no borrowed text.
        unsafe {
            ffi::sqlite3_reset(stmt);
            ffi::sqlite3_clear_bindings(stmt);
        }
        result
    }
}

impl Drop for Upsert<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement was prepared by `prepare` and is finalised once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// Rows per `INSERT … VALUES (…), (…), …` statement, saving a step and a reset per row.
/// A `CHECK (column IN (…))` of more than two values costs SQLite a temporary B-tree built
/// for the statement, and even 64 rows per statement left it at half the time of loading
/// offences (512 and 4,000 rows did no better): migration 0018 writes the outcome check as
/// comparisons joined by `OR` instead. Persons keep their four-value `sex IN (…)` check (a
/// tenth of the rows; rebuilding the table every other table references was not worth it).
const BATCH_ROWS: usize = 64;

/// Writes every row of `rows` into `T`'s table; the rows inserted or changed. Into an empty
/// table a plain `INSERT` does what the upsert would (the rows have no repeated keys)
/// without its conflict handling.
fn load_table<const W: usize, T: Table<W>>(
    handle: &mut LockedSqliteHandle<'_>,
    texts: &Texts,
    rows: impl Iterator<Item = ::evidence::Result<T::Row>>,
    empty: bool,
    progress: Progress<'_>,
) -> StoreResult<u64> {
    let conflict = if empty { "" } else { T::CONFLICT };
    let row = format!("({})", vec!["?"; W].join(", "));
    let sql = |rows: usize| {
        format!("INSERT INTO {} ({}) VALUES {}{conflict}", T::NAME, T::COLUMNS, vec![row.as_str(); rows].join(", "))
    };
    let (mut written, mut unreported) = (0, 0);
    let mut pending: Vec<T::Row> = Vec::with_capacity(BATCH_ROWS);
    let mut batch = Upsert::prepare(handle, &sql(BATCH_ROWS))?;
    for row in rows {
        pending.push(row.map_err(source_error)?);
        if pending.len() < BATCH_ROWS {
            continue;
        }
        let bound: Vec<Cell<'_>> = pending.iter().flat_map(|row| T::cells(texts, row)).collect();
        written += batch.run(&bound)?;
        drop(bound);
        pending.clear();
        unreported += BATCH_ROWS;
        if unreported >= PROGRESS_EVERY {
            progress(unreported as u64);
            unreported = 0;
        }
    }
    drop(batch);
    let mut single = Upsert::prepare(handle, &sql(1))?;
    for row in &pending {
        written += single.run(&T::cells(texts, row))?;
    }
    progress((unreported + pending.len()) as u64);
    Ok(written)
}

/// What a statement on `tables` made besides the tables themselves — their secondary indexes
/// and triggers — as (kind, name, the statement that makes it again).
async fn derived_objects(conn: &mut SqliteConnection, tables: &[&str]) -> StoreResult<Vec<(String, String, String)>> {
    let mut found = Vec::new();
    for table in tables {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = $1 \
             AND sql IS NOT NULL ORDER BY type, name",
        )
        .bind(*table)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_error)?;
        found.extend(rows);
    }
    Ok(found)
}

async fn is_empty(conn: &mut SqliteConnection, table: &str) -> StoreResult<bool> {
    let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT 1)");
    let rows: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).fetch_one(&mut *conn).await.map_err(db_error)?;
    Ok(rows == 0)
}

/// Upserts the extract and records the import in one `BEGIN IMMEDIATE` transaction; the
/// rows inserted or changed, and the source's tally. Blocks the calling thread while SQLite works (seconds for a
/// national extract): imports run from the command line, not from request handlers.
///
/// Foreign keys are not checked row by row: every offence and index event of a source
/// points at a person of the same source (by position), and all its persons are written
/// first in the same transaction, so an import cannot break them, while checking costs a
/// second B-tree search and a statement journal per row. The pragma does nothing inside a
/// transaction, so it is turned off before `BEGIN` and back on after, whatever happened; a
/// connection where that fails is closed rather than returned to the pool.
///
/// For the load the connection also gets a larger page cache (`BULK_CACHE_SIZE`) and, when no other connection has the file open,
/// a rollback journal instead of the write-ahead log: in WAL mode every page of the
/// transaction is written twice (to the log, then checkpointed into the file) and pages
/// spilled from the cache are read back through the log's index, while a rollback journal
/// keeps only the pages the import overwrites — none for pages it adds to the end of the
/// file, which is all of them on a first import. All-or-nothing holds in both modes: a killed
/// import leaves a hot journal (or an uncommitted log) that the next open rolls back.
pub(super) async fn import(
    pool: &SqlitePool,
    extract: &mut dyn ExtractSource,
    texts: &Texts,
    of: ImportOf<'_>,
    progress: Progress<'_>,
) -> StoreResult<(u64, Tally)> {
    let mut conn = pool.acquire().await.map_err(db_error)?;
    for pragma in ["PRAGMA foreign_keys = OFF", BULK_CACHE_SIZE] {
        sqlx::query(pragma).execute(&mut *conn).await.map_err(db_error)?;
    }
    // Answers the journal mode now in force; refused (busy) or still "wal" when another
    // connection holds the file open (a running server): the import then goes through the log.
    let mode: String =
        sqlx::query_scalar("PRAGMA journal_mode = DELETE").fetch_one(&mut *conn).await.unwrap_or_else(|_| "wal".into());
    let result = write(&mut conn, extract, texts, of, progress).await;
    let restore = format!("PRAGMA cache_size = {}", crate::SQLITE_CACHE_SIZE);
    let mut restored = sqlx::query(AssertSqlSafe(restore)).execute(&mut *conn).await.is_ok()
        && sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await.is_ok();
    // Only a file switched here goes back (an in-memory database answers "memory").
    if mode == "delete" {
        let back: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = WAL").fetch_one(&mut *conn).await;
        restored &= back.is_ok_and(|m| m == "wal");
    }
    if !restored {
        conn.close_on_drop();
    }
    result
}

/// Writes the tables; the rows inserted or changed, and whether the table of offences by
/// person was loaded (it is only from empty, and only when the source sorted them so).
fn load_tables(
    handle: &mut LockedSqliteHandle<'_>,
    extract: &mut dyn ExtractSource,
    texts: &Texts,
    [persons_empty, offences_empty, events_empty]: [bool; 3],
    progress: Progress<'_>,
) -> StoreResult<(u64, bool)> {
    let persons = (0..texts.person_count() as u32).map(Ok);
    let mut written = load_table::<4, PersonRows>(handle, texts, persons, persons_empty, progress)?;
    let events = extract.index_events().map_err(source_error)?;
    written += load_table::<5, EventRows>(handle, texts, events, events_empty, progress)?;
    let offences = extract.offences_by_id().map_err(source_error)?;
    written += load_table::<7, OffenceRows>(handle, texts, offences, offences_empty, progress)?;
    if !offences_empty {
        return Ok((written, false));
    }
    // Not counted as progress: the offences were.
    match extract.offences_by_person().map_err(source_error)? {
        Some(by_person) => {
            load_table::<2, OffenceByPersonRows>(handle, texts, by_person, true, &|_| {})?;
            Ok((written, true))
        }
        None => Ok((written, false)),
    }
}

/// The page cache during an import (negative: KiB): 256 MiB.
const BULK_CACHE_SIZE: &str = "PRAGMA cache_size = -262144";

async fn write(
    conn: &mut SqliteConnection,
    extract: &mut dyn ExtractSource,
    texts: &Texts,
    of: ImportOf<'_>,
    progress: Progress<'_>,
) -> StoreResult<(u64, Tally)> {
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
    let empty = [
        is_empty(&mut tx, PersonRows::NAME).await?,
        is_empty(&mut tx, OffenceRows::NAME).await? && is_empty(&mut tx, OffenceByPersonRows::NAME).await?,
        is_empty(&mut tx, EventRows::NAME).await?,
    ];
    // What derives from a table loaded from empty is made after the load, in one go, instead
    // of row by row: its secondary indexes by one sort each, and the offences by person (which
    // the offence triggers would fill row by row) appended in key order. All inside the
    // transaction, so a killed import leaves them as they were.
    let tables: Vec<&str> = [PersonRows::NAME, OffenceRows::NAME, EventRows::NAME]
        .into_iter()
        .zip(empty)
        .filter(|t| t.1)
        .map(|t| t.0)
        .collect();
    let derived = derived_objects(&mut tx, &tables).await?;
    for (kind, name, _) in &derived {
        let drop = format!("DROP {} \"{name}\"", if kind == "trigger" { "TRIGGER" } else { "INDEX" });
        sqlx::query(AssertSqlSafe(drop)).execute(&mut *tx).await.map_err(db_error)?;
    }
    let (written, by_person_loaded) = {
        let mut handle = tx.lock_handle().await.map_err(db_error)?;
        load_tables(&mut handle, extract, texts, empty, progress)?
    };
    // A source that did not sort its offences by person: SQLite's sorter makes that table.
    if empty[1] && !by_person_loaded {
        let fill = "INSERT INTO evidence_offence_by_person (person_id, source_id) \
                    SELECT person_id, source_id FROM evidence_offence ORDER BY person_id, source_id";
        sqlx::query(fill).execute(&mut *tx).await.map_err(db_error)?;
    }
    let tally = extract.finish().map_err(source_error)?;
    for (_, _, create) in derived {
        sqlx::query(AssertSqlSafe(create)).execute(&mut *tx).await.map_err(db_error)?;
    }
    insert_record!(tx, of, tally, written);
    sqlx::query(super::BUMP_GENERATION).execute(&mut *tx).await.map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    Ok((written, tally))
}
