//! One shared plan per person: goals in the person's own words, tasks owned by agencies on the
//! team, progress notes, links to criminal-justice measures; weekly review and the one-year
//! re-evaluation.
//!
//! * [`model`] — the plan and its parts, what is due, the weekly review;
//! * [`workflow`] — Draft → Active → UnderReEvaluation → Continued / Closed /
//!   ReturnedToCriminalJustice, as `Plan::apply` returning effects;
//! * [`service`] — the use cases (view, draft, change, weekly review, conference decisions);
//! * [`ports`] — [`ports::PlanStore`].
//!
//! The plan depends on no other capability: conferences, measures and cohort changes put
//! tasks on it (through `PlanCommand`), and show it beside their own data.

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::{
    Goal, MeasureKind, MeasureLink, Outcome, Plan, PlanChange, PlanStatus, ProgressNote, Review, ReviewOutcome, Task,
    TaskKind, TaskLine, TaskStatus, Urgency, WeeklyReviewItem, agency_tasks, changes_since, member_tasks,
    plan_view_for, re_evaluation_date, review_horizon, weekly_review,
};
pub use workflow::{NewPlan, PlanCommand, PlanCommandKind, PlanContext, PlanEffect, PlanError};

#[cfg(test)]
pub(crate) mod test_support;
