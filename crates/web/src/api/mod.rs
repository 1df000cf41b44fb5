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
// Contracts: who commissions whom (issue 21, evmisc).
mod contracts;

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
        .merge(contracts::routes())
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
    Json(document())
}

/// The API's document: every capability's part merged into one.
fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    for part in parts() {
        doc.merge(part);
    }
    doc
}

/// Each capability's part of the document. Merging keeps one schema per name, so two parts
/// naming different schemas alike would lose one silently: a test checks no name is shared.
fn parts() -> Vec<utoipa::openapi::OpenApi> {
    vec![
        auth::AuthApiDoc::openapi(),
        people::PeopleApiDoc::openapi(),
        plan::PlanApiDoc::openapi(),
        measures::MeasuresApiDoc::openapi(),
        notifications::NotificationsApiDoc::openapi(),
        sessions::SessionsApiDoc::openapi(),
        account::AccountApiDoc::openapi(),
        admin::AdminApiDoc::openapi(),
        admin_edit::AdminEditApiDoc::openapi(),
        zsm::ZsmApiDoc::openapi(),
        conference::ConferenceApiDoc::openapi(),
        plan_measures::PlanMeasuresApiDoc::openapi(),
        interventions::InterventionsApiDoc::openapi(),
        unmet_need_and_webhooks::UnmetNeedAndWebhooksApiDoc::openapi(),
        intervention_catalogue::InterventionCatalogueApiDoc::openapi(),
        funds::FundsApiDoc::openapi(),
        mentoring::MentoringApiDoc::openapi(),
        evidence::EvidenceApiDoc::openapi(),
        // Issue 18, the whole API.
        screenings::ScreeningsApiDoc::openapi(),
        meetings::MeetingsApiDoc::openapi(),
        triage::TriageApiDoc::openapi(),
        // Issue 21, the public value report.
        public_value::PublicValueApiDoc::openapi(),
        // Issue 18, the whole API (apipacks).
        meeting_writes::MeetingWritesApiDoc::openapi(),
        groups::GroupsApiDoc::openapi(),
        cohorts::CohortsApiDoc::openapi(),
        // Issue 18, the whole API (apiplan).
        plan_writes::PlanWritesApiDoc::openapi(),
        plan_review::PlanReviewApiDoc::openapi(),
        team::TeamApiDoc::openapi(),
        to_screen::ToScreenApiDoc::openapi(),
        measure_proposals::MeasureProposalsApiDoc::openapi(),
        fund_commitments::FundCommitmentsApiDoc::openapi(),
        evidence_reports::EvidenceReportsApiDoc::openapi(),
        // Issue 20, Life Change and community networks (grants branch).
        life_change::LifeChangeApiDoc::openapi(),
        // Issue 18, the whole API (apizsm).
        zsm_cases::ZsmCasesApiDoc::openapi(),
        zsm_lists::ZsmListsApiDoc::openapi(),
        contracts::ContractsApiDoc::openapi(),
    ]
}

#[cfg(test)]
mod document_tests {
    use std::collections::BTreeMap;

    /// A schema name used by two parts must mean the same schema in both.
    #[test]
    fn no_two_parts_give_one_schema_name_different_meanings() {
        let mut seen: BTreeMap<String, serde_json::Value> = BTreeMap::new();
        let mut clashes = Vec::new();
        for part in super::parts() {
            let Some(components) = part.components else { continue };
            for (name, schema) in components.schemas {
                let schema = serde_json::to_value(schema).unwrap();
                match seen.get(&name) {
                    Some(earlier) if *earlier != schema => clashes.push(name),
                    Some(_) => {}
                    None => {
                        seen.insert(name, schema);
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "schema names with two meanings: {clashes:?}");
    }
}
