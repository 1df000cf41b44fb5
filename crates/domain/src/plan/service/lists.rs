//! "My tasks", "my agency's tasks" and the weekly review: lists over many plans, each entry
//! kept only when the actor may still see the person, each listed person audited.

use super::{PageRequest, PlanStore, Plans, ReviewLine, TaskListLine, TaskOwner};
use crate::access::{Actor, Permission};
use crate::exclusion::ExclusionContext;
use crate::ids::PersonId;
use crate::plan::{
    ListedTask, Plan, agency_tasks, help_task_lines, member_tasks, merge_task_lines, review_horizon, weekly_review,
};
use crate::ports::{AuditLog, DirectoryStore, PeopleStore};
use crate::service::{ServiceError, ServiceResult, listed_with_names};
use jiff::SignedDuration;

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

/// "My tasks" and "my agency's tasks" show at most this many tasks, earliest due first: an
/// agency on thousands of plans reads the overdue and the next ones, not a list of thousands.
pub const TASK_LIST_LIMIT: usize = 100;

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore> Plans<'_, S> {
    /// "My tasks" (`TaskOwner::Member`) or "my agency's tasks": outstanding tasks, earliest due
    /// first (at most `TASK_LIST_LIMIT`), only for persons the actor may still see. Each listed
    /// person is audited.
    pub async fn tasks(&self, actor: &Actor, owner: TaskOwner) -> ServiceResult<Vec<TaskListLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(crate::access::Denial::RoleLacksPermission));
        }
        let today = self.today();
        let holders = self.store.tasks_of(owner, TASK_LIST_LIMIT as u32).await?;
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
        let lines = merge_task_lines(plan_lines, help_lines, TASK_LIST_LIMIT);
        let what = match owner {
            TaskOwner::Agency(_) => "list: my agency's tasks",
            TaskOwner::Member(_) => "list: my tasks",
        };
        self.named(actor, lines, ListedTask::person, what)
            .await
            .map(|named| named.into_iter().map(|(line, person_name)| TaskListLine { line, person_name }).collect())
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
