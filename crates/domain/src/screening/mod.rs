//! Screening "beyond the case": a dated look at a person's life domains, each scored on the
//! jurisdiction's self-reliance scale with a note and the source of the information.
//!
//! Screenings are records, not workflows: once parsed they are kept as they are, and a new
//! screening is added to see change over time ([`compare`]).

mod change;
mod config;
pub(crate) mod record;
pub mod referral;
pub mod service;

pub use change::{DomainChange, DomainSeries, Trend, compare, history};
pub use config::{DomainKey, LifeDomain, ScaleLevel, ScreeningConfig};
pub use record::{DomainScore, RawDomainScore, RawScreening, Score, Screening, ScreeningError};
