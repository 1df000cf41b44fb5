//! Changing what administration made, in the JSON API (`/api/v1/admin/…/{id}`), for scripted
//! installs: an agency (and deleting one made by mistake), a member's name and roles and ending
//! one of their sessions, a location, a Safety House. A `PATCH` names only what changes; with
//! `version` (as read) it is refused with 409 when someone saved meanwhile, without it it
//! applies to what is saved now. Refused guard rails (the last administrator, one's own role,
//! a pack while cases are open, an agency with members) are 422 naming the field, on record.
//! The bodies are the domain's own change types (`AgencyChange`, …), documented here as
//! `AgencyPatch`, …: the pages, the CLI and the API share one shape of a change.

use super::admin::{
    AgencyDto, LocationDto, MemberDto, SafetyHouseDto, agency_dto, house_dto, location_dto, member_dto, member_id,
    refused,
};
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
use domain::ids::AgencyId;
use domain::partnership::{AgencyChange, LocationChange, MemberChange, SafetyHouseChange};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/agencies/{agency}", get(agency).patch(edit_agency).delete(delete_agency))
        .route("/v1/admin/members/{member}", get(member).patch(edit_member))
        .route("/v1/admin/members/{member}/sessions/{session}/revoke", post(revoke_session))
        .route("/v1/admin/locations/{location}", get(location).patch(edit_location))
        .route("/v1/admin/safety-houses/{house}", get(safety_house).patch(edit_safety_house))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        agency,
        edit_agency,
        delete_agency,
        member,
        edit_member,
        revoke_session,
        location,
        edit_location,
        safety_house,
        edit_safety_house
    ),
    components(schemas(AgencyChange, MemberChange, LocationChange, SafetyHouseChange))
)]
pub struct AdminEditApiDoc;

fn agency_id(raw: &str) -> Result<AgencyId, WebError> {
    AgencyId::parse(raw).map_err(|_| WebError::NotFound)
}

/// One agency.
#[utoipa::path(get, path = "/api/v1/admin/agencies/{agency}", params(("agency" = String, Path)),
    responses((status = 200, description = "the agency", body = AgencyDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such agency", body = Problem)))]
async fn agency(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let record = state.administration().agency(&me.actor, agency_id(&id)?).await?;
    Ok(Json(agency_dto(&record)).into_response())
}

/// Change an agency's name, kind or contact.
#[utoipa::path(patch, path = "/api/v1/admin/agencies/{agency}", params(("agency" = String, Path)), request_body = AgencyChange,
    responses((status = 200, description = "the agency as saved, with its new version", body = AgencyDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such agency", body = Problem),
        (status = 409, description = "someone saved the agency meanwhile; the problem names the version saved now", body = Problem),
        (status = 422, description = "a field to fix (an unknown kind, a name taken)", body = Problem)))]
async fn edit_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<AgencyChange>, JsonRejection>,
) -> ApiResult {
    let Json(change) = parsed?;
    let record =
        state.administration().edit_agency(&me.actor, agency_id(&id)?, &change).await.map_err(refused(&context))?;
    Ok(Json(agency_dto(&record)).into_response())
}

/// Delete an agency added by mistake: refused (422) when it has members (disable them instead)
/// or anything refers to it.
#[utoipa::path(delete, path = "/api/v1/admin/agencies/{agency}", params(("agency" = String, Path)),
    responses((status = 204, description = "deleted"),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such agency", body = Problem),
        (status = 422, description = "the agency stays: it has members, or something refers to it", body = Problem)))]
async fn delete_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> ApiResult {
    state.administration().delete_agency(&me.actor, agency_id(&id)?).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One member.
#[utoipa::path(get, path = "/api/v1/admin/members/{member}", params(("member" = String, Path)),
    responses((status = 200, description = "the member", body = MemberDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem)))]
async fn member(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let account = state.administration().member(&me.actor, member_id(&id)?).await?;
    Ok(Json(member_dto(&account)).into_response())
}

/// Change a member's name or roles. Nobody takes their own administrator role away, nor the
/// last active administrator's.
#[utoipa::path(patch, path = "/api/v1/admin/members/{member}", params(("member" = String, Path)), request_body = MemberChange,
    responses((status = 200, description = "the member as saved, with the new version", body = MemberDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem),
        (status = 409, description = "someone saved the member meanwhile", body = Problem),
        (status = 422, description = "a field to fix, or a guard rail (one's own or the last administrator role)", body = Problem)))]
async fn edit_member(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<MemberChange>, JsonRejection>,
) -> ApiResult {
    let Json(change) = parsed?;
    let account =
        state.administration().edit_member(&me.actor, member_id(&id)?, &change).await.map_err(refused(&context))?;
    Ok(Json(member_dto(&account)).into_response())
}

/// End one of a member's sessions now (its `id` from the list of their sessions).
#[utoipa::path(post, path = "/api/v1/admin/members/{member}/sessions/{session}/revoke",
    params(("member" = String, Path), ("session" = String, Path)),
    responses((status = 204, description = "the session ended"),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member, or no such session of theirs", body = Problem)))]
async fn revoke_session(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, session)): Path<(String, String)>,
) -> ApiResult {
    state.administration().revoke_session(&me.actor, member_id(&id)?, &session).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// One location (by its code).
#[utoipa::path(get, path = "/api/v1/admin/locations/{location}", params(("location" = String, Path)),
    responses((status = 200, description = "the location", body = LocationDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such location", body = Problem)))]
async fn location(State(state): State<AppState>, Member(me, _): Member, Path(code): Path<String>) -> ApiResult {
    let record = state.administration().location(&me.actor, &code).await?;
    Ok(Json(location_dto(&record)).into_response())
}

/// Change a location's name, the agencies at its table, its pack or its time zone (the code
/// stays). The pack and time zone are refused (422) while cases are open there.
#[utoipa::path(patch, path = "/api/v1/admin/locations/{location}", params(("location" = String, Path)), request_body = LocationChange,
    responses((status = 200, description = "the location as saved, with the new version", body = LocationDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such location", body = Problem),
        (status = 409, description = "someone saved the location meanwhile", body = Problem),
        (status = 422, description = "a field to fix, or the pack while cases are open", body = Problem)))]
async fn edit_location(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(code): Path<String>,
    parsed: Result<Json<LocationChange>, JsonRejection>,
) -> ApiResult {
    let Json(change) = parsed?;
    let record = state.administration().edit_location(&me.actor, &code, &change).await.map_err(refused(&context))?;
    Ok(Json(location_dto(&record)).into_response())
}

/// One Safety House / IOM hub (by its agency id).
#[utoipa::path(get, path = "/api/v1/admin/safety-houses/{house}", params(("house" = String, Path)),
    responses((status = 200, description = "the Safety House", body = SafetyHouseDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such Safety House", body = Problem)))]
async fn safety_house(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let house = state.administration().safety_house(&me.actor, agency_id(&id)?).await?;
    Ok(Json(house_dto(&house)).into_response())
}

/// Change a Safety House's name, contact, pack, conference settings or partner agencies.
#[utoipa::path(patch, path = "/api/v1/admin/safety-houses/{house}", params(("house" = String, Path)), request_body = SafetyHouseChange,
    responses((status = 200, description = "the Safety House as saved, with the new version", body = SafetyHouseDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such Safety House", body = Problem),
        (status = 409, description = "someone saved the Safety House meanwhile", body = Problem),
        (status = 422, description = "a field to fix", body = Problem)))]
async fn edit_safety_house(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<SafetyHouseChange>, JsonRejection>,
) -> ApiResult {
    let Json(change) = parsed?;
    let house = state
        .administration()
        .edit_safety_house(&me.actor, agency_id(&id)?, &change)
        .await
        .map_err(refused(&context))?;
    Ok(Json(house_dto(&house)).into_response())
}
