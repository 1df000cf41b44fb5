//! Jurisdiction packs: clocks, disposals and rules as data (see `packs/*.toml`), and the pure
//! clock computations over them. Nothing here branches on a country: countries differ in data.
//! Capabilities depend on this module; it depends on none of them.
//!
//! * the ZSM pack (`packs/nl.toml`, `packs/england-wales.toml`, `packs/italy.toml`): [`JurisdictionPack`], its
//!   clocks and disposals, with [`JurisdictionError`];
//! * the "beyond the case" pack (`packs/beyond-*.toml`): [`beyond::BeyondPack`] with the
//!   screening scale, triage, conference, plan and measure figures, with [`beyond::PackError`].

pub mod beyond;
pub mod clock_rules;
pub mod disposals;
mod error;
pub mod named;
pub mod pack;
pub mod sources;
pub mod vocabulary;

pub use beyond::{
    AreaBanRules, BeyondPack, ComplexCaseCriteria, Condition, ConferenceRules, CriteriaRule, DomainKey, EpisodeRules,
    ExclusionOrderRules, Lang, Localized, PackError, PlanRules, ScaleLevel, ScreeningConfig, TriageCalendar,
    TriageFlag,
};
pub use clock_rules::{
    ClockAnchor, ClockCategory, ClockDefinition, ClockSpan, Computation, ExtensionRule, NotCountedWindow,
    counted_duration, counted_hours_deadline, elapsed_deadline,
};
pub use disposals::{
    ChoiceOption, DisposalDefinition, DisposalOutcome, ObligationKind, ParameterDefinition, ParameterKind, Unit,
};
pub use error::JurisdictionError;
pub use named::Named;
pub use pack::{JurisdictionPack, SHIPPED_PACKS, TeamBasis, shipped_pack, shipped_pack_in_zone};
pub use sources::{StatuteSource, Wording};
pub use vocabulary::{
    AgencyCode, AuthorityRole, CaseFact, ClockCode, ContributionState, DisposalCode, ExtensionCode, LIFE_DOMAINS,
    ObligationKindCode, ParameterCode, Partner,
};
