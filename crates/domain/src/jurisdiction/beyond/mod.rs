//! The "beyond the case" pack (`packs/beyond-*.toml`): the data the screening, conference,
//! plan and measures capabilities work by. The capabilities depend on these types, never the
//! other way round: what needs a capability's own types (evaluating the complex-case criteria
//! against a screening) lives in that capability.

mod criteria;
mod pack;
mod rules;
mod screening;
mod triage_calendar;

pub use criteria::{ComplexCaseCriteria, Condition, CriteriaRule, TriageFlag};
pub use pack::{
    BeyondPack, ENGLAND_WALES_PACK_TOML, ITALY_PACK_TOML, Lang, Localized, NL_PACK_TOML, PackError,
    SHIPPED_BEYOND_PACKS,
};
pub use rules::{AreaBanRules, ConferenceRules, EpisodeRules, ExclusionOrderRules, PlanRules};
pub use screening::{DomainKey, LifeDomain, ScaleLevel, ScreeningConfig};
pub use triage_calendar::TriageCalendar;
