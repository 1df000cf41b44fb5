//! The desist domain: pure Rust. Ids, validated values, the injected Clock, jurisdiction rules,
//! every workflow as an enum with pure transitions, and the storage traits (ports) that the
//! `store` crate implements. No SQL, no HTTP, no async runtime here.

pub mod access;
pub mod audit;
pub mod clock;
pub mod directory;
pub mod ids;
pub mod jurisdiction;
pub mod notifications;
pub mod people;
pub mod ports;
pub mod service;
pub mod validation;
pub mod zsm;

pub use clock::{Clock, FixedClock, SystemClock};

// "Beyond the case" (issue 5): screening, triage and case conference, shared plan, intensive
// case management, mayor's measures, group approach.
pub mod beyond_pack;
pub mod conference;
pub mod episode;
pub mod exclusion;
pub mod group;
pub mod measures;
pub mod plan;
pub mod screening;
