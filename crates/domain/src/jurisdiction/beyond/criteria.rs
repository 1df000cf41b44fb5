//! Complex-case criteria and triage flags as the pack writes them: a conference is proposed
//! when every condition of at least one rule holds. Evaluating them needs a person's screening,
//! so `ComplexCaseCriteria::evaluate` lives with the conference capability
//! (`conference/model/criteria.rs`); here they are read and checked.

use super::pack::{Localized, PackError};
use super::screening::ScreeningConfig;
use serde::{Deserialize, Serialize};

/// A yes/no signal a partner records for triage (e.g. "impact on family or surroundings").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageFlag {
    pub key: String,
    pub label: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// More than `more_than` life domains scored at or below `at_most_score` in the latest screening.
    ProblemDomains { at_most_score: u8, more_than: usize },
    /// A triage flag is set.
    Flag { flag: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaRule {
    pub key: String,
    pub label: Localized,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComplexCaseCriteria {
    pub rules: Vec<CriteriaRule>,
}

impl ComplexCaseCriteria {
    pub(crate) fn validate(&self, flags: &[TriageFlag], screening: &ScreeningConfig) -> Result<(), PackError> {
        for rule in &self.rules {
            if rule.conditions.is_empty() {
                return Err(PackError::EmptyRule(rule.key.clone()));
            }
            if !rule.label.is_complete() {
                return Err(PackError::MissingTranslation(rule.key.clone()));
            }
            for condition in &rule.conditions {
                match condition {
                    Condition::Flag { flag } if !flags.iter().any(|f| &f.key == flag) => {
                        return Err(PackError::UndeclaredFlag { rule: rule.key.clone(), flag: flag.clone() });
                    }
                    Condition::ProblemDomains { at_most_score, .. } if !screening.is_on_scale(*at_most_score) => {
                        return Err(PackError::ScoreNotOnScale { rule: rule.key.clone(), score: *at_most_score });
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}
