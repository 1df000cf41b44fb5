//! Life domains and the score scale of a screening, as read from the jurisdiction pack.

use super::pack::{Localized, PackError};
use crate::jurisdiction::vocabulary::{LIFE_DOMAINS, LifeDomain as SignalDomain};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The stable key of a life domain (`"housing"`), used in storage and URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DomainKey(pub String);

impl DomainKey {
    pub fn new(key: &str) -> Self {
        Self(key.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DomainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One point on the scale, e.g. 1 = acute problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub value: u8,
    pub key: String,
    pub label: Localized,
}

/// A life domain with our own short description in every language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeDomain {
    pub key: DomainKey,
    /// Whether every screening must score this domain.
    pub required: bool,
    pub label: Localized,
    pub description: Localized,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScreeningConfig {
    /// Ordered from worst (1) to best.
    pub scale: Vec<ScaleLevel>,
    /// In the order the form shows them.
    pub domains: Vec<LifeDomain>,
    /// Which life domain a ZSM quick-scan signal (`housing`, `debt`, ...) lands on when a
    /// referral from the table prefills a screening. Signals not listed prefill nothing.
    #[serde(default)]
    pub zsm_signals: BTreeMap<String, DomainKey>,
}

impl ScreeningConfig {
    pub fn lowest_score(&self) -> u8 {
        self.scale.first().map_or(1, |l| l.value)
    }

    pub fn highest_score(&self) -> u8 {
        self.scale.last().map_or(1, |l| l.value)
    }

    pub fn is_on_scale(&self, score: u8) -> bool {
        self.scale.iter().any(|l| l.value == score)
    }

    pub fn domain(&self, key: &str) -> Option<&LifeDomain> {
        self.domains.iter().find(|d| d.key.as_str() == key)
    }

    /// The life domain a ZSM quick-scan signal maps to, if the pack maps it.
    pub fn domain_for_signal(&self, signal: SignalDomain) -> Option<&DomainKey> {
        let (_, code) = LIFE_DOMAINS.iter().find(|(domain, _)| *domain == signal)?;
        self.zsm_signals.get(*code)
    }

    pub fn level(&self, score: u8) -> Option<&ScaleLevel> {
        self.scale.iter().find(|l| l.value == score)
    }

    pub(crate) fn validate(&self) -> Result<(), PackError> {
        let values: Vec<u8> = self.scale.iter().map(|l| l.value).collect();
        let contiguous = !values.is_empty() && values.iter().zip(1u8..).all(|(v, expected)| *v == expected);
        if !contiguous {
            return Err(PackError::ScaleNotContiguous { found: values });
        }
        if self.domains.is_empty() {
            return Err(PackError::NoDomains);
        }
        let mut seen = BTreeSet::new();
        for domain in &self.domains {
            if !seen.insert(domain.key.as_str()) {
                return Err(PackError::DuplicateDomain(domain.key.0.clone()));
            }
            if !domain.label.is_complete() || !domain.description.is_complete() {
                return Err(PackError::MissingTranslation(domain.key.0.clone()));
            }
        }
        for (signal, domain) in &self.zsm_signals {
            if !LIFE_DOMAINS.iter().any(|(_, code)| code == signal) {
                return Err(PackError::UnknownSignal(signal.clone()));
            }
            if self.domain(domain.as_str()).is_none() {
                return Err(PackError::UnknownDomain(domain.0.clone()));
            }
        }
        for level in &self.scale {
            if !level.label.is_complete() {
                return Err(PackError::MissingTranslation(level.key.clone()));
            }
        }
        Ok(())
    }
}
