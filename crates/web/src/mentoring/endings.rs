//! The mentor coordinator's list (`/mentoring`) with ending a match (views4): each active
//! match has a small form — why it ended and on which day — that posts to
//! `/mentoring/matches/{id}/end`; the agency's recently ended matches are listed below, with
//! the day and the reason. A refused form comes back (422) with the fields to fix, on its row.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::post;
use domain::mentoring::EndReason;
use domain::mentoring::service::ending::EndInput;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new().route("/mentoring/matches/{match_id}/end", post(end))
}

pub struct CoordinatorRow {
    pub match_id: String,
    pub person: String,
    pub mentor: String,
    pub programme: &'static str,
    pub last_contact: String,
    pub overdue: bool,
}

pub struct EndedRow {
    pub person: String,
    pub mentor: String,
    pub programme: &'static str,
    pub started_on: String,
    pub ended_on: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "mentor_coordinator.html")]
struct CoordinatorPage {
    page: Page,
    errors: ErrorList,
    form: Posted,
    /// The match whose end form was refused ("" when none).
    failed: String,
    rows: Vec<CoordinatorRow>,
    overdue: usize,
    ended: Vec<EndedRow>,
    /// (code, words) of every reason an ending may give.
    reasons: Vec<(&'static str, String)>,
    today: String,
    done: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    ended: String,
}

async fn coordinator_page(
    state: &AppState,
    member: &Member,
    mut errors: ErrorList,
    form: Posted,
    failed: String,
    done: bool,
) -> Result<CoordinatorPage, WebError> {
    let Member(me, context) = member;
    let t = context.texts;
    let mentoring = state.mentoring();
    let lines = mentoring.coordinator_list(&me.actor).await?;
    let ended = mentoring.ended_matches(&me.actor).await?;
    let programme = |code: &str| t.text(&format!("mentoring.programme.{code}"));
    let rows: Vec<CoordinatorRow> = lines
        .iter()
        .map(|l| CoordinatorRow {
            match_id: l.matched.id.to_string(),
            person: l.person_name.clone(),
            mentor: l.mentor_name.clone(),
            programme: programme(l.matched.programme.code()),
            last_contact: l.last_contact.map_or_else(|| t.get("mentoring.never").to_string(), |d| d.to_string()),
            overdue: l.overdue,
        })
        .collect();
    // The refused row's fields carry its match in their ids: the summary links to them.
    for item in &mut errors.items {
        item.anchor = format!("end-{failed}-{}", item.field);
        let label = if item.field == "reason" { "mentoring.end.reason" } else { "mentoring.end.ended_on" };
        item.summary = format!("{}: {}", t.get(label), item.message);
    }
    let overdue = rows.iter().filter(|r| r.overdue).count();
    Ok(CoordinatorPage {
        page: Page::new(context, t.get("mentoring.coordinator.title")),
        errors,
        form,
        failed,
        rows,
        overdue,
        ended: ended
            .iter()
            .map(|l| EndedRow {
                person: l.person_name.clone(),
                mentor: l.mentor_name.clone(),
                programme: programme(l.matched.programme.code()),
                started_on: l.matched.started_on.to_string(),
                ended_on: l.matched.ended_on.map(|d| d.to_string()).unwrap_or_default(),
                reason: l
                    .matched
                    .ended_reason
                    .map(|r| t.get(&format!("mentoring.end_reason.{}", r.code())).to_string())
                    .unwrap_or_else(|| "—".into()),
            })
            .collect(),
        reasons: EndReason::ALL
            .into_iter()
            .map(|r| (r.code(), t.get(&format!("mentoring.end_reason.{}", r.code())).to_string()))
            .collect(),
        today: mentoring.today().to_string(),
        done,
    })
}

/// `GET /mentoring`: the coordinator's list of matches, those without contact for two weeks
/// first, each with its end form, and the recently ended ones.
pub async fn coordinator(
    State(state): State<AppState>,
    member: Member,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let done = query.ended == "1";
    ok(&coordinator_page(&state, &member, ErrorList::default(), Posted::default(), String::new(), done).await?)
}

/// `POST /mentoring/matches/{match_id}/end`: the coordinator ends a match.
async fn end(
    State(state): State<AppState>,
    member: Member,
    Path(match_id): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    let id = uuid::Uuid::parse_str(match_id.trim()).map_err(|_| WebError::NotFound)?;
    let input = EndInput { reason: posted.get("reason"), ended_on: posted.get("ended_on") };
    let result =
        state.mentoring().end_match(&member.0.actor, id, &input).await.map(|_| "/mentoring?ended=1".to_string());
    let t = member.1.texts;
    after_post(result, t, |errors| coordinator_page(&state, &member, errors, posted.clone(), id.to_string(), false))
        .await
}
