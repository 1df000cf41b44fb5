//! Changes to what administration made (`domain::partnership::ports::PartnershipEdits`). Each
//! update names the version it was made on and is written only when that is still the stored
//! one, in the same transaction as its audit entry; otherwise nothing is written and the
//! stored version is answered (`StoreError::Conflict`).

use super::administrators::{administrators, keeping_an_administrator};
use super::partnership::agency_of;
use crate::audit::insert_audit;
use crate::directory::roles_text;
use crate::read::params;
use crate::types::Instant;
use crate::{Store, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::directory::Member;
use domain::ids::{AgencyId, MemberId};
use domain::partnership::ports::{MemberWrite, PartnershipEdits};
use domain::partnership::{
    AdminRecord, AgencyRecord, LocationRecord, MemberSession, SESSION_REFERENCE_LEN, SafetyHouse, SavedVersion,
};
use domain::ports::{StoreError, StoreResult};
use jiff::Timestamp;
use uuid::Uuid;

/// An update made only on the version it names; when it changed no row, the record is gone
/// (`NotFound`) or someone saved another version (`Conflict`, with the stored one).
macro_rules! versioned {
    ($tx:ident, $sql:expr, $version_sql:expr, $key:expr, $($bind:expr),+) => {{
        let done = sqlx::query($sql)$(.bind($bind))+.execute(&mut *$tx).await.map_err(db_error)?;
        if done.rows_affected() == 0 {
            let stored: Option<i64> =
                sqlx::query_scalar($version_sql).bind($key).fetch_optional(&mut *$tx).await.map_err(db_error)?;
            return Err(match stored {
                Some(current) => StoreError::Conflict { current },
                None => StoreError::NotFound,
            });
        }
    }};
}

/// Keeps who saved version `$version` of `$record` `$key` and when: the audit entry's member
/// and time, in the same transaction as the save.
macro_rules! record_save {
    ($tx:ident, $record:expr, $key:expr, $version:expr, $audit:expr) => {{
        sqlx::query(
            "INSERT INTO admin_save (record, record_key, version, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($record.code())
        .bind($key)
        .bind($version)
        .bind(*$audit.member_id.as_uuid())
        .bind($crate::types::Instant($audit.at))
        .execute(&mut *$tx)
        .await
        .map_err($crate::db_error)?;
    }};
}
pub(super) use record_save;

/// A save as read: version, by whom (id, display name, username) and when.
type SavedRow = (i64, Uuid, Instant, Option<String>, Option<String>);

impl PartnershipEdits for Store {
    async fn last_saved(&self, record: AdminRecord, key: &str) -> StoreResult<Option<SavedVersion>> {
        let sql = "SELECT s.version, s.saved_by, s.saved_at, m.display_name, m.username FROM admin_save s \
                   LEFT JOIN member m ON m.id = s.saved_by \
                   WHERE s.record = $1 AND s.record_key = $2 ORDER BY s.version DESC LIMIT 1";
        let row: Option<SavedRow> = self.read_optional(sql, params![record.code(), key]).await?;
        Ok(row.map(|(version, by, at, name, username)| SavedVersion {
            version,
            by: MemberId::from_uuid(by),
            by_name: name.zip(username),
            at: at.0,
        }))
    }

    async fn agency_record(&self, id: AgencyId) -> StoreResult<Option<AgencyRecord>> {
        let sql = "SELECT id, name, kind, contact, version FROM agency WHERE id = $1";
        let row: Option<(Uuid, String, String, String, i64)> = self.read_optional(sql, params![*id.as_uuid()]).await?;
        row.map(|(id, name, kind, contact, version)| agency_of(id, name, &kind, contact, version)).transpose()
    }

    async fn update_agency(&self, record: &AgencyRecord, expected: i64, audit: &AuditEntry) -> StoreResult<()> {
        let agency = &record.agency;
        let id = *agency.id.as_uuid();
        in_tx!(self, tx => {
            versioned!(tx,
                "UPDATE agency SET name = $1, kind = $2, contact = $3, version = version + 1 WHERE id = $4 AND version = $5",
                "SELECT version FROM agency WHERE id = $1", id,
                &agency.name, agency.kind.code(), &record.contact, id, expected);
            record_save!(tx, AdminRecord::Agency, id.to_string(), expected + 1, audit);
            insert_audit!(tx, audit);
        });
        // Sessions carry their agency's name: other servers hear of it, this one at once.
        self.forget_sessions("*");
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }

    async fn agency_members(&self, id: AgencyId) -> StoreResult<i64> {
        let count: Option<(i64,)> =
            self.read_optional("SELECT count(*) FROM member WHERE agency_id = $1", params![*id.as_uuid()]).await?;
        Ok(count.map_or(0, |(n,)| n))
    }

    async fn delete_agency(&self, id: AgencyId, audit: &AuditEntry) -> StoreResult<bool> {
        let id = *id.as_uuid();
        in_tx!(self, tx => {
            let deleted = sqlx::query("DELETE FROM agency WHERE id = $1").bind(id).execute(&mut *tx).await;
            match deleted {
                Ok(done) if done.rows_affected() == 0 => return Err(StoreError::NotFound),
                Ok(_) => {}
                // Something still refers to it: nothing is deleted (the transaction is dropped).
                Err(error)
                    if error
                        .as_database_error()
                        .is_some_and(|db| db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation) =>
                {
                    return Ok(false);
                }
                Err(error) => return Err(db_error(error)),
            }
            insert_audit!(tx, audit);
        });
        self.forget(crate::memory::Reference::Packs);
        Ok(true)
    }

    async fn update_member(&self, member: &Member, expected: i64, audit: &AuditEntry) -> StoreResult<MemberWrite> {
        let id = *member.id.as_uuid();
        in_tx!(self, tx => {
            keeping_an_administrator!(tx, id, {
                versioned!(tx,
                    "UPDATE member SET display_name = $1, roles = $2, version = version + 1 WHERE id = $3 AND version = $4",
                    "SELECT version FROM member WHERE id = $1", id,
                    &member.display_name, roles_text(&member.roles), id, expected);
            });
            record_save!(tx, AdminRecord::Member, id.to_string(), expected + 1, audit);
            insert_audit!(tx, audit);
        });
        // Sessions carry the member's roles: other servers re-read them, this one at once.
        self.forget_sessions("*");
        Ok(MemberWrite::Saved)
    }

    async fn member_sessions(&self, member: MemberId, now: Timestamp) -> StoreResult<Vec<MemberSession>> {
        let sql = "SELECT token_hash, created_at, expires_at, signed_in_from FROM session \
                   WHERE member_id = $1 AND expires_at > $2 ORDER BY created_at DESC, token_hash";
        let rows: Vec<(String, Instant, Instant, String)> =
            self.read_all(sql, params![*member.as_uuid(), Instant(now)]).await?;
        Ok(rows
            .into_iter()
            .map(|(hash, created_at, expires_at, signed_in_from)| MemberSession {
                reference: hash.chars().take(SESSION_REFERENCE_LEN).collect(),
                created_at: created_at.0,
                expires_at: expires_at.0,
                signed_in_from,
            })
            .collect())
    }

    async fn end_member_session(&self, member: MemberId, reference: &str, audit: &AuditEntry) -> StoreResult<bool> {
        let sql = "DELETE FROM session WHERE member_id = $1 AND substr(token_hash, 1, 16) = $2 RETURNING token_hash";
        let ended: Vec<String> = in_tx!(self, tx => {
            let ended: Vec<String> = sqlx::query_scalar(sql)
                .bind(*member.as_uuid())
                .bind(reference)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
            if !ended.is_empty() {
                insert_audit!(tx, audit);
            }
            ended
        });
        // Other servers hear of each from the database; this one need not wait for that.
        for token_hash in &ended {
            self.forget_sessions(token_hash);
        }
        Ok(!ended.is_empty())
    }

    async fn update_location(&self, record: &LocationRecord, expected: i64, audit: &AuditEntry) -> StoreResult<()> {
        let location = &record.location;
        let code = location.code.as_str();
        in_tx!(self, tx => {
            versioned!(tx,
                "UPDATE zsm_location SET name = $1, pack = $2, time_zone = $3, version = version + 1 \
                 WHERE code = $4 AND version = $5",
                "SELECT version FROM zsm_location WHERE code = $1", code,
                &location.name, &location.pack, &record.time_zone, code, expected);
            record_save!(tx, AdminRecord::Location, code, expected + 1, audit);
            sqlx::query("DELETE FROM zsm_location_agency WHERE location = $1")
                .bind(code)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            for agency in &location.agencies {
                sqlx::query("INSERT INTO zsm_location_agency (location, agency_id) VALUES ($1, $2)")
                    .bind(code)
                    .bind(*agency.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            insert_audit!(tx, audit);
        });
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }

    async fn open_cases_at(&self, code: &str) -> StoreResult<i64> {
        let sql = "SELECT count(*) FROM zsm_case WHERE location = $1 AND is_open = $2";
        let open: Option<(i64,)> = self.read_optional(sql, params![code, true]).await?;
        Ok(open.map_or(0, |(n,)| n))
    }

    async fn update_safety_house(&self, house: &SafetyHouse, expected: i64, audit: &AuditEntry) -> StoreResult<()> {
        let agency = &house.agency.agency;
        let id = *agency.id.as_uuid();
        in_tx!(self, tx => {
            // The agency's own pack is what its triage and conference pages follow.
            versioned!(tx,
                "UPDATE agency SET name = $1, contact = $2, pack = $3, version = version + 1 WHERE id = $4 AND version = $5",
                "SELECT version FROM agency WHERE id = $1", id,
                &agency.name, &house.agency.contact, &house.pack, id, expected);
            record_save!(tx, AdminRecord::Agency, id.to_string(), expected + 1, audit);
            sqlx::query("UPDATE safety_house SET pack = $1, persons_per_day = $2, triage_cutoff = $3 WHERE agency_id = $4")
                .bind(&house.pack)
                .bind(i64::from(house.persons_per_day))
                .bind(house.triage_cutoff.strftime("%H:%M").to_string())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query("DELETE FROM safety_house_agency WHERE safety_house = $1")
                .bind(id)
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
        self.forget_sessions("*");
        self.forget(crate::memory::Reference::Packs);
        Ok(())
    }
}
