//! Jurisdiction packs: clocks, disposals and rules as data (see `packs/*.toml`), and the pure
//! clock computations over them. Nothing here branches on a country: countries differ in data.

pub mod clock_rules;
pub mod disposals;
pub mod pack;
pub mod vocabulary;

pub use clock_rules::{
    ClockAnchor, ClockCategory, ClockDefinition, ClockSpan, Computation, ExtensionRule, NotCountedWindow,
    counted_duration, counted_hours_deadline, elapsed_deadline,
};
pub use disposals::{DisposalDefinition, DisposalOutcome, ObligationKind, ParameterDefinition, ParameterKind};
pub use pack::{JurisdictionPack, SHIPPED_PACKS, shipped_pack};
pub use vocabulary::{
    AgencyCode, AuthorityRole, CaseFact, ClockCode, ContributionState, DisposalCode, ExtensionCode, ObligationKindCode,
    ParameterCode, Partner,
};
