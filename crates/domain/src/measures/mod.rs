//! Measures around a person: the mayor's exclusion order and area ban, short intensive case
//! management ("hit and run") episodes, and the group approach. Each is linked from the
//! person's plan and warns there before it ends.
//!
//! * [`model`] — episode flags, group progress, help tasks on the task lists, the forms;
//! * [`workflow`] — exclusion order, area ban, episode and group, each with pure transitions;
//! * [`service`] — the use cases, "my tasks" and the plan page with its measures;
//! * [`ports`] — [`ports::MeasureStore`] and [`ports::TaskListStore`].
//!
//! The measures depend on the plan (a group's progress reads its members' plans, the task
//! lists hold plan tasks); the plan knows measures only as links (`plan::MeasureLink`).

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::*;
pub use workflow::*;
