//! The desist domain: pure Rust. Ids, validated values, the injected Clock, jurisdiction rules,
//! every workflow as an enum with pure transitions, and the storage traits (ports) that the
//! `store` crate implements. No SQL, no HTTP, no async runtime here.
//!
//! One folder per capability, each with the same inner modules (see `README.md`):
//! `model` (types, values, views, forms and their parsing), `workflow` (the workflow enums
//! with pure transitions returning effects, tests beside them), `service` (the use cases:
//! authorise, load, apply, save) and `ports` (the storage traits it needs). Capabilities
//! depend on each other in one direction only (zsm → screening; conference → screening, plan;
//! measures → plan; cohort → plan), which `tests::no_capability_imports_one_that_imports_it_back`
//! keeps so.

// Shared by every capability.
pub mod audit;
pub mod clock;
pub mod directory;
pub mod ids;
pub mod jurisdiction;
pub mod ports;
pub mod service;
pub mod validation;

pub use clock::{Clock, FixedClock, SystemClock};

// The capabilities.
pub mod access;
pub mod admin;
pub mod notifications;
pub mod partnership;
pub mod people;
pub mod zsm;
// "Beyond the case" (issue 5): screening, triage and case conference, shared plan, the
// mayor's measures, intensive case management and the group approach, cohort changes.
pub mod cohort;
pub mod conference;
pub mod measures;
pub mod plan;
pub mod screening;
// Interventions (issue 19): catalogue, finder, referrals, unmet need, provider webhooks.
pub mod interventions;
// Personal funds and mentors (issue 20).
pub mod funds;
pub mod mentoring;
