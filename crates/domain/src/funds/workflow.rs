//! The pure rules of the ledger: what a requested transfer moves between which accounts, and
//! what it refuses before the store is asked. The balances themselves are checked by the store,
//! inside the transaction that moves them, where concurrent transfers cannot slip past each
//! other; [`LedgerRefusal`] is what it answers when an account would break its rules.

use crate::funds::model::{
    AccountCode, Fund, FundKind, GroupId, Order, Phase, Transfer, TransferId, TransferKind, TransferRequest, UNITS_MAX,
};
use crate::ids::{AgencyId, GoalId, MemberId, PersonId};
use crate::interventions::Intervention;
use crate::plan::Goal;
use jiff::Timestamp;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum FundError {
    #[error("give the amount in cents, more than zero")]
    AmountMissing,
    #[error("this transfer is for a person: name them")]
    PersonMissing,
    #[error("name the commitment (pending_id) this {0} resolves")]
    PendingMissing(&'static str),
    #[error("there is no such commitment in this fund")]
    UnknownPending,
    #[error("that transfer is not a commitment")]
    NotACommitment,
    #[error("the commitment was already posted or voided")]
    AlreadyResolved,
    #[error("{amount} is more than the {reserved} reserved by the commitment")]
    PostAboveReserved { amount: i64, reserved: i64 },
    #[error("give the invoice reference of the purchase")]
    InvoiceMissing,
    #[error("the commitment needs a second member's approval before it is posted")]
    NotApproved,
    #[error("name the transfer (reverses_id) to reverse")]
    ReversedMissing,
    #[error("there is no such transfer in this fund")]
    UnknownTransfer,
    #[error("only allocations, posted spend and releases can be reversed; void a commitment instead")]
    NotReversible,
    #[error("the transfer was already reversed")]
    AlreadyReversed,
    #[error("the fund's budget is set when the fund is opened")]
    BudgetNotByTransfer,
    #[error("not enough money available: {available} cents left")]
    Insufficient { available: i64 },
    #[error("this would take the account above its limit of {limit} cents")]
    AboveLimit { limit: i64 },
    #[error("a transfer with this id was already made with a different request")]
    IdReused,
    #[error("the approver must be a second member, not the one who asked")]
    SelfApproval,
    #[error("this commitment does not need approval, or was already approved")]
    ApprovalNotNeeded,
    #[error("name the project group")]
    GroupMissing,
    #[error("a transfer is for a person or for a project group, not both")]
    PersonAndGroup,
    #[error("grants to project groups come from a grant pot")]
    NotAGrantPot,
    #[error("a project group is granted money (kind grant), not allocated it")]
    GroupsAreGranted,
    #[error("there is no such project group")]
    UnknownGroup,
    #[error("choose the goal of the person's plan this serves")]
    ChoosePlanGoal,
    #[error("say which goal this serves, in the person's own words")]
    GoalMissing,
    #[error("that goal is not in the person's plan")]
    GoalNotInPlan,
    #[error("give how many units to order, from 1 to {max}")]
    UnitsOutOfRange { max: i64 },
    #[error("there is no such intervention in the catalogue")]
    UnknownIntervention,
    #[error("that intervention was withdrawn from the catalogue")]
    InterventionWithdrawn,
    #[error("that intervention has no unit cost in the catalogue: describe the purchase in words")]
    NoUnitCost,
    #[error("an order costs its units times the unit cost: {total} cents, not the amount given")]
    OrderAmountDiffers { total: i64 },
    #[error("only a commitment orders from the catalogue")]
    OrderOnlyCommit,
}

impl FundError {
    /// The request field the refusal is about, for the problem's field list.
    pub fn field(&self) -> &'static str {
        match self {
            Self::AmountMissing
            | Self::PostAboveReserved { .. }
            | Self::Insufficient { .. }
            | Self::AboveLimit { .. } => "amount_cents",
            Self::PersonMissing | Self::PersonAndGroup => "person_id",
            Self::GroupMissing | Self::UnknownGroup | Self::GroupsAreGranted => "group_id",
            Self::NotAGrantPot => "fund",
            Self::PendingMissing(_) | Self::UnknownPending | Self::NotACommitment | Self::AlreadyResolved => {
                "pending_id"
            }
            Self::NotApproved | Self::SelfApproval | Self::ApprovalNotNeeded => "approval",
            Self::InvoiceMissing => "invoice_ref",
            Self::ReversedMissing | Self::UnknownTransfer | Self::NotReversible | Self::AlreadyReversed => {
                "reverses_id"
            }
            Self::BudgetNotByTransfer => "kind",
            Self::IdReused => "id",
            Self::ChoosePlanGoal | Self::GoalNotInPlan => "goal_id",
            Self::GoalMissing => "goal",
            Self::UnitsOutOfRange { .. } => "units",
            Self::UnknownIntervention | Self::InterventionWithdrawn | Self::NoUnitCost | Self::OrderOnlyCommit => {
                "intervention_id"
            }
            Self::OrderAmountDiffers { .. } => "amount_cents",
        }
    }

    /// The catalogue key of the message.
    pub fn key(&self) -> &'static str {
        match self {
            Self::AmountMissing => "error.funds.amount_missing",
            Self::PersonMissing => "error.funds.person_missing",
            Self::PendingMissing(_) => "error.funds.pending_missing",
            Self::UnknownPending => "error.funds.unknown_pending",
            Self::NotACommitment => "error.funds.not_a_commitment",
            Self::AlreadyResolved => "error.funds.already_resolved",
            Self::PostAboveReserved { .. } => "error.funds.post_above_reserved",
            Self::InvoiceMissing => "error.funds.invoice_missing",
            Self::NotApproved => "error.funds.not_approved",
            Self::ReversedMissing => "error.funds.reversed_missing",
            Self::UnknownTransfer => "error.funds.unknown_transfer",
            Self::NotReversible => "error.funds.not_reversible",
            Self::AlreadyReversed => "error.funds.already_reversed",
            Self::BudgetNotByTransfer => "error.funds.budget_not_by_transfer",
            Self::Insufficient { .. } => "error.funds.insufficient",
            Self::AboveLimit { .. } => "error.funds.above_limit",
            Self::IdReused => "error.funds.id_reused",
            Self::SelfApproval => "error.funds.self_approval",
            Self::ApprovalNotNeeded => "error.funds.approval_not_needed",
            Self::GroupMissing => "error.funds.group_missing",
            Self::PersonAndGroup => "error.funds.person_and_group",
            Self::NotAGrantPot => "error.funds.not_a_grant_pot",
            Self::GroupsAreGranted => "error.funds.groups_are_granted",
            Self::UnknownGroup => "error.funds.unknown_group",
            Self::ChoosePlanGoal => "error.funds.choose_plan_goal",
            Self::GoalMissing => "error.funds.goal_missing",
            Self::GoalNotInPlan => "error.funds.goal_not_in_plan",
            Self::UnitsOutOfRange { .. } => "error.funds.units_range",
            Self::UnknownIntervention => "error.funds.unknown_intervention",
            Self::InterventionWithdrawn => "error.funds.intervention_withdrawn",
            Self::NoUnitCost => "error.funds.no_unit_cost",
            Self::OrderAmountDiffers { .. } => "error.funds.order_amount_differs",
            Self::OrderOnlyCommit => "error.funds.order_only_commit",
        }
    }
}

/// What the store found when it tried to move the balances, refused inside the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerRefusal {
    /// The account would go below zero; `available` is what it had.
    Insufficient {
        account: AccountCode,
        available: i64,
    },
    AboveLimit {
        account: AccountCode,
        limit: i64,
    },
    /// The commitment was resolved (or the transfer reversed) by another transfer first.
    AlreadyResolved,
    AlreadyReversed,
    /// The id is on record with a different request.
    IdReused,
    NotApproved,
}

impl From<LedgerRefusal> for FundError {
    fn from(refusal: LedgerRefusal) -> Self {
        match refusal {
            LedgerRefusal::Insufficient { available, .. } => FundError::Insufficient { available },
            LedgerRefusal::AboveLimit { limit, .. } => FundError::AboveLimit { limit },
            LedgerRefusal::AlreadyResolved => FundError::AlreadyResolved,
            LedgerRefusal::AlreadyReversed => FundError::AlreadyReversed,
            LedgerRefusal::IdReused => FundError::IdReused,
            LedgerRefusal::NotApproved => FundError::NotApproved,
        }
    }
}

/// Who makes the transfer and when.
#[derive(Debug, Clone, Copy)]
pub struct Maker {
    pub member: MemberId,
    pub agency: AgencyId,
    pub at: Timestamp,
}

/// What a transfer asks of the world beyond the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Money was allocated to a person: the outbox's `fund.allocated`.
    Allocated { person: PersonId, amount_cents: i64 },
}

/// An order for `units` of a catalogue entry, priced at its unit cost: refused for a withdrawn
/// entry, one without a unit cost, and units outside 1..=[`UNITS_MAX`] (or a total beyond what
/// one transfer may move).
pub fn price_order(intervention: &Intervention, units: Option<i64>) -> Result<Order, FundError> {
    if !intervention.active {
        return Err(FundError::InterventionWithdrawn);
    }
    let cost = intervention.unit_cost_cents.filter(|c| *c > 0).ok_or(FundError::NoUnitCost)?;
    let units = units.filter(|u| (1..=UNITS_MAX).contains(u)).ok_or(FundError::UnitsOutOfRange { max: UNITS_MAX })?;
    let max_units = crate::funds::model::AMOUNT_MAX_CENTS / cost;
    if units > max_units {
        return Err(FundError::UnitsOutOfRange { max: max_units });
    }
    Ok(Order { intervention: intervention.id, name: intervention.name.clone(), units, unit_cost_cents: cost })
}

/// The transfer a request makes, with its effects. `referenced` is the transfer the request
/// names (the commitment a post or void resolves, the transfer a reversal undoes), read by
/// the caller; whether it is still unresolved is for the store to decide in its transaction.
/// `plan_goals` are the goals of the person's current plan (empty: no plan, or a group).
pub fn plan_transfer(
    fund: &Fund,
    request: &TransferRequest,
    referenced: Option<&Transfer>,
    plan_goals: &[Goal],
    maker: Maker,
) -> Result<(Transfer, Vec<Effect>), FundError> {
    let amount = || request.amount_cents.filter(|a| *a > 0).ok_or(FundError::AmountMissing);
    if request.person.is_some() && request.group.is_some() {
        return Err(FundError::PersonAndGroup);
    }
    if (request.intervention.is_some() || request.units.is_some()) && request.kind != TransferKind::Commit {
        return Err(FundError::OrderOnlyCommit);
    }
    // Whose money: a person's own accounts, or a project group's.
    let holder = || match (request.person, request.group) {
        (Some(p), _) => Ok((AccountCode::Person(p), AccountCode::Spent(p))),
        (None, Some(g)) => Ok((AccountCode::Group(g), AccountCode::GroupSpent(g))),
        (None, None) => Err(FundError::PersonMissing),
    };
    let mut effects = Vec::new();
    let mut needs_approval = false;
    let (debit, credit, amount_cents, phase, pending, reverses) = match request.kind {
        TransferKind::Budget => return Err(FundError::BudgetNotByTransfer),
        TransferKind::Allocate => {
            let Some(p) = request.person else {
                return Err(if request.group.is_some() {
                    FundError::GroupsAreGranted
                } else {
                    FundError::PersonMissing
                });
            };
            let a = amount()?;
            effects.push(Effect::Allocated { person: p, amount_cents: a });
            (AccountCode::Pool, AccountCode::Person(p), a, Phase::Posted, None, None)
        }
        TransferKind::Grant => {
            let group = request.group.ok_or(FundError::GroupMissing)?;
            if fund.kind != FundKind::GrantPot {
                return Err(FundError::NotAGrantPot);
            }
            let a = amount()?;
            needs_approval = a > fund.approval_above_cents;
            (AccountCode::Pool, AccountCode::Group(group), a, Phase::Pending, None, None)
        }
        TransferKind::Release => {
            let ((own, _), a) = (holder()?, amount()?);
            (own, AccountCode::Pool, a, Phase::Posted, None, None)
        }
        TransferKind::Commit => {
            let own_accounts = holder()?;
            // An order's amount is the catalogue's price of its units, never one typed in.
            let a = match (&request.intervention, &request.priced) {
                (None, _) => amount()?,
                (Some(_), None) => return Err(FundError::UnknownIntervention),
                (Some(_), Some(order)) => match (order.total_cents(), request.amount_cents) {
                    (total, Some(typed)) if typed != total => return Err(FundError::OrderAmountDiffers { total }),
                    (total, _) => total,
                },
            };
            let (own, spent) = own_accounts;
            needs_approval = a > fund.approval_above_cents;
            (own, spent, a, Phase::Pending, None, None)
        }
        TransferKind::Post | TransferKind::Void => {
            let name = request.kind.code();
            let pending_id = request.pending.ok_or(FundError::PendingMissing(name))?;
            let commitment =
                referenced.filter(|t| t.id == pending_id && t.fund == fund.id).ok_or(FundError::UnknownPending)?;
            if !commitment.kind.is_two_phase() {
                return Err(FundError::NotACommitment);
            }
            let reserved = commitment.amount_cents;
            let (amount, phase) = if request.kind == TransferKind::Post {
                let amount = request.amount_cents.unwrap_or(reserved);
                if amount <= 0 {
                    return Err(FundError::AmountMissing);
                }
                if amount > reserved {
                    return Err(FundError::PostAboveReserved { amount, reserved });
                }
                // A purchase is posted with its invoice; a grant paid out to a group needs none.
                if request.invoice_ref.is_none() && commitment.kind == TransferKind::Commit {
                    return Err(FundError::InvoiceMissing);
                }
                (amount, Phase::PostPending { reserved })
            } else {
                (reserved, Phase::VoidPending { reserved })
            };
            (commitment.debit, commitment.credit, amount, phase, Some(pending_id), None)
        }
        TransferKind::Reverse => {
            let reversed_id = request.reverses.ok_or(FundError::ReversedMissing)?;
            let original =
                referenced.filter(|t| t.id == reversed_id && t.fund == fund.id).ok_or(FundError::UnknownTransfer)?;
            if !matches!(original.kind, TransferKind::Allocate | TransferKind::Post | TransferKind::Release) {
                return Err(FundError::NotReversible);
            }
            (original.credit, original.debit, original.amount_cents, Phase::Posted, None, Some(reversed_id))
        }
    };
    // Whom it is for follows from the accounts it moves (a post, void or reversal: those of
    // the transfer it names).
    let person_id = debit.person().or(credit.person());
    let group_id: Option<GroupId> = debit.group().or(credit.group());
    // What a post, void or reversal is about is what the transfer it names was about.
    let resolved = referenced.filter(|_| pending.is_some() || reverses.is_some());
    // An order, and the person's choice, stay with what resolves or undoes it.
    let (order, choice, choice_reason) = match resolved {
        Some(original) => (original.order.clone(), original.choice.clone(), original.choice_reason.clone()),
        None => (request.priced.clone(), request.choice.clone(), request.choice_reason.clone()),
    };
    let (goal_id, goal, description) = match resolved {
        Some(original) => (
            original.goal_id,
            // A plan goal keeps the words it was recorded with; words alone may be put better.
            if request.goal.is_empty() || original.goal_id.is_some() {
                original.goal.clone()
            } else {
                request.goal.clone()
            },
            if request.description.is_empty() { original.description.clone() } else { request.description.clone() },
        ),
        None => {
            let (goal_id, goal) = goal_served(request, plan_goals)?;
            // An order described by nobody reads as what it buys: "14 × Night shelter".
            let description = match &order {
                Some(o) if request.description.is_empty() => format!("{} × {}", o.units, o.name),
                _ => request.description.clone(),
            };
            (goal_id, goal, description)
        }
    };
    let transfer = Transfer {
        id: request.id,
        fund: fund.id,
        kind: request.kind,
        debit,
        credit,
        amount_cents,
        phase,
        person: person_id,
        group: group_id,
        goal_id,
        goal,
        description,
        order,
        choice,
        choice_reason,
        invoice_ref: request.invoice_ref.clone(),
        pending,
        reverses,
        needs_approval,
        at: maker.at,
        by: maker.member,
        agency: maker.agency,
        request: request.canonical(),
    };
    Ok((transfer, effects))
}

/// Whether two goals read alike: the same words, case and spacing aside.
pub fn same_words(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    norm(a) == norm(b)
}

/// The goal a new transfer serves, and its words. A purchase for a person whose plan has goals
/// names one of them (by its id, or in words that read exactly like it); a person without a
/// plan's purchase states its goal in words. Words that read like none of the plan's goals are
/// kept as words (an API client that predates goal ids); an allocation, a release or a group's
/// transfer that names no goal is about what its description says.
pub fn goal_served(request: &TransferRequest, plan_goals: &[Goal]) -> Result<(Option<GoalId>, String), FundError> {
    if let Some(id) = request.goal_id {
        let goal = plan_goals.iter().find(|g| g.id == id).filter(|_| request.person.is_some());
        return goal.map(|g| (Some(g.id), g.in_own_words.clone())).ok_or(FundError::GoalNotInPlan);
    }
    let words = request.goal.trim();
    if words.is_empty() {
        return match (request.kind, request.person) {
            (TransferKind::Commit, Some(_)) if plan_goals.is_empty() => Err(FundError::GoalMissing),
            (TransferKind::Commit, Some(_)) => Err(FundError::ChoosePlanGoal),
            _ => Ok((None, request.description.clone())),
        };
    }
    Ok(match plan_goals.iter().find(|g| request.person.is_some() && same_words(&g.in_own_words, words)) {
        Some(goal) => (Some(goal.id), goal.in_own_words.clone()),
        None => (None, words.to_string()),
    })
}

/// The budget transfer that opens a fund: funding → pool, the whole budget.
pub fn opening_transfer(fund: &Fund, id: TransferId, maker: Maker) -> Transfer {
    Transfer {
        id,
        fund: fund.id,
        kind: TransferKind::Budget,
        debit: AccountCode::Funding,
        credit: AccountCode::Pool,
        amount_cents: fund.budget_cents,
        phase: Phase::Posted,
        person: None,
        group: None,
        goal_id: None,
        goal: String::new(),
        description: fund.name.clone(),
        order: None,
        choice: String::new(),
        choice_reason: String::new(),
        invoice_ref: None,
        pending: None,
        reverses: None,
        needs_approval: false,
        at: maker.at,
        by: maker.member,
        agency: maker.agency,
        request: String::new(),
    }
}

/// May `approver` approve `commitment`? A second member, never the one who asked, and only
/// for a commitment that needs it (whether it was approved already the store decides).
pub fn check_approval(commitment: &Transfer, approver: MemberId) -> Result<(), FundError> {
    if !commitment.kind.is_two_phase() {
        return Err(FundError::NotACommitment);
    }
    if !commitment.needs_approval {
        return Err(FundError::ApprovalNotNeeded);
    }
    if commitment.by == approver {
        return Err(FundError::SelfApproval);
    }
    Ok(())
}
