//! Case conference meetings in the JSON API, as `/conferences` in the pages: the meetings the
//! member's agency takes part in, and one meeting with its agenda and minutes as that agency
//! may see them (need-to-know: persons it is not on the team of are left out, not even
//! counted). The same `Conferences` use cases as the pages; each person shown is audited.

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::conference::service::MeetingFile;
use domain::conference::{MeetingStatus, MinutesView, strategy_code};
use domain::ids::MeetingId;
use domain::plan::TaskKind;
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/meetings", get(list)).route("/v1/meetings/{meeting}", get(show))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, show),
    components(schemas(MeetingsDto, MeetingLineDto, MeetingDto, AgendaItemDto, MinutesDto, DecisionDto))
)]
pub struct MeetingsApiDoc;

/// A meeting in the list: how many persons on its agenda your agency may see.
#[derive(Serialize, ToSchema)]
pub struct MeetingLineDto {
    id: String,
    /// `YYYY-MM-DD`.
    date: String,
    location: String,
    /// `planned`, `closed` or `cancelled`.
    status: &'static str,
    visible_persons: usize,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"meetings": [{"id": "7e36f8a0-5c7e-4a9b-9d3f-4e6a8b0c2d5f", "date": "2026-12-09", "location": "Zorg- en Veiligheidshuis Utrecht, zaal 2", "status": "planned", "visible_persons": 3}]}))]
pub struct MeetingsDto {
    meetings: Vec<MeetingLineDto>,
}

/// A decision in the minutes: it becomes a task on the person's plan when the meeting closes.
#[derive(Serialize, ToSchema)]
pub struct DecisionDto {
    /// The id of the plan task it becomes.
    task: String,
    description: String,
    /// `care` or `enforcement`.
    kind: &'static str,
    owner_agency: String,
    owner_member: Option<String>,
    /// `YYYY-MM-DD`.
    due: String,
}

/// The minutes on one person, as your agency may see them.
#[derive(Serialize, ToSchema)]
pub struct MinutesDto {
    /// Left out (`null`) when restricted to other agencies.
    analysis: Option<String>,
    /// `care`, `enforcement` or `both`.
    strategy: &'static str,
    decisions: Vec<DecisionDto>,
    notes: Vec<String>,
}

/// One person on the agenda.
#[derive(Serialize, ToSchema)]
pub struct AgendaItemDto {
    person_id: String,
    person_name: String,
    /// `null` until minutes are taken on this person.
    minutes: Option<MinutesDto>,
}

/// One meeting with the agenda and minutes your agency may see.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "7e36f8a0-5c7e-4a9b-9d3f-4e6a8b0c2d5f", "date": "2026-12-09", "location": "Zorg- en Veiligheidshuis Utrecht, zaal 2", "status": "planned", "chair": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "invited": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"], "quota": 6, "version": 3, "agenda": [{"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "minutes": {"analysis": "Debts drive the thefts; housing is at risk", "strategy": "both", "decisions": [{"task": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "description": "Start debt counselling", "kind": "care", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "owner_member": null, "due": "2026-12-23"}], "notes": []}}]}))]
pub struct MeetingDto {
    id: String,
    date: String,
    location: String,
    status: &'static str,
    /// The chairing member.
    chair: String,
    /// Invited agencies.
    invited: Vec<String>,
    /// Persons per day.
    quota: usize,
    version: i64,
    agenda: Vec<AgendaItemDto>,
}

fn status_code(status: &MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Planned => "planned",
        MeetingStatus::Closed { .. } => "closed",
        MeetingStatus::Cancelled { .. } => "cancelled",
    }
}

fn minutes_dto(minutes: &MinutesView) -> MinutesDto {
    MinutesDto {
        analysis: minutes.analysis.clone(),
        strategy: strategy_code(minutes.strategy),
        decisions: minutes
            .decisions
            .iter()
            .map(|d| DecisionDto {
                task: d.task.to_string(),
                description: d.description.clone(),
                kind: match d.kind {
                    TaskKind::Care => "care",
                    TaskKind::Enforcement => "enforcement",
                },
                owner_agency: d.owner.to_string(),
                owner_member: d.owner_member.map(|m| m.to_string()),
                due: d.due.to_string(),
            })
            .collect(),
        notes: minutes.notes.clone(),
    }
}

/// The meetings your agency takes part in (a Safety House: those it chairs or is invited to),
/// with how many persons on each agenda you may see.
#[utoipa::path(get, path = "/api/v1/meetings", operation_id = "list_meetings",
    responses((status = 200, description = "The meetings, with the number of persons your agency may see on each", body = MeetingsDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your role may not see case conferences (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let lines = state.conferences_for(&me.actor).await?.meetings(&me.actor).await?;
    let meetings = lines
        .iter()
        .map(|l| MeetingLineDto {
            id: l.meeting.id.to_string(),
            date: l.meeting.date.to_string(),
            location: l.meeting.location.clone(),
            status: status_code(&l.meeting.status),
            visible_persons: l.visible_persons,
        })
        .collect();
    Ok(Json(MeetingsDto { meetings }).into_response())
}

/// One meeting with its agenda and minutes as your agency may see them; each person shown is audited.
#[utoipa::path(get, path = "/api/v1/meetings/{meeting}", operation_id = "read_meeting",
    params(("meeting" = String, Path, description = "Meeting id")),
    responses((status = 200, description = "The meeting with the agenda and minutes your agency may see; each person shown is audited", body = MeetingDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your role may not see case conferences; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such meeting (problem JSON)", body = Problem)))]
async fn show(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = MeetingId::parse(&id).map_err(|_| WebError::NotFound)?;
    let file = state.conferences_for(&me.actor).await?.meeting_file(&me.actor, id).await?;
    Ok(Json(meeting_dto(&file)).into_response())
}

/// The meeting as the reader's agency may see it (the body of a read and of every change).
pub(super) fn meeting_dto(file: &MeetingFile) -> MeetingDto {
    let meeting = &file.meeting;
    let agenda = file
        .view
        .items
        .iter()
        .map(|item| AgendaItemDto {
            person_id: item.person.to_string(),
            person_name: file.names.get(&item.person).cloned().unwrap_or_default(),
            minutes: item.minutes.as_ref().map(minutes_dto),
        })
        .collect();
    MeetingDto {
        id: meeting.id.to_string(),
        date: meeting.date.to_string(),
        location: meeting.location.clone(),
        status: status_code(&meeting.status),
        chair: meeting.chair.to_string(),
        invited: meeting.invited.iter().map(|a| a.to_string()).collect(),
        quota: meeting.quota,
        version: file.version,
        agenda,
    }
}
