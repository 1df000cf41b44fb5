//! The use cases of the personal funds: opening a fund, recording a transfer, approving a
//! commitment, a person's fund and statement, a fund's ledger. Members of the holding agency
//! with a case-working role keep a fund's ledger; a transfer for a person also needs the
//! member's agency on the person's team (the read and the write are audited, refusals too).

use crate::access::{Actor, Denial, Permission, Role};
use crate::audit::{AuditAction, AuditEntry, AuditLog};
use crate::clock::Clock;
use crate::funds::model::*;
use crate::funds::ports::FundStore;
use crate::funds::workflow::{FundError, Maker, check_approval, opening_transfer};
use crate::ids::{GoalId, InterventionId, PersonId};
use crate::interventions::ports::InterventionStore;
use crate::people::ports::PeopleStore;
use crate::plan::ports::PlanStore;
use crate::service::{
    Authorised, RuleError, ServiceError, ServiceResult, authorise_person, listed_with_names, today_in,
};
use crate::validation::{FieldError, ValidationErrors, optional_text, required_text};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use uuid::Uuid;

// Project groups, their grants and the fund reports (grants branch).
pub mod groups;
pub mod reports;
// Recording a transfer on remembered fund settings, confirmed in its transaction.
mod transfer;

pub use reports::spend_by_goal;

impl From<FundError> for ServiceError {
    fn from(error: FundError) -> Self {
        ServiceError::Rule(Box::new(error))
    }
}

impl RuleError for FundError {
    fn field_error(&self) -> FieldError {
        let error = FieldError::new(self.field(), self.key());
        match self {
            // Parameters named `*_cents` are shown as money in the reader's language.
            FundError::Insufficient { available } => error.with("available_cents", available),
            FundError::AboveLimit { limit } => error.with("limit_cents", limit),
            FundError::PostAboveReserved { reserved, .. } => error.with("reserved_cents", reserved),
            FundError::UnitsOutOfRange { max } => error.with("max", max),
            FundError::OrderAmountDiffers { total } => error.with("total_cents", total),
            _ => error,
        }
    }
}

/// The roles that keep a fund's ledger in the holding agency.
const KEEPERS: [Role; 4] =
    [Role::ProbationOfficer, Role::ProviderWorker, Role::MunicipalityOfficer, Role::ProcessManager];

/// Whether the actor's roles keep funds at all (open one, read the reports, support project
/// groups): what pages ask before offering those.
pub fn keeps_funds(actor: &Actor) -> bool {
    actor.roles.iter().any(|r| KEEPERS.contains(r))
}

pub fn keeps(actor: &Actor, fund: &Fund) -> bool {
    actor.agency_id == fund.holder && keeps_funds(actor)
}

/// A transfer as typed into a form or sent to the API, before parsing.
#[derive(Debug, Clone, Default)]
pub struct TransferInput {
    pub id: String,
    pub kind: String,
    pub person_id: String,
    /// The project group, for a grant or the group's own spend (instead of a person).
    pub group_id: String,
    /// Whole cents (the API) — forms convert euros first.
    pub amount_cents: Option<i64>,
    pub description: String,
    /// The goal of the person's plan it serves (its id, from the plan's goals).
    pub goal_id: String,
    /// The goal in words: for a person without a plan, a group, or an API client that predates
    /// goal ids (words that read exactly like a plan goal are that goal).
    pub goal: String,
    pub invoice_ref: String,
    pub pending_id: String,
    pub reverses_id: String,
    /// An order from the catalogue (funds4 branch): the intervention and how many of its
    /// units; its amount is then priced from the catalogue, not typed.
    pub intervention_id: String,
    pub units: Option<i64>,
    /// What the person chose and why, in their own words.
    pub choice: String,
    pub choice_reason: String,
}

/// An amount outside `min_cents ..= max_cents`: the message states both, as money.
fn amount_range(field: &str, min_cents: i64, max_cents: i64) -> FieldError {
    FieldError::new(field, "error.funds.amount_range").with("min_cents", min_cents).with("max_cents", max_cents)
}

fn optional_id(errors: &mut ValidationErrors, field: &str, raw: &str) -> Option<Uuid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let parsed = Uuid::parse_str(raw).ok();
    if parsed.is_none() {
        errors.push(FieldError::new(field, "error.funds.bad_id"));
    }
    parsed
}

impl TransferInput {
    pub fn parse(&self) -> Result<TransferRequest, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let id = optional_id(&mut errors, "id", &self.id);
        if self.id.trim().is_empty() {
            errors.push(FieldError::new("id", "error.funds.bad_id"));
        }
        let kind = TransferKind::parse(&self.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "error.funds.unknown_kind"));
        }
        let person = optional_id(&mut errors, "person_id", &self.person_id).map(PersonId);
        let group = optional_id(&mut errors, "group_id", &self.group_id).map(GroupId);
        if let Some(amount) = self.amount_cents
            && !(1..=AMOUNT_MAX_CENTS).contains(&amount)
        {
            errors.push(amount_range("amount_cents", 1, AMOUNT_MAX_CENTS));
        }
        // Named with the other fields, not only once they are right (a post takes the amount
        // reserved, a void and a reversal theirs).
        let intervention = optional_id(&mut errors, "intervention_id", &self.intervention_id).map(InterventionId);
        // An order names both what and how many; naming either makes it one.
        let ordering = !self.intervention_id.trim().is_empty() || self.units.is_some();
        if ordering && self.intervention_id.trim().is_empty() {
            errors.push(FundError::UnknownIntervention.field_error());
        }
        if ordering && !self.units.is_some_and(|u| (1..=UNITS_MAX).contains(&u)) {
            errors.push(FundError::UnitsOutOfRange { max: UNITS_MAX }.field_error());
        }
        let needs_amount = matches!(
            kind,
            Some(TransferKind::Allocate | TransferKind::Grant | TransferKind::Release | TransferKind::Commit)
        ) && !ordering;
        if self.amount_cents.is_none() && needs_amount {
            errors.push(FundError::AmountMissing.field_error());
        }
        // A post, void or reversal may leave the description out: it takes the one of the
        // transfer it resolves or undoes.
        let description = match kind {
            _ if ordering => {
                optional_text(&mut errors, "description", &self.description, DESCRIPTION_MAX).unwrap_or_default()
            }
            Some(TransferKind::Post | TransferKind::Void | TransferKind::Reverse) => {
                optional_text(&mut errors, "description", &self.description, DESCRIPTION_MAX).unwrap_or_default()
            }
            _ => required_text(&mut errors, "description", &self.description, DESCRIPTION_MAX),
        };
        let goal_id = optional_id(&mut errors, "goal_id", &self.goal_id).map(GoalId);
        let goal = optional_text(&mut errors, "goal", &self.goal, GOAL_MAX).unwrap_or_default();
        let invoice_ref = optional_text(&mut errors, "invoice_ref", &self.invoice_ref, INVOICE_MAX);
        let pending = optional_id(&mut errors, "pending_id", &self.pending_id).map(TransferId);
        let reverses = optional_id(&mut errors, "reverses_id", &self.reverses_id).map(TransferId);
        let choice = optional_text(&mut errors, "choice", &self.choice, CHOICE_MAX).unwrap_or_default();
        let choice_reason =
            optional_text(&mut errors, "choice_reason", &self.choice_reason, CHOICE_MAX).unwrap_or_default();
        match (id, kind) {
            (Some(id), Some(kind)) if errors.is_empty() => Ok(TransferRequest {
                id: TransferId(id),
                kind,
                person,
                group,
                amount_cents: self.amount_cents,
                description,
                goal_id,
                goal,
                invoice_ref,
                pending,
                reverses,
                intervention,
                units: self.units,
                priced: None,
                choice,
                choice_reason,
            }),
            _ => Err(errors),
        }
    }
}

/// A new fund as typed in.
#[derive(Debug, Clone, Default)]
pub struct FundInput {
    pub name: String,
    pub kind: String,
    pub stream: String,
    pub period_start: String,
    pub period_end: String,
    pub budget_cents: Option<i64>,
    pub approval_above_cents: Option<i64>,
    pub person_limit_cents: Option<i64>,
}

/// A fund with its accounts and the commitments still open: the keeper's view.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub fund: Fund,
    pub accounts: Vec<Account>,
    pub open: Vec<OpenCommitment>,
    /// Every transfer, in the order recorded (for the spend report).
    pub transfers: Vec<Transfer>,
    /// The names of the people on the ledger whom the member may see (listed and audited).
    pub names: std::collections::BTreeMap<PersonId, String>,
    /// The names of the project groups the holder supports.
    pub group_names: std::collections::BTreeMap<GroupId, String>,
}

/// A person's funds and what they bought: the statement.
#[derive(Debug, Clone)]
pub struct Statement {
    pub person: Authorised,
    pub funds: Vec<PersonFund>,
    pub transfers: Vec<Transfer>,
    /// The goals of the person's current plan a purchase may serve, for a member who keeps
    /// funds (empty for anyone else, and for a person without a plan).
    pub plan_goals: Vec<crate::plan::Goal>,
    /// The active catalogue entries with a unit cost, which a keeper may order units of for
    /// the person (empty for anyone else).
    pub orderable: Vec<crate::interventions::Intervention>,
}

pub struct Funds<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
}

impl<S: FundStore + PeopleStore + AuditLog + PlanStore + InterventionStore> Funds<'_, S> {
    fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    async fn refuse(&self, actor: &Actor, what: &str) -> ServiceError {
        let entry = AuditEntry::new(
            actor,
            self.clock.now(),
            None,
            AuditAction::Denied,
            what,
            Denial::RoleLacksPermission.code(),
        );
        if let Err(error) = self.store.append(&[entry]).await {
            return error.into();
        }
        ServiceError::Forbidden(Denial::RoleLacksPermission)
    }

    async fn kept_fund(&self, actor: &Actor, id: FundId, what: &str) -> ServiceResult<Fund> {
        let fund = self.store.fund(id).await?.ok_or(ServiceError::NotFound)?;
        if keeps(actor, &fund) { Ok(fund) } else { Err(self.refuse(actor, what).await) }
    }

    pub async fn open_fund(&self, actor: &Actor, input: &FundInput) -> ServiceResult<Fund> {
        if !keeps_funds(actor) {
            return Err(self.refuse(actor, "funds: open").await);
        }
        let mut errors = ValidationErrors::default();
        let name = required_text(&mut errors, "name", &input.name, NAME_MAX);
        let stream = required_text(&mut errors, "stream", &input.stream, NAME_MAX);
        let kind = FundKind::parse(&input.kind);
        if kind.is_none() {
            errors.push(FieldError::new("kind", "error.funds.unknown_fund_kind"));
        }
        let start = crate::validation::parse_date("period_start", &input.period_start).map_err(|e| errors.push(e)).ok();
        let end = crate::validation::parse_date("period_end", &input.period_end).map_err(|e| errors.push(e)).ok();
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            errors.push(FieldError::new("period_end", "error.funds.period_order"));
        }
        let money = |errors: &mut ValidationErrors, field: &str, value: Option<i64>, required: bool| match value {
            Some(v) if (0..=AMOUNT_MAX_CENTS * 100).contains(&v) => Some(v),
            None if !required => None,
            _ => {
                errors.push(amount_range(field, 0, AMOUNT_MAX_CENTS * 100));
                None
            }
        };
        let budget = money(&mut errors, "budget_cents", input.budget_cents, true);
        let approval_above = money(&mut errors, "approval_above_cents", input.approval_above_cents, true);
        let person_limit = money(&mut errors, "person_limit_cents", input.person_limit_cents, false);
        let (Some(kind), Some(start), Some(end), Some(budget), Some(approval_above)) =
            (kind, start, end, budget, approval_above)
        else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let now = self.clock.now();
        let fund = Fund {
            id: FundId(crate::ids::new_v7(now)),
            name,
            kind,
            stream,
            holder: actor.agency_id,
            period_start: start,
            period_end: end,
            budget_cents: budget,
            approval_above_cents: approval_above,
            person_limit_cents: person_limit,
            version: 1,
            created_at: now,
            created_by: actor.member_id,
        };
        let maker = Maker { member: actor.member_id, agency: actor.agency_id, at: now };
        let opening = opening_transfer(&fund, TransferId(crate::ids::new_v7(now)), maker);
        let audit = AuditEntry::new(actor, now, None, AuditAction::Create, "funds: open", fund.id.to_string());
        self.store.open_fund(&fund, &opening, &[audit]).await?;
        Ok(fund)
    }

    /// A second member of the holding agency approves a commitment above the threshold.
    pub async fn approve(&self, actor: &Actor, fund: FundId, commitment: TransferId) -> ServiceResult<Approval> {
        let fund = self.kept_fund(actor, fund, "funds: approve").await?;
        let transfer =
            self.store.transfer(commitment).await?.filter(|t| t.fund == fund.id).ok_or(FundError::UnknownPending)?;
        check_approval(&transfer, actor.member_id)?;
        let now = self.clock.now();
        let approval = Approval { transfer: commitment, fund: fund.id, by: actor.member_id, at: now };
        let audit: Vec<AuditEntry> = transfer
            .person
            .map(|p| {
                AuditEntry::new(actor, now, Some(p), AuditAction::Update, "funds: approve", commitment.to_string())
            })
            .into_iter()
            .collect();
        match self.store.approve(&approval, &audit).await? {
            Ok(true) => Ok(approval),
            Ok(false) => Err(FundError::ApprovalNotNeeded.into()),
            Err(refusal) => Err(FundError::from(refusal).into()),
        }
    }

    /// The person's money in every fund (the read is audited).
    pub async fn statement(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<Statement> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let accounts = self.store.person_accounts(person).await?;
        let mut transfers = self.store.transfers_of_person(person).await?;
        // What happened, in the order it happened: the order of recording differs where
        // servers' clocks do, or where a transfer was dated by the one who recorded it (the
        // demo's history). Stable: transfers of one moment keep the order they were recorded.
        transfers.sort_by_key(|t| t.at);
        let mut funds = Vec::new();
        let mut ids: Vec<FundId> = accounts.iter().map(|a| a.fund).collect();
        ids.dedup();
        for id in ids {
            let Some(fund) = self.store.fund(id).await? else { continue };
            funds.push(person_fund(fund, person, &accounts, &transfers));
        }
        let (plan_goals, mut orderable) = if keeps_funds(actor) {
            (
                self.store.current_plan(person).await?.map(|stored| stored.plan.goals).unwrap_or_default(),
                self.store.interventions_for(&[], None).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        orderable.retain(|i| i.active && i.unit_cost_cents.is_some_and(|c| c > 0));
        orderable.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Statement { person: found, funds, transfers, plan_goals, orderable })
    }

    /// A fund's accounts and open commitments, for its keepers.
    pub async fn ledger(&self, actor: &Actor, fund: FundId) -> ServiceResult<Ledger> {
        let fund = self.kept_fund(actor, fund, "funds: ledger").await?;
        let accounts = self.store.accounts(fund.id).await?;
        let open = self.store.open_commitments(fund.id).await?;
        let transfers = self.store.transfers_of_fund(fund.id).await?;
        let mut people: Vec<PersonId> = accounts.iter().filter_map(|a| a.code.person()).collect();
        people.dedup();
        let named =
            listed_with_names(self.store, actor, people, |p| *p, "funds: ledger", self.clock.now(), self.today())
                .await?;
        let group_names = self.store.groups_of_agency(fund.holder).await?.into_iter().map(|g| (g.id, g.name)).collect();
        Ok(Ledger { fund, accounts, open, transfers, names: named.into_iter().collect(), group_names })
    }

    /// Funds the actor's agency holds.
    pub async fn held_funds(&self, actor: &Actor) -> ServiceResult<Vec<Fund>> {
        Ok(self.store.funds().await?.into_iter().filter(|f| keeps(actor, f)).collect())
    }
}

/// One person's figures in one fund, from their two accounts and their transfers.
pub fn person_fund(fund: Fund, person: PersonId, accounts: &[Account], transfers: &[Transfer]) -> PersonFund {
    let find = |code: AccountCode| accounts.iter().find(|a| a.fund == fund.id && a.code == code);
    let own = find(AccountCode::Person(person));
    let spent = find(AccountCode::Spent(person));
    let allocated: i64 = transfers
        .iter()
        .filter(|t| t.fund == fund.id)
        .map(|t| match (t.kind, t.credit) {
            (TransferKind::Allocate, _) => t.amount_cents,
            (TransferKind::Reverse, AccountCode::Pool) => -t.amount_cents,
            _ => 0,
        })
        .sum();
    PersonFund {
        person,
        available_cents: own.map_or(0, Account::available),
        committed_cents: own.map_or(0, |a| a.totals.debits_pending),
        spent_cents: spent.map_or(0, |a| a.totals.credit_balance()),
        allocated_cents: allocated,
        fund,
    }
}

/// What breaks the ledger's invariants, in words (empty: none): every account keeps its rules,
/// the credit balances (posted and pending) sum to zero.
pub fn invariant_violations(accounts: &[Account]) -> Vec<String> {
    let mut found: Vec<String> = accounts
        .iter()
        .filter(|a| !a.keeps_its_rules())
        .map(|a| format!("{} breaks its rules: {:?}", a.code.code(), a.totals))
        .collect();
    let posted: i64 = accounts.iter().map(|a| a.totals.credit_balance()).sum();
    let pending: i64 = accounts.iter().map(|a| a.totals.credits_pending - a.totals.debits_pending).sum();
    if posted != 0 || pending != 0 {
        found.push(format!("balances do not sum to zero: posted {posted}, pending {pending}"));
    }
    found
}
