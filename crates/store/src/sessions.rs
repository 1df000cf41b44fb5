//! Sessions live in the database, so several `desist serve` processes on one PostgreSQL share
//! them: a member logged in through one server is logged in through all.

use crate::directory::parse_roles;
use crate::read::{params, read_row_struct};
use crate::session_cache::Lookup;
use crate::types::Instant;
use crate::{Store, db_error, on_db};
use domain::directory::{LiveSession, Member, Session, SessionStore};
use domain::ids::{AgencyId, MemberId};
use domain::ports::StoreResult;
use jiff::Timestamp;
use uuid::Uuid;

read_row_struct! {
    /// A session that has not expired, with its member and the member's agency.
    struct LiveSessionRow {
        token_hash: String,
        csrf_token: String,
        created_at: Instant,
        expires_at: Instant,
        member_id: Uuid,
        agency_id: Uuid,
        username: String,
        display_name: String,
        roles: String,
        agency_name: String,
    }
}

impl SessionStore for Store {
    async fn create_session(&self, session: &Session) -> StoreResult<()> {
        let sql = "INSERT INTO session (token_hash, member_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on_db!(self, pool => {
            sqlx::query(sql)
                .bind(&session.token_hash)
                .bind(*session.member_id.as_uuid())
                .bind(&session.csrf_token)
                .bind(Instant(session.created_at))
                .bind(Instant(session.expires_at))
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
        let lookup = self.sessions.as_ref().map(|sessions| sessions.lookup(token_hash));
        if let Some(Lookup::Kept(live)) = &lookup
            && live.session.expires_at > now
        {
            return Ok(Some(live.as_ref().clone()));
        }
        let live = self.read_session(token_hash, now).await?;
        if let (Some(sessions), Some(Lookup::Unknown { epoch }), Some(live)) = (&self.sessions, lookup, &live) {
            sessions.keep(live, epoch);
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

    async fn record_login_failure(&self, username: &str, address: &str, at: Timestamp) -> StoreResult<()> {
        let sql = "INSERT INTO login_failure (username, address, at) VALUES ($1, $2, $3)";
        on_db!(self, pool => sqlx::query(sql).bind(username).bind(address).bind(Instant(at)).execute(pool).await.map(|r| r.rows_affected())).map_err(db_error)?;
        Ok(())
    }

    async fn login_failures(&self, username: &str, address: &str, since: Timestamp) -> StoreResult<(u32, u32)> {
        let by_account = "SELECT count(*) FROM login_failure WHERE username = $1 AND at >= $2";
        let by_address = "SELECT count(*) FROM login_failure WHERE address = $1 AND at >= $2";
        let account: i64 =
            on_db!(self, pool => sqlx::query_scalar(by_account).bind(username).bind(Instant(since)).fetch_one(pool).await).map_err(db_error)?;
        let address: i64 =
            on_db!(self, pool => sqlx::query_scalar(by_address).bind(address).bind(Instant(since)).fetch_one(pool).await).map_err(db_error)?;
        Ok((account as u32, address as u32))
    }
}

impl Store {
    async fn read_session(&self, token_hash: &str, now: Timestamp) -> StoreResult<Option<LiveSession>> {
        // One query for session, member and agency: it runs before every signed-in request
        // whose session is not in memory.
        let sql = "SELECT s.token_hash, s.csrf_token, s.created_at, s.expires_at, m.id AS member_id, m.agency_id, \
                   m.username, m.display_name, m.roles, a.name AS agency_name \
                   FROM session s JOIN member m ON m.id = s.member_id JOIN agency a ON a.id = m.agency_id \
                   WHERE s.token_hash = $1 AND s.expires_at > $2 AND NOT m.disabled";
        let row: Option<LiveSessionRow> = self.read_optional(sql, params![token_hash, Instant(now)]).await?;
        let Some(row) = row else { return Ok(None) };
        let member_id = MemberId::from_uuid(row.member_id);
        Ok(Some(LiveSession {
            session: Session {
                token_hash: row.token_hash,
                member_id,
                csrf_token: row.csrf_token,
                created_at: row.created_at.0,
                expires_at: row.expires_at.0,
            },
            member: Member {
                id: member_id,
                agency_id: AgencyId::from_uuid(row.agency_id),
                username: row.username,
                display_name: row.display_name,
                roles: parse_roles(&row.roles)?,
                disabled: false,
            },
            agency_name: row.agency_name,
        }))
    }

    /// Whether sessions are kept in memory now: `None` on SQLite (never), `Some(false)` on
    /// PostgreSQL while the listener is not connected (every lookup reads the database).
    pub fn sessions_in_memory(&self) -> Option<bool> {
        self.sessions.as_ref().map(|sessions| sessions.listening())
    }

    /// Forgets a session kept in memory (`*`: every one), after a change this server made.
    pub(crate) fn forget_sessions(&self, token_hash: &str) {
        if let Some(sessions) = &self.sessions {
            sessions.forget(token_hash);
        }
    }
}
