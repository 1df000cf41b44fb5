mod rules;
pub use rules::PlanRules;
