//! Ids of the ZSM module. Suspects, victims and members are the foundation's own
//! [`PersonId`] and [`MemberId`]; cases, decisions and obligations have their own UUIDv7 ids.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an id the caller generated (UUIDv7 in the store); the domain never
            /// generates ids itself, so transitions stay deterministic.
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub const fn as_uuid(self) -> Uuid {
                self.0
            }
            /// A new id whose time part is `at` (taken from the injected clock).
            pub fn new(at: jiff::Timestamp) -> Self {
                Self(crate::ids::new_v7(at))
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(text).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A case at the ZSM table.
    CaseId
);
id_type!(
    /// One decision (or amended decision) of the prosecutor.
    DecisionId
);
id_type!(
    /// A monitored obligation created by a decision.
    ObligationId
);
pub use crate::ids::{MemberId, PersonId};
