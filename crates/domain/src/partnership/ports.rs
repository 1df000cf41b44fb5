//! What administration reads and writes. Every write carries its audit entry and commits it in
//! the same transaction; a name already taken is `StoreError::AlreadyExists`.

use super::model::{
    AdminRecord, AgencyRecord, LocationRecord, MemberAccount, MemberSession, SafetyHouse, SavedVersion,
};
use crate::audit::AuditEntry;
use crate::directory::Member;
use crate::ids::{AgencyId, MemberId};
use crate::ports::StoreResult;
use jiff::Timestamp;
use std::future::Future;

/// What became of a change to a member's roles or state. Whether an enabled administrator is
/// left is decided inside the write's transaction, with the administrators locked until it
/// ends: two administrators demoting (or disabling) each other at the same moment each read
/// the other as still there if the check ran before the write, and both would succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberWrite {
    Saved,
    /// Nothing written: no enabled administrator would be left.
    LastAdministrator,
}

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
    /// Disabling ends the member's sessions at once. Refused (nothing written) when it would
    /// disable the last enabled administrator (see [`MemberWrite`]).
    fn set_disabled(
        &self,
        member: MemberId,
        disabled: bool,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<MemberWrite>> + Send;
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

/// Changes to what exists (`service::edit`). Each update is made only when the stored version
/// is `expected` (else `StoreError::Conflict` with the stored one, and nothing is written), and
/// adds one to it; each commits its audit entry with it, and who saved the new version and when
/// (the audit entry's member and time: see `last_saved`).
pub trait PartnershipEdits: Send + Sync {
    /// Who saved the latest version of the record (`key`: an agency's or member's id as text,
    /// a location's code) and when; `None` when it was not saved since desist keeps that.
    fn last_saved(
        &self,
        record: AdminRecord,
        key: &str,
    ) -> impl Future<Output = StoreResult<Option<SavedVersion>>> + Send;
    fn agency_record(&self, id: AgencyId) -> impl Future<Output = StoreResult<Option<AgencyRecord>>> + Send;
    fn update_agency(
        &self,
        agency: &AgencyRecord,
        expected: i64,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// How many members (disabled ones too, API keys too) belong to the agency.
    fn agency_members(&self, id: AgencyId) -> impl Future<Output = StoreResult<i64>> + Send;
    /// Deletes an agency nothing refers to; `false` (and nothing deleted) when something still
    /// does (a location's table, a team, a plan task, the audit log…).
    fn delete_agency(&self, id: AgencyId, audit: &AuditEntry) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Saves the member's name and roles. Refused (nothing written) when it would take the
    /// administrator role from the last enabled administrator (see [`MemberWrite`]).
    fn update_member(
        &self,
        member: &Member,
        expected: i64,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<MemberWrite>> + Send;
    /// The member's live sessions at `now`, newest first, each by its reference.
    fn member_sessions(
        &self,
        member: MemberId,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<MemberSession>>> + Send;
    /// Ends the member's session with that reference; `false` when there is none.
    fn end_member_session(
        &self,
        member: MemberId,
        reference: &str,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<bool>> + Send;

    /// Saves a location's name, pack, time zone and the agencies at its table.
    fn update_location(
        &self,
        location: &LocationRecord,
        expected: i64,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// How many cases are open at the location.
    fn open_cases_at(&self, code: &str) -> impl Future<Output = StoreResult<i64>> + Send;

    /// Saves a Safety House's agency (name, contact, pack), settings and partners; the version
    /// is its agency's.
    fn update_safety_house(
        &self,
        house: &SafetyHouse,
        expected: i64,
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
