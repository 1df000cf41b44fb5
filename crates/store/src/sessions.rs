//! Sessions live in the database, so several `desist serve` processes on one PostgreSQL share
//! them: a member logged in through one server is logged in through all. Sign-in attempts are
//! here too: each is recorded and committed before it is counted (`domain::directory::SignIns`).

use crate::directory::parse_roles;
use crate::memory::Lookup;
use crate::read::{Joined, params, read_row_struct};
use crate::types::Instant;
use crate::{Store, db_error, in_tx, on_db};
use domain::directory::{
    AttemptCounts, AttemptEnd, AttemptId, AttemptWindow, FailedAttempts, LiveSession, Member, Session, SessionStore,
};
use domain::ids::{AgencyId, MemberId};
use domain::ports::StoreResult;
use jiff::Timestamp;
use uuid::Uuid;

read_row_struct! {
    /// The columns of `SESSION_COLUMNS`, in order.
    struct SessionRow {
        token_hash: String,
        member_id: Uuid,
        csrf_token: String,
        created_at: Instant,
        expires_at: Instant,
        signed_in_from: String,
        failed_attempts: Option<i64>,
        last_failed_from: Option<String>,
        last_failed_at: Option<Instant>,
    }
}

const SESSION_COLUMNS: &str = "s.token_hash, s.member_id, s.csrf_token, s.created_at, s.expires_at, \
                               s.signed_in_from, s.failed_attempts, s.last_failed_from, s.last_failed_at";

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Session {
        let failed_attempts = match (row.failed_attempts, row.last_failed_from, row.last_failed_at) {
            (Some(count), Some(last_from), Some(last_at)) => {
                Some(FailedAttempts { count: u32::try_from(count).unwrap_or(u32::MAX), last_from, last_at: last_at.0 })
            }
            _ => None,
        };
        Session {
            token_hash: row.token_hash,
            member_id: MemberId::from_uuid(row.member_id),
            csrf_token: row.csrf_token,
            created_at: row.created_at.0,
            expires_at: row.expires_at.0,
            signed_in_from: row.signed_in_from,
            failed_attempts,
        }
    }
}

read_row_struct! {
    /// What the throttle counts (`AttemptCounts`), in its order.
    struct AttemptCountsRow {
        account_and_address: i64,
        address: i64,
        account: i64,
        account_recent: i64,
        oldest_account_and_address: Option<Instant>,
        oldest_address: Option<Instant>,
    }
}

/// The attempts that still count (pending or failed) from `$2` or on `$1` since `$3`, and on
/// `$1` since `$4`: one statement over the two indexes.
const COUNT_ATTEMPTS: &str = "SELECT \
    count(*) FILTER (WHERE username = $1 AND address = $2), \
    count(*) FILTER (WHERE address = $2), \
    count(*) FILTER (WHERE username = $1), \
    count(*) FILTER (WHERE username = $1 AND at >= $4), \
    min(at) FILTER (WHERE username = $1 AND address = $2), \
    min(at) FILTER (WHERE address = $2) \
    FROM login_attempt \
    WHERE (username = $1 OR address = $2) AND at >= $3 AND outcome <> 'succeeded'";

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

read_row_struct! {
    /// A session's member and the member's agency, beside the session's columns.
    struct MemberOfSessionRow {
        member_id: Uuid,
        agency_id: Uuid,
        username: String,
        display_name: String,
        roles: String,
        agency_name: String,
        must_change_password: bool,
        agency_kind: String,
    }
}

impl SessionStore for Store {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let sql = "INSERT INTO session (token_hash, member_id, csrf_token, created_at, expires_at, signed_in_from, \
                   failed_attempts, last_failed_from, last_failed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
        let failed = session.failed_attempts.as_ref();
        on_db!(self, pool => {
            sqlx::query(sql)
                .bind(&session.token_hash)
                .bind(*session.member_id.as_uuid())
                .bind(&session.csrf_token)
                .bind(Instant(session.created_at))
                .bind(Instant(session.expires_at))
                .bind(&session.signed_in_from)
                .bind(failed.map(|f| i64::from(f.count)))
                .bind(failed.map(|f| f.last_from.as_str()))
                .bind(failed.map(|f| Instant(f.last_at)))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(db_error)?;
        // Expired sessions are swept on login rather than by a background job.
        let sweep = "DELETE FROM session WHERE expires_at < $1";
        on_db!(self, pool => sqlx::query(sweep).bind(Instant(session.created_at)).execute(pool).await.map(|r| r.rows_affected())).map_err(db_error)?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<LiveSession>> {
        let lookup = self.memory.as_ref().map(|memory| memory.sessions.lookup(token_hash));
        if let Some(Lookup::Kept(live)) = &lookup
            && live.session.expires_at > now
        {
            return Ok(Some(live.as_ref().clone()));
        }
        let live = self.read_session(token_hash, now).await?;
        if let (Some(memory), Some(Lookup::Unknown { epoch }), Some(live)) = (&self.memory, lookup, &live) {
            memory.sessions.keep(live.session.token_hash.clone(), std::sync::Arc::new(live.clone()), epoch);
        }
        Ok(live)
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let sql = "DELETE FROM session WHERE token_hash = $1";
        on_db!(self, pool => sqlx::query(sql).bind(token_hash).execute(pool).await.map(|r| r.rows_affected()))
            .map_err(db_error)?;
        // Other servers hear of it from the database; this one need not wait for that.
        self.forget_sessions(token_hash);
        Ok(())
    }

    async fn clear_failed_attempts(&self, token_hash: &str) -> StoreResult<bool> {
        let sql = "UPDATE session SET failed_attempts = NULL, last_failed_from = NULL, last_failed_at = NULL \
                   WHERE token_hash = $1 AND failed_attempts IS NOT NULL";
        let cleared =
            on_db!(self, pool => sqlx::query(sql).bind(token_hash).execute(pool).await.map(|r| r.rows_affected()))
                .map_err(db_error)?;
        // Other servers hear of it from the database (the session row changed).
        self.forget_sessions(token_hash);
        Ok(cleared > 0)
    }

    async fn sessions_of(&self, member: MemberId, now: Timestamp) -> StoreResult<Vec<Session>> {
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM session s WHERE s.member_id = $1 AND s.expires_at > $2 \
             ORDER BY s.created_at DESC, s.token_hash"
        );
        let rows: Vec<SessionRow> = self.read_all(&sql, params![*member.as_uuid(), Instant(now)]).await?;
        Ok(rows.into_iter().map(Session::from).collect())
    }

    async fn end_other_sessions(&self, member: MemberId, keep: &str) -> StoreResult<u64> {
        let sql = "DELETE FROM session WHERE member_id = $1 AND token_hash <> $2 RETURNING token_hash";
        let ended: Vec<String> =
            on_db!(self, pool => sqlx::query_scalar(sql).bind(*member.as_uuid()).bind(keep).fetch_all(pool).await)
                .map_err(db_error)?;
        // Other servers hear of each from the database; this one need not wait for that.
        for token_hash in &ended {
            self.forget_sessions(token_hash);
        }
        Ok(ended.len() as u64)
    }

    async fn login_attempts(&self, username: &str, address: &str, window: AttemptWindow) -> StoreResult<AttemptCounts> {
        let row: Option<AttemptCountsRow> = self
            .read_optional(
                COUNT_ATTEMPTS,
                params![username, address, Instant(window.since), Instant(window.recent_since)],
            )
            .await?;
        Ok(row.map_or_else(AttemptCounts::default, |row| AttemptCounts {
            account_and_address: count(row.account_and_address),
            address: count(row.address),
            account: count(row.account),
            account_recent: count(row.account_recent),
            oldest_account_and_address: row.oldest_account_and_address.map(|at| at.0),
            oldest_address: row.oldest_address.map(|at| at.0),
        }))
    }

    async fn record_login_attempt(
        &self,
        username: &str,
        address: &str,
        at: Timestamp,
        window: AttemptWindow,
    ) -> StoreResult<(AttemptId, AttemptCounts)> {
        let sql =
            "INSERT INTO login_attempt (username, address, at, outcome) VALUES ($1, $2, $3, 'pending') RETURNING id";
        // Committed before counting: a count that starts after this commit sees it, on any
        // connection and any server. Counting inside the transaction would not be seen by an
        // attempt counting at the same moment elsewhere, and neither would see the other.
        let id: i64 = in_tx!(self, tx => {
            sqlx::query_scalar(sql).bind(username).bind(address).bind(Instant(at)).fetch_one(&mut *tx).await.map_err(db_error)?
        });
        let counts = self.login_attempts(username, address, window).await?;
        Ok((AttemptId(id), counts))
    }

    async fn end_login_attempt(&self, id: AttemptId, end: AttemptEnd) -> StoreResult<()> {
        let sql = match end {
            AttemptEnd::Failed => "UPDATE login_attempt SET outcome = 'failed' WHERE id = $1",
            AttemptEnd::Refused => "DELETE FROM login_attempt WHERE id = $1",
        };
        in_tx!(self, tx => sqlx::query(sql).bind(id.0).execute(&mut *tx).await.map_err(db_error)?.rows_affected());
        Ok(())
    }

    async fn login_succeeded(
        &self,
        id: AttemptId,
        username: &str,
        forget_before: Timestamp,
    ) -> StoreResult<Option<FailedAttempts>> {
        // Failures since the previous success, by the order they were recorded in (instants
        // can be equal); the newest names where and when.
        let failures = "SELECT address, at, count(*) OVER () FROM login_attempt \
                        WHERE username = $1 AND outcome = 'failed' AND id > coalesce((SELECT max(id) FROM login_attempt \
                        WHERE username = $1 AND outcome = 'succeeded' AND id <> $2), 0) \
                        ORDER BY id DESC LIMIT 1";
        let succeeded = "UPDATE login_attempt SET outcome = 'succeeded' WHERE id = $1";
        let forget = "DELETE FROM login_attempt WHERE at < $1";
        let last: Option<(String, Instant, i64)> = in_tx!(self, tx => {
            let last = sqlx::query_as(failures).bind(username).bind(id.0).fetch_optional(&mut *tx).await.map_err(db_error)?;
            sqlx::query(succeeded).bind(id.0).execute(&mut *tx).await.map_err(db_error)?;
            sqlx::query(forget).bind(Instant(forget_before)).execute(&mut *tx).await.map_err(db_error)?;
            last
        });
        Ok(last.map(|(last_from, last_at, n)| FailedAttempts { count: count(n), last_from, last_at: last_at.0 }))
    }
}

impl Store {
    async fn read_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<LiveSession>> {
        // One query for session, member and agency: it runs before every signed-in request
        // whose session is not in memory.
        let sql = format!(
            "SELECT {SESSION_COLUMNS}, m.id AS member_id, m.agency_id, \
             m.username, m.display_name, m.roles, a.name AS agency_name, m.must_change_password, a.kind AS agency_kind \
             FROM session s JOIN member m ON m.id = s.member_id JOIN agency a ON a.id = m.agency_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT m.disabled"
        );
        let row: Option<Joined<SessionRow, MemberOfSessionRow>> =
            self.read_optional(&sql, params![token_hash, Instant(now)]).await?;
        let Some(Joined(session, row)) = row else { return Ok(None) };
        let member_id = MemberId::from_uuid(row.member_id);
        Ok(Some(LiveSession {
            session: session.into(),
            member: Member {
                id: member_id,
                agency_id: AgencyId::from_uuid(row.agency_id),
                username: row.username,
                display_name: row.display_name,
                roles: parse_roles(&row.roles)?,
                disabled: false,
            },
            agency_name: row.agency_name,
            must_change_password: row.must_change_password,
            agency_kind: row.agency_kind.parse().ok(),
        }))
    }

    /// Whether sessions are kept in memory now: `None` on SQLite (never), `Some(false)` on
    /// PostgreSQL while the listener is not connected (every lookup reads the database).
    pub fn sessions_in_memory(&self) -> Option<bool> {
        self.memory.as_ref().map(|memory| memory.listening())
    }

    /// Forgets a session kept in memory (`*`: every one), after a change this server made.
    pub(crate) fn forget_sessions(&self, token_hash: &str) {
        if let Some(memory) = &self.memory {
            memory.forget_session(token_hash);
        }
    }
}
