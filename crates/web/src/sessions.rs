//! A member's own sessions: `/sessions` lists where they are signed in (each browser or API
//! client that signed in and has not signed out or expired), and "sign out everywhere else"
//! ends all but the one asking. Signing in again in a browser ends that browser's old session
//! (`auth::authenticate`). The JSON form is `api/sessions.rs`.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::page::{Page, local_time, ok};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new().route("/sessions", get(list)).route("/sessions/end-others", post(end_others))
}

/// One open session as the page shows it.
struct SessionView {
    signed_in_at: String,
    expires_at: String,
    signed_in_from: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "sessions.html")]
struct SessionsPage {
    page: Page,
    sessions: Vec<SessionView>,
    others: bool,
}

/// `GET /sessions`: the member's open sessions, newest first.
async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let zone = &state.config.time_zone;
    let sessions: Vec<SessionView> = state
        .sessions()
        .open(&me.actor, &me.token_hash)
        .await?
        .into_iter()
        .map(|s| SessionView {
            signed_in_at: local_time(s.created_at, zone),
            expires_at: local_time(s.expires_at, zone),
            signed_in_from: s.signed_in_from,
            current: s.current,
        })
        .collect();
    let others = sessions.iter().any(|s| !s.current);
    ok(&SessionsPage { page: Page::new(&context, context.texts.get("sessions.title")), sessions, others })
}

/// `POST /sessions/end-others`: every session of the member but this one ends, on every server.
async fn end_others(State(state): State<AppState>, Member(me, _): Member) -> Result<Response, WebError> {
    let ended = state.sessions().end_others(&me.actor, &me.token_hash).await?;
    tracing::info!(member = %me.actor.member_id, ended, "signed out everywhere else");
    Ok(Redirect::to("/sessions").into_response())
}
