//! The person's matches as their team sees them, and a change of consent after the match: the
//! person withdraws or extends what their mentor may see (offences, screenings, notes, the goals
//! they share). The mentor's view reads the match, so it changes at once; each change is kept
//! and audited.

use super::Mentoring;
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::mentoring::model::{ConsentedItems, MentorMatch, TEXT_MAX};
use crate::mentoring::ports::{LifeChangeStore, MentoringStore};
use crate::people::ports::PeopleStore;
use crate::service::{ServiceError, ServiceResult, authorise_person};
use crate::validation::{ValidationErrors, required_text};
use uuid::Uuid;

/// The consent as the person gives it now.
#[derive(Debug, Clone, Default)]
pub struct ConsentInput {
    pub offences: bool,
    pub screenings: bool,
    pub notes: bool,
    pub shared_goals: Vec<String>,
}

/// A match of the person with their mentor's name.
#[derive(Debug, Clone)]
pub struct PersonMatch {
    pub matched: MentorMatch,
    pub mentor_name: String,
    pub active: bool,
}

impl<S: MentoringStore + LifeChangeStore + PeopleStore + AuditLog + DirectoryStore> Mentoring<'_, S> {
    /// The person's matches, for a member of their team (audited).
    pub async fn matches_for(&self, actor: &Actor, person: PersonId) -> ServiceResult<(String, Vec<PersonMatch>)> {
        let now = self.clock.now();
        let what = "mentoring: matches";
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let profiles = self.store.profiles().await?;
        let today = self.today();
        let matches = self
            .store
            .matches_of_person(person)
            .await?
            .into_iter()
            .map(|m| PersonMatch {
                mentor_name: profiles.iter().find(|p| p.member == m.mentor).map(|p| p.name.clone()).unwrap_or_default(),
                active: m.is_active(today),
                matched: m,
            })
            .collect();
        Ok((found.person.display_name(), matches))
    }

    /// The person changes what their mentor may see; the mentor's next read shows the change.
    pub async fn change_consent(
        &self,
        actor: &Actor,
        person: PersonId,
        match_id: Uuid,
        input: &ConsentInput,
    ) -> ServiceResult<MentorMatch> {
        let now = self.clock.now();
        let what = "mentoring: consent";
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        let today = self.today();
        let mut matched = self
            .store
            .matches_of_person(person)
            .await?
            .into_iter()
            .find(|m| m.id == match_id && m.is_active(today))
            .ok_or(ServiceError::NotFound)?;
        let mut errors = ValidationErrors::default();
        let goals: Vec<String> = input
            .shared_goals
            .iter()
            .filter(|g| !g.trim().is_empty())
            .map(|g| required_text(&mut errors, "shared_goals", g, TEXT_MAX))
            .collect();
        if !errors.is_empty() {
            return Err(errors.into());
        }
        matched.consented =
            ConsentedItems { offences: input.offences, screenings: input.screenings, notes: input.notes };
        matched.shared_goals = goals;
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Update, what, &found.grant);
        self.store.change_consent(&matched, crate::ids::new_v7(now), actor.member_id, now, &[audit]).await?;
        Ok(matched)
    }
}
