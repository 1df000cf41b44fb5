//! The ZSM table: the case workflow, partner contributions, the prosecutor's decision, the
//! obligations it creates, and the legal clocks running on each case. Every transition is a pure
//! function `apply(state, command, pack, &dyn Clock) -> Result<(state, effects), ZsmError>`;
//! the service persists the new state and acts on the effects.
//!
//! * [`model`] — intake, contributions, decisions, obligations, views, forms, [`ZsmError`];
//! * [`workflow`] — the case, its clocks, orders, and referrals for a screening;
//! * [`service`] — the use cases at the table (intake, work on a case, board, metrics);
//! * [`ports`] — the storage trait [`ports::ZsmStore`].

pub mod model;
pub mod ports;
pub mod service;
pub mod workflow;

pub use model::contribution::{Contribution, ContributionContent, Contributions};
pub use model::decision::{Decision, DecisionRequest, ParameterValue, validate_decision};
pub use model::error::ZsmError;
pub use model::intake::{Intake, IntakeInput, Offence, Victim};
pub use model::obligation::{Breach, BreachResolution, Obligation, ObligationRequest};
pub use workflow::case::{Amendment, CaseCommand, CaseCommandKind, CaseEffect, CaseStatus, ZsmCase, register};
pub use workflow::clock::{
    ClockCommand, ClockEffect, ClockRun, ClockStatus, Grantor, StopReason, WarningLevel, most_urgent, warning_level,
};
