//! The case conference meetings: the list from today (today's meetings are the agenda of the
//! day), planning a meeting, and one meeting's page: agenda as the viewer's agency may see
//! it, attendance, the outcome per person, and closing, which puts decisions on the plans.

use super::views::*;
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::lookup::{agency_name, member_label, member_name, members_of};
use crate::page::{Page, after_post, ok};
use crate::people::person_id;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::Permission;
use domain::conference::{DecisionInput, MeetingInput, MeetingStatus, MinutesInput};
use domain::ids::{ConferenceRequestId, MeetingId};
use domain::service::ServiceResult;
use domain::validation::{FieldError, invalid};
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

async fn list_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<ListPage, WebError> {
    let conferences = state.conferences_for(&me.actor).await?;
    let context = &state.in_agency_pack(context, &me.actor).await?;
    let lines = conferences.meetings(&me.actor).await?;
    let today = conferences.today();
    let mut agencies = state.directory().agencies().await?;
    // A Safety House or IOM hub invites the partners that take part in its conferences.
    if let Some(partners) = state.safety_house_partners(me.actor.agency_id).await? {
        agencies.retain(|a| a.id == me.actor.agency_id || partners.contains(&a.id));
    }
    let checked: BTreeSet<String> = posted.all("invited").into_iter().collect();
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
    ok(&list_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

async fn plan_meeting(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let input =
        MeetingInput { date: posted.get("date"), location: posted.get("location"), invited: posted.all("invited") };
    let result = state
        .conferences_for(&me.actor)
        .await?
        .plan_meeting(&me.actor, &input)
        .await
        .map(|m| format!("/conferences/{}", m.id));
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
    /// "Agenda full" when the day's quota is reached across its meetings.
    day_full: Option<String>,
    errors: ErrorList,
    posted: Posted,
}

impl MeetingPage {
    /// The decision rows on the minutes form.
    fn decision_rows(&self) -> Vec<usize> {
        vec![0, 1, 2]
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
    let file = state.conferences_for(&me.actor).await?.meeting_file(&me.actor, id).await?;
    let context = &state.in_agency_pack(context, &me.actor).await?;
    let agencies = state.directory().agencies().await?;
    let members = state.directory().members().await?;
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
    let attendance = members_of(&members, &meeting.invited)
        .map(|m| {
            let present = meeting.attendance.iter().any(|a| a.member == m.id && a.present);
            (m.id.to_string(), member_label(m, &agencies), present)
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
        chair: member_name(&members, meeting.chair),
        invited: meeting.invited.iter().map(|a| agency_name(&agencies, *a)).collect::<Vec<_>>().join(", "),
        quota: t.fill("meeting.quota", &[("quota", &meeting.quota.to_string())]),
        status: status_key(&meeting.status),
        planned: meeting.status.is_planned(),
        can_chair: me.actor.can(Permission::ChairConference),
        attendance,
        attendance_recorded: !meeting.attendance.is_empty(),
        items,
        schedulable,
        day_full: file.day_full.then(|| t.fill("meeting.day_full", &[("quota", &meeting.quota.to_string())])),
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ok(&meeting_page(&state, &me, &context, meeting_id(&id)?, ErrorList::default(), Posted::default()).await?)
}

/// On to the meeting after a change, or the meeting again with what to fix.
async fn after_meeting_post(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: MeetingId,
    result: ServiceResult<()>,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/conferences/{id}"));
    after_post(result, context.texts, |errors| meeting_page(state, me, context, id, errors, posted)).await
}

async fn add_to_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let result = match ConferenceRequestId::parse(&posted.get("request")) {
        Ok(request) => state.conferences_for(&me.actor).await?.add_to_agenda(&me.actor, id, request).await,
        Err(_) => Err(invalid(FieldError::new("request", "error.conference.unknown_request"))),
    };
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn attendance(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let result = state.conferences_for(&me.actor).await?.record_attendance(&me.actor, id, &posted.all("present")).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn minutes(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let person = person_id(&posted.get("person"))?;
    let decisions = posted
        .all("decision_description")
        .into_iter()
        .enumerate()
        .map(|(n, description)| DecisionInput {
            description,
            kind: posted.nth("decision_kind", n),
            owner: posted.nth("decision_owner", n),
            due: posted.nth("decision_due", n),
        })
        .collect();
    let input = MinutesInput {
        analysis: posted.get("analysis"),
        strategy: posted.get("strategy"),
        note: posted.get("note"),
        decisions,
        restricted_to: posted.all("restricted_to"),
    };
    let result = state.conferences_for(&me.actor).await?.record_minutes(&me.actor, id, person, &input).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn close(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let result = state.conferences_for(&me.actor).await?.close(&me.actor, id).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn cancel(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let result = state.conferences_for(&me.actor).await?.cancel(&me.actor, id, &posted.get("cancel_reason")).await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}

async fn remove_from_agenda(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = meeting_id(&id)?;
    let person = person_id(&posted.get("person"))?;
    let result = state
        .conferences_for(&me.actor)
        .await?
        .remove_from_agenda(&me.actor, id, person, &posted.get("remove_reason"))
        .await;
    after_meeting_post(&state, &me, &context, id, result, posted).await
}
