//! Unmet need (recorded by the referrer, and the commissioners' report) and the webhooks that
//! carry every referral change to providers' own systems, in the JSON API. Beside
//! `interventions.rs` (the finder and referrals), with the same use cases, access and audit.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use domain::ids::WebhookId;
use domain::interventions::Disclosed;
use domain::interventions::ports::Delivery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/unmet-need", post(record_unmet))
        .route("/v1/reports/unmet-need", get(unmet_report))
        .route("/v1/webhooks", get(list_webhooks).post(subscribe))
        .route("/v1/webhooks/{id}", patch(switch_webhook))
        .route("/v1/webhooks/{id}/deliveries", get(deliveries))
        .route("/v1/webhooks/{id}/replay", post(replay))
}

#[derive(OpenApi)]
#[openapi(
    paths(record_unmet, unmet_report, subscribe, list_webhooks, switch_webhook, deliveries, replay),
    components(schemas(
        UnmetBody,
        UnmetRowDto,
        UnmetReportDto,
        WebhookBody,
        WebhookDto,
        DeliveryDto,
        ReplayBody,
        ReplayDto,
        SwitchBody
    ))
)]
pub struct UnmetNeedAndWebhooksApiDoc;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "need": "housing", "reason": "no_capacity"}))]
pub struct UnmetBody {
    person_id: String,
    /// The life domain.
    need: String,
    /// `none_exists`, `no_capacity` or `not_eligible`.
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/unmet-need", request_body = UnmetBody,
    responses((status = 201, description = "Recorded", body = UnmetRowDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn record_unmet(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<UnmetBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = parsed?;
    let person = person_id(&b.person_id)?;
    let zone = state.person_zone(person).await?;
    let unmet = state
        .interventions_in(&zone.zone)
        .record_unmet(&me.actor, person, &b.need, &b.reason)
        .await
        .map_err(refused(&context))?;
    let month = format!("{:04}-{:02}", unmet.on.year(), unmet.on.month());
    let row = UnmetRowDto {
        need: unmet.need.to_string(),
        area: unmet.area,
        month,
        reason: unmet.reason.code(),
        count: Some(1),
        suppressed: false,
    };
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"need": "housing", "area": "Utrecht", "month": "2026-12", "reason": "no_capacity", "count": 7, "suppressed": false}))]
pub struct UnmetRowDto {
    need: String,
    area: String,
    /// `YYYY-MM`.
    month: String,
    reason: &'static str,
    /// Null when suppressed (fewer than the report's minimum).
    count: Option<u32>,
    suppressed: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-01-01", "to": "2026-12-31", "minimum": 5, "rows": [{"need": "housing", "area": "Utrecht", "month": "2026-12", "reason": "no_capacity", "count": 7, "suppressed": false}]}))]
pub struct UnmetReportDto {
    from: String,
    to: String,
    /// Counts below this are not disclosed.
    minimum: u32,
    rows: Vec<UnmetRowDto>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day (default: a year ago).
    from: Option<String>,
    /// Last day (default: today).
    to: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/reports/unmet-need", params(ReportQuery),
    responses((status = 200, description = "Needed but unavailable, by need, area, month and reason; small counts suppressed", body = UnmetReportDto),
        (status = 403, description = "Only commissioners and analysts read it (problem JSON)", body = Problem)))]
async fn unmet_report(State(state): State<AppState>, Member(me, _): Member, Query(q): Query<ReportQuery>) -> ApiResult {
    let zone = state.member_zone(&me.actor).await?;
    let service = state.interventions_in(&zone.zone);
    let today = service.today();
    let day = |raw: Option<&str>, default| match raw.map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => domain::validation::read_date(text).ok_or(WebError::NotFound),
        None => Ok(default),
    };
    let from = day(q.from.as_deref(), today - jiff::Span::new().days(365))?;
    let to = day(q.to.as_deref(), today)?;
    let rows = service
        .unmet_report(&me.actor, from, to)
        .await?
        .into_iter()
        .map(|(k, shown)| UnmetRowDto {
            need: k.need,
            area: k.area,
            month: k.month,
            reason: k.reason.code(),
            count: match shown {
                Disclosed::Count { count } => Some(count),
                Disclosed::FewerThan { .. } => None,
            },
            suppressed: matches!(shown, Disclosed::FewerThan { .. }),
        })
        .collect();
    let minimum = domain::interventions::DISCLOSURE_MINIMUM;
    Ok(Json(UnmetReportDto { from: from.to_string(), to: to.to_string(), minimum, rows }).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"url": "https://provider.example/desist/events"}))]
pub struct WebhookBody {
    /// Where events are posted.
    url: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "url": "https://provider.example/desist/events", "secret": "whsec_3a5c7e9b1d2f4a6c", "active": true}))]
pub struct WebhookDto {
    id: String,
    url: String,
    /// The signing secret, `whsec_` + base64; shown only when subscribing.
    secret: Option<String>,
    /// Off: nothing is queued or posted for it (replay from a position after switching it on).
    active: bool,
}

fn webhook_dto(hook: &domain::interventions::ports::Webhook) -> WebhookDto {
    WebhookDto { id: hook.id.to_string(), url: hook.url.clone(), secret: None, active: hook.active }
}

#[utoipa::path(post, path = "/api/v1/webhooks", request_body = WebhookBody,
    responses((status = 201, description = "Subscribed: every event about the provider's referrals is posted, signed as Standard Webhooks describes", body = WebhookDto),
        (status = 403, description = "Only a provider's members subscribe (problem JSON)", body = Problem),
        (status = 422, description = "The URL is not valid, or is plain http to another machine (https is required; problem JSON)", body = Problem)))]
async fn subscribe(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<WebhookBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = parsed?;
    let mut secret = vec![0u8; 24];
    getrandom::fill(&mut secret).map_err(|_| WebError::internal("no randomness"))?;
    let hook = state.webhooks().subscribe(&me.actor, &b.url, secret).await.map_err(refused(&context))?;
    let body = WebhookDto { secret: Some(crate::webhooks::secret_text(&hook.secret)), ..webhook_dto(&hook) };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[utoipa::path(get, path = "/api/v1/webhooks",
    responses((status = 200, description = "The member's provider's subscriptions (secrets are never shown again)", body = Vec<WebhookDto>),
        (status = 403, description = "Only a provider's members keep its subscriptions (problem JSON)", body = Problem)))]
async fn list_webhooks(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let hooks = state.webhooks().own_webhooks(&me.actor).await?;
    Ok(Json(hooks.iter().map(webhook_dto).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"active": false}))]
pub struct SwitchBody {
    /// `false` switches the subscription off, `true` on again.
    active: bool,
}

#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", params(("id" = String, Path)), request_body = SwitchBody,
    responses((status = 200, description = "Switched: while off nothing is queued or posted for it; each switch is kept with who and when", body = WebhookDto),
        (status = 404, description = "No such subscription of this member's provider (problem JSON)", body = Problem),
        (status = 422, description = "The body is not `{\"active\": true|false}` (problem JSON)", body = Problem)))]
async fn switch_webhook(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
    parsed: Result<Json<SwitchBody>, JsonRejection>,
) -> ApiResult {
    let id = webhook_id(&id)?;
    let Json(b) = parsed?;
    let hook = state.webhooks().switch(&me.actor, id, b.active).await?;
    Ok(Json(webhook_dto(&hook)).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"position": 42, "state": "delivered", "attempts": 1, "next_attempt_at": "2026-12-07T09:15:00Z", "last_status": 200, "last_error": null, "delivered_at": "2026-12-07T09:15:00Z"}))]
pub struct DeliveryDto {
    /// The outbox position of the event.
    position: i64,
    /// `pending`, `delivered` or `failed`.
    state: &'static str,
    attempts: u32,
    next_attempt_at: String,
    last_status: Option<u16>,
    last_error: Option<String>,
    delivered_at: Option<String>,
}

fn delivery_dto(d: &Delivery) -> DeliveryDto {
    DeliveryDto {
        position: d.position,
        state: d.state.code(),
        attempts: d.attempts,
        next_attempt_at: d.next_attempt_at.to_string(),
        last_status: d.last_status,
        last_error: d.last_error.clone(),
        delivered_at: d.delivered_at.map(|t| t.to_string()),
    }
}

fn webhook_id(raw: &str) -> Result<WebhookId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", params(("id" = String, Path)),
    responses((status = 200, description = "The delivery log, newest first", body = Vec<DeliveryDto>),
        (status = 404, description = "No such subscription of this member's provider (problem JSON)", body = Problem)))]
async fn deliveries(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let log = state.webhooks().deliveries(&me.actor, webhook_id(&id)?).await?;
    Ok(Json(log.iter().map(delivery_dto).collect::<Vec<_>>()).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"from": 40}))]
pub struct ReplayBody {
    /// Deliver again every event from this outbox position on.
    from: i64,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"queued": 3}))]
pub struct ReplayDto {
    queued: u64,
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/replay", params(("id" = String, Path)), request_body = ReplayBody,
    responses((status = 200, description = "The events queued again", body = ReplayDto),
        (status = 404, description = "No such subscription of this member's provider (problem JSON)", body = Problem)))]
async fn replay(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ReplayBody>, JsonRejection>,
) -> ApiResult {
    let Json(b) = parsed?;
    let queued = state.webhooks().replay(&me.actor, webhook_id(&id)?, b.from).await?;
    Ok(Json(ReplayDto { queued }).into_response())
}
