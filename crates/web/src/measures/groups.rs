//! Group approach pages: the list of groups with a form to form one, and one page per group
//! where the process manager sees every member's class and plan and the group's progress.

use super::picker::{PersonPicker, PickerSpec, is_search, person_picker};
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::page::{Page, after_post, ok};
use crate::plan::plan_status_key;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::Permission;
use domain::measures::{GroupAction, GroupInput, MEMBER_CLASSES, MemberClass, member_class_code};
use domain::plan::TaskStatus;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/groups", get(list).post(form_group))
        .route("/groups/{group}", get(show))
        .route("/groups/{group}/members", post(change_members))
}

struct GroupRow {
    id: String,
    name: String,
    area: String,
    members: usize,
}

#[derive(Template)]
#[template(path = "groups.html")]
struct GroupsPage {
    page: Page,
    groups: Vec<GroupRow>,
    errors: ErrorList,
    posted: Posted,
}

async fn groups_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    errors: ErrorList,
    posted: Posted,
) -> Result<GroupsPage, WebError> {
    let groups = state.measures().groups(&me.actor).await?;
    let groups = groups
        .into_iter()
        .map(|g| GroupRow {
            id: g.value.id.to_string(),
            members: g.value.current_members().count(),
            name: g.value.name,
            area: g.value.area,
        })
        .collect();
    Ok(GroupsPage { page: Page::new(context, context.texts.get("group.list_title")), groups, errors, posted })
}

async fn list(State(state): State<AppState>, Member(me, context): Member) -> Result<Response, WebError> {
    ok(&groups_page(&state, &me, &context, ErrorList::default(), Posted::default()).await?)
}

async fn form_group(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    let input = GroupInput { name: posted.get("name"), area: posted.get("area") };
    let result = state.measures().form_group(&me.actor, &input).await.map(|g| format!("/groups/{}", g.id));
    after_post(result, context.texts, |errors| groups_page(&state, &me, &context, errors, posted)).await
}

struct MemberRow {
    person_id: String,
    name: String,
    class: &'static str,
    class_key: String,
    joined_on: String,
    plan_status: &'static str,
    tasks_done: usize,
    tasks_total: usize,
    tasks_overdue: usize,
}

struct ClassRow {
    class: String,
    members: usize,
    with_plan: usize,
    plans: String,
    goals_met: usize,
    tasks_done: usize,
    tasks_total: usize,
    tasks_overdue: usize,
}

#[derive(Template)]
#[template(path = "group.html")]
struct GroupPage {
    page: Page,
    id: String,
    area: String,
    members: Vec<MemberRow>,
    classes: Vec<ClassRow>,
    class_choices: Vec<(String, String)>,
    hidden: usize,
    without_plan: usize,
    person_picker: PersonPicker,
    errors: ErrorList,
    posted: Posted,
}

/// The catalogue key of a plan status as the group progress names it.
fn status_key(name: &str) -> &'static str {
    match name {
        "draft" => "plan.status.draft",
        "active" => "plan.status.active",
        "under re-evaluation" => "plan.status.under_re_evaluation",
        "continued" => "plan.status.continued",
        "closed" => "plan.status.closed",
        _ => "plan.status.returned",
    }
}

async fn group_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: &str,
    errors: ErrorList,
    posted: Posted,
) -> Result<GroupPage, WebError> {
    let measures = state.measures();
    let file = measures.group(&me.actor, id).await?;
    let t = context.texts;
    let today = measures.today();
    let class_label = |class: MemberClass| t.get(&format!("group.class.{}", member_class_code(class))).to_string();
    let mut members: Vec<MemberRow> = file
        .members
        .iter()
        .map(|line| {
            let tasks: Vec<_> = line
                .plan
                .iter()
                .flat_map(|p| p.tasks.iter())
                .filter(|task| !matches!(task.status, TaskStatus::Cancelled { .. }))
                .collect();
            MemberRow {
                person_id: line.member.person.to_string(),
                name: line.name.clone(),
                class: member_class_code(line.member.class),
                class_key: class_label(line.member.class),
                joined_on: line.member.joined_on.to_string(),
                plan_status: line.plan.as_ref().map_or("group.no_plan", |p| plan_status_key(&p.status)),
                tasks_done: tasks.iter().filter(|task| task.status == TaskStatus::Done).count(),
                tasks_total: tasks.len(),
                tasks_overdue: tasks.iter().filter(|task| task.is_overdue(today)).count(),
            }
        })
        .collect();
    members.sort_by(|a, b| (a.class, &a.name).cmp(&(b.class, &b.name)));
    let classes = file
        .progress
        .by_class
        .iter()
        .map(|(class, p)| ClassRow {
            class: class_label(*class),
            members: p.members,
            with_plan: p.with_plan,
            plans: p
                .plans_by_status
                .iter()
                .map(|(status, n)| format!("{}: {n}", t.get(status_key(status))))
                .collect::<Vec<_>>()
                .join(", "),
            goals_met: p.goals_met,
            tasks_done: p.tasks_done,
            tasks_total: p.tasks_total,
            tasks_overdue: p.tasks_overdue,
        })
        .collect();
    let group = &file.group.value;
    let spec = PickerSpec { name: "person", key: "person", legend: "picker.group_member", multiple: false };
    let posted_here = (!posted.is_empty()).then_some(&posted);
    let person_picker = person_picker(state, me, t, spec, posted_here, &errors).await?;
    Ok(GroupPage {
        person_picker,
        page: Page::new(context, &t.fill("group.title", &[("name", &group.name)])),
        id: group.id.to_string(),
        area: group.area.clone(),
        members,
        classes,
        class_choices: MEMBER_CLASSES
            .iter()
            .map(|(code, _)| (code.to_string(), t.get(&format!("group.class.{code}")).to_string()))
            .collect(),
        hidden: file.hidden,
        without_plan: file.progress.without_plan.len(),
        errors,
        posted,
    })
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(group): Path<String>,
) -> Result<Response, WebError> {
    ok(&group_page(&state, &me, &context, &group, ErrorList::default(), Posted::default()).await?)
}

async fn change_members(
    State(state): State<AppState>,
    Member(me, context): Member,
    Path(group): Path<String>,
    posted: Posted,
) -> Result<Response, WebError> {
    if is_search(&posted) && me.actor.can(Permission::ManagePlan) {
        // The person picker's search: the form again with the candidates, nothing saved.
        return ok(&group_page(&state, &me, &context, &group, ErrorList::default(), posted).await?);
    }
    let person = posted.get("person");
    let action = match posted.get("form").as_str() {
        "reclassify" => GroupAction::Reclassify { person, class: posted.get("class") },
        "remove" => GroupAction::Remove { person, reason: posted.get("reason") },
        _ => GroupAction::AddMember { person, class: posted.get("class") },
    };
    let result = state.measures().change_group(&me.actor, &group, &action).await.map(|()| format!("/groups/{group}"));
    after_post(result, context.texts, |errors| group_page(&state, &me, &context, &group, errors, posted)).await
}
