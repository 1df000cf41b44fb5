//! "My tasks", "my agency's tasks" and the weekly review: lists over many plans, each entry
//! kept only when the actor may still see the person, each listed person audited.

use super::{PageRequest, PlanStore, Plans, ReviewLine, TaskListLine, TaskOwner};
use crate::access::{Actor, Permission};
use crate::exclusion::ExclusionContext;
use crate::ids::{PersonId, TaskId};
use crate::plan::{
    ListedTask, Plan, agency_tasks, help_task_lines, member_tasks, merge_task_lines, review_horizon, weekly_review,
};
use crate::ports::{AuditLog, DirectoryStore, PeopleStore};
use crate::service::{ServiceError, ServiceResult, listed_with_names};
use jiff::SignedDuration;
use std::collections::HashSet;

/// Plans per page of the weekly review.
pub const REVIEW_PAGE_SIZE: u32 = 50;

/// A page of the weekly review.
#[derive(Debug, Clone)]
pub struct ReviewPage {
    pub lines: Vec<ReviewLine>,
    /// This page, from 1, and how many there are.
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub needing_attention: u64,
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

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore> Plans<'_, S> {
    /// One page (numbered from 1) of "my tasks" (`TaskOwner::Member`) or "my agency's tasks":
    /// outstanding tasks, earliest due first, only for persons the actor may still see. Each
    /// listed person is audited.
    pub async fn tasks(&self, actor: &Actor, owner: TaskOwner, page: u32) -> ServiceResult<TaskPage> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(crate::access::Denial::RoleLacksPermission));
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

    /// One page (numbered from 1) of the weekly review: running plans (and those under
    /// re-evaluation) of persons whose team the actor's agency is on, those needing attention
    /// first, each with what changed in the last seven days and its overdue tasks. An agency
    /// can be on thousands of plans; a review meeting goes through them a page at a time.
    pub async fn weekly_review(&self, actor: &Actor, page: u32) -> ServiceResult<ReviewPage> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(crate::access::Denial::RoleLacksPermission));
        }
        let now = self.clock.now();
        let today = self.today();
        let week_ago = now.checked_sub(SignedDuration::from_hours(7 * 24)).unwrap_or(now);
        let page = page.max(1);
        let request =
            PageRequest { offset: u64::from(page - 1) * u64::from(REVIEW_PAGE_SIZE), limit: REVIEW_PAGE_SIZE };
        let horizon = review_horizon(today, &self.pack.plan);
        let stored = self.store.review_page(actor.agency_id, today, horizon, request).await?;
        let ids: Vec<_> = stored.plans.iter().map(|p| p.id).collect();
        let before = self.store.plans_as_of(&ids, week_ago).await?;
        let items = weekly_review(
            before.iter().map(Option::as_ref).zip(stored.plans.iter().map(|p| &**p)),
            today,
            &self.pack.plan,
        );
        let named = self.named(actor, items, |i| i.person, "list: weekly review").await?;
        let lines = named
            .into_iter()
            .filter_map(|(item, person_name)| {
                let plan = Plan::clone(stored.plans.iter().find(|p| p.id == item.plan)?);
                Some(ReviewLine { item, person_name, plan })
            })
            .collect();
        let pages = stored.total.div_ceil(u64::from(REVIEW_PAGE_SIZE)).max(1);
        Ok(ReviewPage {
            lines,
            page,
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
            total: stored.total,
            needing_attention: stored.needing_attention,
        })
    }

    /// Keeps the entries whose person the actor may see today, with the person's name, and
    /// audits each listed person.
    async fn named<T>(
        &self,
        actor: &Actor,
        entries: Vec<T>,
        person_of: impl Fn(&T) -> PersonId,
        what: &str,
    ) -> ServiceResult<Vec<(T, String)>> {
        let person_of = |entry: &T| person_of(entry);
        listed_with_names(self.store, actor, entries, person_of, what, self.clock.now(), self.today()).await
    }
}
