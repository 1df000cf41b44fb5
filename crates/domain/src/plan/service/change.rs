//! One change to a plan, decided on the plan as it is when the change is written.
//!
//! The store runs [`Change::decide`] inside the write's transaction, on the plan as stored
//! there, with no other change able to land in between (`PlanStore::change_plan`). So a change
//! that adds to the plan — a note, a goal, a task, a linked measure, an agency — is applied to
//! whatever the plan holds by then and never conflicts with another member's: both are kept,
//! one after the other. A change whose meaning depends on what the member saw — a task's
//! status set from the status they were shown, a decision on the plan taken in the status they
//! were shown — carries what they saw ([`Seen`]); when that is no longer so, the change is
//! refused as made on something that changed meanwhile (`ServiceError::Stale`, a 409), saying
//! what it is now, and nothing is written.

use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry};
use crate::plan::ports::{PlanEvent, PlanStep, StoredPlan, command_name};
use crate::plan::service::{
    outstanding_tasks_error, plan_events, plan_field_error, plan_status_code, task_status_code, team_agencies,
    visible_to,
};
use crate::plan::{PlanCommand, PlanCommandKind, PlanContext, PlanError, PlanStatus, TaskStatus};
use crate::service::{Authorised, ServiceError};
use crate::validation::{FieldError, invalid};
use jiff::Timestamp;
use jiff::civil::Date;

/// What the member saw when they asked for a change whose meaning depends on it, as the codes
/// the forms and the API use. An empty field was not shown or not sent: the change then
/// applies to the plan as it is, within the workflow's rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// The status (`task_status_code`) of the task whose status the member changes.
    pub task_status: String,
    /// The plan's status (`plan_status_code`), for a decision on the plan (activate,
    /// re-evaluation, continue, close, return).
    pub plan_status: String,
}

impl Seen {
    /// Nothing seen: the change applies to the plan as it is.
    pub fn nothing() -> Seen {
        Seen::default()
    }

    /// The status of the task, as shown to the member.
    pub fn task_status(code: impl Into<String>) -> Seen {
        Seen { task_status: code.into(), ..Seen::default() }
    }

    /// The status of the plan, as shown to the member.
    pub fn plan_status(code: impl Into<String>) -> Seen {
        Seen { plan_status: code.into(), ..Seen::default() }
    }

    /// Why `command` no longer means what the member meant on `plan` as it is now, as the form
    /// shows it; `None` when what they saw still holds (or they said nothing about it).
    pub fn outdated(&self, stored: &StoredPlan, command: &PlanCommand) -> Option<FieldError> {
        let plan = &stored.plan;
        let seen_task = self.task_status.trim();
        if let PlanCommand::ChangeTaskStatus { task, .. } = command
            && !seen_task.is_empty()
            && let Some(found) = plan.task(*task)
            && task_status_code(&found.status) != seen_task
        {
            return Some(FieldError::new("status", task_changed_key(&found.status)));
        }
        let seen_plan = self.plan_status.trim();
        let decides = matches!(
            command.kind(),
            PlanCommandKind::Activate
                | PlanCommandKind::StartReEvaluation
                | PlanCommandKind::Continue
                | PlanCommandKind::Close
                | PlanCommandKind::ReturnToCriminalJustice
        );
        if decides && !seen_plan.is_empty() && plan_status_code(&plan.status) != seen_plan {
            return Some(FieldError::new("plan", plan_changed_key(&plan.status)));
        }
        None
    }
}

/// The message for a task whose status someone else changed to `now`.
fn task_changed_key(now: &TaskStatus) -> &'static str {
    match now {
        TaskStatus::Open => "error.plan.task_changed.open",
        TaskStatus::InProgress => "error.plan.task_changed.in_progress",
        TaskStatus::Done => "error.plan.task_changed.done",
        TaskStatus::Cancelled { .. } => "error.plan.task_changed.cancelled",
    }
}

/// The message for a plan whose status someone else changed to `now`.
fn plan_changed_key(now: &PlanStatus) -> &'static str {
    match now {
        PlanStatus::Draft => "error.plan.status_changed.draft",
        PlanStatus::Active => "error.plan.status_changed.active",
        PlanStatus::UnderReEvaluation => "error.plan.status_changed.under_re_evaluation",
        PlanStatus::Continued { .. } => "error.plan.status_changed.continued",
        PlanStatus::Closed { .. } => "error.plan.status_changed.closed",
        PlanStatus::ReturnedToCriminalJustice { .. } => "error.plan.status_changed.returned",
    }
}

/// Why a change was not written.
#[derive(Debug)]
pub(super) enum Refused {
    /// The change is about a task restricted to agencies the actor's is not among: to the
    /// actor it does not exist. The refusal is audited with the restriction (`why`).
    Hidden { why: String },
    /// Any other refusal, as the use case answers it.
    Service(ServiceError),
}

impl From<ServiceError> for Refused {
    fn from(error: ServiceError) -> Self {
        Refused::Service(error)
    }
}

/// A change to a person's plan by `actor`, to be decided on the plan as stored.
pub(super) struct Change<'a> {
    pub actor: &'a Actor,
    pub found: &'a Authorised,
    pub command: PlanCommand,
    pub seen: &'a Seen,
    /// What the audit log says was done, e.g. "plan: progress note".
    pub what: &'a str,
    pub now: Timestamp,
    pub today: Date,
    pub context: PlanContext<'a>,
}

impl Change<'_> {
    /// The step this change makes of the plan as stored: checked against the live team, the
    /// task's restriction and owner, what the member saw, and the workflow's rules. Pure: the
    /// store runs it while it holds the plan.
    pub(super) fn decide(self, stored: Option<StoredPlan>) -> Result<PlanStep, Refused> {
        let Some(stored) = stored.filter(|s| !s.plan.status.has_ended()) else {
            return Err(invalid(FieldError::new("plan", "error.plan.none")).into());
        };
        let (actor, command) = (self.actor, self.command);
        let mut plan = stored.plan.clone();
        // The plan's team is the person's team as it is today.
        plan.team = team_agencies(&self.found.team, self.today);
        if let Some(task) = command.task().and_then(|t| plan.task(t))
            && visible_to(&plan, actor.agency_id).task(task.id).is_none()
        {
            return Err(Refused::Hidden { why: format!("restricted to {}", task.restriction.summary()) });
        }
        // Only the owning agency (or someone who manages the plan) updates a task's status.
        if let PlanCommand::ChangeTaskStatus { task, .. } = &command
            && plan.task(*task).is_some_and(|t| t.owner != actor.agency_id)
            && !actor.can(Permission::ManagePlan)
        {
            return Err(invalid(FieldError::new("task", "error.plan.not_your_task")).into());
        }
        if let Some(changed) = self.seen.outdated(&stored, &command) {
            return Err(ServiceError::Stale(changed).into());
        }
        let (changed, effects) =
            plan.clone().apply(command.clone(), &self.context, self.today).map_err(|e| match &e {
                PlanError::GoalHasOutstandingTasks { tasks } => {
                    invalid(outstanding_tasks_error(&plan, tasks, actor.agency_id))
                }
                _ => invalid(plan_field_error(&e)),
            })?;
        let person = self.found.person.id;
        let outbox = plan_events(&changed, &effects, actor.member_id, self.now);
        let event = PlanEvent {
            plan: changed.id,
            person,
            version: stored.version + 1,
            kind: command_name(&command),
            at: self.now,
            on: self.today,
            member: actor.member_id,
            agency: actor.agency_id,
            command: Some(command),
        };
        let audit = AuditEntry::granted(actor, self.now, person, AuditAction::Update, self.what, &self.found.grant);
        Ok(PlanStep { plan: changed, event, audit, outbox })
    }
}

#[cfg(test)]
#[path = "change_tests.rs"]
mod tests;
