//! Administration in the JSON API (`/api/v1/admin/…`), for scripted installs: agencies, ZSM
//! locations, members (adding, disabling, enabling, resetting the password, their open
//! sessions) and Safety Houses. The same use cases as the `/admin` pages: administrators only,
//! a refusal answered 403 and on record, every action audited; a created object is answered
//! 201 with its `id`, input that does not parse 422 with a problem per field.

use super::problem::{ApiError, ApiResult, Problem, invalid_problem, service_error};
use crate::AppState;
use crate::auth::Member;
use crate::auth::RequestContext;
use crate::error::WebError;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::ids::MemberId;
use domain::partnership::service::api_keys::{ApiKey, ApiKeyInput};
use domain::partnership::{
    AgencyInput, AgencyRecord, LocationInput, LocationRecord, MemberAccount, MemberInput, SafetyHouse, SafetyHouseInput,
};
use domain::service::ServiceError;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/admin/agencies", get(agencies).post(add_agency))
        .route("/v1/admin/locations", get(locations).post(add_location))
        .route("/v1/admin/members", get(members).post(add_member))
        .route("/v1/admin/members/{member}/disable", post(disable))
        .route("/v1/admin/members/{member}/enable", post(enable))
        .route("/v1/admin/members/{member}/reset-password", post(reset_password))
        .route("/v1/admin/members/{member}/sessions", get(sessions))
        .route("/v1/admin/safety-houses", get(safety_houses).post(add_safety_house))
        .route("/v1/admin/api-keys", get(api_keys).post(add_api_key))
        .route("/v1/admin/api-keys/{key}/revoke", post(revoke_api_key))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        agencies,
        add_agency,
        locations,
        add_location,
        members,
        add_member,
        disable,
        enable,
        reset_password,
        sessions,
        safety_houses,
        add_safety_house,
        api_keys,
        add_api_key,
        revoke_api_key
    ),
    components(schemas(
        AgencyDto,
        NewAgency,
        LocationDto,
        NewLocation,
        MemberDto,
        NewMember,
        CreatedMemberDto,
        PasswordReset,
        ResetDto,
        MemberSessionDto,
        SafetyHouseDto,
        NewSafetyHouse,
        ApiKeyDto,
        NewApiKey,
        CreatedApiKeyDto
    ))
)]
pub struct AdminApiDoc;

/// A change administration refused, as problem JSON: invalid input and its own refusals (a name
/// taken, one's own account) are 422 naming the field, the rest as every API call answers them.
pub(super) fn refused(context: &RequestContext) -> impl FnOnce(ServiceError) -> ApiError + '_ {
    move |error| match error.field_errors() {
        Some(errors) => ApiError::Problem(invalid_problem(&errors, context)),
        None => ApiError::Problem(service_error(error, context)),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "name": "Politie Eenheid Utrecht", "kind": "police", "contact": "zsm.utrecht@politie.example", "version": 1}))]
pub struct AgencyDto {
    id: String,
    name: String,
    /// `police`, `prosecution`, `probation`, `victim_support`, `defence`, `municipality`,
    /// `health`, `provider`, `mentoring`, `safety_house`, `child_protection` or `halt`.
    kind: String,
    contact: String,
    /// Send it back with a change (`PATCH`) to have it refused (409) when someone saved meanwhile.
    version: i64,
}

pub(super) fn agency_dto(record: &AgencyRecord) -> AgencyDto {
    AgencyDto {
        id: record.agency.id.to_string(),
        name: record.agency.name.clone(),
        kind: record.agency.kind.code().into(),
        contact: record.contact.clone(),
        version: record.version,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Politie Eenheid Utrecht", "kind": "police", "contact": "zsm.utrecht@politie.example"}))]
pub struct NewAgency {
    #[schema(example = "Politie Eenheid Utrecht")]
    name: String,
    /// One of the kinds listed under `AgencyDto.kind`.
    #[schema(example = "police")]
    kind: String,
    contact: String,
}

/// Every agency, by name.
#[utoipa::path(get, path = "/api/v1/admin/agencies",
    responses((status = 200, description = "the agencies", body = [AgencyDto]), (status = 403, description = "not an administrator", body = Problem)))]
async fn agencies(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let list: Vec<AgencyDto> = state.administration().agencies(&me.actor).await?.iter().map(agency_dto).collect();
    Ok(Json(list).into_response())
}

/// Add an agency.
#[utoipa::path(post, path = "/api/v1/admin/agencies", request_body = NewAgency,
    responses((status = 201, description = "the agency, with its id", body = AgencyDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix (an unknown kind, a name taken)", body = Problem)))]
async fn add_agency(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewAgency>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = AgencyInput { name: new.name, kind: new.kind, contact: new.contact };
    let record = state.administration().add_agency(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(agency_dto(&record))).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "code": "zsm-utrecht", "name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam", "agencies": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"], "version": 1}))]
pub struct LocationDto {
    /// The location's code, as used in its addresses (`/zsm/{code}/board`).
    id: String,
    code: String,
    name: String,
    /// `nl`, `england-wales` or `italy`.
    pack: String,
    time_zone: String,
    /// The agencies at the table.
    agencies: Vec<String>,
    version: i64,
}

pub(super) fn location_dto(record: &LocationRecord) -> LocationDto {
    let location = &record.location;
    LocationDto {
        id: location.code.clone(),
        code: location.code.clone(),
        name: location.name.clone(),
        pack: location.pack.clone(),
        time_zone: record.time_zone.clone(),
        agencies: location.agencies.iter().map(ToString::to_string).collect(),
        version: record.version,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "ZSM Utrecht", "pack": "nl", "time_zone": "Europe/Amsterdam", "code": "zsm-utrecht", "agencies": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"]}))]
pub struct NewLocation {
    #[schema(example = "ZSM Utrecht")]
    name: String,
    /// `nl`, `england-wales` or `italy`.
    #[schema(example = "nl")]
    pack: String,
    /// Default: the pack's (Europe/Amsterdam, Europe/London, Europe/Rome).
    time_zone: String,
    /// Default: made from the name (`zsm-utrecht`).
    code: String,
    /// Ids of the agencies at the table; they join a suspect's team at intake.
    agencies: Vec<String>,
}

/// Every ZSM location and custody suite.
#[utoipa::path(get, path = "/api/v1/admin/locations",
    responses((status = 200, description = "the locations", body = [LocationDto]), (status = 403, description = "not an administrator", body = Problem)))]
async fn locations(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let list: Vec<LocationDto> = state.administration().locations(&me.actor).await?.iter().map(location_dto).collect();
    Ok(Json(list).into_response())
}

/// Add a ZSM location or custody suite with its jurisdiction pack.
#[utoipa::path(post, path = "/api/v1/admin/locations", request_body = NewLocation,
    responses((status = 201, description = "the location, with its id (its code)", body = LocationDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix (an unknown pack or time zone, a code taken)", body = Problem)))]
async fn add_location(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewLocation>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = LocationInput {
        name: new.name,
        pack: new.pack,
        time_zone: new.time_zone,
        code: new.code,
        agencies: new.agencies,
    };
    let record = state.administration().add_location(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(location_dto(&record))).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "username": "s.bakker", "name": "Sanne Bakker", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "roles": ["police_officer"], "disabled": false, "must_change_password": false, "version": 1}))]
pub struct MemberDto {
    id: String,
    username: String,
    name: String,
    agency_id: String,
    roles: Vec<String>,
    disabled: bool,
    /// Signs in only to change the password set for them.
    must_change_password: bool,
    version: i64,
}

pub(super) fn member_dto(account: &MemberAccount) -> MemberDto {
    let member = &account.member;
    MemberDto {
        id: member.id.to_string(),
        username: member.username.clone(),
        name: member.display_name.clone(),
        agency_id: member.agency_id.to_string(),
        roles: member.roles.iter().map(|r| r.code().to_owned()).collect(),
        disabled: member.disabled,
        must_change_password: account.must_change_password,
        version: account.version,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"username": "s.bakker", "name": "Sanne Bakker", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "roles": ["police_officer"], "password": null}))]
pub struct NewMember {
    #[schema(example = "s.bakker")]
    username: String,
    #[schema(example = "Sanne Bakker")]
    name: String,
    agency_id: String,
    /// Role codes: `administrator`, `police_officer`, `prosecutor`, `probation_officer`,
    /// `victim_support_worker`, `defence_lawyer`, `process_manager`, `municipality_officer`,
    /// `provider_worker`, `mentor`, `analyst`, and the designation `assistant_prosecutor`
    /// (hulpofficier, beside `police_officer`).
    #[schema(example = json!(["police_officer"]))]
    roles: Vec<String>,
    /// At least 12 characters. Without one a one-time password is made, answered once, and
    /// must be changed at the first sign-in.
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "username": "s.bakker", "name": "Sanne Bakker", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "roles": ["police_officer"], "disabled": false, "must_change_password": true, "version": 1, "one_time_password": "tulip-river-seven-lamp"}))]
pub struct CreatedMemberDto {
    #[serde(flatten)]
    member: MemberDto,
    /// Only when no password was given: shown this once.
    #[serde(skip_serializing_if = "Option::is_none")]
    one_time_password: Option<String>,
}

/// Every member, disabled ones too.
#[utoipa::path(get, path = "/api/v1/admin/members",
    responses((status = 200, description = "the members", body = [MemberDto]), (status = 403, description = "not an administrator", body = Problem)))]
async fn members(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let list: Vec<MemberDto> = state.administration().members(&me.actor).await?.iter().map(member_dto).collect();
    Ok(Json(list).into_response())
}

/// Add a member to an agency.
#[utoipa::path(post, path = "/api/v1/admin/members", request_body = NewMember,
    responses((status = 201, description = "the member, with their id", body = CreatedMemberDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix (an unknown agency or role, a username taken, a short password)", body = Problem)))]
async fn add_member(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewMember>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = MemberInput {
        username: new.username,
        name: new.name,
        agency_id: new.agency_id,
        roles: new.roles,
        password: new.password,
    };
    let (account, one_time_password) =
        state.administration().add_member(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(CreatedMemberDto { member: member_dto(&account), one_time_password }))
        .into_response())
}

pub(super) fn member_id(raw: &str) -> Result<MemberId, WebError> {
    MemberId::parse(raw).map_err(|_| WebError::NotFound)
}

/// Disable a member: they cannot sign in, and their sessions end at once.
#[utoipa::path(post, path = "/api/v1/admin/members/{member}/disable", params(("member" = String, Path)),
    responses((status = 200, description = "the member, disabled", body = MemberDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem),
        (status = 422, description = "one's own account", body = Problem)))]
async fn disable(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let account =
        state.administration().set_disabled(&me.actor, member_id(&id)?, true).await.map_err(refused(&context))?;
    Ok(Json(member_dto(&account)).into_response())
}

/// Let a disabled member sign in again.
#[utoipa::path(post, path = "/api/v1/admin/members/{member}/enable", params(("member" = String, Path)),
    responses((status = 200, description = "the member, enabled", body = MemberDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem)))]
async fn enable(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let account =
        state.administration().set_disabled(&me.actor, member_id(&id)?, false).await.map_err(refused(&context))?;
    Ok(Json(member_dto(&account)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"password": null}))]
pub struct PasswordReset {
    /// Optional; without it a one-time password is made and answered once.
    password: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"one_time_password": "tulip-river-seven-lamp", "must_change_password": true}))]
pub struct ResetDto {
    /// Only when no password was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    one_time_password: Option<String>,
    must_change_password: bool,
}

/// Reset a member's password: their sessions end and they change it at their next sign-in.
/// The body is optional.
#[utoipa::path(post, path = "/api/v1/admin/members/{member}/reset-password", params(("member" = String, Path)),
    request_body = PasswordReset,
    responses((status = 200, description = "reset; the one-time password when one was made", body = ResetDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem),
        (status = 422, description = "a password too short", body = Problem)))]
async fn reset_password(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let reset: PasswordReset = if body.iter().all(u8::is_ascii_whitespace) {
        PasswordReset::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::Problem(super::problem::unprocessable(e.to_string())))?
    };
    let one_time_password = state
        .administration()
        .reset_password(&me.actor, member_id(&id)?, reset.password)
        .await
        .map_err(refused(&context))?;
    Ok(Json(ResetDto { one_time_password, must_change_password: true }).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "3f9a1c0e7b2d4a68", "signed_in_at": "2026-12-07T09:15:00Z", "expires_at": "2026-12-07T21:15:00Z", "signed_in_from": "10.20.30.40"}))]
pub struct MemberSessionDto {
    /// Ends it: `POST /api/v1/admin/members/{member}/sessions/{id}/revoke`.
    id: String,
    signed_in_at: String,
    expires_at: String,
    signed_in_from: String,
}

/// Where a member is signed in now, newest first.
#[utoipa::path(get, path = "/api/v1/admin/members/{member}/sessions", params(("member" = String, Path)),
    responses((status = 200, description = "the member's open sessions", body = [MemberSessionDto]),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such member", body = Problem)))]
async fn sessions(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let list: Vec<MemberSessionDto> = state
        .administration()
        .member_sessions(&me.actor, member_id(&id)?)
        .await?
        .into_iter()
        .map(|s| MemberSessionDto {
            id: s.reference,
            signed_in_at: s.created_at.to_string(),
            expires_at: s.expires_at.to_string(),
            signed_in_from: s.signed_in_from,
        })
        .collect();
    Ok(Json(list).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "name": "Zorg- en Veiligheidshuis Utrecht", "contact": "zvh@utrecht.example", "pack": "nl", "persons_per_day": 6, "triage_cutoff": "12:00", "agencies": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"], "version": 1}))]
pub struct SafetyHouseDto {
    /// The Safety House's agency id.
    id: String,
    name: String,
    contact: String,
    pack: String,
    persons_per_day: u16,
    /// `HH:MM`, local time.
    triage_cutoff: String,
    agencies: Vec<String>,
    /// The version of its agency.
    version: i64,
}

pub(super) fn house_dto(house: &SafetyHouse) -> SafetyHouseDto {
    SafetyHouseDto {
        id: house.agency.agency.id.to_string(),
        name: house.agency.agency.name.clone(),
        contact: house.agency.contact.clone(),
        pack: house.pack.clone(),
        persons_per_day: house.persons_per_day,
        triage_cutoff: house.triage_cutoff.strftime("%H:%M").to_string(),
        agencies: house.agencies.iter().map(ToString::to_string).collect(),
        version: house.agency.version,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Zorg- en Veiligheidshuis Utrecht", "pack": "nl", "contact": "zvh@utrecht.example", "persons_per_day": 6, "triage_cutoff": "12:00", "agencies": ["a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f"]}))]
pub struct NewSafetyHouse {
    #[schema(example = "Zorg- en Veiligheidshuis Utrecht")]
    name: String,
    #[schema(example = "nl")]
    pack: String,
    contact: String,
    #[schema(example = 6)]
    persons_per_day: u16,
    #[schema(example = "12:00")]
    triage_cutoff: String,
    agencies: Vec<String>,
}

/// Every Safety House / IOM hub with its conference settings.
#[utoipa::path(get, path = "/api/v1/admin/safety-houses",
    responses((status = 200, description = "the Safety Houses", body = [SafetyHouseDto]), (status = 403, description = "not an administrator", body = Problem)))]
async fn safety_houses(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let list: Vec<SafetyHouseDto> =
        state.administration().safety_houses(&me.actor).await?.iter().map(house_dto).collect();
    Ok(Json(list).into_response())
}

/// Add a Safety House / IOM hub: an agency of kind `safety_house` with its conference settings.
#[utoipa::path(post, path = "/api/v1/admin/safety-houses", request_body = NewSafetyHouse,
    responses((status = 201, description = "the Safety House, with its id", body = SafetyHouseDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix", body = Problem)))]
async fn add_safety_house(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewSafetyHouse>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = SafetyHouseInput {
        name: new.name,
        pack: new.pack,
        contact: new.contact,
        persons_per_day: new.persons_per_day.to_string(),
        triage_cutoff: new.triage_cutoff,
        agencies: new.agencies,
    };
    let house = state.administration().add_safety_house(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(house_dto(&house))).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "name": "Police intake system", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "scopes": ["police_officer"], "created_at": "2026-12-07T09:15:00Z", "revoked_at": null}))]
pub struct ApiKeyDto {
    id: String,
    name: String,
    agency_id: String,
    /// The roles the system acts in.
    scopes: Vec<String>,
    created_at: String,
    revoked_at: Option<String>,
}

fn key_dto(key: &ApiKey) -> ApiKeyDto {
    ApiKeyDto {
        id: key.id.to_string(),
        name: key.name.clone(),
        agency_id: key.agency_id.to_string(),
        scopes: key.scopes.iter().map(|r| r.code().to_owned()).collect(),
        created_at: key.created_at.to_string(),
        revoked_at: key.revoked_at.map(|at| at.to_string()),
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Police intake system", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "scopes": ["police_officer"]}))]
pub struct NewApiKey {
    #[schema(example = "Police intake system")]
    name: String,
    agency_id: String,
    /// Role codes the system acts in (not `administrator`), e.g. `["police_officer"]`.
    #[schema(example = json!(["police_officer"]))]
    scopes: Vec<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "name": "Police intake system", "agency_id": "a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e", "scopes": ["police_officer"], "created_at": "2026-12-07T09:15:00Z", "revoked_at": null, "token": "dsk_6f1c0a9e4b2d8f7a3c5e1b9d0f2a4c6e"}))]
pub struct CreatedApiKeyDto {
    #[serde(flatten)]
    key: ApiKeyDto,
    /// Send as `Authorization: Bearer <token>` on /api/v1. Shown this once; only its hash is kept.
    token: String,
}

/// Every API key, revoked ones too (never their tokens).
#[utoipa::path(get, path = "/api/v1/admin/api-keys",
    responses((status = 200, description = "the keys", body = [ApiKeyDto]), (status = 403, description = "not an administrator", body = Problem)))]
async fn api_keys(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let list: Vec<ApiKeyDto> = state.administration().api_keys(&me.actor).await?.iter().map(key_dto).collect();
    Ok(Json(list).into_response())
}

/// Make an API key for a partner system, bound to an agency and acting in its scopes.
#[utoipa::path(post, path = "/api/v1/admin/api-keys", request_body = NewApiKey,
    responses((status = 201, description = "the key, with its token shown this once", body = CreatedApiKeyDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 422, description = "a field to fix (an unknown agency or scope, the administrator scope)", body = Problem)))]
async fn add_api_key(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewApiKey>, JsonRejection>,
) -> ApiResult {
    let Json(new) = parsed?;
    let input = ApiKeyInput { name: new.name, agency_id: new.agency_id, scopes: new.scopes };
    let (key, token) = state.administration().add_api_key(&me.actor, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(CreatedApiKeyDto { key: key_dto(&key), token })).into_response())
}

/// Revoke an API key: it stops working at once.
#[utoipa::path(post, path = "/api/v1/admin/api-keys/{key}/revoke", params(("key" = String, Path)),
    responses((status = 200, description = "the key, revoked", body = ApiKeyDto),
        (status = 403, description = "not an administrator", body = Problem),
        (status = 404, description = "no such key", body = Problem)))]
async fn revoke_api_key(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> ApiResult {
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| WebError::NotFound)?;
    let key = state.administration().revoke_api_key(&me.actor, id).await.map_err(refused(&context))?;
    Ok(Json(key_dto(&key)).into_response())
}
