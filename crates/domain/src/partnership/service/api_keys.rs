//! API keys for partner systems: a key bound to an agency, acting in the roles named as its
//! scopes, shown once when made, kept only as a hash, revocable. A key acts through a member
//! of its own (`api-key.<id>`, no password), so the audit log and every record it writes name
//! it as they name members; it never administers (no `administrator` scope). Disabling that
//! member stops the key too; its password cannot be reset (it has none).

use super::{API_KEY_MEMBER_PREFIX, Administration};
use crate::access::{Actor, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::{Agency, DirectoryStore, Member, SessionStore};
use crate::ids::{AgencyId, MemberId};
use crate::partnership::ports::{PartnershipStore, Passwords};
use crate::ports::StoreResult;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors, required_text};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::future::Future;
use uuid::Uuid;

/// A key as typed: a name for people to know it by, its agency, its scopes (role codes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ApiKeyInput {
    pub name: String,
    pub agency_id: String,
    pub scopes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiKey {
    pub id: Uuid,
    /// The member it acts through.
    pub member_id: MemberId,
    pub agency_id: AgencyId,
    pub name: String,
    pub scopes: Vec<Role>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl ApiKey {
    /// Who is asking when the key is used.
    pub fn actor(&self) -> Actor {
        Actor {
            member_id: self.member_id,
            agency_id: self.agency_id,
            roles: self.scopes.clone(),
            display_name: format!("API key: {}", self.name),
        }
    }
}

impl ApiKeyInput {
    pub fn parse(&self, id: Uuid, at: Timestamp, agencies: &[Agency]) -> Result<ApiKey, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &self.name, 200);
        let agency = AgencyId::parse(&self.agency_id).ok().filter(|id| agencies.iter().any(|a| a.id == *id));
        if agency.is_none() {
            errors.push(FieldError::new("agency_id", "error.agency.unknown"));
        }
        let mut scopes = Vec::new();
        for code in self.scopes.iter().flat_map(|s| s.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
            match code.parse::<Role>() {
                Ok(Role::Administrator) => errors.push(FieldError::new("scopes", "error.api_key.no_admin")),
                Ok(role) if !scopes.contains(&role) => scopes.push(role),
                Ok(_) => {}
                Err(_) => errors.push(FieldError::new("scopes", "error.role.unknown").with("role", code)),
            }
        }
        if scopes.is_empty() && errors.iter().all(|e| e.field != "scopes") {
            errors.push(FieldError::new("scopes", "error.roles.none"));
        }
        match agency {
            Some(agency_id) if errors.is_empty() => Ok(ApiKey {
                id,
                member_id: MemberId::from_uuid(id),
                agency_id,
                name,
                scopes,
                created_at: at,
                revoked_at: None,
            }),
            _ => Err(errors),
        }
    }
}

pub trait ApiKeyStore: Send + Sync {
    /// The key, its member (no password) and the audit entry, in one transaction.
    fn add_api_key(
        &self,
        key: &ApiKey,
        member: &Member,
        token_hash: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn api_keys(&self) -> impl Future<Output = StoreResult<Vec<ApiKey>>> + Send;
    /// Revokes the key (if not yet): it stops working at once.
    fn revoke_api_key(
        &self,
        id: Uuid,
        by: MemberId,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The key whose token hashes to `token_hash`, unless revoked; with its agency's name.
    fn live_api_key(&self, token_hash: &str) -> impl Future<Output = StoreResult<Option<(ApiKey, String)>>> + Send;
}

impl<S, P> Administration<'_, S, P>
where
    S: PartnershipStore
        + super::super::ports::PartnershipEdits
        + DirectoryStore
        + SessionStore
        + AuditLog
        + ApiKeyStore,
    P: Passwords,
{
    /// A new key: returned with its token, which is shown this once and stored only as a hash.
    pub async fn add_api_key(&self, actor: &Actor, input: &ApiKeyInput) -> ServiceResult<(ApiKey, String)> {
        self.allow(actor, "admin: add api key").await?;
        let now = self.clock.now();
        let agencies = self.store.agencies().await?;
        let key = input.parse(crate::ids::new_v7(now), now, &agencies)?;
        let token = self.passwords.api_token();
        let member = Member {
            id: key.member_id,
            agency_id: key.agency_id,
            username: format!("{API_KEY_MEMBER_PREFIX}{}", key.id.simple()),
            display_name: format!("API key: {}", key.name),
            roles: key.scopes.clone(),
            disabled: false,
        };
        let scopes: Vec<&str> = key.scopes.iter().map(|r| r.code()).collect();
        let what = format!("admin: api key {} ({}) for {}", key.name, scopes.join(","), key.agency_id);
        let audit = self.entry(actor, AuditAction::Create, what);
        self.store.add_api_key(&key, &member, &self.passwords.token_hash(&token), &audit).await?;
        Ok((key, token))
    }

    pub async fn api_keys(&self, actor: &Actor) -> ServiceResult<Vec<ApiKey>> {
        self.listed(actor, "admin: api keys").await?;
        Ok(self.store.api_keys().await?)
    }

    pub async fn revoke_api_key(&self, actor: &Actor, id: Uuid) -> ServiceResult<ApiKey> {
        self.allow(actor, "admin: revoke api key").await?;
        let key = self.store.api_keys().await?.into_iter().find(|k| k.id == id).ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let audit = self.entry(actor, AuditAction::Update, format!("admin: revoke api key {}", key.name));
        self.store.revoke_api_key(id, actor.member_id, now, &audit).await?;
        Ok(ApiKey { revoked_at: key.revoked_at.or(Some(now)), ..key })
    }
}
