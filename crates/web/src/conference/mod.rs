//! Triage and case conference pages: a person's conference page (requests, the criteria
//! check, what conferences decided), the triage list, and in `meetings` the meetings with the
//! agenda of the day. Handlers parse forms, call `Conferences`, and redirect or re-render.

mod invitations;
mod meetings;
mod views;

pub(crate) use views::strategy_key;

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
use domain::conference::InvitationStatus;
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
        .route("/triage/{request}", get(accept_page).post(triage))
        .route("/triage/{request}/schedule", post(schedule))
        .merge(meetings::routes())
        .merge(invitations::routes())
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
    /// (agency, answer) of the partners invited onto the team.
    invitations: Vec<(String, String)>,
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
    // The person's own time zone (a custody suite's detainee in London time).
    let here = state.for_person(id).await?;
    let zone = here.zone;
    let requests =
        file.requests.iter().map(|r| request_row(r, conferences.pack, &agencies, &members, zone, t)).collect();
    let discussed = file
        .discussed
        .iter()
        .map(|d| (d.date.to_string(), d.location.clone(), d.minutes.as_ref().map(|m| minutes_row(m, &agencies))))
        .collect();
    // Invite the team by default; after a refused post, what was ticked.
    let checked: BTreeSet<String> = if posted.is_empty() {
        // The team, and the Safety House the request goes to when it is plain which: the one
        // the member's agency is a partner of, or the only one there is.
        let house = state.requesters_safety_house(me.actor.agency_id, &agencies).await?;
        team_agencies(&file.team, conferences.today()).iter().chain(house.iter()).map(|a| a.to_string()).collect()
    } else {
        posted.all("invited").into_iter().collect()
    };
    let flags = state
        .beyond
        .triage_flags
        .iter()
        .map(|f| (f.key.clone(), f.label.get(pack_lang(t)).to_owned(), posted.ticked("flags", &f.key)))
        .collect();
    let invitations = file
        .invitations
        .iter()
        .map(|i| {
            let answer = match &i.status {
                InvitationStatus::Open => t.get("conference.invitation.open").to_owned(),
                InvitationStatus::Accepted { at, .. } => {
                    t.fill("conference.invitation.accepted", &[("at", &crate::page::local_time(*at, zone))])
                }
                InvitationStatus::Declined { reason, .. } => {
                    t.fill("conference.invitation.declined", &[("reason", reason)])
                }
            };
            (crate::lookup::agency_name(&agencies, i.agency), answer)
        })
        .collect();
    let name = file.person.display_name();
    Ok(PersonPage {
        invitations,
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

/// One request on the triage list as shown.
struct TriageRow {
    request: RequestRow,
    person: String,
    triage_on: String,
    carried: String,
    /// "arrived after the cut-off for the triage of …", while it waits for triage.
    after_cut_off: String,
    /// The viewer's agency is on the person's team: the person's pages open for it.
    on_team: bool,
    /// (meeting id, "date – location") the accepted request may go to.
    meetings: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "triage.html")]
struct TriagePage {
    page: Page,
    rows: Vec<TriageRow>,
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
    // The Safety House's own time zone (an IOM hub in London time).
    let zone = &conferences.pack.time_zone;
    let rows = lines
        .iter()
        .map(|l| TriageRow {
            request: request_row(&l.request, conferences.pack, &agencies, &members, zone, t),
            person: l.person_name.clone(),
            triage_on: l.triage_on.to_string(),
            carried: if l.carried_over {
                t.fill("triage.carried_over", &[("date", &l.request.triage_on.to_string())])
            } else {
                String::new()
            },
            after_cut_off: l
                .missed_cut_off
                .map(|missed| t.fill("triage.after_cut_off", &[("date", &missed.to_string())]))
                .unwrap_or_default(),
            on_team: l.on_team,
            meetings: l.meetings.iter().map(|m| (m.id.to_string(), format!("{} – {}", m.date, m.location))).collect(),
        })
        .collect();
    Ok(TriagePage { page: Page::new(context, t.get("triage.title")), rows, errors })
}

async fn triage_list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&triage_page(&state, &me, &context, ErrorList::default()).await?)
}

/// Accepting a request addressed to the Safety House while it is not on the person's team:
/// the process manager gives the Safety House's own legal basis to join it.
#[derive(Template)]
#[template(path = "triage_accept.html")]
struct AcceptPage {
    page: Page,
    row: TriageRow,
    basis: crate::people::BasisForm,
    errors: ErrorList,
}

async fn accept_form(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    request: ConferenceRequestId,
    input: domain::access::TeamEntryInput,
    errors: ErrorList,
) -> Result<AcceptPage, WebError> {
    let page = triage_page(state, me, context, ErrorList::default()).await?;
    let id = request.to_string();
    let row = page.rows.into_iter().find(|r| r.request.id == id && r.request.waiting).ok_or(WebError::NotFound)?;
    let t = context.texts;
    Ok(AcceptPage {
        page: Page::new(context, &t.fill("triage.accept_title", &[("name", &row.person)])),
        row,
        basis: crate::people::basis_form("triage.basis", None, input, errors.clone()),
        errors,
    })
}

async fn accept_page(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(request): Path<String>,
) -> Result<Response, WebError> {
    let request = ConferenceRequestId::parse(&request).map_err(|_| WebError::NotFound)?;
    let input = domain::access::TeamEntryInput {
        basis_kind: "statutory_task".into(),
        reason: context.texts.get("triage.basis_reason").to_owned(),
        ..Default::default()
    };
    ok(&accept_form(&state, &me, &context, request, input, ErrorList::default()).await?)
}

async fn triage(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(request): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let request = ConferenceRequestId::parse(&request).map_err(|_| WebError::NotFound)?;
    let basis = crate::people::basis_input(&posted);
    let input = match posted.get("decision").as_str() {
        "accept" if posted.get("basis_kind").is_empty() => TriageInput::Accept,
        "accept" => TriageInput::AcceptJoining(basis.clone()),
        _ => TriageInput::Decline { reason: posted.get("decline_reason") },
    };
    let joining = matches!(input, TriageInput::AcceptJoining(_));
    let result =
        state.conferences_for(&me.actor).await?.triage(&me.actor, request, &input).await.map(|_| "/triage".to_owned());
    if joining {
        after_post(result, context.texts, |errors| accept_form(&state, &me, &context, request, basis, errors)).await
    } else {
        after_post(result, context.texts, |errors| triage_page(&state, &me, &context, errors)).await
    }
}

/// Puts an accepted request on one of the meetings it may go to, from the triage list.
async fn schedule(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(request): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let request = ConferenceRequestId::parse(&request).map_err(|_| WebError::NotFound)?;
    let result = match domain::ids::MeetingId::parse(&posted.get("meeting")) {
        Ok(meeting) => state
            .conferences_for(&me.actor)
            .await?
            .add_to_agenda(&me.actor, meeting, request)
            .await
            .map(|()| "/triage".to_owned()),
        Err(_) => Err(domain::validation::invalid(domain::validation::FieldError::new(
            "meeting",
            "error.conference.unknown_meeting",
        ))),
    };
    after_post(result, context.texts, |errors| triage_page(&state, &me, &context, errors)).await
}
