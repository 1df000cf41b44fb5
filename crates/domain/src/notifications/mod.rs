//! Notifications and the outbox (issue 15). Every effect of a workflow that leaves its
//! aggregate is written as an [`Event`] in the same transaction as the change; members read the
//! events addressed to their agency as notifications, and other consumers (provider webhooks,
//! the evaluation's index events) follow the outbox from a stored position.
//!
//! This capability depends on no other: each capability turns its own effects into events.

mod model;
mod ports;
pub mod service;

pub use model::*;
pub use ports::*;
