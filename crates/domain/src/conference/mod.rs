//! Triage and the Safety House case conference.
//!
//! * [`model`] — minutes, need-to-know views, the complex-case criteria's evaluation, the forms;
//! * [`workflow`] — a request's triage and the meeting with its agenda quota, attendance and
//!   minutes; a closed meeting's decisions as plan commands;
//! * [`service`] — the use cases (request, propose, triage, plan and run meetings);
//! * [`ports`] — [`ports::ConferenceStore`].
//!
//! The triage calendar, the criteria and the quota are pack data (`jurisdiction`).

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::*;
pub use workflow::*;
