//! The team's cohort-changes list: persons on the member's agency's case teams who joined or
//! left a cohort while they had no open plan (with a plan, the change is a task on it
//! instead), each acknowledged by the agency when seen. Reads and acknowledgements go
//! through `CohortNotices`, which keeps the list to the agency's own teams and audits both.

use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::page::{Page, ok};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use domain::cohort::CohortMove;
use domain::ids::CohortNoticeId;

pub fn routes() -> Router<AppState> {
    Router::new().route("/cohort-changes", get(list)).route("/cohort-changes/{notice}/acknowledge", post(acknowledge))
}

struct Row {
    id: String,
    person_id: String,
    person: String,
    rule: String,
    on: String,
    change: String,
    recorded_at: String,
}

#[derive(Template)]
#[template(path = "cohort_changes.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    /// "Recorded (Europe/London)".
    recorded_heading: String,
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    let lines = state.cohort_notices().list(&me.actor).await?;
    let t = context.texts;
    // The reader's zone (their pack's), named in the heading.
    let zone = state.member_zone(&me.actor).await?;
    let rows = lines
        .into_iter()
        .map(|line| Row {
            id: line.notice.id.to_string(),
            person_id: line.notice.person.to_string(),
            person: line.person_name,
            rule: line.notice.rule,
            on: line.notice.on.to_string(),
            change: t
                .get(match line.notice.change {
                    CohortMove::Joined => "cohort_changes.joined",
                    CohortMove::Left => "cohort_changes.left",
                })
                .to_string(),
            recorded_at: zone.time(line.notice.created_at),
        })
        .collect();
    let recorded_heading = zone.heading(t, "cohort_changes.recorded");
    let page = ListPage { page: Page::new(&context, t.get("cohort_changes.title")), rows, recorded_heading };
    ok(&page)
}

async fn acknowledge(
    State(state): State<AppState>,
    Member(me, _): Member,
    Path(notice): Path<String>,
) -> Result<Response, WebError> {
    let id = CohortNoticeId::parse(&notice).map_err(|_| WebError::NotFound)?;
    state.cohort_notices().acknowledge(&me.actor, id).await?;
    Ok(Redirect::to("/cohort-changes").into_response())
}
