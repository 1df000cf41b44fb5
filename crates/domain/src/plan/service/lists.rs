//! The weekly review: a list over many plans, each entry kept only when the actor may still
//! see the person, each listed person audited.

use super::{Plans, ReviewLine};
use crate::access::{Actor, Permission};
use crate::audit::AuditLog;
use crate::directory::DirectoryStore;
use crate::ids::PersonId;
use crate::people::ports::PeopleStore;
use crate::plan::ports::{PageRequest, PlanStore};
use crate::plan::{Plan, review_horizon, weekly_review};
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

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore> Plans<'_, S> {
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
    pub(crate) async fn named<T>(
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
