//! Community activities for a person, for a member of their team: the activities in the
//! catalogue (kind "community") in the person's area, and linking one to a goal of theirs
//! without a referral. Reads and links are audited.

use super::Interventions;
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::ids::PersonId;
use crate::interventions::model::community::{CommunityLink, CommunityLinkInput};
use crate::interventions::model::{Intervention, InterventionKind};
use crate::interventions::ports::InterventionStore;
use crate::interventions::ports::community::CommunityStore;
use crate::people::ports::PeopleStore;
use crate::screening::ports::ScreeningStore;
use crate::service::{ServiceResult, authorise_person};
use crate::validation::{FieldError, ValidationErrors};

/// What the person's page shows: their name, the activities near them, their links.
#[derive(Debug, Clone)]
pub struct CommunityView {
    pub name: String,
    pub activities: Vec<Intervention>,
    pub links: Vec<CommunityLink>,
}

impl<S: PeopleStore + AuditLog + ScreeningStore + InterventionStore + CommunityStore> Interventions<'_, S> {
    pub async fn community(&self, actor: &Actor, person: PersonId) -> ServiceResult<CommunityView> {
        let now = self.clock.now();
        let what = "interventions: community";
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let city = found.person.details.city.clone();
        let mut activities: Vec<Intervention> = self
            .store
            .interventions_for(&[], None)
            .await?
            .into_iter()
            .filter(|i| i.kind == InterventionKind::CommunityActivity)
            .collect();
        // Those in the person's own area first.
        activities.sort_by_key(|i| (!i.serves_area(city.as_deref()), i.name.clone()));
        Ok(CommunityView {
            name: found.person.display_name(),
            activities,
            links: self.store.community_links(person).await?,
        })
    }

    /// The community activities in the catalogue (active ones, kind "community"), for any
    /// member: the catalogue names no person, so nothing is audited.
    pub async fn community_activities(&self) -> ServiceResult<Vec<Intervention>> {
        let mut activities: Vec<Intervention> = self
            .store
            .interventions_for(&[], None)
            .await?
            .into_iter()
            .filter(|i| i.kind == InterventionKind::CommunityActivity && i.active)
            .collect();
        activities.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(activities)
    }

    pub async fn link_community(
        &self,
        actor: &Actor,
        person: PersonId,
        input: &CommunityLinkInput,
    ) -> ServiceResult<CommunityLink> {
        let now = self.clock.now();
        let what = "interventions: community";
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        let (id, goal) = input.parse()?;
        let activity = match self.store.intervention(id).await? {
            Some(stored)
                if stored.intervention.active && stored.intervention.kind == InterventionKind::CommunityActivity =>
            {
                stored.intervention
            }
            _ => {
                let mut errors = ValidationErrors::default();
                errors.push(FieldError::new("intervention", "error.community.choose"));
                return Err(errors.into());
            }
        };
        let link = CommunityLink {
            id: crate::ids::new_v7(now),
            person,
            intervention: activity.id,
            activity: activity.name,
            goal,
            linked_by: actor.member_id,
            linked_at: now,
        };
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Update, what, &found.grant);
        self.store.link_community(&link, &[audit]).await?;
        Ok(link)
    }
}
