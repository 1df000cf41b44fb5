//! The mayor's measures on a person's pages: impose an exclusion order (the person on the page
//! is the excluded person) and change it; impose an area ban and extend or lift it.

use crate::access::{Actor, Denial, Permission};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::directory::DirectoryStore;
use crate::ids::{AgencyId, AreaBanId, ExclusionOrderId, PersonId, TaskId, new_v7};
use crate::measures::model::parse;
use crate::measures::ports::{MeasureStore, Stored};
use crate::measures::service::Measures;
use crate::measures::service::events::order_events;
use crate::measures::{
    AreaBan, AreaBanCommand, BanAction, BanInput, ExclusionError, ExclusionOrder, NewAreaBan, NewExclusionOrder,
    OrderAction, OrderCommand, OrderInput, VictimVoice, exclusion_field_error,
};
use crate::measures::{ExclusionContext, ExclusionEffect};
use crate::notifications::Event;
use crate::people::ports::PeopleStore;
use crate::plan::service::team_agencies;
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, TextLimit, ValidationErrors, invalid, limited_text};
use std::collections::BTreeMap;

/// The field errors of a refused parse (nothing else is expected from one).
fn invalid_fields(error: ServiceError) -> Vec<FieldError> {
    match error {
        ServiceError::Invalid(errors) => errors.0,
        _ => Vec::new(),
    }
}

/// The catalogue key and form field for a rule of the mayor's measures that refused a change.
fn refused(error: ExclusionError) -> ServiceError {
    invalid(exclusion_field_error(&error))
}

impl<S: PeopleStore + AuditLog + DirectoryStore + MeasureStore> Measures<'_, S> {
    /// Imposes an exclusion order on `excluded`, protecting the victims and children named,
    /// whom the actor's agency must be able to see.
    pub async fn impose_order(
        &self,
        actor: &Actor,
        excluded: PersonId,
        input: &OrderInput,
    ) -> ServiceResult<ExclusionOrder> {
        let what = "exclusion order: impose";
        let subject = self.authorise(actor, excluded, Permission::DecideMayorMeasure, what).await?;
        let context = self.exclusion_context()?;
        let now = self.now();
        let victims = parse::people(&input.victims, "victims")?;
        let children = parse::people(&input.children, "children")?;
        let imposed_at = parse::local_instant(&input.imposed_at, self.time_zone, now, "imposed_at")?;
        if imposed_at > now {
            return Err(invalid(FieldError::new("imposed_at", "error.exclusion.imposed_in_future")));
        }
        let new = NewExclusionOrder {
            id: ExclusionOrderId(new_v7(now)),
            excluded,
            victims: victims.to_vec(),
            children: children.to_vec(),
            address: input.address.clone(),
            decision_ref: input.decision_ref.clone(),
            imposed_at,
        };
        let in_force: Vec<Stored<ExclusionOrder>> = self.store.measures_about(excluded).await?;
        if in_force.iter().any(|o| o.value.repeated_by(&new, &context, now)) {
            return Err(refused(ExclusionError::AlreadyInForce));
        }
        let (order, effects) = ExclusionOrder::impose(new, &context).map_err(refused)?;
        debug_assert!(effects.is_empty(), "imposing tells nobody yet: help tasks come after");
        let mut protected = Vec::new();
        for (people, field) in [(&victims, "victims"), (&children, "children")] {
            for person in people {
                protected.push(self.authorise_named(actor, *person, Permission::ViewPerson, what, field).await?);
            }
        }
        let mut audited = vec![(&subject, AuditAction::Create)];
        audited.extend(protected.iter().map(|found| (found, AuditAction::Create)));
        self.save(actor, &order, 1, "impose", self.audited(actor, &audited, what), &[]).await?;
        Ok(order)
    }

    /// Applies a change to an order that concerns `person` (the page it was made on).
    pub async fn change_order(&self, actor: &Actor, person: PersonId, action: &OrderAction) -> ServiceResult<()> {
        let what = format!("exclusion order: {}", action.change().replace('_', " "));
        let on_page = self.authorise(actor, person, action.permission(), &what).await?;
        let stored: Stored<ExclusionOrder> = self.load_for(action.order(), person, "order").await?;
        let subject = stored.value.excluded;
        // Help is started by the agency that owns it, however far another's access reaches:
        // a start recorded by someone else would tell the team that help began when it did not.
        if let OrderAction::HelpStarted { task, .. } = action
            && stored.value.help_tasks.iter().any(|t| t.id.to_string() == task.trim() && t.owner != actor.agency_id)
        {
            let denial = Denial::NotTaskOwner;
            let entry = AuditEntry::new(actor, self.now(), Some(person), AuditAction::Denied, &what, denial.code());
            self.store.append(&[entry]).await?;
            return Err(ServiceError::Forbidden(denial));
        }
        // The order is changed on the subject's record; made from a victim's page, both are audited.
        // The agency that owns a help task starts it from the page of the person the help is
        // for: it needs no access to the excluded person (it may be the victim's helper).
        let own_help = matches!(action, OrderAction::HelpStarted { task, .. }
            if stored.value.help_tasks.iter().any(|t| t.id.to_string() == task.trim() && t.owner == actor.agency_id && t.for_person == person));
        // The victim's part in the safety plan is recorded on the victim's own record.
        let own_voice = matches!(action, OrderAction::VictimVoice { victim, .. }
            if victim.trim() == person.to_string() && stored.value.victims.contains(&person));
        // Whoever records a victim's part must be allowed to work with that victim.
        if let OrderAction::VictimVoice { victim, .. } = action
            && !own_voice
            && let Ok(victim) = parse::person(victim, "victim")
        {
            self.authorise_named(actor, victim, Permission::WorkOnPlan, &what, "victim").await?;
        }
        let found = if subject == person || own_help || own_voice {
            None
        } else {
            Some(self.authorise(actor, subject, action.permission(), &what).await?)
        };
        let now = self.now();
        let command = match action {
            OrderAction::Extend { to_total_days, decision_ref, without_advice_reason, .. } => OrderCommand::Extend {
                to_total_days: parse::number(to_total_days, "to_total_days")?,
                decision_ref: decision_ref.clone(),
                without_advice_reason: without_advice_reason.clone(),
            },
            OrderAction::Advice { advice, .. } => OrderCommand::RecordExtensionAdvice { advice: advice.clone() },
            OrderAction::AddHelp { for_person, owner, description, .. } => {
                let owner = owner
                    .trim()
                    .parse::<AgencyId>()
                    .map_err(|_| invalid(FieldError::new("owner", "error.measures.unknown_agency")))?;
                if !self.store.agencies().await?.iter().any(|a| a.id == owner) {
                    return Err(invalid(FieldError::new("owner", "error.measures.unknown_agency")));
                }
                OrderCommand::AddHelpTask {
                    task: TaskId(new_v7(now)),
                    for_person: parse::person(for_person, "for_person")?,
                    owner,
                    description: description.clone(),
                }
            }
            OrderAction::HelpStarted { task, .. } => OrderCommand::RecordHelpStarted {
                task: TaskId::parse(task)
                    .map_err(|_| invalid(FieldError::new("task", "error.measures.unknown_measure")))?,
            },
            OrderAction::Lift { reason, .. } => OrderCommand::Lift { reason: reason.clone() },
            OrderAction::VictimVoice { victim, wishes, involvement, spoken_on, .. } => {
                let mut errors = ValidationErrors::default();
                let wishes = limited_text(&mut errors, "wishes", wishes, TextLimit::Text);
                let involvement = limited_text(&mut errors, "involvement", involvement, TextLimit::Text);
                let spoken_on = if spoken_on.trim().is_empty() {
                    Some(self.today())
                } else {
                    parse::date(spoken_on, "spoken_on").map_err(|e| errors.0.extend(invalid_fields(e))).ok()
                };
                let victim = parse::person(victim, "victim").map_err(|e| errors.0.extend(invalid_fields(e))).ok();
                // Every problem at once, before the order's own rules.
                if wishes.trim().is_empty() {
                    errors.push(FieldError::new("wishes", "error.exclusion.voice_wishes"));
                }
                if spoken_on.is_some_and(|on| on > self.today()) {
                    errors.push(FieldError::new("spoken_on", "error.exclusion.voice_future"));
                }
                let (Some(victim), Some(spoken_on), true) = (victim, spoken_on, errors.is_empty()) else {
                    return Err(ServiceError::Invalid(errors));
                };
                let voice = VictimVoice {
                    victim,
                    wishes,
                    involvement,
                    spoken_by: actor.member_id,
                    agency: actor.agency_id,
                    spoken_on,
                };
                OrderCommand::RecordVictimVoice { voice }
            }
        };
        let context = self.exclusion_context()?;
        let joining = match &command {
            OrderCommand::AddHelpTask { for_person, owner, description, .. } => {
                self.help_joins_team(actor, *for_person, *owner, description, &context).await?
            }
            _ => Vec::new(),
        };
        let (changed, effects) = stored.value.apply(command, &context, now).map_err(refused)?;
        let outbox = self.order_events(actor, &changed, &effects, &context).await?;
        let mut audited = vec![(&on_page, AuditAction::Update)];
        audited.extend(found.iter().map(|f| (f, AuditAction::Update)));
        let mut audit = self.audited(actor, &audited, &what);
        for entry in &joining {
            let grant = crate::access::Grant::Team { entry: entry.id, basis: entry.basis.clone() };
            let what = "team_add: help under an exclusion order";
            audit.push(crate::audit::AuditEntry::granted(
                actor,
                now,
                entry.person_id,
                AuditAction::TeamAdd,
                what,
                &grant,
            ));
        }
        self.save_joining(actor, &changed, stored.version + 1, action.change(), audit, &outbox, joining).await
    }

    /// The help task's agency gets access to the person the help is for, for that purpose: when
    /// it is not on their team, it joins on the statute that asks for the help, with the help
    /// as its reason (recorded by the law the order runs on, not by another agency's say-so).
    async fn help_joins_team(
        &self,
        actor: &Actor,
        for_person: PersonId,
        owner: AgencyId,
        description: &str,
        context: &ExclusionContext<'_>,
    ) -> ServiceResult<Vec<crate::access::TeamEntry>> {
        let today = self.today();
        let team = self.store.team(for_person).await?;
        if team.iter().any(|e| e.agency_id == owner && e.is_active(today)) {
            return Ok(Vec::new());
        }
        let statute = context.rules.help_statute.clone().unwrap_or_else(|| context.rules.statute.clone());
        let now = self.now();
        Ok(vec![crate::access::TeamEntry {
            id: crate::ids::TeamEntryId::new(now),
            person_id: for_person,
            agency_id: owner,
            basis: crate::access::LegalBasis::StatutoryTask { statute },
            reason: format!("help under exclusion order: {}", description.trim()),
            added_by: actor.member_id,
            added_at: now,
            ended_at: None,
        }])
    }

    /// The events of an order's change, with the teams they go to as they are today.
    async fn order_events(
        &self,
        actor: &Actor,
        order: &ExclusionOrder,
        effects: &[ExclusionEffect],
        context: &ExclusionContext<'_>,
    ) -> ServiceResult<Vec<Event>> {
        let mut teams = BTreeMap::new();
        for effect in effects {
            if let ExclusionEffect::NotifyEnded { excluded, victims, .. } = effect {
                for person in std::iter::once(excluded).chain(victims) {
                    let team = self.store.team(*person).await?;
                    teams.insert(*person, team_agencies(&team, self.today()));
                }
            }
        }
        let help_due = order.help_due_at(context).to_zoned(self.time_zone.clone()).date();
        Ok(order_events(order, effects, &teams, help_due, actor.member_id, self.now()))
    }

    pub async fn impose_ban(&self, actor: &Actor, person: PersonId, input: &BanInput) -> ServiceResult<AreaBan> {
        let what = "area ban: impose";
        let found = self.authorise(actor, person, Permission::DecideMayorMeasure, what).await?;
        let new = NewAreaBan {
            id: AreaBanId(new_v7(self.now())),
            person,
            area: input.area.clone(),
            decision_ref: input.decision_ref.clone(),
            starts_on: parse::date(&input.starts_on, "starts_on")?,
            ends_on: parse::date(&input.ends_on, "ends_on")?,
        };
        let today = self.today();
        let bans: Vec<Stored<AreaBan>> = self.store.measures_about(person).await?;
        if bans.iter().any(|b| b.value.repeated_by(&new, today)) {
            return Err(refused(ExclusionError::BanAlreadyInForce));
        }
        let ban = AreaBan::impose(new).map_err(refused)?;
        self.save(actor, &ban, 1, "impose", self.audited(actor, &[(&found, AuditAction::Create)], what), &[]).await?;
        Ok(ban)
    }

    pub async fn change_ban(&self, actor: &Actor, person: PersonId, action: &BanAction) -> ServiceResult<()> {
        let (ban, change) = match action {
            BanAction::Extend { ban, .. } => (ban, "extend"),
            BanAction::Lift { ban, .. } => (ban, "lift"),
        };
        let what = format!("area ban: {change}");
        let found = self.authorise(actor, person, Permission::DecideMayorMeasure, &what).await?;
        let stored: Stored<AreaBan> = self.load_for(ban, person, "ban").await?;
        let command = match action {
            BanAction::Extend { ends_on, decision_ref, .. } => AreaBanCommand::ExtendTo {
                ends_on: parse::date(ends_on, "ends_on")?,
                decision_ref: decision_ref.clone(),
            },
            BanAction::Lift { reason, .. } => AreaBanCommand::Lift { reason: reason.clone() },
        };
        let changed = stored.value.apply(command, self.today()).map_err(refused)?;
        let audit = self.audited(actor, &[(&found, AuditAction::Update)], &what);
        self.save(actor, &changed, stored.version + 1, change, audit, &[]).await
    }
}
