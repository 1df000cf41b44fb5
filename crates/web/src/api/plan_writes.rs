//! Working the Safety House plan through the JSON API, as the plan page does: drafting the
//! plan, its goals and the person's agreement with them, activation, the one-year
//! re-evaluation (start it, then continue, close or return); the weekly review and "help
//! started" are in `plan_review`. Handlers parse the JSON
//! into the same `PlanAction`s the forms make and call the same use cases, so authorisation,
//! need-to-know, audit and the outbox are those of the pages. A decision on the plan may send
//! `seen_plan_status`: when someone decided meanwhile it is a 409 and nothing is written.

use super::plan::{GoalDto, PlanDto, plan_dto};
use super::problem::{ApiResult, Problem, refused, unprocessable};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{post, put};
use axum::{Json, Router};
use domain::plan::service::{PlanAction, Seen, outcome_code, plan_status_code};
use domain::plan::{Goal, Plan, PlanStatus};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/plan", post(draft_plan))
        .route("/v1/people/{id}/plan/goals", post(add_goal))
        .route("/v1/people/{id}/plan/goals/{goal}", put(revise_goal))
        .route("/v1/people/{id}/plan/goals/{goal}/agreement", post(goal_agreement))
        .route("/v1/people/{id}/plan/goals/{goal}/withdrawal", post(withdraw_goal))
        .route("/v1/people/{id}/plan/activation", post(activate_plan))
        .route("/v1/people/{id}/plan/re-evaluation", post(re_evaluate_plan))
        .route("/v1/people/{id}/plan/reviews", post(record_review))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        draft_plan,
        add_goal,
        revise_goal,
        goal_agreement,
        withdraw_goal,
        activate_plan,
        re_evaluate_plan,
        record_review
    ),
    components(schemas(
        NewGoal,
        GoalRevision,
        GoalWithdrawal,
        GoalAgreement,
        PlanDecision,
        ReEvaluation,
        PlanStatusDto,
        NewReview,
        HeldReviewDto
    ))
)]
pub struct PlanWritesApiDoc;

fn goal_dto(goal: &Goal) -> GoalDto {
    GoalDto {
        id: goal.id.to_string(),
        domain: goal.domain.to_string(),
        in_own_words: goal.in_own_words.clone(),
        agreed_by_person: goal.agreed_by_person,
    }
}

/// Drafts the person's one shared plan with the agencies now on the team (refused with a 422
/// while a plan is open).
#[utoipa::path(post, path = "/api/v1/people/{id}/plan", operation_id = "draft_plan", params(("id" = String, Path)),
    responses((status = 201, description = "Drafted; the body is the new plan (version 1)", body = PlanDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The person already has an open plan, or no team (problem JSON)", body = Problem)))]
async fn draft_plan(State(state): State<AppState>, Member(me, context): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let plan = state.for_person(id).await?.plans().draft(&me.actor, id).await.map_err(refused(&context))?;
    let location = format!("/api/v1/people/{id}/plan");
    Ok((StatusCode::CREATED, [("location", location)], Json(plan_dto(&plan, 1))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"domain": "housing", "in_own_words": "A place of my own by the summer", "agreed_by_person": true}))]
pub struct NewGoal {
    /// The life domain's key in the person's pack, e.g. `housing` (see the screening's domains).
    domain: String,
    /// The goal in the person's own words.
    in_own_words: String,
    /// The person agreed with the goal as written.
    agreed_by_person: bool,
}

/// Adds a goal to the person's open plan; bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/goals", operation_id = "add_plan_goal",
    params(("id" = String, Path)), request_body = NewGoal,
    responses((status = 201, description = "Added; the body is the new goal", body = GoalDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid, or no open plan; the problem names each field (problem JSON)", body = Problem)))]
async fn add_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewGoal>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let action = PlanAction::AddGoal {
        domain: new.domain,
        in_own_words: new.in_own_words,
        agreed_by_person: new.agreed_by_person,
    };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let goal = plan.goals.last().ok_or_else(|| WebError::internal("the saved plan has no goals"))?;
    Ok((StatusCode::CREATED, Json(goal_dto(goal))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"domain": "housing", "in_own_words": "A room of my own near my work", "agreed_by_person": true, "reason": "Found work in Nieuwegein; reworded with him at the review"}))]
pub struct GoalRevision {
    /// The life domain's key in the person's pack.
    domain: String,
    /// The goal in the person's own words, as it reads now.
    in_own_words: String,
    /// The person agreed with the goal as it reads now.
    agreed_by_person: bool,
    /// Why it changed (required: the history keeps it).
    reason: String,
}

/// Rewords a goal (or moves it to another life domain) with the person, with the reason; the
/// plan's history keeps what it said before.
#[utoipa::path(put, path = "/api/v1/people/{id}/plan/goals/{goal}", operation_id = "revise_plan_goal",
    params(("id" = String, Path), ("goal" = String, Path)), request_body = GoalRevision,
    responses((status = 200, description = "Revised; the body is the goal as it reads now", body = GoalDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No such goal on the open plan, or the input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn revise_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, goal)): Path<(String, String)>,
    parsed: Result<Json<GoalRevision>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let action = PlanAction::ReviseGoal {
        goal: goal.clone(),
        domain: body.domain,
        in_own_words: body.in_own_words,
        agreed_by_person: body.agreed_by_person,
        reason: body.reason,
    };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let wanted = goal.trim().to_lowercase();
    let goal = plan.goals.iter().find(|g| g.id.to_string() == wanted).ok_or(WebError::NotFound)?;
    Ok(Json(goal_dto(goal)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"reason": "Housed since March; the goal is met and he wants to focus on work"}))]
pub struct GoalWithdrawal {
    /// Why the goal comes off the plan (required: the history keeps it).
    reason: String,
}

/// Takes a goal off the plan with the reason; refused (422) while tasks serving it are
/// outstanding. Finished tasks that served it stay, without a goal.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/goals/{goal}/withdrawal", operation_id = "withdraw_plan_goal",
    params(("id" = String, Path), ("goal" = String, Path)), request_body = GoalWithdrawal,
    responses((status = 204, description = "Taken off the plan"),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No such goal, outstanding tasks serve it, or no reason (problem JSON)", body = Problem)))]
async fn withdraw_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, goal)): Path<(String, String)>,
    parsed: Result<Json<GoalWithdrawal>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let action = PlanAction::WithdrawGoal { goal, reason: body.reason };
    state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"agreed_by_person": true}))]
pub struct GoalAgreement {
    /// The person agrees with the goal (or withdraws their agreement: `false`).
    agreed_by_person: bool,
}

/// Records that the person agrees (or no longer agrees) with a goal of their plan.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/goals/{goal}/agreement", operation_id = "record_plan_goal_agreement",
    params(("id" = String, Path), ("goal" = String, Path)), request_body = GoalAgreement,
    responses((status = 200, description = "Recorded; the body is the goal", body = GoalDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No such goal on the open plan (problem JSON)", body = Problem)))]
async fn goal_agreement(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, goal)): Path<(String, String)>,
    parsed: Result<Json<GoalAgreement>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let action = PlanAction::GoalAgreement { goal: goal.clone(), agreed_by_person: body.agreed_by_person };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let wanted = goal.trim().to_lowercase();
    let goal = plan.goals.iter().find(|g| g.id.to_string() == wanted).ok_or(WebError::NotFound)?;
    Ok(Json(goal_dto(goal)).into_response())
}

/// The plan's state after a decision on it.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "status": "active", "started_on": "2026-11-02", "activated_on": "2026-12-07", "re_evaluation_on": "2027-12-07", "reason": null, "outcome": null}))]
pub struct PlanStatusDto {
    id: String,
    /// `draft`, `active`, `under_re_evaluation`, `continued`, `closed` or `returned`.
    status: &'static str,
    started_on: String,
    activated_on: Option<String>,
    /// When the plan is re-evaluated (a year after activation or continuation, by the pack).
    re_evaluation_on: Option<String>,
    /// Why it was continued, closed or returned to criminal justice.
    reason: Option<String>,
    /// When closed: `goals_met`, `goals_partly_met` or `goals_not_met`.
    outcome: Option<&'static str>,
}

fn status_dto(plan: &Plan) -> PlanStatusDto {
    let (reason, outcome) = match &plan.status {
        PlanStatus::Continued { reason } | PlanStatus::ReturnedToCriminalJustice { reason } => {
            (Some(reason.clone()), None)
        }
        PlanStatus::Closed { outcome, why, .. } => (Some(why.clone()), Some(outcome_code(*outcome))),
        _ => (None, None),
    };
    PlanStatusDto {
        id: plan.id.to_string(),
        status: plan_status_code(&plan.status),
        started_on: plan.started_on.to_string(),
        activated_on: plan.activated_on.map(|d| d.to_string()),
        re_evaluation_on: plan.re_evaluation_on.map(|d| d.to_string()),
        reason,
        outcome,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"seen_plan_status": "draft"}))]
pub struct PlanDecision {
    /// Optionally the plan's status you decided on (`draft`, `active`, …): when someone changed
    /// it meanwhile the decision is refused with a 409 saying what it is now. Left out, the
    /// decision applies to the plan as it is.
    seen_plan_status: String,
}

/// Activates the drafted plan (it needs a goal and a task); the re-evaluation date is set a
/// year (by the pack) from today.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/activation", operation_id = "activate_plan",
    params(("id" = String, Path)), request_body = PlanDecision,
    responses((status = 200, description = "Activated; the body is the plan's new state", body = PlanStatusDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 409, description = "The plan's status changed since `seen_plan_status` (problem JSON)", body = Problem),
        (status = 422, description = "Nothing to activate, or not a draft (problem JSON)", body = Problem)))]
async fn activate_plan(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<PlanDecision>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let seen = Seen::plan_status(body.seen_plan_status);
    let plans = state.for_person(id).await?;
    let plan =
        plans.plans().change_seen(&me.actor, id, &PlanAction::Activate, &seen).await.map_err(refused(&context))?;
    Ok(Json(status_dto(&plan)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"decision": "close", "outcome": "goals_met", "why": "Housed, working, no new offences in a year", "reason": "", "open_measures_reason": "", "seen_plan_status": "under_re_evaluation"}))]
pub struct ReEvaluation {
    /// `start` (the plan goes under re-evaluation; also when left out), then `continue` (with `reason`), `close`
    /// (with `outcome` and `why`; `open_measures_reason` while criminal-justice measures are
    /// still open) or `return` (to criminal justice, with `reason`).
    decision: String,
    reason: String,
    /// `goals_met`, `goals_partly_met` or `goals_not_met`.
    outcome: String,
    why: String,
    open_measures_reason: String,
    /// Optionally the plan's status you decided on: a 409 when it changed meanwhile.
    seen_plan_status: String,
}

/// The one-year re-evaluation: start it, then continue the plan for another period, close it
/// with its outcome, or return the person to criminal justice.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/re-evaluation", operation_id = "re_evaluate_plan",
    params(("id" = String, Path)), request_body = ReEvaluation,
    responses((status = 200, description = "Decided; the body is the plan's new state", body = PlanStatusDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 409, description = "The plan's status changed since `seen_plan_status` (problem JSON)", body = Problem),
        (status = 422, description = "Not allowed in the plan's status, or a reason is missing; the problem names each field (problem JSON)", body = Problem)))]
async fn re_evaluate_plan(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<ReEvaluation>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let action = match body.decision.trim() {
        // As the page: no decision starts the re-evaluation.
        "" | "start" => PlanAction::StartReEvaluation,
        "continue" => PlanAction::Continue { reason: body.reason },
        "close" => {
            PlanAction::Close { outcome: body.outcome, why: body.why, open_measures_reason: body.open_measures_reason }
        }
        "return" => PlanAction::ReturnToCriminalJustice { reason: body.reason },
        _ => return Ok(unprocessable("decision must be start, continue, close or return")),
    };
    let seen = Seen::plan_status(body.seen_plan_status);
    let plans = state.for_person(id).await?;
    let plan = plans.plans().change_seen(&me.actor, id, &action, &seen).await.map_err(refused(&context))?;
    Ok(Json(status_dto(&plan)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"outcome": "adjusted", "note": "Housing task moved a week; probation calls the landlord"}))]
pub struct NewReview {
    /// What this week's review concluded: `on_track`, `adjusted` (tasks or goals changed) or
    /// `to_conference` (stuck: on the next case conference's agenda).
    outcome: String,
    /// A short note (optional).
    note: String,
}

/// A weekly review held on a plan, as recorded (not the weekly review's page, `ReviewDto`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"on": "2026-12-07", "by": "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b", "agency": "0193a1b2-1111-7e4f-8a5b-6c7d8e9f0a1b", "outcome": "adjusted", "note": "Housing task moved a week; probation calls the landlord"}))]
pub struct HeldReviewDto {
    /// The day it was held (the deployment's date).
    on: String,
    /// The member who recorded it, and their agency.
    by: String,
    agency: String,
    outcome: String,
    note: String,
}

/// Records this week's review of the person's running plan (active or continued): who held it,
/// when and what it concluded, kept in the plan's history; the public value report counts the
/// weeks with a review.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/reviews", operation_id = "record_plan_review",
    params(("id" = String, Path)), request_body = NewReview,
    responses((status = 201, description = "Recorded; the body is the review", body = HeldReviewDto),
        (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such person, or one this member may not see (problem JSON)", body = Problem),
        (status = 422, description = "No running plan, or the outcome is missing or unknown; the problem names each field (problem JSON)", body = Problem)))]
async fn record_review(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewReview>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(body) = parsed?;
    let action = PlanAction::RecordReview { outcome: body.outcome, note: body.note };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let review = plan.last_review.ok_or_else(|| WebError::internal("a recorded review is kept on the plan"))?;
    let dto = HeldReviewDto {
        on: review.on.to_string(),
        by: review.by.to_string(),
        agency: review.agency.to_string(),
        outcome: review.outcome.code().into(),
        note: review.note,
    };
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}
