//! Cohorts in the JSON API, as `/cohorts` in the pages: the rules a process manager decides
//! on, who is in a rule's cohort today and why (the rule's counts, or a manual selection with
//! its reason), who was taken out and why, and a selection or deselection with a reason. The
//! page's own reading (`cohort_file`) and the same `CohortDecisions` use case, so the role
//! check, the audit (refusals too) and the notices to the person's team are theirs.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::evidence::decisions::{CohortFile, Why, cohort_file};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::access::Permission;
use domain::cohort::service::DecisionInput;
use domain::service::ServiceError;
use domain::validation::ValidationErrors;
use evidence::date::format_day;
use evidence::membership::Override;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/cohorts", get(rules))
        .route("/v1/cohorts/{rule}", get(members))
        .route("/v1/cohorts/{rule}/decisions", post(decide))
}

#[derive(OpenApi)]
#[openapi(
    paths(rules, members, decide),
    components(schemas(
        RulesDto,
        RuleDto,
        CohortDto,
        CohortMemberDto,
        CohortDecisionDto,
        NewCohortDecision,
        DecidedDto
    ))
)]
pub struct CohortsApiDoc;

#[derive(Serialize, ToSchema)]
pub struct RuleDto {
    name: String,
    /// The rule in the cohort language (`crates/evidence/RULES.md`).
    expression: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"rules": [{"name": "prolific", "expression": "count(offence, 5y) >= 10"}]}))]
pub struct RulesDto {
    rules: Vec<RuleDto>,
}

/// A manual decision: who decided, why, from when.
#[derive(Serialize, ToSchema)]
pub struct CohortDecisionDto {
    reason: String,
    decided_by: String,
    /// `YYYY-MM-DD`: the first day it applies.
    from: String,
}

/// A member of the cohort today and why: `rule` with the rule's counts, or `selected` with
/// the decision.
#[derive(Serialize, ToSchema)]
pub struct CohortMemberDto {
    /// The person's id in the offence record.
    person: String,
    /// `rule` or `selected`.
    why: &'static str,
    /// The rule's counts for this person (for `rule`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    counts: Vec<i64>,
    /// The decision (for `selected`).
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<CohortDecisionDto>,
}

/// A rule's cohort today.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"rule": "prolific", "expression": "count(offence, 5y) >= 10", "count": 2, "members": [{"person": "P-000123", "why": "rule", "counts": [12]}, {"person": "P-000456", "why": "selected", "decision": {"reason": "Nine burglaries in three months, below the count only by the records' lag", "decided_by": "Fatima El Amrani", "from": "2026-12-01"}}], "deselected": [{"person": "P-000789", "decision": {"reason": "Moved abroad", "decided_by": "Fatima El Amrani", "from": "2026-11-15"}}]}))]
pub struct CohortDto {
    rule: String,
    expression: String,
    /// Members in all; at most the first 500 are listed.
    count: usize,
    members: Vec<CohortMemberDto>,
    /// Taken out by a decision that applies today.
    deselected: Vec<CohortMemberDto>,
}

fn decision_dto(o: &Override) -> CohortDecisionDto {
    CohortDecisionDto { reason: o.reason.clone(), decided_by: o.decided_by.clone(), from: format_day(o.from) }
}

fn cohort_dto(rule: &str, file: CohortFile) -> CohortDto {
    let members = file
        .members
        .into_iter()
        .map(|(person, why)| match why {
            Why::Rule { counts } => CohortMemberDto { person, why: "rule", counts, decision: None },
            Why::Decided(o) => {
                CohortMemberDto { person, why: "selected", counts: Vec::new(), decision: Some(decision_dto(&o)) }
            }
        })
        .collect();
    let deselected = file
        .deselected
        .iter()
        .map(|o| CohortMemberDto {
            person: o.person_id.clone(),
            why: "deselected",
            counts: Vec::new(),
            decision: Some(decision_dto(o)),
        })
        .collect();
    CohortDto { rule: rule.to_owned(), expression: file.expression, count: file.count, members, deselected }
}

/// The cohort rules a process manager decides on.
#[utoipa::path(get, path = "/api/v1/cohorts", operation_id = "list_cohort_rules",
    responses((status = 200, description = "The deployment's cohort rules", body = RulesDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a process manager decides on cohorts (problem JSON)", body = Problem)))]
async fn rules(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    domain::service::require(&me.actor, Permission::SelectCohort)?;
    let rules = evidence::rules::known_rules(&state.config.cohort_rules)
        .into_iter()
        .map(|r| RuleDto { name: r.name, expression: r.expression })
        .collect();
    Ok(Json(RulesDto { rules }).into_response())
}

/// Who is in the rule's cohort today and why, and who was taken out and why; the read (or its
/// refusal) is audited.
#[utoipa::path(get, path = "/api/v1/cohorts/{rule}", operation_id = "read_cohort",
    params(("rule" = String, Path, description = "Rule name")),
    responses((status = 200, description = "The cohort today with the reason for each member", body = CohortDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a process manager sees a cohort's members; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such rule (problem JSON)", body = Problem)))]
async fn members(State(state): State<AppState>, Member(me, _): Member, Path(rule): Path<String>) -> ApiResult {
    let file = cohort_file(&state, &me, &rule).await?;
    Ok(Json(cohort_dto(&rule, file)).into_response())
}

/// A selection into the cohort or a deselection out of it, from today, with the reason.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person": "P-000456", "change": "select", "reason": "Nine burglaries in three months, below the count only by the records' lag"}))]
pub struct NewCohortDecision {
    /// The person's id in the offence record.
    person: String,
    /// `select` or `deselect`.
    change: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"rule": "prolific", "person": "P-000456", "change": "select", "teams_told": 2}))]
pub struct DecidedDto {
    rule: String,
    person: String,
    change: String,
    /// How many of the person's team agencies were told (a task on their list).
    teams_told: u64,
}

/// The form's field names (`cohort_person`, …) as this call names them (`person`, …).
fn api_fields(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::Invalid(errors) => {
            let mut renamed = ValidationErrors::default();
            for e in errors.iter() {
                let mut e = e.clone();
                e.field = e.field.trim_start_matches("cohort_").to_owned();
                renamed.push(e);
            }
            ServiceError::Invalid(renamed)
        }
        other => other,
    }
}

/// Selects a person into the cohort or deselects them, from today, with the reason; the
/// person's team is told. Bad input is a 422 naming each field; nothing is recorded then.
#[utoipa::path(post, path = "/api/v1/cohorts/{rule}/decisions", operation_id = "decide_cohort",
    params(("rule" = String, Path, description = "Rule name")), request_body = NewCohortDecision,
    responses((status = 201, description = "Recorded", body = DecidedDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a process manager decides on cohorts; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such rule (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid (e.g. an unknown person); the problem names each field (problem JSON)", body = Problem)))]
async fn decide(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(rule): Path<String>,
    parsed: Result<Json<NewCohortDecision>, JsonRejection>,
) -> ApiResult {
    let Json(body) = parsed?;
    let known = evidence::rules::known_rules(&state.config.cohort_rules).iter().any(|r| r.name == rule);
    if !known && me.actor.can(Permission::SelectCohort) {
        return Err(WebError::NotFound.into());
    }
    let input = DecisionInput { person: body.person, change: body.change, reason: body.reason };
    let told = state
        .cohort_decisions()
        .decide(&me.actor, &rule, &input)
        .await
        .map_err(|e| refused(&context)(api_fields(e)))?;
    let body = DecidedDto { rule, person: input.person.trim().to_owned(), change: input.change, teams_told: told };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
