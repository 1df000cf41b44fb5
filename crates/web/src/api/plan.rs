//! The plan in the JSON API: a person's one shared plan, "my tasks" and "my agency's tasks",
//! adding a task, changing a task's status and adding a progress note. Every call goes through the domain's `Plans` use cases, so authorisation,
//! need-to-know (restricted entries) and the audit log are exactly those of the pages.

use super::problem::{ApiResult, Problem, refused, unprocessable};
use crate::AppState;
use crate::auth::Member;
use crate::error::WebError;
use crate::people::person_id;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::access::Restriction;
use domain::measures::ListedTask;
use domain::measures::service::TaskListLine;
use domain::plan::ports::TaskOwner;
use domain::plan::service::{PlanAction, Seen, plan_status_code, task_status_code};
use domain::plan::{Plan, ProgressNote, Task, TaskKind, TaskStatus, Urgency};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/people/{id}/plan", get(read_plan))
        .route("/v1/people/{id}/plan/tasks", post(create_task))
        .route("/v1/people/{id}/plan/tasks/{task}/status", post(change_status))
        .route("/v1/people/{id}/plan/notes", post(add_note))
        .route("/v1/tasks/mine", get(my_tasks))
        .route("/v1/tasks/agency", get(agency_tasks))
}

#[derive(OpenApi)]
#[openapi(
    paths(read_plan, create_task, change_status, add_note, my_tasks, agency_tasks),
    components(schemas(
        PlanFileDto,
        PlanDto,
        GoalDto,
        TaskDto,
        NoteDto,
        MeasureDto,
        TaskLineDto,
        HelpTaskDto,
        NewTask,
        StatusChange,
        NewNote
    ))
)]
pub struct PlanApiDoc;

/// Agency ids an entry is restricted to; empty when the whole team sees it.
fn restricted_to(restriction: &Restriction) -> Vec<String> {
    match restriction {
        Restriction::Team => Vec::new(),
        Restriction::Agencies(agencies) => agencies.iter().map(ToString::to_string).collect(),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "domain": "housing", "in_own_words": "A room of my own where I can sleep", "agreed_by_person": true}))]
pub struct GoalDto {
    pub(super) id: String,
    /// The life domain's key, e.g. `housing`.
    pub(super) domain: String,
    pub(super) in_own_words: String,
    pub(super) agreed_by_person: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "description": "Apply for debt counselling", "kind": "action", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "owner_member": null, "goal": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "due": "2026-12-14", "status": "open", "cancel_reason": null, "restricted_to": []}))]
pub struct TaskDto {
    id: String,
    description: String,
    /// `care` or `enforcement`.
    kind: &'static str,
    owner_agency: String,
    owner_member: Option<String>,
    goal: Option<String>,
    due: String,
    /// `open`, `in_progress`, `done` or `cancelled`.
    status: &'static str,
    cancel_reason: Option<String>,
    /// Agencies the task is restricted to; empty: the whole team sees it.
    restricted_to: Vec<String>,
}

pub(super) fn task_dto(task: &Task) -> TaskDto {
    TaskDto {
        id: task.id.to_string(),
        description: task.description.clone(),
        kind: match task.kind {
            TaskKind::Care => "care",
            TaskKind::Enforcement => "enforcement",
        },
        owner_agency: task.owner.to_string(),
        owner_member: task.owner_member.map(|m| m.to_string()),
        goal: task.goal.map(|g| g.to_string()),
        due: task.due.to_string(),
        status: task_status_code(&task.status),
        cancel_reason: match &task.status {
            TaskStatus::Cancelled { reason } => Some(reason.clone()),
            _ => None,
        },
        restricted_to: restricted_to(&task.restriction),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"task": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "by_member": "Sanne Bakker", "agency": "Politie Eenheid Utrecht", "on": "2026-12-07", "text": "Application form handed over", "restricted_to": []}))]
pub struct NoteDto {
    task: Option<String>,
    by_member: String,
    agency: String,
    on: String,
    text: String,
    /// Agencies the note is restricted to; empty: the whole team sees it.
    restricted_to: Vec<String>,
}

fn note_dto(note: &ProgressNote) -> NoteDto {
    NoteDto {
        task: note.task.map(|t| t.to_string()),
        by_member: note.by.to_string(),
        agency: note.agency.to_string(),
        on: note.on.to_string(),
        text: note.text.clone(),
        restricted_to: restricted_to(&note.restriction),
    }
}

#[derive(Serialize, ToSchema)]
pub struct MeasureDto {
    id: String,
    /// `condition`, `behaviour_order`, `area_ban` or `exclusion_order`.
    kind: &'static str,
    description: String,
    open: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "status": "draft", "version": 1, "started_on": "2026-12-07", "activated_on": null, "re_evaluation_on": null, "goals": [], "tasks": [], "notes": [], "measures": []}))]
pub struct PlanDto {
    id: String,
    /// `draft`, `active`, `under_re_evaluation`, `continued`, `closed` or `returned`.
    status: &'static str,
    version: i64,
    started_on: String,
    activated_on: Option<String>,
    re_evaluation_on: Option<String>,
    goals: Vec<GoalDto>,
    tasks: Vec<TaskDto>,
    notes: Vec<NoteDto>,
    measures: Vec<MeasureDto>,
}

pub(super) fn plan_dto(plan: &Plan, version: i64) -> PlanDto {
    PlanDto {
        id: plan.id.to_string(),
        status: plan_status_code(&plan.status),
        version,
        started_on: plan.started_on.to_string(),
        activated_on: plan.activated_on.map(|d| d.to_string()),
        re_evaluation_on: plan.re_evaluation_on.map(|d| d.to_string()),
        goals: plan
            .goals
            .iter()
            .map(|g| GoalDto {
                id: g.id.to_string(),
                domain: g.domain.to_string(),
                in_own_words: g.in_own_words.clone(),
                agreed_by_person: g.agreed_by_person,
            })
            .collect(),
        tasks: plan.tasks.iter().map(task_dto).collect(),
        notes: plan.notes.iter().map(note_dto).collect(),
        measures: plan
            .measures
            .iter()
            .map(|m| MeasureDto {
                id: m.obligation.to_string(),
                kind: domain::plan::service::measure_kind_code(m.kind),
                description: m.description.clone(),
                open: m.open,
            })
            .collect(),
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "plan": {"id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "status": "active", "version": 4, "started_on": "2026-12-01", "activated_on": "2026-12-03", "re_evaluation_on": "2027-03-03", "goals": [{"id": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "domain": "finances", "in_own_words": "Get my debts in order", "agreed_by_person": true}], "tasks": [{"id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "description": "Apply for debt counselling", "kind": "action", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "owner_member": null, "goal": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "due": "2026-12-14", "status": "open", "cancel_reason": null, "restricted_to": []}], "notes": [], "measures": []}}))]
pub struct PlanFileDto {
    person_id: String,
    person_name: String,
    /// `null` while the person has no plan. Entries restricted to other agencies are left out.
    plan: Option<PlanDto>,
}

/// The person's plan as your agency may see it (audited as a read).
#[utoipa::path(get, path = "/api/v1/people/{id}/plan", params(("id" = String, Path)),
    responses((status = 200, description = "The result", body = PlanFileDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 404, description = "No such record, or one this member may not see (problem JSON)", body = Problem)))]
async fn read_plan(State(state): State<AppState>, Member(me, _): Member, Path(id): Path<String>) -> ApiResult {
    let id = person_id(&id)?;
    let file = state.for_person(id).await?.plans().view(&me.actor, id, "api: plan").await?;
    Ok(Json(PlanFileDto {
        person_id: file.person.id.to_string(),
        person_name: file.person.display_name(),
        plan: file.plan.as_ref().map(|s| plan_dto(&s.plan, s.version)),
    })
    .into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"description": "Apply for debt counselling", "kind": "action", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "owner_member": "", "goal": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "due": "2026-12-14", "restricted_to": []}))]
pub struct NewTask {
    description: String,
    /// `care` or `enforcement`.
    kind: String,
    /// The agency that owns the task; it must be on the person's team.
    owner_agency: String,
    /// Optionally a member of that agency.
    owner_member: String,
    /// Optionally a goal of the plan.
    goal: String,
    /// `YYYY-MM-DD`, not before the plan started.
    due: String,
    /// Agencies (on the team, including the owner) the task is restricted to; empty: the whole team.
    restricted_to: Vec<String>,
}

/// Adds a task to the person's open plan; bad input is a 422 and changes nothing.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/tasks", params(("id" = String, Path)), request_body = NewTask,
    responses((status = 201, description = "Created; the body is the new record", body = TaskDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn create_task(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewTask>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let action = PlanAction::AddTask {
        description: new.description,
        kind: new.kind,
        owner: new.owner_agency,
        owner_member: new.owner_member,
        goal: new.goal,
        due: new.due,
        restricted_to: new.restricted_to,
    };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let task = plan.tasks.last().ok_or_else(|| WebError::internal("the saved plan has no tasks"))?;
    Ok((StatusCode::CREATED, Json(task_dto(task))).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"status": "done", "reason": "", "seen_status": "open"}))]
pub struct StatusChange {
    /// `open`, `in_progress`, `done` or `cancelled`.
    status: String,
    /// Required when cancelling.
    reason: String,
    /// Optionally the status you saw (`open`, `in_progress`, …): when someone changed it
    /// meanwhile the change is refused with a 409 saying what it is now, instead of
    /// overwriting theirs. Left out, the change applies to the task as it is.
    seen_status: String,
}

/// Changes a task's status: by the agency that owns the task, or someone who manages the plan.
/// With `seen_status`, a status someone else changed meanwhile is a 409 (nothing written).
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/tasks/{task}/status",
    params(("id" = String, Path), ("task" = String, Path)), request_body = StatusChange,
    responses((status = 200, description = "The result", body = TaskDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 409, description = "Changed by someone else meanwhile, or already recorded (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn change_status(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path((id, task)): Path<(String, String)>,
    parsed: Result<Json<StatusChange>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(change) = parsed?;
    let action = PlanAction::TaskStatus { task: task.clone(), status: change.status, reason: change.reason };
    let seen = Seen::task_status(change.seen_status);
    let plan = state
        .for_person(id)
        .await?
        .plans()
        .change_seen(&me.actor, id, &action, &seen)
        .await
        .map_err(refused(&context))?;
    let task = plan.tasks.iter().find(|t| t.id.to_string() == task.trim()).ok_or(WebError::NotFound)?;
    Ok(Json(task_dto(task)).into_response())
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"task": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "text": "Application form handed over", "restricted_to": []}))]
pub struct NewNote {
    /// Optionally the task the note is about.
    task: String,
    text: String,
    /// Agencies (on the team, including yours) the note is restricted to; empty: the whole team.
    restricted_to: Vec<String>,
}

/// Adds a dated progress note, written by you for your agency.
#[utoipa::path(post, path = "/api/v1/people/{id}/plan/notes", params(("id" = String, Path)), request_body = NewNote,
    responses((status = 201, description = "Created; the body is the new record", body = NoteDto), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn add_note(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(id): Path<String>,
    parsed: Result<Json<NewNote>, JsonRejection>,
) -> ApiResult {
    let id = person_id(&id)?;
    let Json(new) = parsed?;
    let action = PlanAction::Note { task: new.task, text: new.text, restricted_to: new.restricted_to };
    let plan = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map_err(refused(&context))?;
    let note = plan.notes.last().ok_or_else(|| WebError::internal("the saved plan has no notes"))?;
    Ok((StatusCode::CREATED, Json(note_dto(note))).into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "person_name": "Jan de Vries", "source": "plan", "plan_id": "3af2b4c6-1e3a-4c5d-9f9b-0a2c4d6e8f1b", "task": {"id": "d4f6b8c0-5e7a-4c9d-9f3b-4a6c8d0e2f5b", "description": "Apply for debt counselling", "kind": "action", "owner_agency": "b2d4f6a8-3c5e-4a7b-9d1f-2e4a6b8c0d3f", "owner_member": null, "goal": "29e1a3b5-0d2f-4b4c-8e8a-9f1b3c5d7e0a", "due": "2026-12-14", "status": "open", "cancel_reason": null, "restricted_to": []}, "exclusion_order_id": null, "help_task": null, "urgency": "this_week", "days": 7}))]
pub struct TaskLineDto {
    person_id: String,
    person_name: String,
    /// `plan_task`, or `help_task` for help an exclusion order requires to start in time.
    source: &'static str,
    /// The plan of a plan task.
    plan_id: Option<String>,
    /// A plan task.
    task: Option<TaskDto>,
    /// The exclusion order of a help task (kept on the excluded person's record).
    exclusion_order_id: Option<String>,
    /// A help task.
    help_task: Option<HelpTaskDto>,
    /// `overdue`, `due_soon` or `later`.
    urgency: &'static str,
    /// Days late when overdue, days left when due soon.
    days: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct HelpTaskDto {
    id: String,
    description: String,
    owner_agency: String,
    /// The person the help is for (the excluded person, a victim or a child).
    for_person: String,
    /// The order's deadline for the help to start (RFC 3339).
    due_at: String,
}

fn task_line_dto(line: TaskListLine) -> TaskLineDto {
    let (urgency, days) = match line.line.urgency() {
        Urgency::Overdue { days_late } => ("overdue", Some(days_late)),
        Urgency::DueSoon { days_left } => ("due_soon", Some(days_left)),
        Urgency::Later => ("later", None),
    };
    let (person_id, person_name) = (line.line.person().to_string(), line.person_name);
    match line.line {
        ListedTask::Plan(l) => TaskLineDto {
            person_id,
            person_name,
            source: "plan_task",
            plan_id: Some(l.plan.to_string()),
            task: Some(task_dto(&l.task)),
            exclusion_order_id: None,
            help_task: None,
            urgency,
            days,
        },
        ListedTask::Help(l) => TaskLineDto {
            person_id,
            person_name,
            source: "help_task",
            plan_id: None,
            task: None,
            exclusion_order_id: Some(l.order.to_string()),
            help_task: Some(HelpTaskDto {
                id: l.task.id.to_string(),
                description: l.task.description,
                owner_agency: l.task.owner.to_string(),
                for_person: l.task.for_person.to_string(),
                due_at: l.due_at.to_string(),
            }),
            urgency,
            days,
        },
    }
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct TaskFilter {
    /// `overdue` or `due_soon` to show only those; empty for every outstanding task.
    urgency: String,
    /// The page, from 1 (50 tasks each, before the urgency filter); a `Link` header with
    /// `rel="next"` says when another follows.
    page: Option<u32>,
}

async fn task_list(state: AppState, me: Member, owner: TaskOwner, filter: TaskFilter) -> ApiResult {
    let Member(me, _) = me;
    let wanted = |urgency: &Urgency| {
        matches!(
            (filter.urgency.as_str(), urgency),
            ("", _) | ("overdue", Urgency::Overdue { .. }) | ("due_soon", Urgency::DueSoon { .. })
        )
    };
    if !matches!(filter.urgency.as_str(), "" | "overdue" | "due_soon") {
        return Ok(unprocessable("urgency must be overdue, due_soon or left out"));
    }
    let page = match filter.page {
        None => 1,
        Some(page) if page >= 1 => page,
        Some(_) => {
            return Ok(unprocessable("page must be 1 or more"));
        }
    };
    let tasks = state.plans().tasks(&me.actor, owner, page).await?;
    let body: Vec<TaskLineDto> =
        tasks.lines.into_iter().filter(|l| wanted(&l.line.urgency())).map(task_line_dto).collect();
    let mut response = Json(body).into_response();
    if tasks.more {
        let path = match owner {
            TaskOwner::Member(_) => "/api/v1/tasks/mine",
            TaskOwner::Agency(_) => "/api/v1/tasks/agency",
        };
        let urgency = if filter.urgency.is_empty() { String::new() } else { format!("&urgency={}", filter.urgency) };
        let link = format!("<{path}?page={}{urgency}>; rel=\"next\"", tasks.page + 1);
        if let Ok(value) = axum::http::HeaderValue::from_str(&link) {
            response.headers_mut().insert(axum::http::header::LINK, value);
        }
    }
    Ok(response)
}

/// Outstanding tasks assigned to you personally, earliest due first (each person listed is audited).
#[utoipa::path(get, path = "/api/v1/tasks/mine", params(TaskFilter),
    responses((status = 200, description = "The result", body = [TaskLineDto]), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn my_tasks(State(state): State<AppState>, me: Member, Query(filter): Query<TaskFilter>) -> ApiResult {
    let owner = TaskOwner::Member(me.0.actor.member_id);
    task_list(state, me, owner, filter).await
}

/// Outstanding tasks owned by your agency, earliest due first: plan tasks and the help tasks of
/// exclusion orders in force that have not started (each person listed is audited).
#[utoipa::path(get, path = "/api/v1/tasks/agency", params(TaskFilter),
    responses((status = 200, description = "The result", body = [TaskLineDto]), (status = 403, description = "Not allowed for this member; the refusal is audited (problem JSON)", body = Problem), (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn agency_tasks(State(state): State<AppState>, me: Member, Query(filter): Query<TaskFilter>) -> ApiResult {
    let owner = TaskOwner::Agency(me.0.actor.agency_id);
    task_list(state, me, owner, filter).await
}
