//! Members under `/admin/members`: the list with a form to add one, and a member's page with
//! their name and roles (designations such as hulpofficier among them) to change, their open
//! sessions each to end, disabling or enabling them, and resetting their password. A password
//! made up here is shown once, on the answer to the post itself (never in an address, never
//! stored), and must be changed at the member's next sign-in.

use super::{
    Choice, Conflict, EditForm, RefusedEdit, SavedField, agency_choices, answer, edit_refused, posted_version,
    saved_or_refused,
};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, local_time, ok, render};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::CACHE_CONTROL;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::access::Role;
use domain::ids::MemberId;
use domain::partnership::{AdminRecord, MemberChange, MemberInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/members", get(list).post(add))
        .route("/admin/members/{member}", get(show).post(save))
        .route("/admin/members/{member}/sessions/{session}/revoke", post(revoke_session))
        .route("/admin/members/{member}/disable", post(disable))
        .route("/admin/members/{member}/enable", post(enable))
        .route("/admin/members/{member}/reset-password", post(reset_password))
}

struct MemberRow {
    id: String,
    username: String,
    name: String,
    agency: String,
    roles: String,
    disabled: bool,
    must_change_password: bool,
}

#[derive(Template)]
#[template(path = "admin/members.html")]
struct MembersPage {
    page: Page,
    members: Vec<MemberRow>,
    agencies: Vec<Choice>,
    roles: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

fn role_names(t: crate::i18n::Texts, roles: &[Role]) -> String {
    roles.iter().map(|r| t.get(&format!("role.{}", r.code())).to_owned()).collect::<Vec<_>>().join(", ")
}

async fn rows(state: &AppState, me: &SignedIn, t: crate::i18n::Texts) -> Result<Vec<MemberRow>, WebError> {
    let agencies = state.directory().agencies().await?;
    Ok(state
        .administration()
        .members(&me.actor)
        .await?
        .into_iter()
        .map(|a| MemberRow {
            id: a.member.id.to_string(),
            agency: agencies.iter().find(|g| g.id == a.member.agency_id).map(|g| g.name.clone()).unwrap_or_default(),
            roles: role_names(t, &a.member.roles),
            username: a.member.username,
            name: a.member.display_name,
            disabled: a.member.disabled,
            must_change_password: a.must_change_password,
        })
        .collect())
}

fn role_choices(t: crate::i18n::Texts, chosen: &[String]) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|r| Choice {
            value: r.code().into(),
            label: t.get(&format!("role.{}", r.code())).to_owned(),
            chosen: chosen.iter().any(|c| c == r.code()),
        })
        .collect()
}

async fn members_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<MembersPage, WebError> {
    let t = context.texts;
    let roles = role_choices(t, &posted.all("roles"));
    Ok(MembersPage {
        page: Page::new(context, t.get("admin.members.title")),
        members: rows(state, me, t).await?,
        agencies: agency_choices(state, &[posted.get("agency_id")]).await?,
        roles,
        errors,
        posted,
    })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&members_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

#[derive(Template)]
#[template(path = "admin/one_time_password.html")]
struct OneTimePasswordPage {
    page: Page,
    username: String,
    member_id: String,
    password: String,
}

/// The one-time password, shown once: kept out of caches and history.
fn shown_once(page: &OneTimePasswordPage) -> Response {
    let mut response = render(StatusCode::OK, page);
    response.headers_mut().insert(CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    response
}

async fn add(State(state): State<AppState>, Member(me, context): Member, posted: Posted) -> Result<Response, WebError> {
    let input = MemberInput {
        username: posted.get("username"),
        name: posted.get("name"),
        agency_id: posted.get("agency_id"),
        roles: posted.all("roles"),
        password: Some(posted.get("password")),
    };
    match state.administration().add_member(&me.actor, &input).await {
        Ok((account, Some(password))) => Ok(shown_once(&OneTimePasswordPage {
            page: Page::new(&context, context.texts.get("admin.one_time.title")),
            username: account.member.username,
            member_id: account.member.id.to_string(),
            password,
        })),
        Ok((account, None)) => Ok(Redirect::to(&format!("/admin/members/{}", account.member.id)).into_response()),
        Err(error) => {
            let posted = Posted(posted.0.into_iter().filter(|(k, _)| k != "password").collect());
            answer(Err(error), context.texts, |errors| members_page(&state, &me, &context, errors, posted)).await
        }
    }
}

struct SessionRow {
    reference: String,
    signed_in_at: String,
    expires_at: String,
    signed_in_from: String,
}

#[derive(Template)]
#[template(path = "admin/member.html")]
struct MemberPage {
    page: Page,
    id: String,
    member: MemberRow,
    sessions: Vec<SessionRow>,
    version: i64,
    roles: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
    conflict: Option<Conflict>,
}

fn member_id(raw: &str) -> Result<MemberId, WebError> {
    MemberId::parse(raw).map_err(|_| WebError::NotFound)
}

/// The member's page; `form` is the change as typed, what was wrong with it, and whether
/// another administrator saved the member meanwhile.
async fn member_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: MemberId,
    form: Option<RefusedEdit>,
) -> Result<MemberPage, WebError> {
    let t = context.texts;
    let admin = state.administration();
    let account = admin.member(&me.actor, id).await?;
    let zone = &state.config.time_zone;
    let sessions = admin
        .member_sessions(&me.actor, id)
        .await?
        .into_iter()
        .map(|s| SessionRow {
            reference: s.reference,
            signed_in_at: local_time(s.created_at, zone),
            expires_at: local_time(s.expires_at, zone),
            signed_in_from: s.signed_in_from,
        })
        .collect();
    let agencies = state.directory().agencies().await?;
    let saved = || {
        let mut fields = vec![("name".to_owned(), account.member.display_name.clone())];
        fields.extend(account.member.roles.iter().map(|r| ("roles".to_owned(), r.code().to_owned())));
        Posted(fields)
    };
    let form = EditForm::of(form, saved, account.version);
    let key_text = id.to_string();
    let conflict = form
        .conflict(state, me, t, (AdminRecord::Member, &key_text, account.version), |posted| {
            let typed_roles: Vec<Role> = posted.all("roles").iter().filter_map(|r| r.parse().ok()).collect();
            vec![
                SavedField::new(t, "admin.field.name", posted.get("name"), account.member.display_name.clone()),
                SavedField::new(
                    t,
                    "admin.field.roles",
                    role_names(t, &typed_roles),
                    role_names(t, &account.member.roles),
                ),
            ]
        })
        .await?;
    let member = MemberRow {
        id: id.to_string(),
        agency: agencies.iter().find(|g| g.id == account.member.agency_id).map(|g| g.name.clone()).unwrap_or_default(),
        roles: role_names(t, &account.member.roles),
        username: account.member.username,
        name: account.member.display_name,
        disabled: account.member.disabled,
        must_change_password: account.must_change_password,
    };
    Ok(MemberPage {
        page: Page::new(context, &member.name),
        id: id.to_string(),
        member,
        sessions,
        version: form.version,
        roles: role_choices(t, &form.posted.all("roles")),
        errors: form.errors,
        posted: form.posted,
        conflict,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = member_id(&id)?;
    ok(&member_page(&state, &me, &context, id, None).await?)
}

/// The member's page again after a refused action: its errors, the form as saved.
async fn refused_on_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: MemberId,
    error: domain::service::ServiceError,
) -> Result<Response, WebError> {
    let (status, errors, _) = edit_refused(error, context.texts)?;
    let mut page = member_page(state, me, context, id, None).await?;
    page.errors = errors;
    Ok(render(status, &page))
}

async fn save(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = member_id(&id)?;
    let change = MemberChange {
        name: Some(posted.get("name")),
        roles: Some(posted.all("roles")),
        version: posted_version(&posted),
    };
    let result = state.administration().edit_member(&me.actor, id, &change).await;
    saved_or_refused(result, context.texts, &format!("/admin/members/{id}"), posted, |refused| {
        member_page(&state, &me, &context, id, Some(refused))
    })
    .await
}

async fn revoke_session(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, session)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = member_id(&id)?;
    match state.administration().revoke_session(&me.actor, id, &session).await {
        Ok(()) => Ok(Redirect::to(&format!("/admin/members/{id}")).into_response()),
        Err(error) => refused_on_page(&state, &me, &context, id, error).await,
    }
}

async fn set_disabled(
    state: AppState,
    me: SignedIn,
    context: RequestContext,
    id: &str,
    disabled: bool,
) -> Result<Response, WebError> {
    let id = member_id(id)?;
    match state.administration().set_disabled(&me.actor, id, disabled).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/members/{id}")).into_response()),
        Err(error) => refused_on_page(&state, &me, &context, id, error).await,
    }
}

async fn disable(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    set_disabled(state, me, context, &id, true).await
}

async fn enable(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    set_disabled(state, me, context, &id, false).await
}

async fn reset_password(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = member_id(&id)?;
    let admin = state.administration();
    let password = match admin.reset_password(&me.actor, id, None).await {
        Ok(made) => made.unwrap_or_default(),
        Err(error) => return refused_on_page(&state, &me, &context, id, error).await,
    };
    let account = admin.member(&me.actor, id).await?;
    Ok(shown_once(&OneTimePasswordPage {
        page: Page::new(&context, context.texts.get("admin.one_time.title")),
        username: account.member.username,
        member_id: id.to_string(),
        password,
    }))
}
