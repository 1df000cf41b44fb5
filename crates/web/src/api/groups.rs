//! The group approach in the JSON API, as `/groups` in the pages: the groups, forming one, one
//! group with the members the caller's agency may see (class, since when, plan progress) and
//! changing its membership (add, reclassify, remove with a reason). The same `Measures` use
//! cases as the pages, so the process manager's role check (refusals audited), need-to-know
//! per member and the audit of every member shown are theirs.

use super::problem::{ApiResult, Problem, refused};
use crate::AppState;
use crate::auth::Member;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::measures::service::GroupFile;
use domain::measures::{GroupAction, GroupInput, member_class_code};
use domain::plan::TaskStatus;
use domain::plan::service::plan_status_code;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/groups", get(list).post(form))
        .route("/v1/groups/{group}", get(show))
        .route("/v1/groups/{group}/changes", post(change))
}

#[derive(OpenApi)]
#[openapi(
    paths(list, form, show, change),
    components(schemas(GroupsDto, GroupLineDto, NewGroup, GroupApproachDto, GroupMemberDto, GroupChange))
)]
pub struct GroupsApiDoc;

/// A group in the list.
#[derive(Serialize, ToSchema)]
pub struct GroupLineDto {
    id: String,
    name: String,
    area: String,
    /// Current members (all of them, also those on teams your agency is not on).
    members: usize,
}

#[derive(Serialize, ToSchema)]
#[schema(example = json!({"groups": [{"id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "name": "Overvecht jongeren", "area": "Utrecht Overvecht", "members": 7}]}))]
pub struct GroupsDto {
    groups: Vec<GroupLineDto>,
}

/// A member of the group as your agency may see them.
#[derive(Serialize, ToSchema)]
pub struct GroupMemberDto {
    person_id: String,
    name: String,
    /// `core`, `follower` or `at_risk`.
    class: &'static str,
    /// `YYYY-MM-DD`.
    joined_on: String,
    /// The person's plan status (`draft`, `active`, …); `null` without a plan.
    plan_status: Option<&'static str>,
    tasks_done: usize,
    tasks_total: usize,
    tasks_overdue: usize,
}

/// One group with the members your agency may see.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"id": "0192f3a4-5b6c-7d8e-9f01-23456789abcd", "name": "Overvecht jongeren", "area": "Utrecht Overvecht", "version": 4, "members": [{"person_id": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "name": "Jan de Vries", "class": "core", "joined_on": "2026-10-01", "plan_status": "active", "tasks_done": 2, "tasks_total": 5, "tasks_overdue": 1}], "hidden": 2}))]
pub struct GroupApproachDto {
    id: String,
    name: String,
    area: String,
    version: i64,
    members: Vec<GroupMemberDto>,
    /// Current members on teams your agency is not on: counted, never named.
    hidden: usize,
}

fn group_dto(file: &GroupFile, today: jiff::civil::Date) -> GroupApproachDto {
    let group = &file.group.value;
    let members = file
        .members
        .iter()
        .map(|line| {
            let tasks: Vec<_> = line
                .plan
                .iter()
                .flat_map(|p| p.tasks.iter())
                .filter(|task| !matches!(task.status, TaskStatus::Cancelled { .. }))
                .collect();
            GroupMemberDto {
                person_id: line.member.person.to_string(),
                name: line.name.clone(),
                class: member_class_code(line.member.class),
                joined_on: line.member.joined_on.to_string(),
                plan_status: line.plan.as_ref().map(|p| plan_status_code(&p.status)),
                tasks_done: tasks.iter().filter(|task| task.status == TaskStatus::Done).count(),
                tasks_total: tasks.len(),
                tasks_overdue: tasks.iter().filter(|task| task.is_overdue(today)).count(),
            }
        })
        .collect();
    GroupApproachDto {
        id: group.id.to_string(),
        name: group.name.clone(),
        area: group.area.clone(),
        version: file.group.version,
        members,
        hidden: file.hidden,
    }
}

/// The groups (group approach), for a process manager.
#[utoipa::path(get, path = "/api/v1/groups", operation_id = "list_groups",
    responses((status = 200, description = "The groups with their number of current members", body = GroupsDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a role that manages plans sees the groups (problem JSON)", body = Problem)))]
async fn list(State(state): State<AppState>, Member(me, _): Member) -> ApiResult {
    let groups = state.measures().groups(&me.actor).await?;
    let groups = groups
        .into_iter()
        .map(|g| GroupLineDto {
            id: g.value.id.to_string(),
            members: g.value.current_members().count(),
            name: g.value.name,
            area: g.value.area,
        })
        .collect();
    Ok(Json(GroupsDto { groups }).into_response())
}

/// A group to form.
#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
#[schema(example = json!({"name": "Overvecht jongeren", "area": "Utrecht Overvecht"}))]
pub struct NewGroup {
    name: String,
    area: String,
}

/// Forms a group; you are its process manager.
#[utoipa::path(post, path = "/api/v1/groups", operation_id = "form_group", request_body = NewGroup,
    responses((status = 201, description = "Formed; the body is the group", body = GroupApproachDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a role that manages plans forms groups; the refusal is audited (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn form(
    State(state): State<AppState>,
    Member(me, context): Member,
    parsed: Result<Json<NewGroup>, JsonRejection>,
) -> ApiResult {
    let Json(body) = parsed?;
    let measures = state.measures();
    let input = GroupInput { name: body.name, area: body.area };
    let group = measures.form_group(&me.actor, &input).await.map_err(refused(&context))?;
    let file = measures.group(&me.actor, &group.id.to_string()).await?;
    Ok((StatusCode::CREATED, Json(group_dto(&file, measures.today()))).into_response())
}

/// One group with the members your agency may see (each audited) and their plans' progress.
#[utoipa::path(get, path = "/api/v1/groups/{group}", operation_id = "read_group",
    params(("group" = String, Path, description = "Group id")),
    responses((status = 200, description = "The group; members your agency may not see are only counted", body = GroupApproachDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Only a role that manages plans sees a group (problem JSON)", body = Problem),
        (status = 404, description = "No such group (problem JSON)", body = Problem)))]
async fn show(State(state): State<AppState>, Member(me, _): Member, Path(group): Path<String>) -> ApiResult {
    let measures = state.measures();
    let file = measures.group(&me.actor, &group).await?;
    Ok(Json(group_dto(&file, measures.today())).into_response())
}

/// A change to the group's membership, named by `action`.
#[derive(Deserialize, ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[schema(example = json!({"action": "remove", "person": "5b0e7c1a-3f2d-4e8b-9a41-0c6f2d8e7b13", "reason": "Moved to Amersfoort"}))]
pub enum GroupChange {
    /// Adds a person (whose team your agency is on) as `core`, `follower` or `at_risk`.
    Add { person: String, class: String },
    /// Puts a member in another class.
    Reclassify { person: String, class: String },
    /// Takes a member out, with the reason (the history keeps them).
    Remove { person: String, reason: String },
}

/// Changes the group's membership; the body is the group as it is now.
#[utoipa::path(post, path = "/api/v1/groups/{group}/changes", operation_id = "change_group",
    params(("group" = String, Path, description = "Group id")), request_body = GroupChange,
    responses((status = 200, description = "Changed; the body is the group", body = GroupApproachDto),
        (status = 401, description = "Not signed in (problem JSON)", body = Problem),
        (status = 403, description = "Not a role that manages plans, or not on the person's team; the refusal is audited (problem JSON)", body = Problem),
        (status = 404, description = "No such group (problem JSON)", body = Problem),
        (status = 422, description = "The input is not valid; the problem names each field (problem JSON)", body = Problem)))]
async fn change(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(group): Path<String>,
    parsed: Result<Json<GroupChange>, JsonRejection>,
) -> ApiResult {
    let Json(body) = parsed?;
    let action = match body {
        GroupChange::Add { person, class } => GroupAction::AddMember { person, class },
        GroupChange::Reclassify { person, class } => GroupAction::Reclassify { person, class },
        GroupChange::Remove { person, reason } => GroupAction::Remove { person, reason },
    };
    let measures = state.measures();
    measures.change_group(&me.actor, &group, &action).await.map_err(refused(&context))?;
    let file = measures.group(&me.actor, &group).await?;
    Ok(Json(group_dto(&file, measures.today())).into_response())
}
