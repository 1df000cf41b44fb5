//! Keeping a catalogue entry: its provider's members, and the partnership's administrators,
//! edit it into a new version, retire it (no longer found; its referrals go on) or put it back,
//! and read every version with who saved it when. An edit names the version it was made on, so
//! two keepers saving at once cannot overwrite each other unseen.

use super::{Interventions, is_provider_member};
use crate::access::{Actor, Denial, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::ids::{AgencyId, InterventionId};
use crate::interventions::model::{Intervention, InterventionInput};
use crate::interventions::ports::{CatalogueChange, InterventionStore, StoredIntervention};
use crate::jurisdiction::DomainKey;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::FieldError;

/// Whether the actor keeps `provider`'s catalogue: one of its provider members, or an
/// administrator of the partnership.
pub fn keeps_catalogue_of(actor: &Actor, provider: AgencyId) -> bool {
    (is_provider_member(actor) && actor.agency_id == provider) || actor.roles.contains(&Role::Administrator)
}

/// A catalogue entry with every version of it, oldest first.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub current: StoredIntervention,
    pub history: Vec<(CatalogueChange, Intervention)>,
}

impl<S: AuditLog + InterventionStore> Interventions<'_, S> {
    async fn kept(&self, actor: &Actor, id: InterventionId) -> ServiceResult<StoredIntervention> {
        match self.store.intervention(id).await? {
            Some(stored) if keeps_catalogue_of(actor, stored.intervention.provider) => Ok(stored),
            Some(_) if !is_provider_member(actor) && !actor.roles.contains(&Role::Administrator) => {
                Err(ServiceError::Forbidden(Denial::RoleLacksPermission))
            }
            // Another provider's entry is not this member's to see in the catalogue.
            _ => Err(ServiceError::NotFound),
        }
    }

    /// An entry with its history, for those who keep it.
    pub async fn catalogue_entry(&self, actor: &Actor, id: InterventionId) -> ServiceResult<CatalogueEntry> {
        let current = self.kept(actor, id).await?;
        let history = self.store.intervention_history(id).await?;
        Ok(CatalogueEntry { current, history })
    }

    /// Saves the entry as edited as its next version; `seen` is the version the edit was made
    /// on (someone who saved meanwhile is not overwritten: the keeper sees theirs and decides
    /// again). `active: None` keeps it as it is.
    pub async fn revise_intervention(
        &self,
        actor: &Actor,
        id: InterventionId,
        seen: i64,
        input: &InterventionInput,
        active: Option<bool>,
    ) -> ServiceResult<StoredIntervention> {
        let stored = self.kept(actor, id).await?;
        if stored.version != seen {
            let now = stored.version.to_string();
            return Err(ServiceError::Stale(
                FieldError::new("version", "error.catalogue.changed_meanwhile").with("version", now),
            ));
        }
        let provider = stored.intervention.provider;
        let domains: Vec<DomainKey> = self.screening.domains.iter().map(|d| d.key.clone()).collect();
        let mut next = input.parse(id, provider, &domains)?;
        next.active = active.unwrap_or(stored.intervention.active);
        self.save_version(actor, next, stored.version + 1).await
    }

    /// Retires the entry (`false`: no longer found, its referrals go on) or puts it back.
    pub async fn set_intervention_active(
        &self,
        actor: &Actor,
        id: InterventionId,
        seen: i64,
        active: bool,
    ) -> ServiceResult<StoredIntervention> {
        let stored = self.kept(actor, id).await?;
        let input = InterventionInput::from(&stored.intervention);
        self.revise_intervention(actor, id, seen, &input, Some(active)).await
    }

    async fn save_version(
        &self,
        actor: &Actor,
        intervention: Intervention,
        version: i64,
    ) -> ServiceResult<StoredIntervention> {
        let now = self.clock.now();
        let change = CatalogueChange { version, at: now, by: actor.member_id };
        let what = format!("intervention: {}", intervention.id);
        let basis = if is_provider_member(actor) { "role: provider_worker" } else { "role: administrator" };
        let audit = AuditEntry::new(actor, now, None, AuditAction::Update, what, basis);
        self.store.save_intervention(&intervention, &change, &audit).await?;
        Ok(StoredIntervention { intervention, version })
    }
}
