//! Police intake: what is known when a suspect is brought in. Parsed once into an [`Intake`];
//! an intake that contradicts itself or the clock (arrival before arrest, offences in the
//! future) is refused with an error naming the field.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use super::ZsmError;
use super::ids::{MemberId, PersonId};
use crate::clock::Clock;
use crate::jurisdiction::{CaseFact, JurisdictionPack};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offence {
    /// The offence type code from the police system (e.g. a CBS/OM code or a Home Office code).
    pub offence_type: String,
    pub committed_on: Date,
    pub place: String,
    pub description: String,
    /// Whether the offence allows pre-trial detention (NL art. 67 Sv); sets the clock length.
    pub pretrial_detention_allowed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Victim {
    Known(PersonId),
    /// A victim who is not (yet) registered as a person, e.g. a shop or an unknown passer-by.
    Anonymous {
        description: String,
    },
}

/// Everything police record at intake. The same type serves as input and, once
/// [`Intake::parse`] accepted it, as the validated intake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeInput {
    pub suspect: PersonId,
    pub suspect_is_minor: bool,
    pub offences: Vec<Offence>,
    pub arrested_at: Timestamp,
    pub arrived_at_station: Timestamp,
    /// The ZSM table (location) the case is handled at.
    pub location: String,
    pub victims: Vec<Victim>,
    pub police_report_summary: String,
    /// From the person's offence history when present.
    pub prior_record_summary: Option<String>,
    pub registered_by: MemberId,
}

/// A validated intake; only [`Intake::parse`] builds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Intake {
    input: IntakeInput,
    registered_at: Timestamp,
}

impl Intake {
    /// Checks the intake against itself and against `now`. Offence dates are civil dates, so
    /// "in the future" means after today's date in the pack's time zone.
    pub fn parse(input: IntakeInput, pack: &JurisdictionPack, clock: &dyn Clock) -> Result<Self, ZsmError> {
        let now = clock.now();
        let today = now.to_zoned(pack.time_zone.clone()).date();
        if input.offences.is_empty() {
            return Err(ZsmError::NoOffences);
        }
        if input.arrested_at > now {
            return Err(ZsmError::ArrestInFuture { arrest: input.arrested_at });
        }
        if input.arrived_at_station < input.arrested_at {
            return Err(ZsmError::ArrivalBeforeArrest { arrest: input.arrested_at, arrival: input.arrived_at_station });
        }
        if input.arrived_at_station > now {
            return Err(ZsmError::ArrivalInFuture { arrival: input.arrived_at_station });
        }
        for (index, offence) in input.offences.iter().enumerate() {
            if offence.committed_on > today {
                return Err(ZsmError::OffenceInFuture { index: index + 1, date: offence.committed_on });
            }
            if offence.offence_type.trim().is_empty() {
                return Err(ZsmError::EmptyField { field: "offence type" });
            }
        }
        if input.location.trim().is_empty() {
            return Err(ZsmError::EmptyField { field: "location" });
        }
        if input.police_report_summary.trim().is_empty() {
            return Err(ZsmError::EmptyField { field: "police report summary" });
        }
        Ok(Self { input, registered_at: now })
    }

    pub fn details(&self) -> &IntakeInput {
        &self.input
    }

    /// The same intake without its victims, for readers who may not see them (the defence).
    pub(crate) fn without_victims(&self) -> Self {
        let mut redacted = self.clone();
        redacted.input.victims.clear();
        redacted
    }

    pub fn registered_at(&self) -> Timestamp {
        self.registered_at
    }

    /// The facts that select pack rules: clock lengths and which partners take part.
    pub fn facts(&self) -> BTreeSet<CaseFact> {
        let mut facts = BTreeSet::new();
        if self.input.offences.iter().any(|offence| offence.pretrial_detention_allowed) {
            facts.insert(CaseFact::PretrialDetentionAllowed);
        }
        if self.input.suspect_is_minor {
            facts.insert(CaseFact::SuspectMinor);
        }
        if !self.input.victims.is_empty() {
            facts.insert(CaseFact::HasVictims);
        }
        facts
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::jurisdiction::shipped_pack;
    use uuid::Uuid;

    pub(crate) fn now() -> Timestamp {
        "2026-01-16T10:00:00Z".parse().unwrap()
    }

    pub(crate) fn sample_input() -> IntakeInput {
        IntakeInput {
            suspect: PersonId::from_uuid(Uuid::from_u128(1)),
            suspect_is_minor: false,
            offences: vec![Offence {
                offence_type: "shoplifting".into(),
                committed_on: jiff::civil::date(2026, 1, 15),
                place: "Utrecht, Hoog Catharijne".into(),
                description: "Took three bottles of spirits without paying".into(),
                pretrial_detention_allowed: true,
            }],
            arrested_at: "2026-01-15T21:00:00Z".parse().unwrap(),
            arrived_at_station: "2026-01-15T21:30:00Z".parse().unwrap(),
            location: "zsm-utrecht".into(),
            victims: vec![Victim::Anonymous { description: "the shop".into() }],
            police_report_summary: "Caught by store detective".into(),
            prior_record_summary: None,
            registered_by: MemberId::from_uuid(Uuid::from_u128(2)),
        }
    }

    fn parse(input: IntakeInput) -> Result<Intake, ZsmError> {
        Intake::parse(input, shipped_pack("nl").unwrap(), &FixedClock::new(now()))
    }

    #[test]
    fn a_consistent_intake_is_accepted_with_its_facts() {
        let intake = parse(sample_input()).unwrap();
        assert_eq!(intake.registered_at(), now());
        assert_eq!(intake.facts(), [CaseFact::PretrialDetentionAllowed, CaseFact::HasVictims].into_iter().collect());
    }

    #[test]
    fn arrival_before_arrest_is_refused() {
        let mut input = sample_input();
        input.arrived_at_station = "2026-01-15T20:59:00Z".parse().unwrap();
        assert!(matches!(parse(input), Err(ZsmError::ArrivalBeforeArrest { .. })));
    }

    #[test]
    fn arrest_or_arrival_after_now_is_refused() {
        let mut input = sample_input();
        input.arrested_at = now() + jiff::SignedDuration::from_mins(1);
        input.arrived_at_station = input.arrested_at;
        assert!(matches!(parse(input), Err(ZsmError::ArrestInFuture { .. })));
        let mut input = sample_input();
        input.arrived_at_station = now() + jiff::SignedDuration::from_mins(1);
        assert!(matches!(parse(input), Err(ZsmError::ArrivalInFuture { .. })));
    }

    #[test]
    fn offence_dated_after_today_in_local_time_is_refused() {
        let mut input = sample_input();
        input.offences.push(Offence { committed_on: jiff::civil::date(2026, 1, 17), ..input.offences[0].clone() });
        assert_eq!(
            parse(input).unwrap_err(),
            ZsmError::OffenceInFuture { index: 2, date: jiff::civil::date(2026, 1, 17) }
        );
        // 23:30 UTC on 15 January is already 16 January in Amsterdam: an offence today is fine.
        let mut input = sample_input();
        input.offences[0].committed_on = jiff::civil::date(2026, 1, 16);
        let late_evening = FixedClock::new("2026-01-15T23:30:00Z".parse().unwrap());
        assert!(Intake::parse(input, shipped_pack("nl").unwrap(), &late_evening).is_ok());
    }

    #[test]
    fn missing_offences_and_empty_fields_are_named() {
        let mut input = sample_input();
        input.offences.clear();
        assert_eq!(parse(input).unwrap_err(), ZsmError::NoOffences);
        let mut input = sample_input();
        input.location = " ".into();
        assert_eq!(parse(input).unwrap_err(), ZsmError::EmptyField { field: "location" });
    }
}
