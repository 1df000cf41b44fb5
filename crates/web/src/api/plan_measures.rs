//! Linking the person's own measures to their plan in the JSON API, as the plan page does:
//! link an area ban or exclusion order picked from the person's measures (by its id, as
//! `GET /api/v1/people/{id}/measures` lists them — never a free-text duplicate), and end a
//! linked measure. The same use cases, access rules and audit as the page.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use domain::plan::service::{PlanAction, measure_kind_code};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/plan/measures", post(link))
        .route("/v1/people/{id}/plan/measures/{measure}/end", post(end))
}

#[derive(OpenApi)]
#[openapi(paths(link, end), components(schemas(MeasureLink, LinkedMeasureDto)))]
pub struct PlanMeasuresApiDoc;

/// The measure to link: the id of one of the person's own area bans or exclusion orders in force.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"measure": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f"}))]
pub struct MeasureLink {
    measure: String,
}

/// A measure as linked on the plan.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "18d0f2a4-9c1e-4a3b-9d7f-8e0a2b4c6d9f", "kind": "area_ban", "description": "Area ban Stationsgebied Utrecht until 2027-03-07", "open": true}))]
pub struct LinkedMeasureDto {
    id: String,
    /// `area_ban`, `exclusion_order`, …
    kind: &'static str,
    /// The area or address and the decision's reference.
    description: String,
    open: bool,
}

/// Links one of the person's own measures to their open plan.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/measures", operation_id = "link_plan_measure",
    params(("id" = String, Path)), request_body = MeasureLink,
    responses((status = 201, description = "Linked; the body is the measure as the plan shows it", body = LinkedMeasureDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "Not one of the person's measures in force, or no open plan (problem JSON)", body = Problem)))]
async fn link(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<MeasureLink>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let plan = state.plans().link_held_measure(&me.actor, id, &body.measure).await.map_err(refused(&context))?;
    let wanted = body.measure.trim().to_lowercase();
    let linked = plan
        .measures
        .iter()
        .rev()
        .find(|m| m.obligation.to_string() == wanted)
        .ok_or_else(|| WebError::internal("the linked measure is not on the saved plan"))?;
    let dto = LinkedMeasureDto {
        id: linked.obligation.to_string(),
        kind: measure_kind_code(linked.kind),
        description: linked.description.clone(),
        open: linked.open,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

/// Ends a measure linked on the plan (it stays in the plan's history).
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/measures/{measure}/end", operation_id = "end_plan_measure",
    params(("id" = String, Path), ("measure" = String, Path)),
    responses((status = 204, description = "Ended"), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No such measure on the plan (problem JSON)", body = Problem)))]
async fn end(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, measure)): Path<(String, String)>,
) -> ApiResult {
    let id = person_id(&id)?;
    let action = PlanAction::EndMeasure { measure };
    state.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
