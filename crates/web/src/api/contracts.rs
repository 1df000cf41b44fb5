//! Contracts in the JSON API (issue 21): who commissions whom. `GET /api/v1/contracts` lists
//! every contract to an administrator and a commissioner's own agency's to them; administrators
//! add one (`POST`, 201 with its `id`) and end one on a day (`POST …/{id}/end`: the ending is
//! kept beside the contract). The same use cases as the `/contracts` page: refusals 403 and on
//! record, input that does not parse 422 with a problem per field.

use super::admin::refused;
use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::partnership::service::contracts::{ContractInput, ContractRecord, EndContractInput};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/contracts", get(contracts).post(add_contract))
        .route("/v1/contracts/{contract}/end", post(end_contract))
}

#[derive(OpenApi)]
#[openapi(paths(contracts, add_contract, end_contract), components(schemas(ContractDto, NewContract, ContractEnd)))]
pub struct ContractsApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "commissioner_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "provider_id": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6c8e0b1d", "intervention_id": null, "starts_on": "2026-01-01", "ends_on": null, "reference": "AMS-ZORG-2026-014", "recorded_at": "2026-01-05T09:15:00Z", "ended_at": null}))]
pub struct ContractDto {
    id: String,
    /// The commissioning agency.
    commissioner_id: String,
    /// The provider agency contracted.
    provider_id: String,
    /// The one intervention bought; null: every intervention of the provider.
    intervention_id: Option<String>,
    starts_on: String,
    /// The last day, when the contract has one (the newest ending recorded).
    ends_on: Option<String>,
    reference: String,
    recorded_at: String,
    /// When the ending in force was recorded, if it was recorded after the contract was made.
    ended_at: Option<String>,
}

fn contract_dto(record: &ContractRecord) -> ContractDto {
    let c = &record.contract;
    ContractDto {
        id: c.id.to_string(),
        commissioner_id: c.commissioner.to_string(),
        provider_id: c.provider.to_string(),
        intervention_id: c.intervention.map(|i| i.to_string()),
        starts_on: c.starts_on.to_string(),
        ends_on: c.ends_on.map(|d| d.to_string()),
        reference: c.reference.clone(),
        recorded_at: record.recorded_at.to_string(),
        ended_at: record.ended_at.map(|at| at.to_string()),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"commissioner_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "provider_id": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6c8e0b1d", "starts_on": "2026-01-01", "reference": "AMS-ZORG-2026-014"}))]
pub struct NewContract {
    commissioner_id: String,
    provider_id: String,
    /// One of the provider's interventions; leave out for all of them.
    intervention_id: Option<String>,
    #[schema(example = "2026-01-01")]
    starts_on: String,
    /// Leave out for a contract without an end date.
    ends_on: Option<String>,
    /// Up to 200 characters.
    reference: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"ends_on": "2026-12-31"}))]
pub struct ContractEnd {
    /// The contract's last day (not before its first).
    ends_on: String,
}

/// The contracts: every one to an administrator, a commissioner's own agency's to them.
#[utoipa::path(get, path = "/api/v1/contracts",
    responses((status = 200, description = "the contracts, oldest first", body = [ContractDto]),
        (status = 403, description = "neither an administrator nor a commissioner", body = Problem)))]
async fn contracts(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let list = state.administration().contracts(&me.actor).await.map_err(refused(&context))?;
    Ok(Json(list.iter().map(contract_dto).collect::<Vec<_>>()).into_response())
}

/// Record a contract: a commissioning agency contracts a provider, for all its interventions
/// or one, from a day.
#[utoipa::path(post, path = "/api/v1/contracts", request_body = NewContract,
    responses((status = 201, description = "the contract", body = ContractDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix (an unknown agency or intervention, an end before the start)", body = Problem)))]
async fn add_contract(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewContract>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = ContractInput {
        commissioner_id: new.commissioner_id,
        provider_id: new.provider_id,
        intervention_id: new.intervention_id.unwrap_or_default(),
        starts_on: new.starts_on,
        ends_on: new.ends_on.unwrap_or_default(),
        reference: new.reference,
    };
    let record = state.administration().add_contract(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(contract_dto(&record))).into_response())
}

/// End a running contract on its last day; the contract and its ending both stay on record.
#[utoipa::path(post, path = "/api/v1/contracts/{contract}/end", params(("contract" = String, Path)), request_body = ContractEnd,
    responses((status = 200, description = "the contract, ended", body = ContractDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such contract", body = Problem),
        (status = 422, description = "no day, a day before the start, or the contract has ended already", body = Problem)))]
async fn end_contract(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ContractEnd>, JsonRejection>,
) -> ApiResult {
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| WebError::NotFound)?;
    let Json(end) = parsed?;
    let input = EndContractInput { ends_on: end.ends_on };
    let record = state.administration().end_contract(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok(Json(contract_dto(&record)).into_response())
}
