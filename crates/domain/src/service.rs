//! Use cases over the ports: authorise, audit, then read or write. Web handlers and the CLI
//! call these and nothing below them, so no path to personal data skips the access rule or
//! the audit log.

use crate::access::{Actor, Denial, Grant, Permission, TeamEntry, TeamEntryInput, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditView};
use crate::clock::Clock;
use crate::ids::{PersonId, TeamEntryId};
use crate::people::{Identifier, Person, PersonInput, PersonQuery};
use crate::ports::{
    AuditLog, DirectoryStore, PeopleStore, PersonRecord, PersonRevision, PersonSummary, StoreError, TeamEntryNames,
};
use crate::validation::{FieldError, ValidationErrors};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(Denial),
    /// The edit was based on an older version; `current` is what is saved now.
    #[error("edit conflict")]
    Conflict { current: Box<Person> },
    #[error("identifier {identifier} already belongs to {existing}")]
    Duplicate { identifier: Identifier, existing: PersonId },
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::DuplicateIdentifier { identifier, existing } => {
                ServiceError::Duplicate { identifier, existing }
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

/// Everything a person's page shows.
#[derive(Debug, Clone)]
pub struct PersonFile {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    /// Who each team entry's agency is and who added it, to show beside it.
    pub team_names: Vec<TeamEntryNames>,
    pub grant: Grant,
}

/// Everything held on a person, for a GDPR art. 15 subject-access request.
#[derive(Debug, Clone, Serialize)]
pub struct SubjectAccessExport {
    pub exported_at: Timestamp,
    pub person: Person,
    pub revisions: Vec<PersonRevision>,
    pub team: Vec<TeamEntry>,
    pub audit: Vec<AuditView>,
}

/// The people use cases, over any store that implements the ports.
pub struct People<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

/// People listed per search. Each listed person is shown to the searcher and audited, so the
/// list stays short: data minimisation, and a nudge to add a date of birth or given name.
pub const SEARCH_LIMIT: u32 = 25;
const AUDIT_EXPORT_LIMIT: u32 = 100_000;

impl<S: PeopleStore + AuditLog + DirectoryStore> People<'_, S> {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today in the jurisdiction's time zone: consent expiry and dates of birth are civil dates.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.time_zone.clone()).date()
    }

    fn require_role(actor: &Actor, permission: Permission) -> ServiceResult<()> {
        if actor.can(permission) { Ok(()) } else { Err(ServiceError::Forbidden(Denial::RoleLacksPermission)) }
    }

    /// Checks access to one person; a refusal is itself written to the audit log.
    async fn authorise(
        &self,
        actor: &Actor,
        person: PersonId,
        permission: Permission,
        what: &str,
    ) -> ServiceResult<(Grant, Vec<TeamEntry>)> {
        let team = self.store.team(person).await?;
        let grant = self.check_team(actor, person, permission, what, &team).await?;
        Ok((grant, team))
    }

    /// `authorise` on a team already read; a refusal is itself written to the audit log.
    async fn check_team(
        &self,
        actor: &Actor,
        person: PersonId,
        permission: Permission,
        what: &str,
        team: &[TeamEntry],
    ) -> ServiceResult<Grant> {
        match authorise(actor, permission, team, self.today()) {
            Ok(grant) => Ok(grant),
            Err(denial) => {
                let entry = AuditEntry::new(actor, self.now(), Some(person), AuditAction::Denied, what, denial.code());
                self.store.append(&[entry]).await?;
                Err(ServiceError::Forbidden(denial))
            }
        }
    }

    /// The display names of those of `people` the actor may see (e.g. the persons already
    /// chosen in a form's person picker), in the order given; others are left out. Each
    /// named person is audited as listed.
    pub async fn visible_names(
        &self,
        actor: &Actor,
        people: Vec<PersonId>,
        what: &str,
    ) -> ServiceResult<Vec<(PersonId, String)>> {
        Self::require_role(actor, Permission::ViewPerson)?;
        listed_with_names(self.store, actor, people, |p| *p, what, self.now(), self.today()).await
    }

    async fn existing(&self, id: PersonId) -> ServiceResult<Person> {
        self.store.person(id).await?.ok_or(ServiceError::NotFound)
    }

    pub async fn search(&self, actor: &Actor, text: &str) -> ServiceResult<Vec<PersonSummary>> {
        Self::require_role(actor, Permission::ViewPerson)?;
        let query = PersonQuery::parse(text);
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let hits = self.store.search_people(&query, actor.agency_id, self.today(), SEARCH_LIMIT).await?;
        let now = self.now();
        let what = format!("search: {}", text.trim());
        let entries: Vec<AuditEntry> = hits
            .iter()
            .map(|hit| AuditEntry::new(actor, now, Some(hit.id), AuditAction::Listed, what.clone(), "team_membership"))
            .collect();
        self.store.append(&entries).await?;
        Ok(hits)
    }

    pub async fn view(&self, actor: &Actor, id: PersonId, what: &str) -> ServiceResult<PersonFile> {
        let PersonRecord { person, team, team_names } =
            self.store.person_record(id).await?.ok_or(ServiceError::NotFound)?;
        let grant = self.check_team(actor, id, Permission::ViewPerson, what, &team).await?;
        self.store.append(&[AuditEntry::granted(actor, self.now(), id, AuditAction::Read, what, &grant)]).await?;
        Ok(PersonFile { person, team, team_names, grant })
    }

    /// Adds a person; the creating agency joins the team on the basis given in `basis`.
    pub async fn create(&self, actor: &Actor, input: &PersonInput, basis: &TeamEntryInput) -> ServiceResult<Person> {
        Self::require_role(actor, Permission::CreatePerson)?;
        let today = self.today();
        let basis = TeamEntryInput { agency_id: actor.agency_id.to_string(), ..basis.clone() };
        let (details, team) = match (input.parse(today), basis.parse(today)) {
            (Ok(details), Ok(team)) => (details, team),
            (details, team) => {
                let mut errors = details.err().unwrap_or_default();
                errors.0.extend(team.err().unwrap_or_default().0);
                return Err(ServiceError::Invalid(errors));
            }
        };
        if let Some((identifier, existing)) = self.store.holder_of(&details.identifiers, None).await? {
            return Err(ServiceError::Duplicate { identifier, existing });
        }
        let now = self.now();
        let person = Person {
            id: PersonId::new(now),
            details,
            version: 1,
            created_at: now,
            created_by: actor.member_id,
            updated_at: now,
            updated_by: actor.member_id,
        };
        let entry = TeamEntry {
            id: TeamEntryId::new(now),
            person_id: person.id,
            agency_id: actor.agency_id,
            basis: team.basis,
            reason: team.reason,
            added_by: actor.member_id,
            added_at: now,
            ended_at: None,
        };
        let grant = Grant::Team { entry: entry.id, basis: entry.basis.clone() };
        let audit = AuditEntry::granted(actor, now, person.id, AuditAction::Create, "person_record", &grant);
        self.store.create_person(&person, &entry, &audit).await?;
        Ok(person)
    }

    /// Saves an edit made on `expected_version`; a newer saved version is a conflict, never
    /// silently overwritten.
    pub async fn update(
        &self,
        actor: &Actor,
        id: PersonId,
        expected_version: i64,
        input: &PersonInput,
    ) -> ServiceResult<Person> {
        let current = self.existing(id).await?;
        let (grant, _) = self.authorise(actor, id, Permission::EditPerson, "edit person record").await?;
        let details = input.parse(self.today())?;
        if current.version != expected_version {
            return Err(ServiceError::Conflict { current: Box::new(current) });
        }
        if let Some((identifier, existing)) = self.store.holder_of(&details.identifiers, Some(id)).await? {
            return Err(ServiceError::Duplicate { identifier, existing });
        }
        let now = self.now();
        let changed = changed_fields(&current.details, &details);
        let audit =
            AuditEntry::granted(actor, now, id, AuditAction::Update, format!("person_record: {changed}"), &grant);
        match self.store.update_person(id, expected_version, &details, now, actor.member_id, &audit).await {
            Err(StoreError::Conflict { .. }) => {
                Err(ServiceError::Conflict { current: Box::new(self.existing(id).await?) })
            }
            other => Ok(other?),
        }
    }

    pub async fn add_to_team(&self, actor: &Actor, id: PersonId, input: &TeamEntryInput) -> ServiceResult<TeamEntry> {
        self.existing(id).await?;
        let (grant, team) = self.authorise(actor, id, Permission::ManageTeam, "team").await?;
        let today = self.today();
        let draft = input.parse(today)?;
        let agencies = self.store.agencies().await?;
        let Some(agency) = agencies.iter().find(|a| a.id == draft.agency_id) else {
            return Err(ServiceError::Invalid(ValidationErrors::single(FieldError::new(
                "agency_id",
                "error.agency.unknown",
            ))));
        };
        if team.iter().any(|e| e.agency_id == draft.agency_id && e.is_active(today)) {
            return Err(ServiceError::Invalid(ValidationErrors::single(FieldError::new(
                "agency_id",
                "error.team.already_on_team",
            ))));
        }
        let now = self.now();
        let entry = TeamEntry {
            id: TeamEntryId::new(now),
            person_id: id,
            agency_id: draft.agency_id,
            basis: draft.basis,
            reason: draft.reason,
            added_by: actor.member_id,
            added_at: now,
            ended_at: None,
        };
        let what = format!("team_add: {}", agency.name);
        let audit = AuditEntry::granted(actor, now, id, AuditAction::TeamAdd, what, &grant);
        self.store.add_team_entry(&entry, &audit).await?;
        Ok(entry)
    }

    /// A person's file and who has read or changed it (newest `limit` entries), as the person
    /// page shows them: one access check and one read of the person, where `view` followed by
    /// `audit_trail` read the person and their team twice.
    pub async fn view_with_trail(
        &self,
        actor: &Actor,
        id: PersonId,
        what: &str,
        limit: u32,
    ) -> ServiceResult<(PersonFile, Vec<AuditView>)> {
        let file = self.view(actor, id, what).await?;
        let trail = self.store.audit_for_person(id, limit).await?;
        Ok((file, trail))
    }

    /// Who has read or changed this record, newest first. Reading it needs access to the person.
    pub async fn audit_trail(&self, actor: &Actor, id: PersonId, limit: u32) -> ServiceResult<Vec<AuditView>> {
        self.existing(id).await?;
        self.authorise(actor, id, Permission::ViewPerson, "audit_trail").await?;
        Ok(self.store.audit_for_person(id, limit).await?)
    }

    /// Everything held on the person; the export is itself audited (and appears in the next one).
    pub async fn export(&self, actor: &Actor, id: PersonId) -> ServiceResult<SubjectAccessExport> {
        let person = self.existing(id).await?;
        let (grant, team) = self.authorise(actor, id, Permission::ExportSubjectAccess, "subject_access_export").await?;
        let now = self.now();
        let audit_entry = AuditEntry::granted(actor, now, id, AuditAction::Export, "subject_access_export", &grant);
        self.store.append(std::slice::from_ref(&audit_entry)).await?;
        Ok(SubjectAccessExport {
            exported_at: now,
            revisions: self.store.revisions(id).await?,
            audit: self.store.audit_for_person(id, AUDIT_EXPORT_LIMIT).await?,
            person,
            team,
        })
    }
}

/// Names of the fields an edit changes, for the audit log (values are not repeated there).
fn changed_fields(before: &crate::people::PersonDraft, after: &crate::people::PersonDraft) -> String {
    let mut fields = Vec::new();
    let mut check = |name: &'static str, changed: bool| {
        if changed {
            fields.push(name);
        }
    };
    check("family_name", before.family_name != after.family_name);
    check("given_names", before.given_names != after.given_names);
    check("birth_date", before.birth_date != after.birth_date);
    check("sex", before.sex != after.sex);
    check("address", before.address != after.address || before.postcode != after.postcode || before.city != after.city);
    check("phone", before.phone != after.phone);
    check("email", before.email != after.email);
    check("identifiers", before.identifiers != after.identifiers);
    if fields.is_empty() { "no_changes".into() } else { fields.join(", ") }
}

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
    let found = store.person(person).await?.ok_or(ServiceError::NotFound)?;
    let team = store.team(person).await?;
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

/// Today in `zone` for `clock`: plans and screenings work in the jurisdiction's civil dates.
pub fn today_in(clock: &dyn Clock, zone: &TimeZone) -> Date {
    clock.now().to_zoned(zone.clone()).date()
}
