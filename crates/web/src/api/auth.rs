//! Signing in to the API: `POST /api/v1/login` checks the password like the sign-in page
//! (throttled, and refused at once with 429 and `Retry-After` when too many sign-ins are being
//! checked) and answers with a bearer token and the failed attempts on the account since the
//! member's last sign-in.

use super::problem::{Problem, problem};
use crate::AppState;
use crate::auth::{LoginError, RequestContext, authenticate, with_retry_after};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/login", post(login))
}

#[derive(OpenApi)]
#[openapi(paths(login))]
pub struct AuthApiDoc;

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"username": "s.bakker", "password": "a longer new passphrase"}))]
pub struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"token": "8c1f3e5a7b9d0f2a4c6e8a0b2d4f6a8c", "csrf_token": "2d4f6a8c0e1b3d5f", "expires_at": "2026-12-07T21:15:00Z", "failed_attempts": {"count": 2, "last_from": "10.20.30.41", "last_at": "2026-12-07T08:58:00Z"}}))]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    token: String,
    /// Only needed when calling with the session cookie instead of the bearer token.
    csrf_token: String,
    expires_at: String,
    /// Failed sign-in attempts on the account since the member's last sign-in, if any.
    failed_attempts: Option<FailedAttemptsDto>,
}

#[derive(Serialize, ToSchema)]
pub struct FailedAttemptsDto {
    count: u32,
    /// The address the last one came from.
    last_from: String,
    last_at: String,
}

/// Sign in; throttled like the sign-in page. A 429 carries `Retry-After` (seconds). A session
/// the call came with (cookie or bearer) ends when the sign-in succeeds.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, description = "The result", body = LoginResponse), (status = 401, description = "Not signed in (problem JSON)", body = Problem), (status = 429, description = "Too many attempts; try again after Retry-After seconds (problem JSON)", body = Problem)))]
async fn login(State(state): State<AppState>, context: RequestContext, Json(body): Json<LoginRequest>) -> Response {
    let presented = context.signed_in.as_ref().map(|s| s.token_hash.clone());
    match authenticate(&state, &body.username, body.password, &context.address, presented.as_deref()).await {
        Ok(new) => Json(LoginResponse {
            token: new.token,
            csrf_token: new.session.csrf_token,
            expires_at: new.session.expires_at.to_string(),
            failed_attempts: new.session.failed_attempts.map(|f| FailedAttemptsDto {
                count: f.count,
                last_from: f.last_from,
                last_at: f.last_at.to_string(),
            }),
        })
        .into_response(),
        Err(LoginError::Web(error)) => error.into_response(),
        Err(error) => {
            let status = match error {
                LoginError::WrongCredentials => StatusCode::UNAUTHORIZED,
                _ => StatusCode::TOO_MANY_REQUESTS,
            };
            with_retry_after(problem(status, error.message(context.texts), Vec::new(), json!({})), &error)
        }
    }
}
