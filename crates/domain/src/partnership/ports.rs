//! What administration reads and writes. Every write carries its audit entry and commits it in
//! the same transaction; a name already taken is `StoreError::AlreadyExists`.

use super::model::{AgencyRecord, LocationRecord, MemberAccount, SafetyHouse};
use crate::audit::AuditEntry;
use crate::directory::Member;
use crate::ids::MemberId;
use crate::ports::StoreResult;
use jiff::Timestamp;
use std::future::Future;

pub trait PartnershipStore: Send + Sync {
    /// Every agency with its contact, by name.
    fn agency_records(&self) -> impl Future<Output = StoreResult<Vec<AgencyRecord>>> + Send;
    fn add_agency(
        &self,
        agency: &AgencyRecord,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Every member, disabled ones too, by username.
    fn member_accounts(&self) -> impl Future<Output = StoreResult<Vec<MemberAccount>>> + Send;
    fn member_account(&self, id: MemberId) -> impl Future<Output = StoreResult<Option<MemberAccount>>> + Send;
    fn add_member(
        &self,
        member: &Member,
        password_hash: &str,
        must_change_password: bool,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Disabling ends the member's sessions at once.
    fn set_disabled(
        &self,
        member: MemberId,
        disabled: bool,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// A new password; with `must_change` the member's sessions end and they change it at their
    /// next sign-in (a reset), without it the member chose it themselves.
    fn set_password(
        &self,
        member: MemberId,
        password_hash: &str,
        must_change: bool,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Every ZSM location with its time zone, by name.
    fn location_records(&self) -> impl Future<Output = StoreResult<Vec<LocationRecord>>> + Send;
    fn add_location(
        &self,
        location: &LocationRecord,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Every Safety House with its settings, by name.
    fn safety_houses(&self) -> impl Future<Output = StoreResult<Vec<SafetyHouse>>> + Send;
    /// The agency and its settings, in one transaction.
    fn add_safety_house(
        &self,
        house: &SafetyHouse,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

/// How passwords are hashed and made up: argon2 and the operating system's randomness, outside
/// the domain.
pub trait Passwords: Send + Sync {
    fn hash(&self, password: String) -> impl Future<Output = Result<String, String>> + Send;
    /// Whether `password` is the one `hash` was made from.
    fn verify(&self, password: String, hash: String) -> impl Future<Output = bool> + Send;
    /// A new one-time password: long and random, typed once.
    fn one_time(&self) -> String;
    /// A new API key's token: 32 random bytes, never stored.
    fn api_token(&self) -> String;
    /// What is stored of a token (a fast hash: tokens are random, not guessable words).
    fn token_hash(&self, token: &str) -> String;
}
