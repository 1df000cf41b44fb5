//! Keeping a catalogue entry: its provider's members, and the partnership's administrators,
//! edit it into a new version, retire it (no longer found; its referrals go on) or put it back,
//! and read every version with who saved it when. An edit names the version it was made on, so
//! two keepers saving at once cannot overwrite each other unseen.

use super::{Interventions, refuse_role};
use crate::access::{Actor, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::{AgencyKind, DirectoryStore};
use crate::ids::{AgencyId, InterventionId, new_v7};
use crate::interventions::model::{Intervention, InterventionInput, Side};
use crate::interventions::ports::{CatalogueChange, InterventionStore, StoredIntervention};
use crate::jurisdiction::DomainKey;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors};

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
    /// The role through which the actor acts for the provider side of referrals and keeps its
    /// agency's catalogue and webhooks (data: `SideRoles`, as seeded a provider's worker);
    /// `None`: not for the provider side.
    pub(super) async fn provider_role(&self, actor: &Actor) -> ServiceResult<Option<Role>> {
        Ok(self.store.side_roles().await?.role_for(actor, Side::Provider))
    }

    /// The entry `id` for one who keeps it: a member of its provider in a role acting for the
    /// provider side, or an administrator of the partnership. Anyone else in such a role is
    /// told it does not exist (another provider's entry); in no such role, refused on record.
    async fn kept(&self, actor: &Actor, id: InterventionId) -> ServiceResult<StoredIntervention> {
        let provider_side = self.provider_role(actor).await?.is_some();
        let administrator = actor.roles.contains(&Role::Administrator);
        match self.store.intervention(id).await? {
            Some(stored) if administrator || (provider_side && actor.agency_id == stored.intervention.provider) => {
                Ok(stored)
            }
            Some(_) if !provider_side => {
                refuse_role(self.store, actor, self.clock.now(), None, &format!("intervention: {id}")).await
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
        let role = match self.provider_role(actor).await? {
            Some(role) if intervention.provider == actor.agency_id => role,
            _ => Role::Administrator,
        };
        let audit = AuditEntry::new(actor, now, None, AuditAction::Update, what, format!("role: {}", role.code()));
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
        let provider_role = self.provider_role(actor).await?;
        let own = provider_role.map(|_| actor.agency_id);
        let chosen = provider.or(own);
        if !administrator && (own.is_none() || chosen != own) {
            return refuse_role(self.store, actor, now, None, "intervention: add").await;
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
        let basis = if let (Some(role), true) = (provider_role, chosen == own) {
            format!("role: {}", role.code())
        } else {
            format!("role: administrator; on behalf of agency {}", intervention.provider)
        };
        let audit = AuditEntry::new(actor, now, None, AuditAction::Create, format!("intervention: {id}"), basis);
        self.store.save_intervention(&intervention, &change, &audit).await?;
        Ok(intervention)
    }
}
