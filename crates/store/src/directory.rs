//! Agencies and members.

use crate::types::Instant;
use crate::{Store, db_error, on_db};
use domain::access::Role;
use domain::directory::{Agency, Member};
use domain::ids::{AgencyId, MemberId};
use domain::ports::{DirectoryStore, MemberCredentials, StoreError, StoreResult};
use jiff::Timestamp;
use sqlx::AssertSqlSafe;
use uuid::Uuid;

#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: Uuid,
    name: String,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Uuid,
    agency_id: Uuid,
    username: String,
    display_name: String,
    roles: String,
    password_hash: String,
    disabled: bool,
}

const MEMBER_COLUMNS: &str = "SELECT id, agency_id, username, display_name, roles, password_hash, disabled FROM member";

impl MemberRow {
    fn into_credentials(self) -> StoreResult<MemberCredentials> {
        let roles = parse_roles(&self.roles)?;
        Ok(MemberCredentials {
            member: Member {
                id: MemberId::from_uuid(self.id),
                agency_id: AgencyId::from_uuid(self.agency_id),
                username: self.username,
                display_name: self.display_name,
                roles,
                disabled: self.disabled,
            },
            password_hash: self.password_hash,
        })
    }
}

/// Roles as stored: comma-separated codes.
pub(crate) fn parse_roles(stored: &str) -> StoreResult<Vec<Role>> {
    stored
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| r.parse::<Role>().map_err(|_| StoreError::Database(format!("stored role {r:?} is unknown"))))
        .collect()
}

fn roles_text(roles: &[Role]) -> String {
    roles.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

fn affected_one(rows: u64) -> StoreResult<()> {
    if rows == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

impl DirectoryStore for Store {
    async fn create_agency(&self, agency: &Agency) -> StoreResult<()> {
        let sql = "INSERT INTO agency (id, name, kind, created_at) VALUES ($1, $2, $3, $4)";
        on_db!(self, pool => {
            sqlx::query(sql)
                .bind(*agency.id.as_uuid())
                .bind(&agency.name)
                .bind(agency.kind.code())
                .bind(Instant(Timestamp::UNIX_EPOCH))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(db_error)?;
        Ok(())
    }

    async fn agencies(&self) -> StoreResult<Vec<Agency>> {
        let sql = "SELECT id, name, kind FROM agency ORDER BY name";
        let rows: Vec<AgencyRow> = on_db!(self, pool => sqlx::query_as(sql).fetch_all(pool).await).map_err(db_error)?;
        rows.into_iter()
            .map(|row| {
                Ok(Agency {
                    id: AgencyId::from_uuid(row.id),
                    kind: row
                        .kind
                        .parse()
                        .map_err(|_| StoreError::Database(format!("stored agency kind {:?}", row.kind)))?,
                    name: row.name,
                })
            })
            .collect()
    }

    async fn create_member(&self, member: &Member, password_hash: &str, at: Timestamp) -> StoreResult<()> {
        let sql = "INSERT INTO member (id, agency_id, username, display_name, roles, password_hash, disabled, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        on_db!(self, pool => {
            sqlx::query(sql)
                .bind(*member.id.as_uuid())
                .bind(*member.agency_id.as_uuid())
                .bind(&member.username)
                .bind(&member.display_name)
                .bind(roles_text(&member.roles))
                .bind(password_hash)
                .bind(member.disabled)
                .bind(Instant(at))
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(db_error)?;
        Ok(())
    }

    async fn member(&self, id: MemberId) -> StoreResult<Option<Member>> {
        let sql = AssertSqlSafe(format!("{MEMBER_COLUMNS} WHERE id = $1"));
        let row: Option<MemberRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(*id.as_uuid()).fetch_optional(pool).await)
                .map_err(db_error)?;
        row.map(|r| r.into_credentials().map(|c| c.member)).transpose()
    }

    async fn credentials(&self, username: &str) -> StoreResult<Option<MemberCredentials>> {
        let sql = AssertSqlSafe(format!("{MEMBER_COLUMNS} WHERE username = $1"));
        let row: Option<MemberRow> =
            on_db!(self, pool => sqlx::query_as(sql).bind(username).fetch_optional(pool).await).map_err(db_error)?;
        row.map(MemberRow::into_credentials).transpose()
    }

    async fn members(&self) -> StoreResult<Vec<Member>> {
        let sql = AssertSqlSafe(format!("{MEMBER_COLUMNS} ORDER BY username"));
        let rows: Vec<MemberRow> = on_db!(self, pool => sqlx::query_as(sql).fetch_all(pool).await).map_err(db_error)?;
        rows.into_iter().map(|r| r.into_credentials().map(|c| c.member)).collect()
    }

    async fn set_member_disabled(&self, username: &str, disabled: bool) -> StoreResult<()> {
        let sql = "UPDATE member SET disabled = $1 WHERE username = $2";
        let done = on_db!(self, pool => sqlx::query(sql).bind(disabled).bind(username).execute(pool).await.map(|r| r.rows_affected())).map_err(db_error)?;
        affected_one(done)?;
        // A disabled member's sessions end now, not when they expire.
        if disabled {
            let sql = "DELETE FROM session WHERE member_id IN (SELECT id FROM member WHERE username = $1)";
            on_db!(self, pool => sqlx::query(sql).bind(username).execute(pool).await.map(|r| r.rows_affected()))
                .map_err(db_error)?;
        }
        Ok(())
    }

    async fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        let sql = "UPDATE member SET password_hash = $1 WHERE username = $2";
        let done = on_db!(self, pool => sqlx::query(sql).bind(password_hash).bind(username).execute(pool).await.map(|r| r.rows_affected())).map_err(db_error)?;
        affected_one(done)
    }
}
