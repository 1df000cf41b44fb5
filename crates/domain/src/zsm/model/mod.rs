//! The ZSM table's values: the intake, the partners' contributions, the prosecutor's decision
//! and the obligations it creates, the prior record, what each reader may see of a case
//! (`view`), the forms as typed and their parsing, and the one rule error, [`ZsmError`].

pub mod contribution;
pub mod decision;
pub mod error;
pub mod form_errors;
pub mod forms;
pub mod intake;
pub mod local_time;
pub mod obligation;
pub mod prior;
pub mod view;

pub use error::ZsmError;
