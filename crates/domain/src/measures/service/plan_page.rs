//! The plan page's reads in one: the person's plan with the criminal-justice measures linked to
//! it. A use case of the plan (`Plans::view_with_measures`) that lives with the measures, which
//! depend on the plan.

use super::Measures;
use super::warnings::PlanMeasures;
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::measures::ports::MeasureStore;
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::plan::service::{PlanFile, Plans};
use crate::service::{ServiceResult, authorise_person};

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
}
