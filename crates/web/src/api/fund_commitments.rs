//! Resolving a fund's open commitments in the JSON API, as the fund's ledger page does: post
//! the purchase with its invoice reference (the whole commitment, or what was paid), or void
//! it and free the money. The same `Funds::transfer` use case (and so the same ledger rules,
//! idempotency by the client's transfer id, authorisation and audit) as the page and as
//! `POST /api/v1/funds/{fund}/transfers` with `kind` `post` or `void`.

use super::funds::{TransferDto, fund_id, fund_refused, transfer_dto};
use super::problem::{ApiResult, Problem, unprocessable};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::funds::service::TransferInput;
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/funds/{fund}/commitments/{transfer}", post(resolve_commitment))
}

#[derive(OpenApi)]
#[openapi(paths(resolve_commitment), components(schemas(CommitmentResolution)))]
pub struct FundCommitmentsApiDoc;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"action": "post", "id": "0193a1b2-0000-7000-8000-0000000000e1", "invoice_ref": "INV-2026-0412", "amount_cents": 8950}))]
pub struct CommitmentResolution {
    /// `post` (the purchase was made: spend it) or `void` (free the reserved money).
    action: String,
    /// A UUID chosen by the client for the resolving transfer: the idempotency key. The same
    /// id with the same request answers the recorded transfer again; with another, 409.
    id: String,
    /// For `post`: the invoice's reference (required by the ledger).
    invoice_ref: String,
    /// For `post`: what was paid in whole cents, at most the commitment; left out: all of it.
    amount_cents: Option<i64>,
}

/// Posts (with the invoice) or voids an open commitment of the fund. A commitment already
/// resolved, one above the threshold not yet approved, or a missing invoice is a 422.
#[utoipa::path(post, path = "/api/v1/funds/{fund}/commitments/{transfer}", operation_id = "resolve_fund_commitment",
    params(("fund" = String, Path), ("transfer" = String, Path, description = "the commitment's transfer id")),
    request_body = CommitmentResolution,
    responses((status = 201, description = "Resolved; the body is the posting or voiding transfer (a retry with the same id and request: header Idempotent-Replayed)", body = TransferDto),
        (status = 403, description = "Not a member of the holding agency; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such fund (problem JSON)", body = Problem),
        (status = 409, description = "The id was used before for a different request (problem JSON)", body = Problem),
        (status = 422, description = "Not resolvable by the ledger's rules, or the input is not valid; the problem names the field (problem JSON)", body = Problem)))]
async fn resolve_commitment(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((fund, transfer)): Path<(String, String)>,
    parsed: Result<Json<CommitmentResolution>, JsonRejection>,
) -> ApiResult {
    let fund = fund_id(&fund)?;
    let commitment = uuid::Uuid::parse_str(transfer.trim()).map_err(|_| WebError::NotFound)?;
    let Json(body) = parsed?;
    let kind = match body.action.trim() {
        kind @ ("post" | "void") => kind.to_string(),
        _ => return Ok(unprocessable("action must be post or void")),
    };
    let input = TransferInput {
        id: body.id,
        kind,
        amount_cents: body.amount_cents,
        invoice_ref: body.invoice_ref,
        pending_id: commitment.to_string(),
        ..TransferInput::default()
    };
    let zone = state.member_zone(&me.actor).await?;
    let recorded =
        state.funds_in(&zone.zone).transfer(&me.actor, fund, &input).await.map_err(fund_refused(&context))?;
    let mut response = (StatusCode::CREATED, Json(transfer_dto(&recorded.transfer))).into_response();
    if recorded.replayed {
        response.headers_mut().insert("idempotent-replayed", axum::http::HeaderValue::from_static("true"));
    }
    Ok(response)
}
