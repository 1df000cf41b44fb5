//! Case conference meetings written over the JSON API, as the chair does on `/conferences` in
//! the pages: plan a meeting, put an accepted request on its agenda or take a person off it,
//! record attendance, minutes with decisions, and close (decisions become plan tasks) or
//! cancel it. Every call goes through the same `Conferences` use cases as the pages, so the
//! chair's role check (refusals audited), need-to-know, the day's quota and the outbox are
//! theirs. Each answers with the meeting as the caller's agency may see it now.

use super::meetings::{MeetingDto, meeting_dto};
use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::{Member, SignedIn};
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::conference::{DecisionInput, MeetingInput, MinutesInput};
use domain::ids::{ConferenceRequestId, MeetingId};
use domain::validation::{FieldError, invalid};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/meetings", post(plan))
        .route("/v1/meetings/{meeting}/agenda", post(add_to_agenda))
        .route("/v1/meetings/{meeting}/agenda/remove", post(remove_from_agenda))
        .route("/v1/meetings/{meeting}/attendance", post(attendance))
        .route("/v1/meetings/{meeting}/minutes", post(minutes))
        .route("/v1/meetings/{meeting}/close", post(close))
        .route("/v1/meetings/{meeting}/cancel", post(cancel))
}

#[derive(OpenApi)]
#[openapi(
    paths(plan, add_to_agenda, remove_from_agenda, attendance, minutes, close, cancel),
    components(schemas(NewMeeting, AgendaRequest, AgendaRemoval, Attendance, NewMinutes, NewDecision, Cancellation))
)]
pub struct MeetingWritesApiDoc;

/// A meeting to plan.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"date": "2026-12-09", "location": "Zorg- en Veiligheidshuis Utrecht, zaal 2", "invited": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"]}))]
pub struct NewMeeting {
    /// `YYYY-MM-DD`, today or later.
    date: String,
    location: String,
    /// Agency ids of the partners invited.
    invited: Vec<String>,
}

/// An accepted conference request to put on the agenda.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"request": "8f47a9b1-6d8f-4bac-8e4a-5f7b9c1d3e6a"}))]
pub struct AgendaRequest {
    /// The conference request id (from `GET /api/v1/triage`).
    request: String,
}

/// A person to take off the agenda, and why.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "reason": "Taken into custody; discuss next week"}))]
pub struct AgendaRemoval {
    person: String,
    reason: String,
}

/// Who of the invited agencies' members were present.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"present": ["c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a"]}))]
pub struct Attendance {
    /// Member ids; every other invited member is recorded absent.
    present: Vec<String>,
}

/// A decision in the minutes; it becomes a task on the person's plan when the meeting closes.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct NewDecision {
    description: String,
    /// `care` or `enforcement`.
    kind: String,
    /// The owning agency's id (on the person's team).
    owner: String,
    /// `YYYY-MM-DD`.
    due: String,
}

/// The minutes on one person on the agenda.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "analysis": "Debts drive the thefts; housing is at risk", "strategy": "both", "note": "", "decisions": [{"description": "Start debt counselling", "kind": "care", "owner": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "due": "2026-12-23"}], "restricted_to": []}))]
pub struct NewMinutes {
    person: String,
    analysis: String,
    /// `care`, `enforcement` or `both`.
    strategy: String,
    note: String,
    decisions: Vec<NewDecision>,
    /// Agency ids the analysis and note are restricted to; empty: the person's whole team.
    restricted_to: Vec<String>,
}

/// Why the meeting is cancelled.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"reason": "The chair is ill; the agenda moves to Thursday"}))]
pub struct Cancellation {
    reason: String,
}

fn meeting_id(raw: &str) -> Result<MeetingId, WebError> {
    MeetingId::parse(raw).map_err(|_| WebError::NotFound)
}

/// The meeting after a change, as the caller's agency may see it.
async fn answer(state: &AppState, me: &SignedIn, id: MeetingId, status: StatusCode) -> ApiResult {
    let file = state.conferences_for(&me.actor).await?.meeting_file(&me.actor, id).await?;
    Ok((status, Json(meeting_dto(&file))).into_response())
}

/// Plans a case conference meeting (the chair: a Safety House process manager).
#[utoipa::path(post, path = "/api/v1/meetings", operation_id = "plan_meeting", request_body = NewMeeting,
    responses((status = 201, description = "Planned; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a process manager chairs meetings; the refusal is audited (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn plan(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewMeeting>, JsonRejection>,
) -> ApiResult {
    let Json(body) = parsed?;
    let input = MeetingInput { date: body.date, location: body.location, invited: body.invited };
    let conferences = state.conferences_for(&me.actor).await?;
    let meeting = conferences.plan_meeting(&me.actor, &input).await.map_err(refused(&context))?;
    answer(&state, &me, meeting.id, StatusCode::CREATED).await
}

/// Puts an accepted conference request on the meeting's agenda (within the day's quota).
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/agenda", operation_id = "add_to_agenda",
    params(("meeting" = String, Path, description = "Meeting id")), request_body = AgendaRequest,
    responses((status = 200, description = "On the agenda; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not the chair's role, or not on the person's team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting (problem JSON)", body = Problem),
        (status = 422, description = "Unknown request, agenda full (naming the next meeting with room) or the meeting is not planned (problem JSON)", body = Problem)))]
async fn add_to_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<AgendaRequest>, JsonRejection>,
) -> ApiResult {
    let id = meeting_id(&id)?;
    let Json(body) = parsed?;
    let conferences = state.conferences_for(&me.actor).await?;
    let result = match ConferenceRequestId::parse(&body.request) {
        Ok(request) => conferences.add_to_agenda(&me.actor, id, request).await,
        Err(_) => Err(invalid(FieldError::new("request", "error.conference.unknown_request"))),
    };
    result.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}

/// Takes a person off the agenda with a reason; their request goes back to the triage list.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/agenda/remove", operation_id = "remove_from_agenda",
    params(("meeting" = String, Path, description = "Meeting id")), request_body = AgendaRemoval,
    responses((status = 200, description = "Taken off; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not the chair's role, or not on the person's team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting or person (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn remove_from_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<AgendaRemoval>, JsonRejection>,
) -> ApiResult {
    let id = meeting_id(&id)?;
    let Json(body) = parsed?;
    let person = person_id(&body.person)?;
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.remove_from_agenda(&me.actor, id, person, &body.reason).await.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}

/// Records who of the invited agencies' members were present.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/attendance", operation_id = "record_attendance",
    params(("meeting" = String, Path, description = "Meeting id")), request_body = Attendance,
    responses((status = 200, description = "Recorded; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only the chair's role records attendance; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting (problem JSON)", body = Problem),
        (status = 422, description = "The meeting is not planned any more (problem JSON)", body = Problem)))]
async fn attendance(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<Attendance>, JsonRejection>,
) -> ApiResult {
    let id = meeting_id(&id)?;
    let Json(body) = parsed?;
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.record_attendance(&me.actor, id, &body.present).await.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}

/// Records the minutes on one person on the agenda: analysis, strategy, decisions (tasks for
/// the plan once the meeting closes) and who may read the analysis.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/minutes", operation_id = "record_minutes",
    params(("meeting" = String, Path, description = "Meeting id")), request_body = NewMinutes,
    responses((status = 200, description = "Recorded; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not the chair's role, or not on the person's team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting or person (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (`decisions` for a decision the rules refuse) (problem JSON)", body = Problem)))]
async fn minutes(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewMinutes>, JsonRejection>,
) -> ApiResult {
    let id = meeting_id(&id)?;
    let Json(body) = parsed?;
    let person = person_id(&body.person)?;
    let input = MinutesInput {
        analysis: body.analysis,
        strategy: body.strategy,
        note: body.note,
        decisions: body
            .decisions
            .into_iter()
            .map(|d| DecisionInput { description: d.description, kind: d.kind, owner: d.owner, due: d.due })
            .collect(),
        restricted_to: body.restricted_to,
    };
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.record_minutes(&me.actor, id, person, &input).await.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}

/// Closes the meeting: each decision becomes a task on the person's plan, in one transaction.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/close", operation_id = "close_meeting",
    params(("meeting" = String, Path, description = "Meeting id")),
    responses((status = 200, description = "Closed; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only the chair's role closes a meeting; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting (problem JSON)", body = Problem),
        (status = 422, description = "The meeting cannot close yet (e.g. before its date) or is not planned (problem JSON)", body = Problem)))]
async fn close(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = meeting_id(&id)?;
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.close(&me.actor, id).await.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}

/// Cancels the meeting with a reason; the requests on its agenda go back to triage.
#[utoipa::path(post, path = "/api/v1/meetings/{meeting}/cancel", operation_id = "cancel_meeting",
    params(("meeting" = String, Path, description = "Meeting id")), request_body = Cancellation,
    responses((status = 200, description = "Cancelled; the body is the meeting", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only the chair's role cancels a meeting; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting (problem JSON)", body = Problem),
        (status = 422, description = "No reason given, or the meeting is not planned (problem JSON)", body = Problem)))]
async fn cancel(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<Cancellation>, JsonRejection>,
) -> ApiResult {
    let id = meeting_id(&id)?;
    let Json(body) = parsed?;
    let conferences = state.conferences_for(&me.actor).await?;
    conferences.cancel(&me.actor, id, &body.reason).await.map_err(refused(&context))?;
    answer(&state, &me, id, StatusCode::OK).await
}
