//! One shared plan per person: goals in the person's own words, tasks owned by agencies on the
//! team, progress notes, links to criminal-justice measures; weekly review and the one-year
//! re-evaluation.

pub mod cohort;
mod due;
mod from_conference;
mod help_lines;
mod model;
mod review;
mod rules;
pub mod service;
mod workflow;

pub use due::{TaskLine, Urgency, agency_tasks, member_tasks, plan_view_for};
pub use help_lines::{HelpTaskLine, ListedTask, help_task_lines, merge_task_lines};
pub use model::{Goal, MeasureKind, MeasureLink, Outcome, Plan, PlanStatus, ProgressNote, Task, TaskKind, TaskStatus};
pub use review::{PlanChange, WeeklyReviewItem, changes_since, re_evaluation_date, review_horizon, weekly_review};
pub use rules::PlanRules;
pub use workflow::{NewPlan, PlanCommand, PlanContext, PlanEffect, PlanError};

#[cfg(test)]
mod review_tests;
#[cfg(test)]
pub(crate) mod test_support;
