//! desist evidence: offence histories in, cohorts and proven reoffending out.
//!
//! Pure apart from reading and writing CSV files. The system clock is never read: every
//! measure takes its `as_of` date as an argument.
//!
//! Module map:
//! - [`date`]: day numbers, calendar-month arithmetic (clamped), periods (`5y`, `12m`, `30d`).
//! - [`dataset`]: the columnar in-memory [`Dataset`]; [`csv_io`]: reading/writing the format.
//! - [`extract`]: an extract as an import writes it (records in key order), from a dataset or
//!   streamed from the files through [`spill`], an external merge sort.
//! - [`rules`]: the cohort rule language (lexer, parser, compiled evaluator, shipped rules).
//! - [`membership`]: cohort membership over time with manual overrides.
//! - [`reoffending`]: the proven reoffending measure by group.
//! - [`survival`]: Kaplan–Meier curves and the log-rank test; [`stats`]: the statistics
//!   functions they need.
//! - [`matching`]: matched comparison groups (exact and propensity score), over the
//!   [`covariates`] measured once per dataset; `propensity`: the model over covariate patterns.
//! - [`table`]: output tables (CSV, text, JSON) with disclosure control.
//! - [`svg`]: accessible SVG charts; [`generate`]: a seeded national-scale data generator.
//! - [`whatworks`]: reoffending after desist's own work, each group against a matched comparison;
//!   [`views`] and [`grid`]: what two views, or two dates or periods, would give away by difference.
//! - [`snapshot`]: the extract as one binary value for the evidence pages, read in a blink;
//!   [`collect`]: the columns of an import gathered as it writes them, for its snapshot.
//! - [`cli`]: entry points for `desist cohort` / `desist reoffending`; [`bench`]: the bench.

pub mod bench;
pub mod cli;
pub mod collect;
pub mod covariates;
pub mod csv_io;
pub mod dataset;
pub mod date;
pub mod error;
pub mod extract;
pub mod generate;
// Disclosure control across dates and periods: the month grid and releases (evdiff).
pub mod grid;
pub mod intern;
pub mod logistic;
pub mod matching;
pub mod membership;
pub mod prng;
pub(crate) mod propensity;
pub mod public_value;
pub mod reoffending;
pub mod rules;
pub mod snapshot;
pub mod spill;
pub mod stats;
pub mod survival;
pub mod svg;
pub mod table;
// Disclosure control across overlapping views (evmisc).
pub mod views;
pub mod whatworks;

pub use dataset::{Dataset, DatasetBuilder};
pub use error::{EvidenceError, Result};
