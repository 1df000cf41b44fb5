//! Plan workflow: Draft → Active → UnderReEvaluation → Continued / Closed / ReturnedToCriminalJustice.
//!
//! Plans work in civil dates: the service turns the injected clock into "today" in the
//! jurisdiction's time zone, because due dates and the one-year re-evaluation are calendar days.

use crate::access::Restriction;
use crate::ids::{AgencyId, GoalId, MemberId, ObligationRef, PersonId, PlanId, ReferralId, TaskId};
use crate::jurisdiction::{DomainKey, PlanRules, ScreeningConfig};
use crate::plan::{
    Goal, MeasureKind, MeasureLink, Outcome, Plan, PlanStatus, ProgressNote, Review, ReviewOutcome, Task, TaskKind,
    TaskStatus, re_evaluation_date,
};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use thiserror::Error;

#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("a plan needs at least one agency on its team")]
    EmptyTeam,
    #[error("{0:?} is not a life domain of this jurisdiction")]
    UnknownDomain(DomainKey),
    #[error("write the goal in the person's own words")]
    EmptyGoal,
    #[error("write what the task is")]
    EmptyTaskDescription,
    #[error("this task belongs to an agency that is not on the person's team; add the agency to the team first")]
    OwnerNotOnTeam(AgencyId),
    #[error("the task is due on {due}, before the plan started on {started_on}; pick a later date")]
    DueBeforePlanStart { due: Date, started_on: Date },
    #[error("there is no such goal on this plan")]
    UnknownGoal(GoalId),
    #[error("there is no such task on this plan")]
    UnknownTask(TaskId),
    #[error("a task with this id is already on the plan")]
    DuplicateTask(TaskId),
    #[error("the task is already {0}; it can no longer change")]
    TaskFinished(&'static str),
    #[error("an entry can only be restricted to agencies on the person's team")]
    RestrictionOutsideTeam(AgencyId),
    #[error("a restricted entry must stay visible to the agency that owns or wrote it")]
    RestrictionExcludesOwner(AgencyId),
    #[error("say why the task is cancelled")]
    CancelNeedsReason,
    #[error("write the progress note")]
    EmptyNote,
    #[error("only agencies on the team can add notes to this plan")]
    AuthorNotOnTeam(AgencyId),
    #[error("this measure is already linked to the plan")]
    MeasureAlreadyLinked(ObligationRef),
    #[error("this measure is not linked to the plan")]
    UnknownMeasure(ObligationRef),
    #[error("add at least one goal and one task before activating the plan")]
    NothingToActivate,
    #[error("the plan is {current}; this step needs it to be {needed}")]
    WrongStatus { current: &'static str, needed: &'static str },
    #[error("give the reason for continuing the plan")]
    ContinueNeedsReason,
    #[error("say why the plan is closed with this outcome")]
    CloseNeedsWhy,
    #[error("{count} criminal-justice measure(s) are still open; give a reason for closing the plan anyway")]
    OpenMeasuresNeedReason { count: usize },
    #[error("say why the person returns to the regular criminal-justice route")]
    ReturnNeedsReason,
    #[error("say why the goal is changed or taken off the plan")]
    GoalChangeNeedsReason,
    /// The outstanding tasks serving the goal, in the plan's order: the refusal names them.
    #[error("{} outstanding task(s) serve this goal; finish or cancel them before taking it off the plan", tasks.len())]
    GoalHasOutstandingTasks { tasks: Vec<TaskId> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlan {
    pub id: PlanId,
    pub person: PersonId,
    pub team: BTreeSet<AgencyId>,
}

/// A change to a plan. Other capabilities put tasks on a plan with these commands (a closed
/// conference: `PlanCommand::from_meeting_effect` in `conference::workflow`; a cohort change:
/// `cohort::team_notice`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanCommand {
    AddAgency {
        agency: AgencyId,
    },
    AddGoal {
        goal: GoalId,
        domain: DomainKey,
        in_own_words: String,
        agreed_by_person: bool,
    },
    RecordGoalAgreement {
        goal: GoalId,
        agreed_by_person: bool,
    },
    /// The goal reworded (or moved to another life domain) with the person: a correction kept
    /// in the history with its reason, never a silent overwrite.
    ReviseGoal {
        goal: GoalId,
        domain: DomainKey,
        in_own_words: String,
        agreed_by_person: bool,
        reason: String,
    },
    /// The goal taken off the plan with its reason; refused while tasks serving it are
    /// outstanding. Finished tasks that served it stay, no longer linked to a goal.
    WithdrawGoal {
        goal: GoalId,
        reason: String,
    },
    AddTask {
        task: TaskId,
        description: String,
        kind: TaskKind,
        owner: AgencyId,
        owner_member: Option<MemberId>,
        goal: Option<GoalId>,
        due: Date,
        restriction: Restriction,
    },
    ChangeTaskStatus {
        task: TaskId,
        status: TaskStatus,
        /// The referral whose completion marked the task done, in the same write as the
        /// completion (`interventions::service`); `None` for a member's own change and for
        /// rows stored before this existed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by_referral: Option<ReferralId>,
    },
    AddNote {
        task: Option<TaskId>,
        by: MemberId,
        agency: AgencyId,
        text: String,
        restriction: Restriction,
    },
    LinkMeasure {
        obligation: ObligationRef,
        kind: MeasureKind,
        description: String,
    },
    EndMeasure {
        obligation: ObligationRef,
    },
    Activate,
    StartReEvaluation,
    Continue {
        reason: String,
    },
    Close {
        outcome: Outcome,
        why: String,
        open_measures_reason: Option<String>,
    },
    ReturnToCriminalJustice {
        reason: String,
    },
    /// The weekly review held on a running plan, by a member of an agency on its team.
    RecordReview {
        by: MemberId,
        agency: AgencyId,
        outcome: ReviewOutcome,
        note: String,
    },
}

/// What a [`PlanCommand`] does, without its data: the key of the plan's state table
/// ([`PlanStatus::allows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanCommandKind {
    AddAgency,
    AddGoal,
    RecordGoalAgreement,
    ReviseGoal,
    WithdrawGoal,
    AddTask,
    ChangeTaskStatus,
    AddNote,
    LinkMeasure,
    EndMeasure,
    Activate,
    StartReEvaluation,
    Continue,
    Close,
    ReturnToCriminalJustice,
    RecordReview,
}

/// The statuses every command needs, as the refusal names them.
const OPEN: &str = "open (draft, active, continued or under re-evaluation)";

impl PlanCommandKind {
    /// The statuses this command needs, as a refusal names them.
    fn needs(self) -> &'static str {
        match self {
            Self::Activate => "draft",
            Self::StartReEvaluation | Self::RecordReview => "active or continued",
            Self::Continue | Self::Close => "under re-evaluation",
            Self::ReturnToCriminalJustice => "active, continued or under re-evaluation",
            _ => OPEN,
        }
    }
}

impl PlanCommand {
    /// The existing task the command acts on, if any (a status change, a note on a task).
    pub fn task(&self) -> Option<TaskId> {
        match self {
            Self::ChangeTaskStatus { task, .. } => Some(*task),
            Self::AddNote { task, .. } => *task,
            _ => None,
        }
    }

    pub fn kind(&self) -> PlanCommandKind {
        use PlanCommandKind as K;
        match self {
            Self::AddAgency { .. } => K::AddAgency,
            Self::AddGoal { .. } => K::AddGoal,
            Self::RecordGoalAgreement { .. } => K::RecordGoalAgreement,
            Self::ReviseGoal { .. } => K::ReviseGoal,
            Self::WithdrawGoal { .. } => K::WithdrawGoal,
            Self::AddTask { .. } => K::AddTask,
            Self::ChangeTaskStatus { .. } => K::ChangeTaskStatus,
            Self::AddNote { .. } => K::AddNote,
            Self::LinkMeasure { .. } => K::LinkMeasure,
            Self::EndMeasure { .. } => K::EndMeasure,
            Self::Activate => K::Activate,
            Self::StartReEvaluation => K::StartReEvaluation,
            Self::Continue { .. } => K::Continue,
            Self::Close { .. } => K::Close,
            Self::ReturnToCriminalJustice { .. } => K::ReturnToCriminalJustice,
            Self::RecordReview { .. } => K::RecordReview,
        }
    }
}

impl PlanStatus {
    /// The plan's state table: which commands a plan in this status takes. An ended plan takes
    /// none; `Plan::apply` refuses what is not allowed, and pages ask it which forms to offer.
    pub fn allows(&self, command: PlanCommandKind) -> bool {
        use PlanCommandKind as K;
        !self.has_ended()
            && match command {
                K::Activate => *self == PlanStatus::Draft,
                K::StartReEvaluation | K::RecordReview => self.is_running(),
                K::Continue | K::Close => *self == PlanStatus::UnderReEvaluation,
                K::ReturnToCriminalJustice => self.is_running() || *self == PlanStatus::UnderReEvaluation,
                _ => true,
            }
    }
}

/// What a change means for the partners; the service writes each as an outbox event (who is
/// told follows from the plan: a task's owner, or the whole team).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PlanEffect {
    TaskAssigned {
        plan: PlanId,
        task: TaskId,
        owner: AgencyId,
        owner_member: Option<MemberId>,
    },
    /// An outstanding task ended with its plan.
    TaskCancelled {
        plan: PlanId,
        task: TaskId,
        owner: AgencyId,
    },
    Activated {
        plan: PlanId,
        re_evaluation_on: Date,
    },
    ReEvaluationStarted {
        plan: PlanId,
    },
    Continued {
        plan: PlanId,
        re_evaluation_on: Date,
    },
    Closed {
        plan: PlanId,
    },
    /// The plan ended and the prosecution picks the person up on the regular route.
    ReturnedToProsecution {
        plan: PlanId,
        person: PersonId,
        reason: String,
    },
}

/// What a plan needs from the jurisdiction pack.
#[derive(Debug, Clone, Copy)]
pub struct PlanContext<'a> {
    pub rules: &'a PlanRules,
    pub screening: &'a ScreeningConfig,
}

type Applied = Result<(Plan, Vec<PlanEffect>), PlanError>;

fn required_text(text: &str, error: PlanError) -> Result<String, PlanError> {
    let trimmed = text.trim();
    if trimmed.is_empty() { Err(error) } else { Ok(trimmed.to_owned()) }
}

impl Plan {
    pub fn draft(new: NewPlan, today: Date) -> Result<Plan, PlanError> {
        if new.team.is_empty() {
            return Err(PlanError::EmptyTeam);
        }
        Ok(Plan {
            id: new.id,
            person: new.person,
            team: new.team,
            started_on: today,
            activated_on: None,
            re_evaluation_on: None,
            status: PlanStatus::Draft,
            goals: Vec::new(),
            tasks: Vec::new(),
            notes: Vec::new(),
            measures: Vec::new(),
            last_review: None,
        })
    }

    fn wrong_status(&self, needed: &'static str) -> PlanError {
        PlanError::WrongStatus { current: self.status.name(), needed }
    }

    /// A restriction names only agencies on the team and keeps `owner` (who owns or wrote the
    /// entry) among them, so no entry becomes invisible to the agency responsible for it.
    fn check_restriction(&self, restriction: &Restriction, owner: AgencyId) -> Result<(), PlanError> {
        let Restriction::Agencies(allowed) = restriction else { return Ok(()) };
        if let Some(outside) = allowed.iter().find(|a| !self.team.contains(a)) {
            return Err(PlanError::RestrictionOutsideTeam(*outside));
        }
        if !allowed.contains(&owner) {
            return Err(PlanError::RestrictionExcludesOwner(owner));
        }
        Ok(())
    }

    /// Adds the task of a `PlanCommand::AddTask` (any other command is refused as the wrong
    /// command for this step), checked as `apply` checks it; for writers that hold no
    /// jurisdiction pack, such as a changed cohort telling the team.
    pub fn add_task(&mut self, command: PlanCommand) -> Result<PlanEffect, PlanError> {
        let PlanCommand::AddTask { task, description, kind, owner, owner_member, goal, due, restriction } = command
        else {
            return Err(PlanError::WrongStatus { current: self.status.name(), needed: "a task to add" });
        };
        if !self.status.allows(PlanCommandKind::AddTask) {
            return Err(self.wrong_status(OPEN));
        }
        let description = required_text(&description, PlanError::EmptyTaskDescription)?;
        if self.task(task).is_some() {
            return Err(PlanError::DuplicateTask(task));
        }
        if !self.team.contains(&owner) {
            return Err(PlanError::OwnerNotOnTeam(owner));
        }
        if due < self.started_on {
            return Err(PlanError::DueBeforePlanStart { due, started_on: self.started_on });
        }
        if let Some(goal) = goal.filter(|g| !self.goals.iter().any(|known| known.id == *g)) {
            return Err(PlanError::UnknownGoal(goal));
        }
        self.check_restriction(&restriction, owner)?;
        let status = TaskStatus::Open;
        self.tasks.push(Task { id: task, description, kind, owner, owner_member, goal, due, status, restriction });
        Ok(PlanEffect::TaskAssigned { plan: self.id, task, owner, owner_member })
    }

    /// Changes the status of an outstanding task (`PlanCommand::ChangeTaskStatus`; any other
    /// command is refused as the wrong one), checked as `apply` checks it; for writers that
    /// hold no jurisdiction pack, such as a referral whose completion marks its task done.
    pub fn change_task_status(&mut self, command: PlanCommand) -> Result<(), PlanError> {
        let PlanCommand::ChangeTaskStatus { task, status, .. } = command else {
            return Err(PlanError::WrongStatus { current: self.status.name(), needed: "a task status to change" });
        };
        if !self.status.allows(PlanCommandKind::ChangeTaskStatus) {
            return Err(self.wrong_status(OPEN));
        }
        if let TaskStatus::Cancelled { reason } = &status
            && reason.trim().is_empty()
        {
            return Err(PlanError::CancelNeedsReason);
        }
        let found = self.tasks.iter_mut().find(|t| t.id == task).ok_or(PlanError::UnknownTask(task))?;
        if !found.status.is_outstanding() {
            return Err(PlanError::TaskFinished(found.status.name()));
        }
        found.status = status;
        Ok(())
    }

    pub fn apply(mut self, command: PlanCommand, context: &PlanContext<'_>, today: Date) -> Applied {
        let kind = command.kind();
        if !self.status.allows(kind) {
            return Err(self.wrong_status(if self.status.has_ended() { OPEN } else { kind.needs() }));
        }
        let mut effects = Vec::new();
        match command {
            PlanCommand::AddAgency { agency } => {
                self.team.insert(agency);
            }
            PlanCommand::AddGoal { goal, domain, in_own_words, agreed_by_person } => {
                if context.screening.domain(domain.as_str()).is_none() {
                    return Err(PlanError::UnknownDomain(domain));
                }
                let in_own_words = required_text(&in_own_words, PlanError::EmptyGoal)?;
                self.goals.push(Goal { id: goal, domain, in_own_words, agreed_by_person });
            }
            PlanCommand::RecordGoalAgreement { goal, agreed_by_person } => {
                let found = self.goals.iter_mut().find(|g| g.id == goal).ok_or(PlanError::UnknownGoal(goal))?;
                found.agreed_by_person = agreed_by_person;
            }
            PlanCommand::ReviseGoal { goal, domain, in_own_words, agreed_by_person, reason } => {
                if context.screening.domain(domain.as_str()).is_none() {
                    return Err(PlanError::UnknownDomain(domain));
                }
                let in_own_words = required_text(&in_own_words, PlanError::EmptyGoal)?;
                required_text(&reason, PlanError::GoalChangeNeedsReason)?;
                let found = self.goals.iter_mut().find(|g| g.id == goal).ok_or(PlanError::UnknownGoal(goal))?;
                *found = Goal { id: goal, domain, in_own_words, agreed_by_person };
            }
            PlanCommand::WithdrawGoal { goal, reason } => {
                required_text(&reason, PlanError::GoalChangeNeedsReason)?;
                let at = self.goals.iter().position(|g| g.id == goal).ok_or(PlanError::UnknownGoal(goal))?;
                let outstanding: Vec<TaskId> = self
                    .tasks
                    .iter()
                    .filter(|t| t.goal == Some(goal) && t.status.is_outstanding())
                    .map(|t| t.id)
                    .collect();
                if !outstanding.is_empty() {
                    return Err(PlanError::GoalHasOutstandingTasks { tasks: outstanding });
                }
                self.goals.remove(at);
                for task in self.tasks.iter_mut().filter(|t| t.goal == Some(goal)) {
                    task.goal = None;
                }
            }
            add @ PlanCommand::AddTask { .. } => effects.push(self.add_task(add)?),
            change @ PlanCommand::ChangeTaskStatus { .. } => self.change_task_status(change)?,
            PlanCommand::AddNote { task, by, agency, text, restriction } => {
                let text = required_text(&text, PlanError::EmptyNote)?;
                if !self.team.contains(&agency) {
                    return Err(PlanError::AuthorNotOnTeam(agency));
                }
                if let Some(task) = task.filter(|t| self.task(*t).is_none()) {
                    return Err(PlanError::UnknownTask(task));
                }
                self.check_restriction(&restriction, agency)?;
                self.notes.push(ProgressNote { task, by, agency, on: today, text, restriction });
            }
            PlanCommand::RecordReview { by, agency, outcome, note } => {
                if !self.team.contains(&agency) {
                    return Err(PlanError::AuthorNotOnTeam(agency));
                }
                let note = note.trim().to_owned();
                self.last_review = Some(Review { on: today, by, agency, outcome, note });
            }
            PlanCommand::LinkMeasure { obligation, kind, description } => {
                if self.measures.iter().any(|m| m.obligation == obligation) {
                    return Err(PlanError::MeasureAlreadyLinked(obligation));
                }
                let description = description.trim().to_owned();
                self.measures.push(MeasureLink { obligation, kind, description, open: true });
            }
            PlanCommand::EndMeasure { obligation } => {
                let found = self
                    .measures
                    .iter_mut()
                    .find(|m| m.obligation == obligation)
                    .ok_or(PlanError::UnknownMeasure(obligation))?;
                found.open = false;
            }
            PlanCommand::Activate => {
                if self.goals.is_empty() || self.tasks.is_empty() {
                    return Err(PlanError::NothingToActivate);
                }
                let on = re_evaluation_date(today, context.rules);
                self.status = PlanStatus::Active;
                self.activated_on = Some(today);
                self.re_evaluation_on = Some(on);
                effects.push(PlanEffect::Activated { plan: self.id, re_evaluation_on: on });
            }
            PlanCommand::StartReEvaluation => {
                self.status = PlanStatus::UnderReEvaluation;
                effects.push(PlanEffect::ReEvaluationStarted { plan: self.id });
            }
            PlanCommand::Continue { reason } => {
                let reason = required_text(&reason, PlanError::ContinueNeedsReason)?;
                let on = re_evaluation_date(today, context.rules);
                self.status = PlanStatus::Continued { reason };
                self.re_evaluation_on = Some(on);
                effects.push(PlanEffect::Continued { plan: self.id, re_evaluation_on: on });
            }
            PlanCommand::Close { outcome, why, open_measures_reason } => {
                let why = required_text(&why, PlanError::CloseNeedsWhy)?;
                let open_measures = self.open_measures().len();
                let open_measures_reason = open_measures_reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty());
                if open_measures > 0 && open_measures_reason.is_none() {
                    return Err(PlanError::OpenMeasuresNeedReason { count: open_measures });
                }
                effects.extend(self.cancel_outstanding_tasks("plan closed"));
                self.status = PlanStatus::Closed { outcome, why, open_measures_reason };
                self.re_evaluation_on = None;
                effects.push(PlanEffect::Closed { plan: self.id });
            }
            PlanCommand::ReturnToCriminalJustice { reason } => {
                let reason = required_text(&reason, PlanError::ReturnNeedsReason)?;
                effects.extend(self.cancel_outstanding_tasks("returned to criminal justice"));
                effects.push(PlanEffect::ReturnedToProsecution {
                    plan: self.id,
                    person: self.person,
                    reason: reason.clone(),
                });
                self.status = PlanStatus::ReturnedToCriminalJustice { reason };
                self.re_evaluation_on = None;
            }
        }
        Ok((self, effects))
    }

    /// Outstanding tasks end with the plan so they stop appearing on "my tasks" lists.
    fn cancel_outstanding_tasks(&mut self, reason: &str) -> Vec<PlanEffect> {
        let plan = self.id;
        self.tasks
            .iter_mut()
            .filter(|t| t.status.is_outstanding())
            .map(|t| {
                t.status = TaskStatus::Cancelled { reason: reason.to_owned() };
                PlanEffect::TaskCancelled { plan, task: t.id, owner: t.owner }
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
