//! Notifications in the JSON API: a member's list (as the page shows it), and read marks.

use super::problem::{ApiResult, Problem};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::notifications::{PageQuery, href, message};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::notifications::service::NotificationPage;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/notifications", get(list))
        .route("/v1/notifications/read", post(mark_all_read))
        .route("/v1/notifications/{position}/read", post(mark_read))
}

#[derive(OpenApi)]
#[openapi(paths(list, mark_read, mark_all_read), components(schemas(NotificationsDto, NotificationDto, SubjectDto)))]
pub struct NotificationsApiDoc;

#[derive(Serialize, ToSchema)]
pub struct SubjectDto {
    /// `person`, `plan`, `conference_request`, `meeting`, `episode`, `exclusion_order` or `zsm_case`.
    kind: String,
    id: String,
}

#[derive(Serialize, ToSchema)]
pub struct NotificationDto {
    /// The event's place in the outbox; pass it to mark this notification read.
    position: i64,
    id: String,
    /// The event type, e.g. `plan.task.assigned`, `conference.decision.recorded`, `zsm.clock.escalated`.
    kind: String,
    at: String,
    person_id: Option<String>,
    person_name: Option<String>,
    subject: SubjectDto,
    /// The event's parameters (task, due date, reason, …).
    detail: BTreeMap<String, String>,
    /// The message in the member's language.
    message: String,
    /// The page where the record can be opened.
    link: String,
    read: bool,
    /// The event names this member (a task or an episode given to them).
    for_you: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"notifications": [{"position": 42, "id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "kind": "plan.task_assigned", "at": "2026-12-07", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "subject": {"kind": "task", "id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b"}, "detail": {"due": "2026-12-14"}, "message": "A task for your agency on Jan de Vries's plan", "link": "/people/5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13/plan", "read": false, "for_you": true}], "older": null}))]
pub struct NotificationsDto {
    notifications: Vec<NotificationDto>,
    /// Pass as `before` for the next, older page; `null` on the last page.
    older: Option<i64>,
}

/// The signed-in member's notifications, newest first, 50 to a page; only those about persons
/// the member's agency may see now.
#[utoipa::path(get, path = "/api/v1/notifications", operation_id = "list_notifications",
    params(("before" = Option<i64>, Query, description = "only notifications older than this position")),
    responses((status = 200, description = "The result", body = NotificationsDto), (status = 401, description = "Not signed in (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, context): Member, Query(query): Query<PageQuery>) -> ApiResult {
    let zone = state.member_zone(&me.actor).await?;
    let NotificationPage { lines, older } = state.notifications_in(&zone.zone).page(&me.actor, query.before).await?;
    let notifications = lines
        .into_iter()
        .map(|line| {
            let event = &line.notification.event;
            NotificationDto {
                position: line.notification.position,
                id: event.id.to_string(),
                kind: event.kind.code().into(),
                at: event.at.to_string(),
                person_id: event.person.map(|p| p.to_string()),
                message: message(event, line.person_name.as_deref(), context.texts),
                link: href(event),
                subject: SubjectDto { kind: event.subject.kind.code().into(), id: event.subject.id.to_string() },
                detail: event.detail.clone(),
                person_name: line.person_name,
                read: line.notification.read,
                for_you: line.for_you,
            }
        })
        .collect();
    Ok(Json(NotificationsDto { notifications, older }).into_response())
}

/// Mark one notification read; 404 when it is not the member's to read.
#[utoipa::path(post, path = "/api/v1/notifications/{position}/read", params(("position" = i64, Path)),
    responses((status = 204, description = "marked read"), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem)))]
async fn mark_read(State(state): State<AppState>, Member(me, _): Member, Path(position): Path<String>) -> ApiResult {
    let position: i64 = position.parse().map_err(|_| WebError::NotFound)?;
    let zone = state.member_zone(&me.actor).await?;
    state.notifications_in(&zone.zone).mark_read(&me.actor, position).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Mark everything the member's agency has been told so far read.
#[utoipa::path(post, path = "/api/v1/notifications/read", responses((status = 204, description = "all marked read")))]
async fn mark_all_read(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let zone = state.member_zone(&me.actor).await?;
    state.notifications_in(&zone.zone).mark_all_read(&me.actor).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
