//! "Overdue" and "due soon" as pure functions of today's date, and the "my tasks" /
//! "my agency's tasks" lists built on them.

use crate::ids::{AgencyId, MemberId, PersonId, PlanId};
use crate::jurisdiction::PlanRules;
use crate::plan::{Plan, Task};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Urgency {
    Overdue { days_late: i32 },
    DueSoon { days_left: i32 },
    Later,
}

pub(crate) fn days_between(from: Date, to: Date) -> i32 {
    from.until(to).expect("dates are far from the calendar's limits").get_days()
}

impl Task {
    /// Still outstanding and its due date has passed (a task due today is not yet overdue).
    pub fn is_overdue(&self, today: Date) -> bool {
        self.status.is_outstanding() && self.due < today
    }

    /// Still outstanding and due today or within the pack's "due soon" window.
    pub fn is_due_soon(&self, today: Date, rules: &PlanRules) -> bool {
        self.status.is_outstanding()
            && self.due >= today
            && days_between(today, self.due) <= i32::from(rules.due_soon_days)
    }

    pub fn urgency(&self, today: Date, rules: &PlanRules) -> Urgency {
        if self.is_overdue(today) {
            Urgency::Overdue { days_late: days_between(self.due, today) }
        } else if self.is_due_soon(today, rules) {
            Urgency::DueSoon { days_left: days_between(today, self.due) }
        } else {
            Urgency::Later
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLine {
    pub plan: PlanId,
    pub person: PersonId,
    pub task: Task,
    pub urgency: Urgency,
}

fn outstanding_lines<'a>(
    plans: impl IntoIterator<Item = &'a Plan>,
    today: Date,
    rules: &PlanRules,
    mut wanted: impl FnMut(&Task) -> bool,
) -> Vec<TaskLine> {
    let mut lines: Vec<TaskLine> = plans
        .into_iter()
        .filter(|plan| !plan.status.has_ended())
        .flat_map(|plan| plan.tasks.iter().map(move |task| (plan, task)))
        .filter(|(_, task)| task.status.is_outstanding() && wanted(task))
        .map(|(plan, task)| TaskLine {
            plan: plan.id,
            person: plan.person,
            task: task.clone(),
            urgency: task.urgency(today, rules),
        })
        .collect();
    lines.sort_by_key(|line| (line.task.due, line.plan, line.task.id));
    lines
}

/// Outstanding tasks owned by `agency`, earliest due first.
pub fn agency_tasks<'a>(
    plans: impl IntoIterator<Item = &'a Plan>,
    agency: AgencyId,
    today: Date,
    rules: &PlanRules,
) -> Vec<TaskLine> {
    outstanding_lines(plans, today, rules, |task| task.owner == agency)
}

/// Outstanding tasks assigned to `member` personally, earliest due first.
pub fn member_tasks<'a>(
    plans: impl IntoIterator<Item = &'a Plan>,
    member: MemberId,
    today: Date,
    rules: &PlanRules,
) -> Vec<TaskLine> {
    outstanding_lines(plans, today, rules, |task| task.owner_member == Some(member))
}

/// The plan as one agency may see it: `None` off the team; restricted tasks and notes removed.
pub fn plan_view_for(plan: &Plan, viewer: AgencyId) -> Option<Plan> {
    if !plan.team.contains(&viewer) {
        return None;
    }
    let mut view = plan.clone();
    view.tasks.retain(|t| t.restriction.allows(viewer, &plan.team));
    view.notes.retain(|n| n.restriction.allows(viewer, &plan.team));
    Some(view)
}
