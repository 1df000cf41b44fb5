//! A change to the plan as typed into a form, its parsing into a `PlanCommand`, and the codes
//! and catalogue keys the pages and the store use for the plan's states.

use crate::access::{Actor, Permission, Restriction};
use crate::directory::DirectoryStore;
use crate::ids::{AgencyId, GoalId, MemberId, ObligationRef, TaskId, new_v7};
use crate::jurisdiction::DomainKey;
use crate::plan::{
    MeasureKind, Outcome, Plan, PlanCommand, PlanError, PlanStatus, ReviewOutcome, TaskKind, TaskStatus,
};
use crate::service::{ServiceError, ServiceResult};
use crate::validation::{FieldError, TextLimit, ValidationErrors, limited_text};
use jiff::Timestamp;

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
        PlanError::RestrictionOutsideTeam(_) => FieldError::new("restricted_to", "error.plan.restriction_outside_team"),
        PlanError::RestrictionExcludesOwner(_) => FieldError::new("restricted_to", "error.plan.restriction_owner"),
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
        PlanError::GoalChangeNeedsReason => FieldError::new("reason", "error.plan.goal_change_reason"),
        PlanError::GoalHasOutstandingTasks { tasks } => {
            FieldError::new("goal", goal_has_tasks_key(tasks.len(), 0)).with("count", tasks.len()).with("tasks", "")
        }
    }
}

/// The refusal to take a goal off the plan, naming the outstanding tasks that serve it as
/// `viewer` may see them: a task restricted to other agencies is counted, never described.
pub fn outstanding_tasks_error(plan: &Plan, tasks: &[TaskId], viewer: AgencyId) -> FieldError {
    let visible = super::visible_to(plan, viewer);
    let named: Vec<String> =
        tasks.iter().filter_map(|id| visible.task(*id)).map(|task| format!("“{}”", task.description)).collect();
    let hidden = tasks.len() - named.len();
    FieldError::new("goal", goal_has_tasks_key(tasks.len(), hidden))
        .with("count", tasks.len())
        .with("tasks", named.join(", "))
        .with("hidden", hidden)
}

/// The refusal's text for `count` outstanding tasks of which `hidden` are restricted to other
/// agencies: one task reads in the singular, and tasks the viewer may not see are only counted.
fn goal_has_tasks_key(count: usize, hidden: usize) -> &'static str {
    match (count, hidden) {
        (1, 0) => "error.plan.goal_has_tasks_one",
        (_, 0) => "error.plan.goal_has_tasks",
        (count, hidden) if hidden == count => "error.plan.goal_has_tasks_restricted",
        _ => "error.plan.goal_has_tasks_hidden",
    }
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
    /// The goal reworded with the person (a correction, with its reason).
    ReviseGoal {
        goal: String,
        domain: String,
        in_own_words: String,
        agreed_by_person: bool,
        reason: String,
    },
    /// The goal taken off the plan, with its reason.
    WithdrawGoal {
        goal: String,
        reason: String,
    },
    AddTask {
        description: String,
        kind: String,
        owner: String,
        owner_member: String,
        goal: String,
        due: String,
        /// Agency ids the task is restricted to; empty: the whole team sees it.
        restricted_to: Vec<String>,
    },
    TaskStatus {
        task: String,
        status: String,
        reason: String,
    },
    Note {
        task: String,
        text: String,
        /// Agency ids the note is restricted to; empty: the whole team sees it.
        restricted_to: Vec<String>,
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
    /// The weekly review held: what it concluded (a `ReviewOutcome` code) and a short note.
    RecordReview {
        outcome: String,
        note: String,
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

    pub(crate) fn what(&self) -> &'static str {
        match self {
            PlanAction::AddGoal { .. } => "plan: add goal",
            PlanAction::GoalAgreement { .. } => "plan: goal agreement",
            PlanAction::ReviseGoal { .. } => "plan: revise goal",
            PlanAction::WithdrawGoal { .. } => "plan: withdraw goal",
            PlanAction::AddTask { restricted_to, .. } if restricted_to.iter().any(|a| !a.trim().is_empty()) => {
                "plan: add task restricted to some agencies"
            }
            PlanAction::AddTask { .. } => "plan: add task",
            PlanAction::TaskStatus { .. } => "plan: task status",
            PlanAction::Note { restricted_to, .. } if restricted_to.iter().any(|a| !a.trim().is_empty()) => {
                "plan: progress note restricted to some agencies"
            }
            PlanAction::Note { .. } => "plan: progress note",
            PlanAction::LinkMeasure { .. } => "plan: link measure",
            PlanAction::EndMeasure { .. } => "plan: end measure",
            PlanAction::Activate => "plan: activate",
            PlanAction::StartReEvaluation => "plan: start re-evaluation",
            PlanAction::Continue { .. } => "plan: continue",
            PlanAction::Close { .. } => "plan: close",
            PlanAction::ReturnToCriminalJustice { .. } => "plan: return to criminal justice",
            PlanAction::RecordReview { .. } => "plan: weekly review held",
        }
    }
}

/// The most a goal's rewording or withdrawal reason may say: a few sentences for the plan's
/// history, short enough that the plan page's form (not the edge's guard) names it.
pub const GOAL_CHANGE_REASON_MAX_CHARS: usize = 1_000;

/// Why a goal is reworded or withdrawn: required, and at most
/// [`GOAL_CHANGE_REASON_MAX_CHARS`]; every problem is reported with the others.
fn goal_change_reason(errors: &mut ValidationErrors, reason: &str) -> String {
    if let Some(problem) = TextLimit::Text.check("reason", reason, GOAL_CHANGE_REASON_MAX_CHARS) {
        errors.push(problem);
    } else if reason.trim().is_empty() {
        errors.push(FieldError::new("reason", "error.plan.goal_change_reason"));
    }
    reason.to_string()
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

/// "Restricted to agencies X, Y" as ticked: no agency ticked means the whole team.
pub fn parse_restriction(agencies: &[String]) -> Result<Restriction, FieldError> {
    let chosen: Vec<&String> = agencies.iter().filter(|a| !a.trim().is_empty()).collect();
    if chosen.is_empty() {
        return Ok(Restriction::Team);
    }
    chosen
        .into_iter()
        .map(|a| parse_uuid::<AgencyId>("restricted_to", a, "error.plan.unknown_choice"))
        .collect::<Result<_, _>>()
        .map(Restriction::Agencies)
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

impl PlanAction {
    /// The plan command for this action, with new ids from `now`. Every problem is reported at
    /// once; a named member must belong to the agency that owns the task.
    pub async fn command(
        &self,
        store: &(impl DirectoryStore + ?Sized),
        actor: &Actor,
        now: Timestamp,
    ) -> ServiceResult<PlanCommand> {
        let mut errors = ValidationErrors::default();
        let command = match self {
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
            PlanAction::ReviseGoal { goal, domain, in_own_words, agreed_by_person, reason } => {
                let goal = take(&mut errors, parse_uuid("goal", goal, "error.plan.unknown_goal"));
                let in_own_words = limited_text(&mut errors, "in_own_words", in_own_words, TextLimit::Text);
                if in_own_words.trim().is_empty() {
                    errors.push(FieldError::new("in_own_words", "error.plan.empty_goal"));
                }
                let reason = goal_change_reason(&mut errors, reason);
                goal.map(|goal| PlanCommand::ReviseGoal {
                    goal,
                    domain: DomainKey::new(domain.trim()),
                    in_own_words,
                    agreed_by_person: *agreed_by_person,
                    reason,
                })
            }
            PlanAction::WithdrawGoal { goal, reason } => {
                let goal = take(&mut errors, parse_uuid("goal", goal, "error.plan.unknown_goal"));
                let reason = goal_change_reason(&mut errors, reason);
                goal.map(|goal| PlanCommand::WithdrawGoal { goal, reason })
            }
            PlanAction::AddTask { description, kind, owner, owner_member, goal, due, restricted_to } => {
                let kind = take(
                    &mut errors,
                    match kind.trim() {
                        "care" => Ok(TaskKind::Care),
                        "enforcement" => Ok(TaskKind::Enforcement),
                        _ => Err(FieldError::new("kind", "error.plan.unknown_kind")),
                    },
                );
                let owner: Option<AgencyId> =
                    take(&mut errors, parse_uuid("owner", owner, "error.plan.owner_required"));
                let owner_member: Option<Option<MemberId>> =
                    take(&mut errors, optional_uuid("owner_member", owner_member));
                let goal: Option<Option<GoalId>> = take(&mut errors, optional_uuid("goal", goal));
                let due = take(&mut errors, crate::validation::parse_date("due", due));
                let restriction = take(&mut errors, parse_restriction(restricted_to));
                match (kind, owner, owner_member, goal, due, restriction) {
                    (Some(kind), Some(owner), Some(owner_member), Some(goal), Some(due), Some(restriction)) => {
                        Some(PlanCommand::AddTask {
                            task: TaskId(new_v7(now)),
                            description: description.clone(),
                            kind,
                            owner,
                            owner_member,
                            goal,
                            due,
                            restriction,
                        })
                    }
                    _ => None,
                }
            }
            PlanAction::TaskStatus { task, status, reason } => {
                let task: Option<TaskId> = take(&mut errors, parse_uuid("task", task, "error.plan.unknown_task"));
                let status = take(&mut errors, parse_task_status(status, reason));
                task.zip(status).map(|(task, status)| PlanCommand::ChangeTaskStatus { task, status, by_referral: None })
            }
            PlanAction::Note { task, text, restricted_to } => {
                let task = take(&mut errors, optional_uuid("task", task));
                let restriction = take(&mut errors, parse_restriction(restricted_to));
                task.zip(restriction).map(|(task, restriction)| PlanCommand::AddNote {
                    task,
                    by: actor.member_id,
                    agency: actor.agency_id,
                    text: text.clone(),
                    restriction,
                })
            }
            PlanAction::LinkMeasure { kind, description } => {
                let kind = take(
                    &mut errors,
                    match kind.trim() {
                        "condition" => Ok(MeasureKind::Condition),
                        "behaviour_order" => Ok(MeasureKind::BehaviourOrder),
                        // Held in desist: linked by picking the person's own measure, never
                        // typed again as free text (`Plans::link_held_measure`).
                        "area_ban" | "exclusion_order" => {
                            Err(FieldError::new("measure_kind", "error.plan.measure_pick_held"))
                        }
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
            PlanAction::RecordReview { outcome, note } => {
                let outcome = ReviewOutcome::parse(outcome);
                if outcome.is_none() {
                    errors.push(FieldError::new("review_outcome", "error.plan.review_outcome_required"));
                }
                let note = limited_text(&mut errors, "review_note", note, TextLimit::Text);
                outcome.map(|outcome| PlanCommand::RecordReview {
                    by: actor.member_id,
                    agency: actor.agency_id,
                    outcome,
                    note,
                })
            }
        };
        // A named member must belong to the agency that owns the task.
        if let Some(PlanCommand::AddTask { owner, owner_member: Some(member), .. }) = &command {
            let belongs = store.member(MemberId::from_uuid(member.0)).await?.is_some_and(|m| m.agency_id == *owner);
            if !belongs {
                errors.push(FieldError::new("owner_member", "error.plan.member_not_of_owner"));
            }
        }
        match command {
            Some(command) if errors.is_empty() => Ok(command),
            _ => Err(ServiceError::Invalid(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::goal_has_tasks_key;

    #[test]
    fn one_task_reads_in_the_singular_and_tasks_all_restricted_are_only_counted() {
        assert_eq!(goal_has_tasks_key(1, 0), "error.plan.goal_has_tasks_one");
        assert_eq!(goal_has_tasks_key(3, 0), "error.plan.goal_has_tasks");
        assert_eq!(goal_has_tasks_key(2, 2), "error.plan.goal_has_tasks_restricted");
        assert_eq!(goal_has_tasks_key(1, 1), "error.plan.goal_has_tasks_restricted");
        assert_eq!(goal_has_tasks_key(3, 1), "error.plan.goal_has_tasks_hidden");
    }
}
