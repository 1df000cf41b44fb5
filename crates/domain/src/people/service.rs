//! The people use cases over the ports: authorise, audit, then read or write. Web handlers and
//! the CLI call these and nothing below them, so no path to personal data skips the access rule
//! or the audit log.

use super::ports::{PeopleStore, PersonRecord, PersonSummary, TeamEntryNames};
use super::{Identifier, Person, PersonDraft, PersonInput, PersonQuery};
use crate::access::{Actor, Grant, Permission, TeamEntry, TeamEntryInput, authorise};
use crate::audit::{AuditAction, AuditEntry, AuditLog, AuditView};
use crate::clock::Clock;
use crate::directory::DirectoryStore;
use crate::ids::{PersonId, TeamEntryId};
use crate::ports::StoreError;
use crate::service::{ServiceError, ServiceResult, listed_with_names, require};
use crate::validation::{FieldError, invalid};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// Everything a person's page shows.
#[derive(Debug, Clone)]
pub struct PersonFile {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    /// Who each team entry's agency is and who added it, to show beside it.
    pub team_names: Vec<TeamEntryNames>,
    pub grant: Grant,
}

/// Who works a person's case: each agency that is or was on the team, with the members of
/// those on it today whose role lets them work with the person.
#[derive(Debug, Clone)]
pub struct CaseTeam {
    pub person: Person,
    pub agencies: Vec<CaseTeamAgency>,
}

/// One team entry with its agency and, while it is active, the agency's members who can work
/// the case (signed-in roles that open the person's file). Members of agencies that left the
/// team, and disabled members, are not listed: they have no need to be known here.
#[derive(Debug, Clone)]
pub struct CaseTeamAgency {
    pub entry: TeamEntry,
    pub agency: Option<crate::directory::Agency>,
    pub added_by: String,
    pub active: bool,
    pub members: Vec<crate::directory::Member>,
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

impl<S: PeopleStore + AuditLog + DirectoryStore> People<'_, S> {
    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today in the jurisdiction's time zone: consent expiry and dates of birth are civil dates.
    pub fn today(&self) -> Date {
        self.now().to_zoned(self.time_zone.clone()).date()
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
        require(actor, Permission::ViewPerson)?;
        listed_with_names(self.store, actor, people, |p| *p, what, self.now(), self.today()).await
    }

    async fn existing(&self, id: PersonId) -> ServiceResult<Person> {
        self.store.person(id).await?.ok_or(ServiceError::NotFound)
    }

    pub async fn search(&self, actor: &Actor, text: &str) -> ServiceResult<Vec<PersonSummary>> {
        require(actor, Permission::ViewPerson)?;
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
        self.view_to(actor, id, Permission::ViewPerson, what).await
    }

    /// Who works the person's case (see [`CaseTeam`]); the read is authorised like the
    /// person's page (the team, need-to-know) and audited, a refusal too.
    pub async fn case_team(&self, actor: &Actor, id: PersonId, what: &str) -> ServiceResult<CaseTeam> {
        let file = self.view(actor, id, what).await?;
        let today = self.today();
        let agencies = self.store.agencies().await?;
        let members = self.store.members().await?;
        let works_cases = |m: &crate::directory::Member| {
            !m.disabled && m.roles.iter().any(|r| r.grants(Permission::ViewPerson).is_some())
        };
        let team = file
            .team
            .iter()
            .map(|entry| {
                let active = entry.is_active(today);
                let named = file.team_names.iter().find(|n| n.entry == entry.id);
                CaseTeamAgency {
                    entry: entry.clone(),
                    agency: agencies.iter().find(|a| a.id == entry.agency_id).cloned(),
                    added_by: named.map(|n| n.added_by.clone()).unwrap_or_default(),
                    active,
                    members: if active {
                        members.iter().filter(|m| m.agency_id == entry.agency_id && works_cases(m)).cloned().collect()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect();
        Ok(CaseTeam { person: file.person, agencies: team })
    }

    /// The person's record, opened to do what `permission` allows (e.g. the edit form needs
    /// `EditPerson`): a refusal — by the role or by the team — is audited like every other.
    pub async fn view_to(
        &self,
        actor: &Actor,
        id: PersonId,
        permission: Permission,
        what: &str,
    ) -> ServiceResult<PersonFile> {
        let PersonRecord { person, team, team_names } =
            self.store.person_record(id).await?.ok_or(ServiceError::NotFound)?;
        let grant = self.check_team(actor, id, permission, what, &team).await?;
        self.store.append(&[AuditEntry::granted(actor, self.now(), id, AuditAction::Read, what, &grant)]).await?;
        Ok(PersonFile { person, team, team_names, grant })
    }

    /// The refusal of an identifier that already belongs to `existing`: the actor learns whose it
    /// is only when they may see that person; otherwise only that it is registered, and the
    /// attempt is audited against that person (it told the actor the identifier is known).
    async fn duplicate(
        &self,
        actor: &Actor,
        identifier: Identifier,
        existing: PersonId,
        what: &str,
    ) -> ServiceResult<ServiceError> {
        let team = self.store.team(existing).await?;
        Ok(match authorise(actor, Permission::ViewPerson, &team, self.today()) {
            Ok(_) => ServiceError::Duplicate { identifier, existing: Some(existing) },
            Err(denial) => {
                let entry =
                    AuditEntry::new(actor, self.now(), Some(existing), AuditAction::Denied, what, denial.code());
                self.store.append(&[entry]).await?;
                ServiceError::Duplicate { identifier, existing: None }
            }
        })
    }

    /// The persons the actor's agency may see (on whose team it is) with the same name and
    /// date of birth as `details`: a likely duplicate. Persons it may not see are never
    /// matched, so the check tells nobody about someone they could not look up. Each match
    /// shown is audited as listed.
    pub async fn same_name_and_birth(&self, actor: &Actor, details: &PersonDraft) -> ServiceResult<Vec<PersonSummary>> {
        let Some(birth_date) = details.birth_date else { return Ok(Vec::new()) };
        let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let query = PersonQuery::parse(&format!("{} {birth_date}", details.family_name));
        let hits = self.store.search_people(&query, actor.agency_id, self.today(), SEARCH_LIMIT).await?;
        let given = details.given_names.as_deref().map(fold);
        let matches: Vec<PersonSummary> = hits
            .into_iter()
            .filter(|h| h.birth_date == Some(birth_date) && fold(&h.family_name) == fold(&details.family_name))
            .filter(|h| match (&given, h.given_names.as_deref()) {
                (Some(given), Some(theirs)) => *given == fold(theirs),
                _ => true,
            })
            .collect();
        let now = self.now();
        let what = "person_record: possible duplicate";
        let entries: Vec<AuditEntry> = matches
            .iter()
            .map(|m| AuditEntry::new(actor, now, Some(m.id), AuditAction::Listed, what, "team_membership"))
            .collect();
        self.store.append(&entries).await?;
        Ok(matches)
    }

    /// Adds a person as the person form does: as [`People::create`], but a person the actor's
    /// agency already has with the same name and date of birth is a likely duplicate, refused
    /// with [`ServiceError::PossibleDuplicate`] unless `anyway` gives the reason to create
    /// another (kept in the audit log).
    pub async fn create_checked(
        &self,
        actor: &Actor,
        input: &PersonInput,
        basis: &TeamEntryInput,
        anyway: &str,
    ) -> ServiceResult<Person> {
        require(actor, Permission::CreatePerson)?;
        // A taken identifier is refused outright (by `create`), before any likely duplicate.
        if let Ok(details) = input.parse(self.today())
            && self.store.holder_of(&details.identifiers, None).await?.is_none()
        {
            let matches = self.same_name_and_birth(actor, &details).await?;
            if !matches.is_empty() {
                if anyway.trim().is_empty() {
                    // With the basis's problems, if any: every problem at once.
                    let basis = TeamEntryInput { agency_id: actor.agency_id.to_string(), ..basis.clone() };
                    let also = basis.parse(self.today()).err().unwrap_or_default();
                    return Err(ServiceError::PossibleDuplicate { matches, also });
                }
                if anyway.chars().count() > 500 {
                    return Err(invalid(FieldError::new("duplicate_reason", "error.too_long").with("max", 500)));
                }
                let person = self.create(actor, input, basis).await?;
                let ids: Vec<String> = matches.iter().map(|m| m.id.to_string()).collect();
                let what = format!(
                    "person_record: created despite a possible duplicate ({}): {}",
                    ids.join(", "),
                    anyway.trim()
                );
                let team = self.store.team(person.id).await?;
                let grant =
                    authorise(actor, Permission::ViewPerson, &team, self.today()).map_err(ServiceError::Forbidden)?;
                self.store
                    .append(&[AuditEntry::granted(actor, self.now(), person.id, AuditAction::Create, what, &grant)])
                    .await?;
                return Ok(person);
            }
        }
        self.create(actor, input, basis).await
    }

    /// Adds a person; the creating agency joins the team on the basis given in `basis`.
    pub async fn create(&self, actor: &Actor, input: &PersonInput, basis: &TeamEntryInput) -> ServiceResult<Person> {
        require(actor, Permission::CreatePerson)?;
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
            return Err(self
                .duplicate(actor, identifier, existing, "person_record: identifier already registered")
                .await?);
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
        match self.store.create_person(&person, &entry, &audit).await {
            Ok(()) => Ok(person),
            // Registered by someone else between the check and the write.
            Err(StoreError::DuplicateIdentifier { identifier, existing }) => {
                Err(self.duplicate(actor, identifier, existing, "person_record: identifier already registered").await?)
            }
            Err(other) => Err(other.into()),
        }
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
            return Err(self
                .duplicate(actor, identifier, existing, "person_record: identifier already registered")
                .await?);
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
            return Err(invalid(FieldError::new("agency_id", "error.agency.unknown")));
        };
        if team.iter().any(|e| e.agency_id == draft.agency_id && e.is_active(today)) {
            return Err(invalid(FieldError::new("agency_id", "error.team.already_on_team")));
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
}

/// Names of the fields an edit changes, for the audit log (values are not repeated there).
fn changed_fields(before: &PersonDraft, after: &PersonDraft) -> String {
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
