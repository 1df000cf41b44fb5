//! A screening parsed from raw form/API input against the pack's domains and scale.

use crate::ids::{AgencyId, MemberId, PersonId, ScreeningId};
use crate::jurisdiction::{DomainKey, ScreeningConfig};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// One problem with a submitted screening; the form shows all of them at once.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ScreeningError {
    #[error("{domain}: score {score} is outside the scale; choose {lowest} to {highest}")]
    ScoreOutsideScale { domain: String, score: i64, lowest: u8, highest: u8 },
    #[error("{0:?} is not a life domain of this jurisdiction")]
    UnknownDomain(String),
    #[error("{0}: this life domain must be scored")]
    MissingRequiredDomain(DomainKey),
    #[error("{0}: scored more than once; keep one score per life domain")]
    DuplicateDomain(String),
    #[error("{0}: say where the information comes from (the source)")]
    MissingSource(String),
    #[error("the screening date {screened_on} is after today ({today})")]
    DatedInTheFuture { screened_on: Date, today: Date },
}

/// A score known to be on the pack's scale. Built only by [`Screening::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Score(u8);

impl Score {
    pub fn value(self) -> u8 {
        self.0
    }

    /// A score read back from storage, where only parsed screenings are written; `None` for
    /// a value no scale starts from.
    pub fn from_stored(value: u8) -> Option<Self> {
        (value >= 1).then_some(Self(value))
    }
}

/// Input as it arrives from a form or the API: nothing checked yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawScreening {
    pub id: ScreeningId,
    pub person: PersonId,
    pub screened_on: Date,
    pub screened_by: MemberId,
    pub agency: AgencyId,
    pub entries: Vec<RawDomainScore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawDomainScore {
    pub domain: String,
    pub score: i64,
    pub note: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DomainScore {
    pub score: Score,
    pub note: String,
    /// Where the information comes from: "interview with the person", "police record"...
    pub source: String,
}

/// A dated, kept screening of one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screening {
    pub id: ScreeningId,
    pub person: PersonId,
    pub screened_on: Date,
    pub screened_by: MemberId,
    pub agency: AgencyId,
    pub scores: BTreeMap<DomainKey, DomainScore>,
}

impl Screening {
    /// Checks every entry against the pack and returns either a screening or every problem found.
    pub fn parse(raw: RawScreening, config: &ScreeningConfig, today: Date) -> Result<Self, Vec<ScreeningError>> {
        let mut problems = Vec::new();
        if raw.screened_on > today {
            problems.push(ScreeningError::DatedInTheFuture { screened_on: raw.screened_on, today });
        }
        let mut scores = BTreeMap::new();
        for entry in raw.entries {
            let domain_name = entry.domain.trim();
            let Some(domain) = config.domain(domain_name) else {
                problems.push(ScreeningError::UnknownDomain(domain_name.to_owned()));
                continue;
            };
            let on_scale = u8::try_from(entry.score).ok().filter(|s| config.is_on_scale(*s));
            let Some(score) = on_scale else {
                problems.push(ScreeningError::ScoreOutsideScale {
                    domain: domain.key.0.clone(),
                    score: entry.score,
                    lowest: config.lowest_score(),
                    highest: config.highest_score(),
                });
                continue;
            };
            if entry.source.trim().is_empty() {
                problems.push(ScreeningError::MissingSource(domain.key.0.clone()));
                continue;
            }
            let scored = DomainScore {
                score: Score(score),
                note: entry.note.trim().to_owned(),
                source: entry.source.trim().to_owned(),
            };
            if scores.insert(domain.key.clone(), scored).is_some() {
                problems.push(ScreeningError::DuplicateDomain(domain.key.0.clone()));
            }
        }
        for domain in config.domains.iter().filter(|d| d.required) {
            let reported = problems.iter().any(|p| match p {
                ScreeningError::ScoreOutsideScale { domain: d, .. } | ScreeningError::MissingSource(d) => {
                    d == domain.key.as_str()
                }
                _ => false,
            });
            if !scores.contains_key(&domain.key) && !reported {
                problems.push(ScreeningError::MissingRequiredDomain(domain.key.clone()));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            id: raw.id,
            person: raw.person,
            screened_on: raw.screened_on,
            screened_by: raw.screened_by,
            agency: raw.agency,
            scores,
        })
    }

    pub fn score(&self, domain: &str) -> Option<u8> {
        self.scores.get(&DomainKey::new(domain)).map(|s| s.score.value())
    }

    /// The domains scored at or below `threshold` (e.g. 2: acute or not self-reliant).
    pub fn problem_domains(&self, threshold: u8) -> Vec<&DomainKey> {
        self.scores.iter().filter(|(_, s)| s.score.value() <= threshold).map(|(k, _)| k).collect()
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
pub(crate) mod tests;
