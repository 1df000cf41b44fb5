//! What the use cases of every capability share: the one error type of the domain services,
//! the access check on a person that every capability starts from (`authorise_person`), the
//! listing of work-list entries with the names the actor may see (`listed_with_names`), and
//! "today" in the jurisdiction's time zone. Each capability's own use cases are in its
//! `service` module (`people::service::People`, `plan::service::Plans`, ...).

use crate::access::{Actor, Denial, Grant, Permission, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::ids::PersonId;
use crate::people::ports::PeopleStore;
use crate::people::{Identifier, Person};
use crate::ports::StoreError;
use crate::validation::{FieldError, ValidationErrors};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;

/// A rule of a workflow that refused a change (e.g. `zsm::ZsmError`): its message for logs and
/// API callers, and the form field and catalogue key a form shows it with.
pub trait RuleError: std::error::Error + Send + Sync + 'static {
    fn field_error(&self) -> FieldError;
}

/// The one error of the domain's use cases, whatever the capability.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Input that does not parse; each error names its field.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    /// A legal or workflow rule refused the change; nothing was changed.
    #[error("{0}")]
    Rule(Box<dyn RuleError>),
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(Denial),
    /// The edit of a person was based on an older version; `current` is what is saved now.
    #[error("edit conflict")]
    Conflict { current: Box<Person> },
    /// Someone saved the record (a ZSM case) after the form was opened; nothing was changed.
    #[error("the case was changed by someone else")]
    ChangedMeanwhile,
    /// The change was made on the basis of something that changed meanwhile (a task's status,
    /// the plan's status, as the member was shown it): the error says what it is now, as the
    /// form shows it. Nothing was changed; the member decides again on what is there now.
    #[error("changed meanwhile by someone else ({})", .0.key)]
    Stale(FieldError),
    /// An identifier already belongs to another person: `existing` names them only to an actor
    /// who may see them (otherwise naming them would tell who is known to the partners).
    #[error("identifier {identifier} is already registered")]
    Duplicate { identifier: Identifier, existing: Option<PersonId> },
    /// The actor's agency already has a person with the same name and date of birth (only
    /// those it may see are `matches`); creating another needs a reason.
    #[error("a person with the same name and date of birth is already registered")]
    PossibleDuplicate {
        matches: Vec<crate::people::ports::PersonSummary>,
        /// The form's other problems (its legal basis), reported with the warning so that
        /// every problem comes at once.
        also: ValidationErrors,
    },
    #[error(transparent)]
    Store(StoreError),
}

impl ServiceError {
    /// Invalid input and refused rules as field errors, for a form's error summary; `None` for
    /// errors that are not about the form (not found, forbidden, conflicts, the store).
    pub fn field_errors(&self) -> Option<ValidationErrors> {
        match self {
            Self::Invalid(errors) => Some(errors.clone()),
            Self::Rule(rule) => Some(ValidationErrors::single(rule.field_error())),
            Self::PossibleDuplicate { matches, also } => {
                let mut errors = ValidationErrors::single(
                    FieldError::new("duplicate_reason", "error.person.possible_duplicate").with("count", matches.len()),
                );
                errors.0.extend(also.0.iter().cloned());
                Some(errors)
            }
            _ => None,
        }
    }

    /// The refused rule, when it is one of type `E`.
    pub fn rule<E: RuleError>(&self) -> Option<&E> {
        match self {
            Self::Rule(rule) => (&**rule as &dyn std::error::Error).downcast_ref::<E>(),
            _ => None,
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound,
            // Whom it belongs to is for the use case to say, as far as the actor may know.
            StoreError::DuplicateIdentifier { identifier, .. } => {
                ServiceError::Duplicate { identifier, existing: None }
            }
            other => ServiceError::Store(other),
        }
    }
}

impl From<ValidationErrors> for ServiceError {
    fn from(errors: ValidationErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// A person someone may work on, and why: what `authorise_person` hands back.
#[derive(Debug, Clone)]
pub struct Authorised {
    pub person: Person,
    pub grant: Grant,
    pub team: Vec<TeamEntry>,
}

/// Checks `actor`'s access to an existing person for `permission`, for the use cases of other
/// capabilities (screening, plan). A refusal is itself written to the audit log.
pub async fn authorise_person<S: PeopleStore + AuditLog>(
    store: &S,
    actor: &Actor,
    person: PersonId,
    permission: Permission,
    what: &str,
    now: Timestamp,
    today: Date,
) -> ServiceResult<Authorised> {
    // The person and the team in one read (on PostgreSQL every read is a round trip).
    let record = store.person_record(person).await?.ok_or(ServiceError::NotFound)?;
    let (found, team) = (record.person, record.team);
    match authorise(actor, permission, &team, today) {
        Ok(grant) => Ok(Authorised { person: found, grant, team }),
        Err(denial) => {
            let entry = AuditEntry::new(actor, now, Some(person), AuditAction::Denied, what, denial.to_string());
            store.append(&[entry]).await?;
            Err(ServiceError::Forbidden(denial))
        }
    }
}

/// The entries of a work list whose person `actor` may see today, each with the person's display
/// name. Entries of persons out of reach are dropped silently (the list is the actor's own), and
/// each listed person is audited once, in one append.
pub async fn listed_with_names<S: PeopleStore + AuditLog, T>(
    store: &S,
    actor: &Actor,
    entries: Vec<T>,
    person_of: impl Fn(&T) -> PersonId,
    what: &str,
    now: Timestamp,
    today: Date,
) -> ServiceResult<Vec<(T, String)>> {
    // Each person is checked, named and audited once, however many entries they have, with
    // the teams and names of the whole list read at once.
    let mut persons: Vec<PersonId> = entries.iter().map(&person_of).collect();
    persons.sort();
    persons.dedup();
    // `authorise` decides on the actor's agency's entries that have not ended, so only those
    // are read: a person's whole team is several times as many rows.
    let mut teams: BTreeMap<PersonId, Vec<TeamEntry>> = BTreeMap::new();
    for entry in store.open_entries_of(actor.agency_id, &persons).await? {
        teams.entry(entry.person_id).or_default().push(entry);
    }
    let mut audit = Vec::new();
    let mut names: BTreeMap<PersonId, String> = BTreeMap::new();
    for summary in store.summaries(&persons).await? {
        let team = teams.get(&summary.id).map_or(&[][..], Vec::as_slice);
        if let Ok(grant) = authorise(actor, Permission::ViewPerson, team, today) {
            audit.push(AuditEntry::granted(actor, now, summary.id, AuditAction::Listed, what, &grant));
            names.insert(summary.id, summary.display_name());
        }
    }
    let out = entries
        .into_iter()
        .filter_map(|entry| names.get(&person_of(&entry)).map(|name| (entry, name.clone())))
        .collect();
    store.append(&audit).await?;
    Ok(out)
}

/// Refuses an actor whose roles do not grant `permission` at all (for actions that concern
/// no one person yet, such as opening a blank form; a person's own access is `authorise_person`).
pub fn require(actor: &Actor, permission: Permission) -> ServiceResult<()> {
    if actor.can(permission) { Ok(()) } else { Err(ServiceError::Forbidden(Denial::RoleLacksPermission)) }
}

/// [`require`] for a change: a refused role is written to the audit log (`what` the actor
/// tried) before the refusal, so a partner system probing what it may do leaves a trace just
/// as a member clicking a button does.
pub async fn require_audited<S: AuditLog>(
    store: &S,
    actor: &Actor,
    permission: Permission,
    what: &str,
    now: Timestamp,
) -> ServiceResult<()> {
    if actor.can(permission) {
        return Ok(());
    }
    let denied = AuditEntry::new(actor, now, None, AuditAction::Denied, what, Denial::RoleLacksPermission.code());
    store.append(&[denied]).await?;
    Err(ServiceError::Forbidden(Denial::RoleLacksPermission))
}

/// Today in `zone` for `clock`: plans and screenings work in the jurisdiction's civil dates.
pub fn today_in(clock: &dyn Clock, zone: &TimeZone) -> Date {
    clock.now().to_zoned(zone.clone()).date()
}
