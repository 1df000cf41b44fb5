//! The use cases of mentoring. A mentor reads a mentee only through an active match (the
//! person's consent), every read audited with the consent as its basis; reading another
//! person, or an item not consented to, is refused and audited. Matches are recorded by a
//! member of the person's team (with the person's consent) or the mentor's coordinator.

pub mod consent;
pub mod coordination;
// Ending a match: the coordinator, with a reason category and the date (views4).
pub mod ending;
pub mod life_change;
// A person's Life Change progress for their mentor, coordinator or team (grants branch).
pub mod progress;

use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::directory::DirectoryStore;
use crate::ids::{MemberId, PersonId};
use crate::mentoring::model::*;
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
pub use crate::mentoring::workflow::coordinates_mentors;
use crate::mentoring::workflow::{MentoringError, Wishes, may_match, on_call, overdue, suggestions};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::people::ports::PeopleStore;
use crate::service::{RuleError, ServiceError, ServiceResult, authorise_person, today_in};
use crate::validation::{FieldError, ValidationErrors, optional_text, parse_date, required_text};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use uuid::Uuid;

impl From<MentoringError> for ServiceError {
    fn from(error: MentoringError) -> Self {
        ServiceError::Rule(Box::new(error))
    }
}

impl RuleError for MentoringError {
    fn field_error(&self) -> FieldError {
        let error = FieldError::new(self.field(), self.key());
        match self {
            MentoringError::VettingExpired { expired } => error.with("date", expired),
            MentoringError::AtCapacity { capacity } => error.with("capacity", capacity),
            MentoringError::EndsBeforeStart { started } => error.with("date", started),
            _ => error,
        }
    }
}

/// A consented item a mentor asks to see beyond the basics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Offences,
    Screenings,
    Notes,
}

/// A match as typed in.
#[derive(Debug, Clone, Default)]
pub struct MatchInput {
    pub mentor: String,
    pub programme: String,
    pub shared_goals: Vec<String>,
    pub offences: bool,
    pub screenings: bool,
    pub notes: bool,
    /// "Through the gate": the release date and place of the first meeting.
    pub first_meeting_on: String,
    pub first_meeting_place: String,
}

#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub on: String,
    pub minutes: String,
    pub place: String,
    pub how_it_went: String,
}

/// The coordinator's view: every active match with whether it is overdue.
#[derive(Debug, Clone)]
pub struct CoordinatorLine {
    pub matched: MentorMatch,
    pub person_name: String,
    pub mentor_name: String,
    pub last_contact: Option<Date>,
    pub overdue: bool,
}

pub struct Mentoring<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

fn consent_basis(matched: &MentorMatch) -> String {
    format!("consent: mentor match {}", matched.id)
}

impl<S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore> Mentoring<'_, S> {
    /// Refuses (and audits) anyone who does not coordinate mentors.
    pub async fn coordinator(&self, actor: &Actor, what: &str) -> ServiceResult<()> {
        let agencies = self.store.agencies().await?;
        let kind = agencies.iter().find(|a| a.id == actor.agency_id).map(|a| a.kind);
        if kind.is_some_and(|k| coordinates_mentors(actor, k)) {
            return Ok(());
        }
        Err(self.deny(actor, None, what, Denial::RoleLacksPermission).await)
    }

    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    async fn deny(&self, actor: &Actor, person: Option<PersonId>, what: &str, denial: Denial) -> ServiceError {
        let entry = AuditEntry::new(actor, self.clock.now(), person, AuditAction::Denied, what, denial.code());
        match self.store.append(&[entry]).await {
            Ok(()) => ServiceError::Forbidden(denial),
            Err(error) => error.into(),
        }
    }

    /// Saves a mentor's profile: the mentor's coordinator (a provider worker of the same
    /// agency) keeps it.
    pub async fn save_profile(&self, actor: &Actor, profile: MentorProfile) -> ServiceResult<()> {
        if actor.agency_id != profile.agency || !actor.roles.contains(&Role::ProviderWorker) {
            return Err(self.deny(actor, None, "mentoring: profile", Denial::RoleLacksPermission).await);
        }
        let audit = AuditEntry::new(
            actor,
            self.clock.now(),
            None,
            AuditAction::Update,
            "mentoring: profile",
            profile.member.to_string(),
        );
        Ok(self.store.save_profile(&profile, self.clock.now(), &[audit]).await?)
    }

    async fn active_matches(&self, mentor: MemberId) -> ServiceResult<Vec<MentorMatch>> {
        let today = self.today();
        Ok(self.store.matches_of_mentor(mentor).await?.into_iter().filter(|m| m.is_active(today)).collect())
    }

    /// Mentors who could take the person on, best first (for a member of the person's team).
    pub async fn suggest(
        &self,
        actor: &Actor,
        person: PersonId,
        wishes: &Wishes,
    ) -> ServiceResult<Vec<(MentorProfile, u8)>> {
        let now = self.clock.now();
        let found = authorise_person(
            self.store,
            actor,
            person,
            Permission::WorkOnPlan,
            "mentoring: suggest",
            now,
            self.today(),
        )
        .await?;
        self.store
            .append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, "mentoring: suggest", &found.grant)])
            .await?;
        let profiles = self.store.profiles().await?;
        let mut counts = std::collections::BTreeMap::new();
        for p in &profiles {
            counts.insert(p.member, self.active_matches(p.member).await?.len());
        }
        Ok(suggestions(&profiles, |p| counts.get(&p.member).copied().unwrap_or(0), wishes, self.today())
            .into_iter()
            .map(|(p, score)| (p.clone(), score))
            .collect())
    }

    /// Records the person's consent to a mentor (by a member of their team).
    pub async fn match_person(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &MatchInput,
    ) -> ServiceResult<MentorMatch> {
        let now = self.clock.now();
        let today = self.today();
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, "mentoring: match", now, today).await?;
        let mut errors = ValidationErrors::default();
        let mentor = MemberId::parse(&input.mentor).ok();
        if mentor.is_none() {
            errors.push(FieldError::new("mentor", "error.mentoring.not_a_mentor"));
        }
        // A Life Change participant's mentor is part of that programme unless said otherwise.
        let default = if self.store.cohorts_of_person(person).await?.is_empty() {
            Programme::Mentoring
        } else {
            Programme::LifeChange
        };
        let programme =
            if input.programme.trim().is_empty() { Some(default) } else { Programme::parse(&input.programme) };
        if programme.is_none() {
            errors.push(FieldError::new("programme", "error.mentoring.unknown_programme"));
        }
        let goals: Vec<String> = input
            .shared_goals
            .iter()
            .filter(|g| !g.trim().is_empty())
            .map(|g| required_text(&mut errors, "shared_goals", g, TEXT_MAX))
            .collect();
        let place = optional_text(&mut errors, "first_meeting_place", &input.first_meeting_place, TEXT_MAX);
        let first_on = if input.first_meeting_on.trim().is_empty() {
            None
        } else {
            parse_date("first_meeting_on", &input.first_meeting_on).map_err(|e| errors.push(e)).ok()
        };
        let (Some(mentor), Some(programme)) = (mentor, programme) else { return Err(errors.into()) };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let profile = self.store.profile(mentor).await?.ok_or(MentoringError::NotAMentor)?;
        may_match(&profile, &self.active_matches(mentor).await?, person, today)?;
        let matched = MentorMatch {
            id: crate::ids::new_v7(now),
            person,
            mentor,
            mentor_agency: profile.agency,
            programme,
            consented: ConsentedItems { offences: input.offences, screenings: input.screenings, notes: input.notes },
            shared_goals: goals,
            first_meeting: first_on.map(|on| Meeting { on, place: place.unwrap_or_default() }),
            started_on: today,
            ended_on: None,
            ended_reason: None,
            recorded_by: actor.member_id,
            recorded_at: now,
        };
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Update, "mentoring: match", &found.grant);
        let event = Event::new(
            EventKind::MentorMatched,
            now,
            Subject::new(SubjectKind::MentorMatch, matched.id),
            Audience::agencies([actor.agency_id, profile.agency]).with_member(Some(mentor)),
        )
        .by(actor.member_id)
        .about(person)
        .with("mentor", mentor)
        .with("programme", programme.code());
        self.store.save_match(&matched, &[audit], &[event]).await?;
        Ok(matched)
    }

    /// The mentor's own mentees, each read audited on the consent.
    pub async fn my_mentees(&self, actor: &Actor) -> ServiceResult<Vec<MenteeView>> {
        if !actor.roles.contains(&Role::Mentor) {
            return Err(self.deny(actor, None, "mentoring: my mentees", Denial::RoleLacksPermission).await);
        }
        let matches = self.active_matches(actor.member_id).await?;
        self.views(actor, matches, "mentoring: my mentees").await
    }

    async fn views(&self, actor: &Actor, matches: Vec<MentorMatch>, what: &str) -> ServiceResult<Vec<MenteeView>> {
        let now = self.clock.now();
        let today = self.today();
        let ids: Vec<Uuid> = matches.iter().map(|m| m.id).collect();
        let contacts = self.store.contacts(&ids).await?;
        let mut views = Vec::new();
        let mut audit = Vec::new();
        for matched in matches {
            let Some(person) = self.store.person(matched.person).await? else { continue };
            audit.push(AuditEntry::new(
                actor,
                now,
                Some(matched.person),
                AuditAction::Read,
                what,
                consent_basis(&matched),
            ));
            let own: Vec<Contact> = contacts.iter().filter(|c| c.match_id == matched.id).cloned().collect();
            views.push(MenteeView {
                person: matched.person,
                match_id: matched.id,
                name: person.display_name(),
                phone: person.details.phone.clone(),
                email: person.details.email.clone(),
                shared_goals: matched.shared_goals.clone(),
                first_meeting: matched.first_meeting.clone(),
                overdue: overdue(&matched, &own, today),
                contacts: own,
                consented: matched.consented,
                programme: matched.programme,
            });
        }
        self.store.append(&audit).await?;
        Ok(views)
    }

    /// One mentee, for their mentor only; anyone else's person is refused and audited.
    pub async fn mentee(&self, actor: &Actor, person: PersonId) -> ServiceResult<MenteeView> {
        let matched = self.active_matches(actor.member_id).await?.into_iter().find(|m| m.person == person);
        let Some(matched) = matched.filter(|_| actor.roles.contains(&Role::Mentor)) else {
            return Err(self.deny(actor, Some(person), "mentoring: mentee", Denial::NotOnTeam).await);
        };
        self.views(actor, vec![matched], "mentoring: mentee").await?.pop().ok_or(ServiceError::NotFound)
    }

    /// Whether the mentor may see `item` of the mentee: only when consented; the answer is
    /// audited either way.
    pub async fn may_see(&self, actor: &Actor, person: PersonId, item: Item) -> ServiceResult<bool> {
        let view = self.mentee(actor, person).await?;
        let allowed = match item {
            Item::Offences => view.consented.offences,
            Item::Screenings => view.consented.screenings,
            Item::Notes => view.consented.notes,
        };
        if !allowed {
            return Err(self
                .deny(actor, Some(person), "mentoring: item not consented", Denial::RoleLacksPermission)
                .await);
        }
        Ok(true)
    }

    /// The mentor logs a contact with their mentee.
    pub async fn log_contact(&self, actor: &Actor, person: PersonId, input: &ContactInput) -> ServiceResult<Contact> {
        let view = self.mentee(actor, person).await?;
        let mut errors = ValidationErrors::default();
        let on = parse_date("on", &input.on).map_err(|e| errors.push(e)).ok();
        let minutes = input.minutes.trim().parse::<u16>().ok().filter(|m| (1..=1440).contains(m));
        if minutes.is_none() {
            errors.push(FieldError::new("minutes", "error.mentoring.minutes"));
        }
        let place = required_text(&mut errors, "place", &input.place, TEXT_MAX);
        let how = required_text(&mut errors, "how_it_went", &input.how_it_went, NOTE_MAX);
        let (Some(on), Some(minutes)) = (on, minutes) else { return Err(errors.into()) };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.clock.now();
        let contact = Contact {
            id: crate::ids::new_v7(now),
            match_id: view.match_id,
            person,
            mentor: actor.member_id,
            on,
            minutes,
            place,
            how_it_went: how,
        };
        let audit = AuditEntry::new(
            actor,
            now,
            Some(person),
            AuditAction::Update,
            "mentoring: contact",
            format!("consent: mentor match {}", view.match_id),
        );
        self.store.log_contact(&contact, &[audit]).await?;
        Ok(contact)
    }

    /// The coordinator's list: the agency's active matches, overdue first.
    pub async fn coordinator_list(&self, actor: &Actor) -> ServiceResult<Vec<CoordinatorLine>> {
        self.coordinator(actor, "mentoring: coordinator").await?;
        let today = self.today();
        let matches: Vec<MentorMatch> =
            self.store.matches_of_agency(actor.agency_id).await?.into_iter().filter(|m| m.is_active(today)).collect();
        let ids: Vec<Uuid> = matches.iter().map(|m| m.id).collect();
        let contacts = self.store.contacts(&ids).await?;
        let profiles = self.store.profiles().await?;
        let now = self.clock.now();
        let mut names = std::collections::BTreeMap::new();
        let mut audit = Vec::new();
        for m in &matches {
            if let Some(person) = self.store.person(m.person).await? {
                names.insert(m.person, person.display_name());
                audit.push(AuditEntry::new(
                    actor,
                    now,
                    Some(m.person),
                    AuditAction::Listed,
                    "mentoring: coordinator",
                    consent_basis(m),
                ));
            }
        }
        self.store.append(&audit).await?;
        let mut lines: Vec<CoordinatorLine> = matches
            .into_iter()
            .map(|m| {
                let own: Vec<Contact> = contacts.iter().filter(|c| c.match_id == m.id).cloned().collect();
                CoordinatorLine {
                    person_name: names.get(&m.person).cloned().unwrap_or_default(),
                    mentor_name: profiles
                        .iter()
                        .find(|p| p.member == m.mentor)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                    last_contact: own.iter().map(|c| c.on).max(),
                    overdue: overdue(&m, &own, today),
                    matched: m,
                }
            })
            .collect();
        lines.sort_by_key(|l| (!l.overdue, l.last_contact));
        Ok(lines)
    }

    /// Who answers the 24-hour helpline now, and who next.
    pub async fn helpline(&self) -> ServiceResult<(Option<Shift>, Option<Shift>)> {
        let now = self.clock.now();
        let shifts = self.store.shifts_from(now).await?;
        let (current, next) = on_call(&shifts, now);
        Ok((current.cloned(), next.cloned()))
    }

    /// The helpline on call now for a person who has a mentor (for their printable plan and
    /// fund statement); `None` without an active match or nobody on the roster.
    pub async fn helpline_for(&self, person: PersonId) -> ServiceResult<Option<Shift>> {
        let today = self.today();
        if !self.store.matches_of_person(person).await?.iter().any(|m| m.is_active(today)) {
            return Ok(None);
        }
        Ok(self.helpline().await?.0)
    }
}
