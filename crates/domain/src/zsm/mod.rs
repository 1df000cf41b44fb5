//! The ZSM table: the case workflow, partner contributions, the prosecutor's decision, the
//! obligations it creates, and the legal clocks running on each case. Every transition is a pure
//! function `apply(state, command, pack, &dyn Clock) -> Result<(state, effects), ZsmError>`;
//! the store persists the new state and acts on the effects.

pub mod case;
pub mod clock;
pub mod contribution;
pub mod decision;
pub mod error;
pub mod form_errors;
pub mod forms;
pub mod ids;
pub mod intake;
pub mod local_time;
pub mod obligation;
pub mod order;
pub mod ports;
pub mod prior;
pub mod service;
pub mod view;

pub use case::{Amendment, CaseCommand, CaseEffect, CaseStatus, ZsmCase, register};
pub use clock::{
    ClockCommand, ClockEffect, ClockRun, ClockStatus, Grantor, StopReason, WarningLevel, most_urgent, warning_level,
};
pub use contribution::{Contribution, ContributionContent, Contributions};
pub use decision::{Decision, DecisionRequest, ParameterValue, validate_decision};
pub use error::ZsmError;
pub use ids::{CaseId, DecisionId, MemberId, ObligationId, PersonId};
pub use intake::{Intake, IntakeInput, Offence, Victim};
pub use obligation::{Breach, BreachResolution, Obligation, ObligationRequest};
