//! Plan pages: the one shared plan per person (goals, tasks, notes, measures, history), its
//! printable version for the person, "my tasks", "my agency's tasks" and the weekly review.
//! Handlers parse the form into a `PlanAction`, call `Plans`, and go on or show the form again.

mod outcomes;
mod review;
mod tasks;
mod views;

use crate::AppState;
use crate::auth::{Member, RequestContext, SignedIn};
use crate::error::WebError;
use crate::forms::{ErrorList, Posted};
use crate::i18n::Texts;
use crate::lookup::{agency_name, member_choices};
use crate::page::{Page, after_post, ok};
use crate::people::PersonPath;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use domain::access::Permission;
use domain::ids::PersonId;
use domain::plan::service::{PlanAction, Seen, team_agencies};
use domain::service::ServiceResult;
use views::*;
pub(crate) use views::{plan_status_key, task_kind_key};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/people/{id}/plan", get(show).post(draft))
        .route("/people/{id}/plan/print", get(print))
        .route("/people/{id}/plan/goals", post(add_goal))
        .route("/people/{id}/plan/goal-agreement", post(goal_agreement))
        .route("/people/{id}/plan/goal-revision", post(revise_goal))
        .route("/people/{id}/plan/goal-withdrawal", post(withdraw_goal))
        .route("/people/{id}/plan/tasks", post(add_task))
        .route("/people/{id}/plan/task-status", post(task_status))
        .route("/people/{id}/plan/notes", post(add_note))
        .route("/people/{id}/plan/measures", post(link_measure))
        .route("/people/{id}/plan/activate", post(activate))
        .route("/people/{id}/plan/re-evaluation", post(re_evaluation))
        .route("/people/{id}/plan/review", post(record_review))
        .route("/tasks/mine", get(tasks::my_tasks))
        .route("/tasks/agency", get(tasks::agency_tasks))
        .route("/tasks/agency/help-started", post(tasks::help_started))
        .route("/reviews/weekly", get(review::weekly_review))
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    page: Page,
    id: PersonId,
    name: String,
    plan: Option<PlanView>,
    history: Vec<EventRow>,
    /// (value, label) choices for the forms.
    domains: Vec<(String, String)>,
    team: Vec<(String, String)>,
    members: Vec<(String, String)>,
    goals: Vec<(String, String)>,
    open_tasks: Vec<(String, String)>,
    can_manage: bool,
    can_work: bool,
    /// The member's roles refer (data: `referral_side_role`): a task offers "refer" and its
    /// referral's page; others see the referral's status only.
    can_refer: bool,
    /// Warnings of the person's exclusion orders, area bans and intensive episodes.
    warnings: Vec<String>,
    /// The exclusion orders, area bans and intensive episodes in force.
    in_force: Vec<String>,
    /// The catalogue key of the link to the person's measures page, naming what the person's
    /// pack has (no "exclusion orders" under a pack without them).
    measures_link: &'static str,
    /// (id, label) of the person's own measures in force not yet linked to the plan.
    held: Vec<(String, String)>,
    /// The latest case conference that discussed the person, as the viewer may see it.
    conference: Option<ConferenceOutcome>,
    /// The proven offences since the plan started, at the re-evaluation.
    outcomes: Option<outcomes::OutcomesView>,
    errors: ErrorList,
    posted: Posted,
}

/// What the latest case conference agreed, on the plan it feeds.
struct ConferenceOutcome {
    meeting: String,
    date: String,
    strategy: String,
    /// `None` when the analysis is restricted to other agencies.
    analysis: Option<String>,
}

async fn plan_page(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    errors: ErrorList,
    posted: Posted,
) -> Result<PlanPage, WebError> {
    let here = state.for_person(id).await?;
    let context = &here.context(context);
    let (file, linked) = here.plans().view_with_measures(&me.actor, id, "plan page").await?;
    let agencies = state.directory().agencies().await?;
    let all_members = state.directory().members().await?;
    let t = context.texts;
    let today = here.plans().today();
    let manages = me.actor.can(Permission::ManagePlan);
    let on_team = team_agencies(&file.team, today);
    let team: Vec<(String, String)> = on_team.iter().map(|a| (a.to_string(), agency_name(&agencies, *a))).collect();
    let members = member_choices(&all_members, &agencies, &on_team);
    let domains = here
        .beyond
        .screening
        .domains
        .iter()
        .map(|d| (d.key.to_string(), domain_label(here.beyond, d.key.as_str(), t)))
        .collect();
    let (plan, goals, open_tasks) = match &file.plan {
        Some(stored) => {
            let plan = &stored.plan;
            let goals = plan.goals.iter().map(|g| (g.id.to_string(), g.in_own_words.clone())).collect();
            let open = plan
                .tasks
                .iter()
                .filter(|task| task.status.is_outstanding())
                .map(|task| (task.id.to_string(), task.description.clone()))
                .collect();
            let mut view = plan_view(plan, here.beyond, &agencies, &all_members, me.actor.agency_id, manages, today, t);
            with_referrals(state, me, id, &mut view, t).await?;
            (Some(view), goals, open)
        }
        None => (None, Vec::new(), Vec::new()),
    };
    let name = file.person.display_name();
    let zone = here.zone;
    let measures = here.measures();
    let warnings = linked.warnings.iter().map(|w| crate::measures::warning_text(w, &agencies, t, zone)).collect();
    let order_rules = measures.exclusion_context().ok();
    let in_force = crate::measures::in_force_lines(&linked, order_rules.as_ref(), state.clock.now(), today, t);
    let linked_ids: Vec<uuid::Uuid> =
        file.plan.iter().flat_map(|s| s.plan.measures.iter().map(|m| m.obligation.0)).collect();
    let held = domain::measures::service::held_measures(&linked, id)
        .into_iter()
        .filter(|m| !linked_ids.contains(&m.id))
        .map(|m| {
            let kind = format!("plan.measure.{}", domain::plan::service::measure_kind_code(m.kind));
            (m.id.to_string(), format!("{}: {}", t.get(&kind), m.description))
        })
        .collect();
    let conference =
        state.conferences_for(&me.actor).await?.discussed(&me.actor, id).await?.into_iter().find_map(|d| {
            let minutes = d.minutes?;
            Some(ConferenceOutcome {
                meeting: d.meeting.to_string(),
                date: d.date.to_string(),
                strategy: t
                    .get(&crate::conference::strategy_key(domain::conference::strategy_code(minutes.strategy)))
                    .to_owned(),
                analysis: minutes.analysis,
            })
        });
    let outcomes = match &file.plan {
        Some(stored) => outcomes::outcomes(state, me, id, &stored.plan, today, t).await?,
        None => None,
    };
    Ok(PlanPage {
        outcomes,
        measures_link: measures_link_key(here.beyond),
        warnings,
        in_force,
        held,
        conference,
        page: Page::new(context, &t.fill("plan.title", &[("name", &name)])),
        id,
        name,
        plan,
        history: event_rows(&file.history, &agencies, t),
        domains,
        team,
        members,
        goals,
        open_tasks,
        can_manage: manages,
        can_work: me.actor.can(Permission::WorkOnPlan),
        can_refer: state.interventions_in(&state.config.time_zone).refers(&me.actor).await?,
        errors,
        posted,
    })
}

/// The words of the link to the measures page: the mayor's orders only where the pack has
/// them (the Dutch pack), area bans where only those exist (Daspo urbano in Italy), else
/// intensive case management and groups (an England and Wales IOM).
fn measures_link_key(pack: &domain::jurisdiction::BeyondPack) -> &'static str {
    match (&pack.exclusion_order, &pack.area_ban) {
        (Some(_), _) => "measures.plan_link",
        (None, Some(_)) => "measures.plan_link.bans",
        (None, None) => "measures.plan_link.episodes",
    }
}

/// Puts on each task the referral made for it with the referral's status now (read live from
/// the referral, so the plan shows what the provider last did). Someone who may see the plan
/// but not list the person's referrals sees the tasks without them.
async fn with_referrals(
    state: &AppState,
    me: &SignedIn,
    id: PersonId,
    view: &mut views::PlanView,
    t: Texts,
) -> Result<(), WebError> {
    let query = domain::interventions::ports::ReferralQuery {
        provider: None,
        referrer: None,
        person: Some(id),
        statuses: Vec::new(),
        limit: 500,
    };
    let zone = state.person_zone(id).await?;
    let referrals = match state.interventions_in(&zone.zone).list(&me.actor, query).await {
        Ok(found) => found,
        Err(domain::service::ServiceError::Forbidden(_)) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for row in &mut view.tasks {
        // Newest first: a task referred again shows its latest referral.
        let made = referrals.iter().map(|(r, _)| r).find(|r| r.task.is_some_and(|task| task.to_string() == row.id));
        if let Some(referral) = made {
            row.referral = referral.id.to_string();
            row.referral_status = t.get(&format!("referral.status.{}", referral.status.code())).to_string();
        }
    }
    Ok(())
}

async fn show(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    ok(&plan_page(&state, &me, &context, id, ErrorList::default(), Posted::default()).await?)
}

/// On to the plan after a change, or the plan again with what to fix.
async fn after_change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    result: ServiceResult<()>,
    posted: Posted,
) -> Result<Response, WebError> {
    let result = result.map(|()| format!("/people/{id}/plan"));
    after_post(result, context.texts, |errors| plan_page(state, me, context, id, errors, posted)).await
}

async fn draft(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let result = state.for_person(id).await?.plans().draft(&me.actor, id).await.map(drop);
    after_change(&state, &me, &context, id, result, Posted::default()).await
}

/// A change from one of the plan page's forms: `action` reads the form into a `PlanAction`.
/// Forms whose change depends on what they showed (a task's status, the plan's status) send
/// it back as `seen_status` / `seen_plan_status`: when someone changed it meanwhile, the page
/// comes back with a 409 saying what it is now, and with what the member typed.
async fn change(
    state: &AppState,
    me: &SignedIn,
    context: &RequestContext,
    id: PersonId,
    posted: Posted,
    action: impl FnOnce(&Posted) -> PlanAction,
) -> Result<Response, WebError> {
    let seen = Seen { task_status: posted.get("seen_status"), plan_status: posted.get("seen_plan_status") };
    let result =
        state.for_person(id).await?.plans().change_seen(&me.actor, id, &action(&posted), &seen).await.map(drop);
    after_change(state, me, context, id, result, posted).await
}

async fn add_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, goal_action).await
}

async fn goal_agreement(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, |p| PlanAction::GoalAgreement {
        goal: p.get("goal"),
        agreed_by_person: p.checked("agreed_by_person"),
    })
    .await
}

/// The refusal's fields renamed into the one goal's form they came from
/// (`goal_revision.<goal>.reason`): the page has a rewording and a withdrawal form per goal,
/// and the error summary must lead to the field of the right one.
fn in_goal_form(result: ServiceResult<()>, form: &str, goal: &str) -> ServiceResult<()> {
    result.map_err(|error| match error.field_errors() {
        Some(errors) => {
            let renamed = errors
                .0
                .into_iter()
                .map(|mut e| {
                    e.field = format!("{form}.{goal}.{}", e.field);
                    e
                })
                .collect();
            domain::service::ServiceError::Invalid(domain::validation::ValidationErrors(renamed))
        }
        None => error,
    })
}

/// The goal id as posted: only a uuid names a form on the page (anything else is refused by
/// the use case as an unknown goal, shown on the form's first field).
fn posted_goal(posted: &Posted) -> String {
    let goal = posted.get("goal");
    match uuid::Uuid::parse_str(goal.trim()) {
        Ok(id) => id.to_string(),
        Err(_) => "unknown".into(),
    }
}

/// `POST /people/{id}/plan/goal-revision`: the goal reworded with the person, with the reason.
async fn revise_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let goal = posted_goal(&posted);
    let action = PlanAction::ReviseGoal {
        goal: posted.get("goal"),
        domain: posted.get("domain"),
        in_own_words: posted.get("in_own_words"),
        agreed_by_person: posted.checked("agreed_by_person"),
        reason: posted.get("reason"),
    };
    let result = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map(drop);
    after_change(&state, &me, &context, id, in_goal_form(result, "goal_revision", &goal), posted).await
}

/// `POST /people/{id}/plan/goal-withdrawal`: the goal taken off the plan, with the reason;
/// refused, naming them, while outstanding tasks serve it.
async fn withdraw_goal(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let goal = posted_goal(&posted);
    let action = PlanAction::WithdrawGoal { goal: posted.get("goal"), reason: posted.get("reason") };
    let result = state.for_person(id).await?.plans().change(&me.actor, id, &action).await.map(drop);
    after_change(&state, &me, &context, id, in_goal_form(result, "goal_withdrawal", &goal), posted).await
}

async fn add_task(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, task_action).await
}

async fn task_status(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, |p| PlanAction::TaskStatus {
        task: p.get("task"),
        status: p.get("status"),
        reason: p.get("reason"),
    })
    .await
}

async fn add_note(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, |p| PlanAction::Note {
        task: p.get("task"),
        text: p.get("text"),
        restricted_to: p.all("restricted_to"),
    })
    .await
}

async fn link_measure(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    let held = posted.get("measure");
    if !held.is_empty() {
        let result = state.for_person(id).await?.plans().link_held_measure(&me.actor, id, &held).await.map(drop);
        return after_change(&state, &me, &context, id, result, posted).await;
    }
    change(&state, &me, &context, id, posted, |p| match p.get("end_measure") {
        measure if !measure.is_empty() => PlanAction::EndMeasure { measure },
        _ => PlanAction::LinkMeasure { kind: p.get("measure_kind"), description: p.get("measure_description") },
    })
    .await
}

async fn activate(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, |_| PlanAction::Activate).await
}

async fn re_evaluation(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, decision_action).await
}

/// The weekly review held on the plan: its outcome and a note, as a record of the plan.
async fn record_review(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
    posted: Posted,
) -> Result<Response, WebError> {
    change(&state, &me, &context, id, posted, |p| PlanAction::RecordReview {
        outcome: p.get("review_outcome"),
        note: p.get("review_note"),
    })
    .await
}

#[derive(Template)]
#[template(path = "plan_print.html")]
struct PrintPage {
    page: Page,
    name: String,
    plan: Option<PlanView>,
    today: String,
    /// The mentors' 24-hour helpline on call now (name, number), for a person with a mentor.
    helpline: Option<(String, String)>,
}

/// The plan in plain language for the person, to print (nl/en by the language switch).
async fn print(
    State(state): State<AppState>,
    Member(me, context): Member,
    PersonPath(id): PersonPath,
) -> Result<Response, WebError> {
    let here = state.for_person(id).await?;
    let context = here.context(&context);
    let file = here.plans().view(&me.actor, id, "plan: printable version").await?;
    let agencies = state.directory().agencies().await?;
    let members = state.directory().members().await?;
    let t = context.texts;
    let today = here.plans().today();
    let plan = file
        .plan
        .as_ref()
        .map(|s| plan_view(&s.plan, here.beyond, &agencies, &members, me.actor.agency_id, false, today, t));
    let name = file.person.display_name();
    let page = PrintPage {
        page: Page::new(&context, &t.fill("print.title", &[("name", &name)])),
        name,
        plan,
        today: today.to_string(),
        helpline: state.mentoring().helpline_for(id).await?.map(|s| (s.name, s.phone)),
    };
    ok(&page)
}
