//! A screening parsed from raw form/API input against the pack's domains and scale.

use super::config::{DomainKey, ScreeningConfig};
use crate::ids::{AgencyId, MemberId, PersonId, ScreeningId};
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
pub(crate) mod tests {
    use super::*;
    use crate::beyond_pack::BeyondPack;
    use uuid::Uuid;

    pub(crate) fn raw(entries: &[(&str, i64)]) -> RawScreening {
        RawScreening {
            id: ScreeningId(Uuid::from_u128(1)),
            person: PersonId(Uuid::from_u128(2)),
            screened_on: jiff::civil::date(2026, 3, 2),
            screened_by: MemberId(Uuid::from_u128(3)),
            agency: AgencyId(Uuid::from_u128(4)),
            entries: entries
                .iter()
                .map(|(domain, score)| RawDomainScore {
                    domain: (*domain).to_owned(),
                    score: *score,
                    note: format!("note on {domain}"),
                    source: "interview".to_owned(),
                })
                .collect(),
        }
    }

    /// All 13 Dutch domains, scored `score`, with some overrides.
    pub(crate) fn full(score: i64, overrides: &[(&str, i64)]) -> RawScreening {
        let pack = BeyondPack::nl();
        let entries: Vec<(&str, i64)> = pack
            .screening
            .domains
            .iter()
            .map(|d| {
                let key = d.key.as_str();
                let over = overrides.iter().find(|(k, _)| *k == key).map(|(_, s)| *s);
                (key, over.unwrap_or(score))
            })
            .collect();
        raw(&entries)
    }

    pub(crate) fn parsed(score: i64, overrides: &[(&str, i64)]) -> Screening {
        Screening::parse(full(score, overrides), &BeyondPack::nl().screening, jiff::civil::date(2026, 3, 2)).unwrap()
    }

    fn parse(raw: RawScreening) -> Result<Screening, Vec<ScreeningError>> {
        Screening::parse(raw, &BeyondPack::nl().screening, jiff::civil::date(2026, 3, 2))
    }

    #[test]
    fn a_complete_screening_parses_and_keeps_notes_and_sources() {
        let screening = parse(full(3, &[("housing", 1)])).unwrap();
        assert_eq!(screening.scores.len(), 13);
        assert_eq!(screening.score("housing"), Some(1));
        let housing = &screening.scores[&DomainKey::new("housing")];
        assert_eq!((housing.note.as_str(), housing.source.as_str()), ("note on housing", "interview"));
        assert_eq!(screening.problem_domains(2), vec![&DomainKey::new("housing")]);
    }

    #[test]
    fn optional_domains_may_be_left_out() {
        let mut input = full(4, &[]);
        input.entries.retain(|e| e.domain != "community_participation" && e.domain != "household_and_paperwork");
        assert_eq!(parse(input).unwrap().scores.len(), 11);
    }

    #[test]
    fn scores_outside_the_scale_are_rejected_per_domain() {
        let errors = parse(full(3, &[("housing", 0), ("addiction", 6), ("justice", -300)])).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(errors.contains(&ScreeningError::ScoreOutsideScale {
            domain: "addiction".into(),
            score: 6,
            lowest: 1,
            highest: 5
        }));
        assert_eq!(errors[0].to_string(), "housing: score 0 is outside the scale; choose 1 to 5");
    }

    #[test]
    fn unknown_duplicate_and_missing_domains_are_named() {
        let mut input = full(3, &[]);
        input.entries.retain(|e| e.domain != "housing");
        input.entries.push(RawDomainScore {
            domain: "astrology".into(),
            score: 3,
            note: String::new(),
            source: "x".into(),
        });
        input.entries.push(input.entries[0].clone());
        let errors = parse(input).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ScreeningError::UnknownDomain("astrology".into()),
                ScreeningError::DuplicateDomain("finances".into()),
                ScreeningError::MissingRequiredDomain(DomainKey::new("housing")),
            ]
        );
    }

    #[test]
    fn a_source_is_required_and_the_date_may_not_be_in_the_future() {
        let mut input = full(3, &[]);
        input.entries[2].source = "  ".into();
        input.screened_on = jiff::civil::date(2026, 3, 3);
        let errors = parse(input).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ScreeningError::DatedInTheFuture {
                    screened_on: jiff::civil::date(2026, 3, 3),
                    today: jiff::civil::date(2026, 3, 2)
                },
                ScreeningError::MissingSource("housing".into()),
            ]
        );
    }
}
