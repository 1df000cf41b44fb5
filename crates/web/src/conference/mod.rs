//! Triage and case conference pages: a person's conference page (requests, the criteria
//! check, what conferences decided), the triage list, and in `meetings` the meetings with the
//! agenda of the day. Handlers parse forms, call `Conferences`, and redirect or re-render.

mod meetings;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use crate::screening::pack_lang;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::Permission;
use domain::conference::{ProposalInput, RequestInput, TriageInput};
use domain::ids::{ConferenceRequestId, PersonId};
use domain::plan::service::team_agencies;
use domain::service::ServiceResult;
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
    let conferences = state.conferences_for(&me.actor).await?;
    let file = conferences.file(&me.actor, id).await?;
    let agencies = state.directory().agencies().await?;
    let members = state.directory().members().await?;
    let t = context.texts;
    let zone = &state.config.time_zone;
    let requests =
        file.requests.iter().map(|r| request_row(r, conferences.pack, &agencies, &members, zone, t)).collect();
    let discussed = file
        .discussed
        .iter()
        .map(|d| (d.date.to_string(), d.location.clone(), d.minutes.as_ref().map(|m| minutes_row(m, &agencies))))
        .collect();
    // Invite the team by default; after a refused post, what was ticked.
    let checked: BTreeSet<String> = if posted.is_empty() {
        team_agencies(&file.team, conferences.today()).iter().map(|a| (*a).to_string()).collect()
    } else {
        posted.all("invited").into_iter().collect()
    };
    let flags = state
        .beyond
        .triage_flags
        .iter()
        .map(|f| (f.key.clone(), f.label.get(pack_lang(t)).to_owned(), posted.ticked("flags", &f.key)))
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
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    ok(&person_page(&state, &me, &context, id, ErrorList::default(), Posted::default()).await?)
}

/// On to the person's conference page after a request or proposal, or the page again with what
/// to fix.
async fn after_person_post(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    result: ServiceResult<()>,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/people/{id}/conference"));
    after_post(result, context.texts, |errors| person_page(state, me, context, id, errors, posted)).await
}

async fn request(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = RequestInput { reason: posted.get("reason"), goal: posted.get("goal"), invited: posted.all("invited") };
    let result = state.conferences_for(&me.actor).await?.request(&me.actor, id, &input).await.map(drop);
    after_person_post(&state, &me, &context, id, result, posted).await
}

async fn propose(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    mut posted: Posted,
) -> Result<Response, WebError> {
    posted.0.retain(|(k, _)| k != "form");
    posted.0.push(("form".into(), PROPOSAL_FORM.into()));
    let input = ProposalInput { goal: posted.get("goal"), flags: posted.all("flags") };
    let result = state.conferences_for(&me.actor).await?.propose(&me.actor, id, &input).await.map(drop);
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
    let conferences = state.conferences_for(&me.actor).await?;
    let context = &state.in_agency_pack(context, &me.actor).await?;
    let lines = conferences.triage_list(&me.actor).await?;
    let agencies = state.directory().agencies().await?;
    let members = state.directory().members().await?;
    let t = context.texts;
    let zone = &state.config.time_zone;
    let rows = lines
        .iter()
        .map(|l| {
            let row = request_row(&l.request, conferences.pack, &agencies, &members, zone, t);
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
    ok(&triage_page(&state, &me, &context, ErrorList::default()).await?)
}

async fn triage(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(request): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let request = ConferenceRequestId::parse(&request).map_err(|_| WebError::NotFound)?;
    let input = match posted.get("decision").as_str() {
        "accept" => TriageInput::Accept,
        _ => TriageInput::Decline { reason: posted.get("decline_reason") },
    };
    let result =
        state.conferences_for(&me.actor).await?.triage(&me.actor, request, &input).await.map(|_| "/triage".to_owned());
    after_post(result, context.texts, |errors| triage_page(&state, &me, &context, errors)).await
}
