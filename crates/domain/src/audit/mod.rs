//! The audit log: every read and write of a person's data, who did it, for which agency, when,
//! and on what basis. Entries are only ever appended (the databases refuse updates and
//! deletes), and each write's entry is committed in the same transaction as the write itself.

use crate::access::{Actor, Grant};
use crate::ids::{AgencyId, AuditId, MemberId, PersonId};
use crate::ports::StoreResult;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The person's record was opened.
    Read,
    /// The person appeared in a search result.
    Listed,
    Create,
    Update,
    TeamAdd,
    TeamEnd,
    /// A subject-access export was made.
    Export,
    /// Access was asked for and refused.
    Denied,
}

impl AuditAction {
    pub const ALL: [AuditAction; 8] = [
        Self::Read,
        Self::Listed,
        Self::Create,
        Self::Update,
        Self::TeamAdd,
        Self::TeamEnd,
        Self::Export,
        Self::Denied,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Listed => "listed",
            Self::Create => "create",
            Self::Update => "update",
            Self::TeamAdd => "team_add",
            Self::TeamEnd => "team_end",
            Self::Export => "export",
            Self::Denied => "denied",
        }
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|a| a.code() == s).ok_or_else(|| format!("unknown audit action {s:?}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: Timestamp,
    pub member_id: MemberId,
    pub agency_id: AgencyId,
    pub person_id: Option<PersonId>,
    pub action: AuditAction,
    /// What was touched, as `code` or `code: detail` (e.g. `person_page`, `search: jansen`):
    /// the code is shown in the reader's language (`audit.what.CODE` in the catalogue).
    pub what: String,
    /// The legal basis or role the access relied on, as `code: detail` (`audit.basis.CODE`);
    /// for `Denied`, the code of why it was refused.
    pub basis: String,
}

impl AuditEntry {
    pub fn granted(
        actor: &Actor,
        at: Timestamp,
        person: PersonId,
        action: AuditAction,
        what: impl Into<String>,
        grant: &Grant,
    ) -> Self {
        Self::new(actor, at, Some(person), action, what, grant.summary())
    }

    pub fn new(
        actor: &Actor,
        at: Timestamp,
        person: Option<PersonId>,
        action: AuditAction,
        what: impl Into<String>,
        basis: impl Into<String>,
    ) -> Self {
        Self {
            id: AuditId::new(at),
            at,
            member_id: actor.member_id,
            agency_id: actor.agency_id,
            person_id: person,
            action,
            what: what.into(),
            basis: basis.into(),
        }
    }
}

/// An audit entry with the names a reader needs ("who has looked at this record").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub entry: AuditEntry,
    pub member_name: String,
    pub agency_name: String,
}

/// The storage port of the log: append, and read a person's trail.
pub trait AuditLog: Send + Sync {
    fn append(&self, entries: &[AuditEntry]) -> impl Future<Output = StoreResult<()>> + Send;
    /// Newest first.
    fn audit_for_person(
        &self,
        person: PersonId,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<AuditView>>> + Send;
}

mod listing;
pub use listing::ListingMemo;
