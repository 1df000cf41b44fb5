//! The member's own password in the JSON API: `POST /api/v1/account/password`. A member whose
//! password was set by someone else gets 403 from every other call until they have changed it.

use super::problem::{ApiError, ApiResult, Problem, invalid_problem, service_error};
use crate::AppState;
use crate::auth::Member;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/account/password", post(change_password))
}

#[derive(OpenApi)]
#[openapi(paths(change_password), components(schemas(PasswordChange)))]
pub struct AccountApiDoc;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"current_password": "old correct horse", "new_password": "a longer new passphrase"}))]
pub struct PasswordChange {
    current_password: String,
    /// At least 12 characters, not the current one.
    new_password: String,
}

/// Change your own password, giving the current one.
#[utoipa::path(post, path = "/api/v1/account/password", request_body = PasswordChange,
    responses((status = 204, description = "changed"), (status = 401, description = "not signed in", body = Problem),
        (status = 422, description = "the current password is wrong, or the new one too short or the same", body = Problem)))]
async fn change_password(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<PasswordChange>, JsonRejection>,
) -> ApiResult {
    let Json(change) = parsed?;
    state.administration().change_own_password(&me.actor, change.current_password, change.new_password).await.map_err(
        |error| match error.field_errors() {
            Some(errors) => ApiError::Problem(invalid_problem(&errors, &context)),
            None => ApiError::Problem(service_error(error, &context)),
        },
    )?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
