//! desist storage: the domain's ports implemented on sqlx, for embedded SQLite (the default)
//! and PostgreSQL (chosen by a `postgres://` URL). Each query is written once, with `$n`
//! placeholders both databases understand, and compiled for each backend by `on_db!`; where
//! the dialects differ the difference is spelled out in place.

mod admin;
mod audit;
mod audit_queue;
pub mod backup;
pub mod bulk;
mod conference;
// Issue 21 (views4): commissioners' contracts with providers.
pub mod commissioning;
mod directory;
pub mod evidence;
mod funds;
mod interventions;
mod invitations;
mod measures;
mod memory;
mod mentoring;
// Life Change and the mentor pipeline (issue 20).
mod life_change;
mod notifications;
mod parsed;
mod pg_read;
pub use parsed::{PARSED_ENTRIES, VersionCache};
mod people;
mod plan;
mod read;
mod screening;
mod search;
mod sessions;
mod team_writes;
pub mod types;
mod versioned;
mod zsm;

use domain::ports::{StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// `PRAGMA cache_size` of every SQLite connection (negative: KiB), 64 MiB.
pub(crate) const SQLITE_CACHE_SIZE: &str = "-65536";

pub(crate) static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// `PRAGMA application_id` of a desist SQLite file ("DSST"), set by the first migration.
pub(crate) const SQLITE_APPLICATION_ID: i64 = 1_146_311_508;

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The one handle the rest of desist holds; cheap to clone (pools are shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// SQLite admits one writer at a time. Writers of this process queue here, in order,
    /// before `BEGIN IMMEDIATE`, instead of in SQLite's busy handler, which polls with
    /// growing sleeps (up to 100 ms each): under 64 concurrent requests that each audit a
    /// read, the sleeps, not the work, made the slowest requests take hundreds of
    /// milliseconds. Other processes on the same file still wait on the busy timeout.
    write_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Commits audit entries written on their own in groups (`None`: write each directly, as
    /// the queue's own writer does).
    audit_queue: Option<audit_queue::AuditQueue>,
    /// Where `read.rs`'s reads run: on a SQLite file, on the calling thread; on PostgreSQL,
    /// on connections kept outside the pool (`pg_read.rs`); `None` for an in-memory SQLite,
    /// which other connections cannot see.
    reader: Option<std::sync::Arc<read::Reader>>,
    /// Listings already on record (`domain::audit::ListingMemo`), shared by the store's clones.
    listings: std::sync::Arc<std::sync::Mutex<domain::audit::ListingMemo>>,
    /// Plans and cases parsed from their JSON, by id and version (`parsed.rs`).
    parsed: std::sync::Arc<parsed::Parsed>,
    /// The ZSM boards' lists of cases, by location generation (`zsm/board.rs`).
    boards: std::sync::Arc<zsm::board::BoardListings>,
    /// Name-word counts that choose how a search runs (`search.rs`).
    word_counts: std::sync::Arc<search::WordCounts>,
    /// Sessions, reference data and the finder's rows in memory (`memory.rs`); PostgreSQL only.
    memory: Option<std::sync::Arc<memory::Memory>>,
    /// Writers of one ZSM case queue here before taking a connection (`zsm/gates.rs`).
    case_gates: std::sync::Arc<zsm::gates::CaseGates>,
    /// Funds and transfers kept for the transfer path (`funds/memory.rs`).
    ledger: std::sync::Arc<funds::memory::LedgerMemory>,
}

/// How long a listing of a person to a member is on record before it is written again.
pub const DEFAULT_LISTING_WINDOW: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

/// Runs `$body` with `$pool` bound to the backend's pool; the body is compiled once per backend.
macro_rules! on_db {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` in a write transaction bound to `$tx`. SQLite takes the write lock up front
/// (`BEGIN IMMEDIATE`), so two writers queue on the busy timeout instead of one failing with
/// "database is locked" when it tries to upgrade a read lock. An early return (`?`) drops the
/// transaction, which rolls it back.
macro_rules! in_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite(pool) => {
                let _writer = $store.write_lock.lock().await;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err($crate::db_error)?;
                let value = $body;
                $tx.commit().await.map_err($crate::db_error)?;
                value
            }
            $crate::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await.map_err($crate::db_error)?;
                let value = $body;
                $tx.commit().await.map_err($crate::db_error)?;
                value
            }
        }
    };
}

/// `INSERT INTO {head} VALUES (…), (…), …` for `rows` rows of `width` columns. PostgreSQL
/// gets numbered `$n` placeholders; SQLite gets plain `?`: it finds a `$n` by scanning a list
/// of the statement's parameter names, once when preparing and once when binding each, so
/// thousands of `$n` cost quadratic time (11 s for one 27,000-parameter statement) while
/// `?` binds by position.
pub(crate) fn values_sql(numbered: bool, head: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * width * 6 + 20);
    sql.push_str("INSERT INTO ");
    sql.push_str(head);
    sql.push_str(" VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..width {
            if column > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(row * width + column + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535.
pub(crate) const MAX_PARAMS: usize = 30_000;

/// Inserts `rows` with multi-row `VALUES` statements of as many rows as the parameter limit
/// allows; `$bind` adds one row's values to `$query`. Only the number of `(…)` groups is
/// built at run time; every value is bound.
macro_rules! insert_rows {
    ($store:expr, $tx:ident, $head:expr, $width:expr, $rows:expr, |$query:ident, $row:ident| $bind:expr) => {{
        let numbered = matches!($store.pool, $crate::Pool::Postgres(_));
        for chunk in $rows.chunks($crate::MAX_PARAMS / $width) {
            let sql = sqlx::AssertSqlSafe($crate::values_sql(numbered, $head, $width, chunk.len()));
            let mut $query = sqlx::query(sql);
            for $row in chunk {
                $query = $bind;
            }
            $query.execute(&mut *$tx).await.map_err($crate::db_error)?;
        }
    }};
}

/// The one of two spellings of a statement that fits the transaction's backend, chosen by the
/// connection's type inside `in_tx!`: e.g. a read that locks what it reads until the commit,
/// `… FOR UPDATE` on PostgreSQL, plain on SQLite, where a write transaction already holds the
/// database's one write lock (and `FOR UPDATE` is not SQLite).
pub(crate) trait Dialect {
    fn pick(sqlite: &'static str, postgres: &'static str) -> &'static str;
}
impl Dialect for sqlx::SqliteConnection {
    fn pick(sqlite: &'static str, _: &'static str) -> &'static str {
        sqlite
    }
}
impl Dialect for sqlx::PgConnection {
    fn pick(_: &'static str, postgres: &'static str) -> &'static str {
        postgres
    }
}
pub(crate) fn spelled<C: Dialect>(_: &C, sqlite: &'static str, postgres: &'static str) -> &'static str {
    C::pick(sqlite, postgres)
}

pub(crate) use in_tx;
pub(crate) use insert_rows;
pub(crate) use on_db;

/// This process opens up to `max_connections` for transactions (the pool) and as many for
/// reads and one-statement writes (`pg_read.rs`), plus the session listener's. When that is
/// more than the server allows, connections are refused and waited for (the reads and writes
/// of a busy moment queue for up to 10 s) instead of working: say so when starting.
async fn warn_if_too_few_connections(pool: &PgPool, max_connections: u32) {
    let allowed: Result<i64, _> =
        sqlx::query_scalar("SELECT CAST(current_setting('max_connections') AS BIGINT)").fetch_one(pool).await;
    let wanted = i64::from(max_connections) * 2 + 2;
    if let Ok(allowed) = allowed
        && wanted > allowed
    {
        tracing::warn!(
            wanted,
            allowed,
            "PostgreSQL allows fewer connections than this server may open (twice the pool size plus two); \
             lower max_connections or raise the server's"
        );
    }
}

/// Maps a database error to the port's error; the cause is logged here, not shown to users.
pub(crate) fn db_error(error: sqlx::Error) -> StoreError {
    if let Some(db) = error.as_database_error()
        && db.kind() == sqlx::error::ErrorKind::UniqueViolation
    {
        return StoreError::AlreadyExists(db.message().to_string());
    }
    tracing::error!(%error, "database error");
    StoreError::Database(error.to_string())
}

/// A stored value this desist cannot read back (JSON it cannot parse, an unknown code).
pub(crate) fn corrupt(what: &str, detail: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("stored {what} cannot be read: {detail}"))
}

/// A value as the JSON text it is stored as (plans, cases, measures, details, …).
pub(crate) fn to_json(value: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(e.to_string()))
}

/// `$1, $2, …, $n`.
pub(crate) fn in_list(n: usize) -> String {
    in_list_from(1, n)
}

/// `n` placeholders from `$first`: `$first, …, $(first + n - 1)`.
pub(crate) fn in_list_from(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A PostgreSQL connection idle for longer is pinged before it is handed out.
const PG_PING_AFTER_IDLE: Duration = Duration::from_secs(5);

impl Store {
    /// Opens the database named by `url` (`sqlite:path`, `sqlite::memory:`, `postgres://…`),
    /// refuses one that is not a desist database, and brings its schema up to date.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let store = Self::open(url, max_connections).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Opens without migrating (for `desist migrate --status` and upgrade tests).
    pub async fn open(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        let mut reader = None;
        let mut memory = None;
        let mut audit_options = None;
        let pool = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Every statement is planned once per connection, for any parameters (a generic
            // plan). By default PostgreSQL plans each run of a statement anew while it
            // judges that plan cheaper than a generic one, and the search's prefix ranges
            // always look so: planning them took ~0.25 ms a run, a fifth of a search's
            // database time. The choice is also deterministic: what `EXPLAIN` shows for a
            // prepared statement is what runs, not a plan that changes after five runs.
            let options = PgConnectOptions::from_str(url)
                .map_err(|e| StoreError::Database(format!("bad DATABASE_URL: {e}")))?
                .options([("plan_cache_mode", "force_generic_plan")]);
            memory = Some(memory::Memory::start(options.clone()));
            audit_options = Some(options.clone());
            reader = Some(std::sync::Arc::new(read::Reader::Postgres(Box::new(pg_read::PgReader::new(
                options.clone(),
                max_connections,
            )))));
            // sqlx pings a pooled connection before every acquire by default: a round trip
            // per statement, doubling what a page costs PostgreSQL and the two of us in CPU.
            // Only a connection that sat idle is checked (one dropped by a restart of the
            // server or a firewall is then replaced); a busy one has just proved itself.
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .test_before_acquire(false)
                .before_acquire(|connection, meta| {
                    Box::pin(async move {
                        if meta.idle_for > PG_PING_AFTER_IDLE {
                            sqlx::Connection::ping(connection).await?;
                        }
                        Ok(true)
                    })
                })
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(|e| StoreError::Database(format!("cannot connect to PostgreSQL: {e}")))?;
            warn_if_too_few_connections(&pool, max_connections).await;
            Pool::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::Database(format!("bad database URL {url:?}: {e}")))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", SQLITE_CACHE_SIZE)
                .pragma("temp_store", "memory");
            let in_memory = url.contains(":memory:");
            if !in_memory {
                reader = Some(std::sync::Arc::new(read::Reader::Sqlite(read::SqliteReader::new(
                    options.get_filename().to_path_buf(),
                ))));
            }
            // An in-memory database lives in one connection; a file can serve many readers.
            let connections = if in_memory { 1 } else { max_connections };
            // A file handle cannot go stale like a network connection, so the pool skips the
            // ping before each acquire: on SQLite it is a round trip through the connection's
            // worker thread, which profiling showed among the largest costs of a request.
            let pool = SqlitePoolOptions::new()
                .max_connections(connections)
                .min_connections(1)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await
                .map_err(|e| not_desist_or(e, url))?;
            Pool::Sqlite(pool)
        } else {
            return Err(StoreError::Database(format!(
                "unsupported database URL {url:?}: use sqlite:PATH or postgres://USER@HOST/DB"
            )));
        };
        let listings =
            std::sync::Arc::new(std::sync::Mutex::new(domain::audit::ListingMemo::new(DEFAULT_LISTING_WINDOW)));
        let direct = Store {
            pool,
            write_lock: Default::default(),
            audit_queue: None,
            reader,
            listings,
            parsed: Default::default(),
            boards: Default::default(),
            word_counts: Default::default(),
            memory,
            case_gates: Default::default(),
            ledger: Default::default(),
        };
        direct.check_is_desist().await?;
        // On PostgreSQL the audit writer's one statement per batch goes on a connection of its
        // own. On the readers' connections it queued (fairly, first come first served) behind
        // the reads of every request in flight, while those requests then waited for it: under
        // 64 connections each finder request waited for two such queues, and the finder's p99
        // was 2.5 times its p90 (national bench).
        let writer = match audit_options {
            Some(options) => Store {
                reader: Some(std::sync::Arc::new(read::Reader::Postgres(Box::new(pg_read::PgReader::new(options, 1))))),
                ..direct.clone()
            },
            None => direct.clone(),
        };
        let audit_queue = Some(audit_queue::AuditQueue::start(writer));
        Ok(Store { audit_queue, ..direct })
    }

    /// Records a repeated listing of a person to a member again only after `window` (zero:
    /// every listing); see `domain::audit::ListingMemo`.
    pub fn set_listing_window(&self, window: jiff::SignedDuration) {
        *self.listings.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            domain::audit::ListingMemo::new(window);
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The pool's connections: (all, idle), for the operators' figures.
    pub fn pool_size(&self) -> (u32, u32) {
        on_db!(self, pool => (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX)))
    }

    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// A SQLite file that holds tables but is not marked as ours is someone else's database:
    /// refuse it before a migration writes into it.
    async fn check_is_desist(&self) -> Result<(), StoreError> {
        let Pool::Sqlite(pool) = &self.pool else { return Ok(()) };
        let application_id: i64 = sqlx::query_scalar("PRAGMA application_id")
            .fetch_one(pool)
            .await
            .map_err(|e| not_desist_or(e, "database"))?;
        let tables: i64 = sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE type = 'table'")
            .fetch_one(pool)
            .await
            .map_err(|e| not_desist_or(e, "database"))?;
        if application_id != SQLITE_APPLICATION_ID && tables > 0 {
            return Err(StoreError::NotDesistDatabase(
                "this file is a SQLite database but not a desist database (it has other tables and no desist marker); \
                 point DATABASE_URL at a new file or an existing desist database"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Applies the embedded migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match &self.pool {
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await,
            Pool::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await,
        };
        result.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(version) => StoreError::NotDesistDatabase(format!(
                "the database has migration {version}, which this desist does not know: it was written by a newer desist"
            )),
            other => StoreError::Database(format!("migration failed: {other}")),
        })
    }

    /// (applied, known) migration counts, for `desist migrate --status`.
    pub async fn migration_status(&self) -> Result<(usize, usize), StoreError> {
        let known = match &self.pool {
            Pool::Sqlite(_) => SQLITE_MIGRATIONS.iter().count(),
            Pool::Postgres(_) => POSTGRES_MIGRATIONS.iter().count(),
        };
        // A read like any other (on PostgreSQL one of the reader's connections, with no round
        // trip to hand it back): `/healthz` is the benchmarks' reference route.
        let applied: StoreResult<Option<(i64,)>> =
            self.read_optional("SELECT count(*) FROM _sqlx_migrations WHERE success", &[]).await;
        Ok((applied.ok().flatten().map_or(0, |(n,)| n) as usize, known))
    }

    pub async fn close(&self) {
        if let Some(memory) = &self.memory {
            memory.stop();
        }
        on_db!(self, pool => pool.close().await)
    }
}

fn not_desist_or(error: sqlx::Error, what: &str) -> StoreError {
    let text = error.to_string();
    if text.contains("file is not a database") || text.contains("file is encrypted") {
        StoreError::NotDesistDatabase(format!("{what} is not a SQLite database, so not a desist database"))
    } else {
        StoreError::Database(format!("cannot open {what}: {text}"))
    }
}
