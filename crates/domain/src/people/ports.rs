//! The people capability's storage port, in domain terms: a person with their case team and
//! its history, read and written with the audit entry of the same change.

use crate::access::TeamEntry;
use crate::audit::AuditEntry;
use crate::ids::{AgencyId, MemberId, PersonId, TeamEntryId};
use crate::people::{Identifier, Person, PersonDraft, PersonQuery};
use crate::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::future::Future;

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
