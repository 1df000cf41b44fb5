//! Integration tests for the evidence crate, in one binary to keep build time down.

mod cli;
mod common;
mod csv_format;
mod differential;
mod fuzz;
mod lifelines;
mod matching;
mod reference;
mod reoffending_fixtures;
mod rule_fixtures;
