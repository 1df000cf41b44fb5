//! The use cases of the mayor's measures (exclusion order, area ban), short intensive case
//! management episodes and the group approach. Like the plan: every read and write is
//! authorised against the person (role × team × legal basis) and audited; a refusal by a rule
//! changes nothing. Each change is stored as the next version with a history row.
//!
//! Two use cases of the plan join it with the measures and so live here, because the measures
//! depend on the plan and not the other way round: "my tasks" with the help tasks of exclusion
//! orders (`tasks`) and the plan page with its linked measures (`plan_page`).

mod episodes;
mod events;
mod groups;
mod mayor;
mod plan_page;
mod proposals;
mod tasks;
mod warnings;

pub use groups::{GroupFile, MemberLine};
pub use plan_page::{HeldMeasure, held_measures};
pub use proposals::{AnswerInput, ProposalInput};
pub use tasks::{TASK_PAGE_SIZE, TaskListLine, TaskPage};
pub use warnings::*;

use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::jurisdiction::BeyondPack;
use crate::measures::ExclusionContext;
use crate::measures::ports::{Measure, MeasureEvent, MeasureStore, Stored};
use crate::notifications::Event;
use crate::people::ports::PeopleStore;
use crate::ports::StoreError;
use crate::service::{Authorised, ServiceError, ServiceResult, authorise_person, today_in};
use crate::validation::{FieldError, invalid};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub struct Measures<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub pack: &'a BeyondPack,
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore> Measures<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The pack's exclusion order figures and the time zone its clock runs in.
    pub fn exclusion_context(&self) -> ServiceResult<ExclusionContext<'_>> {
        let rules = self
            .pack
            .exclusion_order
            .as_ref()
            .ok_or_else(|| invalid(FieldError::new("order", "error.exclusion.not_in_pack")))?;
        Ok(ExclusionContext { rules, time_zone: self.time_zone })
    }

    async fn authorise(
        &self,
        actor: &Actor,
        person: PersonId,
        permission: Permission,
        what: &str,
    ) -> ServiceResult<Authorised> {
        authorise_person(self.store, actor, person, permission, what, self.now(), self.today()).await
    }

    /// Another person named on a measure (a victim, a group member): refused access or an
    /// unknown person is bad input on `field`, not a forbidden page. The refusal is audited.
    async fn authorise_named(
        &self,
        actor: &Actor,
        person: PersonId,
        permission: Permission,
        what: &str,
        field: &str,
    ) -> ServiceResult<Authorised> {
        match self.authorise(actor, person, permission, what).await {
            Ok(found) => Ok(found),
            Err(ServiceError::Forbidden(_)) => Err(invalid(FieldError::new(field, "error.measures.not_on_team"))),
            Err(ServiceError::NotFound) => Err(invalid(FieldError::new(field, "error.measures.unknown_person"))),
            Err(other) => Err(other),
        }
    }

    /// Saves `value` as version `version` (1 creates it) with its audit entries and the
    /// events its change calls for.
    async fn save<M: Measure>(
        &self,
        actor: &Actor,
        value: &M,
        version: i64,
        change: &'static str,
        audit: Vec<AuditEntry>,
        outbox: &[Event],
    ) -> ServiceResult<()> {
        self.save_joining(actor, value, version, change, audit, outbox, Vec::new()).await
    }

    /// As `save`, with agencies joining teams in the same write.
    #[allow(clippy::too_many_arguments, reason = "save's arguments and the team entries written with them")]
    async fn save_joining<M: Measure>(
        &self,
        actor: &Actor,
        value: &M,
        version: i64,
        change: &'static str,
        audit: Vec<AuditEntry>,
        outbox: &[Event],
        team: Vec<crate::access::TeamEntry>,
    ) -> ServiceResult<()> {
        let event = MeasureEvent {
            version,
            change,
            at: self.now(),
            member: actor.member_id,
            agency: actor.agency_id,
            tasks: value.outstanding_tasks(self.exclusion_context().ok().as_ref()),
            team,
        };
        match self.store.save_measure(value, &event, &audit, outbox).await {
            Ok(()) => Ok(()),
            // Someone else changed it meanwhile: nothing saved, the page shows the change.
            Err(StoreError::Conflict { .. }) => {
                Err(invalid(FieldError::new("measure", "error.measures.changed_meanwhile")))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Audit entries for each authorised person.
    fn audited(&self, actor: &Actor, found: &[(&Authorised, AuditAction)], what: &str) -> Vec<AuditEntry> {
        let now = self.now();
        found.iter().map(|(f, action)| AuditEntry::granted(actor, now, f.person.id, *action, what, &f.grant)).collect()
    }

    /// The measure `id` (as typed into the form) of kind `M`, which must concern `person`.
    async fn load_for<M: Measure>(&self, id: &str, person: PersonId, field: &str) -> ServiceResult<Stored<M>> {
        let missing = || invalid(FieldError::new(field, "error.measures.unknown_measure"));
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| missing())?;
        let stored = self.store.measure::<M>(id).await?.ok_or_else(missing)?;
        if stored.value.people().iter().any(|p| p.0 == *person.as_uuid()) { Ok(stored) } else { Err(missing()) }
    }
}
