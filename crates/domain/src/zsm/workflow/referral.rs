//! Which referrals for a screening "beyond the case" a change of a ZSM case gives rise to: the
//! table's side of the referral. The referral itself, and what the screening form makes of
//! it, belong to the screening capability (`screening::model::referral`).

use crate::ids::MemberId;
use crate::jurisdiction::{JurisdictionPack, Partner};
use crate::screening::{ProbationAdvice, ReferralReason, ScreeningReferral};
use crate::zsm::model::contribution::{ContributionContent, QuickScan};
use crate::zsm::workflow::case::{CaseEffect, ZsmCase};
use jiff::Timestamp;

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

#[cfg(test)]
#[path = "referral_tests.rs"]
mod tests;
