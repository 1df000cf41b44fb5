//! API keys (`domain::partnership::service::api_keys::ApiKeyStore`): the key's row and the member
//! it acts through, written together with their audit entry; looked up by the token's hash.

use super::partnership::INSERT_MEMBER;
use crate::audit::insert_audit;
use crate::directory::{parse_roles, roles_text};
use crate::read::params;
use crate::types::Instant;
use crate::{Store, db_error, in_tx};
use domain::audit::AuditEntry;
use domain::directory::Member;
use domain::ids::{AgencyId, MemberId};
use domain::partnership::service::api_keys::{ApiKey, ApiKeyStore};
use domain::ports::StoreResult;
use jiff::Timestamp;
use uuid::Uuid;

/// A password hash no password matches: the member of a key signs in only with the key.
const NO_PASSWORD: &str = "!api-key";

const KEY_COLUMNS: &str = "SELECT k.id, k.member_id, k.agency_id, k.name, k.scopes, k.created_at, k.revoked_at";

type KeyRow = (Uuid, Uuid, Uuid, String, String, Instant, Option<Instant>);
/// A key's columns and its agency's name.
type LiveKeyRow = (Uuid, Uuid, Uuid, String, String, Instant, Option<Instant>, String);

fn key_of((id, member, agency, name, scopes, created_at, revoked_at): KeyRow) -> StoreResult<ApiKey> {
    Ok(ApiKey {
        id,
        member_id: MemberId::from_uuid(member),
        agency_id: AgencyId::from_uuid(agency),
        name,
        scopes: parse_roles(&scopes)?,
        created_at: created_at.0,
        revoked_at: revoked_at.map(|i| i.0),
    })
}

impl ApiKeyStore for Store {
    async fn add_api_key(
        &self,
        key: &ApiKey,
        member: &Member,
        token_hash: &str,
        audit: &AuditEntry,
    ) -> StoreResult<()> {
        let insert_key = "INSERT INTO api_key (id, member_id, agency_id, name, scopes, token_hash, created_at, created_by) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
        in_tx!(self, tx => {
            sqlx::query(INSERT_MEMBER)
                .bind(*member.id.as_uuid())
                .bind(*member.agency_id.as_uuid())
                .bind(&member.username)
                .bind(&member.display_name)
                .bind(roles_text(&member.roles))
                .bind(NO_PASSWORD)
                .bind(false)
                .bind(false)
                .bind(Instant(key.created_at))
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            sqlx::query(insert_key)
                .bind(key.id)
                .bind(*key.member_id.as_uuid())
                .bind(*key.agency_id.as_uuid())
                .bind(&key.name)
                .bind(roles_text(&key.scopes))
                .bind(token_hash)
                .bind(Instant(key.created_at))
                .bind(*audit.member_id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn api_keys(&self) -> StoreResult<Vec<ApiKey>> {
        let sql = format!("{KEY_COLUMNS} FROM api_key k ORDER BY k.name, k.id");
        let rows: Vec<KeyRow> = self.read_all(&sql, &[]).await?;
        rows.into_iter().map(key_of).collect()
    }

    async fn revoke_api_key(&self, id: Uuid, by: MemberId, at: Timestamp, audit: &AuditEntry) -> StoreResult<()> {
        let sql = "UPDATE api_key SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL";
        in_tx!(self, tx => {
            sqlx::query(sql).bind(Instant(at)).bind(*by.as_uuid()).bind(id).execute(&mut *tx).await.map_err(db_error)?;
            insert_audit!(tx, audit);
        });
        Ok(())
    }

    async fn live_api_key(&self, token_hash: &str) -> StoreResult<Option<(ApiKey, String)>> {
        let sql = format!(
            "{KEY_COLUMNS}, a.name FROM api_key k JOIN agency a ON a.id = k.agency_id \
             JOIN member m ON m.id = k.member_id WHERE k.token_hash = $1 AND k.revoked_at IS NULL AND NOT m.disabled"
        );
        let row: Option<LiveKeyRow> = self.read_optional(&sql, params![token_hash]).await?;
        row.map(|(id, member, agency, name, scopes, created_at, revoked_at, agency_name)| {
            key_of((id, member, agency, name, scopes, created_at, revoked_at)).map(|key| (key, agency_name))
        })
        .transpose()
    }
}
