//! Storage ports: what the domain needs from a database, in domain terms. The `store` crate
//! implements them for SQLite and PostgreSQL; nothing here knows SQL.

use crate::access::TeamEntry;
use crate::audit::{AuditEntry, AuditView};
use crate::directory::{Agency, Member};
use crate::ids::{AgencyId, MemberId, PersonId, TeamEntryId};
use crate::people::{Identifier, Person, PersonDraft, PersonQuery};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::future::Future;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// Someone else saved a newer version first.
    #[error("the record was changed by someone else (now at version {current})")]
    Conflict { current: i64 },
    /// An identifier already belongs to another person.
    #[error("identifier {identifier} already belongs to person {existing}")]
    DuplicateIdentifier { identifier: Identifier, existing: PersonId },
    #[error("{0} already exists")]
    AlreadyExists(String),
    /// The database is not one of ours (or is from a newer desist).
    #[error("{0}")]
    NotDesistDatabase(String),
    /// Anything else; the cause is logged, never shown to users.
    #[error("database error: {0}")]
    Database(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Names to show beside a person's team entry: its agency and who added it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEntryNames {
    pub entry: TeamEntryId,
    pub agency: String,
    pub added_by: String,
}

/// A person with their case team, as one read: what every view of a person needs first
/// (the team to authorise it, the names to show it).
#[derive(Debug, Clone)]
pub struct PersonRecord {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    pub team_names: Vec<TeamEntryNames>,
}

/// A search hit: enough to recognise the person in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: PersonId,
    pub family_name: String,
    pub given_names: Option<String>,
    pub birth_date: Option<Date>,
}

impl PersonSummary {
    pub fn display_name(&self) -> String {
        crate::people::full_name(self.given_names.as_deref(), &self.family_name)
    }
}

/// One saved version of a person's details, kept forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRevision {
    pub version: i64,
    pub details: PersonDraft,
    pub saved_at: Timestamp,
    pub saved_by: MemberId,
}

pub trait PeopleStore: Send + Sync {
    /// Saves a new person with the creating agency's team entry and the audit entry, atomically.
    fn create_person(
        &self,
        person: &Person,
        team: &TeamEntry,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Saves new details if the stored version is still `expected_version`.
    fn update_person(
        &self,
        id: PersonId,
        expected_version: i64,
        details: &PersonDraft,
        at: Timestamp,
        by: MemberId,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<Person>> + Send;
    fn person(&self, id: PersonId) -> impl Future<Output = StoreResult<Option<Person>>> + Send;
    /// The person, their team and its names, in one read.
    fn person_record(&self, id: PersonId) -> impl Future<Output = StoreResult<Option<PersonRecord>>> + Send;
    fn revisions(&self, id: PersonId) -> impl Future<Output = StoreResult<Vec<PersonRevision>>> + Send;
    /// People matching `query` whose team includes `agency` with a basis valid on `today`.
    fn search_people(
        &self,
        query: &PersonQuery,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<PersonSummary>>> + Send;
    /// Who holds any of `identifiers`, if anyone (ignoring `except`).
    fn holder_of(
        &self,
        identifiers: &[Identifier],
        except: Option<PersonId>,
    ) -> impl Future<Output = StoreResult<Option<(Identifier, PersonId)>>> + Send;
    fn team(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<TeamEntry>>> + Send;
    /// The entries of `agency` that have not ended on the teams of `persons`, in one read: all
    /// that `access::authorise` looks at for a member of `agency` (for work lists).
    fn open_entries_of(
        &self,
        agency: AgencyId,
        persons: &[PersonId],
    ) -> impl Future<Output = StoreResult<Vec<TeamEntry>>> + Send;
    /// The names and dates of birth of those of `persons` who exist, in one read.
    fn summaries(&self, persons: &[PersonId]) -> impl Future<Output = StoreResult<Vec<PersonSummary>>> + Send;
    fn add_team_entry(&self, entry: &TeamEntry, audit: &AuditEntry) -> impl Future<Output = StoreResult<()>> + Send;
    fn end_team_entry(
        &self,
        entry: TeamEntryId,
        at: Timestamp,
        by: MemberId,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

pub trait AuditLog: Send + Sync {
    fn append(&self, entries: &[AuditEntry]) -> impl Future<Output = StoreResult<()>> + Send;
    /// Newest first.
    fn audit_for_person(
        &self,
        person: PersonId,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<AuditView>>> + Send;
}

/// A member with the secret needed to check their password; never leaves the web layer.
#[derive(Debug, Clone)]
pub struct MemberCredentials {
    pub member: Member,
    pub password_hash: String,
}

pub trait DirectoryStore: Send + Sync {
    fn create_agency(&self, agency: &Agency) -> impl Future<Output = StoreResult<()>> + Send;
    fn agencies(&self) -> impl Future<Output = StoreResult<Vec<Agency>>> + Send;
    fn create_member(
        &self,
        member: &Member,
        password_hash: &str,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    fn member(&self, id: MemberId) -> impl Future<Output = StoreResult<Option<Member>>> + Send;
    fn credentials(&self, username: &str) -> impl Future<Output = StoreResult<Option<MemberCredentials>>> + Send;
    fn members(&self) -> impl Future<Output = StoreResult<Vec<Member>>> + Send;
    fn set_member_disabled(&self, username: &str, disabled: bool) -> impl Future<Output = StoreResult<()>> + Send;
    fn set_password_hash(&self, username: &str, password_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
}

/// A logged-in session. The token itself is never stored, only its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub member_id: MemberId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A session that has not expired, with its (enabled) member and the name of the member's
/// agency: everything a request needs to know who is asking, read together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub session: Session,
    pub member: Member,
    pub agency_name: String,
}

pub trait SessionStore: Send + Sync {
    fn create_session(&self, session: &Session) -> impl Future<Output = StoreResult<()>> + Send;
    /// The session, if it is live at `now` and its member is not disabled; read on every request.
    fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> impl Future<Output = StoreResult<Option<LiveSession>>> + Send;
    fn delete_session(&self, token_hash: &str) -> impl Future<Output = StoreResult<()>> + Send;
    fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Failures since `since`: (for this account, from this address).
    fn login_failures(
        &self,
        username: &str,
        address: &str,
        since: Timestamp,
    ) -> impl Future<Output = StoreResult<(u32, u32)>> + Send;
}
