//! A person's mentor, for a member of their team (`/people/{id}/mentor`): the matches with
//! what the person consented to — changed here when they withdraw or extend it, so the mentor's
//! view changes at once — and a new match from the suggestions (needs, area, language,
//! preferences, free places), with a first meeting at the gate on the release date.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::ids::PersonId;
use domain::mentoring::Wishes;
use domain::mentoring::service::MatchInput;
use domain::mentoring::service::consent::ConsentInput;
use serde::Deserialize;
use uuid::Uuid;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/mentor", get(show).post(match_person))
        .route("/people/{id}/mentor/{match_id}/consent", post(consent))
}

#[derive(Debug, Default, Deserialize)]
pub struct WishesQuery {
    #[serde(default)]
    area: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    gender: String,
    #[serde(default)]
    lived_experience: Option<String>,
}

pub struct MatchRow {
    pub id: String,
    pub mentor: String,
    pub programme: &'static str,
    pub started_on: String,
    pub offences: bool,
    pub screenings: bool,
    pub notes: bool,
    pub goals: String,
}

pub struct SuggestionRow {
    pub member: String,
    pub name: String,
    pub area: String,
    pub languages: String,
    pub lived_experience: bool,
    pub availability: String,
}

#[derive(Template)]
#[template(path = "person_mentor.html")]
struct MentorPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    id: String,
    name: String,
    matches: Vec<MatchRow>,
    suggestions: Vec<SuggestionRow>,
    wishes_area: String,
    wishes_language: String,
    wishes_gender: String,
    wishes_lived: bool,
    /// Which form was refused: "match" or a match id.
    failed: String,
}

async fn mentor_page(
    state: &AppState,
    member: &Member,
    person: PersonId,
    wishes: &WishesQuery,
    errors: ErrorList,
    form: Posted,
    failed: String,
) -> Result<MentorPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let mentoring = state.mentoring();
    let (name, matches) = mentoring.matches_for(&me.actor, person).await?;
    let wanted = Wishes {
        area: wishes.area.clone(),
        language: wishes.language.clone(),
        gender: wishes.gender.clone(),
        lived_experience: wishes.lived_experience.is_some(),
    };
    let suggestions = mentoring
        .suggest(&me.actor, person, &wanted)
        .await?
        .into_iter()
        .map(|(p, _)| SuggestionRow {
            member: p.member.to_string(),
            name: p.name,
            area: p.area,
            languages: p.languages.join(", "),
            lived_experience: p.lived_experience,
            availability: p.availability,
        })
        .collect();
    Ok(MentorPage {
        page: Page::new(context, &t.fill("mentoring.person.title", &[("name", &name)])),
        errors,
        form,
        id: person.to_string(),
        name,
        matches: matches
            .into_iter()
            .filter(|m| m.active)
            .map(|m| MatchRow {
                id: m.matched.id.to_string(),
                mentor: m.mentor_name,
                programme: t.text(&format!("mentoring.programme.{}", m.matched.programme.code())),
                started_on: m.matched.started_on.to_string(),
                offences: m.matched.consented.offences,
                screenings: m.matched.consented.screenings,
                notes: m.matched.consented.notes,
                goals: m.matched.shared_goals.join("\n"),
            })
            .collect(),
        suggestions,
        wishes_area: wishes.area.clone(),
        wishes_language: wishes.language.clone(),
        wishes_gender: wishes.gender.clone(),
        wishes_lived: wishes.lived_experience.is_some(),
        failed,
    })
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

/// `GET /people/{id}/mentor`: the person's mentor and consent, and suggestions for a new one.
async fn show(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    Query(wishes): Query<WishesQuery>,
) -> Result<Response, WebError> {
    ok(&mentor_page(&state, &member, person, &wishes, ErrorList::default(), Posted::default(), String::new()).await?)
}

/// `POST /people/{id}/mentor`: the person consents to a mentor.
async fn match_person(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = MatchInput {
        mentor: posted.get("mentor"),
        programme: posted.get("programme"),
        shared_goals: lines(&posted.get("shared_goals")),
        offences: !posted.get("offences").is_empty(),
        screenings: !posted.get("screenings").is_empty(),
        notes: !posted.get("notes").is_empty(),
        first_meeting_on: posted.get("first_meeting_on"),
        first_meeting_place: posted.get("first_meeting_place"),
    };
    let result = state
        .mentoring()
        .match_person(&member.0.actor, person, &input)
        .await
        .map(|_| format!("/people/{person}/mentor"));
    let t = member.1.texts;
    let wishes = WishesQuery::default();
    after_post(result, t, |errors| {
        mentor_page(&state, &member, person, &wishes, errors, posted.clone(), "match".into())
    })
    .await
}

/// `POST /people/{id}/mentor/{match}/consent`: the person withdraws or extends their consent.
async fn consent(
    State(state): State<AppState>,
    member: Member,
    Path((id, match_id)): Path<(String, String)>,
    posted: Posted,
) -> Result<Response, WebError> {
    let person = PersonId::parse(&id).map_err(|_| WebError::NotFound)?;
    let match_id = Uuid::parse_str(&match_id).map_err(|_| WebError::NotFound)?;
    let input = ConsentInput {
        offences: !posted.get("offences").is_empty(),
        screenings: !posted.get("screenings").is_empty(),
        notes: !posted.get("notes").is_empty(),
        shared_goals: lines(&posted.get("shared_goals")),
    };
    let result = state
        .mentoring()
        .change_consent(&member.0.actor, person, match_id, &input)
        .await
        .map(|_| format!("/people/{person}/mentor"));
    let t = member.1.texts;
    let wishes = WishesQuery::default();
    let failed = match_id.to_string();
    after_post(result, t, |errors| mentor_page(&state, &member, person, &wishes, errors, posted.clone(), failed)).await
}
