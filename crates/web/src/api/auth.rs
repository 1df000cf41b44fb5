//! Signing in to the API: `POST /api/v1/login` checks the password like the sign-in page
//! (throttled per account and per address) and answers with a bearer token.

use super::problem::{Problem, problem};
use crate::AppState;
use crate::auth::{LoginError, RequestContext, authenticate};
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
