//! The person's outcomes beside their plan at the one-year re-evaluation ("is this working for
//! this person?"): the proven offences of the offence record since the plan started.

use jiff::civil::Date;

/// An offence of the police and court record that ended in a proven outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenOffence {
    pub offence_date: Date,
    pub outcome_date: Option<Date>,
    /// `conviction`, `caution`, `penalty_order` or `conditional_dismissal`.
    pub outcome: String,
    pub offence_type: String,
}

/// The outcomes that count as proven (the same as the evidence pages' reoffending).
pub const PROVEN_OUTCOMES: [&str; 4] = ["conviction", "caution", "penalty_order", "conditional_dismissal"];

/// What the offence record says about the person since a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffenceRecordLookup {
    /// None of the person's identifiers is in the record.
    NotLinked,
    /// Their identifiers name several persons of the record, or another person shares one:
    /// nothing is shown rather than someone else's offences.
    Ambiguous,
    /// Linked to exactly one person of the record: their proven offences, oldest first.
    Linked(Vec<ProvenOffence>),
}

/// The outcomes shown at the re-evaluation: since when, and what the record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOutcomes {
    pub since: Date,
    pub record: OffenceRecordLookup,
}
