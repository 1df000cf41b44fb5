//! The ZSM table: the case workflow, partner contributions, the prosecutor's decision, the
//! obligations it creates, and the legal clocks running on each case. Every transition is a pure
//! function `apply(state, command, pack, &dyn Clock) -> Result<(state, effects), ZsmError>`.

pub mod case;
pub mod clock;
pub mod contribution;
pub mod decision;
pub mod error;
pub mod ids;
pub mod intake;
pub mod obligation;

pub use error::ZsmError;
