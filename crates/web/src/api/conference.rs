//! Invitations onto a person's team in the JSON API, as `/invitations` in the pages: the
//! agency's open invitations, one invitation, and the answer — accept with the agency's own
//! legal basis, or decline with a reason. The invitation is all the agency sees of the person
//! until it accepts; every read and answer is audited by the same use cases as the pages.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::access::TeamEntryInput;
use domain::conference::InvitationStatus;
use domain::conference::service::{Answer, InvitationLine};
use domain::ids::InvitationId;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/invitations", get(list)).route("/v1/invitations/{invitation}", get(show).post(answer))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, show, answer),
    components(schemas(InvitationDto, InvitationsDto, InvitationAnswer, InvitationBasis))
)]
pub struct ConferenceApiDoc;

/// An invitation for your agency to join a person's team.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "purpose": "Debt counselling as part of the plan", "invited_by_agency": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "invited_at": "2026-12-07T09:15:00Z", "status": "open"}))]
pub struct InvitationDto {
    id: String,
    /// The person (their record opens once your agency has joined).
    person_id: String,
    person_name: String,
    /// Why your agency is asked.
    purpose: String,
    /// The agency that invited yours.
    invited_by_agency: String,
    /// RFC 3339.
    invited_at: String,
    /// `open`, `accepted` or `declined`.
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"invitations": [{"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "purpose": "Debt counselling as part of the plan", "invited_by_agency": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "invited_at": "2026-12-07T09:15:00Z", "status": "open"}]}))]
pub struct InvitationsDto {
    invitations: Vec<InvitationDto>,
}

fn dto(line: &InvitationLine) -> InvitationDto {
    let i = &line.invitation;
    InvitationDto {
        id: i.id.to_string(),
        person_id: i.person.to_string(),
        person_name: line.person_name.clone(),
        purpose: i.purpose.clone(),
        invited_by_agency: i.invited_by_agency.to_string(),
        invited_at: i.invited_at.to_string(),
        status: match i.status {
            InvitationStatus::Open => "open",
            InvitationStatus::Accepted { .. } => "accepted",
            InvitationStatus::Declined { .. } => "declined",
        },
    }
}

/// Your agency's own legal basis to join the team.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct InvitationBasis {
    /// `statutory_task`, `consent` or `court_order`.
    kind: String,
    statute: String,
    consent_scope: String,
    /// `YYYY-MM-DD`.
    consent_expires_on: String,
    court_order_reference: String,
    reason: String,
}

/// The answer: `accept` with `basis`, or `decline` with `reason`.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"decision": "accept", "basis": {"kind": "statutory_task", "statute": "Wet schuldhulpverlening, art. 3", "reason": "Debt counselling asked for by the team"}}))]
pub struct InvitationAnswer {
    /// `accept` or `decline`.
    decision: String,
    #[serde(default)]
    basis: InvitationBasis,
    /// Why your agency declines (required to decline).
    #[serde(default)]
    reason: String,
}

fn invitation_id(raw: &str) -> Result<InvitationId, WebError> {
    InvitationId::parse(raw).map_err(|_| WebError::NotFound)
}

/// Your agency's open invitations, oldest first.
#[utoipa::path(get, path = "/api/v1/invitations", operation_id = "list_invitations",
    responses((status = 200, description = "The agency's open invitations", body = InvitationsDto), (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let conferences = state.conferences_for(&me.actor).await?;
    let lines = conferences.open_invitations(&me.actor).await.map_err(refused(&context))?;
    Ok(Json(InvitationsDto { invitations: lines.iter().map(dto).collect() }).into_response())
}

/// One invitation of your agency.
#[utoipa::path(get, path = "/api/v1/invitations/{invitation}", operation_id = "read_invitation",
    params(("invitation" = String, Path)),
    responses((status = 200, description = "The invitation", body = InvitationDto), (status = 403, description = "Not your agency's invitation; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such invitation (problem JSON)", body = Problem)))]
async fn show(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = invitation_id(&id)?;
    let conferences = state.conferences_for(&me.actor).await?;
    let line = conferences.invitation(&me.actor, id).await.map_err(refused(&context))?;
    Ok(Json(dto(&line)).into_response())
}

/// Answers an invitation for your agency: accept with your own legal basis (your agency joins
/// the team), or decline with a reason. Bad input is a 422 naming each field; nothing changes.
#[utoipa::path(post, path = "/api/v1/invitations/{invitation}", operation_id = "answer_invitation",
    params(("invitation" = String, Path)), request_body = InvitationAnswer,
    responses((status = 200, description = "Answered; the body is the invitation as it is now", body = InvitationDto), (status = 403, description = "Not your agency's invitation; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such invitation (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn answer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<InvitationAnswer>, JsonRejection>,
) -> ApiResult {
    let id = invitation_id(&id)?;
    let Json(body) = parsed?;
    let answer = match body.decision.trim() {
        "decline" => Answer::Decline { reason: body.reason },
        _ => Answer::Accept(TeamEntryInput {
            agency_id: me.actor.agency_id.to_string(),
            basis_kind: body.basis.kind,
            statute: body.basis.statute,
            consent_scope: body.basis.consent_scope,
            consent_expires_on: body.basis.consent_expires_on,
            court_order_reference: body.basis.court_order_reference,
            reason: body.basis.reason,
        }),
    };
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.answer_invitation(&me.actor, id, &answer).await.map_err(refused(&context))?;
    let line = conferences.invitation(&me.actor, id).await.map_err(refused(&context))?;
    Ok(Json(dto(&line)).into_response())
}
