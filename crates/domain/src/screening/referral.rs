//! Referrals from the ZSM table to a screening "beyond the case".
//!
//! A probation quick scan that raises signals or advises more than "no concerns", or a
//! prosecutor's decision whose disposal starts case management, refers the suspect for a full
//! screening. The referral stays open until a screening of the person is recorded; the
//! screening form starts from the signals (the note and where it came from), while the scores
//! are always the screener's own.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ScreeningConfig;
use super::service::ScoreInput;
use crate::ids::{MemberId, PersonId};
use crate::jurisdiction::{JurisdictionPack, Partner};
use crate::zsm::case::{CaseEffect, ZsmCase};
use crate::zsm::contribution::{ContributionContent, ProbationAdvice, QuickScan, Signal};
use crate::zsm::ids::CaseId;

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

/// The referrals a change of a ZSM case gives rise to: at most one per reason. The store keeps
/// one open referral per case and reason, so a quick scan saved twice updates its referral.
pub fn referrals_from_case(
    case: &ZsmCase,
    effects: &[CaseEffect],
    pack: &JurisdictionPack,
    at: Timestamp,
    by: MemberId,
) -> Vec<ScreeningReferral> {
    let scan = quick_scan(case);
    let referral = |reason| ScreeningReferral {
        person: case.intake.details().suspect,
        case: case.id,
        location: case.intake.details().location.clone(),
        reason,
        advice: scan.map(|s| s.advice),
        signals: scan.map(|s| s.signals.clone()).unwrap_or_default(),
        referred_at: at,
        referred_by: by,
    };
    let mut referrals = Vec::new();
    let scan_updated = effects
        .iter()
        .any(|effect| matches!(effect, CaseEffect::ContributionUpdated { partner: Partner::Probation, .. }));
    if scan_updated && scan.is_some_and(warrants_screening) {
        referrals.push(referral(ReferralReason::QuickScan));
    }
    let starts_case_management = effects.iter().any(|effect| match effect {
        CaseEffect::Decided { disposal, .. } => pack.disposal(disposal).is_ok_and(|d| d.starts_screening),
        _ => false,
    });
    if starts_case_management {
        referrals.push(referral(ReferralReason::CaseManagement));
    }
    referrals
}

fn quick_scan(case: &ZsmCase) -> Option<&QuickScan> {
    match case.contributions.get(Partner::Probation)?.content.as_ref()? {
        ContributionContent::Probation(scan) => Some(scan),
        _ => None,
    }
}

/// A quick scan refers when it raised a signal or advised anything beyond "no concerns".
pub fn warrants_screening(scan: &QuickScan) -> bool {
    !scan.signals.is_empty() || scan.advice != ProbationAdvice::NoConcerns
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
