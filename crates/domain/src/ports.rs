//! What every storage port shares: its error and result. The ports themselves are in the
//! capability that needs them (`people::ports`, `plan::ports`, ...) or beside the shared
//! module they serve (`audit::AuditLog`, `directory::DirectoryStore`); the `store` crate
//! implements them for SQLite and PostgreSQL, and nothing in the domain knows SQL.

use crate::ids::PersonId;
use crate::people::Identifier;

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
