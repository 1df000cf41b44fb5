//! Personal funds (issue 20): a double-entry ledger per fund, in the spirit of TigerBeetle.
//! A stream's budget, a provider's fund or a grant pot is allocated to people for the goals of
//! their plan; a commitment reserves money (pending → posted or voided), spend is posted with
//! its invoice, unspent money is released, and mistakes are put right only by reversing
//! transfers. Commitments above the fund's threshold wait for a second member's approval.
//!
//! * [`model`] — funds, accounts and their totals, transfers, requests;
//! * [`workflow`] — what a request moves, pure, and the rules it refuses;
//! * [`service`] — the use cases, authorised and audited;
//! * [`ports`] — [`ports::FundStore`], which keeps every account's rules in its transaction.

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::*;
pub use workflow::*;

#[cfg(test)]
mod workflow_tests;
