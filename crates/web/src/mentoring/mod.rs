//! Mentoring in the pages: the mentor's own small view (`/mentor`, usable on a phone): their
//! mentees with name, contact, shared goals and the first meeting, the helpline on call, and a
//! form to log a contact; the coordinator's list (`/mentoring`) with mentees without contact
//! for two weeks first. The JSON form is `api/mentoring.rs`.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use domain::mentoring::MenteeView;
use domain::mentoring::service::ContactInput;

pub mod coordination;
// Ending a match from the coordinator's list (views4).
pub mod endings;
pub mod life_change;
pub mod matches;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(life_change::routes())
        .merge(coordination::routes())
        .merge(matches::routes())
        .merge(endings::routes())
        .route("/mentor", get(mentor))
        .route("/mentor/mentees/{id}/contacts", post(log_contact))
        .route("/mentoring", get(endings::coordinator))
}

#[derive(Template)]
#[template(path = "mentor.html")]
struct MentorPage {
    page: Page,
    errors: ErrorList,
    mentees: Vec<MenteeView>,
    helpline_now: Option<(String, String, String)>,
    helpline_next: Option<(String, String)>,
    today: String,
    /// The mentee whose form was refused, and what was typed.
    failed: Option<String>,
    form: Posted,
}

async fn mentor_page(
    state: &AppState,
    member: &Member,
    errors: ErrorList,
    failed: Option<String>,
    form: Posted,
) -> Result<MentorPage, WebError> {
    let Member(me, context) = member;
    let mentoring = state.mentoring();
    let mentees = mentoring.my_mentees(&me.actor).await?;
    let (now, next) = mentoring.helpline().await?;
    // The mentor's zone (their pack's), named beside each time.
    let zone = state.member_zone(&me.actor).await?;
    let t = context.texts;
    let at = |time| t.fill("time.in_zone", &[("label", &zone.time(time)), ("zone", &zone.name)]);
    Ok(MentorPage {
        page: Page::new(context, context.texts.get("mentoring.mine.title")),
        errors,
        mentees,
        helpline_now: now.map(|s| (s.name, s.phone, at(s.ends_at))),
        helpline_next: next.map(|s| (s.name, at(s.starts_at))),
        today: mentoring.today().to_string(),
        failed,
        form,
    })
}

/// `GET /mentor`: the mentor's own mentees (each read audited on the person's consent).
async fn mentor(State(state): State<AppState>, member: Member) -> Result<Response, WebError> {
    ok(&mentor_page(&state, &member, ErrorList::default(), None, Posted::default()).await?)
}

/// `POST /mentor/mentees/{id}/contacts`: a contact with a mentee.
async fn log_contact(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = ContactInput {
        on: posted.get("on"),
        minutes: posted.get("minutes"),
        place: posted.get("place"),
        how_it_went: posted.get("how_it_went"),
    };
    let result = state.mentoring().log_contact(&member.0.actor, person, &input).await.map(|_| "/mentor".to_string());
    let t = member.1.texts;
    after_post(result, t, |errors| mentor_page(&state, &member, errors, Some(person.to_string()), posted.clone())).await
}
