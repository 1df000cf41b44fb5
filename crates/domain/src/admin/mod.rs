//! Administration of the partnership's data: its agencies, members, locations and Safety Houses
//! (`crate::partnership`), and the GDPR art. 15 subject-access export —
//! everything held about a person, across every capability, as documented JSON and a readable
//! page. It depends on the capabilities it reads; none depends on it.

pub mod model;
pub mod ports;
pub mod service;

pub use model::*;
