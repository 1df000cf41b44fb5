//! Reviews: the weekly review list over plan snapshots, and the one-year re-evaluation date.

use crate::ids::{AgencyId, GoalId, ObligationRef, PersonId, PlanId, TaskId};
use crate::jurisdiction::PlanRules;
use crate::plan::{Plan, PlanStatus};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// Activation (or continuation) date plus the pack's period. Calendar months: a plan activated
/// on 29 February is re-evaluated on 28 February the next year.
pub fn re_evaluation_date(from: Date, rules: &PlanRules) -> Date {
    from.checked_add(i64::from(rules.re_evaluation_after_months).months())
        .expect("plan dates are far from the calendar's limits")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PlanChange {
    StatusChanged {
        from: &'static str,
        to: &'static str,
    },
    AgencyJoined(AgencyId),
    GoalAdded(GoalId),
    GoalAgreementChanged {
        goal: GoalId,
        agreed_by_person: bool,
    },
    /// Reworded or moved to another life domain.
    GoalRevised(GoalId),
    GoalWithdrawn(GoalId),
    TaskAdded(TaskId),
    TaskStatusChanged {
        task: TaskId,
        from: &'static str,
        to: &'static str,
    },
    NotesAdded(usize),
    MeasureLinked(ObligationRef),
    MeasureEnded(ObligationRef),
}

/// What changed between last week's snapshot and now. No snapshot means the plan is new to the
/// review, so everything on it counts as a change.
pub fn changes_since(previous: Option<&Plan>, current: &Plan) -> Vec<PlanChange> {
    let empty;
    let previous = match previous {
        Some(p) => p,
        None => {
            empty = Plan {
                goals: vec![],
                tasks: vec![],
                notes: vec![],
                measures: vec![],
                team: Default::default(),
                ..current.clone()
            };
            &empty
        }
    };
    let mut changes = Vec::new();
    if previous.status.name() != current.status.name() {
        changes.push(PlanChange::StatusChanged { from: previous.status.name(), to: current.status.name() });
    }
    changes.extend(current.team.difference(&previous.team).map(|a| PlanChange::AgencyJoined(*a)));
    for goal in &current.goals {
        match previous.goals.iter().find(|g| g.id == goal.id) {
            None => changes.push(PlanChange::GoalAdded(goal.id)),
            Some(before) if before.in_own_words != goal.in_own_words || before.domain != goal.domain => {
                changes.push(PlanChange::GoalRevised(goal.id))
            }
            Some(before) if before.agreed_by_person != goal.agreed_by_person => changes
                .push(PlanChange::GoalAgreementChanged { goal: goal.id, agreed_by_person: goal.agreed_by_person }),
            Some(_) => {}
        }
    }
    for goal in previous.goals.iter().filter(|g| !current.goals.iter().any(|now| now.id == g.id)) {
        changes.push(PlanChange::GoalWithdrawn(goal.id));
    }
    for task in &current.tasks {
        match previous.task(task.id) {
            None => changes.push(PlanChange::TaskAdded(task.id)),
            Some(before) if before.status != task.status => changes.push(PlanChange::TaskStatusChanged {
                task: task.id,
                from: before.status.name(),
                to: task.status.name(),
            }),
            Some(_) => {}
        }
    }
    let new_notes = current.notes.len().saturating_sub(previous.notes.len());
    if new_notes > 0 {
        changes.push(PlanChange::NotesAdded(new_notes));
    }
    for measure in &current.measures {
        match previous.measures.iter().find(|m| m.obligation == measure.obligation) {
            None => changes.push(PlanChange::MeasureLinked(measure.obligation)),
            Some(before) if before.open && !measure.open => changes.push(PlanChange::MeasureEnded(measure.obligation)),
            Some(_) => {}
        }
    }
    changes
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeeklyReviewItem {
    pub plan: PlanId,
    pub person: PersonId,
    pub changes: Vec<PlanChange>,
    pub overdue_tasks: Vec<TaskId>,
    /// The re-evaluation falls within the "due soon" window or is already past.
    pub re_evaluation_due: bool,
}

impl WeeklyReviewItem {
    pub fn needs_attention(&self) -> bool {
        !self.overdue_tasks.is_empty() || self.re_evaluation_due
    }
}

/// The last day on which a re-evaluation counts as due on the weekly review ("due soon").
pub fn review_horizon(today: Date, rules: &PlanRules) -> Date {
    today.checked_add(i64::from(rules.due_soon_days).days()).expect("dates are far from the calendar's limits")
}

/// The weekly review list: every running plan (and those under re-evaluation), each with what
/// changed since last week's snapshot and its overdue tasks; plans needing attention first, then
/// the plans that changed, newest first.
pub fn weekly_review<'a>(
    snapshots: impl IntoIterator<Item = (Option<&'a Plan>, &'a Plan)>,
    today: Date,
    rules: &PlanRules,
) -> Vec<WeeklyReviewItem> {
    let horizon = review_horizon(today, rules);
    let mut items: Vec<WeeklyReviewItem> = snapshots
        .into_iter()
        .filter(|(_, plan)| plan.status.is_running() || plan.status == PlanStatus::UnderReEvaluation)
        .map(|(previous, plan)| WeeklyReviewItem {
            plan: plan.id,
            person: plan.person,
            changes: changes_since(previous, plan),
            overdue_tasks: plan.tasks.iter().filter(|t| t.is_overdue(today)).map(|t| t.id).collect(),
            re_evaluation_due: plan.status.is_running() && plan.re_evaluation_on.is_some_and(|on| on <= horizon),
        })
        .collect();
    // Then what changed this week before what did not: the review is about this week.
    items.sort_by_key(|item| {
        (
            !item.needs_attention(),
            std::cmp::Reverse(item.overdue_tasks.len()),
            item.changes.is_empty(),
            std::cmp::Reverse(item.plan),
        )
    });
    items
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
