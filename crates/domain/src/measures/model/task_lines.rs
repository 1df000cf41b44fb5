//! The help tasks of exclusion orders on "my agency's tasks": help for the excluded person, a
//! victim or a child that must start within the order's days. They are not copied onto the
//! plan: the task list merges them with the plan tasks, earliest due first.

use crate::ids::{AgencyId, ExclusionOrderId, PersonId, TaskId};
use crate::jurisdiction::PlanRules;
use crate::measures::{ExclusionContext, ExclusionOrder, HelpTask, OrderStatus};
use crate::plan::model::days_between;
use crate::plan::{TaskLine, Urgency};
use jiff::Timestamp;
use jiff::civil::Date;

/// An exclusion order's help task that has not started yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpTaskLine {
    pub order: ExclusionOrderId,
    /// The excluded person (the order is kept on their record).
    pub excluded: PersonId,
    /// The person the help is for.
    pub person: PersonId,
    pub task: HelpTask,
    /// The order's deadline for the help to start.
    pub due_at: Timestamp,
    /// `due_at`'s local date, which orders it among the plan tasks.
    pub due: Date,
    pub urgency: Urgency,
}

/// One line of "my tasks" / "my agency's tasks".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListedTask {
    Plan(TaskLine),
    Help(HelpTaskLine),
}

impl ListedTask {
    pub fn due(&self) -> Date {
        match self {
            ListedTask::Plan(line) => line.task.due,
            ListedTask::Help(line) => line.due,
        }
    }

    /// The person the task is about: whose record it is listed under.
    pub fn person(&self) -> PersonId {
        match self {
            ListedTask::Plan(line) => line.person,
            ListedTask::Help(line) => line.person,
        }
    }

    pub fn urgency(&self) -> Urgency {
        match self {
            ListedTask::Plan(line) => line.urgency,
            ListedTask::Help(line) => line.urgency,
        }
    }

    pub fn task_id(&self) -> TaskId {
        match self {
            ListedTask::Plan(line) => line.task.id,
            ListedTask::Help(line) => line.task.id,
        }
    }
}

/// Help tasks owned by `agency` of orders in force that have not started, earliest due first.
/// Overdue as soon as the order's deadline has passed, even later on the same day.
pub fn help_task_lines<'a>(
    orders: impl IntoIterator<Item = &'a ExclusionOrder>,
    agency: AgencyId,
    context: &ExclusionContext<'_>,
    now: Timestamp,
    rules: &PlanRules,
) -> Vec<HelpTaskLine> {
    let today = now.to_zoned(context.time_zone.clone()).date();
    let mut lines: Vec<HelpTaskLine> = orders
        .into_iter()
        .filter(|order| order.status == OrderStatus::InForce)
        .flat_map(|order| {
            let due_at = order.help_due_at(context);
            let due = due_at.to_zoned(context.time_zone.clone()).date();
            let urgency = if now > due_at {
                Urgency::Overdue { days_late: days_between(due, today) }
            } else if days_between(today, due) <= i32::from(rules.due_soon_days) {
                Urgency::DueSoon { days_left: days_between(today, due) }
            } else {
                Urgency::Later
            };
            order.help_tasks.iter().filter(move |t| t.owner == agency && t.started_at.is_none()).map(move |task| {
                HelpTaskLine {
                    order: order.id,
                    excluded: order.excluded,
                    person: task.for_person,
                    task: task.clone(),
                    due_at,
                    due,
                    urgency,
                }
            })
        })
        .collect();
    lines.sort_by_key(|line| (line.due_at, line.task.id));
    lines
}

/// Plan tasks and help tasks in one list, earliest due first, at most `limit`.
pub fn merge_task_lines(plan: Vec<TaskLine>, help: Vec<HelpTaskLine>, limit: usize) -> Vec<ListedTask> {
    let mut all: Vec<ListedTask> =
        plan.into_iter().map(ListedTask::Plan).chain(help.into_iter().map(ListedTask::Help)).collect();
    all.sort_by_key(|line| (line.due(), line.task_id()));
    all.truncate(limit);
    all
}

#[cfg(test)]
#[path = "task_lines_tests.rs"]
mod tests;
