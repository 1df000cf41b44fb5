//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`:
//! one module per capability (`people`, `plan`, `measures`, `notifications`), signing in in
//! `auth`, a member's own sessions in `sessions` and password in `account`, administration
//! (agencies, locations, members, Safety Houses) in `admin`, and the answers that are not a success in `problem` (problem JSON, RFC 9457). Same
//! use cases, same access rules and audit as the pages. Authentication: `POST /api/v1/login`
//! gives a bearer token, or the browser's session cookie with its CSRF token in `X-CSRF-Token`.

mod account;
mod admin;
// Changing what administration made (issue 18).
mod admin_edit;
mod auth;
mod conference;
mod interventions;
mod unmet_need_and_webhooks;
// Keeping a catalogue entry (issue 19, ivrest).
mod intervention_catalogue;
// Personal funds and mentors (issue 20).
mod evidence;
mod funds;
mod measures;
mod mentoring;
mod notifications;
mod people;
mod plan;
mod plan_measures;
pub(crate) mod problem;
mod sessions;
mod zsm;
// Screenings, conference requests and meetings for partner systems (issue 18, the whole API).
mod meetings;
mod screenings;
mod triage;
// The public value report per partnership (issue 21).
mod public_value;
// Issue 18, the whole API (apipacks): meeting writes, groups, cohorts (the board is in `zsm`).
mod cohorts;
mod groups;
mod meeting_writes;
// Issue 18, the whole API (apiplan): the plan's writes and weekly review, the case team, the
// "to screen" list, proposals of the mayor's measures, resolving fund commitments, and the
// evidence pages' tables.
mod evidence_reports;
mod fund_commitments;
mod measure_proposals;
mod plan_review;
mod plan_writes;
mod team;
mod to_screen;
// Life Change progress and community networks (issue 20, grants branch).
mod life_change;
// Issue 18, the whole API (apizsm): the ZSM table's cases, records and lists.
mod zsm_case_dto;
mod zsm_cases;
mod zsm_lists;

pub use problem::{FieldProblem, Problem};

use crate::AppState;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(auth::routes())
        .merge(account::routes())
        .merge(admin::routes())
        .merge(admin_edit::routes())
        .merge(people::routes())
        .merge(plan::routes())
        .merge(measures::routes())
        .merge(notifications::routes())
        .merge(sessions::routes())
        .merge(zsm::routes())
        .merge(conference::routes())
        .merge(plan_measures::routes())
        .merge(interventions::routes())
        .merge(unmet_need_and_webhooks::routes())
        .merge(intervention_catalogue::routes())
        .merge(funds::routes())
        .merge(mentoring::routes())
        .merge(evidence::routes())
        // Issue 18, the whole API.
        .merge(screenings::routes())
        .merge(meetings::routes())
        .merge(triage::routes())
        // Issue 21, the public value report.
        .merge(public_value::routes())
        // Issue 18, the whole API (apipacks).
        .merge(meeting_writes::routes())
        .merge(groups::routes())
        .merge(cohorts::routes())
        // Issue 18, the whole API (apiplan).
        .merge(plan_writes::routes())
        .merge(plan_review::routes())
        .merge(team::routes())
        .merge(to_screen::routes())
        .merge(measure_proposals::routes())
        .merge(fund_commitments::routes())
        .merge(evidence_reports::routes())
        // Issue 20, Life Change and community networks (grants branch).
        .merge(life_change::routes())
        // Issue 18, the whole API (apizsm).
        .merge(zsm_cases::routes())
        .merge(zsm_lists::routes())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "desist API",
        description = "People, case teams, audit and the one shared plan per person for multi-agency work to stop reoffending."
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(auth::AuthApiDoc::openapi());
    doc.merge(people::PeopleApiDoc::openapi());
    doc.merge(plan::PlanApiDoc::openapi());
    doc.merge(measures::MeasuresApiDoc::openapi());
    doc.merge(notifications::NotificationsApiDoc::openapi());
    doc.merge(sessions::SessionsApiDoc::openapi());
    doc.merge(account::AccountApiDoc::openapi());
    doc.merge(admin::AdminApiDoc::openapi());
    doc.merge(admin_edit::AdminEditApiDoc::openapi());
    doc.merge(zsm::ZsmApiDoc::openapi());
    doc.merge(conference::ConferenceApiDoc::openapi());
    doc.merge(plan_measures::PlanMeasuresApiDoc::openapi());
    doc.merge(interventions::InterventionsApiDoc::openapi());
    doc.merge(unmet_need_and_webhooks::UnmetNeedAndWebhooksApiDoc::openapi());
    doc.merge(intervention_catalogue::InterventionCatalogueApiDoc::openapi());
    doc.merge(funds::FundsApiDoc::openapi());
    doc.merge(mentoring::MentoringApiDoc::openapi());
    doc.merge(evidence::EvidenceApiDoc::openapi());
    // Issue 18, the whole API.
    doc.merge(screenings::ScreeningsApiDoc::openapi());
    doc.merge(meetings::MeetingsApiDoc::openapi());
    doc.merge(triage::TriageApiDoc::openapi());
    // Issue 21, the public value report.
    doc.merge(public_value::PublicValueApiDoc::openapi());
    // Issue 18, the whole API (apipacks).
    doc.merge(meeting_writes::MeetingWritesApiDoc::openapi());
    doc.merge(groups::GroupsApiDoc::openapi());
    doc.merge(cohorts::CohortsApiDoc::openapi());
    // Issue 18, the whole API (apiplan).
    doc.merge(plan_writes::PlanWritesApiDoc::openapi());
    doc.merge(plan_review::PlanReviewApiDoc::openapi());
    doc.merge(team::TeamApiDoc::openapi());
    doc.merge(to_screen::ToScreenApiDoc::openapi());
    doc.merge(measure_proposals::MeasureProposalsApiDoc::openapi());
    doc.merge(fund_commitments::FundCommitmentsApiDoc::openapi());
    doc.merge(evidence_reports::EvidenceReportsApiDoc::openapi());
    // Issue 20, Life Change and community networks (grants branch).
    doc.merge(life_change::LifeChangeApiDoc::openapi());
    // Issue 18, the whole API (apizsm).
    doc.merge(zsm_cases::ZsmCasesApiDoc::openapi());
    doc.merge(zsm_lists::ZsmListsApiDoc::openapi());
    Json(doc)
}
