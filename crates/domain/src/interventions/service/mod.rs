//! The interventions use cases: the finder (for a person the referrer may see), the catalogue
//! (kept by the provider's own members), referrals (`referrals.rs`), unmet need and the
//! commissioners' report (`unmet.rs`), webhook subscriptions (`webhooks.rs`); a referral's plan
//! task, created with it and settled when it ends (`plan_task.rs`).

// Community networks (issue 20, lifechange branch).
mod catalogue;
pub mod community;
mod events;
mod plan_task;
mod referrals;
mod unmet;
mod webhooks;

pub use catalogue::*;
pub use events::referral_events;
pub use plan_task::{Settlement, settle_task};
pub use referrals::*;
pub use unmet::*;
pub use webhooks::*;

use super::model::{
    ExpectedWait, Intervention, InterventionInput, Misfit, Side, THROUGHPUT_WINDOW_DAYS, expected_wait,
};
use super::ports::{CatalogueChange, FinderReading, InterventionStore};
use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::ids::{InterventionId, PersonId, new_v7};
use crate::jurisdiction::{DomainKey, ScreeningConfig};
use crate::people::ports::PeopleStore;
use crate::screening::ports::ScreeningStore;
use crate::service::{ServiceError, ServiceResult, authorise_person, today_in};
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// A screened domain at or below this score is a need the finder looks for help with.
pub const NEED_SCORE_AT_MOST: u8 = 2;

/// One intervention the finder offers, with its honest wait and how it fits the person.
#[derive(Debug, Clone)]
pub struct Found {
    /// Shared with the store's parsed catalogue: the finder copies no entry.
    pub intervention: std::sync::Arc<Intervention>,
    pub wait: ExpectedWait,
    /// The person's needs it addresses.
    pub addresses: Vec<DomainKey>,
    pub serves_area: bool,
    pub eligible: bool,
    /// Why the person may not take part (empty when eligible), shown beside the entry.
    pub misfits: Vec<Misfit>,
}

/// What the finder shows: the person's needs and what fits them, best first.
#[derive(Debug, Clone)]
pub struct Finding {
    pub person: crate::people::Person,
    pub needs: Vec<DomainKey>,
    pub found: Vec<Found>,
    /// Needs nothing in the area addresses: unmet need to record.
    pub unaddressed: Vec<DomainKey>,
}

pub struct Interventions<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub screening: &'a ScreeningConfig,
}

/// Refuses the actor for lacking a role, on record like any other refusal (`person`: whom it
/// was about, if anyone).
pub(crate) async fn refuse_role<S: AuditLog, T>(
    store: &S,
    actor: &Actor,
    now: jiff::Timestamp,
    person: Option<PersonId>,
    what: &str,
) -> ServiceResult<T> {
    let denial = Denial::RoleLacksPermission;
    store.append(&[AuditEntry::new(actor, now, person, AuditAction::Denied, what, denial.to_string())]).await?;
    Err(ServiceError::Forbidden(denial))
}

impl<S: PeopleStore + AuditLog + ScreeningStore + InterventionStore> Interventions<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    /// The interventions that fit the person's latest screening, area and eligibility, each
    /// with its expected wait. Only for an agency on the person's team; the read is audited.
    pub async fn find(&self, actor: &Actor, person: PersonId) -> ServiceResult<Finding> {
        let now = self.clock.now();
        let today = self.today();
        let what = "interventions: finder";
        let found = self.authorise_referrer(actor, person, what).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let details = &found.person.details;
        let age = details.birth_date.map(|_| age_on(details, today));
        // The person's screened needs and the entries for them in the person's city, with
        // their queues, in one read: serving the area is a condition, so nothing else could be
        // shown.
        let city = details.city.as_deref().map(str::trim).filter(|c| !c.is_empty());
        let since = today - jiff::Span::new().days(THROUGHPUT_WINDOW_DAYS);
        let FinderReading { needs, candidates } =
            self.store.finder_reading(person, city, NEED_SCORE_AT_MOST, since).await?;
        let mut out: Vec<Found> = candidates
            .into_iter()
            .map(|(intervention, load)| {
                let misfits = intervention.misfits(age, details.sex, None, &details.languages);
                Found {
                    wait: expected_wait(&intervention, load, today),
                    addresses: intervention.needs.iter().filter(|n| needs.contains(n)).cloned().collect(),
                    serves_area: intervention.serves_area(details.city.as_deref()),
                    eligible: misfits.is_empty(),
                    misfits,
                    intervention,
                }
            })
            // The store read these by area and need; an entry saved meanwhile comes as saved.
            .filter(|f| f.serves_area && f.intervention.active && !f.addresses.is_empty())
            .collect();
        let rank = |f: &Found| (!f.eligible, f.wait.days().unwrap_or(u32::MAX));
        out.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.intervention.name.cmp(&b.intervention.name)));
        let unaddressed =
            needs.iter().filter(|n| !out.iter().any(|f| f.eligible && f.addresses.contains(n))).cloned().collect();
        Ok(Finding { person: found.person, needs, found: out, unaddressed })
    }

    /// Whether the actor may find help for `person` and refer them: an agency on the person's
    /// team (work on the plan) and a role that acts for the referrer side — data
    /// (`SideRoles`), as seeded probation and the process manager. Refusals are audited.
    pub(super) async fn authorise_referrer(
        &self,
        actor: &Actor,
        person: PersonId,
        what: &str,
    ) -> ServiceResult<crate::service::Authorised> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::WorkOnPlan, what, now, self.today()).await?;
        if !self.store.side_roles().await?.acts_for(actor, Side::Referrer) {
            return refuse_role(self.store, actor, now, Some(person), what).await;
        }
        Ok(found)
    }

    /// Whether the actor's roles let them refer at all (no person read, nothing audited): for
    /// pages deciding whether to offer the finder.
    pub async fn refers(&self, actor: &Actor) -> ServiceResult<bool> {
        Ok(self.store.side_roles().await?.acts_for(actor, Side::Referrer))
    }

    /// Whether the actor's roles act for the provider side of referrals (no person read,
    /// nothing audited): for pages deciding whether to offer the provider's lists.
    pub async fn provides(&self, actor: &Actor) -> ServiceResult<bool> {
        Ok(self.store.side_roles().await?.acts_for(actor, Side::Provider))
    }

    /// The expected wait of each of `interventions` today.
    pub async fn waits(&self, interventions: &[Intervention]) -> ServiceResult<Vec<ExpectedWait>> {
        let today = self.today();
        let ids: Vec<InterventionId> = interventions.iter().map(|i| i.id).collect();
        let loads = self.store.loads(&ids, today - jiff::Span::new().days(THROUGHPUT_WINDOW_DAYS)).await?;
        Ok(interventions
            .iter()
            .map(|i| expected_wait(i, loads.get(&i.id).copied().unwrap_or_default(), today))
            .collect())
    }

    /// Adds an entry to the actor's own provider catalogue, or (with `id`) saves a new version
    /// of one of its entries. Only the provider's members keep its catalogue (the roles that
    /// act for the provider side); a refusal is audited.
    pub async fn save_intervention(
        &self,
        actor: &Actor,
        id: Option<InterventionId>,
        input: &InterventionInput,
        active: bool,
    ) -> ServiceResult<Intervention> {
        let now = self.clock.now();
        let Some(role) = self.provider_role(actor).await? else {
            return refuse_role(self.store, actor, now, None, "intervention: save").await;
        };
        let (id, version) = match id {
            Some(id) => {
                let stored = self.store.intervention(id).await?.ok_or(ServiceError::NotFound)?;
                if stored.intervention.provider != actor.agency_id {
                    return Err(ServiceError::NotFound);
                }
                (id, stored.version + 1)
            }
            None => (InterventionId(new_v7(now)), 1),
        };
        let domains: Vec<DomainKey> = self.screening.domains.iter().map(|d| d.key.clone()).collect();
        let mut intervention = input.parse(id, actor.agency_id, &domains)?;
        intervention.active = active;
        let change = CatalogueChange { version, at: now, by: actor.member_id };
        let what = format!("intervention: {id}");
        let audit = AuditEntry::new(actor, now, None, AuditAction::Update, what, format!("role: {}", role.code()));
        self.store.save_intervention(&intervention, &change, &audit).await?;
        Ok(intervention)
    }

    /// The catalogue the actor keeps: a provider member's own agency's; an administrator's,
    /// every provider's (to add and keep entries on their behalf). A refusal is audited.
    pub async fn kept_catalogue(&self, actor: &Actor) -> ServiceResult<Vec<Intervention>> {
        if self.provider_role(actor).await?.is_some() {
            Ok(self.store.provider_interventions(actor.agency_id).await?)
        } else if actor.roles.contains(&Role::Administrator) {
            Ok(self.store.every_intervention().await?)
        } else {
            refuse_role(self.store, actor, self.clock.now(), None, "intervention: catalogue").await
        }
    }

    /// Whether the actor keeps the catalogue as an administrator for every provider (not as a
    /// provider's member keeping their own agency's).
    pub async fn administers_catalogue(&self, actor: &Actor) -> ServiceResult<bool> {
        Ok(actor.roles.contains(&Role::Administrator) && self.provider_role(actor).await?.is_none())
    }
}

fn age_on(details: &crate::people::PersonDraft, today: Date) -> i16 {
    details.birth_date.map_or(0, |born| {
        let mut years = today.year() - born.year();
        if (today.month(), today.day()) < (born.month(), born.day()) {
            years -= 1;
        }
        years
    })
}
