//! "My tasks" and "my agency's tasks": every plan task and exclusion-order help owned by the
//! member or their agency, across persons, with what is overdue first.

use super::review::PageQuery;
use super::views::urgency_text;
use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::lookup::agency_name;
use crate::page::{Page, after_post, local_time, ok};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use domain::access::Permission;
use domain::directory::Agency;
use domain::ids::PersonId;
use domain::measures::service::TaskListLine;
use domain::measures::{ListedTask, OrderAction};
use domain::plan::ports::TaskOwner;
use domain::validation::{FieldError, invalid};
use jiff::tz::TimeZone;

struct TaskListRow {
    person: String,
    /// The plan, or the exclusion order on the person's measures page.
    href: String,
    description: String,
    /// The task itself: its row on the plan or on the order's help list.
    task_href: String,
    /// What the task belongs to when it is not a plan task (an exclusion order's help).
    source: String,
    owner: String,
    due: String,
    overdue: bool,
    urgency: String,
    /// (person, order, task) of a help task that can be marked started from the list.
    start_help: Option<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    page: Page,
    /// Where the list lives (`/tasks/mine` or `/tasks/agency`), for the pager's links.
    path: &'static str,
    /// Links to the previous and next page, when there are.
    previous: Option<u32>,
    next: Option<u32>,
    rows: Vec<TaskListRow>,
    overdue_count: usize,
    mine: bool,
    errors: ErrorList,
}

fn task_row(line: TaskListLine, agencies: &[Agency], can_work: bool, t: Texts, zone: &TimeZone) -> TaskListRow {
    let (overdue, urgency) = urgency_text(line.line.urgency(), t);
    match line.line {
        ListedTask::Plan(l) => TaskListRow {
            href: format!("/people/{}/plan", l.person),
            task_href: format!("/people/{}/plan#task-{}", l.person, l.task.id),
            person: line.person_name,
            description: l.task.description,
            source: String::new(),
            owner: agency_name(agencies, l.task.owner),
            due: l.task.due.to_string(),
            overdue,
            urgency,
            start_help: None,
        },
        ListedTask::Help(l) => TaskListRow {
            href: format!("/people/{}/measures#order-{}", l.person, l.order),
            task_href: format!("/people/{}/measures#help-{}", l.person, l.task.id),
            person: line.person_name,
            description: l.task.description,
            source: t.get("tasks.help_source").to_string(),
            owner: agency_name(agencies, l.task.owner),
            due: local_time(l.due_at, zone),
            overdue,
            urgency,
            start_help: can_work.then(|| (l.person.to_string(), l.order.to_string(), l.task.id.to_string())),
        },
    }
}

async fn task_list_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    mine: bool,
    page: u32,
    errors: ErrorList,
) -> Result<TasksPage, WebError> {
    let owner = if mine { TaskOwner::Member(me.actor.member_id) } else { TaskOwner::Agency(me.actor.agency_id) };
    let tasks = state.plans().tasks(&me.actor, owner, page).await?;
    let agencies = state.directory().agencies().await?;
    let t = context.texts;
    let can_work = me.actor.can(Permission::WorkOnPlan);
    // Each help task is due in its person's own time zone (see `zones_of`).
    let persons: Vec<PersonId> = tasks.lines.iter().map(|l| l.line.person()).collect();
    let zones = state.zones_of(&persons).await?;
    let rows: Vec<TaskListRow> = tasks
        .lines
        .into_iter()
        .map(|l| {
            let zone = zones.get(&l.line.person()).unwrap_or(&state.config.time_zone).clone();
            task_row(l, &agencies, can_work, t, &zone)
        })
        .collect();
    let title = if mine { t.get("tasks.mine") } else { t.get("tasks.agency") };
    Ok(TasksPage {
        page: Page::new(context, title),
        path: if mine { "/tasks/mine" } else { "/tasks/agency" },
        previous: (tasks.page > 1).then(|| tasks.page - 1),
        next: tasks.more.then_some(tasks.page + 1),
        overdue_count: rows.iter().filter(|r| r.overdue).count(),
        rows,
        mine,
        errors,
    })
}

pub(super) async fn my_tasks(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    ok(&task_list_page(&state, &me, &context, true, query.number()?, ErrorList::default()).await?)
}

pub(super) async fn agency_tasks(
    State(state): State<AppState>,
    Member(me, context): Member,
    Query(query): Query<PageQuery>,
) -> Result<Response, WebError> {
    ok(&task_list_page(&state, &me, &context, false, query.number()?, ErrorList::default()).await?)
}

/// Records from "my agency's tasks" that an exclusion order's help has started, through the
/// same use case (authorisation, audit) as on the order's page; back to the list.
pub(super) async fn help_started(
    State(state): State<AppState>,
    Member(me, context): Member,
    posted: Posted,
) -> Result<Response, WebError> {
    domain::service::require(&me.actor, Permission::WorkOnPlan)?;
    let action = OrderAction::HelpStarted { order: posted.get("order"), task: posted.get("task") };
    let result = match posted.get("person").trim().parse::<PersonId>() {
        Ok(person) => state.measures().change_order(&me.actor, person, &action).await,
        Err(_) => Err(invalid(FieldError::new("order", "error.measures.unknown_measure"))),
    };
    let result = result.map(|()| "/tasks/agency".to_string());
    after_post(result, context.texts, |errors| task_list_page(&state, &me, &context, false, 1, errors)).await
}
