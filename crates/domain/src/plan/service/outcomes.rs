//! The re-evaluation's outcomes: the person's proven offences since their plan started, read
//! from the offence record through the identifier link — for the members who re-evaluate
//! plans (`ManagePlan`) on the person's team only, each read and each refusal audited.

use super::Plans;
use crate::access::Permission;
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::people::ports::PeopleStore;
use crate::plan::model::PlanOutcomes;
use crate::plan::ports::{OffenceRecord, PlanStore};
use crate::service::{ServiceResult, authorise_person};

const WHAT: &str = "plan: outcomes since the plan started";

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore + OffenceRecord> Plans<'_, S> {
    /// The proven offences since the person's plan was activated (else drafted); `None` when
    /// the person has no plan. Refused (and audited) unless the actor may re-evaluate plans
    /// and their agency is on the person's team.
    pub async fn outcomes(
        &self,
        actor: &crate::access::Actor,
        person: PersonId,
    ) -> ServiceResult<Option<PlanOutcomes>> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ManagePlan, WHAT, now, self.today()).await?;
        let Some(stored) = self.store.current_plan(person).await? else {
            return Ok(None);
        };
        let since = stored.plan.activated_on.unwrap_or(stored.plan.started_on);
        let record = self.store.proven_offences_since(person, since).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, WHAT, &found.grant)]).await?;
        Ok(Some(PlanOutcomes { since, record }))
    }
}
