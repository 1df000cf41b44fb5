//! Referrals, entered once: the referrer refers from the finder or the plan, both sides read
//! the same record and change it within their side's transitions. The provider is not on the
//! person's team: it sees what the referral shares (name, date of birth, contact, the chosen
//! needs and risks, the legal basis), and each of its reads is audited against the referral.

use super::plan_task::{settle_task, task_for_referral};
use super::{Interventions, events::referral_events};
use crate::access::{Actor, Denial, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::ids::{InterventionId, PersonId, ReferralId, TaskId, new_v7};
use crate::interventions::model::{
    ChangeDetail, ChangeInput, Referral, ReferralChange, ReferralListing, ReferralStatus, Shared, Side,
};
use crate::interventions::ports::{InterventionStore, ReferralQuery, ReferralStep};
use crate::interventions::workflow::{By, ReferralCommand, ReferralError};
use crate::jurisdiction::DomainKey;
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::ports::StoreError;
use crate::screening::ports::ScreeningStore;
use crate::service::{RuleError, ServiceError, ServiceResult, authorise_person};
use crate::validation::{FieldError, LINE_MAX_CHARS, TEXT_MAX_CHARS, ValidationErrors, optional_text};
use jiff::civil::Date;

/// A new referral as typed or posted.
#[derive(Debug, Clone)]
pub struct NewReferral {
    pub person: PersonId,
    pub intervention: InterventionId,
    pub task: Option<TaskId>,
    /// The needs shared with the provider; empty: those of the intervention.
    pub needs: Vec<DomainKey>,
    pub risks: String,
    pub basis: String,
    pub note: String,
    /// Send at once (otherwise it stays a draft).
    pub send: bool,
}

/// What the provider may see of the person: what the referral shares, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedPerson {
    pub name: String,
    pub birth_date: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

/// A referral as one side reads it.
#[derive(Debug, Clone)]
pub struct ReferralFile {
    pub referral: Referral,
    pub version: i64,
    pub side: Side,
    pub person: SharedPerson,
    pub queue_position: Option<u32>,
    /// The statuses the reader's side may move it to now.
    pub next: Vec<ReferralStatus>,
}

fn forbidden() -> ServiceError {
    ServiceError::Forbidden(Denial::RoleLacksPermission)
}

impl<S: PeopleStore + AuditLog + ScreeningStore + InterventionStore + PlanStore> Interventions<'_, S> {
    /// Refers the person; the referrer's agency must be on their team.
    pub async fn refer(&self, actor: &Actor, new: NewReferral) -> ServiceResult<Referral> {
        let now = self.clock.now();
        let today = self.today();
        let what = "referral: create";
        let found = self.authorise_referrer(actor, new.person, what).await?;
        let intervention = self
            .store
            .intervention(new.intervention)
            .await?
            .filter(|s| s.intervention.active)
            .ok_or_else(|| {
                crate::validation::invalid(FieldError::new("intervention_id", "error.referral.intervention"))
            })?
            .intervention;
        let mut errors = ValidationErrors::default();
        let risks = optional_text(&mut errors, "risks", &new.risks, TEXT_MAX_CHARS).unwrap_or_default();
        let basis = optional_text(&mut errors, "basis", &new.basis, LINE_MAX_CHARS).unwrap_or_default();
        let note = optional_text(&mut errors, "note", &new.note, TEXT_MAX_CHARS).unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let basis = if basis.is_empty() { found.grant.summary() } else { basis };
        let needs = if new.needs.is_empty() { intervention.needs.clone() } else { new.needs };
        let by = By { member: actor.member_id, agency: actor.agency_id, side: Side::Referrer, at: now, on: today };
        let mut referral = Referral {
            id: ReferralId(new_v7(now)),
            person: new.person,
            intervention: intervention.id,
            intervention_name: intervention.name.clone(),
            kind: intervention.kind,
            provider: intervention.provider,
            referrer_agency: actor.agency_id,
            referrer: actor.member_id,
            task: new.task,
            status: ReferralStatus::Draft,
            shared: Shared { needs, risks, basis },
            note,
            outcomes: intervention.outcomes.clone(),
            created_on: today,
            queued_at: None,
            started_on: None,
            ended_on: None,
            history: vec![ReferralChange {
                at: now,
                on: today,
                by: actor.member_id,
                agency: actor.agency_id,
                side: Side::Referrer,
                status: ReferralStatus::Draft,
                detail: ChangeDetail::Created,
            }],
        };
        let mut effects = Vec::new();
        if new.send {
            let rules = self.store.transitions().await?;
            let send = ReferralCommand::Move { to: ReferralStatus::Sent, reason: None, note: None };
            (referral, effects) = referral.apply(send, by, &rules).map_err(rule)?;
        }
        let plan = match new.task {
            Some(_) => None,
            None => task_for_referral(self.store.current_plan(referral.person).await?, &mut referral, by),
        };
        let mut audit = vec![AuditEntry::granted(actor, now, new.person, AuditAction::Create, what, &found.grant)];
        if plan.is_some() {
            audit.push(AuditEntry::granted(
                actor,
                now,
                new.person,
                AuditAction::Update,
                "plan: task for a referral",
                &found.grant,
            ));
        }
        let mut outbox = referral_events(&referral, &effects, actor.member_id, now);
        outbox.extend(plan.iter().flat_map(|(_, events)| events.iter().cloned()));
        let plan = plan.map(|(write, _)| write);
        self.store.create_referral(&ReferralStep { referral: referral.clone(), audit, outbox, plan }).await?;
        Ok(referral)
    }

    /// Which side the actor reads or changes `referral` for, checking their access: the
    /// referrer's agency while it is on the person's team, the provider's members. Anyone else
    /// is told it does not exist, and the refusal is audited.
    async fn side(&self, actor: &Actor, referral: &Referral, what: &str) -> ServiceResult<(Side, AuditEntry)> {
        let now = self.clock.now();
        // Each side only through a role that acts for it (data: `SideRoles`): a colleague of
        // the referrer in another role, or a provider's member who is not its worker, is refused.
        let roles = self.store.side_roles().await?;
        match referral.side_of(actor.agency_id).filter(|side| roles.acts_for(actor, *side)) {
            Some(Side::Referrer) => {
                let found = authorise_person(
                    self.store,
                    actor,
                    referral.person,
                    Permission::WorkOnPlan,
                    what,
                    now,
                    self.today(),
                )
                .await?;
                let entry = AuditEntry::granted(actor, now, referral.person, AuditAction::Read, what, &found.grant);
                Ok((Side::Referrer, entry))
            }
            Some(Side::Provider) => {
                let basis = format!("referral: {}", referral.id);
                Ok((Side::Provider, AuditEntry::new(actor, now, Some(referral.person), AuditAction::Read, what, basis)))
            }
            _ => {
                let why =
                    if referral.side_of(actor.agency_id).is_some() { forbidden() } else { ServiceError::NotFound };
                let entry =
                    AuditEntry::new(actor, now, Some(referral.person), AuditAction::Denied, what, "not_on_referral");
                self.store.append(&[entry]).await?;
                Err(why)
            }
        }
    }

    /// The referral as the actor's side may read it; the read is audited.
    pub async fn view(&self, actor: &Actor, id: ReferralId) -> ServiceResult<ReferralFile> {
        let stored = self.store.referral(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("referral: {id}");
        let (side, audit) = self.side(actor, &stored.referral, &what).await?;
        self.store.append(&[audit]).await?;
        let person = self.store.person(stored.referral.person).await?.ok_or(ServiceError::NotFound)?;
        let d = &person.details;
        let shared = SharedPerson {
            name: d.display_name(),
            birth_date: d.birth_date,
            phone: d.phone.clone(),
            email: d.email.clone(),
            address: d.address.as_ref().map(|a| {
                [Some(a.as_str()), d.postcode.as_deref(), d.city.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        };
        let queue_position =
            if stored.referral.status.is_queued() { self.store.queue_position(id).await? } else { None };
        let next = self.store.transitions().await?.next(stored.referral.status, side);
        Ok(ReferralFile {
            referral: stored.referral,
            version: stored.version,
            side,
            person: shared,
            queue_position,
            next,
        })
    }

    /// Applies a change as the actor's side; refused changes write nothing but the audit.
    pub async fn change(&self, actor: &Actor, id: ReferralId, input: &ChangeInput) -> ServiceResult<Referral> {
        let stored = self.store.referral(id).await?.ok_or(ServiceError::NotFound)?;
        let what = format!("referral: {}", input.action.trim().chars().take(20).collect::<String>());
        let (side, mut audit) = self.side(actor, &stored.referral, &what).await?;
        audit.action = AuditAction::Update;
        let now = self.clock.now();
        let today = self.today();
        let command = input.parse(&stored.referral.outcomes, today)?;
        let rules = self.store.transitions().await?;
        let by = By { member: actor.member_id, agency: actor.agency_id, side, at: now, on: today };
        let seen = ReferralStatus::parse(input.seen_status.trim());
        // A completion marks the referral's plan task done in the same write, on the
        // provider's behalf under the referral's basis.
        let what = "plan: task done by referral";
        let plan_audit =
            AuditEntry::new(actor, now, Some(stored.referral.person), AuditAction::Update, what, audit.basis.clone());
        let decided = self
            .store
            .change_referral(id, move |stored, plan| {
                // Decided under the store's lock: the other side's change saved meanwhile wins,
                // and this one is shown the referral as it is now. The plan is as it is inside
                // the same write: a change the process manager saves at this moment is either
                // in it, and kept, or waits for this write to commit.
                if seen.is_some_and(|seen| seen != stored.referral.status) {
                    return Err(ReferralError::ChangedMeanwhile);
                }
                let before = stored.referral.status;
                let (referral, effects) = stored.referral.apply(command, by, &rules)?;
                let settled = settle_task(plan.as_ref(), before, &referral, by);
                let mut outbox = referral_events(&referral, &effects, by.member, now);
                outbox.extend(settled.events);
                let mut audit = vec![audit];
                audit.extend(settled.plan.is_some().then_some(plan_audit));
                Ok::<_, ReferralError>(ReferralStep { referral, audit, outbox, plan: settled.plan })
            })
            .await
            .map_err(|error| match error {
                // The plan moved past the version the task was settled on: nothing was written.
                StoreError::Conflict { .. } => {
                    ServiceError::Stale(FieldError::new("action", "error.referral.plan_changed_meanwhile"))
                }
                other => ServiceError::Store(other),
            })?;
        decided.map_err(|error| match error {
            ReferralError::ChangedMeanwhile => ServiceError::Stale(error.field_error()),
            other => rule(other),
        })
    }

    /// Referrals by the query, for lists: the provider's own (incoming, waiting list in queue
    /// order, register), or a person's for the referrer (on the team). Each person listed is
    /// audited.
    pub async fn list(&self, actor: &Actor, query: ReferralQuery) -> ServiceResult<Vec<(ReferralListing, String)>> {
        self.list_from(actor, query, 0).await
    }

    /// [`Self::list`] after its first `skip` lines: a later page.
    pub async fn list_from(
        &self,
        actor: &Actor,
        query: ReferralQuery,
        skip: u32,
    ) -> ServiceResult<Vec<(ReferralListing, String)>> {
        let now = self.clock.now();
        let today = self.today();
        let query = match query.person {
            Some(person) => {
                let what = "referral: list";
                let found =
                    authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, today).await?;
                self.store
                    .append(&[AuditEntry::granted(actor, now, person, AuditAction::Listed, what, &found.grant)])
                    .await?;
                ReferralQuery { provider: None, referrer: None, ..query }
            }
            // The provider's own lists: for the roles that act for the provider side (data,
            // `referral_side_role`); a refusal is on record like any other.
            None => {
                if !self.store.side_roles().await?.acts_for(actor, Side::Provider) {
                    return super::refuse_role(self.store, actor, now, None, "referral: provider list").await;
                }
                ReferralQuery { provider: Some(actor.agency_id), referrer: None, ..query }
            }
        };
        let referrals = self.store.referrals(&query, skip).await?;
        if query.person.is_none() {
            let audit: Vec<AuditEntry> = referrals
                .iter()
                .map(|(r, _)| {
                    let basis = format!("referral: {}", r.id);
                    AuditEntry::new(actor, now, Some(r.person), AuditAction::Listed, "referral: provider list", basis)
                })
                .collect();
            self.store.append(&audit).await?;
        }
        Ok(referrals)
    }
}

fn rule(error: ReferralError) -> ServiceError {
    ServiceError::Rule(Box::new(error))
}
