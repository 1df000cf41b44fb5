//! Community networks for a person (`/people/{id}/community`), for a member of their team: the
//! community activities in the catalogue (sport, volunteering, faith, peer groups), those in
//! the person's area first, and linking one to a goal of theirs — no referral needed.

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
use axum::routing::get;
use domain::ids::PersonId;
use domain::interventions::model::community::CommunityLinkInput;

pub fn routes() -> Router<AppState> {
    Router::new().route("/people/{id}/community", get(show).post(link))
}

pub struct ActivityRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub areas: String,
}

pub struct LinkRow {
    pub activity: String,
    pub goal: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "person_community.html")]
struct CommunityPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    id: String,
    name: String,
    activities: Vec<ActivityRow>,
    links: Vec<LinkRow>,
}

async fn community_page(
    state: &AppState,
    member: &Member,
    person: PersonId,
    errors: ErrorList,
    form: Posted,
) -> Result<CommunityPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    // The person's zone, named beside each time.
    let zone = state.person_zone(person).await?;
    let view = state.interventions_in(&zone.zone).community(&me.actor, person).await?;
    let at = |time| t.fill("time.in_zone", &[("label", &zone.time(time)), ("zone", &zone.name)]);
    Ok(CommunityPage {
        page: Page::new(context, &t.fill("community.title", &[("name", &view.name)])),
        errors,
        form,
        id: person.to_string(),
        name: view.name,
        activities: view
            .activities
            .into_iter()
            .map(|i| ActivityRow {
                id: i.id.to_string(),
                name: i.name,
                description: i.description,
                areas: i.areas.join(", "),
            })
            .collect(),
        links: view
            .links
            .into_iter()
            .map(|l| LinkRow { activity: l.activity, goal: l.goal, at: at(l.linked_at) })
            .collect(),
    })
}

/// `GET /people/{id}/community`: the activities and the person's links (audited).
async fn show(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
) -> Result<Response, WebError> {
    ok(&community_page(&state, &member, person, ErrorList::default(), Posted::default()).await?)
}

/// `POST /people/{id}/community`: links an activity to one of the person's goals.
async fn link(
    State(state): State<AppState>,
    member: Member,
    PersonPath(person): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = CommunityLinkInput { intervention: posted.get("intervention"), goal: posted.get("goal") };
    let zone = state.person_zone(person).await?;
    let result = state
        .interventions_in(&zone.zone)
        .link_community(&member.0.actor, person, &input)
        .await
        .map(|_| format!("/people/{person}/community"));
    let t = member.1.texts;
    after_post(result, t, |errors| community_page(&state, &member, person, errors, posted.clone())).await
}
