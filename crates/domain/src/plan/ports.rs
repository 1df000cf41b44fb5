//! The plan's storage port: a plan as stored with its version, its history rows, and the
//! pages of the weekly review.

use crate::audit::AuditEntry;
use crate::ids::{AgencyId, MemberId, PersonId, PlanId};
use crate::notifications::Event;
use crate::plan::{Plan, PlanCommand};
use crate::ports::StoreResult;
use jiff::Timestamp;
use jiff::civil::Date;
use std::future::Future;

/// A plan as stored: the plan now and its version (for lost-update checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub plan: Plan,
    pub version: i64,
}

/// One row of a plan's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEvent {
    pub plan: PlanId,
    pub person: PersonId,
    pub version: i64,
    /// "drafted" or the command's name, e.g. "add_task".
    pub kind: &'static str,
    pub at: Timestamp,
    pub on: Date,
    pub member: MemberId,
    pub agency: AgencyId,
    /// `None` for the draft.
    pub command: Option<PlanCommand>,
}

/// One change to a plan as decided on the plan as stored (`PlanStore::change_plan`): the plan
/// after it, its history row, the audit entry and the outbox events, written together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    pub plan: Plan,
    pub event: PlanEvent,
    pub audit: AuditEntry,
    pub outbox: Vec<Event>,
}

/// A plan written inside another use case's transaction (a case conference closing): the
/// history rows from `from_version + 1` on, each with the plan after it; `from_version` is 0
/// for a plan drafted in the same write, otherwise the stored version the steps build on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanWrite {
    pub from_version: i64,
    pub steps: Vec<(PlanEvent, Plan)>,
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOwner {
    Agency(AgencyId),
    Member(MemberId),
}

pub trait PlanStore: Send + Sync {
    /// Saves a new plan (version 1) with its first history row and audit entry, atomically.
    fn create_plan(
        &self,
        plan: &Plan,
        event: &PlanEvent,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Changes the person's latest plan: `decide` gets the plan as it is inside the write's
    /// transaction (`None` when the person has none), while no other change to it can land —
    /// the plan's row is locked on PostgreSQL, SQLite admits one writer — and the step it
    /// returns is written with its history row, audit entry and outbox events before anyone
    /// else's. So a change made to the plan as it is never loses a race: concurrent notes are
    /// each appended, in turn. `decide` refusing writes nothing and comes back as the inner
    /// `Err`. It runs while the lock is held, so it must be quick and pure: no I/O, no waiting.
    /// The step's version must be the stored one plus one (`StoreError::Conflict` otherwise).
    fn change_plan<E, F>(
        &self,
        person: PersonId,
        decide: F,
    ) -> impl Future<Output = StoreResult<Result<Plan, E>>> + Send
    where
        E: Send,
        F: FnOnce(Option<StoredPlan>) -> Result<PlanStep, E> + Send;
    /// The person's latest plan.
    fn current_plan(&self, person: PersonId) -> impl Future<Output = StoreResult<Option<StoredPlan>>> + Send;
    /// The plan as it was at `at` (the last history row at or before it).
    fn plan_as_of(&self, plan: PlanId, at: Timestamp) -> impl Future<Output = StoreResult<Option<Plan>>> + Send;
    /// Each plan as it was at `at`, in the order given (`None` where it did not exist yet).
    fn plans_as_of(
        &self,
        plans: &[PlanId],
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<Vec<Option<Plan>>>> + Send;
    /// The plan's history, oldest first.
    fn plan_history(&self, plan: PlanId) -> impl Future<Output = StoreResult<Vec<PlanEvent>>> + Send;
    /// One page of the weekly review: the running plans (and those under re-evaluation) of
    /// persons whose team `agency` is on today, those needing attention first — with overdue
    /// tasks, most first, or a re-evaluation on or before `horizon` — then by plan id.
    fn review_page(
        &self,
        agency: AgencyId,
        today: Date,
        horizon: Date,
        page: PageRequest,
    ) -> impl Future<Output = StoreResult<ReviewPlans>> + Send;
}

/// The command's name in the history.
pub fn command_name(command: &PlanCommand) -> &'static str {
    match command {
        PlanCommand::AddAgency { .. } => "add_agency",
        PlanCommand::AddGoal { .. } => "add_goal",
        PlanCommand::RecordGoalAgreement { .. } => "record_goal_agreement",
        PlanCommand::ReviseGoal { .. } => "revise_goal",
        PlanCommand::WithdrawGoal { .. } => "withdraw_goal",
        PlanCommand::AddTask { .. } => "add_task",
        PlanCommand::ChangeTaskStatus { .. } => "change_task_status",
        PlanCommand::AddNote { .. } => "add_note",
        PlanCommand::LinkMeasure { .. } => "link_measure",
        PlanCommand::EndMeasure { .. } => "end_measure",
        PlanCommand::Activate => "activate",
        PlanCommand::StartReEvaluation => "start_re_evaluation",
        PlanCommand::Continue { .. } => "continue",
        PlanCommand::Close { .. } => "close",
        PlanCommand::ReturnToCriminalJustice { .. } => "return_to_criminal_justice",
        PlanCommand::RecordReview { .. } => "record_review",
    }
}

/// Which rows of a long list: `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: u64,
    pub limit: u32,
}

/// A page of the weekly review as stored, with the counts over all pages.
#[derive(Debug, Clone, Default)]
pub struct ReviewPlans {
    pub plans: Vec<std::sync::Arc<Plan>>,
    /// Plans on the review in all.
    pub total: u64,
    /// Of those, the plans needing attention (all listed before the rest).
    pub needing_attention: u64,
}

/// The police and court record, as far as the re-evaluation reads it: the proven offences of
/// the one record person a person's identifiers link to.
pub trait OffenceRecord {
    fn proven_offences_since(
        &self,
        person: PersonId,
        since: Date,
    ) -> impl Future<Output = StoreResult<crate::plan::model::OffenceRecordLookup>> + Send;
}
