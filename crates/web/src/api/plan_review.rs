//! The weekly review of a Safety House's plans and "help started" from "my agency's tasks" in
//! the JSON API, as the pages have them: the same use cases (`Plans::weekly_review`, the
//! exclusion order's `HelpStarted`), so authorisation, audit of each listed person and the
//! outbox are those of the pages.

use super::problem::{ApiResult, Problem, refused, unprocessable};
use crate::AppState;
use crate::auth::Member;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::access::Permission;
use domain::ids::PersonId;
use domain::measures::OrderAction;
use domain::plan::PlanChange;
use domain::plan::service::plan_status_code;
use domain::validation::{FieldError, invalid};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/reviews/weekly", get(weekly_review))
        .route("/v1/tasks/agency/help-started", post(help_started))
}

#[derive(OpenApi)]
#[openapi(
    paths(weekly_review, help_started),
    components(schemas(ReviewDto, ReviewLineDto, ReviewChangeDto, MeasureWarningDto, HelpStarted))
)]
pub struct PlanReviewApiDoc;

/// What changed on a plan in the last seven days.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"kind": "task_status_changed", "task": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "from": "open", "to": "done"}))]
pub struct ReviewChangeDto {
    /// `status_changed`, `agency_joined`, `goal_added`, `goal_agreement_changed`,
    /// `goal_revised`, `goal_withdrawn`, `task_added`,
    /// `task_status_changed`, `notes_added`, `measure_linked` or `measure_ended`.
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    goal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    agreed_by_person: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task: Option<String>,
    /// Notes added.
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measure: Option<String>,
}

fn change_dto(change: &PlanChange) -> ReviewChangeDto {
    let empty = ReviewChangeDto {
        kind: "",
        from: None,
        to: None,
        agency: None,
        goal: None,
        agreed_by_person: None,
        task: None,
        count: None,
        measure: None,
    };
    match change {
        PlanChange::StatusChanged { from, to } => {
            ReviewChangeDto { kind: "status_changed", from: Some(from), to: Some(to), ..empty }
        }
        PlanChange::AgencyJoined(agency) => {
            ReviewChangeDto { kind: "agency_joined", agency: Some(agency.to_string()), ..empty }
        }
        PlanChange::GoalAdded(goal) => ReviewChangeDto { kind: "goal_added", goal: Some(goal.to_string()), ..empty },
        PlanChange::GoalAgreementChanged { goal, agreed_by_person } => ReviewChangeDto {
            kind: "goal_agreement_changed",
            goal: Some(goal.to_string()),
            agreed_by_person: Some(*agreed_by_person),
            ..empty
        },
        PlanChange::GoalRevised(goal) => {
            ReviewChangeDto { kind: "goal_revised", goal: Some(goal.to_string()), ..empty }
        }
        PlanChange::GoalWithdrawn(goal) => {
            ReviewChangeDto { kind: "goal_withdrawn", goal: Some(goal.to_string()), ..empty }
        }
        PlanChange::TaskAdded(task) => ReviewChangeDto { kind: "task_added", task: Some(task.to_string()), ..empty },
        PlanChange::TaskStatusChanged { task, from, to } => ReviewChangeDto {
            kind: "task_status_changed",
            task: Some(task.to_string()),
            from: Some(from),
            to: Some(to),
            ..empty
        },
        PlanChange::NotesAdded(count) => ReviewChangeDto { kind: "notes_added", count: Some(*count), ..empty },
        PlanChange::MeasureLinked(measure) => {
            ReviewChangeDto { kind: "measure_linked", measure: Some(measure.to_string()), ..empty }
        }
        PlanChange::MeasureEnded(measure) => {
            ReviewChangeDto { kind: "measure_ended", measure: Some(measure.to_string()), ..empty }
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "plan_id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "status": "active", "changes": [{"kind": "notes_added", "count": 2}], "overdue_tasks": ["d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b"], "re_evaluation_on": "2027-01-04", "re_evaluation_due": true, "needs_attention": true}))]
pub struct ReviewLineDto {
    person_id: String,
    person_name: String,
    plan_id: String,
    status: &'static str,
    /// What changed in the last seven days.
    changes: Vec<ReviewChangeDto>,
    /// Tasks past their due date (as your agency may see them).
    overdue_tasks: Vec<String>,
    re_evaluation_on: Option<String>,
    /// The re-evaluation falls within the pack's "due soon" window or is past.
    re_evaluation_due: bool,
    needs_attention: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "warning": "Area ban Stationsgebied ends in 6 days"}))]
pub struct MeasureWarningDto {
    person_id: String,
    person_name: String,
    /// In the language you asked for (`Accept-Language` or your setting).
    warning: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"page": 1, "pages": 1, "total": 1, "needing_attention": 1, "plans": [{"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Gerrit Hoekstra", "plan_id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "status": "active", "changes": [], "overdue_tasks": [], "re_evaluation_on": "2027-01-04", "re_evaluation_due": true, "needs_attention": true}], "measures": []}))]
pub struct ReviewDto {
    page: u32,
    pages: u32,
    /// Running plans (and those under re-evaluation) your agency is on.
    total: u64,
    needing_attention: u64,
    /// This page's plans (50 each), those needing attention first.
    plans: Vec<ReviewLineDto>,
    /// The measures of your agency's people needing attention (ending, overrun).
    measures: Vec<MeasureWarningDto>,
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReviewQuery {
    /// The page, from 1.
    page: Option<u32>,
}

/// The weekly review of your agency's plans: what changed in the last week, overdue tasks and
/// re-evaluations due; each person listed is audited.
#[utoipa::path(get, path = "/api/v1/reviews/weekly", operation_id = "weekly_plan_review", params(ReviewQuery),
    responses((status = 200, description = "The page of the review", body = ReviewDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 422, description = "The page is not a number from 1 (problem JSON)", body = Problem)))]
async fn weekly_review(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<ReviewQuery>,
) -> ApiResult {
    let page = match query.page {
        None => 1,
        Some(page) if page >= 1 => page,
        Some(_) => return Ok(unprocessable("page must be 1 or more")),
    };
    let review = state.plans().weekly_review(&me.actor, page).await?;
    let plans = review
        .lines
        .into_iter()
        .map(|l| ReviewLineDto {
            person_id: l.item.person.to_string(),
            person_name: l.person_name,
            plan_id: l.item.plan.to_string(),
            status: plan_status_code(&l.plan.status),
            changes: l.item.changes.iter().map(change_dto).collect(),
            overdue_tasks: l.item.overdue_tasks.iter().map(ToString::to_string).collect(),
            re_evaluation_on: l.plan.re_evaluation_on.map(|d| d.to_string()),
            re_evaluation_due: l.item.re_evaluation_due,
            needs_attention: l.item.needs_attention(),
        })
        .collect();
    let warnings = state.measures().agency_warnings(&me.actor).await?;
    let persons: Vec<PersonId> = warnings.iter().map(|l| l.person).collect();
    let zones = state.zones_of(&persons).await?;
    let agencies = state.directory().agencies().await?;
    let measures = warnings
        .into_iter()
        .map(|l| {
            let zone = zones.get(&l.person).unwrap_or(&state.config.time_zone);
            MeasureWarningDto {
                person_id: l.person.to_string(),
                warning: crate::measures::warning_text(&l.warning, &agencies, context.texts, zone),
                person_name: l.name,
            }
        })
        .collect();
    Ok(Json(ReviewDto {
        page: review.page,
        pages: review.pages,
        total: review.total,
        needing_attention: review.needing_attention,
        plans,
        measures,
    })
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "order": "01900000-0000-7000-8000-000000000003", "task": "01900000-0000-7000-8000-000000000011"}))]
pub struct HelpStarted {
    /// The excluded person whose order requires the help (`person_id` on the task list).
    person: String,
    /// The exclusion order (`exclusion_order_id` on the task list).
    order: String,
    /// The help task (`help_task.id` on the task list).
    task: String,
}

/// Records from "my agency's tasks" that an exclusion order's help has started, through the
/// same use case as the order's own change (`help_started`).
#[utoipa::path(post, path = "/api/v1/tasks/agency/help-started", operation_id = "record_help_started",
    request_body = HelpStarted,
    responses((status = 204, description = "Recorded"),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No such order or help task, or not yours (problem JSON)", body = Problem)))]
async fn help_started(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<HelpStarted>, JsonRejection>,
) -> ApiResult {
    domain::service::require(&me.actor, Permission::WorkOnPlan)?;
    let Json(body) = parsed?;
    // As the page: a person that does not read is an order that cannot be found (422).
    let Ok(person) = body.person.trim().parse::<PersonId>() else {
        let unknown = invalid(FieldError::new("order", "error.measures.unknown_measure"));
        return Err(refused(&context)(unknown));
    };
    let action = OrderAction::HelpStarted { order: body.order, task: body.task };
    let measures = state.for_person(person).await?;
    measures.measures().change_order(&me.actor, person, &action).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
