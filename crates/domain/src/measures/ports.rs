//! The storage port shared by the measures: each is kept whole (as the domain value) with a
//! version against lost updates, an index of the people it concerns, and its history. And the
//! read of "my tasks", which holds plan tasks and the help tasks of exclusion orders.

use crate::audit::AuditEntry;
use crate::ids::{AgencyId, MemberId, PersonId, TaskId};
use crate::measures::workflow::{
    AreaBan, AreaBanStatus, Episode, EpisodeStatus, ExclusionContext, ExclusionOrder, Group, MeasureProposal,
    OrderStatus, ProposalStatus,
};
use crate::notifications::Event;
use crate::plan::Plan;
use crate::plan::ports::{PageRequest, TaskOwner};
use crate::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;
use uuid::Uuid;

/// A measure the store keeps: its kind, id and the people it concerns.
pub trait Measure: Serialize + DeserializeOwned + Send + Sync {
    /// The stored kind, e.g. "exclusion_order".
    const KIND: &'static str;
    fn measure_id(&self) -> Uuid;
    /// The person the measure is about (none for a group).
    fn subject(&self) -> Option<PersonId>;
    /// Everyone the measure concerns now, the subject included.
    fn people(&self) -> Vec<PersonId>;
    /// Open measures are listed for warnings; ended ones only on the person's pages.
    fn is_open(&self) -> bool;
    /// Tasks of the measure still owed by an agency, for the task lists' index (only an
    /// exclusion order's help tasks; `None` when the pack has no exclusion order figures).
    fn outstanding_tasks(&self, _context: Option<&ExclusionContext<'_>>) -> Vec<MeasureTask> {
        Vec::new()
    }
}

/// A task of a measure still owed by an agency: the store indexes it by owner and due date so
/// "my agency's tasks" finds it beside the plan tasks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureTask {
    pub task: TaskId,
    /// The person the task is for.
    pub person: PersonId,
    pub owner: AgencyId,
    /// The local date by which it is due.
    pub due: Date,
}

/// A measure as stored, with its version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<M> {
    pub value: M,
    pub version: i64,
}

/// One row of a measure's history: version 1 creates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureEvent {
    pub version: i64,
    /// What was done, e.g. "impose", "extend".
    pub change: &'static str,
    pub at: Timestamp,
    pub member: MemberId,
    pub agency: AgencyId,
    /// The measure's outstanding tasks after this change (replaces the stored ones).
    pub tasks: Vec<MeasureTask>,
    /// Agencies joining a person's team with this change: an agency given a help task joins
    /// the team of the person the help is for, on the statute that asks for the help.
    pub team: Vec<crate::access::TeamEntry>,
}

pub trait MeasureStore: Send + Sync {
    /// Version 1 inserts the measure; a later version replaces it if the stored version is
    /// still `event.version - 1` (else `StoreError::Conflict`). With the history row, the
    /// audit entries and the outbox events, atomically.
    fn save_measure<M: Measure>(
        &self,
        value: &M,
        event: &MeasureEvent,
        audit: &[AuditEntry],
        outbox: &[Event],
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The measure of kind `M` with this id.
    fn measure<M: Measure>(&self, id: Uuid) -> impl Future<Output = StoreResult<Option<Stored<M>>>> + Send;
    /// Measures of kind `M` that concern the person, oldest first.
    fn measures_about<M: Measure>(&self, person: PersonId) -> impl Future<Output = StoreResult<Vec<Stored<M>>>> + Send;
    /// Open measures of kind `M` whose subject has `agency` on the team today.
    fn open_measures_for_agency<M: Measure>(
        &self,
        agency: AgencyId,
        today: Date,
    ) -> impl Future<Output = StoreResult<Vec<Stored<M>>>> + Send;
    /// Every measure of kind `M`, oldest first (groups are few).
    fn measures_of_kind<M: Measure>(&self) -> impl Future<Output = StoreResult<Vec<Stored<M>>>> + Send;
}

impl Measure for ExclusionOrder {
    const KIND: &'static str = "exclusion_order";
    fn measure_id(&self) -> Uuid {
        self.id.0
    }
    fn subject(&self) -> Option<PersonId> {
        Some(self.excluded)
    }
    fn people(&self) -> Vec<PersonId> {
        std::iter::once(self.excluded)
            .chain(self.victims.iter().copied())
            .chain(self.children.iter().copied())
            .collect()
    }
    fn is_open(&self) -> bool {
        self.status == OrderStatus::InForce
    }
    fn outstanding_tasks(&self, context: Option<&ExclusionContext<'_>>) -> Vec<MeasureTask> {
        let Some(context) = context.filter(|_| self.is_open()) else { return Vec::new() };
        let due = self.help_due_at(context).to_zoned(context.time_zone.clone()).date();
        self.help_tasks
            .iter()
            .filter(|t| t.started_at.is_none())
            .map(|t| MeasureTask { task: t.id, person: t.for_person, owner: t.owner, due })
            .collect()
    }
}

/// A measure about one person, in force while `$open` holds.
macro_rules! one_person_measure {
    ($measure:ty, $kind:literal, $open:pat) => {
        impl Measure for $measure {
            const KIND: &'static str = $kind;
            fn measure_id(&self) -> Uuid {
                self.id.0
            }
            fn subject(&self) -> Option<PersonId> {
                Some(self.person)
            }
            fn people(&self) -> Vec<PersonId> {
                vec![self.person]
            }
            fn is_open(&self) -> bool {
                matches!(self.status, $open)
            }
        }
    };
}

one_person_measure!(AreaBan, "area_ban", AreaBanStatus::InForce);
one_person_measure!(MeasureProposal, "proposal", ProposalStatus::Open);
one_person_measure!(Episode, "episode", EpisodeStatus::Open);

impl Measure for Group {
    const KIND: &'static str = "group";
    fn measure_id(&self) -> Uuid {
        self.id.0
    }
    fn subject(&self) -> Option<PersonId> {
        None
    }
    fn people(&self) -> Vec<PersonId> {
        self.current_members().map(|m| m.person).collect()
    }
    fn is_open(&self) -> bool {
        true
    }
}

/// One page of an owner's outstanding tasks: the tasks' ids in list order, and what holds
/// them: plans, and (for an agency) the exclusion orders whose help tasks it owns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskHolders {
    pub tasks: Vec<TaskId>,
    /// Shared: a store may keep parsed plans for the next list.
    pub plans: Vec<std::sync::Arc<Plan>>,
    pub orders: Vec<ExclusionOrder>,
    /// More tasks follow this page.
    pub more: bool,
}

/// The task lists' read: plan tasks and the help tasks of exclusion orders, in one order.
pub trait TaskListStore: Send + Sync {
    /// One page of the outstanding tasks of `owner` in (due date, task id) order, plan tasks
    /// and (for an agency) the help tasks of exclusion orders in force in one ordered read,
    /// with the plans and orders holding them.
    fn tasks_of(&self, owner: TaskOwner, page: PageRequest) -> impl Future<Output = StoreResult<TaskHolders>> + Send;
}
