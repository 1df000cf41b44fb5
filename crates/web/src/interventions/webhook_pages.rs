//! The provider's webhook subscriptions on the web (`/provider/webhooks`): subscribe its own
//! system (the signing secret shown once), see how the last delivery went, switch a
//! subscription off and on again. The same use cases as `POST/PATCH /api/v1/webhooks`.

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok, refused, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use domain::ids::WebhookId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/provider/webhooks", get(webhooks).post(subscribe))
        .route("/provider/webhooks/{id}/active", post(switch))
}

struct HookLine {
    id: String,
    url: String,
    active: bool,
    /// How the newest delivery went, in words; empty before the first.
    last: String,
}

#[derive(Template)]
#[template(path = "provider_webhooks.html")]
struct WebhooksPage {
    page: Page,
    hooks: Vec<HookLine>,
    /// The secret of the subscription just made: shown this once.
    secret: String,
    errors: ErrorList,
    posted: Posted,
}

async fn webhooks_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    secret: String,
    errors: ErrorList,
    posted: Posted,
) -> Result<WebhooksPage, WebError> {
    let t = context.texts;
    let service = state.webhooks();
    // The provider's zone, named beside each time.
    let zone = state.member_zone(&me.actor).await?;
    let mut hooks = Vec::new();
    for hook in service.own_webhooks(&me.actor).await? {
        let log = service.deliveries(&me.actor, hook.id).await?;
        let last = log.first().map_or_else(String::new, |d| {
            let at = d.delivered_at.unwrap_or(d.next_attempt_at);
            let outcome = if d.attempts == 0 { "queued" } else { d.state.code() };
            t.fill(
                &format!("webhooks.last.{outcome}"),
                &[
                    ("at", &t.fill("time.in_zone", &[("label", &zone.time(at)), ("zone", &zone.name)])),
                    ("attempts", &d.attempts.to_string()),
                ],
            )
        });
        hooks.push(HookLine { id: hook.id.to_string(), url: hook.url, active: hook.active, last });
    }
    Ok(WebhooksPage { page: Page::new(context, t.get("webhooks.title")), hooks, secret, errors, posted })
}

/// `GET /provider/webhooks`: the provider's subscriptions.
async fn webhooks(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&webhooks_page(&state, &me, &context, String::new(), ErrorList::default(), Posted::default()).await?)
}

/// `POST /provider/webhooks`: subscribes; the page shows the signing secret this once (so it
/// is answered here, not by a redirect that would have to carry it).
async fn subscribe(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let mut secret = vec![0u8; 24];
    getrandom::fill(&mut secret).map_err(|_| WebError::internal("no randomness"))?;
    match state.webhooks().subscribe(&me.actor, &posted.get("url"), secret).await {
        Ok(hook) => {
            let shown = crate::webhooks::secret_text(&hook.secret);
            let page = webhooks_page(&state, &me, &context, shown, ErrorList::default(), Posted::default()).await?;
            Ok(render(StatusCode::CREATED, &page))
        }
        Err(error) => {
            let (status, errors) = refused(error, context.texts)?;
            Ok(render(status, &webhooks_page(&state, &me, &context, String::new(), errors, posted).await?))
        }
    }
}

/// `POST /provider/webhooks/{id}/active`: `active=false` switches it off, `true` on again.
async fn switch(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id: WebhookId = id.parse().map_err(|_| WebError::NotFound)?;
    let active = posted.get("active") == "true";
    let result = state.webhooks().switch(&me.actor, id, active).await.map(|_| "/provider/webhooks".to_string());
    after_post(result, context.texts, |errors| {
        webhooks_page(&state, &me, &context, String::new(), errors, Posted::default())
    })
    .await
}
