//! Keeping a catalogue entry: its provider's members, and the partnership's administrators,
//! edit it into a new version, retire it (no longer found; its referrals go on) or put it back,
//! and read every version with who saved it when. An edit names the version it was made on, so
//! two keepers saving at once cannot overwrite each other unseen.

use super::{Interventions, is_provider_member};
use crate::access::{Actor, Denial, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::{AgencyKind, DirectoryStore};
use crate::ids::{AgencyId, InterventionId, new_v7};
use crate::interventions::model::{Intervention, InterventionInput};
use crate::interventions::ports::{CatalogueChange, InterventionStore, StoredIntervention};
use crate::jurisdiction::DomainKey;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors};

/// Whether the actor keeps `provider`'s catalogue: one of its provider members, or an
/// administrator of the partnership.
pub fn keeps_catalogue_of(actor: &Actor, provider: AgencyId) -> bool {
    (is_provider_member(actor) && actor.agency_id == provider) || actor.roles.contains(&Role::Administrator)
}

/// The kinds of agency an administrator may add catalogue entries for: those whose members
/// deliver help (a provider's own members add to their agency's catalogue whatever its kind).
pub fn may_offer_interventions(kind: AgencyKind) -> bool {
    matches!(kind, AgencyKind::Provider | AgencyKind::Health | AgencyKind::Mentoring | AgencyKind::Municipality)
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

impl<S: AuditLog + InterventionStore + DirectoryStore> Interventions<'_, S> {
    /// Adds a new entry to a provider's catalogue: a provider's member to their own agency's
    /// (`provider` none or their own), an administrator to the catalogue of the agency they
    /// choose on its behalf (one that delivers help). The entry is its provider's from then on,
    /// as if its own member had added it; the audit names who added it in which role. A refusal
    /// is audited too.
    pub async fn add_intervention(
        &self,
        actor: &Actor,
        provider: Option<AgencyId>,
        input: &InterventionInput,
    ) -> ServiceResult<Intervention> {
        let now = self.clock.now();
        let administrator = actor.roles.contains(&Role::Administrator);
        let own = is_provider_member(actor).then_some(actor.agency_id);
        let chosen = provider.or(own);
        if !administrator && (own.is_none() || chosen != own) {
            let what = "intervention: add";
            let denied =
                AuditEntry::new(actor, now, None, AuditAction::Denied, what, Denial::RoleLacksPermission.code());
            self.store.append(&[denied]).await?;
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let mut errors = ValidationErrors::default();
        match chosen {
            None => errors.push(FieldError::new("provider", "error.catalogue.provider_required")),
            Some(agency) if Some(agency) != own => {
                let offers =
                    self.store.agencies().await?.iter().any(|a| a.id == agency && may_offer_interventions(a.kind));
                if !offers {
                    errors.push(FieldError::new("provider", "error.catalogue.provider_unknown"));
                }
            }
            Some(_) => {}
        }
        let id = InterventionId(new_v7(now));
        let domains: Vec<DomainKey> = self.screening.domains.iter().map(|d| d.key.clone()).collect();
        let parsed = input.parse(id, chosen.unwrap_or(actor.agency_id), &domains);
        let intervention = match parsed {
            Ok(intervention) if errors.is_empty() => intervention,
            Ok(_) => return Err(ServiceError::Invalid(errors)),
            Err(more) => {
                // The provider's error first, as the form shows the provider first.
                let mut all = errors;
                for error in more.iter() {
                    all.push(error.clone());
                }
                return Err(ServiceError::Invalid(all));
            }
        };
        let change = CatalogueChange { version: 1, at: now, by: actor.member_id };
        let basis = if chosen == own {
            "role: provider_worker".to_string()
        } else {
            format!("role: administrator; on behalf of agency {}", intervention.provider)
        };
        let audit = AuditEntry::new(actor, now, None, AuditAction::Create, format!("intervention: {id}"), basis);
        self.store.save_intervention(&intervention, &change, &audit).await?;
        Ok(intervention)
    }
}
