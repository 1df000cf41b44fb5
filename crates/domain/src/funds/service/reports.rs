//! The fund reports: what was allocated, granted, spent, released and reversed per stream and
//! per holding agency over every fund (money only, nobody named), and per person and per goal
//! over the funds the member's agency keeps — what was bought, which goal in the person's own
//! words it served, and whether that goal of their plan was reached. People are named only
//! when the member may see them (listed and audited).

use super::{Funds, keeps, keeps_funds};
use crate::access::Actor;
use crate::audit::AuditLog;
use crate::directory::DirectoryStore;
use crate::funds::model::{AccountCode, Fund, GroupId, Transfer, TransferKind};
use crate::funds::ports::FundStore;
use crate::ids::{AgencyId, GoalId, PersonId};
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::plan::{Outcome, Plan, PlanStatus, TaskStatus};
use crate::service::{ServiceResult, listed_with_names};
use std::collections::BTreeMap;

/// Money moved, in cents, net of reversals.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub allocated: i64,
    /// Grants paid out to project groups.
    pub granted: i64,
    pub spent: i64,
    pub released: i64,
    /// What reversing transfers undid (already taken off the figures above).
    pub reversed: i64,
}

impl Figures {
    /// Adds what one transfer moved. A reversal takes its amount off what the transfer it
    /// undoes counted, read from the accounts it moves back.
    pub fn add(&mut self, t: &Transfer) {
        let a = t.amount_cents;
        match t.kind {
            TransferKind::Allocate => self.allocated += a,
            TransferKind::Post if t.credit.is_spend() => self.spent += a,
            TransferKind::Post if matches!(t.credit, AccountCode::Group(_)) => self.granted += a,
            TransferKind::Release => self.released += a,
            TransferKind::Reverse => {
                self.reversed += a;
                match (t.debit, t.credit) {
                    (d, _) if d.is_spend() => self.spent -= a,
                    (AccountCode::Person(_), AccountCode::Pool) => self.allocated -= a,
                    (AccountCode::Group(_), AccountCode::Pool) => self.granted -= a,
                    (AccountCode::Pool, _) => self.released -= a,
                    _ => {}
                }
            }
            _ => {}
        }
    }
}

/// Whether the goal a purchase served was reached, by the person's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoalReached {
    /// Every task towards the goal is done, or the plan closed with its goals met.
    Reached,
    /// The goal is in the plan and still being worked on.
    Working,
    /// No goal of the person's plan reads like this.
    NotInPlan,
    /// The person has no plan: the goal was stated in words.
    NoPlan,
    /// A project group's goal: the group reports on it, not a plan.
    Group,
}

impl GoalReached {
    pub fn code(self) -> &'static str {
        match self {
            Self::Reached => "reached",
            Self::Working => "working",
            Self::NotInPlan => "not_in_plan",
            Self::NoPlan => "no_plan",
            Self::Group => "group",
        }
    }
}

/// Whose money a line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Whom {
    Person(PersonId),
    Group(GroupId),
}

/// Which goal money was spent on: a goal of the person's plan, or a goal stated in words (a
/// person without a plan, a project group's goal, a purchase recorded before goal ids).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum GoalKey {
    Plan(GoalId),
    Words(String),
}

/// What was spent towards one goal of one person or group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalSpend {
    pub whom: Whom,
    pub goal: GoalKey,
    /// The goal in the person's own words, as the last purchase towards it recorded them.
    pub words: String,
    /// What was bought towards it (the purchases' descriptions).
    pub bought: Vec<String>,
    pub spent: i64,
}

#[derive(Debug, Clone)]
pub struct GoalLine {
    pub whom: Whom,
    pub goal_id: Option<GoalId>,
    /// The goal's words as recorded with the purchases (the fund's page shows the same).
    pub goal: String,
    /// What was bought towards it (the purchases' descriptions).
    pub bought: Vec<String>,
    pub spent: i64,
    pub reached: GoalReached,
}

/// What was ordered from one catalogue intervention over every fund (funds4 branch): units
/// ordered (less voided orders) and what was spent on them (posted, less reversals).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterventionSpend {
    /// The intervention's name as its latest order recorded it.
    pub name: String,
    pub units: i64,
    pub spent: i64,
}

impl InterventionSpend {
    /// Adds what one transfer of an order moved.
    pub fn add(&mut self, t: &Transfer) {
        let Some(order) = &t.order else { return };
        self.name.clone_from(&order.name);
        match t.kind {
            TransferKind::Commit => self.units += order.units,
            TransferKind::Void => self.units -= order.units,
            TransferKind::Post if t.credit.is_spend() => self.spent += t.amount_cents,
            TransferKind::Reverse if t.debit.is_spend() => self.spent -= t.amount_cents,
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct FundReport {
    /// Per stream, over every fund.
    pub by_stream: Vec<(String, Figures)>,
    /// Per holding agency (its name), over every fund.
    pub by_agency: Vec<(String, Figures)>,
    /// Per catalogue intervention ordered, over every fund, largest spend first.
    pub by_intervention: Vec<InterventionSpend>,
    /// Per person the member may see, over the funds their agency keeps.
    pub by_person: Vec<(PersonId, Figures)>,
    pub by_goal: Vec<GoalLine>,
    /// Reversals and releases in the kept funds, newest first.
    pub reversals: Vec<Transfer>,
    pub releases: Vec<Transfer>,
    pub names: BTreeMap<PersonId, String>,
    pub group_names: BTreeMap<GroupId, String>,
    pub funds: BTreeMap<crate::funds::model::FundId, Fund>,
}

/// Whether the person's plan reached the goal: every task towards it done, or the plan closed
/// with its goals met; a goal no longer in the plan (withdrawn, or a new plan) is not in it.
pub fn goal_reached(plan: Option<&Plan>, goal: GoalId) -> GoalReached {
    let Some(plan) = plan.filter(|p| p.goals.iter().any(|g| g.id == goal)) else {
        return GoalReached::NotInPlan;
    };
    if matches!(plan.status, PlanStatus::Closed { outcome: Outcome::GoalsMet, .. }) {
        return GoalReached::Reached;
    }
    let tasks: Vec<_> = plan
        .tasks
        .iter()
        .filter(|t| t.goal == Some(goal) && !matches!(t.status, TaskStatus::Cancelled { .. }))
        .collect();
    if !tasks.is_empty() && tasks.iter().all(|t| t.status == TaskStatus::Done) {
        GoalReached::Reached
    } else {
        GoalReached::Working
    }
}

/// What was spent per person or group and goal (posted purchases less reversed ones), with what
/// was bought, largest first. The fund's own page and the reports both count with this, so
/// their goal tables agree (a group's spend included).
pub fn spend_by_goal(transfers: &[Transfer]) -> Vec<GoalSpend> {
    let by_id: BTreeMap<_, &Transfer> = transfers.iter().map(|t| (t.id, t)).collect();
    let mut lines: BTreeMap<(Whom, GoalKey), GoalSpend> = BTreeMap::new();
    for t in transfers {
        let (sign, about) = match t.kind {
            TransferKind::Post if t.credit.is_spend() => (1, t),
            TransferKind::Reverse if t.debit.is_spend() => {
                (-1, t.reverses.and_then(|r| by_id.get(&r).copied()).unwrap_or(t))
            }
            _ => continue,
        };
        let whom = match (t.person, t.group) {
            (Some(p), _) => Whom::Person(p),
            (None, Some(g)) => Whom::Group(g),
            (None, None) => continue,
        };
        let goal = match about.goal_id {
            Some(id) => GoalKey::Plan(id),
            None => GoalKey::Words(about.goal.clone()),
        };
        let line = lines.entry((whom, goal.clone())).or_insert_with(|| GoalSpend {
            whom,
            goal,
            words: String::new(),
            bought: Vec::new(),
            spent: 0,
        });
        line.spent += sign * t.amount_cents;
        line.words.clone_from(&about.goal);
        if sign > 0 && !line.bought.contains(&about.description) {
            line.bought.push(about.description.clone());
        }
    }
    let mut lines: Vec<GoalSpend> = lines.into_values().collect();
    lines.sort_by_key(|l| std::cmp::Reverse(l.spent));
    lines
}

impl<
    S: FundStore + PeopleStore + AuditLog + PlanStore + DirectoryStore + crate::interventions::ports::InterventionStore,
> Funds<'_, S>
{
    /// The reports for a member who keeps funds.
    pub async fn report(&self, actor: &Actor) -> ServiceResult<FundReport> {
        let what = "funds: report";
        if !keeps_funds(actor) {
            return Err(self.refuse(actor, what).await);
        }
        let agencies: BTreeMap<AgencyId, String> =
            self.store.agencies().await?.into_iter().map(|a| (a.id, a.name)).collect();
        let mut by_stream: BTreeMap<String, Figures> = BTreeMap::new();
        let mut by_agency: BTreeMap<String, Figures> = BTreeMap::new();
        let mut kept: Vec<Transfer> = Vec::new();
        let mut report = FundReport::default();
        let mut by_intervention: BTreeMap<crate::ids::InterventionId, InterventionSpend> = BTreeMap::new();
        for fund in self.store.funds().await? {
            let transfers = self.store.transfers_of_fund(fund.id).await?;
            let stream = by_stream.entry(fund.stream.clone()).or_default();
            let agency = by_agency.entry(agencies.get(&fund.holder).cloned().unwrap_or_default()).or_default();
            for t in &transfers {
                stream.add(t);
                agency.add(t);
                if let Some(order) = &t.order {
                    by_intervention.entry(order.intervention).or_default().add(t);
                }
            }
            if keeps(actor, &fund) {
                kept.extend(transfers);
                report.funds.insert(fund.id, fund);
            }
        }
        report.by_stream = by_stream.into_iter().collect();
        report.by_agency = by_agency.into_iter().collect();
        report.by_intervention = by_intervention.into_values().collect();
        report.by_intervention.sort_by_key(|i| std::cmp::Reverse(i.spent));
        // People are named, and their figures shown, only when the member may see them.
        let mut people: Vec<PersonId> = kept.iter().filter_map(|t| t.person).collect();
        people.sort();
        people.dedup();
        let now = self.clock.now();
        report.names =
            listed_with_names(self.store, actor, people, |p| *p, what, now, self.today()).await?.into_iter().collect();
        let mut by_person: BTreeMap<PersonId, Figures> = BTreeMap::new();
        for t in &kept {
            if let Some(p) = t.person.filter(|p| report.names.contains_key(p)) {
                by_person.entry(p).or_default().add(t);
            }
        }
        report.by_person = by_person.into_iter().collect();
        for group in self.store.groups_of_agency(actor.agency_id).await? {
            report.group_names.insert(group.id, group.name);
        }
        let mut plans: BTreeMap<PersonId, Option<Plan>> = BTreeMap::new();
        for line in spend_by_goal(&kept) {
            let (goal_id, goal) = match &line.goal {
                GoalKey::Plan(id) => (Some(*id), line.words.clone()),
                GoalKey::Words(words) => (None, words.clone()),
            };
            let reached = match line.whom {
                Whom::Person(p) if report.names.contains_key(&p) => {
                    if let std::collections::btree_map::Entry::Vacant(slot) = plans.entry(p) {
                        slot.insert(self.store.current_plan(p).await?.map(|s| s.plan));
                    }
                    let plan = plans.get(&p).and_then(Option::as_ref);
                    match (goal_id, plan) {
                        (Some(id), _) => goal_reached(plan, id),
                        (None, None) => GoalReached::NoPlan,
                        (None, Some(_)) => GoalReached::NotInPlan,
                    }
                }
                Whom::Group(g) if report.group_names.contains_key(&g) => GoalReached::Group,
                _ => continue,
            };
            report.by_goal.push(GoalLine {
                whom: line.whom,
                goal_id,
                goal,
                bought: line.bought,
                spent: line.spent,
                reached,
            });
        }
        report.by_goal.sort_by_key(|l| std::cmp::Reverse(l.spent));
        let visible = |t: &&Transfer| match (t.person, t.group) {
            (Some(p), _) => report.names.contains_key(&p),
            (None, Some(g)) => report.group_names.contains_key(&g),
            _ => true,
        };
        report.reversals = kept.iter().filter(|t| t.kind == TransferKind::Reverse).filter(visible).cloned().collect();
        report.releases = kept.iter().filter(|t| t.kind == TransferKind::Release).filter(visible).cloned().collect();
        report.reversals.reverse();
        report.releases.reverse();
        Ok(report)
    }
}
