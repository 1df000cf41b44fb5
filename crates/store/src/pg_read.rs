//! PostgreSQL connections for the reads of `read.rs`, kept without sqlx's pool.
//!
//! sqlx's pool tests every connection handed back to it with a round trip (a `Sync`, in
//! case a cancelled query left it mid-conversation), so each one-statement read cost two
//! round trips: both processes woke twice, and on the person page a tenth of this process's
//! CPU went to handing connections back. Here a connection goes back only when its read ran
//! to the end, which leaves it ready for the next; a read that was cancelled or failed on the
//! connection drops it instead, so nothing half-read is ever reused. A connection idle for
//! longer than [`PING_AFTER_IDLE`] is tested before use, as the pool does (one dropped by a
//! server restart or a firewall is then replaced).

use crate::read::{Param, ReadRow};
use domain::ports::{StoreError, StoreResult};
use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const PING_AFTER_IDLE: Duration = Duration::from_secs(5);

/// How long a read waits for a connection when all are busy, as the pool's acquire timeout.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct PgReader {
    options: PgConnectOptions,
    idle: Mutex<Vec<(PgConnection, Instant)>>,
    /// Connections open at most (idle and in use).
    permits: Semaphore,
}

impl PgReader {
    pub(crate) fn new(options: PgConnectOptions, max_connections: u32) -> PgReader {
        PgReader { options, idle: Mutex::default(), permits: Semaphore::new(max_connections.max(1) as usize) }
    }

    pub(crate) async fn query<T: ReadRow>(
        &self,
        sql: &str,
        params: &[Param<'_>],
        limit: Option<usize>,
    ) -> StoreResult<Vec<T>> {
        let mut lent = self.lend().await?;
        let rows =
            crate::read::bind_params!(sqlx::query(sqlx::AssertSqlSafe(sql)), params).fetch_all(lent.connection()).await;
        let rows = lent.give_back(rows)?;
        rows.iter().take(limit.unwrap_or(usize::MAX)).map(|row| T::from_pg(row).map_err(crate::db_error)).collect()
    }

    /// One of these connections, for one statement: a read, or a write that is one statement
    /// (PostgreSQL makes a single statement atomic on its own, so it needs no BEGIN and
    /// COMMIT, and here it costs no round trip when the connection is handed back either;
    /// `zsm/section_save.rs`). Hand it back with [`Lent::give_back`]; dropped otherwise (a
    /// cancelled statement), it is closed.
    pub(crate) async fn lend(&self) -> StoreResult<Lent<'_>> {
        let busy = || StoreError::Database("no PostgreSQL connection within 10 s".into());
        let permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let connection = tokio::time::timeout(ACQUIRE_TIMEOUT, self.connection()).await.map_err(|_| busy())??;
        Ok(Lent { reader: self, connection, _permit: permit })
    }

    /// An idle connection, or a new one. The server refusing a new one for now ("too many
    /// clients": this process's pool and these connections together may ask for more than
    /// its `max_connections`, as 64 of each did) is waited out like a busy pool, trying
    /// again as connections are handed back here or closed elsewhere, until the caller's
    /// timeout; before, the read failed at once and the request with it.
    async fn connection(&self) -> StoreResult<PgConnection> {
        let mut wait = Duration::from_millis(5);
        loop {
            let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
            let Some((mut connection, since)) = idle else {
                match PgConnection::connect_with(&self.options).await {
                    Ok(connection) => return Ok(connection),
                    // too_many_connections, cannot_connect_now
                    Err(sqlx::Error::Database(error)) if matches!(error.code().as_deref(), Some("53300" | "57P03")) => {
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(Duration::from_millis(200));
                        continue;
                    }
                    Err(error) => return Err(crate::db_error(error)),
                }
            };
            if since.elapsed() < PING_AFTER_IDLE || connection.ping().await.is_ok() {
                return Ok(connection);
            }
            // Stale: drop it and try the next idle one (or a new one).
        }
    }

    fn keep(&self, connection: PgConnection) {
        self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push((connection, Instant::now()));
    }
}

/// A connection lent for one statement (`PgReader::lend`).
pub(crate) struct Lent<'a> {
    reader: &'a PgReader,
    connection: PgConnection,
    _permit: tokio::sync::SemaphorePermit<'a>,
}

impl Lent<'_> {
    pub(crate) fn connection(&mut self) -> &mut PgConnection {
        &mut self.connection
    }

    /// Hands the connection back after its statement ran to `result`.
    pub(crate) fn give_back<T>(self, result: Result<T, sqlx::Error>) -> StoreResult<T> {
        match result {
            Ok(value) => {
                self.reader.keep(self.connection);
                Ok(value)
            }
            // An error the server reported (a bad statement, a constraint) leaves the
            // connection ready; any other (I/O, protocol) may not.
            Err(error @ sqlx::Error::Database(_)) => {
                self.reader.keep(self.connection);
                Err(crate::db_error(error))
            }
            Err(error) => Err(crate::db_error(error)),
        }
    }
}
