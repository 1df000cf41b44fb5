//! The subject-access export (GDPR art. 15): everything held about a person, for a member whose
//! role grants it (the administrator). The export is itself audited, and a refusal too.

use super::model::*;
use super::ports::{OperationsStore, SubjectAccessStore};
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::conference::ports::ConferenceStore;
use crate::ids::PersonId;
use crate::measures::ports::MeasureStore;
use crate::measures::{AreaBan, Episode, ExclusionOrder, Group};
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::screening::ports::ScreeningStore;
use crate::service::{ServiceResult, authorise_person, today_in};
use crate::zsm::ports::ZsmStore;
use crate::zsm::workflow::clock::{WarningLevel, warning_level};
use jiff::tz::TimeZone;

/// The audit trail in an export holds at most this many entries, newest first.
const AUDIT_EXPORT_LIMIT: u32 = 100_000;
const WHAT: &str = "subject_access_export";

pub struct SubjectAccess<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

/// The stores the export reads.
pub trait SubjectAccessPorts:
    PeopleStore + AuditLog + ScreeningStore + PlanStore + ConferenceStore + MeasureStore + SubjectAccessStore
{
}
impl<T> SubjectAccessPorts for T where
    T: PeopleStore + AuditLog + ScreeningStore + PlanStore + ConferenceStore + MeasureStore + SubjectAccessStore
{
}

impl<S: SubjectAccessPorts> SubjectAccess<'_, S> {
    /// Everything held about `person`; the export is written to the audit log first, so it
    /// appears in itself (and in the next one).
    pub async fn export(&self, actor: &Actor, person: PersonId) -> ServiceResult<SubjectAccessExport> {
        let now = self.clock.now();
        let today = today_in(self.clock, self.time_zone);
        let found =
            authorise_person(self.store, actor, person, Permission::ExportSubjectAccess, WHAT, now, today).await?;
        let entry = AuditEntry::granted(actor, now, person, AuditAction::Export, WHAT, &found.grant);
        self.store.append(&[entry]).await?;
        let store = self.store;

        let mut plans = Vec::new();
        for stored in store.plans_of(person).await? {
            let history = store
                .plan_history(stored.plan.id)
                .await?
                .into_iter()
                .map(|e| PlanStep { version: e.version, change: e.kind, at: e.at, member: e.member, agency: e.agency })
                .collect();
            plans.push(PlanRecord { plan: stored.plan, history });
        }
        let conference_discussions = store
            .meetings_of(person)
            .await?
            .into_iter()
            .filter_map(|stored| {
                let meeting = stored.meeting;
                let item = meeting.agenda.into_iter().find(|i| i.person == person)?;
                Some(Discussion { meeting: meeting.id, date: meeting.date, location: meeting.location, item })
            })
            .collect();
        let mut exclusion_orders = Vec::new();
        let mut protected_by = Vec::new();
        for stored in store.measures_about::<ExclusionOrder>(person).await? {
            let order = stored.value;
            if order.excluded == person {
                exclusion_orders.push(order);
            } else {
                let role = if order.victims.contains(&person) { "victim" } else { "child" };
                protected_by.push(OrderMention { order: order.id, imposed_at: order.imposed_at, role });
            }
        }
        let groups = store
            .measures_about::<Group>(person)
            .await?
            .into_iter()
            .flat_map(|stored| {
                let group = stored.value;
                let (id, name) = (group.id, group.name);
                group.members.into_iter().filter(|m| m.person == person).map(move |member| GroupMembership {
                    group: id,
                    name: name.clone(),
                    member,
                })
            })
            .collect();
        let named_as_victim = store
            .zsm_cases_naming(person)
            .await?
            .into_iter()
            .map(|stored| CaseMention {
                case: stored.id(),
                location: stored.location().to_owned(),
                arrested_at: stored.case.intake.details().arrested_at,
            })
            .collect();
        let notifications = store
            .events_about(person)
            .await?
            .into_iter()
            .map(|stored| NotificationRecord {
                kind: stored.event.kind.code(),
                at: stored.event.at,
                told: stored.event.audience.agencies,
                detail: stored.event.detail,
            })
            .collect();
        Ok(SubjectAccessExport {
            format: EXPORT_FORMAT,
            exported_at: now,
            exported_by: actor.member_id,
            revisions: store.revisions(person).await?,
            team: found.team,
            zsm_cases: store.zsm_cases_of(person).await?,
            named_as_victim,
            screening_referrals: store.screening_referrals_of(person).await?,
            screenings: store.screenings(person).await?,
            plans,
            conference_requests: store.conference_requests_of(person).await?.into_iter().map(|s| s.request).collect(),
            conference_discussions,
            exclusion_orders,
            protected_by,
            area_bans: store.measures_about::<AreaBan>(person).await?.into_iter().map(|s| s.value).collect(),
            episodes: store.measures_about::<Episode>(person).await?.into_iter().map(|s| s.value).collect(),
            groups,
            notifications,
            audit: store.audit_for_person(person, AUDIT_EXPORT_LIMIT).await?,
            person: found.person,
        })
    }
}

/// The operators' figures: aggregates for monitoring, no personal data, so not audited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationsFigures {
    pub open_cases: i64,
    pub clocks_within_warning: i64,
    pub outbox_head: i64,
    pub consumers: Vec<(String, i64)>,
}

pub struct Operations<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
}

impl<S: ZsmStore + OperationsStore> Operations<'_, S> {
    pub async fn figures(&self) -> ServiceResult<OperationsFigures> {
        let now = self.clock.now();
        let mut clocks_within_warning = 0;
        for location in self.store.locations().await? {
            let Ok(pack) = location.pack() else { continue };
            let widest = pack.clocks.iter().flat_map(|c| pack.thresholds_for(c)).max().unwrap_or_default();
            for case in self.store.open_cases_due_by(&location.code, now + widest).await? {
                clocks_within_warning += case
                    .stored
                    .clocks
                    .iter()
                    .filter(|run| {
                        let thresholds = pack.clock(&run.clock).map(|c| pack.thresholds_for(c)).unwrap_or_default();
                        warning_level(run, &thresholds, now) != WarningLevel::None
                    })
                    .count() as i64;
            }
        }
        let (outbox_head, consumers) = self.store.outbox_positions().await?;
        Ok(OperationsFigures {
            open_cases: self.store.open_zsm_cases().await?,
            clocks_within_warning,
            outbox_head,
            consumers,
        })
    }
}
