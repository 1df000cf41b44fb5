//! Proposals of the mayor's measures in the JSON API, as on the measures page: probation and
//! the process manager propose an exclusion order or an area ban with their reason (the
//! municipality on the team is told through the outbox), the municipality answers — imposed
//! (after imposing it through `exclusion-orders` / `area-bans`) or declined with a reason.
//! Same use cases, access rules and audit as the page.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::measures::service::{AnswerInput, ProposalInput};
use domain::measures::{MeasureProposal, ProposalOutcome, ProposalStatus};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/measure-proposals", get(list_proposals).post(propose))
        .route("/v1/people/{id}/measure-proposals/{proposal}/answer", post(answer))
}

#[derive(OpenApi)]
#[openapi(paths(list_proposals, propose, answer), components(schemas(ProposalDto, NewProposal, ProposalAnswer)))]
pub struct MeasureProposalsApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b2-0000-7000-8000-0000000000d1", "measure": "exclusion_order", "reason": "Serious threats against partner and child after the arrest", "proposed_by": "0193a1b2-0000-7000-8000-0000000000aa", "agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "proposed_at": "2026-12-07T09:30:00Z", "status": "open", "outcome": null, "note": null, "answered_by": null, "answered_at": null, "version": 1}))]
pub struct ProposalDto {
    id: String,
    /// `exclusion_order` or `area_ban`.
    measure: &'static str,
    reason: String,
    proposed_by: String,
    /// The proposing member's agency.
    agency: String,
    proposed_at: String,
    /// `open` or `answered`.
    status: &'static str,
    /// When answered: `imposed` or `declined`.
    outcome: Option<&'static str>,
    /// The municipality's note (the reason to decline).
    note: Option<String>,
    answered_by: Option<String>,
    answered_at: Option<String>,
    version: i64,
}

fn proposal_dto(p: &MeasureProposal, version: i64) -> ProposalDto {
    let (status, outcome, note, answered_by, answered_at) = match &p.status {
        ProposalStatus::Open => ("open", None, None, None, None),
        ProposalStatus::Answered { outcome, note, by, at } => (
            "answered",
            Some(match outcome {
                ProposalOutcome::Imposed => "imposed",
                ProposalOutcome::Declined => "declined",
            }),
            Some(note.clone()),
            Some(by.to_string()),
            Some(at.to_string()),
        ),
    };
    ProposalDto {
        id: p.id.to_string(),
        measure: p.measure.code(),
        reason: p.reason.clone(),
        proposed_by: p.proposed_by.to_string(),
        agency: p.agency.to_string(),
        proposed_at: p.proposed_at.to_string(),
        status,
        outcome,
        note,
        answered_by,
        answered_at,
        version,
    }
}

/// The proposals of mayor's measures about the person, oldest first (audited as a read).
#[utoipa::path(get, path = "/api/v1/people/{id}/measure-proposals", operation_id = "list_measure_proposals",
    params(("id" = String, Path)),
    responses((status = 200, description = "The proposals", body = [ProposalDto]),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem)))]
async fn list_proposals(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let measures = state.for_person(id).await?.measures().of_person(&me.actor, id, "api: measure proposals").await?;
    let body: Vec<ProposalDto> = measures.proposals.iter().map(|s| proposal_dto(&s.value, s.version)).collect();
    Ok(Json(body).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"measure": "exclusion_order", "reason": "Serious threats against partner and child after the arrest"}))]
pub struct NewProposal {
    /// `exclusion_order` or `area_ban`.
    measure: String,
    /// Why the measure is needed (required).
    reason: String,
}

/// Proposes a mayor's measure; the municipality must be on the person's team to hear it.
#[utoipa::path(post, path = "/api/v1/people/{id}/measure-proposals", operation_id = "propose_mayor_measure",
    params(("id" = String, Path)), request_body = NewProposal,
    responses((status = 201, description = "Proposed; the body is the proposal", body = ProposalDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid, or no municipality on the team; the problem names each field (problem JSON)", body = Problem)))]
async fn propose(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewProposal>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input = ProposalInput { measure: new.measure, reason: new.reason };
    let here = state.for_person(id).await?;
    let proposal = here.measures().propose(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(proposal_dto(&proposal, 1))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"outcome": "declined", "reason": "A talk with the family first; proposed again if threats recur"}))]
pub struct ProposalAnswer {
    /// `imposed` (after imposing the measure) or `declined`.
    outcome: String,
    /// The note; the reason when declining.
    reason: String,
}

/// The municipality answers a proposal. An answered proposal is not answered again (422).
#[utoipa::path(post, path = "/api/v1/people/{id}/measure-proposals/{proposal}/answer", operation_id = "answer_measure_proposal",
    params(("id" = String, Path), ("proposal" = String, Path)), request_body = ProposalAnswer,
    responses((status = 200, description = "Answered; the body is the proposal", body = ProposalDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 409, description = "Someone saved the proposal meanwhile (problem JSON)", body = Problem),
        (status = 422, description = "No such proposal, already answered, or the input is not valid (problem JSON)", body = Problem)))]
async fn answer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, proposal)): Path<(String, String)>,
    parsed: Result<Json<ProposalAnswer>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let input = AnswerInput { proposal, outcome: body.outcome, reason: body.reason };
    let here = state.for_person(id).await?;
    let answered = here.measures().answer_proposal(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok(Json(proposal_dto(&answered.value, answered.version)).into_response())
}
