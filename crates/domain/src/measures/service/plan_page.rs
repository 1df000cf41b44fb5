//! The plan page's reads in one: the person's plan with the criminal-justice measures linked to
//! it. A use case of the plan (`Plans::view_with_measures`) that lives with the measures, which
//! depend on the plan.

use super::Measures;
use super::warnings::PlanMeasures;
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::ObligationRef;
use crate::ids::PersonId;
use crate::measures::ports::MeasureStore;
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::plan::service::Seen;
use crate::plan::service::{PlanFile, Plans};
use crate::plan::{MeasureKind, Plan, PlanCommand};
use crate::service::{ServiceResult, authorise_person};
use crate::validation::{FieldError, invalid};

/// A measure held in desist that can be linked to the person's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldMeasure {
    pub id: uuid::Uuid,
    pub kind: MeasureKind,
    /// What the plan shows for it: the area or address, and the decision's reference.
    pub description: String,
}

/// The person's own area bans and exclusion orders in force (as the excluded person), which
/// the plan may link.
pub fn held_measures(linked: &PlanMeasures, person: PersonId) -> Vec<HeldMeasure> {
    let bans = linked
        .bans
        .iter()
        .map(|s| &s.value)
        .filter(|b| b.person == person && matches!(b.status, crate::measures::AreaBanStatus::InForce));
    let orders = linked
        .orders
        .iter()
        .map(|s| &s.value)
        .filter(|o| o.excluded == person && o.status == crate::measures::OrderStatus::InForce);
    bans.map(|b| HeldMeasure {
        id: b.id.0,
        kind: MeasureKind::AreaBan,
        description: format!("{} ({}, {} – {})", b.area, b.decision_ref, b.starts_on, b.ends_on),
    })
    .chain(orders.map(|o| HeldMeasure {
        id: o.id.0,
        kind: MeasureKind::ExclusionOrder,
        description: format!("{} ({})", o.address, o.decision_ref),
    }))
    .collect()
}

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore + MeasureStore> Plans<'_, S> {
    /// The plan page's reads in one: the plan file and the criminal-justice measures linked to
    /// it, authorised once and audited as one read (the page used to read the measures through
    /// a use case of their own, which checked the team again and wrote a second entry).
    pub async fn view_with_measures(
        &self,
        actor: &Actor,
        person: PersonId,
        what: &str,
    ) -> ServiceResult<(PlanFile, PlanMeasures)> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let measures = Measures { store: self.store, clock: self.clock, time_zone: self.time_zone, pack: self.pack };
        let linked = measures.linked(person).await?;
        Ok((self.file(actor, found).await?, linked))
    }

    /// Links one of the person's own measures (an area ban or exclusion order held in desist)
    /// to the plan: picked by its id, so the plan shows the measure as it is recorded and
    /// never a typed duplicate of it. The same measure is linked once.
    pub async fn link_held_measure(&self, actor: &Actor, person: PersonId, measure: &str) -> ServiceResult<Plan> {
        let what = "plan: link measure";
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ManagePlan, what, now, self.today()).await?;
        let measures = Measures { store: self.store, clock: self.clock, time_zone: self.time_zone, pack: self.pack };
        let held = held_measures(&measures.linked(person).await?, person);
        let unknown = || invalid(FieldError::new("measure", "error.plan.unknown_measure"));
        let id = uuid::Uuid::parse_str(measure.trim()).map_err(|_| unknown())?;
        let picked = held.into_iter().find(|m| m.id == id).ok_or_else(unknown)?;
        let command = PlanCommand::LinkMeasure {
            obligation: ObligationRef(picked.id),
            kind: picked.kind,
            description: picked.description,
        };
        let changed = self.save_command(actor, &found, command, &Seen::nothing(), what).await?;
        Ok(crate::plan::service::visible_to(&changed, actor.agency_id))
    }
}
