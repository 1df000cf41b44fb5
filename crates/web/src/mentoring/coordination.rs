//! The mentor coordinator's keeping pages: the agency's mentors with their profiles
//! (`/mentoring/mentors`, add or change one) and the 24-hour helpline roster
//! (`/mentoring/roster`, add a shift or move one).

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use domain::mentoring::service::coordination::{ProfileInput, ShiftInput};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mentoring/mentors", get(mentors).post(keep_profile))
        .route("/mentoring/roster", get(roster).post(keep_shift))
}

pub struct ProfileRow {
    pub member: String,
    pub name: String,
    pub lived_experience: bool,
    pub vetting: String,
    pub expired: bool,
    pub training: String,
    pub languages: String,
    pub area: String,
    pub availability: String,
    pub capacity: u8,
}

#[derive(Template)]
#[template(path = "mentor_roll.html")]
struct MentorsPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    profiles: Vec<ProfileRow>,
    members: Vec<(String, String)>,
}

async fn mentors_page(
    state: &AppState,
    member: &Member,
    errors: ErrorList,
    form: Posted,
) -> Result<MentorsPage, WebError> {
    let Member(me, context) = member;
    let mentoring = state.mentoring();
    let roll = mentoring.mentor_roll(&me.actor).await?;
    let today = mentoring.today();
    Ok(MentorsPage {
        page: Page::new(context, context.texts.get("mentoring.roll.title")),
        errors,
        form,
        profiles: roll
            .profiles
            .iter()
            .map(|p| ProfileRow {
                member: p.member.to_string(),
                name: p.name.clone(),
                lived_experience: p.lived_experience,
                vetting: format!("{} – {}", p.vetted_on, p.vetting_expires),
                expired: p.vetting_expires < today,
                training: p.training_completed.map(|d| d.to_string()).unwrap_or_default(),
                languages: p.languages.join(", "),
                area: p.area.clone(),
                availability: p.availability.clone(),
                capacity: p.capacity,
            })
            .collect(),
        members: roll.members.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
    })
}

/// `GET /mentoring/mentors`: the agency's mentors and the profile form.
async fn mentors(State(state): State<AppState>, member: Member) -> Result<Response, WebError> {
    ok(&mentors_page(&state, &member, ErrorList::default(), Posted::default()).await?)
}

/// `POST /mentoring/mentors`: adds or changes a mentor's profile.
async fn keep_profile(State(state): State<AppState>, member: Member, posted: Posted) -> Result<Response, WebError> {
    let input = ProfileInput {
        member: posted.get("member"),
        lived_experience: !posted.get("lived_experience").is_empty(),
        vetted_on: posted.get("vetted_on"),
        vetting_expires: posted.get("vetting_expires"),
        training_completed: posted.get("training_completed"),
        languages: posted.get("languages"),
        area: posted.get("area"),
        availability: posted.get("availability"),
        capacity: posted.get("capacity"),
        gender: posted.get("gender"),
    };
    let result =
        state.mentoring().keep_profile(&member.0.actor, &input).await.map(|_| "/mentoring/mentors".to_string());
    let t = member.1.texts;
    after_post(result, t, |errors| mentors_page(&state, &member, errors, posted.clone())).await
}

pub struct ShiftRow {
    pub id: String,
    pub member: String,
    pub name: String,
    pub starts_at: String,
    pub ends_at: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "mentor_roster.html")]
struct RosterPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    shifts: Vec<ShiftRow>,
    members: Vec<(String, String)>,
    /// The shift whose form was refused ("" for the new one).
    failed: String,
    /// "Times in Europe/London."
    zone_note: String,
}

async fn roster_page(
    state: &AppState,
    member: &Member,
    errors: ErrorList,
    form: Posted,
) -> Result<RosterPage, WebError> {
    let Member(me, context) = member;
    // Shifts are shown and typed in the coordinator's zone (their pack's), named above them.
    let zone = state.member_zone(&me.actor).await?;
    let mentoring = state.mentoring_in(&zone.zone);
    let local = |at: jiff::Timestamp| at.to_zoned(zone.zone.clone()).strftime("%Y-%m-%dT%H:%M").to_string();
    let mut members: Vec<(String, String)> =
        mentoring.mentor_roll(&me.actor).await?.members.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
    members.push((me.actor.member_id.to_string(), me.actor.display_name.clone()));
    let failed = if errors.is_empty() { "-".to_string() } else { form.get("id") };
    Ok(RosterPage {
        page: Page::new(context, context.texts.get("mentoring.roster.title")),
        errors,
        form,
        shifts: mentoring
            .roster(&me.actor)
            .await?
            .into_iter()
            .map(|s| ShiftRow {
                id: s.id.to_string(),
                member: s.member.to_string(),
                name: s.name,
                starts_at: local(s.starts_at),
                ends_at: local(s.ends_at),
                phone: s.phone,
            })
            .collect(),
        members,
        failed,
        zone_note: context.texts.fill("mentoring.roster.zone", &[("zone", &zone.name)]),
    })
}

/// `GET /mentoring/roster`: who is on call from now on, with forms to add or move a shift.
async fn roster(State(state): State<AppState>, member: Member) -> Result<Response, WebError> {
    ok(&roster_page(&state, &member, ErrorList::default(), Posted::default()).await?)
}

/// `POST /mentoring/roster`: adds a shift (no id) or changes one.
async fn keep_shift(State(state): State<AppState>, member: Member, posted: Posted) -> Result<Response, WebError> {
    let input = ShiftInput {
        id: posted.get("id"),
        member: posted.get("member"),
        starts_at: posted.get("starts_at"),
        ends_at: posted.get("ends_at"),
        phone: posted.get("phone"),
    };
    let zone = state.member_zone(&member.0.actor).await?;
    let result = state
        .mentoring_in(&zone.zone)
        .keep_shift(&member.0.actor, &input)
        .await
        .map(|_| "/mentoring/roster".to_string());
    let t = member.1.texts;
    after_post(result, t, |errors| roster_page(&state, &member, errors, posted.clone())).await
}
