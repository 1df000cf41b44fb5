//! The plan use cases over the ports: one shared plan per person, read and changed only by
//! agencies on the person's case team, every read and write audited against the person.
//!
//! The plan's team is the person's case team: before every change the plan's agencies are set
//! to the agencies now on the team, so "a task owned by an agency not on the team" is judged
//! against the live team. Each change is stored as a history row with the plan after it.

use super::{
    MeasureKind, Outcome, Plan, PlanCommand, PlanContext, PlanError, PlanStatus, TaskKind, TaskLine, TaskStatus,
    WeeklyReviewItem, agency_tasks, member_tasks, plan_view_for, weekly_review,
};
use crate::access::{Actor, Permission, TeamEntry, authorise};
use crate::audit::{AuditAction, AuditEntry};
use crate::beyond_pack::BeyondPack;
use crate::clock::Clock;
use crate::conference::Restriction;
use crate::ids::{AgencyId, MemberId, PersonId, new_v7};
use crate::ids_beyond::{AgencyRef, GoalId, MemberRef, ObligationRef, PersonRef, PlanId, TaskId};
use crate::people::Person;
use crate::ports::{AuditLog, DirectoryStore, PeopleStore, StoreError, StoreResult};
use crate::screening::DomainKey;
use crate::service::{ServiceError, ServiceResult, authorise_person, today_in};
use crate::validation::{FieldError, ValidationErrors};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::BTreeSet;
use std::future::Future;

/// A plan as stored: the plan now and its version (for lost-update checks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPlan {
    pub plan: Plan,
    pub version: i64,
}

/// One row of a plan's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEvent {
    pub plan: PlanId,
    pub person: PersonId,
    pub version: i64,
    /// "drafted" or the command's name, e.g. "add_task".
    pub kind: &'static str,
    pub at: Timestamp,
    pub on: Date,
    pub member: MemberId,
    pub agency: AgencyId,
    /// `None` for the draft.
    pub command: Option<PlanCommand>,
}

/// Whose tasks a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOwner {
    Agency(AgencyId),
    Member(MemberId),
}

pub trait PlanStore: Send + Sync {
    /// Saves a new plan (version 1) with its first history row and audit entry, atomically.
    fn create_plan(
        &self,
        plan: &Plan,
        event: &PlanEvent,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// Saves `plan` as version `event.version` if the stored version is still `event.version - 1`,
    /// with the history row and the audit entry, atomically; otherwise `StoreError::Conflict`.
    fn save_plan(
        &self,
        plan: &Plan,
        event: &PlanEvent,
        audit: &AuditEntry,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The person's latest plan.
    fn current_plan(&self, person: PersonId) -> impl Future<Output = StoreResult<Option<StoredPlan>>> + Send;
    /// The plan as it was at `at` (the last history row at or before it).
    fn plan_as_of(&self, plan: PlanId, at: Timestamp) -> impl Future<Output = StoreResult<Option<Plan>>> + Send;
    /// The plan's history, oldest first.
    fn plan_history(&self, plan: PlanId) -> impl Future<Output = StoreResult<Vec<PlanEvent>>> + Send;
    /// Plans that hold an outstanding task of `owner`.
    fn plans_with_tasks_of(&self, owner: TaskOwner) -> impl Future<Output = StoreResult<Vec<Plan>>> + Send;
    /// Plans that have not ended, of persons whose team `agency` is on today.
    fn open_plans_for_agency(
        &self,
        agency: AgencyId,
        today: Date,
    ) -> impl Future<Output = StoreResult<Vec<Plan>>> + Send;
}

pub fn agency_ref(id: AgencyId) -> AgencyRef {
    AgencyRef(*id.as_uuid())
}

pub fn agency_id(id: AgencyRef) -> AgencyId {
    AgencyId::from_uuid(id.0)
}

pub fn member_ref(id: MemberId) -> MemberRef {
    MemberRef(*id.as_uuid())
}

pub fn person_ref(id: PersonId) -> PersonRef {
    PersonRef(*id.as_uuid())
}

pub fn person_id(id: PersonRef) -> PersonId {
    PersonId::from_uuid(id.0)
}

/// The command's name in the history.
pub fn command_name(command: &PlanCommand) -> &'static str {
    match command {
        PlanCommand::AddAgency { .. } => "add_agency",
        PlanCommand::AddGoal { .. } => "add_goal",
        PlanCommand::RecordGoalAgreement { .. } => "record_goal_agreement",
        PlanCommand::AddTask { .. } => "add_task",
        PlanCommand::ChangeTaskStatus { .. } => "change_task_status",
        PlanCommand::AddNote { .. } => "add_note",
        PlanCommand::LinkMeasure { .. } => "link_measure",
        PlanCommand::EndMeasure { .. } => "end_measure",
        PlanCommand::Activate => "activate",
        PlanCommand::StartReEvaluation => "start_re_evaluation",
        PlanCommand::Continue { .. } => "continue",
        PlanCommand::Close { .. } => "close",
        PlanCommand::ReturnToCriminalJustice { .. } => "return_to_criminal_justice",
    }
}

/// The catalogue key and form field for a plan rule that refused a change.
pub fn plan_field_error(error: &PlanError) -> FieldError {
    match error {
        PlanError::EmptyTeam => FieldError::new("plan", "error.plan.empty_team"),
        PlanError::UnknownDomain(_) => FieldError::new("domain", "error.plan.unknown_domain"),
        PlanError::EmptyGoal => FieldError::new("in_own_words", "error.plan.empty_goal"),
        PlanError::EmptyTaskDescription => FieldError::new("description", "error.plan.empty_task"),
        PlanError::OwnerNotOnTeam(_) => FieldError::new("owner", "error.plan.owner_not_on_team"),
        PlanError::DueBeforePlanStart { started_on, .. } => {
            FieldError::new("due", "error.plan.due_before_start").with("started_on", started_on)
        }
        PlanError::UnknownGoal(_) => FieldError::new("goal", "error.plan.unknown_goal"),
        PlanError::UnknownTask(_) | PlanError::DuplicateTask(_) => FieldError::new("task", "error.plan.unknown_task"),
        PlanError::TaskFinished(_) => FieldError::new("status", "error.plan.task_finished"),
        PlanError::CancelNeedsReason => FieldError::new("reason", "error.plan.cancel_reason"),
        PlanError::EmptyNote => FieldError::new("text", "error.plan.empty_note"),
        PlanError::AuthorNotOnTeam(_) => FieldError::new("text", "error.plan.author_not_on_team"),
        PlanError::MeasureAlreadyLinked(_) | PlanError::UnknownMeasure(_) => {
            FieldError::new("measure", "error.plan.unknown_measure")
        }
        PlanError::NothingToActivate => FieldError::new("plan", "error.plan.nothing_to_activate"),
        PlanError::WrongStatus { .. } => FieldError::new("plan", "error.plan.wrong_status"),
        PlanError::ContinueNeedsReason => FieldError::new("reason", "error.plan.continue_reason"),
        PlanError::CloseNeedsWhy => FieldError::new("why", "error.plan.close_why"),
        PlanError::OpenMeasuresNeedReason { count } => {
            FieldError::new("open_measures_reason", "error.plan.open_measures").with("count", count)
        }
        PlanError::ReturnNeedsReason => FieldError::new("reason", "error.plan.return_reason"),
    }
}

fn invalid(error: FieldError) -> ServiceError {
    ServiceError::Invalid(ValidationErrors::single(error))
}

/// A change to the plan as typed into a form; parsed into a `PlanCommand` by the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanAction {
    AddGoal {
        domain: String,
        in_own_words: String,
        agreed_by_person: bool,
    },
    /// The person agrees (or withdraws agreement) with a goal after it was written down.
    GoalAgreement {
        goal: String,
        agreed_by_person: bool,
    },
    AddTask {
        description: String,
        kind: String,
        owner: String,
        owner_member: String,
        goal: String,
        due: String,
    },
    TaskStatus {
        task: String,
        status: String,
        reason: String,
    },
    Note {
        task: String,
        text: String,
    },
    LinkMeasure {
        kind: String,
        description: String,
    },
    EndMeasure {
        measure: String,
    },
    Activate,
    StartReEvaluation,
    Continue {
        reason: String,
    },
    Close {
        outcome: String,
        why: String,
        open_measures_reason: String,
    },
    ReturnToCriminalJustice {
        reason: String,
    },
}

impl PlanAction {
    /// What the actor's role must allow for this change.
    pub fn permission(&self) -> Permission {
        match self {
            PlanAction::TaskStatus { .. } | PlanAction::Note { .. } => Permission::WorkOnPlan,
            _ => Permission::ManagePlan,
        }
    }

    fn what(&self) -> &'static str {
        match self {
            PlanAction::AddGoal { .. } => "plan: add goal",
            PlanAction::GoalAgreement { .. } => "plan: goal agreement",
            PlanAction::AddTask { .. } => "plan: add task",
            PlanAction::TaskStatus { .. } => "plan: task status",
            PlanAction::Note { .. } => "plan: progress note",
            PlanAction::LinkMeasure { .. } => "plan: link measure",
            PlanAction::EndMeasure { .. } => "plan: end measure",
            PlanAction::Activate => "plan: activate",
            PlanAction::StartReEvaluation => "plan: start re-evaluation",
            PlanAction::Continue { .. } => "plan: continue",
            PlanAction::Close { .. } => "plan: close",
            PlanAction::ReturnToCriminalJustice { .. } => "plan: return to criminal justice",
        }
    }
}

/// The value, or `None` with the problem added to `errors`.
fn take<T>(errors: &mut ValidationErrors, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

fn parse_uuid<T: From<uuid::Uuid>>(field: &'static str, text: &str, key: &'static str) -> Result<T, FieldError> {
    uuid::Uuid::parse_str(text.trim()).map(T::from).map_err(|_| FieldError::new(field, key))
}

fn optional_uuid<T: From<uuid::Uuid>>(field: &'static str, text: &str) -> Result<Option<T>, FieldError> {
    if text.trim().is_empty() { Ok(None) } else { parse_uuid(field, text, "error.plan.unknown_choice").map(Some) }
}

pub fn parse_task_status(status: &str, reason: &str) -> Result<TaskStatus, FieldError> {
    match status.trim() {
        "open" => Ok(TaskStatus::Open),
        "in_progress" => Ok(TaskStatus::InProgress),
        "done" => Ok(TaskStatus::Done),
        "cancelled" => Ok(TaskStatus::Cancelled { reason: reason.trim().to_owned() }),
        _ => Err(FieldError::new("status", "error.plan.unknown_status")),
    }
}

pub fn task_status_code(status: &TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "open",
        TaskStatus::InProgress => "in_progress",
        TaskStatus::Done => "done",
        TaskStatus::Cancelled { .. } => "cancelled",
    }
}

pub fn plan_status_code(status: &PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "draft",
        PlanStatus::Active => "active",
        PlanStatus::UnderReEvaluation => "under_re_evaluation",
        PlanStatus::Continued { .. } => "continued",
        PlanStatus::Closed { .. } => "closed",
        PlanStatus::ReturnedToCriminalJustice { .. } => "returned",
    }
}

pub fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::GoalsMet => "goals_met",
        Outcome::GoalsPartlyMet => "goals_partly_met",
        Outcome::GoalsNotMet => "goals_not_met",
    }
}

pub fn measure_kind_code(kind: MeasureKind) -> &'static str {
    match kind {
        MeasureKind::Condition => "condition",
        MeasureKind::BehaviourOrder => "behaviour_order",
        MeasureKind::AreaBan => "area_ban",
        MeasureKind::ExclusionOrder => "exclusion_order",
    }
}

/// Everything the plan page shows.
#[derive(Debug, Clone)]
pub struct PlanFile {
    pub person: Person,
    pub team: Vec<TeamEntry>,
    /// As the actor's agency may see it (restricted tasks and notes removed).
    pub plan: Option<StoredPlan>,
    pub history: Vec<PlanEvent>,
}

/// One line of "my tasks" / "my agency's tasks", with the person's name.
#[derive(Debug, Clone)]
pub struct TaskListLine {
    pub line: TaskLine,
    pub person_name: String,
}

/// One plan on the weekly review list, with the person's name.
#[derive(Debug, Clone)]
pub struct ReviewLine {
    pub item: WeeklyReviewItem,
    pub person_name: String,
    pub plan: Plan,
}

pub struct Plans<'a, S> {
    pub store: &'a S,
    pub clock: &'a dyn Clock,
    pub time_zone: &'a TimeZone,
    pub pack: &'a BeyondPack,
}

const SAVE_ATTEMPTS: usize = 3;

impl<S: PeopleStore + AuditLog + DirectoryStore + PlanStore> Plans<'_, S> {
    pub fn today(&self) -> Date {
        today_in(self.clock, self.time_zone)
    }

    fn context(&self) -> PlanContext<'_> {
        PlanContext { rules: &self.pack.plan, screening: &self.pack.screening }
    }

    /// The person's plan as the actor's agency may see it, with its history; the read is audited.
    pub async fn view(&self, actor: &Actor, person: PersonId, what: &str) -> ServiceResult<PlanFile> {
        let now = self.clock.now();
        let found =
            authorise_person(self.store, actor, person, Permission::ViewPerson, what, now, self.today()).await?;
        self.store.append(&[AuditEntry::granted(actor, now, person, AuditAction::Read, what, &found.grant)]).await?;
        let stored = self.store.current_plan(person).await?;
        let history = match &stored {
            Some(s) => self.store.plan_history(s.plan.id).await?,
            None => Vec::new(),
        };
        let today = self.today();
        let plan = stored.and_then(|mut s| {
            // The plan's team is the person's team as it is today.
            s.plan.team = team_agencies(&found.team, today);
            let viewer = agency_ref(actor.agency_id);
            // Agencies that see the plan through a role rather than the team see it whole.
            let visible =
                if s.plan.team.contains(&viewer) { plan_view_for(&s.plan, viewer) } else { Some(s.plan.clone()) };
            visible.map(|plan| StoredPlan { plan, version: s.version })
        });
        Ok(PlanFile { person: found.person, team: found.team, plan, history })
    }

    /// Drafts the person's plan with the agencies now on the team. Refused while a plan is open.
    pub async fn draft(&self, actor: &Actor, person: PersonId) -> ServiceResult<Plan> {
        let now = self.clock.now();
        let today = self.today();
        let found =
            authorise_person(self.store, actor, person, Permission::ManagePlan, "plan: draft", now, today).await?;
        if let Some(existing) = self.store.current_plan(person).await?
            && !existing.plan.status.has_ended()
        {
            return Err(invalid(FieldError::new("plan", "error.plan.exists")));
        }
        let new = super::NewPlan {
            id: PlanId(new_v7(now)),
            person: person_ref(person),
            team: team_agencies(&found.team, today),
        };
        let plan = Plan::draft(new, today).map_err(|e| invalid(plan_field_error(&e)))?;
        let event = PlanEvent {
            plan: plan.id,
            person,
            version: 1,
            kind: "drafted",
            at: now,
            on: today,
            member: actor.member_id,
            agency: actor.agency_id,
            command: None,
        };
        let audit = AuditEntry::granted(actor, now, person, AuditAction::Create, "plan: draft", &found.grant);
        self.store.create_plan(&plan, &event, &audit).await?;
        Ok(plan)
    }

    /// Parses `action`, applies it to the person's open plan and saves the result with a
    /// history row; any refusal changes nothing.
    pub async fn change(&self, actor: &Actor, person: PersonId, action: &PlanAction) -> ServiceResult<Plan> {
        let what = action.what();
        let now = self.clock.now();
        let today = self.today();
        let found = authorise_person(self.store, actor, person, action.permission(), what, now, today).await?;
        for _ in 0..SAVE_ATTEMPTS {
            let Some(stored) = self.store.current_plan(person).await? else {
                return Err(invalid(FieldError::new("plan", "error.plan.none")));
            };
            let mut plan = stored.plan;
            if plan.status.has_ended() {
                return Err(invalid(FieldError::new("plan", "error.plan.none")));
            }
            plan.team = team_agencies(&found.team, today);
            let command = self.command(actor, &plan, action, now).await?;
            if let PlanCommand::ChangeTaskStatus { task, .. } = &command {
                self.check_task_owner(actor, &plan, *task)?;
            }
            let (changed, _effects) =
                plan.apply(command.clone(), &self.context(), today).map_err(|e| invalid(plan_field_error(&e)))?;
            let event = PlanEvent {
                plan: changed.id,
                person,
                version: stored.version + 1,
                kind: command_name(&command),
                at: now,
                on: today,
                member: actor.member_id,
                agency: actor.agency_id,
                command: Some(command),
            };
            let audit = AuditEntry::granted(actor, now, person, AuditAction::Update, what, &found.grant);
            match self.store.save_plan(&changed, &event, &audit).await {
                Ok(()) => return Ok(changed),
                // Someone else changed the plan meanwhile: apply the change to theirs.
                Err(StoreError::Conflict { .. }) => continue,
                Err(other) => return Err(other.into()),
            }
        }
        Err(ServiceError::Store(StoreError::Conflict { current: 0 }))
    }

    /// Only the owning agency (or someone who manages the plan) updates a task's status.
    fn check_task_owner(&self, actor: &Actor, plan: &Plan, task: TaskId) -> ServiceResult<()> {
        let Some(task) = plan.task(task) else { return Ok(()) };
        if task.owner == agency_ref(actor.agency_id) || actor.can(Permission::ManagePlan) {
            Ok(())
        } else {
            Err(invalid(FieldError::new("task", "error.plan.not_your_task")))
        }
    }

    async fn command(
        &self,
        actor: &Actor,
        plan: &Plan,
        action: &PlanAction,
        now: Timestamp,
    ) -> ServiceResult<PlanCommand> {
        let mut errors = ValidationErrors::default();
        let command = match action {
            PlanAction::AddGoal { domain, in_own_words, agreed_by_person } => Some(PlanCommand::AddGoal {
                goal: GoalId(new_v7(now)),
                domain: DomainKey::new(domain.trim()),
                in_own_words: in_own_words.clone(),
                agreed_by_person: *agreed_by_person,
            }),
            PlanAction::GoalAgreement { goal, agreed_by_person } => {
                take(&mut errors, parse_uuid("goal", goal, "error.plan.unknown_goal"))
                    .map(|goal| PlanCommand::RecordGoalAgreement { goal, agreed_by_person: *agreed_by_person })
            }
            PlanAction::AddTask { description, kind, owner, owner_member, goal, due } => {
                let kind = take(
                    &mut errors,
                    match kind.trim() {
                        "care" => Ok(TaskKind::Care),
                        "enforcement" => Ok(TaskKind::Enforcement),
                        _ => Err(FieldError::new("kind", "error.plan.unknown_kind")),
                    },
                );
                let owner: Option<AgencyRef> =
                    take(&mut errors, parse_uuid("owner", owner, "error.plan.owner_required"));
                let owner_member: Option<Option<MemberRef>> =
                    take(&mut errors, optional_uuid("owner_member", owner_member));
                let goal: Option<Option<GoalId>> = take(&mut errors, optional_uuid("goal", goal));
                let due = take(
                    &mut errors,
                    due.trim().parse::<Date>().map_err(|_| FieldError::new("due", "error.date.invalid")),
                );
                match (kind, owner, owner_member, goal, due) {
                    (Some(kind), Some(owner), Some(owner_member), Some(goal), Some(due)) => {
                        Some(PlanCommand::AddTask {
                            task: TaskId(new_v7(now)),
                            description: description.clone(),
                            kind,
                            owner,
                            owner_member,
                            goal,
                            due,
                            restriction: Restriction::Team,
                        })
                    }
                    _ => None,
                }
            }
            PlanAction::TaskStatus { task, status, reason } => {
                let task: Option<TaskId> = take(&mut errors, parse_uuid("task", task, "error.plan.unknown_task"));
                let status = take(&mut errors, parse_task_status(status, reason));
                task.zip(status).map(|(task, status)| PlanCommand::ChangeTaskStatus { task, status })
            }
            PlanAction::Note { task, text } => {
                take(&mut errors, optional_uuid("task", task)).map(|task| PlanCommand::AddNote {
                    task,
                    by: member_ref(actor.member_id),
                    agency: agency_ref(actor.agency_id),
                    text: text.clone(),
                    restriction: Restriction::Team,
                })
            }
            PlanAction::LinkMeasure { kind, description } => {
                let kind = take(
                    &mut errors,
                    match kind.trim() {
                        "condition" => Ok(MeasureKind::Condition),
                        "behaviour_order" => Ok(MeasureKind::BehaviourOrder),
                        "area_ban" => Ok(MeasureKind::AreaBan),
                        "exclusion_order" => Ok(MeasureKind::ExclusionOrder),
                        _ => Err(FieldError::new("measure_kind", "error.plan.unknown_kind")),
                    },
                );
                if description.trim().is_empty() {
                    errors.push(FieldError::new("measure_description", "error.required"));
                }
                kind.map(|kind| PlanCommand::LinkMeasure {
                    obligation: ObligationRef(new_v7(now)),
                    kind,
                    description: description.clone(),
                })
            }
            PlanAction::EndMeasure { measure } => {
                take(&mut errors, parse_uuid("measure", measure, "error.plan.unknown_measure"))
                    .map(|obligation| PlanCommand::EndMeasure { obligation })
            }
            PlanAction::Activate => Some(PlanCommand::Activate),
            PlanAction::StartReEvaluation => Some(PlanCommand::StartReEvaluation),
            PlanAction::Continue { reason } => Some(PlanCommand::Continue { reason: reason.clone() }),
            PlanAction::Close { outcome, why, open_measures_reason } => {
                let outcome = take(
                    &mut errors,
                    match outcome.trim() {
                        "goals_met" => Ok(Outcome::GoalsMet),
                        "goals_partly_met" => Ok(Outcome::GoalsPartlyMet),
                        "goals_not_met" => Ok(Outcome::GoalsNotMet),
                        _ => Err(FieldError::new("outcome", "error.plan.outcome_required")),
                    },
                );
                outcome.map(|outcome| PlanCommand::Close {
                    outcome,
                    why: why.clone(),
                    open_measures_reason: Some(open_measures_reason.clone()),
                })
            }
            PlanAction::ReturnToCriminalJustice { reason } => {
                Some(PlanCommand::ReturnToCriminalJustice { reason: reason.clone() })
            }
        };
        // A named member must belong to the agency that owns the task.
        if let Some(PlanCommand::AddTask { owner, owner_member: Some(member), .. }) = &command {
            let belongs = self
                .store
                .member(MemberId::from_uuid(member.0))
                .await?
                .is_some_and(|m| agency_ref(m.agency_id) == *owner);
            if !belongs {
                errors.push(FieldError::new("owner_member", "error.plan.member_not_of_owner"));
            }
        }
        let _ = plan;
        match command {
            Some(command) if errors.is_empty() => Ok(command),
            _ => Err(ServiceError::Invalid(errors)),
        }
    }

    /// "My tasks" (`TaskOwner::Member`) or "my agency's tasks": outstanding tasks, earliest due
    /// first, only for persons the actor may still see. Each listed person is audited.
    pub async fn tasks(&self, actor: &Actor, owner: TaskOwner) -> ServiceResult<Vec<TaskListLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(crate::access::Denial::RoleLacksPermission));
        }
        let today = self.today();
        let plans = self.store.plans_with_tasks_of(owner).await?;
        let lines = match owner {
            TaskOwner::Agency(agency) => agency_tasks(&plans, agency_ref(agency), today, &self.pack.plan),
            TaskOwner::Member(member) => member_tasks(&plans, member_ref(member), today, &self.pack.plan),
        };
        let what = match owner {
            TaskOwner::Agency(_) => "list: my agency's tasks",
            TaskOwner::Member(_) => "list: my tasks",
        };
        self.named(actor, lines, |l| l.person, what)
            .await
            .map(|named| named.into_iter().map(|(line, person_name)| TaskListLine { line, person_name }).collect())
    }

    /// The weekly review: running plans (and those under re-evaluation) of persons whose team
    /// the actor's agency is on, with what changed in the last seven days and overdue tasks.
    pub async fn weekly_review(&self, actor: &Actor) -> ServiceResult<Vec<ReviewLine>> {
        if !actor.can(Permission::ViewPerson) {
            return Err(ServiceError::Forbidden(crate::access::Denial::RoleLacksPermission));
        }
        let now = self.clock.now();
        let today = self.today();
        let week_ago = now.checked_sub(SignedDuration::from_hours(7 * 24)).unwrap_or(now);
        let plans = self.store.open_plans_for_agency(actor.agency_id, today).await?;
        let mut before = Vec::with_capacity(plans.len());
        for plan in &plans {
            before.push(self.store.plan_as_of(plan.id, week_ago).await?);
        }
        let items = weekly_review(before.iter().map(Option::as_ref).zip(plans.iter()), today, &self.pack.plan);
        let named = self.named(actor, items, |i| i.person, "list: weekly review").await?;
        Ok(named
            .into_iter()
            .filter_map(|(item, person_name)| {
                let plan = plans.iter().find(|p| p.id == item.plan)?.clone();
                Some(ReviewLine { item, person_name, plan })
            })
            .collect())
    }

    /// Keeps the entries whose person the actor may see today, with the person's name, and
    /// audits each listed person.
    async fn named<T>(
        &self,
        actor: &Actor,
        entries: Vec<T>,
        person_of: impl Fn(&T) -> PersonRef,
        what: &str,
    ) -> ServiceResult<Vec<(T, String)>> {
        let now = self.clock.now();
        let today = self.today();
        let mut out = Vec::new();
        let mut audit = Vec::new();
        let mut seen = BTreeSet::new();
        for entry in entries {
            let person = person_id(person_of(&entry));
            let team = self.store.team(person).await?;
            let Ok(grant) = authorise(actor, Permission::ViewPerson, &team, today) else { continue };
            let Some(found) = self.store.person(person).await? else { continue };
            if seen.insert(person) {
                audit.push(AuditEntry::granted(actor, now, person, AuditAction::Listed, what, &grant));
            }
            out.push((entry, found.display_name()));
        }
        self.store.append(&audit).await?;
        Ok(out)
    }
}

/// The agencies on the team today.
pub fn team_agencies(team: &[TeamEntry], today: Date) -> BTreeSet<AgencyRef> {
    team.iter().filter(|e| e.is_active(today)).map(|e| agency_ref(e.agency_id)).collect()
}
