//! Personal funds in the JSON API: a person's fund, opening a fund, a fund's ledger, transfers
//! (allocate, commit, post, void, release, reverse) with the client's id as idempotency key,
//! and approvals. Every call goes through `domain::funds::service::Funds`, so authorisation,
//! the audit log and the ledger's rules are those of the pages.

use super::problem::{ApiResult, Problem, invalid_problem, problem, refused};
use crate::AppState;
use crate::auth::{Member, RequestContext};
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::funds::service::{FundInput, TransferInput};
use domain::funds::{Account, Fund, FundError, FundId, OpenCommitment, PersonFund, Transfer, TransferId};
use domain::service::ServiceError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/fund", get(person_fund))
        .route("/v1/funds", get(held_funds).post(open_fund))
        .route("/v1/funds/{fund}", get(ledger))
        .route("/v1/funds/{fund}/transfers", post(make_transfer))
        .route("/v1/funds/{fund}/transfers/{transfer}/approval", post(approve))
}

#[derive(OpenApi)]
#[openapi(
    paths(person_fund, held_funds, open_fund, ledger, make_transfer, approve),
    components(schemas(
        PersonFundDto,
        FundFiguresDto,
        FundDto,
        NewFund,
        LedgerDto,
        AccountDto,
        TransferDto,
        NewTransfer,
        FundOrderDto
    ))
)]
pub struct FundsApiDoc;

pub(super) fn fund_id(raw: &str) -> Result<FundId, crate::error::WebError> {
    uuid::Uuid::parse_str(raw.trim()).map(FundId).map_err(|_| crate::error::WebError::NotFound)
}

/// The ledger's refusals: an id reused for another request is a 409, the rest 422 with the field.
pub(super) fn fund_refused(context: &RequestContext) -> impl FnOnce(ServiceError) -> super::problem::ApiError + '_ {
    move |error| {
        let response = match (error.rule::<FundError>(), error.field_errors()) {
            (Some(FundError::IdReused), _) => problem(
                StatusCode::CONFLICT,
                "a transfer with this id was already made with a different request; use a new id",
                Vec::new(),
                json!({}),
            ),
            (Some(_), Some(errors)) => invalid_problem(&errors, context),
            _ => return refused(context)(error),
        };
        super::problem::ApiError::Problem(response)
    }
}

/// A person's figures in one fund, in cents.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"fund_id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "fund_name": "Persoonsgebonden budget 2026", "stream": "personal", "available_cents": 35000, "committed_cents": 10000, "spent_cents": 5000, "allocated_cents": 50000}))]
pub struct FundFiguresDto {
    fund_id: String,
    fund_name: String,
    stream: String,
    /// What the person may still commit: allocated less spent, reserved and released.
    available_cents: i64,
    /// Reserved by commitments not yet posted or voided.
    committed_cents: i64,
    spent_cents: i64,
    allocated_cents: i64,
}

fn figures(f: &PersonFund) -> FundFiguresDto {
    FundFiguresDto {
        fund_id: f.fund.id.to_string(),
        fund_name: f.fund.name.clone(),
        stream: f.fund.stream.clone(),
        available_cents: f.available_cents,
        committed_cents: f.committed_cents,
        spent_cents: f.spent_cents,
        allocated_cents: f.allocated_cents,
    }
}

/// A person's fund: the figures of the fund they were last allocated from at the top level,
/// every fund in `funds`, and their transfers (what they chose and bought).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "fund_id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "available_cents": 35000, "committed_cents": 10000, "spent_cents": 5000, "funds": [{"fund_id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "fund_name": "Persoonsgebonden budget 2026", "stream": "personal", "available_cents": 35000, "committed_cents": 10000, "spent_cents": 5000, "allocated_cents": 50000}], "transfers": []}))]
pub struct PersonFundDto {
    person_id: String,
    /// The fund of the latest allocation; `null` when the person has none.
    fund_id: Option<String>,
    available_cents: i64,
    committed_cents: i64,
    spent_cents: i64,
    funds: Vec<FundFiguresDto>,
    transfers: Vec<TransferDto>,
}

/// One transfer as recorded (never changed; corrections are reversing transfers).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "fund_id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "kind": "commit", "debit_account": "person:5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "credit_account": "supplier", "amount_cents": 10000, "phase": "pending", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "goal_id": "0193a1b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b", "goal": "I want to work in a warehouse again", "description": "Safety shoes for the warehouse job", "order": null, "choice": "Safety shoes rather than work clothes", "choice_reason": "The warehouse asks for them on the first day", "invoice_ref": null, "pending_id": null, "reverses_id": null, "needs_approval": false, "at": "2026-12-07T09:15:00Z", "by": "Sanne Bakker"}))]
pub struct TransferDto {
    id: String,
    fund_id: String,
    /// `budget`, `allocate`, `commit`, `post`, `void`, `release`, `reverse` or `grant`.
    kind: &'static str,
    debit_account: String,
    credit_account: String,
    amount_cents: i64,
    /// `posted`, `pending` (a commitment's reservation), `post_pending` or `void_pending`.
    phase: &'static str,
    person_id: Option<String>,
    /// The project group it is for (a grant or the group's own spend).
    group_id: Option<String>,
    /// The goal of the person's plan it serves (`null`: a goal stated in words only — a person
    /// without a plan, a project group, or words that matched no goal of the plan).
    goal_id: Option<String>,
    /// The goal in the person's own words (the plan goal's words when it was recorded).
    goal: String,
    description: String,
    /// An order for a catalogue intervention's units at its unit cost (the amount is units ×
    /// unit cost); `null` for a purchase described in words.
    order: Option<FundOrderDto>,
    /// What the person chose and why, in their own words (empty: not recorded).
    choice: String,
    choice_reason: String,
    invoice_ref: Option<String>,
    pending_id: Option<String>,
    reverses_id: Option<String>,
    /// A commitment above the fund's threshold: posted only after a second member approves.
    needs_approval: bool,
    at: String,
    by: String,
}

/// An order as priced from the catalogue when it was made.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"intervention_id": "0193a1b2-4c5d-7e6f-8a9b-0c1d2e3f4a5c", "intervention_name": "Eigen kamer met begeleiding", "units": 14, "unit_cost_cents": 4250}))]
pub struct FundOrderDto {
    intervention_id: String,
    /// The intervention's name when it was ordered.
    intervention_name: String,
    units: i64,
    unit_cost_cents: i64,
}

pub(super) fn transfer_dto(t: &Transfer) -> TransferDto {
    TransferDto {
        id: t.id.to_string(),
        fund_id: t.fund.to_string(),
        kind: t.kind.code(),
        debit_account: t.debit.code(),
        credit_account: t.credit.code(),
        amount_cents: t.amount_cents,
        phase: match t.phase {
            domain::funds::Phase::Posted => "posted",
            domain::funds::Phase::Pending => "pending",
            domain::funds::Phase::PostPending { .. } => "post_pending",
            domain::funds::Phase::VoidPending { .. } => "void_pending",
        },
        person_id: t.person.map(|p| p.to_string()),
        group_id: t.group.map(|g| g.to_string()),
        goal_id: t.goal_id.map(|g| g.to_string()),
        goal: t.goal.clone(),
        description: t.description.clone(),
        order: t.order.as_ref().map(|o| FundOrderDto {
            intervention_id: o.intervention.to_string(),
            intervention_name: o.name.clone(),
            units: o.units,
            unit_cost_cents: o.unit_cost_cents,
        }),
        choice: t.choice.clone(),
        choice_reason: t.choice_reason.clone(),
        invoice_ref: t.invoice_ref.clone(),
        pending_id: t.pending.map(|p| p.to_string()),
        reverses_id: t.reverses.map(|p| p.to_string()),
        needs_approval: t.needs_approval,
        at: t.at.to_string(),
        by: t.by.to_string(),
    }
}

/// The person's fund (the read is audited).
#[utoipa::path(get, path = "/api/v1/people/{id}/fund", operation_id = "read_person_fund", params(("id" = String, Path)),
    responses((status = 200, description = "The person's funds and transfers", body = PersonFundDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem)))]
async fn person_fund(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let zone = state.person_zone(id).await?;
    let statement =
        state.funds_in(&zone.zone).statement(&me.actor, id, "api: fund").await.map_err(refused(&context))?;
    let latest =
        statement.transfers.iter().rev().find(|t| t.kind == domain::funds::TransferKind::Allocate).map(|t| t.fund);
    let main = latest.and_then(|fund| statement.funds.iter().find(|f| f.fund.id == fund)).or(statement.funds.first());
    Ok(Json(PersonFundDto {
        person_id: id.to_string(),
        fund_id: main.map(|f| f.fund.id.to_string()),
        available_cents: main.map_or(0, |f| f.available_cents),
        committed_cents: main.map_or(0, |f| f.committed_cents),
        spent_cents: main.map_or(0, |f| f.spent_cents),
        funds: statement.funds.iter().map(figures).collect(),
        transfers: statement.transfers.iter().map(transfer_dto).collect(),
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "name": "Persoonsgebonden budget 2026", "kind": "personal", "stream": "personal", "holder_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "period_start": "2026-01-01", "period_end": "2026-12-31", "budget_cents": 5000000, "approval_above_cents": 25000, "person_limit_cents": 100000}))]
pub struct FundDto {
    id: String,
    name: String,
    /// `stream`, `held` or `grant_pot`.
    kind: &'static str,
    stream: String,
    holder_agency: String,
    period_start: String,
    period_end: String,
    budget_cents: i64,
    approval_above_cents: i64,
    person_limit_cents: Option<i64>,
}

fn fund_dto(f: &Fund) -> FundDto {
    FundDto {
        id: f.id.to_string(),
        name: f.name.clone(),
        kind: f.kind.code(),
        stream: f.stream.clone(),
        holder_agency: f.holder.to_string(),
        period_start: f.period_start.to_string(),
        period_end: f.period_end.to_string(),
        budget_cents: f.budget_cents,
        approval_above_cents: f.approval_above_cents,
        person_limit_cents: f.person_limit_cents,
    }
}

/// The funds the member's agency holds.
#[utoipa::path(get, path = "/api/v1/funds", operation_id = "list_held_funds",
    responses((status = 200, description = "The funds the member's agency holds", body = [FundDto])))]
async fn held_funds(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let zone = state.member_zone(&me.actor).await?;
    let funds = state.funds_in(&zone.zone).held_funds(&me.actor).await.map_err(refused(&context))?;
    Ok(Json(funds.iter().map(fund_dto).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Persoonsgebonden budget 2026", "kind": "personal", "stream": "personal", "period_start": "2026-01-01", "period_end": "2026-12-31", "budget_cents": 5000000, "approval_above_cents": 25000, "person_limit_cents": 100000}))]
pub struct NewFund {
    name: String,
    /// `stream`, `held` or `grant_pot`.
    kind: String,
    stream: String,
    /// `YYYY-MM-DD`.
    period_start: String,
    period_end: String,
    budget_cents: Option<i64>,
    /// Commitments above this need a second member's approval.
    approval_above_cents: Option<i64>,
    /// The most one person may be allocated; left out: no limit beyond the budget.
    person_limit_cents: Option<i64>,
}

/// Opens a fund held by the member's agency, with its budget.
#[utoipa::path(post, path = "/api/v1/funds", operation_id = "open_fund", request_body = NewFund,
    responses((status = 201, description = "Opened; the body is the fund", body = FundDto),
        (status = 403, description = "Not allowed for this member (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn open_fund(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewFund>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = FundInput {
        name: new.name,
        kind: new.kind,
        stream: new.stream,
        period_start: new.period_start,
        period_end: new.period_end,
        budget_cents: new.budget_cents,
        approval_above_cents: new.approval_above_cents,
        person_limit_cents: new.person_limit_cents,
    };
    let zone = state.member_zone(&me.actor).await?;
    let fund = state.funds_in(&zone.zone).open_fund(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(fund_dto(&fund))).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    /// `funding`, `pool`, `person:<id>` or `spent:<id>`.
    code: String,
    limit_cents: Option<i64>,
    debits_posted: i64,
    debits_pending: i64,
    credits_posted: i64,
    credits_pending: i64,
    available_cents: i64,
}

fn account_dto(a: &Account) -> AccountDto {
    AccountDto {
        code: a.code.code(),
        limit_cents: a.limit_cents,
        debits_posted: a.totals.debits_posted,
        debits_pending: a.totals.debits_pending,
        credits_posted: a.totals.credits_posted,
        credits_pending: a.totals.credits_pending,
        available_cents: a.available(),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"fund": {"id": "e5a7c9d1-6f8b-4d0e-8a4c-5b7d9e1f3a6c", "name": "Persoonsgebonden budget 2026", "kind": "personal", "stream": "personal", "holder_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "period_start": "2026-01-01", "period_end": "2026-12-31", "budget_cents": 5000000, "approval_above_cents": 25000, "person_limit_cents": 100000}, "accounts": [{"code": "budget", "limit_cents": 5000000, "debits_posted": 5000, "debits_pending": 10000, "credits_posted": 0, "credits_pending": 0, "available_cents": 4985000}], "open_commitments": [], "awaiting_approval": []}))]
pub struct LedgerDto {
    fund: FundDto,
    accounts: Vec<AccountDto>,
    /// Commitments not yet posted or voided.
    open_commitments: Vec<TransferDto>,
    /// Of those, the ones waiting for a second member's approval.
    awaiting_approval: Vec<String>,
}

/// A fund's accounts and open commitments, for members of the holding agency.
#[utoipa::path(get, path = "/api/v1/funds/{fund}", operation_id = "read_fund_ledger", params(("fund" = String, Path)),
    responses((status = 200, description = "The fund's ledger", body = LedgerDto),
        (status = 403, description = "Not a member of the holding agency (problem JSON)", body = Problem),
        (status = 404, description = "No such fund (problem JSON)", body = Problem)))]
async fn ledger(State(state): State<AppState>, Member(me, context): Member, Path(fund): Path<String>) -> ApiResult {
    let fund = fund_id(&fund)?;
    let zone = state.member_zone(&me.actor).await?;
    let ledger = state.funds_in(&zone.zone).ledger(&me.actor, fund).await.map_err(refused(&context))?;
    let waiting = |c: &&OpenCommitment| c.transfer.needs_approval && c.approved_by.is_none();
    Ok(Json(LedgerDto {
        fund: fund_dto(&ledger.fund),
        accounts: ledger.accounts.iter().map(account_dto).collect(),
        open_commitments: ledger.open.iter().map(|c| transfer_dto(&c.transfer)).collect(),
        awaiting_approval: ledger.open.iter().filter(waiting).map(|c| c.transfer.id.to_string()).collect(),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "kind": "commit", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "amount_cents": 10000, "description": "Safety shoes for the warehouse job", "goal_id": "0193a1b2-4c5d-7e6f-8a9b-0c1d2e3f4a5b", "invoice_ref": "", "pending_id": "", "reverses_id": "", "choice": "Safety shoes rather than work clothes", "choice_reason": "The warehouse asks for them on the first day"}))]
pub struct NewTransfer {
    /// A UUID chosen by the client: the idempotency key. The same id with the same request
    /// answers the recorded transfer again; with a different request, 409.
    id: String,
    /// `allocate` (pool → person), `commit` (reserve for a purchase), `post` (spend a
    /// commitment, with `invoice_ref`), `void` (free a commitment), `release` (person → pool),
    /// `reverse` (undo an allocation, spend or release named by `reverses_id`), `grant` (grant
    /// pot → the project group `group_id`, reserved until posted or voided).
    kind: String,
    person_id: String,
    /// The project group, for a `grant` or the group's own `commit` and `release`.
    group_id: String,
    /// Whole cents; for `post` left out: the whole commitment; not used by `void`/`reverse`.
    amount_cents: Option<i64>,
    description: String,
    /// The goal of the person's plan it serves: a goal id from `GET /api/v1/people/{id}/plan`.
    /// A `commit` for a person whose plan has goals names one (or `goal` in words that read
    /// exactly like it); otherwise 422 on `goal_id`, or 422 if it is not a goal of their plan.
    goal_id: String,
    /// The goal in words, for a person without a plan or a project group; words that read
    /// exactly like a goal of the person's plan are that goal. Left out with `goal_id` too: the
    /// description, as before goal ids (kept as words when it reads like no plan goal).
    goal: String,
    invoice_ref: String,
    /// The commitment a `post` or `void` resolves.
    pending_id: String,
    /// The transfer a `reverse` undoes.
    reverses_id: String,
    /// An order (`commit` only): the catalogue intervention whose `units` are ordered. The
    /// amount is then the units times its unit cost, priced by the server; leave
    /// `amount_cents` out (a different amount is 422). No unit cost, a withdrawn entry, units
    /// outside 1..=10000 or more than is left: 422.
    intervention_id: String,
    units: Option<i64>,
    /// What the person chose and why, in their own words (at most 500 characters each).
    choice: String,
    choice_reason: String,
}

/// Records a transfer on the fund. A refusal (not enough money, above a limit, a commitment
/// already resolved, not approved) is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/funds/{fund}/transfers", operation_id = "make_fund_transfer", params(("fund" = String, Path)),
    request_body = NewTransfer,
    responses((status = 201, description = "Recorded (or, for a retry with the same id and request, recorded before: header Idempotent-Replayed)", body = TransferDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such fund or person (problem JSON)", body = Problem),
        (status = 409, description = "The id was used before for a different request (problem JSON)", body = Problem),
        (status = 422, description = "Invalid or refused by the ledger's rules; the problem names the field (problem JSON)", body = Problem)))]
async fn make_transfer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(fund): Path<String>,
    parsed: Result<Json<NewTransfer>, JsonRejection>,
) -> ApiResult {
    let fund = fund_id(&fund)?;
    let Json(new) = parsed?;
    // A client from before goal ids names neither: its description stands for the goal, as then.
    let goal =
        if new.goal.trim().is_empty() && new.goal_id.trim().is_empty() { new.description.clone() } else { new.goal };
    let input = TransferInput {
        id: new.id,
        kind: new.kind,
        person_id: new.person_id,
        group_id: new.group_id,
        amount_cents: new.amount_cents,
        description: new.description,
        goal_id: new.goal_id,
        goal,
        invoice_ref: new.invoice_ref,
        pending_id: new.pending_id,
        reverses_id: new.reverses_id,
        intervention_id: new.intervention_id,
        units: new.units,
        choice: new.choice,
        choice_reason: new.choice_reason,
    };
    let about = input.person_id.trim().parse::<uuid::Uuid>().ok().map(domain::ids::PersonId);
    let zone = state.zone_about(&me.actor, about).await?;
    let recorded =
        state.funds_in(&zone.zone).transfer(&me.actor, fund, &input).await.map_err(fund_refused(&context))?;
    let mut response = (StatusCode::CREATED, Json(transfer_dto(&recorded.transfer))).into_response();
    if recorded.replayed {
        response.headers_mut().insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// A second member of the holding agency (never the one who asked) approves a commitment
/// above the fund's threshold.
#[utoipa::path(post, path = "/api/v1/funds/{fund}/transfers/{transfer}/approval", operation_id = "approve_fund_commitment",
    params(("fund" = String, Path), ("transfer" = String, Path)),
    responses((status = 204, description = "Approved"),
        (status = 403, description = "Not a member of the holding agency (problem JSON)", body = Problem),
        (status = 404, description = "No such fund (problem JSON)", body = Problem),
        (status = 422, description = "Not approvable: own request, not needed, already resolved (problem JSON)", body = Problem)))]
async fn approve(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((fund, transfer)): Path<(String, String)>,
) -> ApiResult {
    let fund = fund_id(&fund)?;
    let transfer =
        uuid::Uuid::parse_str(transfer.trim()).map(TransferId).map_err(|_| crate::error::WebError::NotFound)?;
    let zone = state.member_zone(&me.actor).await?;
    state.funds_in(&zone.zone).approve(&me.actor, fund, transfer).await.map_err(fund_refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
