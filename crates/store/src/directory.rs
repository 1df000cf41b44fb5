//! Agencies and members.

use crate::read::{params, read_row_struct};
use crate::types::Instant;
use crate::{Store, db_error, on_db};
use domain::access::Role;
use domain::directory::{Agency, DirectoryStore, Member, MemberCredentials, MemberPackSource, PersonPackSource};
use domain::ids::{AgencyId, MemberId};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use uuid::Uuid;

read_row_struct! {
    /// The columns of `MEMBER_COLUMNS`, in order.
    pub(crate) struct MemberRow {
        id: Uuid,
        agency_id: Uuid,
        username: String,
        display_name: String,
        roles: String,
        password_hash: String,
        disabled: bool,
        must_change_password: bool,
    }
}

pub(crate) const MEMBER_COLUMNS: &str =
    "SELECT id, agency_id, username, display_name, roles, password_hash, disabled, must_change_password FROM member";

pub(crate) fn into_credentials(row: MemberRow) -> StoreResult<MemberCredentials> {
    Ok(MemberCredentials {
        member: Member {
            id: MemberId::from_uuid(row.id),
            agency_id: AgencyId::from_uuid(row.agency_id),
            username: row.username,
            display_name: row.display_name,
            roles: parse_roles(&row.roles)?,
            disabled: row.disabled,
        },
        password_hash: row.password_hash,
        must_change_password: row.must_change_password,
    })
}

/// Roles as stored: comma-separated codes.
pub(crate) fn parse_roles(stored: &str) -> StoreResult<Vec<Role>> {
    stored
        .split(',')
        .filter(|r| !r.is_empty())
        .map(|r| r.parse::<Role>().map_err(|_| StoreError::Database(format!("stored role {r:?} is unknown"))))
        .collect()
}

pub(crate) fn roles_text(roles: &[Role]) -> String {
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
        let rows: Vec<(Uuid, String, String)> = self.read_all(sql, &[]).await?;
        rows.into_iter()
            .map(|(id, name, kind)| {
                Ok(Agency {
                    id: AgencyId::from_uuid(id),
                    kind: kind.parse().map_err(|_| StoreError::Database(format!("stored agency kind {kind:?}")))?,
                    name,
                })
            })
            .collect()
    }

    async fn set_agency_pack(&self, agency: AgencyId, pack: Option<&str>) -> StoreResult<()> {
        let sql = "UPDATE agency SET pack = $1 WHERE id = $2";
        let rows = on_db!(self, pool => {
            sqlx::query(sql)
                .bind(pack)
                .bind(*agency.as_uuid())
                .execute(pool)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(db_error)?;
        affected_one(rows)
    }

    async fn agency_packs(&self) -> StoreResult<Vec<(AgencyId, String)>> {
        let sql = "SELECT id, pack FROM agency WHERE pack IS NOT NULL ORDER BY name";
        let rows: Vec<(Uuid, String)> = self.read_all(sql, &[]).await?;
        Ok(rows.into_iter().map(|(id, pack)| (AgencyId::from_uuid(id), pack)).collect())
    }

    async fn person_pack_source(&self, person: domain::ids::PersonId) -> StoreResult<PersonPackSource> {
        // One read where the finder and every page about a person read the agencies' packs,
        // the team and each case (state and clocks parsed) and then the latest one's location:
        // on PostgreSQL each was a round trip.
        let sql = "SELECT \
             (SELECT a.pack FROM team_entry t JOIN agency a ON a.id = t.agency_id \
              WHERE t.person_id = $1 AND t.ended_at IS NULL AND a.pack IS NOT NULL ORDER BY a.name, a.id LIMIT 1), \
             l.pack, l.time_zone \
             FROM (SELECT 1 AS one) o \
             LEFT JOIN zsm_location l ON l.code = (SELECT c.location FROM zsm_case c WHERE c.suspect_id = $1 \
              ORDER BY c.registered_at DESC, c.id DESC LIMIT 1)";
        let row: Option<(Option<String>, Option<String>, Option<String>)> =
            self.read_optional(sql, params![*person.as_uuid()]).await?;
        let (team_pack, case_pack, case_zone) = row.unwrap_or_default();
        Ok(PersonPackSource { team_pack, case_location: case_pack.map(|pack| (pack, case_zone)) })
    }

    async fn member_pack_source(&self, agency: AgencyId) -> StoreResult<MemberPackSource> {
        // One read where a member's page read every agency's pack, every location and then
        // each location's agencies: on PostgreSQL each was a round trip, 3 and more per
        // transfer that names no person.
        let sql = "SELECT a.pack, l.pack, l.time_zone FROM agency a \
                   LEFT JOIN zsm_location_agency la ON la.agency_id = a.id \
                   LEFT JOIN zsm_location l ON l.code = la.location \
                   WHERE a.id = $1 ORDER BY l.name, l.code";
        let rows: Vec<(Option<String>, Option<String>, Option<String>)> =
            self.read_all(sql, params![*agency.as_uuid()]).await?;
        let agency_pack = rows.first().and_then(|row| row.0.clone());
        let locations = rows.into_iter().filter_map(|(_, pack, zone)| pack.map(|pack| (pack, zone))).collect();
        Ok(MemberPackSource { agency_pack, locations })
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
        let sql = format!("{MEMBER_COLUMNS} WHERE id = $1");
        let row: Option<MemberRow> = self.read_optional(&sql, params![*id.as_uuid()]).await?;
        row.map(|r| into_credentials(r).map(|c| c.member)).transpose()
    }

    async fn credentials(&self, username: &str) -> StoreResult<Option<MemberCredentials>> {
        let sql = format!("{MEMBER_COLUMNS} WHERE username = $1");
        let row: Option<MemberRow> = self.read_optional(&sql, params![username]).await?;
        row.map(into_credentials).transpose()
    }

    async fn members(&self) -> StoreResult<Vec<Member>> {
        let sql = format!("{MEMBER_COLUMNS} ORDER BY username");
        let rows: Vec<MemberRow> = self.read_all(&sql, &[]).await?;
        rows.into_iter().map(|r| into_credentials(r).map(|c| c.member)).collect()
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
        // Other servers hear of it from the database; this one need not wait for that.
        self.forget_sessions("*");
        Ok(())
    }

    async fn set_password_hash(&self, username: &str, password_hash: &str) -> StoreResult<()> {
        let sql = "UPDATE member SET password_hash = $1 WHERE username = $2";
        let done = on_db!(self, pool => sqlx::query(sql).bind(password_hash).bind(username).execute(pool).await.map(|r| r.rows_affected())).map_err(db_error)?;
        self.forget_sessions("*");
        affected_one(done)
    }
}
