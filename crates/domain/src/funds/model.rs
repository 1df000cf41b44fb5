//! The ledger's values: funds, accounts with their four running totals, transfers as
//! recorded (never changed), and what a member asks for before it is checked.
//!
//! Money is whole cents in an `i64`. Every account has a normal side: the funding account
//! (where a fund's budget comes from, outside the partnership) is debit-normal, every other
//! account (the fund's pool, a person's allocation, a person's spend) credit-normal. An
//! account's balance on its normal side never goes below zero, counting what is reserved by
//! pending commitments, and never above its limit. Every transfer adds the same amount to one
//! account's debits and another's credits, so the credit balances of all accounts of a fund
//! always sum to zero.

// Project groups and their grants (grants branch).
pub mod groups;

pub use groups::{GroupFund, GroupId, GroupMember, ProjectGroup};

use crate::ids::{AgencyId, GoalId, InterventionId, MemberId, PersonId};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// A fund: a stream's budget, a fund held by a provider, or a grant pot, for one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FundId(pub Uuid);

/// A transfer's id, chosen by the client: the idempotency key of the request that makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransferId(pub Uuid);

impl fmt::Display for FundId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Longest name of a fund or stream, description, goal and invoice reference.
pub const NAME_MAX: usize = 120;
pub const DESCRIPTION_MAX: usize = 500;
pub const GOAL_MAX: usize = 500;
pub const INVOICE_MAX: usize = 80;
/// No single transfer moves more than a million euros: a typing error, not a purchase.
pub const AMOUNT_MAX_CENTS: i64 = 100_000_000;
/// What the person chose and why, each in their own words (funds4 branch).
pub const CHOICE_MAX: usize = 500;
/// The most units one order buys (nights, sessions): more is a typing error.
pub const UNITS_MAX: i64 = 10_000;

/// An order for units of a catalogue intervention at its unit cost (funds4 branch): the
/// commitment's amount is `units × unit_cost_cents`, priced by the server from the catalogue
/// when the order is made, and kept as priced (a later price change does not touch it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub intervention: InterventionId,
    /// The intervention's name when it was ordered.
    pub name: String,
    pub units: i64,
    pub unit_cost_cents: i64,
}

impl Order {
    pub fn total_cents(&self) -> i64 {
        self.units * self.unit_cost_cents
    }
}

/// What kind of pot a fund is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundKind {
    /// A probation stream's budget (homeless people, young people, adults).
    Stream,
    /// A personal fund held by a provider, e.g. a women's service.
    Held,
    /// Grants for projects service users co-produce.
    GrantPot,
}

impl FundKind {
    pub const ALL: [FundKind; 3] = [Self::Stream, Self::Held, Self::GrantPot];
    pub fn code(self) -> &'static str {
        match self {
            Self::Stream => "stream",
            Self::Held => "held",
            Self::GrantPot => "grant_pot",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fund {
    pub id: FundId,
    pub name: String,
    pub kind: FundKind,
    /// The stream or purpose in words ("adults", "women's service").
    pub stream: String,
    /// The agency that holds the money: its members keep the ledger and approve.
    pub holder: AgencyId,
    pub period_start: Date,
    pub period_end: Date,
    pub budget_cents: i64,
    /// A commitment above this amount needs a second member of the holder to approve it.
    pub approval_above_cents: i64,
    /// The most one person may be allocated from this fund (`None`: the budget).
    pub person_limit_cents: Option<i64>,
    /// The version of these settings: 1 when opened, raised by the database on every change
    /// of the fund's row. A transfer is recorded only while the fund is at the version it was
    /// planned with (`ports::FundStore::record_transfer`).
    pub version: i64,
    pub created_at: Timestamp,
    pub created_by: MemberId,
}

/// Which account of a fund.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountCode {
    /// Where the budget comes from (debit-normal; its limit is the budget).
    Funding,
    /// The fund's money not yet allocated to anyone.
    Pool,
    /// What a person was allocated and has not spent (reservations counted against it).
    Person(PersonId),
    /// What was bought for a person.
    Spent(PersonId),
    /// What a project group was granted and has not spent.
    Group(GroupId),
    /// What was bought for a project group's project.
    GroupSpent(GroupId),
}

impl AccountCode {
    /// The stored code: `funding`, `pool`, `person:<uuid>`, `spent:<uuid>`. Accounts are
    /// locked in the order of these codes, so two transfers never wait on each other crosswise.
    pub fn code(&self) -> String {
        match self {
            Self::Funding => "funding".into(),
            Self::Pool => "pool".into(),
            Self::Person(p) => format!("person:{p}"),
            Self::Spent(p) => format!("spent:{p}"),
            Self::Group(g) => format!("group:{g}"),
            Self::GroupSpent(g) => format!("group_spent:{g}"),
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code.split_once(':') {
            None if code == "funding" => Some(Self::Funding),
            None if code == "pool" => Some(Self::Pool),
            Some(("person", id)) => PersonId::parse(id).ok().map(Self::Person),
            Some(("spent", id)) => PersonId::parse(id).ok().map(Self::Spent),
            Some(("group", id)) => GroupId::parse(id).map(Self::Group),
            Some(("group_spent", id)) => GroupId::parse(id).map(Self::GroupSpent),
            _ => None,
        }
    }

    pub fn side(&self) -> Side {
        if matches!(self, Self::Funding) { Side::Debit } else { Side::Credit }
    }

    pub fn person(&self) -> Option<PersonId> {
        match self {
            Self::Person(p) | Self::Spent(p) => Some(*p),
            _ => None,
        }
    }

    pub fn group(&self) -> Option<GroupId> {
        match self {
            Self::Group(g) | Self::GroupSpent(g) => Some(*g),
            _ => None,
        }
    }

    /// An account where what was bought ends up (a person's or a group's spend).
    pub fn is_spend(&self) -> bool {
        matches!(self, Self::Spent(_) | Self::GroupSpent(_))
    }
}

/// The side on which an account's balance is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Debit,
    Credit,
}

/// An account's four running totals, TigerBeetle's way: what is posted and what is reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub debits_posted: i64,
    pub debits_pending: i64,
    pub credits_posted: i64,
    pub credits_pending: i64,
}

impl Totals {
    /// The posted balance on the credit side (negative for the funding account).
    pub fn credit_balance(&self) -> i64 {
        self.credits_posted - self.debits_posted
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub fund: FundId,
    pub code: AccountCode,
    pub limit_cents: Option<i64>,
    pub totals: Totals,
}

impl Account {
    /// What may still leave the account: its balance on its normal side less reservations.
    pub fn available(&self) -> i64 {
        let t = &self.totals;
        match self.code.side() {
            Side::Credit => t.credits_posted - t.debits_posted - t.debits_pending,
            Side::Debit => t.debits_posted - t.credits_posted - t.credits_pending,
        }
    }

    /// The rule every account keeps after every transfer: never below zero (reservations
    /// counted), never above its limit (incoming reservations counted).
    pub fn keeps_its_rules(&self) -> bool {
        let t = &self.totals;
        let non_negative =
            [t.debits_posted, t.debits_pending, t.credits_posted, t.credits_pending].iter().all(|v| *v >= 0);
        let (out, held, incoming) = match self.code.side() {
            Side::Credit => (
                t.debits_posted + t.debits_pending,
                t.credits_posted,
                t.credits_posted + t.credits_pending - t.debits_posted,
            ),
            Side::Debit => (
                t.credits_posted + t.credits_pending,
                t.debits_posted,
                t.debits_posted + t.debits_pending - t.credits_posted,
            ),
        };
        non_negative && out <= held && self.limit_cents.is_none_or(|limit| incoming <= limit)
    }
}

/// What a transfer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferKind {
    /// Funding → pool: the fund's budget, once when the fund is opened.
    Budget,
    /// Pool → person: an allocation for the person's goals.
    Allocate,
    /// Person → spent, pending: reserves money for an order or a purchase.
    Commit,
    /// Resolves a commitment as spent (with the invoice); less than reserved frees the rest.
    Post,
    /// Resolves a commitment as not bought: the reservation is freed.
    Void,
    /// Person → pool: what was allocated and will not be spent goes back.
    Release,
    /// Undoes a posted allocation, spend or release with the opposite transfer.
    Reverse,
    /// Pool → project group, pending: a grant for a co-produced project, from a grant pot;
    /// posted (paid out) or voided like a commitment, approved first above the threshold.
    Grant,
}

impl TransferKind {
    pub const ALL: [TransferKind; 8] =
        [Self::Budget, Self::Allocate, Self::Commit, Self::Post, Self::Void, Self::Release, Self::Reverse, Self::Grant];
    pub fn code(self) -> &'static str {
        match self {
            Self::Budget => "budget",
            Self::Allocate => "allocate",
            Self::Commit => "commit",
            Self::Post => "post",
            Self::Void => "void",
            Self::Release => "release",
            Self::Reverse => "reverse",
            Self::Grant => "grant",
        }
    }
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code.trim())
    }

    /// Reserves money that a post or void resolves later.
    pub fn is_two_phase(self) -> bool {
        matches!(self, Self::Commit | Self::Grant)
    }
}

/// How a transfer moves the totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Straight to the posted totals.
    Posted,
    /// Into the pending totals (a commitment).
    Pending,
    /// Takes `reserved` out of the pending totals and posts `amount` (≤ reserved).
    PostPending { reserved: i64 },
    /// Takes `reserved` out of the pending totals; nothing is posted.
    VoidPending { reserved: i64 },
}

/// A transfer as recorded. Rows are only ever added: a mistake is put right by a reversing
/// transfer, a commitment is resolved by a post or void transfer naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: TransferId,
    pub fund: FundId,
    pub kind: TransferKind,
    pub debit: AccountCode,
    pub credit: AccountCode,
    /// What the transfer posts (for a void: what it freed).
    pub amount_cents: i64,
    pub phase: Phase,
    pub person: Option<PersonId>,
    /// The project group it is for (a grant, or the group's spend).
    pub group: Option<GroupId>,
    /// The goal of the person's plan it serves, when it serves one (issue 20): reports group by
    /// it and read from the plan whether it was reached.
    pub goal_id: Option<GoalId>,
    /// The goal in the person's own words: the plan goal's words when it was recorded, or the
    /// goal as stated when it serves none of the plan's (a person without a plan, a group).
    pub goal: String,
    pub description: String,
    /// The catalogue order it is (a commitment for an intervention's units), or resolves or
    /// reverses; `None`: a purchase described in words.
    pub order: Option<Order>,
    /// What the person chose and why, in their own words (empty: not recorded).
    pub choice: String,
    pub choice_reason: String,
    pub invoice_ref: Option<String>,
    /// For post and void: the commitment resolved.
    pub pending: Option<TransferId>,
    /// For reverse: the transfer undone.
    pub reverses: Option<TransferId>,
    /// A commitment above the fund's threshold waits for a second member's approval.
    pub needs_approval: bool,
    pub at: Timestamp,
    pub by: MemberId,
    pub agency: AgencyId,
    /// The request as the client sent it, canonical: a retry with the same id must match it.
    pub request: String,
}

/// What a member asks for, parsed (amounts and ids valid, texts within their limits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub id: TransferId,
    pub kind: TransferKind,
    pub person: Option<PersonId>,
    pub group: Option<GroupId>,
    pub amount_cents: Option<i64>,
    pub description: String,
    /// The goal of the person's plan it serves, chosen by its id.
    pub goal_id: Option<GoalId>,
    pub goal: String,
    pub invoice_ref: Option<String>,
    pub pending: Option<TransferId>,
    pub reverses: Option<TransferId>,
    /// An order from the catalogue: which intervention and how many units (funds4 branch).
    pub intervention: Option<InterventionId>,
    pub units: Option<i64>,
    /// The order as priced from the catalogue by the service (never by the client).
    pub priced: Option<Order>,
    pub choice: String,
    pub choice_reason: String,
}

impl TransferRequest {
    /// The canonical text a retry is compared with.
    pub fn canonical(&self) -> String {
        // Debug quotes and escapes the texts, so no two requests share one spelling. A group and
        // a plan goal are added only when named, so requests recorded before either existed
        // read the same.
        let group = self.group.map(|g| format!(" group {g}")).unwrap_or_default();
        let goal = self.goal_id.map(|g| format!(" goal {g}")).unwrap_or_default();
        let order = match (self.intervention, self.units) {
            (None, None) => String::new(),
            (intervention, units) => format!(" order {:?}", (intervention.map(|i| i.0), units)),
        };
        let choice = if self.choice.is_empty() && self.choice_reason.is_empty() {
            String::new()
        } else {
            format!(" choice {:?}", (&self.choice, &self.choice_reason))
        };
        format!(
            "{:?}{group}{goal}{order}{choice}",
            (
                self.kind.code(),
                self.person.map(|p| p.0),
                self.amount_cents,
                &self.description,
                &self.goal,
                &self.invoice_ref,
                self.pending.map(|t| t.0),
                self.reverses.map(|t| t.0),
            )
        )
    }
}

/// A second member's approval of a commitment above the threshold; never withdrawn (a
/// commitment no longer wanted is voided).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    pub transfer: TransferId,
    pub fund: FundId,
    pub by: MemberId,
    pub at: Timestamp,
}

/// A person's money in one fund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonFund {
    pub fund: Fund,
    pub person: PersonId,
    /// Allocated, less released, less spent, less reserved.
    pub available_cents: i64,
    pub committed_cents: i64,
    pub spent_cents: i64,
    pub allocated_cents: i64,
}

/// The outcome of recording: the transfer, and whether it was already on record (a retry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub transfer: Transfer,
    pub replayed: bool,
}

/// A commitment still waiting: not posted or voided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCommitment {
    pub transfer: Transfer,
    pub approved_by: Option<MemberId>,
}
