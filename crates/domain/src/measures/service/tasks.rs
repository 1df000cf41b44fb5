//! "My tasks" and "my agency's tasks": the outstanding plan tasks of a member or an agency and,
//! for an agency, the help tasks of exclusion orders it owns, in one list earliest due first.
//! A use case of the plan (`Plans::tasks`) that lives with the measures, because it joins both
//! and the measures depend on the plan, not the other way round.

use crate::access::{Actor, Denial, Permission};
use crate::audit::AuditLog;
use crate::directory::DirectoryStore;
use crate::ids::TaskId;
use crate::measures::ExclusionContext;
use crate::measures::model::{ListedTask, help_task_lines, merge_task_lines};
use crate::measures::ports::TaskListStore;
use crate::people::ports::PeopleStore;
use crate::plan::ports::{PageRequest, PlanStore, TaskOwner};
use crate::plan::service::Plans;
use crate::plan::{agency_tasks, member_tasks};
use crate::service::{ServiceError, ServiceResult};
use std::collections::HashSet;

/// One line of "my tasks" / "my agency's tasks" (a plan task or an exclusion order's help
/// task), with the person's name.
#[derive(Debug, Clone)]
pub struct TaskListLine {
    pub line: ListedTask,
    pub person_name: String,
}

/// "My tasks" and "my agency's tasks" show this many tasks per page, earliest due first: an
/// agency on thousands of plans reads the overdue and the next ones a page at a time.
pub const TASK_PAGE_SIZE: u32 = 50;

/// A page of "my tasks" or "my agency's tasks".
#[derive(Debug, Clone)]
pub struct TaskPage {
    pub lines: Vec<TaskListLine>,
    /// This page, from 1.
    pub page: u32,
    /// More tasks follow on the next page.
    pub more: bool,
}

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore + TaskListStore> Plans<'_, S> {
    /// One page (numbered from 1) of "my tasks" (`TaskOwner::Member`) or "my agency's tasks":
    /// outstanding tasks, earliest due first, only for persons the actor may still see. Each
    /// listed person is audited.
    pub async fn tasks(&self, actor: &Actor, owner: TaskOwner, page: u32) -> ServiceResult<TaskPage> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let today = self.today();
        let page = page.max(1);
        let request = PageRequest { offset: u64::from(page - 1) * u64::from(TASK_PAGE_SIZE), limit: TASK_PAGE_SIZE };
        let holders = self.store.tasks_of(owner, request).await?;
        let rules = &self.pack.plan;
        let (plan_lines, help_lines) = match owner {
            TaskOwner::Agency(agency) => {
                let help = match &self.pack.exclusion_order {
                    Some(order_rules) => {
                        let context = ExclusionContext { rules: order_rules, time_zone: self.time_zone };
                        help_task_lines(&holders.orders, agency, &context, self.clock.now(), rules)
                    }
                    None => Vec::new(),
                };
                (agency_tasks(holders.plans.iter().map(|p| &**p), agency, today, rules), help)
            }
            TaskOwner::Member(member) => {
                (member_tasks(holders.plans.iter().map(|p| &**p), member, today, rules), Vec::new())
            }
        };
        // The holders' other outstanding tasks belong to other pages.
        let on_page: HashSet<TaskId> = holders.tasks.iter().copied().collect();
        let mut lines = merge_task_lines(plan_lines, help_lines, usize::MAX);
        lines.retain(|line| on_page.contains(&line.task_id()));
        lines.truncate(TASK_PAGE_SIZE as usize);
        let what = match owner {
            TaskOwner::Agency(_) => "list: my agency's tasks",
            TaskOwner::Member(_) => "list: my tasks",
        };
        let named = self.named(actor, lines, ListedTask::person, what).await?;
        Ok(TaskPage {
            lines: named.into_iter().map(|(line, person_name)| TaskListLine { line, person_name }).collect(),
            page,
            more: holders.more,
        })
    }
}
