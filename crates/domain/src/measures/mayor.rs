//! The mayor's measures on a person's pages: impose an exclusion order (the person on the page
//! is the excluded person) and change it; impose an area ban and extend or lift it.

use super::{MeasureStore, Measures, Stored, invalid, parse};
use crate::access::{Actor, Permission};
use crate::audit::AuditAction;
use crate::exclusion::{
    AreaBan, AreaBanCommand, ExclusionError, ExclusionOrder, NewAreaBan, NewExclusionOrder, OrderCommand,
};
use crate::ids::{AgencyId, AreaBanId, ExclusionOrderId, PersonId, TaskId, new_v7};
use crate::ports::{AuditLog, DirectoryStore, PeopleStore};
use crate::service::ServiceResult;
use crate::validation::FieldError;

/// The catalogue key and form field for a rule of the mayor's measures that refused a change.
pub fn exclusion_field_error(error: &ExclusionError) -> FieldError {
    use ExclusionError::*;
    match error {
        NoVictims => FieldError::new("victims", "error.exclusion.no_victims"),
        ExcludedPersonProtected => FieldError::new("victims", "error.exclusion.excluded_protected"),
        MissingAddress => FieldError::new("address", "error.exclusion.address"),
        MissingDecision => FieldError::new("decision_ref", "error.exclusion.decision"),
        ExtensionBeyondMaximum { requested, maximum, statute } => {
            FieldError::new("to_total_days", "error.exclusion.beyond_maximum")
                .with("requested", requested)
                .with("maximum", maximum)
                .with("statute", statute)
        }
        ExtensionNotLonger { current, .. } => {
            FieldError::new("to_total_days", "error.exclusion.not_longer").with("current", current)
        }
        OrderEnded { .. } | NotInForce | NotYetExpired { .. } => {
            FieldError::new("order", "error.exclusion.not_in_force")
        }
        LiftNeedsReason => FieldError::new("reason", "error.exclusion.lift_reason"),
        EmptyAdvice => FieldError::new("advice", "error.exclusion.advice"),
        HelpForSomeoneElse(_) => FieldError::new("for_person", "error.exclusion.help_for_someone_else"),
        EmptyHelpDescription => FieldError::new("description", "error.exclusion.help_description"),
        UnknownHelpTask(_) => FieldError::new("task", "error.measures.unknown_measure"),
        MissingArea => FieldError::new("area", "error.area_ban.area"),
        BanEndsBeforeStart { .. } => FieldError::new("ends_on", "error.area_ban.ends_before_start"),
        BanNotLonger { current } => FieldError::new("ends_on", "error.area_ban.not_longer").with("current", current),
    }
}

fn refused(error: ExclusionError) -> crate::service::ServiceError {
    crate::plan::service::invalid(exclusion_field_error(&error))
}

/// An exclusion order as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderInput {
    /// Person numbers of the victims and of the children, one per line.
    pub victims: String,
    pub children: String,
    pub address: String,
    pub decision_ref: String,
    /// Local date and time of imposition; empty is now.
    pub imposed_at: String,
}

/// A change to an exclusion order as typed into a form; `order` is its number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderAction {
    Extend { order: String, to_total_days: String, decision_ref: String },
    Advice { order: String, advice: String },
    AddHelp { order: String, for_person: String, owner: String, description: String },
    HelpStarted { order: String, task: String },
    Lift { order: String, reason: String },
}

impl OrderAction {
    pub fn permission(&self) -> Permission {
        match self {
            OrderAction::HelpStarted { .. } => Permission::WorkOnPlan,
            _ => Permission::ManagePlan,
        }
    }

    fn order(&self) -> &str {
        match self {
            OrderAction::Extend { order, .. }
            | OrderAction::Advice { order, .. }
            | OrderAction::AddHelp { order, .. }
            | OrderAction::HelpStarted { order, .. }
            | OrderAction::Lift { order, .. } => order,
        }
    }

    fn change(&self) -> &'static str {
        match self {
            OrderAction::Extend { .. } => "extend",
            OrderAction::Advice { .. } => "extension_advice",
            OrderAction::AddHelp { .. } => "add_help",
            OrderAction::HelpStarted { .. } => "help_started",
            OrderAction::Lift { .. } => "lift",
        }
    }
}

/// An area ban as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BanInput {
    pub area: String,
    pub decision_ref: String,
    pub starts_on: String,
    pub ends_on: String,
}

/// A change to an area ban as typed into a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BanAction {
    Extend { ban: String, ends_on: String, decision_ref: String },
    Lift { ban: String, reason: String },
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
        let subject = self.authorise(actor, excluded, Permission::ManagePlan, what).await?;
        let context = self.exclusion_context()?;
        let now = self.now();
        let victims = parse::people(&input.victims, "victims")?;
        let children = parse::people(&input.children, "children")?;
        let imposed_at = parse::local_instant(&input.imposed_at, self.time_zone, now, "imposed_at")?;
        if imposed_at > now {
            return Err(invalid("imposed_at", "error.exclusion.imposed_in_future"));
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
        let (order, _effects) = ExclusionOrder::impose(new, &context).map_err(refused)?;
        let mut protected = Vec::new();
        for (people, field) in [(&victims, "victims"), (&children, "children")] {
            for person in people {
                protected.push(self.authorise_named(actor, *person, Permission::ViewPerson, what, field).await?);
            }
        }
        let mut audited = vec![(&subject, AuditAction::Create)];
        audited.extend(protected.iter().map(|found| (found, AuditAction::Create)));
        self.save(actor, &order, 1, "impose", self.audited(actor, &audited, what)).await?;
        Ok(order)
    }

    /// Applies a change to an order that concerns `person` (the page it was made on).
    pub async fn change_order(&self, actor: &Actor, person: PersonId, action: &OrderAction) -> ServiceResult<()> {
        let what = format!("exclusion order: {}", action.change().replace('_', " "));
        let on_page = self.authorise(actor, person, action.permission(), &what).await?;
        let stored: Stored<ExclusionOrder> = self.load_for(action.order(), person, "order").await?;
        let subject = stored.value.excluded;
        // The order is changed on the subject's record; made from a victim's page, both are audited.
        let found = if subject == person {
            None
        } else {
            Some(self.authorise(actor, subject, action.permission(), &what).await?)
        };
        let now = self.now();
        let command = match action {
            OrderAction::Extend { to_total_days, decision_ref, .. } => OrderCommand::Extend {
                to_total_days: parse::number(to_total_days, "to_total_days")?,
                decision_ref: decision_ref.clone(),
            },
            OrderAction::Advice { advice, .. } => OrderCommand::RecordExtensionAdvice { advice: advice.clone() },
            OrderAction::AddHelp { for_person, owner, description, .. } => {
                let owner =
                    owner.trim().parse::<AgencyId>().map_err(|_| invalid("owner", "error.measures.unknown_agency"))?;
                if !self.store.agencies().await?.iter().any(|a| a.id == owner) {
                    return Err(invalid("owner", "error.measures.unknown_agency"));
                }
                OrderCommand::AddHelpTask {
                    task: TaskId(new_v7(now)),
                    for_person: parse::person(for_person, "for_person")?,
                    owner,
                    description: description.clone(),
                }
            }
            OrderAction::HelpStarted { task, .. } => OrderCommand::RecordHelpStarted {
                task: TaskId::parse(task).map_err(|_| invalid("task", "error.measures.unknown_measure"))?,
            },
            OrderAction::Lift { reason, .. } => OrderCommand::Lift { reason: reason.clone() },
        };
        let (changed, _effects) = stored.value.apply(command, &self.exclusion_context()?, now).map_err(refused)?;
        let mut audited = vec![(&on_page, AuditAction::Update)];
        audited.extend(found.iter().map(|f| (f, AuditAction::Update)));
        self.save(actor, &changed, stored.version + 1, action.change(), self.audited(actor, &audited, &what)).await
    }

    pub async fn impose_ban(&self, actor: &Actor, person: PersonId, input: &BanInput) -> ServiceResult<AreaBan> {
        let what = "area ban: impose";
        let found = self.authorise(actor, person, Permission::ManagePlan, what).await?;
        let new = NewAreaBan {
            id: AreaBanId(new_v7(self.now())),
            person,
            area: input.area.clone(),
            decision_ref: input.decision_ref.clone(),
            starts_on: parse::date(&input.starts_on, "starts_on")?,
            ends_on: parse::date(&input.ends_on, "ends_on")?,
        };
        let ban = AreaBan::impose(new).map_err(refused)?;
        self.save(actor, &ban, 1, "impose", self.audited(actor, &[(&found, AuditAction::Create)], what)).await?;
        Ok(ban)
    }

    pub async fn change_ban(&self, actor: &Actor, person: PersonId, action: &BanAction) -> ServiceResult<()> {
        let (ban, change) = match action {
            BanAction::Extend { ban, .. } => (ban, "extend"),
            BanAction::Lift { ban, .. } => (ban, "lift"),
        };
        let what = format!("area ban: {change}");
        let found = self.authorise(actor, person, Permission::ManagePlan, &what).await?;
        let stored: Stored<AreaBan> = self.load_for(ban, person, "ban").await?;
        let command = match action {
            BanAction::Extend { ends_on, decision_ref, .. } => AreaBanCommand::ExtendTo {
                ends_on: parse::date(ends_on, "ends_on")?,
                decision_ref: decision_ref.clone(),
            },
            BanAction::Lift { reason, .. } => AreaBanCommand::Lift { reason: reason.clone() },
        };
        let changed = stored.value.apply(command, self.today()).map_err(refused)?;
        self.save(
            actor,
            &changed,
            stored.version + 1,
            change,
            self.audited(actor, &[(&found, AuditAction::Update)], &what),
        )
        .await
    }
}
