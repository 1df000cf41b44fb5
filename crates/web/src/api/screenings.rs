//! Screenings in the JSON API, as `/people/{id}/screenings` in the pages: a person's dated
//! screenings with a score per life domain, and recording a new one. Both go through the same
//! `Screenings` use cases as the pages, so the access check (team, legal basis, role) and the
//! audit of every read, write and refusal are theirs.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::screening::{ScoreInput, Screening, ScreeningInput};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/people/{id}/screenings", get(list).post(record))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, record),
    components(schemas(ScreeningsDto, ScreeningDto, DomainScoreDto, NewScreening, NewScore))
)]
pub struct ScreeningsApiDoc;

/// One life domain's score in a screening.
#[derive(Serialize, ToSchema)]
pub struct DomainScoreDto {
    /// The life domain's code in the person's jurisdiction pack, e.g. `finances`.
    domain: String,
    /// On the pack's scale (1 = acute problem … 5 = self-reliant in the Dutch pack).
    score: u8,
    note: String,
    /// Where the information comes from.
    source: String,
}

/// A dated screening by one agency.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "6d25e7f9-4b6d-4f8a-8c2e-3d5f7a9b1c4e", "screened_on": "2026-12-07", "screened_by": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "scores": [{"domain": "finances", "score": 2, "note": "Debts with several creditors", "source": "interview with the person"}]}))]
pub struct ScreeningDto {
    id: String,
    /// `YYYY-MM-DD`.
    screened_on: String,
    /// The member who screened.
    screened_by: String,
    agency: String,
    scores: Vec<DomainScoreDto>,
}

/// A person's screenings, oldest first.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "screenings": [{"id": "6d25e7f9-4b6d-4f8a-8c2e-3d5f7a9b1c4e", "screened_on": "2026-12-07", "screened_by": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "scores": [{"domain": "finances", "score": 2, "note": "Debts with several creditors", "source": "interview with the person"}]}]}))]
pub struct ScreeningsDto {
    person_id: String,
    person_name: String,
    screenings: Vec<ScreeningDto>,
}

/// One domain's score as sent; a domain left out is not scored. (Serialize only because the
/// schema of `NewScreening` shows its default.)
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewScore {
    domain: String,
    score: Option<i64>,
    note: String,
    source: String,
}

/// A new screening; `screened_on` left out is today (in the person's time zone).
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"screened_on": "2026-12-07", "scores": [{"domain": "finances", "score": 2, "note": "Debts with several creditors", "source": "interview with the person"}]}))]
pub struct NewScreening {
    screened_on: String,
    scores: Vec<NewScore>,
}

fn dto(screening: &Screening) -> ScreeningDto {
    ScreeningDto {
        id: screening.id.to_string(),
        screened_on: screening.screened_on.to_string(),
        screened_by: screening.screened_by.to_string(),
        agency: screening.agency.to_string(),
        scores: screening
            .scores
            .iter()
            .map(|(domain, score)| DomainScoreDto {
                domain: domain.0.clone(),
                score: score.score.value(),
                note: score.note.clone(),
                source: score.source.clone(),
            })
            .collect(),
    }
}

/// The person's screenings, oldest first. Read like the page: your agency must be on the
/// person's team with a legal basis; the read (or the refusal) is audited.
#[utoipa::path(get, path = "/api/v1/people/{id}/screenings", operation_id = "list_screenings",
    params(("id" = String, Path, description = "Person id")),
    responses((status = 200, description = "The person's screenings, oldest first; the read is audited", body = ScreeningsDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your agency may not see this person; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let here = state.for_person(id).await?;
    let (person, screenings) = here.screenings().list(&me.actor, id, "api_screenings").await?;
    let body = ScreeningsDto {
        person_id: id.to_string(),
        person_name: person.display_name(),
        screenings: screenings.iter().map(dto).collect(),
    };
    Ok(Json(body).into_response())
}

/// Records a screening by your agency, checked against the person's jurisdiction pack (its
/// life domains and scale). Every problem is named at once in a 422; nothing is saved then.
#[utoipa::path(post, path = "/api/v1/people/{id}/screenings", operation_id = "record_screening",
    params(("id" = String, Path, description = "Person id")), request_body = NewScreening,
    responses((status = 201, description = "Recorded; the body is the screening", body = ScreeningDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Your role or agency may not screen this person; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn record(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewScreening>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let input = ScreeningInput {
        screened_on: body.screened_on,
        entries: body
            .scores
            .into_iter()
            .map(|s| ScoreInput {
                domain: s.domain,
                score: s.score.map(|n| n.to_string()).unwrap_or_default(),
                note: s.note,
                source: s.source,
            })
            .collect(),
    };
    let here = state.for_person(id).await?;
    let screening = here.screenings().record(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(dto(&screening))).into_response())
}
