//! Embedded static assets, the health check and the front door.

use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use rust_embed::RustEmbed;
use serde_json::json;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home)).route("/healthz", get(health)).route("/assets/{*path}", get(asset))
}

/// `/`: where each member starts — the analyst on the evidence, an administrator who works with
/// no persons on the administration, everyone else (and anyone signed out) on the people search.
async fn home(context: crate::auth::RequestContext) -> Redirect {
    use domain::access::Permission;
    let can = |permission| context.signed_in.as_ref().is_some_and(|s| s.actor.can(permission));
    let start = if can(Permission::ViewPerson) {
        "/people"
    } else if can(Permission::ViewAggregates) {
        "/evidence/what-works"
    } else if context.signed_in.as_ref().is_some_and(|s| {
        use domain::access::Role;
        s.actor.roles.iter().any(|r| [Role::Commissioner, Role::LocationLead].contains(r))
    }) {
        // Views4: a commissioner or a location lead works on their own aggregates only.
        "/evidence/what-works"
    } else if can(Permission::ManageMembers) {
        "/admin"
    } else {
        "/people"
    };
    Redirect::to(start)
}

async fn asset(Path(path): Path<String>) -> Response {
    let Some(file) = Assets::get(&path) else { return StatusCode::NOT_FOUND.into_response() };
    let content_type = match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], file.data.into_owned())
        .into_response()
}

/// Up when the database answers; load balancers and `desist serve` scripts poll this.
async fn health(State(state): State<AppState>) -> Response {
    match state.database_status().await {
        Ok((backend, (applied, known))) => {
            Json(json!({"status": "ok", "database": backend, "migrations": {"applied": applied, "known": known}}))
                .into_response()
        }
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable"}))).into_response()
        }
    }
}
