//! A referral and its plan task, both ways: a referral made without a task puts one on the
//! person's plan (`task_for_referral`), and a referral that ends settles the task it came from
//! (`settle_task`): completed by the provider, the task is done — recorded as done by the
//! referral's completion, by the provider's member at their time; declined, withdrawn or
//! ended early, the task stays open and its owner and the referrer are told. Both are decided
//! without IO on the plan as stored and written with the referral in one transaction.

use crate::access::Restriction;
use crate::ids::{TaskId, new_v7};
use crate::interventions::model::{ChangeDetail, Referral, ReferralStatus};
use crate::interventions::workflow::{By, TaskOutcome};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::plan::ports::{PlanEvent, PlanWrite, StoredPlan, command_name};
use crate::plan::service::plan_events;
use crate::plan::{Plan, PlanCommand, PlanCommandKind, TaskKind, TaskStatus};

/// Days from the referral to its plan task's due date: the default unmet-need threshold.
const TASK_DUE_DAYS: i64 = 42;

fn history_row(plan: &Plan, version: i64, command: PlanCommand, by: By) -> PlanEvent {
    PlanEvent {
        plan: plan.id,
        person: plan.person,
        version,
        kind: command_name(&command),
        at: by.at,
        on: by.on,
        member: by.member,
        agency: by.agency,
        command: Some(command),
    }
}

/// The task a referral made without one creates on the person's running plan, owned by the
/// provider (put on the plan's team for it) and named after the intervention; the referral
/// then points at it. No plan, or one that takes no tasks any more: no task, the referral
/// stands on its own.
pub(super) fn task_for_referral(
    stored: Option<StoredPlan>,
    referral: &mut Referral,
    by: By,
) -> Option<(PlanWrite, Vec<Event>)> {
    let stored = stored?;
    let mut plan = stored.plan;
    if !plan.status.allows(PlanCommandKind::AddTask) {
        return None;
    }
    let mut version = stored.version;
    let mut steps = Vec::new();
    let provider = referral.provider;
    if !plan.team.contains(&provider) {
        plan.team.insert(provider);
        version += 1;
        let command = PlanCommand::AddAgency { agency: provider };
        steps.push((history_row(&plan, version, command, by), plan.clone()));
    }
    let task = TaskId(new_v7(by.at));
    // Due when the unmet-need threshold passes: a referral not started by then is a wait
    // the team should look at.
    let due = by.on.checked_add(jiff::Span::new().days(TASK_DUE_DAYS)).unwrap_or(by.on).max(plan.started_on);
    let command = PlanCommand::AddTask {
        task,
        description: referral.intervention_name.clone(),
        kind: TaskKind::Care,
        owner: provider,
        owner_member: None,
        goal: None,
        due,
        restriction: Restriction::Team,
    };
    let effect = plan.add_task(command.clone()).ok()?;
    version += 1;
    steps.push((history_row(&plan, version, command, by), plan.clone()));
    let events = plan_events(&plan, &[effect], by.member, by.at);
    referral.task = Some(task);
    Some((PlanWrite { from_version: stored.version, steps }, events))
}

/// What a referral's end means for its plan task.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    /// The task marked done: the next version of the plan, built on the version it was
    /// decided on (the store refuses it as a conflict if the plan moved on meanwhile).
    pub plan: Option<PlanWrite>,
    /// Who is told (`plan.task.referral_ended`).
    pub events: Vec<Event>,
}

/// Settles the plan task of `referral`, which went from `before` to its status now by `by`,
/// on the person's plan as `stored`. Nothing to settle — the referral did not end with this
/// change, has no task, or its task is not an outstanding one of this plan (done or cancelled
/// by a member meanwhile, or on an earlier plan) — gives an empty settlement.
pub fn settle_task(stored: Option<&StoredPlan>, before: ReferralStatus, referral: &Referral, by: By) -> Settlement {
    let (Some(outcome), Some(task), Some(stored)) = (TaskOutcome::of(before, referral.status), referral.task, stored)
    else {
        return Settlement::default();
    };
    let Some(found) = stored.plan.task(task).filter(|t| t.status.is_outstanding()) else {
        return Settlement::default();
    };
    let audience = match outcome {
        // The provider's own members know: they did it. An owner elsewhere is told.
        TaskOutcome::Done if found.owner == by.agency => None,
        TaskOutcome::Done => Some(Audience::agency(found.owner)),
        // The owner, and the referrer who decides what now (another provider, or cancel).
        TaskOutcome::KeptOpen => Some(Audience::agencies([found.owner, referral.referrer_agency])),
    };
    let reason = referral.history.last().and_then(|change| match &change.detail {
        ChangeDetail::Status { reason, .. } => *reason,
        _ => None,
    });
    let events: Vec<Event> = audience
        .map(|audience| {
            let subject = Subject::new(SubjectKind::Plan, stored.plan.id.0);
            let event =
                Event::new(EventKind::PlanTaskReferralEnded, by.at, subject, audience.with_member(found.owner_member))
                    .about(referral.person)
                    .by(by.member)
                    .with("task", &found.description)
                    .with("intervention_name", &referral.intervention_name)
                    .with("status", referral.status.code());
            match reason {
                Some(reason) => event.with("reason", reason.code()),
                None => event,
            }
        })
        .into_iter()
        .collect();
    if outcome == TaskOutcome::KeptOpen {
        return Settlement { plan: None, events };
    }
    let command = PlanCommand::ChangeTaskStatus { task, status: TaskStatus::Done, by_referral: Some(referral.id) };
    let mut plan = stored.plan.clone();
    if plan.change_task_status(command.clone()).is_err() {
        // The plan takes no status changes (it ended): its tasks ended with it.
        return Settlement::default();
    }
    let version = stored.version + 1;
    let step = (history_row(&plan, version, command, by), plan);
    Settlement { plan: Some(PlanWrite { from_version: stored.version, steps: vec![step] }), events }
}

#[cfg(test)]
#[path = "plan_task_tests.rs"]
mod tests;
