//! People: the persons partners work with, their details and their case team.
//!
//! * [`model`] — a person, details as typed and parsed, identifiers, search;
//! * [`service`] — the use cases (search, view, create, edit, team, subject-access export);
//! * [`ports`] — the storage traits they need.
//!
//! People have no workflow: a person's record is edited, never moved through states.

pub mod model;
pub mod ports;
pub mod service;

pub use model::*;
