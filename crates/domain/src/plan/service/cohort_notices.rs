//! The team's cohort-changes list: changes of cohort membership (from the evidence
//! capability) of persons who had no open plan to put a task on. An agency sees the entries
//! of persons whose case team it is on today, until it acknowledges them; each listed person
//! is audited, and so is each acknowledgement.

use crate::access::{Actor, Denial, Permission};
use crate::audit::{AuditAction, AuditEntry};
use crate::clock::Clock;
use crate::ids::CohortNoticeId;
use crate::ids::{AgencyId, MemberId, PersonId};
use crate::plan::cohort::CohortMove;
use crate::ports::{AuditLog, PeopleStore, StoreResult};
use crate::service::{ServiceError, ServiceResult, authorise_person, listed_with_names, today_in};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::future::Future;

use super::team_agencies;

/// The list shows at most this many entries, newest first.
pub const COHORT_NOTICE_LIMIT: u32 = 200;

/// One entry: the person joined or left the rule's cohort on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortNotice {
    pub id: CohortNoticeId,
    pub person: PersonId,
    pub rule: String,
    pub on: Date,
    pub change: CohortMove,
    pub created_at: Timestamp,
}

/// An entry with the person's display name.
#[derive(Debug, Clone)]
pub struct CohortNoticeLine {
    pub notice: CohortNotice,
    pub person_name: String,
}

pub trait CohortNoticeStore: Send + Sync {
    /// Entries not yet acknowledged by `agency`, of persons whose team `agency` is on today,
    /// newest first.
    fn cohort_notices_for(
        &self,
        agency: AgencyId,
        today: Date,
        limit: u32,
    ) -> impl Future<Output = StoreResult<Vec<CohortNotice>>> + Send;
    fn cohort_notice(&self, id: CohortNoticeId) -> impl Future<Output = StoreResult<Option<CohortNotice>>> + Send;
    /// Records that `agency` has seen the entry (again is a no-op), with the audit entry.
    fn acknowledge_cohort_notice(
        &self,
        id: CohortNoticeId,
        agency: AgencyId,
        member: MemberId,
        at: Timestamp,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
}

pub struct CohortNotices<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

impl<S: PeopleStore + AuditLog + CohortNoticeStore> CohortNotices<'_, S> {
    /// The actor's agency's open entries, each listed person audited.
    pub async fn list(&self, actor: &Actor) -> ServiceResult<Vec<CohortNoticeLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(Denial::RoleLacksPermission));
        }
        let (now, today) = (self.clock.now(), today_in(self.clock, self.time_zone));
        let notices = self.store.cohort_notices_for(actor.agency_id, today, COHORT_NOTICE_LIMIT).await?;
        let named =
            listed_with_names(self.store, actor, notices, |n| n.person, "list: cohort changes", now, today).await?;
        Ok(named.into_iter().map(|(notice, person_name)| CohortNoticeLine { notice, person_name }).collect())
    }

    /// The actor's agency acknowledges an entry. Only an agency on the person's team today
    /// may: the list is the team's.
    pub async fn acknowledge(&self, actor: &Actor, id: CohortNoticeId) -> ServiceResult<()> {
        let (now, today) = (self.clock.now(), today_in(self.clock, self.time_zone));
        let notice = self.store.cohort_notice(id).await?.ok_or(ServiceError::NotFound)?;
        let what = "cohort change: acknowledge";
        let found =
            authorise_person(self.store, actor, notice.person, Permission::ViewPerson, what, now, today).await?;
        if !team_agencies(&found.team, today).contains(&actor.agency_id) {
            let denied = AuditEntry::new(actor, now, Some(notice.person), AuditAction::Denied, what, "not_on_team");
            self.store.append(&[denied]).await?;
            return Err(ServiceError::Forbidden(Denial::NotOnTeam));
        }
        let audit = AuditEntry::granted(actor, now, notice.person, AuditAction::Update, what, &found.grant);
        self.store.acknowledge_cohort_notice(id, actor.agency_id, actor.member_id, now, &audit).await?;
        Ok(())
    }
}
