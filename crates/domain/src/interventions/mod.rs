//! Interventions (issue 19): a catalogue of what providers deliver with real capacity, the
//! finder with an honest expected wait, referrals entered once and worked on by both sides,
//! delivery and progress, unmet need, and provider webhooks.
//!
//! * [`model`] — catalogue entries, referrals and their history, the expected wait, unmet need;
//! * [`workflow`] — the referral lifecycle, its transitions per side as data;
//! * [`service`] — the use cases (finder, refer, view as each side, change, catalogue, report);
//! * [`ports`] — [`ports::InterventionStore`] and [`ports::WebhookStore`].

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::*;
pub use workflow::{
    By, DEFAULT_SIDE_ROLES, DEFAULT_TRANSITIONS, ReferralCommand, ReferralEffect, ReferralError, SideRoles,
    TaskOutcome, Transitions,
};

#[cfg(test)]
mod workflow_tests;
