//! Conference requests in the JSON API: a partner asks for a case conference on a person, as on
//! `/people/{id}/conference`, and the triage list, as `/triage` in the pages: the requests a
//! Safety House (or IOM hub) process manager has to decide on. Both through the same
//! `Conferences` use cases as the pages, so access checks, the cut-off rule and audit are theirs.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::conference::service::TriageLine;
use domain::conference::{ConferenceRequest, RequestInput, RequestOrigin, RequestStatus, TriageInput};
use domain::ids::{ConferenceRequestId, MeetingId};
use domain::validation::{FieldError, invalid};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/triage", get(list))
        .route("/v1/people/{id}/conference-requests", axum::routing::post(request))
        .route("/v1/triage/{request}", axum::routing::post(decide))
        .route("/v1/triage/{request}/schedule", axum::routing::post(schedule))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, request, decide, schedule),
    components(schemas(
        TriageDto,
        TriageRequestDto,
        NewConferenceRequest,
        ConferenceRequestDto,
        TriageDecision,
        TriageBasis,
        ScheduleOn
    ))
)]
pub struct TriageApiDoc;

/// A conference request on the triage list.
#[derive(Serialize, ToSchema)]
pub struct TriageRequestDto {
    id: String,
    person_id: String,
    person_name: String,
    /// `partner` (requested by an agency) or `proposed` (the cohort rules proposed it).
    origin: &'static str,
    /// The requesting agency, for a partner's request.
    requested_by_agency: Option<String>,
    reason: String,
    goal: String,
    /// Agencies the requester wants at the table.
    invited: Vec<String>,
    /// RFC 3339.
    submitted_at: String,
    /// The triage it is on now (`YYYY-MM-DD`); a request not handled in time rolls over.
    triage_on: String,
    carried_over: bool,
    /// `requested`, `accepted`, `declined`, `scheduled` (on a meeting's agenda) or `discussed`.
    status: &'static str,
    /// Your agency is on the person's team; if not, accepting asks for its legal basis.
    on_team: bool,
    /// For an accepted request: the meetings it can go on (ids).
    meetings: Vec<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"requests": [{"id": "8f47a9b1-6d8f-4bac-8e4a-5f7b9c1d3e6a", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "origin": "partner", "requested_by_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "reason": "Keeps shoplifting alcohol, no home", "goal": "One plan: housing, health, area ban", "invited": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"], "submitted_at": "2026-12-07T09:15:00Z", "triage_on": "2026-12-08", "carried_over": false, "status": "requested", "on_team": true, "meetings": []}]}))]
pub struct TriageDto {
    requests: Vec<TriageRequestDto>,
}

fn status_code(status: &RequestStatus) -> &'static str {
    match status {
        RequestStatus::Requested => "requested",
        RequestStatus::Accepted { .. } => "accepted",
        RequestStatus::Declined { .. } => "declined",
        RequestStatus::Scheduled { .. } => "scheduled",
        RequestStatus::Discussed { .. } => "discussed",
    }
}

fn dto(line: &TriageLine) -> TriageRequestDto {
    let request = &line.request;
    let (origin, requested_by_agency) = match &request.origin {
        RequestOrigin::Partner { agency, .. } => ("partner", Some(agency.to_string())),
        RequestOrigin::Proposed(_) => ("proposed", None),
    };
    TriageRequestDto {
        id: request.id.to_string(),
        person_id: request.person.to_string(),
        person_name: line.person_name.clone(),
        origin,
        requested_by_agency,
        reason: request.reason.clone(),
        goal: request.goal.clone(),
        invited: request.invited.iter().map(|a| a.to_string()).collect(),
        submitted_at: request.submitted_at.to_string(),
        triage_on: line.triage_on.to_string(),
        carried_over: line.carried_over,
        status: status_code(&request.status),
        on_team: line.on_team,
        meetings: line.meetings.iter().map(|m| m.id.to_string()).collect(),
    }
}

/// The conference requests on your Safety House's triage list, as on the triage page.
#[utoipa::path(get, path = "/api/v1/triage", operation_id = "list_triage",
    responses((status = 200, description = "The requests to triage and those accepted awaiting a meeting", body = TriageDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a Safety House process manager triages (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let lines = state.conferences_for(&me.actor).await?.triage_list(&me.actor).await?;
    Ok(Json(TriageDto { requests: lines.iter().map(dto).collect() }).into_response())
}

/// A request for a case conference on a person.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"reason": "Keeps shoplifting alcohol, no home", "goal": "One plan: housing, health, area ban", "invited": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"]}))]
pub struct NewConferenceRequest {
    /// Why a case conference is needed.
    reason: String,
    /// What the conference should achieve.
    goal: String,
    /// Agency ids of the partners to invite.
    invited: Vec<String>,
}

/// The request as filed, with the triage it goes to (the Safety House's cut-off decides).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "8f47a9b1-6d8f-4bac-8e4a-5f7b9c1d3e6a", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "reason": "Keeps shoplifting alcohol, no home", "goal": "One plan: housing, health, area ban", "invited": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e"], "submitted_at": "2026-12-07T09:15:00Z", "triage_on": "2026-12-08", "status": "requested"}))]
pub struct ConferenceRequestDto {
    id: String,
    person_id: String,
    reason: String,
    goal: String,
    invited: Vec<String>,
    submitted_at: String,
    triage_on: String,
    status: &'static str,
}

fn request_dto(request: &ConferenceRequest) -> ConferenceRequestDto {
    ConferenceRequestDto {
        id: request.id.to_string(),
        person_id: request.person.to_string(),
        reason: request.reason.clone(),
        goal: request.goal.clone(),
        invited: request.invited.iter().map(|a| a.to_string()).collect(),
        submitted_at: request.submitted_at.to_string(),
        triage_on: request.triage_on.to_string(),
        status: status_code(&request.status),
    }
}

/// Asks for a case conference on a person, as a partner on the person's team. Bad input or a
/// request already open is a 422 naming the field; nothing is filed then.
#[utoipa::path(post, path = "/api/v1/people/{id}/conference-requests", operation_id = "request_conference",
    params(("id" = String, Path, description = "Person id")), request_body = NewConferenceRequest,
    responses((status = 201, description = "Filed; the body is the request with its triage date", body = ConferenceRequestDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your role or agency may not ask for a conference on this person; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn request(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewConferenceRequest>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let input = RequestInput { reason: body.reason, goal: body.goal, invited: body.invited };
    let conferences = state.conferences_for(&me.actor).await?;
    let filed = conferences.request(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(request_dto(&filed))).into_response())
}

/// The Safety House's own legal basis to join the person's team, when accepting a request
/// while it is not on the team yet (the request was its only access).
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct TriageBasis {
    /// `statutory_task`, `consent` or `court_order`.
    kind: String,
    statute: String,
    consent_scope: String,
    /// `YYYY-MM-DD`.
    consent_expires_on: String,
    court_order_reference: String,
    reason: String,
}

/// The triage decision on a request: `accept` (with `basis` when the Safety House is not on
/// the person's team yet), or `decline` with `reason`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"decision": "accept", "basis": {"kind": "statutory_task", "statute": "Wet gemeentelijke schuldhulpverlening", "reason": "Case conference asked for by probation"}}))]
pub struct TriageDecision {
    /// `accept` or `decline`.
    decision: String,
    basis: Option<TriageBasis>,
    /// Why the request is declined (required to decline).
    reason: String,
}

fn request_id(raw: &str) -> Result<ConferenceRequestId, WebError> {
    ConferenceRequestId::parse(raw).map_err(|_| WebError::NotFound)
}

/// Accepts or declines a conference request at triage, as on the triage page; the requester is
/// told the outcome. A decision the rules refuse is a 422 naming the field; nothing changes.
#[utoipa::path(post, path = "/api/v1/triage/{request}", operation_id = "triage_request",
    params(("request" = String, Path, description = "Conference request id")), request_body = TriageDecision,
    responses((status = 200, description = "Decided; the body is the request as it is now", body = ConferenceRequestDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only the Safety House's process manager triages its requests; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such request (problem JSON)", body = Problem),
        (status = 422, description = "No reason to decline, a basis needed to join the team, or the request was decided already (problem JSON)", body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<TriageDecision>, JsonRejection>,
) -> ApiResult {
    let id = request_id(&id)?;
    let Json(body) = parsed?;
    let input = match (body.decision.trim(), body.basis) {
        ("accept", None) => TriageInput::Accept,
        ("accept", Some(basis)) => TriageInput::AcceptJoining(domain::access::TeamEntryInput {
            agency_id: me.actor.agency_id.to_string(),
            basis_kind: basis.kind,
            statute: basis.statute,
            consent_scope: basis.consent_scope,
            consent_expires_on: basis.consent_expires_on,
            court_order_reference: basis.court_order_reference,
            reason: basis.reason,
        }),
        ("decline", _) => TriageInput::Decline { reason: body.reason },
        _ => return Err(refused(&context)(invalid(FieldError::new("decision", "error.triage.decision")))),
    };
    let conferences = state.conferences_for(&me.actor).await?;
    let decided = conferences.triage(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok(Json(request_dto(&decided)).into_response())
}

/// The meeting an accepted request goes to.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"meeting": "7e36f8a0-5c7e-4a9b-9d3f-4e6a8b0c2d5f"}))]
pub struct ScheduleOn {
    /// One of the request's `meetings` on the triage list.
    meeting: String,
}

/// Puts an accepted request on a meeting's agenda, as from the triage list (the day's quota
/// applies). The body is the meeting as your agency may see it now.
#[utoipa::path(post, path = "/api/v1/triage/{request}/schedule", operation_id = "schedule_request",
    params(("request" = String, Path, description = "Conference request id")), request_body = ScheduleOn,
    responses((status = 200, description = "On the agenda; the body is the meeting", body = super::meetings::MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a process manager puts requests on the agenda; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such request (problem JSON)", body = Problem),
        (status = 422, description = "Unknown meeting, agenda full (naming the next meeting with room) or the request is not accepted (problem JSON)", body = Problem)))]
async fn schedule(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ScheduleOn>, JsonRejection>,
) -> ApiResult {
    let request = request_id(&id)?;
    let Json(body) = parsed?;
    let meeting = MeetingId::parse(&body.meeting)
        .map_err(|_| refused(&context)(invalid(FieldError::new("meeting", "error.conference.unknown_meeting"))))?;
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.add_to_agenda(&me.actor, meeting, request).await.map_err(refused(&context))?;
    let file = conferences.meeting_file(&me.actor, meeting).await?;
    Ok(Json(super::meetings::meeting_dto(&file)).into_response())
}
