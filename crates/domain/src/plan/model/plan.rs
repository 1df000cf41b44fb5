//! The one shared plan per person: its parts, as stored and shown.

use crate::access::Restriction;
use crate::ids::{AgencyId, GoalId, MemberId, ObligationRef, PersonId, PlanId, TaskId};
use crate::jurisdiction::DomainKey;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    GoalsMet,
    GoalsPartlyMet,
    GoalsNotMet,
}

/// What a weekly review of a running plan concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReviewOutcome {
    /// The plan goes on as agreed.
    OnTrack,
    /// Tasks or goals were changed at the review.
    Adjusted,
    /// The plan is stuck: the person goes on the next case conference's agenda.
    ToConference,
}

impl ReviewOutcome {
    pub const ALL: [ReviewOutcome; 3] = [Self::OnTrack, Self::Adjusted, Self::ToConference];

    pub fn code(self) -> &'static str {
        match self {
            Self::OnTrack => "on_track",
            Self::Adjusted => "adjusted",
            Self::ToConference => "to_conference",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == code.trim())
    }
}

/// A weekly review held on a plan: who held it (member and agency), on which day, and what it
/// concluded. Every review is a row of the plan's history; the plan keeps the latest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub on: Date,
    pub by: MemberId,
    pub agency: AgencyId,
    pub outcome: ReviewOutcome,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanStatus {
    Draft,
    Active,
    UnderReEvaluation,
    /// Re-evaluated and continued for another period.
    Continued {
        reason: String,
    },
    Closed {
        outcome: Outcome,
        why: String,
        /// Required when criminal-justice measures were still open at closing.
        open_measures_reason: Option<String>,
    },
    ReturnedToCriminalJustice {
        reason: String,
    },
}

impl PlanStatus {
    pub fn name(&self) -> &'static str {
        match self {
            PlanStatus::Draft => "draft",
            PlanStatus::Active => "active",
            PlanStatus::UnderReEvaluation => "under re-evaluation",
            PlanStatus::Continued { .. } => "continued",
            PlanStatus::Closed { .. } => "closed",
            PlanStatus::ReturnedToCriminalJustice { .. } => "returned to criminal justice",
        }
    }

    /// Active or continued: the plan is being carried out and reviewed weekly.
    pub fn is_running(&self) -> bool {
        matches!(self, PlanStatus::Active | PlanStatus::Continued { .. })
    }

    pub fn has_ended(&self) -> bool {
        matches!(self, PlanStatus::Closed { .. } | PlanStatus::ReturnedToCriminalJustice { .. })
    }
}

/// A goal in the person's own words; the plan is made with them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    pub domain: DomainKey,
    pub in_own_words: String,
    pub agreed_by_person: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskKind {
    Care,
    Enforcement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TaskStatus {
    Open,
    InProgress,
    Done,
    Cancelled { reason: String },
}

impl TaskStatus {
    pub fn name(&self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::InProgress => "in progress",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled { .. } => "cancelled",
        }
    }

    /// Open or in progress: still owed by its owner.
    pub fn is_outstanding(&self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub description: String,
    pub kind: TaskKind,
    pub owner: AgencyId,
    pub owner_member: Option<MemberId>,
    pub goal: Option<GoalId>,
    pub due: Date,
    pub status: TaskStatus,
    pub restriction: Restriction,
}

/// A dated progress note on the plan or on one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressNote {
    pub task: Option<TaskId>,
    pub by: MemberId,
    pub agency: AgencyId,
    pub on: Date,
    pub text: String,
    pub restriction: Restriction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeasureKind {
    /// A condition of a sentence, suspension or conditional release.
    Condition,
    BehaviourOrder,
    AreaBan,
    ExclusionOrder,
}

/// A link to a criminal-justice measure held by the case capability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureLink {
    pub obligation: ObligationRef,
    pub kind: MeasureKind,
    pub description: String,
    pub open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub person: PersonId,
    pub team: BTreeSet<AgencyId>,
    /// The day the plan was drafted; no task may be due before it.
    pub started_on: Date,
    pub activated_on: Option<Date>,
    pub re_evaluation_on: Option<Date>,
    pub status: PlanStatus,
    pub goals: Vec<Goal>,
    pub tasks: Vec<Task>,
    pub notes: Vec<ProgressNote>,
    pub measures: Vec<MeasureLink>,
    /// The latest weekly review (plans stored before reviews were records have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_review: Option<Review>,
}

impl Plan {
    pub fn task(&self, id: TaskId) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    pub fn open_measures(&self) -> Vec<&MeasureLink> {
        self.measures.iter().filter(|m| m.open).collect()
    }
}
