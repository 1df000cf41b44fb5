//! Referrals from the ZSM table to a screening "beyond the case", as the screening sees them.
//!
//! A probation quick scan that raises signals or advises more than "no concerns", or a
//! prosecutor's decision whose disposal starts case management, refers the suspect for a full
//! screening (the ZSM table decides that: `zsm::workflow::referral`). The referral stays open
//! until a screening of the person is recorded; the screening form starts from the signals (the
//! note and where it came from), while the scores are always the screener's own.

use super::form::ScoreInput;
use crate::ids::{CaseId, MemberId, PersonId};
use crate::jurisdiction::ScreeningConfig;
use crate::jurisdiction::vocabulary::LifeDomain;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The probation quick scan's advice to the prosecutor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbationAdvice {
    NoConcerns,
    ScreeningAdvised,
    SupervisionAdvised,
    InterventionAdvised,
}

/// The code each advice is posted and stored as.
pub const ADVICE: [(ProbationAdvice, &str); 4] = [
    (ProbationAdvice::NoConcerns, "no_concerns"),
    (ProbationAdvice::ScreeningAdvised, "screening_advised"),
    (ProbationAdvice::SupervisionAdvised, "supervision_advised"),
    (ProbationAdvice::InterventionAdvised, "intervention_advised"),
];

/// A signal "beyond the case" the quick scan raised in one life domain, with its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signal {
    pub domain: LifeDomain,
    pub note: String,
}

/// Why the table referred the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralReason {
    /// Probation's quick scan raised signals or advised screening, supervision or intervention.
    QuickScan,
    /// The prosecutor's disposal refers the case for case management.
    CaseManagement,
}

impl ReferralReason {
    pub const ALL: [Self; 2] = [Self::QuickScan, Self::CaseManagement];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::QuickScan => "quick_scan",
            Self::CaseManagement => "case_management",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|reason| reason.as_str() == text)
    }
}

/// One open (or answered) referral of a person for screening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScreeningReferral {
    pub person: PersonId,
    pub case: CaseId,
    /// The ZSM table the case was at.
    pub location: String,
    pub reason: ReferralReason,
    /// The quick scan's advice, when probation gave one.
    pub advice: Option<ProbationAdvice>,
    /// The quick scan's signals beyond the case (possibly none).
    pub signals: Vec<Signal>,
    pub referred_at: Timestamp,
    pub referred_by: MemberId,
}

/// The screening form's rows as prefilled from open referrals: each signal's note lands on the
/// life domain the pack maps it to, with the referral as its source. Scores stay empty.
pub fn prefill(referrals: &[ScreeningReferral], config: &ScreeningConfig) -> Vec<ScoreInput> {
    let mut rows: Vec<ScoreInput> = Vec::new();
    for referral in referrals {
        let source = format!("ZSM {} {}", referral.location, referral.referred_at.strftime("%Y-%m-%d"));
        for signal in &referral.signals {
            let Some(domain) = config.domain_for_signal(signal.domain) else { continue };
            match rows.iter_mut().find(|row| row.domain == domain.as_str()) {
                Some(row) => {
                    if !signal.note.trim().is_empty() && !row.note.contains(signal.note.trim()) {
                        row.note = format!("{}; {}", row.note, signal.note.trim());
                    }
                }
                None => rows.push(ScoreInput {
                    domain: domain.as_str().to_owned(),
                    score: String::new(),
                    note: signal.note.trim().to_owned(),
                    source: source.clone(),
                }),
            }
        }
    }
    rows
}

#[cfg(test)]
#[path = "referral_tests.rs"]
mod tests;
