//! The web layer's one error type, mapped to HTTP here and nowhere else: an HTML page in the
//! reader's language for pages, problem JSON (RFC 9457) under `/api`. Internal causes are
//! logged with the request id and never shown.

use crate::AppState;
use crate::auth::RequestContext;
use crate::forms::ErrorList;
use crate::page::{Page, render};
use askama::Template;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use domain::access::Denial;
use domain::ports::StoreError;
use domain::service::ServiceError;
use domain::validation::ValidationErrors;
use serde_json::json;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("forbidden: {0}")]
    Forbidden(Denial),
    #[error("sign in first")]
    Unauthenticated,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("request too large")]
    PayloadTooLarge,
    /// Input refused before it reached a use case (e.g. at the edge, `limits.rs`); each
    /// problem names its field.
    #[error("invalid input: {0}")]
    Invalid(ValidationErrors),
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    pub fn internal(cause: impl Into<String>) -> Self {
        WebError::Internal(cause.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden(_) | WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::Unauthenticated => StatusCode::UNAUTHORIZED,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message key and its parameters for the reader.
    fn message(&self) -> (&'static str, &'static str) {
        match self {
            WebError::NotFound => ("error.not_found.title", "error.not_found"),
            WebError::Forbidden(Denial::NotOnTeam) => ("error.forbidden.title", "error.forbidden.not_on_team"),
            WebError::Forbidden(Denial::ConsentExpired) => ("error.forbidden.title", "error.forbidden.consent_expired"),
            WebError::Forbidden(Denial::RoleLacksPermission) => ("error.forbidden.title", "error.forbidden.role"),
            WebError::Forbidden(Denial::NotTaskOwner) => ("error.forbidden.title", "error.forbidden.not_task_owner"),
            WebError::Csrf => ("error.forbidden.title", "error.csrf"),
            WebError::BadRequest(_) | WebError::Conflict(_) | WebError::PayloadTooLarge => {
                ("error.summary", "error.bad_request")
            }
            WebError::Invalid(_) => ("error.summary", "error.invalid_input"),
            WebError::Unauthenticated => ("login.title", "login.title"),
            WebError::Internal(_) => ("error.internal.title", "error.internal"),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<ServiceError> for WebError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::NotFound => WebError::NotFound,
            ServiceError::Forbidden(denial) => WebError::Forbidden(denial),
            ServiceError::Conflict { .. } => WebError::Conflict("the record was changed by someone else".into()),
            ServiceError::ChangedMeanwhile => WebError::Conflict("the case was changed by someone else".into()),
            ServiceError::Stale(_) => WebError::Conflict("it was changed by someone else meanwhile".into()),
            ServiceError::Duplicate { identifier, .. } => {
                WebError::Conflict(format!("{identifier} is already registered"))
            }
            ServiceError::Invalid(errors) => WebError::BadRequest(errors.to_string()),
            ServiceError::PossibleDuplicate { .. } => {
                WebError::BadRequest("a person with the same name and date of birth is already registered".into())
            }
            // A refused rule is input to fix, like a validation error: 422 naming its field.
            rule @ ServiceError::Rule(_) => WebError::Invalid(rule.field_errors().unwrap_or_default()),
            ServiceError::Store(error) => error.into(),
        }
    }
}

/// Handlers return the error as a marker; `render_error_pages` turns it into the page or JSON
/// with the request's language and path, which `IntoResponse` alone cannot see.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    heading: String,
    message: String,
    /// What to fix, one line per field.
    problems: Vec<String>,
}

pub async fn render_error_pages(State(_state): State<AppState>, request: Request, next: Next) -> Response {
    let context = request.extensions().get::<RequestContext>().cloned();
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    let response = next.run(request).await;
    let Some(error) = response.extensions().get::<WebError>().cloned() else { return response };
    let Some(context) = context else { return response };
    if let WebError::Internal(cause) = &error {
        tracing::error!(%request_id, %cause, "internal error");
    }
    if context.path.starts_with("/api/") {
        return match &error {
            WebError::Invalid(errors) => crate::api::problem::invalid_problem(errors, &context),
            _ => problem(&error, &request_id),
        };
    }
    if matches!(error, WebError::Unauthenticated) {
        let next = serde_urlencoded::to_string([("next", context.path.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/login?{next}")).into_response();
    }
    let t = context.texts;
    let (title_key, message_key) = error.message();
    let detail = match &error {
        WebError::BadRequest(detail) | WebError::Conflict(detail) => detail.clone(),
        _ => String::new(),
    };
    let message = t.fill(message_key, &[("reference", &request_id), ("detail", &detail)]);
    let problems = match &error {
        WebError::Invalid(errors) => {
            ErrorList::from_validation(errors, t).items.into_iter().map(|e| e.summary).collect()
        }
        _ => Vec::new(),
    };
    let page = Page::new(&context, t.get(title_key));
    render(error.status(), &ErrorPage { page, heading: t.get(title_key).into(), message, problems })
}

/// RFC 9457 problem details.
pub fn problem(error: &WebError, request_id: &str) -> Response {
    let detail = match error {
        WebError::Internal(_) => format!("internal error; reference {request_id}"),
        other => other.to_string(),
    };
    let body = json!({
        "type": "about:blank",
        "title": error.status().canonical_reason().unwrap_or("error"),
        "status": error.status().as_u16(),
        "detail": detail,
        "request_id": request_id,
    });
    let mut response = (error.status(), Json(body)).into_response();
    response.headers_mut().insert("content-type", "application/problem+json".parse().expect("static header"));
    response
}
