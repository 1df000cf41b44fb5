//! Invitations onto a person's team: `/invitations` lists the agency's open ones, and each
//! opens on a page where a member accepts it with their own agency's legal basis, or declines
//! it with a reason. The invitation is all they see of the person until they accept.

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::lookup::agency_name;
use crate::page::{Page, after_post, local_time, ok};
use crate::people::{BasisForm, basis_form, basis_input};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use domain::access::TeamEntryInput;
use domain::conference::InvitationStatus;
use domain::conference::service::{Answer, InvitationLine};
use domain::ids::InvitationId;

pub fn routes() -> Router<AppState> {
    Router::new().route("/invitations", get(list)).route("/invitations/{id}", get(show).post(answer))
}

struct Row {
    id: String,
    person: String,
    purpose: String,
    from: String,
    at: String,
}

fn row(line: &InvitationLine, agencies: &[domain::directory::Agency], zone: &jiff::tz::TimeZone) -> Row {
    let i = &line.invitation;
    Row {
        id: i.id.to_string(),
        person: line.person_name.clone(),
        purpose: i.purpose.clone(),
        from: agency_name(agencies, i.invited_by_agency),
        at: local_time(i.invited_at, zone),
    }
}

#[derive(Template)]
#[template(path = "invitations.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let lines = state.conferences_for(&me.actor).await?.open_invitations(&me.actor).await?;
    let agencies = state.directory().agencies().await?;
    let zone = &state.config.time_zone;
    let rows = lines.iter().map(|l| row(l, &agencies, zone)).collect();
    ok(&ListPage { page: Page::new(&context, context.texts.get("invitations.title")), rows })
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct AnswerPage {
    page: Page,
    invitation: Row,
    open: bool,
    basis: BasisForm,
    errors: ErrorList,
    posted: Posted,
}

fn invitation_id(raw: &str) -> Result<InvitationId, WebError> {
    InvitationId::parse(raw).map_err(|_| WebError::NotFound)
}

async fn answer_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: InvitationId,
    errors: ErrorList,
    posted: Posted,
) -> Result<AnswerPage, WebError> {
    let line = state.conferences_for(&me.actor).await?.invitation(&me.actor, id).await?;
    let agencies = state.directory().agencies().await?;
    let t = context.texts;
    let input = if posted.is_empty() {
        TeamEntryInput { basis_kind: "statutory_task".into(), ..Default::default() }
    } else {
        basis_input(&posted)
    };
    Ok(AnswerPage {
        page: Page::new(context, &t.fill("invitation.title", &[("name", &line.person_name)])),
        open: line.invitation.status == InvitationStatus::Open,
        invitation: row(&line, &agencies, &state.config.time_zone),
        basis: basis_form("invitation.basis", None, input, errors.clone()),
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = invitation_id(&id)?;
    ok(&answer_page(&state, &me, &context, id, ErrorList::default(), Posted::default()).await?)
}

async fn answer(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = invitation_id(&id)?;
    let answer = match posted.get("decision").as_str() {
        "decline" => Answer::Decline { reason: posted.get("decline_reason") },
        _ => Answer::Accept(basis_input(&posted)),
    };
    let result =
        state.conferences_for(&me.actor).await?.answer_invitation(&me.actor, id, &answer).await.map(|i| {
            match i.status {
                InvitationStatus::Accepted { .. } => format!("/people/{}", i.person),
                _ => "/invitations".to_owned(),
            }
        });
    after_post(result, context.texts, |errors| answer_page(&state, &me, &context, id, errors, posted)).await
}
