//! Police intake: what is known when a suspect is brought in. Parsed once into an [`Intake`];
//! an intake that contradicts itself or the clock (arrival before arrest, offences in the
//! future) is refused with an error naming the field.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::clock::Clock;
use crate::ids::{MemberId, PersonId};
use crate::jurisdiction::{CaseFact, JurisdictionPack};
use crate::zsm::ZsmError;

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
#[path = "intake_tests.rs"]
pub(crate) mod tests;
