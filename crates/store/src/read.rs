//! Reads written once for both databases, run on SQLite without a thread hop.
//!
//! sqlx drives each SQLite connection from its own worker thread: every statement is a
//! message to that thread and every result row a message back, each a futex wake-up. On the
//! hot pages (the person page, search, the ZSM board, task lists) profiling showed more than
//! half of the CPU in those hand-offs and under 5% in SQLite itself. So the reads of those
//! pages go through [`Store::read_all`] and friends: on a SQLite file they run on the calling
//! thread, on a small pool of read-only connections of the same SQLite library (rusqlite over
//! the `libsqlite3-sys` that sqlx links); on PostgreSQL (and an in-memory SQLite, which only
//! its one sqlx connection can see) they go through sqlx as before. The SQL text is the same
//! for both (`$n` placeholders, which SQLite reads as parameters named `$n`); rows come back as
//! tuples of column types both paths decode, or as structs declared with `read_row_struct!`
//! (rows wider than a handful of columns), so each query and its decoding is written once.
//!
//! The reads are short (index lookups of a page's worth of rows), so running them on an async
//! worker thread costs less than handing them to another thread; writes stay on sqlx, in
//! transactions, behind the store's write queue.

use crate::types::{Day, Instant};
use crate::{Pool, Store, db_error};
use domain::ports::{StoreError, StoreResult};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use uuid::Uuid;

/// A bound value of a read.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Param<'a> {
    Uuid(Uuid),
    Text(&'a str),
    Int(i64),
    Bool(bool),
    Instant(Instant),
    Day(Day),
    Null,
}

impl From<Uuid> for Param<'_> {
    fn from(value: Uuid) -> Self {
        Param::Uuid(value)
    }
}
impl<'a> From<&'a str> for Param<'a> {
    fn from(value: &'a str) -> Self {
        Param::Text(value)
    }
}
impl<'a> From<&'a String> for Param<'a> {
    fn from(value: &'a String) -> Self {
        Param::Text(value)
    }
}
impl From<i64> for Param<'_> {
    fn from(value: i64) -> Self {
        Param::Int(value)
    }
}
impl From<bool> for Param<'_> {
    fn from(value: bool) -> Self {
        Param::Bool(value)
    }
}
impl From<Instant> for Param<'_> {
    fn from(value: Instant) -> Self {
        Param::Instant(value)
    }
}
impl From<Day> for Param<'_> {
    fn from(value: Day) -> Self {
        Param::Day(value)
    }
}
impl<'a, T: Into<Param<'a>>> From<Option<T>> for Param<'a> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Param::Null, Into::into)
    }
}

/// `[a.into(), b.into(), …]` as a slice of [`Param`]s.
macro_rules! params {
    ($($value:expr),* $(,)?) => { &[$($crate::read::Param::from($value)),*][..] };
}
pub(crate) use params;

impl ToSql for Param<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Param::Uuid(value) => ToSqlOutput::Borrowed(ValueRef::Blob(value.as_bytes())),
            Param::Text(value) => ToSqlOutput::Borrowed(ValueRef::Text(value.as_bytes())),
            Param::Int(value) => ToSqlOutput::from(*value),
            Param::Bool(value) => ToSqlOutput::from(*value),
            Param::Instant(value) => ToSqlOutput::from(value.0.as_microsecond()),
            Param::Day(value) => ToSqlOutput::from(value.0.to_string()),
            Param::Null => ToSqlOutput::from(rusqlite::types::Null),
        })
    }
}

impl FromSql for Instant {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let micros = i64::column_result(value)?;
        jiff::Timestamp::from_microsecond(micros).map(Instant).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str()?.parse().map(Day).map_err(|e: jiff::Error| FromSqlError::Other(Box::new(e)))
    }
}

/// A column type both read paths decode.
pub(crate) trait Column:
    FromSql
    + for<'r> sqlx::Decode<'r, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
    + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
{
}
impl<T> Column for T where
    T: FromSql
        + for<'r> sqlx::Decode<'r, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
        + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
{
}

/// A result row, or a run of its columns, decoded by position: a tuple of [`Column`]s, a
/// struct declared with `read_row_struct!`, an `Option` of one (`None` when its first column
/// is NULL: the empty side of a LEFT JOIN), or two runs side by side ([`Joined`]).
pub(crate) trait ReadRow: Sized {
    /// Columns taken.
    const WIDTH: usize;
    fn rusqlite_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self>;
    fn pg_at(row: &PgRow, start: usize) -> sqlx::Result<Self>;
    fn sqlx_sqlite_at(row: &SqliteRow, start: usize) -> sqlx::Result<Self>;

    fn from_rusqlite(row: &rusqlite::Row<'_>) -> rusqlite::Result<Self> {
        Self::rusqlite_at(row, 0)
    }
    fn from_pg(row: &PgRow) -> sqlx::Result<Self> {
        Self::pg_at(row, 0)
    }
    fn from_sqlx_sqlite(row: &SqliteRow) -> sqlx::Result<Self> {
        Self::sqlx_sqlite_at(row, 0)
    }
}

macro_rules! read_row_tuple {
    ($width:literal: $($index:tt $column:ident),+) => {
        impl<$($column: Column),+> ReadRow for ($($column,)+) {
            const WIDTH: usize = $width;
            fn rusqlite_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self> {
                Ok(($(row.get::<_, $column>(start + $index)?,)+))
            }
            // Unchecked: the check compares (and clones) the column's type description for
            // every value, a tenth of a person page's CPU here; each query's tuple is written
            // for its own columns and decoded by both backends' tests, and decoding still
            // refuses a value of the wrong shape.
            fn pg_at(row: &PgRow, start: usize) -> sqlx::Result<Self> {
                Ok(($(row.try_get_unchecked::<$column, _>(start + $index)?,)+))
            }
            fn sqlx_sqlite_at(row: &SqliteRow, start: usize) -> sqlx::Result<Self> {
                Ok(($(row.try_get::<$column, _>(start + $index)?,)+))
            }
        }
    };
}

impl<T: ReadRow> ReadRow for Option<T> {
    const WIDTH: usize = T::WIDTH;
    fn rusqlite_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self> {
        if row.get_ref(start)? == ValueRef::Null { Ok(None) } else { T::rusqlite_at(row, start).map(Some) }
    }
    fn pg_at(row: &PgRow, start: usize) -> sqlx::Result<Self> {
        if sqlx::ValueRef::is_null(&row.try_get_raw(start)?) { Ok(None) } else { T::pg_at(row, start).map(Some) }
    }
    fn sqlx_sqlite_at(row: &SqliteRow, start: usize) -> sqlx::Result<Self> {
        if sqlx::ValueRef::is_null(&row.try_get_raw(start)?) {
            Ok(None)
        } else {
            T::sqlx_sqlite_at(row, start).map(Some)
        }
    }
}

/// Two runs of columns side by side: `A`'s first, then `B`'s.
#[derive(Debug)]
pub(crate) struct Joined<A, B>(pub A, pub B);

impl<A: ReadRow, B: ReadRow> ReadRow for Joined<A, B> {
    const WIDTH: usize = A::WIDTH + B::WIDTH;
    fn rusqlite_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self> {
        Ok(Joined(A::rusqlite_at(row, start)?, B::rusqlite_at(row, start + A::WIDTH)?))
    }
    fn pg_at(row: &PgRow, start: usize) -> sqlx::Result<Self> {
        Ok(Joined(A::pg_at(row, start)?, B::pg_at(row, start + A::WIDTH)?))
    }
    fn sqlx_sqlite_at(row: &SqliteRow, start: usize) -> sqlx::Result<Self> {
        Ok(Joined(A::sqlx_sqlite_at(row, start)?, B::sqlx_sqlite_at(row, start + A::WIDTH)?))
    }
}

read_row_tuple!(1: 0 A);
read_row_tuple!(2: 0 A, 1 B);
read_row_tuple!(3: 0 A, 1 B, 2 C);
read_row_tuple!(4: 0 A, 1 B, 2 C, 3 D);
read_row_tuple!(5: 0 A, 1 B, 2 C, 3 D, 4 E);
read_row_tuple!(6: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
read_row_tuple!(7: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
read_row_tuple!(8: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
read_row_tuple!(9: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
read_row_tuple!(10: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
read_row_tuple!(11: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
read_row_tuple!(12: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);
read_row_tuple!(13: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M);
read_row_tuple!(14: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N);
read_row_tuple!(15: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O);
read_row_tuple!(16: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P);
read_row_tuple!(17: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P, 16 Q);
read_row_tuple!(18: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P, 16 Q, 17 R);
read_row_tuple!(19: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P, 16 Q, 17 R, 18 S);
read_row_tuple!(20: 0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L, 12 M, 13 N, 14 O, 15 P, 16 Q, 17 R, 18 S, 19 T);

/// Declares a struct whose fields are a result row's columns, in order, and decodes it by
/// position, as the tuple of its field types is decoded: [`ReadRow`] for the reads of this
/// module (unchecked on PostgreSQL, see `read_row_tuple!`), and sqlx's `FromRow` on both
/// backends for reads made with `sqlx::query_as` (sqlx's own tuple decoding). So a wide row is
/// read by name without giving up decoding by position, and one row type serves every path.
///
/// ```text
/// read_row_struct! {
///     /// id, name
///     struct AgencyRow { id: Uuid, name: String }
/// }
/// ```
macro_rules! read_row_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident { $($(#[$field_meta:meta])* $field_vis:vis $field:ident: $type:ty),+ $(,)? }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[$field_meta])* $field_vis $field: $type),+
        }

        impl $crate::read::ReadRow for $name {
            const WIDTH: usize = <($($type,)+) as $crate::read::ReadRow>::WIDTH;
            fn rusqlite_at(row: &rusqlite::Row<'_>, start: usize) -> rusqlite::Result<Self> {
                let ($($field,)+) = <($($type,)+) as $crate::read::ReadRow>::rusqlite_at(row, start)?;
                Ok($name { $($field),+ })
            }
            fn pg_at(row: &sqlx::postgres::PgRow, start: usize) -> sqlx::Result<Self> {
                let ($($field,)+) = <($($type,)+) as $crate::read::ReadRow>::pg_at(row, start)?;
                Ok($name { $($field),+ })
            }
            fn sqlx_sqlite_at(row: &sqlx::sqlite::SqliteRow, start: usize) -> sqlx::Result<Self> {
                let ($($field,)+) = <($($type,)+) as $crate::read::ReadRow>::sqlx_sqlite_at(row, start)?;
                Ok($name { $($field),+ })
            }
        }

        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $name {
            fn from_row(row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                let ($($field,)+) = <($($type,)+) as sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>>::from_row(row)?;
                Ok($name { $($field),+ })
            }
        }

        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $name {
            fn from_row(row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                let ($($field,)+) = <($($type,)+) as sqlx::FromRow<'r, sqlx::postgres::PgRow>>::from_row(row)?;
                Ok($name { $($field),+ })
            }
        }
    };
}
pub(crate) use read_row_struct;

/// Where the reads of this module run, when not on the store's sqlx pool.
#[derive(Debug)]
pub(crate) enum Reader {
    Sqlite(SqliteReader),
    Postgres(Box<crate::pg_read::PgReader>),
}

/// Read-only connections to a SQLite file, used on the calling thread. A read holds one only
/// while it runs (never across an `.await`), so the pool grows to about the number of threads
/// that read at once.
#[derive(Debug)]
pub(crate) struct SqliteReader {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// Address space each reader maps of the file (SQLite caps it at its compile-time limit).
const MMAP_BYTES: i64 = 1 << 34;

/// Idle connections kept; more are opened when more threads read at once, and closed after.
const MAX_IDLE: usize = 16;

impl SqliteReader {
    pub(crate) fn new(path: PathBuf) -> SqliteReader {
        SqliteReader { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags)?;
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.pragma_update(None, "cache_size", -65536)?;
        connection.pragma_update(None, "temp_store", "memory")?;
        // Pages read through a memory map need no copy into the connection's cache, and
        // that cache is emptied whenever another connection commits (every audit commit).
        connection.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        connection.set_prepared_statement_cache_capacity(256);
        Ok(connection)
    }

    fn run<T>(&self, read: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> StoreResult<T> {
        let pooled = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
        let connection = match pooled {
            Some(connection) => connection,
            None => self.open().map_err(read_error)?,
        };
        let result = read(&connection).map_err(read_error);
        let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(connection);
        }
        result
    }

    /// Closes the idle connections: a connection left open on the file, even idle, keeps
    /// another from leaving write-ahead-log mode (what a bulk import does when alone on it).
    pub(crate) fn close_idle(&self) {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clear();
    }

    fn query<T: ReadRow>(&self, sql: &str, params: &[Param<'_>], limit: Option<usize>) -> StoreResult<Vec<T>> {
        self.run(|connection| {
            let mut statement = connection.prepare_cached(sql)?;
            rows_of(&mut statement, params, limit)
        })
    }

    /// A read that passes once over much of the file (an evidence aggregate over every
    /// offence), on a connection of its own that is closed after: SQLite's default page cache
    /// (2 MiB), no memory map and temporary B-trees (a GROUP BY's sorter) spilled to a
    /// temporary file, as the `sqlite3` shell runs it. Through the readers' 64 MiB cache and
    /// 16 GiB map, every page the scan passed stayed resident: a cohort of 100,000 persons
    /// (1M offences) peaked at 119 MiB against the shell's 8 MiB, for the same time.
    fn scan<T: ReadRow>(&self, sql: &str, params: &[Param<'_>]) -> StoreResult<Vec<T>> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(&self.path, flags).map_err(read_error)?;
        connection.busy_timeout(Duration::from_secs(10)).map_err(read_error)?;
        for (pragma, value) in [("cache_size", -2000), ("mmap_size", 0), ("temp_store", 1)] {
            connection.pragma_update(None, pragma, value).map_err(read_error)?;
        }
        let mut statement = connection.prepare(sql).map_err(read_error)?;
        rows_of(&mut statement, params, None).map_err(read_error)
    }
}

/// Binds `params` (`$1`, `$2`, …) to `statement` and reads its rows, up to `limit`.
fn rows_of<T: ReadRow>(
    statement: &mut rusqlite::Statement<'_>,
    params: &[Param<'_>],
    limit: Option<usize>,
) -> rusqlite::Result<Vec<T>> {
    for (number, param) in params.iter().enumerate() {
        if let Some(index) = statement.parameter_index(&format!("${}", number + 1))? {
            statement.raw_bind_parameter(index, param)?;
        }
    }
    let mut rows = statement.raw_query();
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(T::from_rusqlite(row)?);
        if limit.is_some_and(|limit| out.len() >= limit) {
            break;
        }
    }
    Ok(out)
}

fn read_error(error: rusqlite::Error) -> StoreError {
    tracing::error!(%error, "database error");
    StoreError::Database(error.to_string())
}

/// Binds `$params` to a sqlx query; the body is compiled for each backend.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut query = $query;
        for param in $params {
            query = match *param {
                Param::Uuid(value) => query.bind(value),
                Param::Text(value) => query.bind(value),
                Param::Int(value) => query.bind(value),
                Param::Bool(value) => query.bind(value),
                Param::Instant(value) => query.bind(value),
                Param::Day(value) => query.bind(value),
                Param::Null => query.bind(None::<String>),
            };
        }
        query
    }};
}
pub(crate) use bind_params;

impl Store {
    /// Every row of a read (see the module documentation for how it runs).
    pub(crate) async fn read_all<T: ReadRow>(&self, sql: &str, params: &[Param<'_>]) -> StoreResult<Vec<T>> {
        self.read_rows(sql, params, None).await
    }

    /// Every row of a read that passes once over much of a large table (see
    /// [`SqliteReader::scan`]); on PostgreSQL (and an in-memory SQLite) as [`Self::read_all`].
    pub(crate) async fn read_scan<T: ReadRow>(&self, sql: &str, params: &[Param<'_>]) -> StoreResult<Vec<T>> {
        match self.reader.as_deref() {
            Some(Reader::Sqlite(reader)) => reader.scan(sql, params),
            _ => self.read_rows(sql, params, None).await,
        }
    }

    /// The first row of a read, if any.
    pub(crate) async fn read_optional<T: ReadRow>(&self, sql: &str, params: &[Param<'_>]) -> StoreResult<Option<T>> {
        Ok(self.read_rows(sql, params, Some(1)).await?.into_iter().next())
    }

    async fn read_rows<T: ReadRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        limit: Option<usize>,
    ) -> StoreResult<Vec<T>> {
        match (&self.pool, self.reader.as_deref()) {
            (_, Some(Reader::Sqlite(reader))) => reader.query(sql, params, limit),
            (_, Some(Reader::Postgres(reader))) => reader.query(sql, params, limit).await,
            (Pool::Sqlite(pool), None) => {
                let rows = bind_params!(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
                    .fetch_all(pool)
                    .await
                    .map_err(db_error)?;
                rows.iter()
                    .take(limit.unwrap_or(usize::MAX))
                    .map(|row| T::from_sqlx_sqlite(row).map_err(db_error))
                    .collect()
            }
            (Pool::Postgres(pool), _) => {
                let rows = bind_params!(sqlx::query(sqlx::AssertSqlSafe(sql)), params)
                    .fetch_all(pool)
                    .await
                    .map_err(db_error)?;
                rows.iter().take(limit.unwrap_or(usize::MAX)).map(|row| T::from_pg(row).map_err(db_error)).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    read_row_struct! {
        #[derive(Debug, PartialEq)]
        struct Sample {
            id: i64,
            name: String,
            on: Option<Day>,
        }
    }

    const SQL: &str = "SELECT 7, 'seven', '2026-11-23', 'after'";

    fn expected() -> Sample {
        Sample { id: 7, name: "seven".into(), on: Some(Day("2026-11-23".parse().unwrap())) }
    }

    #[test]
    fn a_row_struct_takes_its_columns_by_position_on_rusqlite() {
        let connection = Connection::open_in_memory().unwrap();
        let mut statement = connection.prepare(SQL).unwrap();
        let mut rows = statement.raw_query();
        let row = rows.next().unwrap().unwrap();
        assert_eq!(Sample::WIDTH, 3);
        assert_eq!(Sample::from_rusqlite(row).unwrap(), expected());
        let Joined(sample, (after,)) = <Joined<Sample, (String,)>>::from_rusqlite(row).unwrap();
        assert_eq!((sample, after.as_str()), (expected(), "after"));
    }

    #[tokio::test]
    async fn a_row_struct_takes_its_columns_by_position_on_sqlx() {
        let pool = sqlx::SqlitePool::connect("sqlite::memory:").await.unwrap();
        let row = sqlx::query(SQL).fetch_one(&pool).await.unwrap();
        assert_eq!(Sample::from_sqlx_sqlite(&row).unwrap(), expected());
        let sample: Sample = sqlx::query_as(SQL).fetch_one(&pool).await.unwrap();
        assert_eq!(sample, expected());
    }
}
