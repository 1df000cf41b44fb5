//! Recording a transfer: parsed, authorised (the fund's keeper; for a person, a member on
//! their plan), planned on the fund's settings and recorded in one transaction with its audit
//! entries and outbox events.
//!
//! The fund's settings come from the server's memory (`FundStore::remembered_fund`), so a
//! transfer costs no read of its fund. What they decide is confirmed on the fund as it is now:
//! the store records the transfer only while the fund is at the version it was planned with,
//! and a refusal decided on remembered settings is decided again on the fund read afresh.
//! The money itself is never judged on remembered figures: the accounts' totals and limits are
//! read and moved inside the transaction.

use super::{Funds, TransferInput, keeps};
use crate::access::{Actor, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::funds::model::*;
use crate::funds::ports::FundStore;
use crate::funds::workflow::{Effect, FundError, Maker, plan_transfer, price_order};
use crate::ids::PersonId;
use crate::interventions::ports::InterventionStore;
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::ports::StoreError;
use crate::service::{Authorised, RuleError, ServiceError, ServiceResult, authorise_person};
use uuid::Uuid;

/// Plans of one transfer at most: on the remembered settings, then on the fund read afresh,
/// and once more should it change again in between.
const ATTEMPTS: usize = 3;

impl<S: FundStore + PeopleStore + AuditLog + PlanStore + InterventionStore> Funds<'_, S> {
    /// Records a transfer on the fund; a retry with the same id and request answers what was
    /// recorded the first time.
    pub async fn transfer(&self, actor: &Actor, fund: FundId, input: &TransferInput) -> ServiceResult<Recorded> {
        let mut request = match input.parse() {
            Ok(request) => request,
            Err(mut errors) => {
                // Every field at once: a purchase without its goal, or a payment without its
                // invoice, is named with the others.
                if let Some(missing) = self.missing_goal(actor, input).await? {
                    errors.push(missing.field_error());
                }
                if self.missing_invoice(input).await? {
                    errors.push(FundError::InvoiceMissing.field_error());
                }
                return Err(errors.into());
            }
        };
        let mut fund = self.transfer_fund(actor, fund).await?;
        // An order is priced from the catalogue as it is now (funds4 branch).
        if let Some(id) = request.intervention.filter(|_| request.kind == TransferKind::Commit) {
            let entry = self.store.intervention(id).await?.ok_or(FundError::UnknownIntervention)?;
            request.priced = Some(price_order(&entry.intervention, request.units)?);
        }
        // A retry is recognised by the store, inside the transaction that would record it (the
        // id is inserted first): answered with what was recorded, or refused if the request
        // differs. Not looking it up beforehand saves a read on every transfer. The commitment
        // a post resolves usually comes from memory: a recorded transfer never changes.
        let referenced = match request.pending.or(request.reverses) {
            Some(id) => self.store.transfer(id).await?,
            None => None,
        };
        let now = self.clock.now();
        let maker = Maker { member: actor.member_id, agency: actor.agency_id, at: now };
        // A new transfer for a person is checked against their plan's goals: the member must
        // work on the person's plan before it is read.
        let (mut granted, plan_goals) = match request.person {
            Some(person) if referenced.is_none() => {
                let found = self.authorise_transfer(actor, person, now).await?;
                let plan = self.store.current_plan(person).await?;
                (Some((person, found)), plan.map(|stored| stored.plan.goals).unwrap_or_default())
            }
            _ => (None, Vec::new()),
        };
        for attempt in 1..=ATTEMPTS {
            let (transfer, effects) = match plan_transfer(&fund, &request, referenced.as_ref(), &plan_goals, maker) {
                Ok(planned) => planned,
                // Refused on remembered settings: refused on the fund as it is, or planned anew.
                Err(error) => match self.changed_fund(actor, &fund).await? {
                    Some(now) if attempt < ATTEMPTS => {
                        fund = now;
                        continue;
                    }
                    _ => return Err(error.into()),
                },
            };
            let mut audit = Vec::new();
            if let Some(group) = transfer.group {
                audit.extend(self.group_transfer_audit(actor, group, &transfer).await?);
            }
            if let Some(person) = transfer.person {
                let found = match granted.take() {
                    Some((whom, found)) if whom == person => found,
                    _ => self.authorise_transfer(actor, person, now).await?,
                };
                audit.push(AuditEntry::granted(
                    actor,
                    now,
                    person,
                    AuditAction::Update,
                    format!("funds: {}", transfer.kind.code()),
                    &found.grant,
                ));
                granted = Some((person, found));
            }
            let outbox = outbox(actor, &fund, &effects, now);
            match self.store.record_transfer(&transfer, &fund, &audit, &outbox).await {
                Ok(Ok(recorded)) => return Ok(recorded),
                Ok(Err(refusal)) => return Err(FundError::from(refusal).into()),
                // Planned on settings changed meanwhile; nothing was recorded.
                Err(StoreError::Conflict { .. }) => match self.changed_fund(actor, &fund).await? {
                    Some(now) => fund = now,
                    None => return Err(ServiceError::ChangedMeanwhile),
                },
                Err(other) => return Err(other.into()),
            }
        }
        Err(ServiceError::ChangedMeanwhile)
    }

    /// The fund of a transfer as this server remembers it, if the actor keeps it; refused only
    /// on the fund as it is now (a keeper is never turned away on out-of-date settings).
    async fn transfer_fund(&self, actor: &Actor, id: FundId) -> ServiceResult<Fund> {
        let remembered = self.store.remembered_fund(id).await?.ok_or(ServiceError::NotFound)?;
        if keeps(actor, &remembered) {
            return Ok(remembered);
        }
        match self.changed_fund(actor, &remembered).await? {
            Some(now) => Ok(now),
            None => Err(self.refuse(actor, "funds: transfer").await),
        }
    }

    /// The fund read afresh if it is no longer at `planned`'s version (`None`: it is not),
    /// refused if the actor no longer keeps it.
    async fn changed_fund(&self, actor: &Actor, planned: &Fund) -> ServiceResult<Option<Fund>> {
        let now = self.store.fund(planned.id).await?.ok_or(ServiceError::NotFound)?;
        if now.version == planned.version {
            return Ok(None);
        }
        if !keeps(actor, &now) {
            return Err(self.refuse(actor, "funds: transfer").await);
        }
        Ok(Some(now))
    }

    /// A purchase for a person that names no goal, found while other fields are refused: which
    /// goal is missing (one of the plan's, or in words when there is no plan) needs the
    /// person's plan, read as for the transfer itself (authorised, refusals audited).
    async fn missing_goal(&self, actor: &Actor, input: &TransferInput) -> ServiceResult<Option<FundError>> {
        let person = Uuid::parse_str(input.person_id.trim()).ok().map(PersonId);
        let names_goal = !input.goal.trim().is_empty() || !input.goal_id.trim().is_empty();
        let (Some(TransferKind::Commit), Some(person), false) = (TransferKind::parse(&input.kind), person, names_goal)
        else {
            return Ok(None);
        };
        self.authorise_transfer(actor, person, self.clock.now()).await?;
        let plan = self.store.current_plan(person).await?;
        let has_goals = plan.is_some_and(|stored| !stored.plan.goals.is_empty());
        Ok(Some(if has_goals { FundError::ChoosePlanGoal } else { FundError::GoalMissing }))
    }

    /// A payment of a purchase without its invoice, found while other fields are refused (a
    /// grant paid out to a group needs none).
    async fn missing_invoice(&self, input: &TransferInput) -> ServiceResult<bool> {
        let pending = Uuid::parse_str(input.pending_id.trim()).ok().map(TransferId);
        let (Some(TransferKind::Post), Some(pending), true) =
            (TransferKind::parse(&input.kind), pending, input.invoice_ref.trim().is_empty())
        else {
            return Ok(false);
        };
        Ok(self.store.transfer(pending).await?.is_some_and(|t| t.kind == TransferKind::Commit))
    }

    async fn authorise_transfer(
        &self,
        actor: &Actor,
        person: PersonId,
        now: jiff::Timestamp,
    ) -> ServiceResult<Authorised> {
        authorise_person(self.store, actor, person, Permission::WorkOnPlan, "funds: transfer", now, self.today()).await
    }
}

/// The outbox events of a transfer's effects.
fn outbox(actor: &Actor, fund: &Fund, effects: &[Effect], now: jiff::Timestamp) -> Vec<Event> {
    effects
        .iter()
        .map(|effect| match effect {
            Effect::Allocated { person, amount_cents } => Event::new(
                EventKind::FundAllocated,
                now,
                Subject::new(SubjectKind::Fund, fund.id.0),
                Audience::agency(fund.holder),
            )
            .by(actor.member_id)
            .about(*person)
            .with("fund", fund.id)
            .with("stream", &fund.stream)
            .with("amount_cents", amount_cents),
        })
        .collect()
}
