//! The case conference meetings: the list from today (today's meetings are the agenda of the
//! day), planning a meeting, and one meeting's page: agenda as the viewer's agency may see
//! it, attendance, the outcome per person, and closing, which puts decisions on the plans.

use super::Fields;
use super::views::*;
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, all};
use crate::page::{Page, after_post, render};
use crate::people::person_id;
use crate::plan::{Posted, agency_name, member_name};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use domain::access::Permission;
use domain::conference::{DecisionInput, MeetingInput, MeetingStatus, MinutesInput};
use domain::directory::DirectoryStore;
use domain::ids::{ConferenceRequestId, MeetingId};
use domain::service::ServiceError;
use std::collections::BTreeSet;

pub fn routes() -> axum::Router<AppState> {
    Router::new()
        .route("/conferences", get(list).post(plan_meeting))
        .route("/conferences/{meeting}", get(show))
        .route("/conferences/{meeting}/agenda", post(add_to_agenda))
        .route("/conferences/{meeting}/attendance", post(attendance))
        .route("/conferences/{meeting}/minutes", post(minutes))
        .route("/conferences/{meeting}/close", post(close))
        .route("/conferences/{meeting}/cancel", post(cancel))
        .route("/conferences/{meeting}/agenda/remove", post(remove_from_agenda))
}

fn status_key(status: &MeetingStatus) -> &'static str {
    match status {
        MeetingStatus::Planned => "conferences.status.planned",
        MeetingStatus::Closed { .. } => "conferences.status.closed",
        MeetingStatus::Cancelled { .. } => "conferences.status.cancelled",
    }
}

struct MeetingRow {
    id: String,
    date: String,
    location: String,
    status: &'static str,
    persons: usize,
    today: bool,
}

#[derive(Template)]
#[template(path = "conferences.html")]
struct ListPage {
    page: Page,
    rows: Vec<MeetingRow>,
    can_chair: bool,
    agencies: Vec<Choice>,
    errors: ErrorList,
    posted: Posted,
}

impl ListPage {
    fn value(&self, name: &str) -> String {
        self.posted.get(name)
    }
}

async fn list_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<ListPage, WebError> {
    let lines = state.conferences().meetings(&me.actor).await?;
    let today = state.conferences().today();
    let agencies = state.store.agencies().await?;
    let checked: BTreeSet<String> = all(&posted.0, "invited").into_iter().map(str::to_owned).collect();
    let rows = lines
        .iter()
        .map(|l| MeetingRow {
            id: l.meeting.id.to_string(),
            date: l.meeting.date.to_string(),
            location: l.meeting.location.clone(),
            status: status_key(&l.meeting.status),
            persons: l.visible_persons,
            today: l.meeting.date == today,
        })
        .collect();
    Ok(ListPage {
        page: Page::new(context, context.texts.get("conferences.title")),
        rows,
        can_chair: me.actor.can(Permission::ChairConference),
        agencies: agency_choices(&agencies, &checked),
        errors,
        posted,
    })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let page = list_page(&state, &me, &context, ErrorList::default(), Posted(Vec::new())).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn plan_meeting(
    State(state): State<AppState>,
    Member(me, context): Member,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let posted = Posted(fields);
    let input = MeetingInput {
        date: posted.get("date"),
        location: posted.get("location"),
        invited: all(&posted.0, "invited").into_iter().map(str::to_owned).collect(),
    };
    let result = state.conferences().plan_meeting(&me.actor, &input).await.map(|m| format!("/conferences/{}", m.id));
    after_post(result, context.texts, |errors| list_page(&state, &me, &context, errors, posted)).await
}

struct ItemRow {
    person_id: String,
    person: String,
    minutes: Option<MinutesRow>,
    /// (agency id, name) of the person's team: who a decision can go to.
    team: Vec<(String, String)>,
    /// The posted minutes form was for this person: show its errors and values here.
    posted: bool,
}

#[derive(Template)]
#[template(path = "conference_meeting.html")]
struct MeetingPage {
    page: Page,
    id: String,
    location: String,
    chair: String,
    invited: String,
    quota: String,
    status: &'static str,
    planned: bool,
    can_chair: bool,
    /// (member id, "name (agency)", present)
    attendance: Vec<Choice>,
    attendance_recorded: bool,
    items: Vec<ItemRow>,
    /// (request id, "person – reason")
    schedulable: Vec<(String, String)>,
    errors: ErrorList,
    posted: Posted,
}

impl MeetingPage {
    fn value(&self, name: &str) -> String {
        self.posted.get(name)
    }
    /// The agency was ticked in "restricted to" on the minutes form posted last.
    fn ticked(&self, agency: &str) -> bool {
        all(&self.posted.0, "restricted_to").contains(&agency)
    }
    /// The decision rows on the minutes form.
    fn decision_rows(&self) -> Vec<usize> {
        vec![0, 1, 2]
    }
    /// The n-th value of a repeated field (decision rows), or "".
    fn nth(&self, name: &str, n: &usize) -> String {
        all(&self.posted.0, name).get(*n).map(|v| (*v).to_owned()).unwrap_or_default()
    }
}

fn meeting_id(raw: &str) -> Result<MeetingId, WebError> {
    MeetingId::parse(raw).map_err(|_| WebError::NotFound)
}

async fn meeting_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: MeetingId,
    errors: ErrorList,
    posted: Posted,
) -> Result<MeetingPage, WebError> {
    let file = state.conferences().meeting_file(&me.actor, id).await?;
    let agencies = state.store.agencies().await?;
    let members = state.store.members().await?;
    let t = context.texts;
    let meeting = &file.meeting;
    let posted_person = posted.get("person");
    let items = file
        .view
        .items
        .iter()
        .map(|item| ItemRow {
            person_id: item.person.to_string(),
            person: file.names.get(&item.person).cloned().unwrap_or_default(),
            minutes: item.minutes.as_ref().map(|m| minutes_row(m, &agencies)),
            team: file
                .teams
                .get(&item.person)
                .map(|team| team.iter().map(|a| (a.to_string(), agency_name(&agencies, *a))).collect())
                .unwrap_or_default(),
            posted: posted_person == item.person.to_string(),
        })
        .collect();
    let attendance = members
        .iter()
        .filter(|m| !m.disabled && meeting.invited.iter().any(|a| *a == m.agency_id))
        .map(|m| {
            let present = meeting.attendance.iter().any(|a| a.member.0 == *m.id.as_uuid() && a.present);
            (m.id.to_string(), format!("{} ({})", m.display_name, agency_name(&agencies, m.agency_id)), present)
        })
        .collect();
    let schedulable = file
        .schedulable
        .iter()
        .map(|l| (l.request.id.to_string(), format!("{} – {}", l.person_name, l.request.goal)))
        .collect();
    Ok(MeetingPage {
        page: Page::new(context, &t.fill("meeting.title", &[("date", &meeting.date.to_string())])),
        id: meeting.id.to_string(),
        location: meeting.location.clone(),
        chair: member_name(&members, meeting.chair.0),
        invited: meeting.invited.iter().map(|a| agency_name(&agencies, *a)).collect::<Vec<_>>().join(", "),
        quota: t.fill("meeting.quota", &[("quota", &meeting.quota.to_string())]),
        status: status_key(&meeting.status),
        planned: meeting.status.is_planned(),
        can_chair: me.actor.can(Permission::ChairConference),
        attendance,
        attendance_recorded: !meeting.attendance.is_empty(),
        items,
        schedulable,
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let page = meeting_page(&state, &me, &context, id, ErrorList::default(), Posted(Vec::new())).await?;
    Ok(render(StatusCode::OK, &page))
}

async fn after_meeting_post(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: MeetingId,
    result: Result<(), ServiceError>,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/conferences/{id}"));
    after_post(result, context.texts, |errors| meeting_page(state, me, context, id, errors, posted)).await
}

async fn add_to_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let posted = Posted(fields);
    let result = match ConferenceRequestId::parse(&posted.get("request")) {
        Ok(request) => state.conferences().add_to_agenda(&me.actor, id, request).await,
        Err(_) => Err(ServiceError::Invalid(domain::validation::ValidationErrors::single(
            domain::validation::FieldError::new("request", "error.conference.unknown_request"),
        ))),
    };
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn attendance(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let posted = Posted(fields);
    let present: Vec<String> = all(&posted.0, "present").into_iter().map(str::to_owned).collect();
    let result = state.conferences().record_attendance(&me.actor, id, &present).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn minutes(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let posted = Posted(fields);
    let person = person_id(&posted.get("person"))?;
    let column = |name: &str| all(&posted.0, name);
    let (descriptions, kinds, owners, dues) =
        (column("decision_description"), column("decision_kind"), column("decision_owner"), column("decision_due"));
    let decisions = (0..descriptions.len())
        .map(|n| DecisionInput {
            description: descriptions[n].to_owned(),
            kind: kinds.get(n).copied().unwrap_or_default().to_owned(),
            owner: owners.get(n).copied().unwrap_or_default().to_owned(),
            due: dues.get(n).copied().unwrap_or_default().to_owned(),
        })
        .collect();
    let input = MinutesInput {
        analysis: posted.get("analysis"),
        strategy: posted.get("strategy"),
        note: posted.get("note"),
        decisions,
        restricted_to: all(&posted.0, "restricted_to").into_iter().map(str::to_owned).collect(),
    };
    let result = state.conferences().record_minutes(&me.actor, id, person, &input).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn close(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let result = state.conferences().close(&me.actor, id).await;
    after_meeting_post(&state, &me, &context, id, result, Posted(fields)).await
}

async fn cancel(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let posted = Posted(fields);
    let result = state.conferences().cancel(&me.actor, id, &posted.get("cancel_reason")).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn remove_from_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Form(fields): Fields,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let posted = Posted(fields);
    let person = person_id(&posted.get("person"))?;
    let result = state.conferences().remove_from_agenda(&me.actor, id, person, &posted.get("remove_reason")).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}
