//! Triage and case conference pages: a person's conference page (requests, the criteria
//! check, what conferences decided), the triage list, and in `meetings` the meetings with the
//! agenda of the day. Handlers parse forms, call `Conferences`, and redirect or re-render.

mod meetings;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, all};
use crate::page::{Page, after_post, render};
use crate::people::person_id;
use crate::plan::Posted;
use crate::screening::pack_lang;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::access::Permission;
use domain::conference::{ProposalInput, RequestInput, TriageInput};
use domain::directory::DirectoryStore;
use domain::ids::{ConferenceRequestId, PersonId};
use domain::plan::service::team_agencies;
use domain::service::ServiceError;
use std::collections::BTreeSet;
use views::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/conference", get(show).post(request))
        .route("/people/{id}/conference/proposal", post(propose))
        .route("/triage", get(triage_list))
        .route("/triage/{request}", post(triage))
        .merge(meetings::routes())
}

type Fields = Form<Vec<(String, String)>>;

/// Which form on the person's page was posted.
const PROPOSAL_FORM: &str = "proposal";

#[derive(Template)]
#[template(path = "conference_person.html")]
struct PersonPage {
    page: Page,
    id: PersonId,
    name: String,
    requests: Vec<RequestRow>,
    discussed: Vec<(String, String, Option<MinutesRow>)>,
    agencies: Vec<Choice>,
    flags: Vec<Choice>,
    can_request: bool,
    errors: ErrorList,
    posted: Posted,
}

impl PersonPage {
    fn value(&self, name: &str) -> String {
        self.posted.get(name)
    }
    fn proposal_posted(&self) -> bool {
        self.posted.get("form") == PROPOSAL_FORM
    }
}

async fn person_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    errors: ErrorList,
    posted: Posted,
) -> Result<PersonPage, WebError> {
    let file = state.conferences().file(&me.actor, id).await?;
    let agencies = state.store.agencies().await?;
    let members = state.store.members().await?;
    let t = context.texts;
    let zone = &state.config.time_zone;
    let requests = file.requests.iter().map(|r| request_row(r, &state.beyond, &agencies, &members, zone, t)).collect();
    let discussed = file
        .discussed
        .iter()
        .map(|d| (d.date.to_string(), d.location.clone(), d.minutes.as_ref().map(|m| minutes_row(m, &agencies))))
        .collect();
    // Invite the team by default; after a refused post, what was ticked.
    let checked: BTreeSet<String> = if posted.0.is_empty() {
        team_agencies(&file.team, state.conferences().today()).iter().map(|a| (*a).to_string()).collect()
    } else {
        all(&posted.0, "invited").into_iter().map(str::to_owned).collect()
    };
    let ticked: BTreeSet<&str> = all(&posted.0, "flags").into_iter().collect();
    let flags = state
        .beyond
        .triage_flags
        .iter()
        .map(|f| (f.key.clone(), f.label.get(pack_lang(t)).to_owned(), ticked.contains(f.key.as_str())))
        .collect();
    let name = file.person.display_name();
    Ok(PersonPage {
        page: Page::new(context, &t.fill("conference.person_title", &[("name", &name)])),
        id,
        name,
        requests,
        discussed,
        agencies: agency_choices(&agencies, &checked),
        flags,
        can_request: me.actor.can(Permission::RequestConference),
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = person_id(&id)?;
    let page = person_page(&state, &me, &context, id, ErrorList::default(), Posted(Vec::new())).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn after_person_post(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    result: Result<(), ServiceError>,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/people/{id}/conference"));
    after_post(result, context.texts, |errors| person_page(state, me, context, id, errors, posted)).await
}

async fn request(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = person_id(&id)?;
    let posted = Posted(fields);
    let input = RequestInput {
        reason: posted.get("reason"),
        goal: posted.get("goal"),
        invited: all(&posted.0, "invited").into_iter().map(str::to_owned).collect(),
    };
    let result = state.conferences().request(&me.actor, id, &input).await.map(|_| ());
    after_person_post(&state, &me, &context, id, result, posted).await
}

async fn propose(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = person_id(&id)?;
    let mut posted = Posted(fields);
    posted.0.retain(|(k, _)| k != "form");
    posted.0.push(("form".into(), PROPOSAL_FORM.into()));
    let input = ProposalInput {
        goal: posted.get("goal"),
        flags: all(&posted.0, "flags").into_iter().map(str::to_owned).collect(),
    };
    let result = state.conferences().propose(&me.actor, id, &input).await.map(|_| ());
    after_person_post(&state, &me, &context, id, result, posted).await
}

#[derive(Template)]
#[template(path = "triage.html")]
struct TriagePage {
    page: Page,
    /// (request, person name, triage date now, carried over from)
    rows: Vec<(RequestRow, String, String, String)>,
    errors: ErrorList,
}

async fn triage_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
) -> Result<TriagePage, WebError> {
    let lines = state.conferences().triage_list(&me.actor).await?;
    let agencies = state.store.agencies().await?;
    let members = state.store.members().await?;
    let t = context.texts;
    let zone = &state.config.time_zone;
    let rows = lines
        .iter()
        .map(|l| {
            let row = request_row(&l.request, &state.beyond, &agencies, &members, zone, t);
            let carried = if l.carried_over {
                t.fill("triage.carried_over", &[("date", &l.request.triage_on.to_string())])
            } else {
                String::new()
            };
            (row, l.person_name.clone(), l.triage_on.to_string(), carried)
        })
        .collect();
    Ok(TriagePage { page: Page::new(context, t.get("triage.title")), rows, errors })
}

async fn triage_list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let page = triage_page(&state, &me, &context, ErrorList::default()).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn triage(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(request): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let request = ConferenceRequestId::parse(&request).map_err(|_| WebError::NotFound)?;
    let posted = Posted(fields);
    let input = match posted.get("decision").as_str() {
        "accept" => TriageInput::Accept,
        _ => TriageInput::Decline { reason: posted.get("decline_reason") },
    };
    let result = state.conferences().triage(&me.actor, request, &input).await.map(|_| "/triage".to_owned());
    after_post(result, context.texts, |errors| triage_page(&state, &me, &context, errors)).await
}
