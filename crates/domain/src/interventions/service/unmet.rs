//! Unmet need: the referrer records it for a person they may see; commissioners read the
//! counts by need, area, month and reason, with small counts suppressed.

use super::Interventions;
use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::ids::PersonId;
use crate::interventions::model::{Disclosed, UnmetKey, UnmetNeed, UnmetReason, unmet_report};
use crate::interventions::ports::InterventionStore;
use crate::jurisdiction::DomainKey;
use crate::people::ports::PeopleStore;
use crate::screening::ports::ScreeningStore;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;

/// Whether the actor may read the commissioners' report: aggregates only.
pub fn may_commission(actor: &Actor) -> bool {
    actor.can(Permission::ViewAggregates)
        || actor.roles.contains(&Role::MunicipalityOfficer)
        || actor.roles.contains(&Role::Commissioner)
}

impl<S: PeopleStore + AuditLog + ScreeningStore + InterventionStore> Interventions<'_, S> {
    pub async fn record_unmet(
        &self,
        actor: &Actor,
        person: PersonId,
        need: &str,
        reason: &str,
    ) -> ServiceResult<UnmetNeed> {
        let now = self.clock.now();
        let today = self.today();
        let what = "unmet_need: record";
        let found = self.authorise_referrer(actor, person, what).await?;
        let mut errors = ValidationErrors::default();
        let need = self.screening.domain(need.trim()).map(|d| d.key.clone());
        if need.is_none() {
            errors.push(FieldError::new("need", "error.intervention.need").with("need", ""));
        }
        let reason = UnmetReason::parse(reason);
        if reason.is_none() {
            errors.push(FieldError::new("reason", "error.unmet.reason"));
        }
        let (Some(need), Some(reason), true) = (need, reason, errors.is_empty()) else { return Err(errors.into()) };
        let area = found.person.details.city.clone().unwrap_or_default();
        let unmet = UnmetNeed {
            person,
            need: DomainKey::new(need.as_str()),
            area,
            reason,
            on: today,
            at: now,
            by: actor.member_id,
            agency: actor.agency_id,
        };
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Create, what, &found.grant);
        self.store.record_unmet(&unmet, &audit).await?;
        Ok(unmet)
    }

    /// The "needed but unavailable" report over `from..=to`.
    pub async fn unmet_report(&self, actor: &Actor, from: Date, to: Date) -> ServiceResult<Vec<(UnmetKey, Disclosed)>> {
        if !may_commission(actor) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        Ok(unmet_report(self.store.unmet_counts(from, to).await?))
    }
}
