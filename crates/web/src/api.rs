//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.
//! Same use cases, same access rules and audit as the pages; errors are problem JSON.
//! Authentication: `POST /api/v1/login` gives a bearer token, or the browser's session cookie
//! with its CSRF token in `X-CSRF-Token`.

use crate::AppState;
use crate::auth::{LoginError, Member, RequestContext, authenticate};
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::access::TeamEntryInput;
use domain::audit::AuditView;
use domain::people::{IdentifierInput, Person, PersonInput};
use domain::service::ServiceError;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

mod notifications;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/v1/login", post(login))
        .route("/v1/people", get(search).post(create))
        .route("/v1/people/{id}", get(show).put(update))
        .route("/v1/people/{id}/audit", get(audit))
        .route("/v1/people/{id}/export", get(export))
        .merge(crate::api_plan::routes())
        .merge(crate::api_measures::routes())
        .merge(notifications::routes())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "desist API",
        description = "People, case teams, audit and the one shared plan per person for multi-agency work to stop reoffending."
    ),
    paths(login, search, create, show, update, audit, export),
    components(schemas(Problem))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::api_plan::PlanApiDoc::openapi());
    doc.merge(crate::api_measures::MeasuresApiDoc::openapi());
    doc.merge(notifications::NotificationsApiDoc::openapi());
    Json(doc)
}

/// RFC 9457 problem details; `errors` lists field problems on 422.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

pub(crate) fn problem(
    status: StatusCode,
    detail: impl Into<String>,
    errors: Vec<FieldProblem>,
    extra: serde_json::Value,
) -> Response {
    let mut body = serde_json::to_value(Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("error").into(),
        status: status.as_u16(),
        detail: detail.into(),
        errors,
    })
    .unwrap_or_default();
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert("content-type", "application/problem+json".parse().expect("static header"));
    response
}

/// Input refused with a problem per field (422), as problem JSON.
pub(crate) fn invalid_problem(errors: &domain::validation::ValidationErrors, context: &RequestContext) -> Response {
    let fields = errors
        .iter()
        .map(|e| FieldProblem { field: e.field.clone(), code: e.key.into(), message: context.texts.field_error(e) })
        .collect();
    problem(StatusCode::UNPROCESSABLE_ENTITY, "the request has invalid fields", fields, json!({}))
}

/// The service's answer as an API response: field errors → 422, duplicates and stale
/// versions → 409 with what the client needs to recover; the rest goes to `WebError`.
pub(crate) fn service_error(error: ServiceError, context: &RequestContext) -> Response {
    match error {
        ServiceError::Invalid(errors) => invalid_problem(&errors, context),
        ServiceError::Duplicate { identifier, existing } => problem(
            StatusCode::CONFLICT,
            format!("{identifier} already belongs to another person"),
            Vec::new(),
            json!({"existing": format!("/api/v1/people/{existing}")}),
        ),
        ServiceError::Conflict { current } => problem(
            StatusCode::CONFLICT,
            "the person was changed by someone else; fetch the current version and apply your change again",
            Vec::new(),
            json!({"current_version": current.version}),
        ),
        other => WebError::from(other).into_response(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Only needed when calling with the session cookie instead of the bearer token.
    csrf_token: String,
    expires_at: String,
}

/// Sign in; throttled per account and per address like the sign-in page.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(State(state): State<AppState>, context: RequestContext, Json(body): Json<LoginRequest>) -> Response {
    match authenticate(&state, &body.username, body.password, &context.address).await {
        Ok(new) => Json(LoginResponse {
            token: new.token,
            csrf_token: new.session.csrf_token,
            expires_at: new.session.expires_at.to_string(),
        })
        .into_response(),
        Err(LoginError::WrongCredentials) => {
            problem(StatusCode::UNAUTHORIZED, "the username or password is not right", Vec::new(), json!({}))
        }
        Err(LoginError::Throttled) => {
            problem(StatusCode::TOO_MANY_REQUESTS, "too many attempts; wait 15 minutes", Vec::new(), json!({}))
        }
        Err(LoginError::Web(error)) => error.into_response(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct PersonSummaryDto {
    id: String,
    family_name: String,
    given_names: Option<String>,
    birth_date: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SearchParams {
    /// Name words (prefixes), a date of birth and/or an identifier.
    q: String,
}

/// Find people your agency works with.
#[utoipa::path(get, path = "/api/v1/people", params(("q" = String, Query, description = "search text")),
    responses((status = 200, body = [PersonSummaryDto]), (status = 401, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    Member(me, _): Member,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let hits = state.people().search(&me.actor, &params.q).await?;
    let body: Vec<PersonSummaryDto> = hits
        .into_iter()
        .map(|h| PersonSummaryDto {
            id: h.id.to_string(),
            family_name: h.family_name,
            given_names: h.given_names,
            birth_date: h.birth_date.map(|d| d.to_string()),
        })
        .collect();
    Ok(Json(body).into_response())
}

/// A person's details as typed: every field is text, checked by the server.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(default)]
pub struct PersonFields {
    family_name: String,
    given_names: String,
    /// `YYYY-MM-DD` (or `DD-MM-YYYY`).
    birth_date: String,
    /// `F`, `M`, `X` or empty.
    sex: String,
    address: String,
    postcode: String,
    city: String,
    phone: String,
    email: String,
    identifiers: Vec<IdentifierDto>,
}

#[derive(Deserialize, Serialize, ToSchema, Default, Clone)]
#[serde(default)]
pub struct IdentifierDto {
    /// `bsn`, `pnc`, `crn` or `local`.
    kind: String,
    value: String,
}

impl PersonFields {
    fn into_input(self) -> PersonInput {
        PersonInput {
            family_name: self.family_name,
            given_names: self.given_names,
            birth_date: self.birth_date,
            sex: self.sex,
            address: self.address,
            postcode: self.postcode,
            city: self.city,
            phone: self.phone,
            email: self.email,
            identifiers: self
                .identifiers
                .into_iter()
                .map(|i| IdentifierInput { kind: i.kind, value: i.value })
                .collect(),
        }
    }

    fn from_person(person: &Person) -> Self {
        let input = PersonInput::from_draft(&person.details);
        PersonFields {
            family_name: input.family_name,
            given_names: input.given_names,
            birth_date: input.birth_date,
            sex: input.sex,
            address: input.address,
            postcode: input.postcode,
            city: input.city,
            phone: input.phone,
            email: input.email,
            identifiers: input
                .identifiers
                .into_iter()
                .map(|i| IdentifierDto { kind: i.kind, value: i.value })
                .collect(),
        }
    }
}

/// The legal basis on which your agency joins the new person's team.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct BasisDto {
    /// `statutory_task`, `consent` or `court_order`.
    kind: String,
    statute: String,
    consent_scope: String,
    consent_expires_on: String,
    court_order_reference: String,
    reason: String,
}

#[derive(Deserialize, ToSchema)]
pub struct NewPerson {
    person: PersonFields,
    basis: BasisDto,
}

#[derive(Serialize, ToSchema)]
pub struct PersonDto {
    id: String,
    /// Send back with an update; a newer stored version makes the update a 409.
    version: i64,
    #[serde(flatten)]
    fields: PersonFields,
    created_at: String,
    updated_at: String,
}

fn person_dto(person: &Person) -> PersonDto {
    PersonDto {
        id: person.id.to_string(),
        version: person.version,
        fields: PersonFields::from_person(person),
        created_at: person.created_at.to_string(),
        updated_at: person.updated_at.to_string(),
    }
}

/// Add a person; your agency joins their team on the basis given.
#[utoipa::path(post, path = "/api/v1/people", request_body = NewPerson,
    responses((status = 201, body = PersonDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create(State(state): State<AppState>, Member(me, context): Member, Json(body): Json<NewPerson>) -> Response {
    let basis = TeamEntryInput {
        agency_id: String::new(),
        basis_kind: body.basis.kind,
        statute: body.basis.statute,
        consent_scope: body.basis.consent_scope,
        consent_expires_on: body.basis.consent_expires_on,
        court_order_reference: body.basis.court_order_reference,
        reason: body.basis.reason,
    };
    match state.people().create(&me.actor, &body.person.into_input(), &basis).await {
        Ok(person) => {
            (StatusCode::CREATED, [("location", format!("/api/v1/people/{}", person.id))], Json(person_dto(&person)))
                .into_response()
        }
        Err(error) => service_error(error, &context),
    }
}

/// One person (audited as a read).
#[utoipa::path(get, path = "/api/v1/people/{id}", params(("id" = String, Path)),
    responses((status = 200, body = PersonDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn show(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let file = state.people().view(&me.actor, person_id(&id)?, "api_person").await?;
    Ok(Json(person_dto(&file.person)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct PersonUpdate {
    /// The version the change was made on.
    version: i64,
    person: PersonFields,
}

/// Change a person's details; refused with 409 when someone saved a newer version first.
#[utoipa::path(put, path = "/api/v1/people/{id}", params(("id" = String, Path)), request_body = PersonUpdate,
    responses((status = 200, body = PersonDto), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Json(body): Json<PersonUpdate>,
) -> Result<Response, WebError> {
    let id = person_id(&id)?;
    Ok(match state.people().update(&me.actor, id, body.version, &body.person.into_input()).await {
        Ok(person) => Json(person_dto(&person)).into_response(),
        Err(error) => service_error(error, &context),
    })
}

#[derive(Serialize, ToSchema)]
pub struct AuditDto {
    at: String,
    member: String,
    agency: String,
    action: String,
    what: String,
    basis: String,
}

/// Who has read or changed this person's record, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/audit", params(("id" = String, Path)),
    responses((status = 200, body = [AuditDto]), (status = 403, body = Problem)))]
async fn audit(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = person_id(&id)?;
    state.people().view(&me.actor, id, "api_audit_trail").await?;
    let trail: Vec<AuditView> = state.people().audit_trail(&me.actor, id, 1000).await?;
    let body: Vec<AuditDto> = trail
        .into_iter()
        .map(|a| AuditDto {
            at: a.entry.at.to_string(),
            member: a.member_name,
            agency: a.agency_name,
            action: a.entry.action.code().into(),
            what: a.entry.what,
            basis: a.entry.basis,
        })
        .collect();
    Ok(Json(body).into_response())
}

/// Subject-access export (GDPR art. 15): everything held on the person; itself audited.
#[utoipa::path(get, path = "/api/v1/people/{id}/export", params(("id" = String, Path)),
    responses((status = 200, description = "the export as JSON"), (status = 403, body = Problem)))]
async fn export(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let export = state.people().export(&me.actor, person_id(&id)?).await?;
    Ok(Json(export).into_response())
}
