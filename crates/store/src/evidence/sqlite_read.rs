//! The SQLite read path of the extract: each table stepped through the SQLite C API on a
//! connection whose handle is locked away from sqlx's worker (as the import does), its cells
//! read as borrowed bytes straight into the dataset builder.
//!
//! Through sqlx every one of a national extract's ten million offences became seven decoded
//! values, a `String` per text and a message per row between threads: ~22 s. SQLite's own
//! stepping over the same B-trees is a few seconds, and dates are parsed from their stored
//! `YYYY-MM-DD` text without building a calendar date first.

// The workspace denies unsafe code; this module is the second exception, beside the import.
#![allow(unsafe_code, reason = "the SQLite C API, kept behind Rows' safe interface")]

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::NonNull;

use ::evidence::dataset::{DatasetBuilder, Outcome, Sex};
use ::evidence::date::{Day, NO_DAY, parse_day};
use libsqlite3_sys as ffi;
use sqlx::sqlite::{LockedSqliteHandle, SqlitePool};

use crate::{corrupt, db_error};
use domain::ports::{StoreError, StoreResult};

/// A prepared query on a locked connection handle, finalised on drop.
struct Rows<'h> {
    db: NonNull<ffi::sqlite3>,
    stmt: NonNull<ffi::sqlite3_stmt>,
    _handle: PhantomData<&'h mut ()>,
}

fn last_error(db: NonNull<ffi::sqlite3>) -> StoreError {
    // SAFETY: `db` is an open connection; the message is copied before the next call on it.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }.to_string_lossy().into_owned();
    tracing::error!(%message, "database error reading the extract");
    StoreError::Database(format!("reading the extract: {message}"))
}

impl<'h> Rows<'h> {
    fn prepare(handle: &'h mut LockedSqliteHandle<'_>, sql: &str) -> StoreResult<Rows<'h>> {
        let db = handle.as_raw_handle();
        let length = c_int::try_from(sql.len()).map_err(|_| StoreError::Database("statement too long".into()))?;
        let mut stmt = std::ptr::null_mut();
        // SAFETY: the handle is locked for us, `sql` is valid for `length` bytes, and `stmt`
        // receives the new statement or null.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(db.as_ptr(), sql.as_ptr().cast(), length, &mut stmt, std::ptr::null_mut())
        };
        match NonNull::new(stmt) {
            Some(stmt) if rc == ffi::SQLITE_OK => Ok(Rows { db, stmt, _handle: PhantomData }),
            _ => Err(last_error(db)),
        }
    }

    /// Steps to the next row; false after the last.
    fn next(&mut self) -> StoreResult<bool> {
        // SAFETY: a live prepared statement on a connection that is ours while locked.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => Err(last_error(self.db)),
        }
    }

    /// Column `i` of the current row as bytes (empty for NULL). Borrowed until the next step,
    /// which needs `&mut self`.
    fn bytes(&self, i: c_int) -> &[u8] {
        // SAFETY: the statement is on a row (after `next` answered true); the pointer from
        // sqlite3_column_text is valid for sqlite3_column_bytes bytes until the next step or
        // reset, and `&self` keeps both from happening while the slice lives.
        unsafe {
            let text = ffi::sqlite3_column_text(self.stmt.as_ptr(), i);
            if text.is_null() {
                return &[];
            }
            let length = ffi::sqlite3_column_bytes(self.stmt.as_ptr(), i);
            std::slice::from_raw_parts(text, length.max(0) as usize)
        }
    }

    fn text(&self, i: c_int) -> StoreResult<&str> {
        std::str::from_utf8(self.bytes(i)).map_err(|e| corrupt("text", e))
    }

    /// A stored date (`YYYY-MM-DD`), `NO_DAY` for NULL.
    fn day(&self, i: c_int) -> StoreResult<Day> {
        let bytes = self.bytes(i);
        if bytes.is_empty() {
            return Ok(NO_DAY);
        }
        parse_day(bytes).ok_or_else(|| corrupt("date", String::from_utf8_lossy(bytes)))
    }

    fn int_or_zero(&self, i: c_int) -> i64 {
        // SAFETY: as in `bytes`; NULL reads as 0.
        unsafe { ffi::sqlite3_column_int64(self.stmt.as_ptr(), i) }
    }
}

impl Drop for Rows<'_> {
    fn drop(&mut self) {
        // SAFETY: prepared by `prepare`, finalised once, here.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}

/// Reads the three tables into `b`, in one read transaction so they agree with each other.
pub(super) async fn read(pool: &SqlitePool, b: &mut DatasetBuilder) -> StoreResult<()> {
    let mut conn = pool.acquire().await.map_err(db_error)?;
    let mut handle = conn.lock_handle().await.map_err(db_error)?;
    exec(&mut handle, "BEGIN")?;
    let result = read_tables(&mut handle, b);
    let ended = exec(&mut handle, "COMMIT");
    result.and(ended)
}

fn exec(handle: &mut LockedSqliteHandle<'_>, sql: &str) -> StoreResult<()> {
    let mut rows = Rows::prepare(handle, sql)?;
    while rows.next()? {}
    Ok(())
}

fn read_tables(handle: &mut LockedSqliteHandle<'_>, b: &mut DatasetBuilder) -> StoreResult<()> {
    let mut rows =
        Rows::prepare(handle, "SELECT source_id, birth_date, sex, area FROM evidence_person ORDER BY source_id")?;
    while rows.next()? {
        let sex = Sex::parse(rows.bytes(2)).ok_or_else(|| corrupt("sex", String::from_utf8_lossy(rows.bytes(2))))?;
        b.person(rows.text(0)?, rows.day(1)?, sex, rows.text(3)?).map_err(|e| corrupt("person", e))?;
    }
    drop(rows);
    let mut rows = Rows::prepare(
        handle,
        "SELECT source_id, person_id, offence_date, outcome_date, outcome, offence_type, seriousness \
         FROM evidence_offence",
    )?;
    while rows.next()? {
        let outcome =
            Outcome::parse(rows.bytes(4)).ok_or_else(|| corrupt("outcome", String::from_utf8_lossy(rows.bytes(4))))?;
        let seriousness = rows.int_or_zero(6).clamp(0, 10) as u8;
        b.offence(rows.text(0)?, rows.text(1)?, rows.day(2)?, rows.day(3)?, outcome, rows.text(5)?, seriousness)
            .map_err(|e| corrupt("offence", e))?;
    }
    drop(rows);
    let mut rows = Rows::prepare(handle, "SELECT person_id, index_date, kind, group_label FROM evidence_index_event")?;
    while rows.next()? {
        b.index_event(rows.text(0)?, rows.day(1)?, rows.text(2)?, rows.text(3)?)
            .map_err(|e| corrupt("index event", e))?;
    }
    Ok(())
}
