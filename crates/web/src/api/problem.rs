//! What the API answers when a call does not succeed: problem details (RFC 9457), a 422 for a
//! body that is not the JSON the call takes or input the use case refused (with the fields to
//! fix), a 409 with what the caller needs to recover; anything else is the one `WebError`,
//! which `render_error_pages` turns into problem JSON too.

use crate::auth::RequestContext;
use crate::error::WebError;
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use domain::service::ServiceError;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

/// RFC 9457 problem details; `errors` lists field problems on 422.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"type": "about:blank", "title": "Unprocessable Entity", "status": 422, "detail": "The input is not valid", "errors": [{"field": "due", "code": "date", "message": "Enter a date as YYYY-MM-DD"}]}))]
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

/// A problem response: `extra` adds members beside the standard ones (e.g. `existing`).
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

/// A 422 problem without field errors: the request cannot be read as asked.
pub(crate) fn unprocessable(detail: impl Into<String>) -> Response {
    problem(StatusCode::UNPROCESSABLE_ENTITY, detail, Vec::new(), json!({}))
}

/// Input refused with a problem per field (422), as problem JSON.
pub(crate) fn invalid_problem(errors: &domain::validation::ValidationErrors, context: &RequestContext) -> Response {
    let fields = errors
        .iter()
        .map(|e| FieldProblem { field: e.field.clone(), code: e.key.into(), message: context.texts.field_error(e) })
        .collect();
    problem(StatusCode::UNPROCESSABLE_ENTITY, "the request has invalid fields", fields, json!({}))
}

/// The service's answer as an API response: field errors → 422, duplicates, stale versions
/// and changes made on what changed meanwhile → 409 with what the client needs to recover;
/// the rest goes to `WebError`.
pub(crate) fn service_error(error: ServiceError, context: &RequestContext) -> Response {
    match error {
        ServiceError::Invalid(errors) => invalid_problem(&errors, context),
        // A refused rule (a clock's limit, a disposal's condition) is 422 in every API module.
        rule @ ServiceError::Rule(_) => invalid_problem(&rule.field_errors().unwrap_or_default(), context),
        // Whose it is, only when the member may see that person.
        ServiceError::Duplicate { identifier, existing } => problem(
            StatusCode::CONFLICT,
            format!("{identifier} is already registered; {}", context.texts.get("error.identifier.who_to_ask")),
            Vec::new(),
            existing.map_or(json!({}), |existing| json!({"existing": format!("/api/v1/people/{existing}")})),
        ),
        ServiceError::Stale(changed) => problem(
            StatusCode::CONFLICT,
            "someone else changed this meanwhile; read it again and decide on what it is now",
            vec![FieldProblem {
                field: changed.field.clone(),
                code: changed.key.into(),
                message: context.texts.field_error(&changed),
            }],
            json!({}),
        ),
        // Only the matches the member's agency may see are named (the service found no others).
        ServiceError::PossibleDuplicate { matches, also } => problem(
            StatusCode::CONFLICT,
            "a person with the same name and date of birth is already registered; \
             send duplicate_reason to register another",
            std::iter::once(FieldProblem {
                field: "duplicate_reason".into(),
                code: "error.person.possible_duplicate".into(),
                message: context
                    .texts
                    .fill("error.person.possible_duplicate", &[("count", &matches.len().to_string())]),
            })
            .chain(also.iter().map(|e| FieldProblem {
                field: e.field.clone(),
                code: e.key.into(),
                message: context.texts.field_error(e),
            }))
            .collect(),
            json!({"possible_duplicates": matches.iter().map(|m| format!("/api/v1/people/{}", m.id)).collect::<Vec<_>>()}),
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

/// Why an API call did not succeed: a problem answered here, or the one `WebError`.
pub(crate) enum ApiError {
    Problem(Response),
    Web(WebError),
}

/// What every API handler returns: `?` turns a `WebError` or a `ServiceError` into the error
/// page's problem JSON, a body that is not the JSON the call takes into a 422 problem, and
/// `.map_err(refused(&context))?` a change the use case refused into its problem.
pub(crate) type ApiResult = Result<Response, ApiError>;

impl From<WebError> for ApiError {
    fn from(error: WebError) -> Self {
        ApiError::Web(error)
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        ApiError::Web(error.into())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        ApiError::Problem(unprocessable(rejection.body_text()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Problem(response) => response,
            ApiError::Web(error) => error.into_response(),
        }
    }
}

/// A change the use case refused, answered in the caller's language ([`service_error`]).
pub(crate) fn refused(context: &RequestContext) -> impl FnOnce(ServiceError) -> ApiError + '_ {
    move |error| ApiError::Problem(service_error(error, context))
}
