//! Mentors (issue 20): vetted members of a mentoring agency, often with lived experience, whom a
//! person consents to. The mentor sees only their mentees' name, contact, the goals the person
//! chose to share and their meetings — never offences, screenings or notes unless the person
//! consented to that item — and every read is audited on the consent. Matching suggestions,
//! "through the gate" first meetings, a contact log, the coordinator's list of mentees without
//! contact for two weeks, and the 24-hour helpline roster.
//!
//! * [`model`] — profiles, matches with their consent, contacts, on-call shifts;
//! * [`workflow`] — matching rules and suggestions, the two-week contact rule, who is on call;
//! * [`service`] — the use cases, authorised and audited;
//! * [`ports`] — [`ports::MentoringStore`].

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::*;
pub use workflow::*;

#[cfg(test)]
mod workflow_tests;
// Life Change and the mentor pipeline.
#[cfg(test)]
mod life_change_tests;
