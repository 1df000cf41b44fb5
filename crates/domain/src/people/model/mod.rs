//! The people capability's values: a person, their details as typed and as parsed, their
//! identifiers, and what the search box understands.

mod identifier;
mod person;
pub mod search;

pub use identifier::{Identifier, IdentifierKind};
pub use person::*;
pub use search::PersonQuery;
