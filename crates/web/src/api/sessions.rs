//! A member's own sessions in the JSON API: where they are signed in, and signing out
//! everywhere else (as `/sessions` does).

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/sessions", get(list)).route("/v1/sessions/end-others", post(end_others))
}

#[derive(OpenApi)]
#[openapi(paths(list, end_others), components(schemas(SessionsDto, SessionDto, EndedDto)))]
pub struct SessionsApiDoc;

#[derive(Serialize, ToSchema)]
pub struct SessionDto {
    signed_in_at: String,
    expires_at: String,
    /// The address it was signed in from.
    signed_in_from: String,
    /// The session of this call.
    current: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"sessions": [{"signed_in_at": "2026-12-07T09:15:00Z", "expires_at": "2026-12-07T21:15:00Z", "signed_in_from": "10.20.30.40", "current": true}]}))]
pub struct SessionsDto {
    sessions: Vec<SessionDto>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"ended": 2}))]
pub struct EndedDto {
    /// How many sessions ended.
    ended: u64,
}

/// The member's open sessions, newest first.
#[utoipa::path(get, path = "/api/v1/sessions", operation_id = "list_sessions", responses((status = 200, description = "The result", body = SessionsDto), (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let sessions = state
        .sessions()
        .open(&me.actor, &me.token_hash)
        .await?
        .into_iter()
        .map(|s| SessionDto {
            signed_in_at: s.created_at.to_string(),
            expires_at: s.expires_at.to_string(),
            signed_in_from: s.signed_in_from,
            current: s.current,
        })
        .collect();
    Ok(Json(SessionsDto { sessions }).into_response())
}

/// Ends every session of the member but the one of this call, on every server.
#[utoipa::path(post, path = "/api/v1/sessions/end-others", responses((status = 200, description = "The result", body = EndedDto), (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn end_others(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let ended = state.sessions().end_others(&me.actor, &me.token_hash).await?;
    Ok(Json(EndedDto { ended }).into_response())
}
