//! Life Change and community networks in the JSON API (issue 20): a person's Life Change
//! progress and appointments — for their mentor (only their own mentees), the coordinator of
//! the agency running the cohort, or a member of their team —, the coordinator recording who
//! came to an appointment, the community activities in the catalogue and a person's links to
//! them (for their team). The same use cases as the pages, so the same access rules and audit.

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
use domain::ids::PersonId;
use domain::mentoring::service::progress::{CohortProgress, LifeChangeProgress};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/life-change", get(progress))
        .route("/v1/people/{id}/life-change/appointments", get(appointments))
        .route("/v1/life-change/cohorts/{cohort}/appointments/{appointment}/attendance", post(attendance))
        .route("/v1/community-networks", get(networks))
        .route("/v1/people/{id}/community-links", get(links))
}

#[derive(OpenApi)]
#[openapi(
    paths(progress, appointments, attendance, networks, links),
    components(schemas(
        LifeChangeProgressDto,
        LifeChangeCohortDto,
        LifeChangeGraduationDto,
        LifeChangeAppointmentDto,
        LifeChangeAttendanceInput,
        CommunityNetworkDto,
        CommunityLinkDto
    ))
)]
pub struct LifeChangeApiDoc;

/// One appointment of the programme and whether the person came.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a7b", "cohort_id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a70", "on": "2026-11-30", "kind": "work_experience", "place": "Fietsenmaker De Spaak", "attended": true}))]
pub struct LifeChangeAppointmentDto {
    id: String,
    cohort_id: String,
    on: String,
    /// `session`, `work_experience` or `restorative_justice`.
    kind: &'static str,
    place: String,
    /// `true` came, `false` did not, `null` not registered (yet).
    attended: Option<bool>,
}

/// Where the participant stands: appointments due so far and attended, and the status.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "on_track", "due": 7, "attended": 7, "missed": 0}))]
pub struct LifeChangeGraduationDto {
    /// `on_track`, `graduated` or `not_graduated`.
    status: &'static str,
    due: usize,
    attended: usize,
    missed: usize,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"cohort_id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a70", "name": "Life Change Knowsley, autumn", "starts_on": "2026-11-09", "ends_on": "2026-12-20", "week": 4, "graduation": {"status": "on_track", "due": 7, "attended": 7, "missed": 0}, "stage": null, "appointments": []}))]
pub struct LifeChangeCohortDto {
    cohort_id: String,
    name: String,
    starts_on: String,
    ends_on: String,
    /// The programme week today falls in (1–6); `null` before the start or after the end.
    week: Option<i16>,
    /// `null` for a mentor whom the person did not let see their offences (a new offence is
    /// one reason not to graduate).
    graduation: Option<LifeChangeGraduationDto>,
    /// In the mentor pipeline: `invited`, `in_training`, `mentor`, `declined`, or `null`.
    stage: Option<&'static str>,
    appointments: Vec<LifeChangeAppointmentDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "name": "Jan de Vries", "cohorts": []}))]
pub struct LifeChangeProgressDto {
    person_id: String,
    name: String,
    cohorts: Vec<LifeChangeCohortDto>,
}

fn appointments_of(c: &CohortProgress) -> Vec<LifeChangeAppointmentDto> {
    c.cohort
        .appointments
        .iter()
        .map(|a| LifeChangeAppointmentDto {
            id: a.id.to_string(),
            cohort_id: c.cohort.id.to_string(),
            on: a.on.to_string(),
            kind: a.kind.code(),
            place: a.place.clone(),
            attended: c.marks.get(&a.id).copied(),
        })
        .collect()
}

fn progress_dto(p: &LifeChangeProgress) -> LifeChangeProgressDto {
    LifeChangeProgressDto {
        person_id: p.person.to_string(),
        name: p.name.clone(),
        cohorts: p
            .cohorts
            .iter()
            .map(|c| LifeChangeCohortDto {
                cohort_id: c.cohort.id.to_string(),
                name: c.cohort.name.clone(),
                starts_on: c.cohort.starts_on.to_string(),
                ends_on: c.cohort.ends_on().to_string(),
                week: c.week,
                graduation: c.graduation.as_ref().map(|g| LifeChangeGraduationDto {
                    status: g.status.code(),
                    due: g.due,
                    attended: g.attended,
                    missed: g.missed,
                }),
                stage: c.stage.map(|s| s.code()),
                appointments: appointments_of(c),
            })
            .collect(),
    }
}

/// A person's Life Change progress (each read audited on its basis).
#[utoipa::path(get, path = "/api/v1/people/{id}/life-change", operation_id = "read_life_change_progress", params(("id" = String, Path)),
    responses((status = 200, description = "The cohorts the person takes or took part in, with attendance and status", body = LifeChangeProgressDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not their mentor, coordinator or team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn progress(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let p = state.mentoring().life_change_progress(&me.actor, id).await.map_err(refused(&context))?;
    Ok(Json(progress_dto(&p)).into_response())
}

/// A person's Life Change appointments in date order, with whether they came.
#[utoipa::path(get, path = "/api/v1/people/{id}/life-change/appointments", operation_id = "list_life_change_appointments", params(("id" = String, Path)),
    responses((status = 200, description = "Every appointment of the person's cohorts, oldest first", body = [LifeChangeAppointmentDto]),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not their mentor, coordinator or team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn appointments(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let p = state.mentoring().life_change_progress(&me.actor, id).await.map_err(refused(&context))?;
    let mut all: Vec<LifeChangeAppointmentDto> = p.cohorts.iter().flat_map(appointments_of).collect();
    all.sort_by(|a, b| a.on.cmp(&b.on));
    Ok(Json(all).into_response())
}

/// Who came to one appointment: the participants listed came, the others did not.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"present": ["5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13"]}))]
pub struct LifeChangeAttendanceInput {
    /// The person ids of the participants who came.
    present: Vec<String>,
}

/// The coordinator records an appointment's register (a correction is a newer register).
#[utoipa::path(post, path = "/api/v1/life-change/cohorts/{cohort}/appointments/{appointment}/attendance", operation_id = "record_life_change_attendance",
    params(("cohort" = String, Path), ("appointment" = String, Path)),
    request_body = LifeChangeAttendanceInput,
    responses((status = 204, description = "Recorded for every participant"),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not the coordinator of a mentoring agency; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such cohort of the coordinator's agency (problem JSON)", body = Problem),
        (status = 422, description = "No such appointment, one still to come, or a present id that is not a participant's (problem JSON)", body = Problem)))]
async fn attendance(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((cohort, appointment)): Path<(String, String)>,
    parsed: Result<Json<LifeChangeAttendanceInput>, JsonRejection>,
) -> ApiResult {
    let cohort = uuid::Uuid::parse_str(cohort.trim()).map_err(|_| crate::error::WebError::NotFound)?;
    let Json(input) = parsed?;
    let mut present = Vec::new();
    let mut errors = domain::validation::ValidationErrors::default();
    for raw in input.present.iter().take(200) {
        match PersonId::parse(raw) {
            Ok(p) => present.push(p),
            Err(_) => {
                errors.push(domain::validation::FieldError::new("present", "error.life_change.not_a_participant"))
            }
        }
    }
    if !errors.is_empty() {
        return Err(refused(&context)(errors.into()));
    }
    state.mentoring().record_attendance(&me.actor, cohort, &appointment, &present).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A community activity in the catalogue (sport, volunteering, faith, peer groups).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a71", "name": "Walking football Kirkby", "description": "Tuesday evenings, all ages", "areas": ["Knowsley"], "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"}))]
pub struct CommunityNetworkDto {
    id: String,
    name: String,
    description: String,
    areas: Vec<String>,
    provider: String,
}

/// The community networks: active community activities of the catalogue (no person named).
#[utoipa::path(get, path = "/api/v1/community-networks", operation_id = "list_community_networks",
    responses((status = 200, description = "The community activities, by name", body = [CommunityNetworkDto]),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn networks(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let zone = state.member_zone(&me.actor).await?;
    let activities = state.interventions_in(&zone.zone).community_activities().await.map_err(refused(&context))?;
    let list: Vec<CommunityNetworkDto> = activities
        .into_iter()
        .map(|i| CommunityNetworkDto {
            id: i.id.to_string(),
            name: i.name,
            description: i.description,
            areas: i.areas,
            provider: i.provider.to_string(),
        })
        .collect();
    Ok(Json(list).into_response())
}

/// A person's link to a community activity, for one of their goals.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a72", "network_id": "0193a0b2-7c4d-7e8f-9a1b-2c3d4e5f6a71", "network": "Walking football Kirkby", "goal": "Get fit and meet people", "linked_at": "2026-12-01T10:00:00Z"}))]
pub struct CommunityLinkDto {
    id: String,
    network_id: String,
    network: String,
    /// The goal, in the person's own words.
    goal: String,
    linked_at: String,
}

/// The person's links to community networks, for a member of their team (audited).
#[utoipa::path(get, path = "/api/v1/people/{id}/community-links", operation_id = "list_person_community_links", params(("id" = String, Path)),
    responses((status = 200, description = "The person's links, newest first", body = [CommunityLinkDto]),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not on the person's team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn links(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let zone = state.person_zone(id).await?;
    let view = state.interventions_in(&zone.zone).community(&me.actor, id).await.map_err(refused(&context))?;
    let list: Vec<CommunityLinkDto> = view
        .links
        .into_iter()
        .map(|l| CommunityLinkDto {
            id: l.id.to_string(),
            network_id: l.intervention.to_string(),
            network: l.activity,
            goal: l.goal,
            linked_at: l.linked_at.to_string(),
        })
        .collect();
    Ok(Json(list).into_response())
}
