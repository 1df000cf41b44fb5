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

/// A cohort rule's name in the reader's language (`cohort.rule.<code>` in the catalogue); a
/// deployment's own rule without a catalogue name shows as its code.
pub fn cohort_rule_name(t: crate::i18n::Texts, rule: &str) -> String {
    t.optional(&format!("cohort.rule.{rule}")).unwrap_or(rule).to_string()
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
            rule: cohort_rule_name(t, &line.notice.rule),
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

#[cfg(test)]
mod tests {
    use super::cohort_rule_name;
    use crate::i18n::{Lang, Texts};

    #[test]
    fn a_cohort_is_named_in_the_readers_language_and_an_unnamed_rule_by_its_code() {
        let name = |lang, rule| cohort_rule_name(Texts::new(lang), rule);
        assert_eq!(name(Lang::Nl, "nl-very-active-prolific"), "Zeer actieve veelplegers (ZAV)");
        assert_eq!(name(Lang::En, "nl-very-active-prolific"), "Very active prolific offenders (ZAV)");
        assert_eq!(name(Lang::It, "ew-iom"), "Gestione integrata degli autori di reato (IOM)");
        assert_eq!(name(Lang::It, "a-deployments-own-rule"), "a-deployments-own-rule");
    }
}
