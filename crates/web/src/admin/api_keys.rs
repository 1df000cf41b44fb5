//! API keys for partner systems under `/admin/api-keys`: the list with a form to make one (its
//! token shown once, on the answer to the post), and revoking one.

use super::{Choice, agency_choices, form_errors};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, local_time, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::access::Role;
use domain::partnership::service::api_keys::ApiKeyInput;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/api-keys", get(list).post(add)).route("/admin/api-keys/{key}/revoke", post(revoke))
}

struct KeyRow {
    id: String,
    name: String,
    agency: String,
    scopes: String,
    created_at: String,
    revoked_at: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/api_keys.html")]
struct ApiKeysPage {
    page: Page,
    keys: Vec<KeyRow>,
    agencies: Vec<Choice>,
    scopes: Vec<Choice>,
    /// The token of the key just made, shown this once.
    token: Option<String>,
    errors: ErrorList,
    posted: Posted,
}

async fn keys_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
    token: Option<String>,
) -> Result<ApiKeysPage, WebError> {
    let t = context.texts;
    let zone = &state.config.time_zone;
    let names = state.directory().agencies().await?;
    let keys = state
        .administration()
        .api_keys(&me.actor)
        .await?
        .into_iter()
        .map(|k| KeyRow {
            id: k.id.to_string(),
            agency: names.iter().find(|a| a.id == k.agency_id).map(|a| a.name.clone()).unwrap_or_default(),
            scopes: k
                .scopes
                .iter()
                .map(|r| t.get(&format!("role.{}", r.code())).to_owned())
                .collect::<Vec<_>>()
                .join(", "),
            created_at: local_time(k.created_at, zone),
            revoked_at: k.revoked_at.map(|at| local_time(at, zone)),
            name: k.name,
        })
        .collect();
    let chosen = posted.all("scopes");
    let scopes = Role::ALL
        .iter()
        .filter(|r| **r != Role::Administrator)
        .map(|r| Choice {
            value: r.code().into(),
            label: t.get(&format!("role.{}", r.code())).to_owned(),
            chosen: chosen.iter().any(|c| c == r.code()),
        })
        .collect();
    Ok(ApiKeysPage {
        page: Page::new(context, t.get("admin.api_keys.title")),
        keys,
        agencies: agency_choices(state, &[posted.get("agency_id")]).await?,
        scopes,
        token,
        errors,
        posted,
    })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&keys_page(&state, &me, &context, ErrorList::default(), Posted::default(), None).await?)
}

async fn add(State(state): State<AppState>, Member(me, context): Member, posted: Posted) -> Result<Response, WebError> {
    let input =
        ApiKeyInput { name: posted.get("name"), agency_id: posted.get("agency_id"), scopes: posted.all("scopes") };
    match state.administration().add_api_key(&me.actor, &input).await {
        Ok((_, token)) => {
            let page = keys_page(&state, &me, &context, ErrorList::default(), Posted::default(), Some(token)).await?;
            let mut response = render(StatusCode::OK, &page);
            response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Err(error) => {
            let (status, errors) = form_errors(error, context.texts)?;
            Ok(render(status, &keys_page(&state, &me, &context, errors, posted, None).await?))
        }
    }
}

async fn revoke(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| WebError::NotFound)?;
    state.administration().revoke_api_key(&me.actor, id).await?;
    Ok(Redirect::to("/admin/api-keys").into_response())
}
