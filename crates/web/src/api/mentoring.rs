//! Mentoring in the JSON API: a mentor's own mentees (only what the person consented to, each
//! read audited), logging a contact, matching a person with a mentor on their consent,
//! suggestions, the coordinator's list and the 24-hour helpline.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::mentoring::service::{ContactInput, MatchInput};
use domain::mentoring::{MenteeView, MentorMatch, Shift, Wishes};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/mentors/me/mentees", get(my_mentees))
        .route("/v1/mentors/me/mentees/{id}", get(mentee))
        .route("/v1/mentors/me/mentees/{id}/contacts", post(log_contact))
        .route("/v1/people/{id}/mentor-matches", post(match_person))
        .route("/v1/people/{id}/mentor-suggestions", get(suggest))
        .route("/v1/mentoring/coordinator", get(coordinator))
        .route("/v1/mentoring/helpline", get(helpline))
        .route("/v1/mentoring/matches/{id}/end", post(end_match))
}

#[derive(OpenApi)]
#[openapi(
    paths(my_mentees, mentee, log_contact, match_person, suggest, coordinator, helpline, end_match),
    components(schemas(
        MenteeDto,
        ContactDto,
        NewContact,
        NewMatch,
        MatchDto,
        SuggestionDto,
        CoordinatorLineDto,
        HelplineDto,
        ShiftDto,
        NewEnding
    ))
)]
pub struct MentoringApiDoc;

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"on": "2026-12-06", "minutes": 60, "place": "Library café", "how_it_went": "Talked about the job interview"}))]
pub struct ContactDto {
    on: String,
    minutes: u16,
    place: String,
    how_it_went: String,
}

/// What a mentor sees of a mentee: name, contact, shared goals and meetings — nothing more.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "name": "Jan de Vries", "phone": "+31 6 12345678", "email": null, "shared_goals": ["Work"], "first_meeting_on": "2026-12-01", "first_meeting_place": "Library café", "programme": "mentoring", "overdue": false, "contacts": [{"on": "2026-12-06", "minutes": 60, "place": "Library café", "how_it_went": "Talked about the job interview"}], "consented": ["offences"]}))]
pub struct MenteeDto {
    /// The person's id.
    id: String,
    name: String,
    phone: Option<String>,
    email: Option<String>,
    /// The goals the person chose to share, in their own words.
    shared_goals: Vec<String>,
    /// "Through the gate": the first meeting on the release date, if planned.
    first_meeting_on: Option<String>,
    first_meeting_place: Option<String>,
    /// `mentoring` or `life_change`.
    programme: &'static str,
    /// No contact for two weeks.
    overdue: bool,
    contacts: Vec<ContactDto>,
    /// Items beyond the basics the person consented to (`offences`, `screenings`, `notes`).
    consented: Vec<&'static str>,
}

fn mentee_dto(v: &MenteeView) -> MenteeDto {
    let mut consented = Vec::new();
    for (given, name) in
        [(v.consented.offences, "offences"), (v.consented.screenings, "screenings"), (v.consented.notes, "notes")]
    {
        if given {
            consented.push(name);
        }
    }
    MenteeDto {
        id: v.person.to_string(),
        name: v.name.clone(),
        phone: v.phone.clone(),
        email: v.email.clone(),
        shared_goals: v.shared_goals.clone(),
        first_meeting_on: v.first_meeting.as_ref().map(|m| m.on.to_string()),
        first_meeting_place: v.first_meeting.as_ref().map(|m| m.place.clone()),
        programme: v.programme.code(),
        overdue: v.overdue,
        contacts: v
            .contacts
            .iter()
            .map(|c| ContactDto {
                on: c.on.to_string(),
                minutes: c.minutes,
                place: c.place.clone(),
                how_it_went: c.how_it_went.clone(),
            })
            .collect(),
        consented,
    }
}

/// The signed-in mentor's mentees (each read is audited on the person's consent).
#[utoipa::path(get, path = "/api/v1/mentors/me/mentees", operation_id = "list_my_mentees",
    responses((status = 200, description = "The mentor's mentees", body = [MenteeDto]),
        (status = 403, description = "Not a mentor (problem JSON)", body = Problem)))]
async fn my_mentees(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let mentees = state.mentoring().my_mentees(&me.actor).await.map_err(refused(&context))?;
    Ok(Json(mentees.iter().map(mentee_dto).collect::<Vec<_>>()).into_response())
}

/// One of the mentor's mentees; any other person is refused (and the refusal audited).
#[utoipa::path(get, path = "/api/v1/mentors/me/mentees/{id}", operation_id = "read_my_mentee", params(("id" = String, Path)),
    responses((status = 200, description = "The mentee", body = MenteeDto),
        (status = 403, description = "Not this mentor's mentee; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person (problem JSON)", body = Problem)))]
async fn mentee(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let view = state.mentoring().mentee(&me.actor, id).await.map_err(refused(&context))?;
    Ok(Json(mentee_dto(&view)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"on": "2026-12-06", "minutes": "60", "place": "Library café", "how_it_went": "Talked about the job interview"}))]
pub struct NewContact {
    /// `YYYY-MM-DD`.
    on: String,
    minutes: String,
    place: String,
    how_it_went: String,
}

/// The mentor logs a contact with a mentee.
#[utoipa::path(post, path = "/api/v1/mentors/me/mentees/{id}/contacts", operation_id = "log_mentee_contact", params(("id" = String, Path)),
    request_body = NewContact,
    responses((status = 201, description = "Logged", body = ContactDto),
        (status = 403, description = "Not this mentor's mentee (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn log_contact(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewContact>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input = ContactInput { on: new.on, minutes: new.minutes, place: new.place, how_it_went: new.how_it_went };
    let c = state.mentoring().log_contact(&me.actor, id, &input).await.map_err(refused(&context))?;
    let dto = ContactDto { on: c.on.to_string(), minutes: c.minutes, place: c.place, how_it_went: c.how_it_went };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"mentor": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "programme": "mentoring", "shared_goals": ["Work"], "offences": true, "screenings": false, "notes": false, "first_meeting_on": "2026-12-10", "first_meeting_place": "Library café"}))]
pub struct NewMatch {
    /// The mentor's member id.
    mentor: String,
    /// `mentoring` (default) or `life_change`.
    programme: String,
    /// The goals the person chose to share, in their own words.
    shared_goals: Vec<String>,
    /// Items beyond the basics the person consents to share.
    offences: bool,
    screenings: bool,
    notes: bool,
    /// "Through the gate": the release date and the place of the first meeting.
    first_meeting_on: String,
    first_meeting_place: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "mentor": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "programme": "mentoring", "started_on": "2026-06-07", "ended_on": "2026-12-04", "end_reason": "goals_reached"}))]
pub struct MatchDto {
    id: String,
    person_id: String,
    mentor: String,
    programme: &'static str,
    started_on: String,
    /// The day the coordinator ended the match; `null` while it runs.
    ended_on: Option<String>,
    /// Why it ended: `goals_reached`, `period_completed`, `person_withdrew`, `no_contact`,
    /// `custody_or_moved`, `mentor_stopped` or `other`.
    end_reason: Option<&'static str>,
}

fn match_dto(m: &MentorMatch) -> MatchDto {
    MatchDto {
        id: m.id.to_string(),
        person_id: m.person.to_string(),
        mentor: m.mentor.to_string(),
        programme: m.programme.code(),
        started_on: m.started_on.to_string(),
        ended_on: m.ended_on.map(|d| d.to_string()),
        end_reason: m.ended_reason.map(|r| r.code()),
    }
}

/// Records the person's consent to a mentor (a member of the person's team).
#[utoipa::path(post, path = "/api/v1/people/{id}/mentor-matches", operation_id = "match_mentor", params(("id" = String, Path)),
    request_body = NewMatch,
    responses((status = 201, description = "Matched", body = MatchDto),
        (status = 403, description = "Not on the person's team (problem JSON)", body = Problem),
        (status = 422, description = "Invalid, or the mentor's vetting expired or capacity is full (problem JSON)", body = Problem)))]
async fn match_person(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewMatch>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let input = MatchInput {
        mentor: new.mentor,
        programme: new.programme,
        shared_goals: new.shared_goals,
        offences: new.offences,
        screenings: new.screenings,
        notes: new.notes,
        first_meeting_on: new.first_meeting_on,
        first_meeting_place: new.first_meeting_place,
    };
    let matched = state.mentoring().match_person(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok((StatusCode::CREATED, Json(match_dto(&matched))).into_response())
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct WishesQuery {
    area: String,
    language: String,
    /// `female`, `male` or empty.
    gender: String,
    lived_experience: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"mentor": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "name": "Karim El Amrani", "area": "Utrecht", "languages": ["nl", "ar"], "lived_experience": true, "score": 87}))]
pub struct SuggestionDto {
    mentor: String,
    name: String,
    area: String,
    languages: Vec<String>,
    lived_experience: bool,
    /// How many of the wishes the mentor meets.
    score: u8,
}

/// Mentors who could take the person on, best first.
#[utoipa::path(get, path = "/api/v1/people/{id}/mentor-suggestions", operation_id = "suggest_mentors", params(("id" = String, Path), WishesQuery),
    responses((status = 200, description = "Suggestions", body = [SuggestionDto]),
        (status = 403, description = "Not on the person's team (problem JSON)", body = Problem)))]
async fn suggest(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    Query(q): Query<WishesQuery>,
) -> ApiResult {
    let id = person_id(&id)?;
    let wishes = Wishes { area: q.area, language: q.language, gender: q.gender, lived_experience: q.lived_experience };
    let found = state.mentoring().suggest(&me.actor, id, &wishes).await.map_err(refused(&context))?;
    let dtos: Vec<SuggestionDto> = found
        .into_iter()
        .map(|(p, score)| SuggestionDto {
            mentor: p.member.to_string(),
            name: p.name,
            area: p.area,
            languages: p.languages,
            lived_experience: p.lived_experience,
            score,
        })
        .collect();
    Ok(Json(dtos).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"match_id": "5c14d6e8-3a5c-4e7f-9b1d-2c4e6f8a0b3d", "person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "mentor": "c3e5a7b9-4d6f-4b8c-8e2a-3f5b7c9d1e4a", "mentor_name": "Karim El Amrani", "last_contact": "2026-12-06", "overdue": false}))]
pub struct CoordinatorLineDto {
    /// The match, to end it (`POST /api/v1/mentoring/matches/{id}/end`).
    match_id: String,
    person_id: String,
    mentor: String,
    mentor_name: String,
    last_contact: Option<String>,
    /// No contact for two weeks.
    overdue: bool,
}

/// The mentor coordinator's list: the agency's matches, those without contact for two weeks first.
#[utoipa::path(get, path = "/api/v1/mentoring/coordinator", operation_id = "mentor_coordinator_list",
    responses((status = 200, description = "The agency's active matches", body = [CoordinatorLineDto]),
        (status = 403, description = "Not a coordinator (problem JSON)", body = Problem)))]
async fn coordinator(State(state): State<AppState>, Member(me, context): Member) -> ApiResult {
    let lines = state.mentoring().coordinator_list(&me.actor).await.map_err(refused(&context))?;
    let dtos: Vec<CoordinatorLineDto> = lines
        .iter()
        .map(|l| CoordinatorLineDto {
            match_id: l.matched.id.to_string(),
            person_id: l.matched.person.to_string(),
            mentor: l.matched.mentor.to_string(),
            mentor_name: l.mentor_name.clone(),
            last_contact: l.last_contact.map(|d| d.to_string()),
            overdue: l.overdue,
        })
        .collect();
    Ok(Json(dtos).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ShiftDto {
    name: String,
    phone: String,
    starts_at: String,
    ends_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"now": {"name": "Karim El Amrani", "phone": "+31 6 87654321", "starts_at": "2026-12-07T08:00:00Z", "ends_at": "2026-12-07T20:00:00Z"}, "next": null}))]
pub struct HelplineDto {
    now: Option<ShiftDto>,
    next: Option<ShiftDto>,
}

fn shift_dto(s: &Shift) -> ShiftDto {
    ShiftDto {
        name: s.name.clone(),
        phone: s.phone.clone(),
        starts_at: s.starts_at.to_string(),
        ends_at: s.ends_at.to_string(),
    }
}

/// Who answers the 24-hour mentor helpline now, and who takes over next.
#[utoipa::path(get, path = "/api/v1/mentoring/helpline", operation_id = "mentor_helpline",
    responses((status = 200, description = "On call now and next", body = HelplineDto)))]
async fn helpline(State(state): State<AppState>, Member(_me, context): Member) -> ApiResult {
    let (now, next) = state.mentoring().helpline().await.map_err(refused(&context))?;
    Ok(Json(HelplineDto { now: now.as_ref().map(shift_dto), next: next.as_ref().map(shift_dto) }).into_response())
}

/// The end of a match as the coordinator records it.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"reason": "goals_reached", "ended_on": "2026-12-04"}))]
pub struct NewEnding {
    /// `goals_reached`, `period_completed`, `person_withdrew`, `no_contact`,
    /// `custody_or_moved`, `mentor_stopped` or `other`.
    #[schema(max_length = 40)]
    reason: String,
    /// The day it ended (YYYY-MM-DD, not after today); today when left out.
    #[schema(max_length = 10)]
    ended_on: String,
}

/// The mentor coordinator ends one of their agency's matches, with the reason and the day;
/// the mentor is told (outbox `mentor.match_ended`) and the ending is kept as history.
#[utoipa::path(post, path = "/api/v1/mentoring/matches/{id}/end", operation_id = "end_mentor_match",
    params(("id" = String, Path, description = "The match")),
    request_body = NewEnding,
    responses((status = 200, description = "The ended match", body = MatchDto),
        (status = 403, description = "Not the mentor coordinator (problem JSON; audited)", body = Problem),
        (status = 404, description = "No such match of the coordinator's agency (problem JSON)", body = Problem),
        (status = 422, description = "No or an unknown reason, a bad day, or the match already ended (problem JSON)", body = Problem)))]
async fn end_match(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewEnding>, JsonRejection>,
) -> ApiResult {
    let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| crate::error::WebError::NotFound)?;
    let Json(new) = parsed?;
    let input = domain::mentoring::service::ending::EndInput { reason: new.reason, ended_on: new.ended_on };
    let ended = state.mentoring().end_match(&me.actor, id, &input).await.map_err(refused(&context))?;
    Ok(Json(match_dto(&ended)).into_response())
}
