//! Screening "beyond the case": a dated look at a person's life domains, each scored on the
//! jurisdiction's self-reliance scale with a note and the source of the information. The
//! domains and the scale are pack data (`jurisdiction::ScreeningConfig`).
//!
//! Screenings are records, not workflows (so there is no `workflow` module): once parsed they
//! are kept as they are, and a new screening is added to see change over time ([`compare`]).
//!
//! * [`model`] — screenings, their change over time, the form, referrals from the ZSM table;
//! * [`service`] — record and read screenings, the "to screen" list;
//! * [`ports`] — [`ports::ScreeningStore`].

pub mod model;
pub mod ports;
pub mod service;

pub use model::*;
