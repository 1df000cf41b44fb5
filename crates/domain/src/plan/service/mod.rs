//! The plan use cases over the ports: one shared plan per person, read and changed only by
//! agencies on the person's case team, every read and write audited against the person.
//! Two use cases of `Plans` join the plan with the measures and so live with them
//! (`measures::service`): "my tasks" (`Plans::tasks`, with the help tasks of exclusion orders)
//! and the plan page with its linked measures (`Plans::view_with_measures`).
//!
//! The plan's team is the person's case team: before every change the plan's agencies are set
//! to the agencies now on the team, so "a task owned by an agency not on the team" is judged
//! against the live team. Each change is decided on the plan as it is inside the write's
//! transaction (`change.rs`), so concurrent additions are all kept, and is stored as a history
//! row.

mod action;
mod change;
mod events;
mod lists;
mod outcomes;

pub use action::*;
pub use change::Seen;
pub use events::plan_events;
pub use lists::{REVIEW_PAGE_SIZE, ReviewPage};

use crate::access::{Actor, Permission, Restriction, TeamEntry};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::directory::DirectoryStore;
use crate::ids::{AgencyId, PersonId, PlanId, new_v7};
use crate::jurisdiction::BeyondPack;
use crate::people::Person;
use crate::people::ports::PeopleStore;
use crate::plan::ports::{PlanEvent, PlanStore, PlanWrite, StoredPlan, command_name};
use crate::plan::{Plan, PlanCommand, PlanContext, PlanEffect, WeeklyReviewItem, plan_view_for};
use crate::service::{Authorised, ServiceError, ServiceResult, authorise_person, today_in};
use crate::validation::{FieldError, invalid};
use change::{Change, Refused};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use std::collections::BTreeSet;

/// Everything the plan page shows.
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    /// As the actor's agency may see it (restricted tasks and notes removed).
    pub plan: Option<StoredPlan>,
    pub history: Vec<PlanEvent>,
}

/// One plan on the weekly review list, with the person's name.
#[derive(Debug, Clone)]
pub struct ReviewLine {
    pub item: WeeklyReviewItem,
    pub person_name: String,
    pub plan: Plan,
}

pub struct Plans<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub pack: &'a BeyondPack,
}

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore> Plans<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    fn context(&self) -> PlanContext<'_> {
        PlanContext { rules: &self.pack.plan, screening: &self.pack.screening }
    }

    /// The person's plan as the actor's agency may see it, with its history; the read is audited.
    pub async fn view(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<PlanFile> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        self.file(actor, found).await
    }

    /// The plan file of a person whose read is authorised and audited.
    pub(crate) async fn file(&self, actor: &Actor, found: Authorised) -> ServiceResult<PlanFile> {
        let person = found.person.id;
        let stored = self.store.current_plan(person).await?;
        let history = match &stored {
            Some(s) => self.store.plan_history(s.plan.id).await?,
            None => Vec::new(),
        };
        let today = self.today();
        let plan = stored.map(|mut s| {
            // The plan's team is the person's team as it is today.
            s.plan.team = team_agencies(&found.team, today);
            StoredPlan { plan: visible_to(&s.plan, actor.agency_id), version: s.version }
        });
        Ok(PlanFile { person: found.person, team: found.team, plan, history })
    }

    /// Drafts the person's plan with the agencies now on the team. Refused while a plan is open.
    pub async fn draft(&self, actor: &Actor, person: PersonId) -> ServiceResult<Plan> {
        let now = self.clock.now();
        let today = self.today();
        let found =
            authorise_person(self.store, actor, person, Permission::ManagePlan, "plan: draft", now, today).await?;
        if let Some(existing) = self.store.current_plan(person).await?
            && !existing.plan.status.has_ended()
        {
            return Err(invalid(FieldError::new("plan", "error.plan.exists")));
        }
        let new = super::NewPlan { id: PlanId(new_v7(now)), person, team: team_agencies(&found.team, today) };
        let plan = Plan::draft(new, today).map_err(|e| invalid(plan_field_error(&e)))?;
        let event = PlanEvent {
            plan: plan.id,
            person,
            version: 1,
            kind: "drafted",
            at: now,
            on: today,
            member: actor.member_id,
            agency: actor.agency_id,
            command: None,
        };
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Create, "plan: draft", &found.grant);
        self.store.create_plan(&plan, &event, &audit).await?;
        Ok(plan)
    }

    /// Parses `action`, applies it to the person's open plan and saves the result with a
    /// history row; any refusal changes nothing. The plan comes back as the actor may see it.
    /// The change applies to the plan as it is when it is written, so additions (notes, goals,
    /// tasks, measures) never conflict with another member's; see [`Plans::change_seen`] for a
    /// change that depends on what the member saw.
    pub async fn change(&self, actor: &Actor, person: PersonId, action: &PlanAction) -> ServiceResult<Plan> {
        self.change_seen(actor, person, action, &Seen::nothing()).await
    }

    /// As [`Plans::change`], for a change made on what the member was shown (`seen`: a task's
    /// status, the plan's status): when that changed meanwhile the change is refused with
    /// `ServiceError::Stale`, saying what it is now, and nothing is written.
    pub async fn change_seen(
        &self,
        actor: &Actor,
        person: PersonId,
        action: &PlanAction,
        seen: &Seen,
    ) -> ServiceResult<Plan> {
        let what = action.what();
        let now = self.clock.now();
        let found = authorise_person(self.store, actor, person, action.permission(), what, now, self.today()).await?;
        let command = action.command(self.store, actor, now).await?;
        let changed = self.save_command(actor, &found, command, seen, what).await?;
        Ok(visible_to(&changed, actor.agency_id))
    }

    /// Applies `command` to the person's open plan as it is inside the write's transaction
    /// (`PlanStore::change_plan`, deciding with `change::Change`) and saves it as the next
    /// version. No change can land between the read and the write, so there is nothing to retry.
    pub(crate) async fn save_command(
        &self,
        actor: &Actor,
        found: &Authorised,
        command: PlanCommand,
        seen: &Seen,
        what: &str,
    ) -> ServiceResult<Plan> {
        let now = self.clock.now();
        let change = Change { actor, found, command, seen, what, now, today: self.today(), context: self.context() };
        match self.store.change_plan(found.person.id, |stored| change.decide(stored)).await? {
            Ok(plan) => Ok(plan),
            // A task restricted to other agencies does not exist for the actor: "not found",
            // and the refusal is audited.
            Err(Refused::Hidden { why }) => {
                let entry = AuditEntry::new(actor, now, Some(found.person.id), AuditAction::Denied, what, why);
                self.store.append(&[entry]).await?;
                Err(ServiceError::NotFound)
            }
            Err(Refused::Service(error)) => Err(error),
        }
    }

    /// A case conference's decisions as they would go onto the person's plan: the open plan,
    /// or a new draft when the person has none open, with one history row per decision, and the
    /// plan's effects for the conference to tell. Nothing is saved: the conference writes it with
    /// the meeting in one transaction. A decision already on the plan (same task id) is skipped;
    /// one that no longer fits (its agency left the team) refuses the whole write.
    pub async fn decisions_write(
        &self,
        actor: &Actor,
        person: PersonId,
        commands: &[PlanCommand],
    ) -> ServiceResult<(PlanWrite, Vec<PlanEffect>, Authorised)> {
        let what = "plan: conference decisions";
        let now = self.clock.now();
        let today = self.today();
        let found = authorise_person(self.store, actor, person, Permission::ManagePlan, what, now, today).await?;
        let team = team_agencies(&found.team, today);
        let event = |version: i64, command: Option<PlanCommand>| PlanEvent {
            plan: PlanId(uuid::Uuid::nil()),
            person,
            version,
            kind: command.as_ref().map_or("drafted", command_name),
            at: now,
            on: today,
            member: actor.member_id,
            agency: actor.agency_id,
            command,
        };
        let (from_version, mut plan, mut steps) = match self.store.current_plan(person).await? {
            Some(stored) if !stored.plan.status.has_ended() => {
                (stored.version, Plan { team, ..stored.plan }, Vec::new())
            }
            _ => {
                let new = super::NewPlan { id: PlanId(new_v7(now)), person, team };
                let plan = Plan::draft(new, today).map_err(|e| invalid(plan_field_error(&e)))?;
                (0, plan.clone(), vec![(event(1, None), plan)])
            }
        };
        let mut version = from_version + steps.len() as i64;
        let mut effects = Vec::new();
        for command in commands {
            if let PlanCommand::AddTask { task, .. } = command
                && plan.task(*task).is_some()
            {
                continue;
            }
            let produced;
            (plan, produced) =
                plan.apply(command.clone(), &self.context(), today).map_err(|e| invalid(plan_field_error(&e)))?;
            effects.extend(produced);
            version += 1;
            steps.push((event(version, Some(command.clone())), plan.clone()));
        }
        for (event, plan) in &mut steps {
            event.plan = plan.id;
        }
        Ok((PlanWrite { from_version, steps }, effects, found))
    }
}

/// The plan as `viewer`'s agency may see it: without the entries restricted to other agencies.
/// Agencies that see the plan through a role rather than the team see it without any restricted
/// entry: those are for the named agencies only.
pub fn visible_to(plan: &Plan, viewer: AgencyId) -> Plan {
    plan_view_for(plan, viewer).unwrap_or_else(|| {
        let mut plan = plan.clone();
        plan.tasks.retain(|t| t.restriction == Restriction::Team);
        plan.notes.retain(|n| n.restriction == Restriction::Team);
        plan
    })
}

/// The agencies on the team today.
pub fn team_agencies(team: &[TeamEntry], today: Date) -> BTreeSet<AgencyId> {
    team.iter().filter(|e| e.is_active(today)).map(|e| e.agency_id).collect()
}
