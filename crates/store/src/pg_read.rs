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
        let busy = || StoreError::Database("no PostgreSQL connection for a read within 10 s".into());
        let _permit = tokio::time::timeout(ACQUIRE_TIMEOUT, self.permits.acquire())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let mut connection = self.connection().await?;
        let rows =
            crate::read::bind_params!(sqlx::query(sqlx::AssertSqlSafe(sql)), params).fetch_all(&mut connection).await;
        let rows = match rows {
            Ok(rows) => rows,
            // An error the server reported (a bad statement, a constraint) leaves the
            // connection ready; any other (I/O, protocol) may not.
            Err(error @ sqlx::Error::Database(_)) => {
                self.keep(connection);
                return Err(crate::db_error(error));
            }
            Err(error) => return Err(crate::db_error(error)),
        };
        self.keep(connection);
        rows.iter().take(limit.unwrap_or(usize::MAX)).map(|row| T::from_pg(row).map_err(crate::db_error)).collect()
    }

    async fn connection(&self) -> StoreResult<PgConnection> {
        loop {
            let idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
            let Some((mut connection, since)) = idle else {
                return PgConnection::connect_with(&self.options).await.map_err(crate::db_error);
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
