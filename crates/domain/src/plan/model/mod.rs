//! The plan's values: the plan with its goals, tasks, notes and linked measures; what is due
//! and overdue, and the view each agency may see; the weekly review and the re-evaluation date.

mod due;
mod outcomes;
mod plan;
mod review;

pub(crate) use due::days_between;
pub use due::{TaskLine, Urgency, agency_tasks, member_tasks, plan_view_for};
pub use outcomes::{OffenceRecordLookup, PROVEN_OUTCOMES, PlanOutcomes, ProvenOffence};
pub use plan::{
    Goal, MeasureKind, MeasureLink, Outcome, Plan, PlanStatus, ProgressNote, Review, ReviewOutcome, Task, TaskKind,
    TaskStatus,
};
pub use review::{PlanChange, WeeklyReviewItem, changes_since, re_evaluation_date, review_horizon, weekly_review};
