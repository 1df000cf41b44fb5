//! Keeping a catalogue entry through the JSON API: read it with every version, replace it by
//! its next version, retire it or put it back. An edit names the version it was made on (409
//! when someone saved meanwhile). Adding is `POST /api/v1/interventions` (`interventions.rs`);
//! the same use cases, access and audit as the pages (`interventions/catalogue.rs`).

use super::interventions::{InterventionDto, intervention_dto};
use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use domain::ids::InterventionId;
use domain::interventions::{InterventionInput, changed_fields};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/interventions/{id}", get(read_entry).put(replace_entry).patch(switch_entry))
}

#[derive(OpenApi)]
#[openapi(
    paths(read_entry, replace_entry, switch_entry),
    components(schemas(CatalogueEntryDto, CatalogueVersionDto, EntryBody, SwitchEntryBody))
)]
pub struct InterventionCatalogueApiDoc;

fn intervention_id(raw: &str) -> Result<InterventionId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"version": 2, "at": "2026-12-07T09:15:00Z", "by": "0193a4c2-5d6e-7f80-9a1b-2c3d4e5f6a7b", "changed": ["capacity"], "intervention": {"id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "name": "Tools4U", "description": "", "kind": "accredited_programme", "needs": ["thinking"], "format": "one_to_one", "group_starts": [], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 12, "unit_cost_cents": null, "areas": ["Utrecht"], "active": true}}))]
pub struct CatalogueVersionDto {
    version: i64,
    at: String,
    /// The member who saved it.
    by: String,
    /// The fields this version changed from the one before (empty for the first).
    changed: Vec<&'static str>,
    intervention: InterventionDto,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"version": 2, "intervention": {"id": "f6b8d0e2-7a9c-4e1f-9b5d-6c8e0f2a4b7d", "provider": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "name": "Tools4U", "description": "", "kind": "accredited_programme", "needs": ["thinking"], "format": "one_to_one", "group_starts": [], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 12, "unit_cost_cents": null, "areas": ["Utrecht"], "active": true}, "history": []}))]
pub struct CatalogueEntryDto {
    /// The version an edit must name.
    version: i64,
    intervention: InterventionDto,
    /// Every version, oldest first.
    history: Vec<CatalogueVersionDto>,
}

#[utoipa::path(get, path = "/api/v1/interventions/{id}", params(("id" = String, Path)),
    responses((status = 200, description = "The entry now, with every version it had", body = CatalogueEntryDto),
        (status = 403, description = "Only a provider's members and administrators keep a catalogue (problem JSON)", body = Problem),
        (status = 404, description = "No such entry in this member's provider's catalogue (problem JSON)", body = Problem)))]
async fn read_entry(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    entry_answer(&state, &me.actor, intervention_id(&id)?).await
}

async fn entry_answer(state: &AppState, actor: &domain::access::Actor, id: InterventionId) -> ApiResult {
    let zone = state.member_zone(actor).await?;
    let entry = state.interventions_in(&zone.zone).catalogue_entry(actor, id).await?;
    let mut history = Vec::new();
    let mut before = None;
    for (change, version) in &entry.history {
        history.push(CatalogueVersionDto {
            version: change.version,
            at: change.at.to_string(),
            by: change.by.to_string(),
            changed: before.map(|b| changed_fields(b, version)).unwrap_or_default(),
            intervention: intervention_dto(version),
        });
        before = Some(version);
    }
    let body = CatalogueEntryDto {
        version: entry.current.version,
        intervention: intervention_dto(&entry.current.intervention),
        history,
    };
    Ok(Json(body).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"version": 1, "name": "Tools4U", "description": "Cognitive skills training", "kind": "accredited_programme", "needs": ["thinking"], "min_age": 18, "max_age": null, "sexes": [], "risk_levels": ["medium", "high"], "group_starts": [], "sessions": 12, "duration_weeks": 12, "outcomes": ["Fewer impulsive decisions"], "capacity": 12, "unit_cost_cents": 120000, "areas": ["Utrecht"], "active": true}))]
pub struct EntryBody {
    /// The version this edit was made on (`version` of the entry as read).
    version: i64,
    name: String,
    description: String,
    kind: String,
    needs: Vec<String>,
    min_age: Option<u8>,
    max_age: Option<u8>,
    /// `F`, `M`, `X`; empty: everyone.
    sexes: Vec<String>,
    risk_levels: Vec<String>,
    /// Start dates of groups; empty for one-to-one.
    group_starts: Vec<String>,
    sessions: Option<u16>,
    duration_weeks: Option<u16>,
    outcomes: Vec<String>,
    capacity: Option<u32>,
    unit_cost_cents: Option<i64>,
    areas: Vec<String>,
    /// Absent: stays as it is.
    active: Option<bool>,
}

#[utoipa::path(put, path = "/api/v1/interventions/{id}", params(("id" = String, Path)), request_body = EntryBody,
    responses((status = 200, description = "Saved as the entry's next version; the one before is kept in its history", body = CatalogueEntryDto),
        (status = 403, description = "Only a provider's members and administrators keep a catalogue (problem JSON)", body = Problem),
        (status = 404, description = "No such entry in this member's provider's catalogue (problem JSON)", body = Problem),
        (status = 409, description = "Someone saved the entry after `version`; read it again (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn replace_entry(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<EntryBody>, JsonRejection>,
) -> ApiResult {
    let id = intervention_id(&id)?;
    let Json(b) = parsed?;
    let zone = state.member_zone(&me.actor).await?;
    let service = state.interventions_in(&zone.zone);
    let kept = service.catalogue_entry(&me.actor, id).await?.current.intervention;
    let text = |o: Option<String>| o.unwrap_or_default();
    let input = InterventionInput {
        name: b.name,
        description: b.description,
        kind: b.kind,
        needs: b.needs.join("\n"),
        min_age: text(b.min_age.map(|v| v.to_string())),
        max_age: text(b.max_age.map(|v| v.to_string())),
        sexes: b.sexes.join("\n"),
        risk_levels: b.risk_levels.join("\n"),
        // Not part of this body: kept as the entry has them.
        languages: InterventionInput::from(&kept).languages,
        group_starts: b.group_starts.join("\n"),
        sessions: text(b.sessions.map(|v| v.to_string())),
        duration_weeks: text(b.duration_weeks.map(|v| v.to_string())),
        outcomes: b.outcomes.join("\n"),
        capacity: text(b.capacity.map(|v| v.to_string())),
        unit_cost_cents: text(b.unit_cost_cents.map(|v| v.to_string())),
        areas: b.areas.join("\n"),
    };
    service.revise_intervention(&me.actor, id, b.version, &input, b.active).await.map_err(refused(&context))?;
    entry_answer(&state, &me.actor, id).await
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"version": 2, "active": false}))]
pub struct SwitchEntryBody {
    /// The version this was decided on.
    version: i64,
    /// `false` retires the entry (no longer found; its referrals go on), `true` puts it back.
    active: bool,
}

#[utoipa::path(patch, path = "/api/v1/interventions/{id}", params(("id" = String, Path)), request_body = SwitchEntryBody,
    responses((status = 200, description = "Retired or put back, as the entry's next version", body = CatalogueEntryDto),
        (status = 403, description = "Only a provider's members and administrators keep a catalogue (problem JSON)", body = Problem),
        (status = 404, description = "No such entry in this member's provider's catalogue (problem JSON)", body = Problem),
        (status = 409, description = "Someone saved the entry after `version`; read it again (problem JSON)", body = Problem),
        (status = 422, description = "The body is not `{\"version\", \"active\"}` (problem JSON)", body = Problem)))]
async fn switch_entry(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<SwitchEntryBody>, JsonRejection>,
) -> ApiResult {
    let id = intervention_id(&id)?;
    let Json(b) = parsed?;
    let zone = state.member_zone(&me.actor).await?;
    let service = state.interventions_in(&zone.zone);
    service.set_intervention_active(&me.actor, id, b.version, b.active).await.map_err(refused(&context))?;
    entry_answer(&state, &me.actor, id).await
}
