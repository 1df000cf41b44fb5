//! Administration's reads and writes (`domain::partnership::ports::PartnershipStore`):
//! agencies with their contact, members with their must-change flag, locations with their time
//! zone, Safety Houses with their settings. Each write commits its audit entry with it.

use super::administrators::{administrators, keeping_an_administrator};
use super::edits::record_save;
use crate::audit::insert_audit;
use crate::directory::{MEMBER_COLUMNS, MemberRow, into_credentials, roles_text};
use crate::read::params;
use crate::types::Instant;
use crate::{Store, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::directory::{Agency, Member};
use domain::ids::{AgencyId, MemberId};
use domain::partnership::ports::{MemberWrite, PartnershipStore};
use domain::partnership::{AdminRecord, AgencyRecord, LocationRecord, MemberAccount, SafetyHouse, pack_time_zone};
use domain::ports::{StoreError, StoreResult};
use domain::zsm::ports::ZsmLocation;
use jiff::Timestamp;
use uuid::Uuid;

pub(super) fn agency_of(
    id: Uuid,
    name: String,
    kind: &str,
    contact: String,
    version: i64,
) -> StoreResult<AgencyRecord> {
    let kind = kind.parse().map_err(|_| crate::corrupt("agency kind", kind))?;
    Ok(AgencyRecord { agency: Agency { id: AgencyId::from_uuid(id), name, kind }, contact, version })
}

fn account(row: MemberRow, version: i64) -> StoreResult<MemberAccount> {
    let credentials = into_credentials(row)?;
    Ok(MemberAccount { member: credentials.member, must_change_password: credentials.must_change_password, version })
}

fn found(rows: u64) -> StoreResult<()> {
    if rows == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

pub(super) const INSERT_MEMBER: &str = "INSERT INTO member (id, agency_id, username, display_name, roles, \
     password_hash, disabled, must_change_password, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

const INSERT_AGENCY: &str = "INSERT INTO agency (id, name, kind, contact, created_at) VALUES ($1, $2, $3, $4, $5)";

impl Store {
    async fn agencies_of(&self, sql: &'static str, key: crate::read::Param<'_>) -> StoreResult<Vec<AgencyId>> {
        let rows: Vec<(Uuid,)> = self.read_all(sql, &[key]).await?;
        Ok(rows.into_iter().map(|(id,)| AgencyId::from_uuid(id)).collect())
    }
}

impl PartnershipStore for Store {
    async fn agency_records(&self) -> StoreResult<Vec<AgencyRecord>> {
        let rows: Vec<(Uuid, String, String, String, i64)> =
            self.read_all("SELECT id, name, kind, contact, version FROM agency ORDER BY name", &[]).await?;
        rows.into_iter()
            .map(|(id, name, kind, contact, version)| agency_of(id, name, &kind, contact, version))
            .collect()
    }

    async fn add_agency(&self, record: &AgencyRecord, at: Timestamp, audit: &AuditEntry) -> StoreResult<()> {
        let agency = &record.agency;
        in_tx!(self, tx => {
            sqlx::query(INSERT_AGENCY)
                .bind(*agency.id.as_uuid())
                .bind(&agency.name)
                .bind(agency.kind.code())
                .bind(&record.contact)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn member_accounts(&self) -> StoreResult<Vec<MemberAccount>> {
        let sql = format!("{MEMBER_COLUMNS} ORDER BY username");
        let rows: Vec<MemberRow> = self.read_all(&sql, &[]).await?;
        let versions: Vec<(Uuid, i64)> = self.read_all("SELECT id, version FROM member", &[]).await?;
        let versions: std::collections::HashMap<Uuid, i64> = versions.into_iter().collect();
        rows.into_iter()
            .map(|row| {
                let mut found = account(row, 1)?;
                found.version = versions.get(found.member.id.as_uuid()).copied().unwrap_or(1);
                Ok(found)
            })
            .collect()
    }

    async fn member_account(&self, id: MemberId) -> StoreResult<Option<MemberAccount>> {
        let sql = format!("{MEMBER_COLUMNS} WHERE id = $1");
        let row: Option<MemberRow> = self.read_optional(&sql, params![*id.as_uuid()]).await?;
        let version: Option<(i64,)> =
            self.read_optional("SELECT version FROM member WHERE id = $1", params![*id.as_uuid()]).await?;
        row.map(|row| account(row, version.map_or(1, |(v,)| v))).transpose()
    }

    async fn add_member(
        &self,
        member: &Member,
        password_hash: &str,
        must_change_password: bool,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        in_tx!(self, tx => {
            sqlx::query(INSERT_MEMBER)
                .bind(*member.id.as_uuid())
                .bind(*member.agency_id.as_uuid())
                .bind(&member.username)
                .bind(&member.display_name)
                .bind(roles_text(&member.roles))
                .bind(password_hash)
                .bind(member.disabled)
                .bind(must_change_password)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn set_disabled(&self, member: MemberId, disabled: bool, audit: &AuditEntry) -> StoreResult<MemberWrite> {
        let id = *member.as_uuid();
        in_tx!(self, tx => {
            keeping_an_administrator!(tx, id, {
                let done = sqlx::query("UPDATE member SET disabled = $1, version = version + 1 WHERE id = $2")
                    .bind(disabled)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                found(done.rows_affected())?;
            });
            let version: i64 = sqlx::query_scalar("SELECT version FROM member WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_error)?;
            record_save!(tx, AdminRecord::Member, id.to_string(), version, audit);
            // A disabled member's sessions end now, not when they expire.
            if disabled {
                sqlx::query("DELETE FROM session WHERE member_id = $1").bind(id).execute(&mut *tx).await.map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        // Other servers hear of it from the database; this one need not wait for that.
        self.forget_sessions("*");
        Ok(MemberWrite::Saved)
    }

    async fn set_password(
        &self,
        member: MemberId,
        password_hash: &str,
        must_change: bool,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let id = *member.as_uuid();
        in_tx!(self, tx => {
            let done = sqlx::query("UPDATE member SET password_hash = $1, must_change_password = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(must_change)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            found(done.rows_affected())?;
            // A reset: whoever holds a session on the old password holds it no more.
            if must_change {
                sqlx::query("DELETE FROM session WHERE member_id = $1").bind(id).execute(&mut *tx).await.map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        self.forget_sessions("*");
        Ok(())
    }

    async fn location_records(&self) -> StoreResult<Vec<LocationRecord>> {
        let sql = "SELECT code, name, pack, time_zone, version FROM zsm_location ORDER BY name, code";
        let rows: Vec<(String, String, String, Option<String>, i64)> = self.read_all(sql, &[]).await?;
        let mut records = Vec::with_capacity(rows.len());
        for (code, name, pack, time_zone, version) in rows {
            let sql = "SELECT agency_id FROM zsm_location_agency WHERE location = $1 ORDER BY agency_id";
            let agencies = self.agencies_of(sql, (&code).into()).await?;
            let stored_zone = time_zone.clone();
            let time_zone = time_zone.unwrap_or_else(|| pack_time_zone(&pack).unwrap_or_default().to_owned());
            let location = ZsmLocation { code, name, pack, agencies, time_zone: stored_zone };
            records.push(LocationRecord { location, time_zone, version });
        }
        Ok(records)
    }

    async fn add_location(&self, record: &LocationRecord, at: Timestamp, audit: &AuditEntry) -> StoreResult<()> {
        let location = &record.location;
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO zsm_location (code, name, pack, time_zone, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&location.code)
                .bind(&location.name)
                .bind(&location.pack)
                .bind(&record.time_zone)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for agency in &location.agencies {
                sqlx::query("INSERT INTO zsm_location_agency (location, agency_id) VALUES ($1, $2)")
                    .bind(&location.code)
                    .bind(*agency.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        // The packs of its agencies' members: other servers hear of it, this one at once.
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }

    async fn safety_houses(&self) -> StoreResult<Vec<SafetyHouse>> {
        let sql = "SELECT a.id, a.name, a.kind, a.contact, s.pack, s.persons_per_day, s.triage_cutoff, a.version \
                   FROM safety_house s JOIN agency a ON a.id = s.agency_id ORDER BY a.name";
        let rows: Vec<SafetyHouseRow> = self.read_all(sql, &[]).await?;
        let mut houses = Vec::with_capacity(rows.len());
        for (id, name, kind, contact, pack, persons_per_day, cutoff, version) in rows {
            let sql = "SELECT agency_id FROM safety_house_agency WHERE safety_house = $1 ORDER BY agency_id";
            let agencies = self.agencies_of(sql, id.into()).await?;
            houses.push(SafetyHouse {
                agency: agency_of(id, name, &kind, contact, version)?,
                pack,
                persons_per_day: u16::try_from(persons_per_day).map_err(|e| crate::corrupt("persons per day", e))?,
                triage_cutoff: jiff::civil::Time::strptime("%H:%M", &cutoff)
                    .map_err(|e| crate::corrupt("triage cut-off", e))?,
                agencies,
            });
        }
        Ok(houses)
    }

    async fn add_safety_house(&self, house: &SafetyHouse, at: Timestamp, audit: &AuditEntry) -> StoreResult<()> {
        let agency = &house.agency.agency;
        let id = *agency.id.as_uuid();
        in_tx!(self, tx => {
            sqlx::query(INSERT_AGENCY)
                .bind(id)
                .bind(&agency.name)
                .bind(agency.kind.code())
                .bind(&house.agency.contact)
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            // The agency's own pack is what its triage and conference pages follow.
            sqlx::query("UPDATE agency SET pack = $1 WHERE id = $2")
                .bind(&house.pack)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query("INSERT INTO safety_house (agency_id, pack, persons_per_day, triage_cutoff, created_at) \
                         VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(&house.pack)
                .bind(i64::from(house.persons_per_day))
                .bind(house.triage_cutoff.strftime("%H:%M").to_string())
                .bind(Instant(at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for partner in &house.agencies {
                sqlx::query("INSERT INTO safety_house_agency (safety_house, agency_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*partner.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }
}

/// A Safety House as read: its agency's id, name, kind, contact, then pack, persons per day,
/// triage cut-off and the agency's version.
type SafetyHouseRow = (Uuid, String, String, String, String, i64, String, i64);
