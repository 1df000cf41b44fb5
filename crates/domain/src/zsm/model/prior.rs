//! The suspect's prior record on the case page: their offences from the police/court record
//! extract (the evidence capability's offence history), matched by the extract's source id
//! being one of the person's identifiers. Criminal records are shown on need-to-know only.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::directory::AgencyKind;
use crate::zsm::model::view::Viewer;

/// One offence from the extract, as the store reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorOffence {
    pub offence_date: Date,
    pub outcome_date: Option<Date>,
    /// The format's outcome code (`conviction`, `penalty_order`, `pending`, ...).
    pub outcome: String,
    /// Proven per the format: conviction, caution, penalty order or conditional dismissal.
    pub proven: bool,
    pub offence_type: String,
    pub seriousness: Option<i32>,
}

/// The offences newest first, with the figures a prosecutor reads first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorRecord {
    pub offences: Vec<PriorOffence>,
    pub proven: usize,
    pub last_proven: Option<Date>,
}

impl PriorRecord {
    pub fn new(mut offences: Vec<PriorOffence>) -> Self {
        offences.sort_by(|a, b| b.offence_date.cmp(&a.offence_date).then_with(|| a.offence_type.cmp(&b.offence_type)));
        let proven = offences.iter().filter(|o| o.proven).count();
        let last_proven = offences.iter().filter(|o| o.proven).map(|o| o.offence_date).max();
        Self { offences, proven, last_proven }
    }
}

impl Viewer {
    /// Judicial data (Wet justitiële en strafvorderlijke gegevens) for those who decide on or
    /// advise about the suspect: police, prosecution, probation, the child protection board,
    /// and the suspect's own lawyer. Not victim support, the municipality or Halt.
    pub fn may_see_prior_record(&self) -> bool {
        match self.agency {
            AgencyKind::Police | AgencyKind::Prosecution | AgencyKind::Probation | AgencyKind::ChildProtection => true,
            AgencyKind::Defence => self.recorded_lawyer,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn offence(on: Date, outcome: &str, proven: bool) -> PriorOffence {
        PriorOffence {
            offence_date: on,
            outcome_date: None,
            outcome: outcome.into(),
            proven,
            offence_type: "theft".into(),
            seriousness: None,
        }
    }

    #[test]
    fn newest_first_with_the_proven_count() {
        let record = PriorRecord::new(vec![
            offence(date(2021, 3, 1), "conviction", true),
            offence(date(2025, 6, 1), "pending", false),
            offence(date(2023, 9, 1), "penalty_order", true),
        ]);
        let dates: Vec<Date> = record.offences.iter().map(|o| o.offence_date).collect();
        assert_eq!(dates, vec![date(2025, 6, 1), date(2023, 9, 1), date(2021, 3, 1)]);
        assert_eq!(record.proven, 2);
        assert_eq!(record.last_proven, Some(date(2023, 9, 1)));
        assert_eq!(PriorRecord::new(Vec::new()).last_proven, None);
    }

    #[test]
    fn only_those_who_decide_or_advise_see_the_record() {
        let viewer = |agency, recorded_lawyer| Viewer { agency, prosecutor: false, recorded_lawyer };
        assert!(viewer(AgencyKind::Police, false).may_see_prior_record());
        assert!(viewer(AgencyKind::Probation, false).may_see_prior_record());
        assert!(viewer(AgencyKind::Defence, true).may_see_prior_record());
        assert!(!viewer(AgencyKind::Defence, false).may_see_prior_record());
        assert!(!viewer(AgencyKind::VictimSupport, false).may_see_prior_record());
        assert!(!viewer(AgencyKind::Municipality, false).may_see_prior_record());
    }
}
