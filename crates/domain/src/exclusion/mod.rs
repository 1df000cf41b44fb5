mod config;
pub use config::{AreaBanRules, ExclusionOrderRules};
