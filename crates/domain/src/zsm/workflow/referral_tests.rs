use super::*;
use crate::clock::FixedClock;
use crate::ids::{CaseId, DecisionId};
use crate::jurisdiction::vocabulary::LifeDomain;
use crate::jurisdiction::{ContributionState, shipped_pack};
use crate::screening::Signal;
use crate::zsm::model::decision::{DecisionRequest, ParameterValue};
use crate::zsm::model::intake::tests::{now, sample_input};
use crate::zsm::workflow::case::{CaseCommand, apply, register};
use uuid::Uuid;

fn nl() -> &'static JurisdictionPack {
    shipped_pack("nl").unwrap()
}

fn member(n: u128) -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(n))
}

fn at_table(clock: &FixedClock) -> ZsmCase {
    let case = register(CaseId::from_uuid(Uuid::from_u128(42)), sample_input(), nl(), clock).unwrap().0;
    apply(&case, CaseCommand::BringToTable, nl(), clock).unwrap().0
}

fn scan(advice: ProbationAdvice, signals: &[(LifeDomain, &str)]) -> CaseCommand {
    let signals = signals.iter().map(|(domain, note)| Signal { domain: *domain, note: (*note).into() }).collect();
    CaseCommand::UpdateContribution {
        partner: Partner::Probation,
        state: ContributionState::Done,
        content: Some(ContributionContent::Probation(QuickScan { advice, signals })),
        by: member(5),
    }
}

fn step(case: &ZsmCase, command: CaseCommand, clock: &FixedClock) -> (ZsmCase, Vec<CaseEffect>) {
    apply(case, command, nl(), clock).unwrap()
}

#[test]
fn a_quick_scan_with_signals_refers_the_suspect_with_those_signals() {
    let clock = FixedClock::new(now());
    let (case, effects) = step(
        &at_table(&clock),
        scan(ProbationAdvice::ScreeningAdvised, &[(LifeDomain::Housing, "sleeps at a friend's")]),
        &clock,
    );
    let referrals = referrals_from_case(&case, &effects, nl(), now(), member(5));
    assert_eq!(referrals.len(), 1);
    let referral = &referrals[0];
    assert_eq!(referral.reason, ReferralReason::QuickScan);
    assert_eq!(referral.person, sample_input().suspect);
    assert_eq!(referral.advice, Some(ProbationAdvice::ScreeningAdvised));
    assert_eq!(referral.signals, vec![Signal { domain: LifeDomain::Housing, note: "sleeps at a friend's".into() }]);
    assert_eq!(referral.location, sample_input().location);
}

#[test]
fn a_quick_scan_without_concerns_or_signals_refers_nobody_and_other_partners_never_do() {
    let clock = FixedClock::new(now());
    let (case, effects) = step(&at_table(&clock), scan(ProbationAdvice::NoConcerns, &[]), &clock);
    assert!(referrals_from_case(&case, &effects, nl(), now(), member(5)).is_empty());

    // Advice alone is enough.
    let (case, effects) = step(&case, scan(ProbationAdvice::SupervisionAdvised, &[]), &clock);
    assert_eq!(referrals_from_case(&case, &effects, nl(), now(), member(5)).len(), 1);

    // A later change by another partner does not refer again, though the scan still warrants it.
    let police = CaseCommand::UpdateContribution {
        partner: Partner::Police,
        state: ContributionState::Done,
        content: Some(ContributionContent::Police(crate::zsm::model::contribution::PoliceInformation {
            additional_information: "none".into(),
            requests_to_prosecutor: String::new(),
        })),
        by: member(6),
    };
    let (case, effects) = step(&case, police, &clock);
    assert!(referrals_from_case(&case, &effects, nl(), now(), member(6)).is_empty());
}

fn decide(disposal: &str) -> CaseCommand {
    let mut parameters = std::collections::BTreeMap::new();
    if disposal == "referral_case_management" {
        parameters.insert("note".into(), ParameterValue::Text("drinks, no home".into()));
    } else {
        parameters.insert("ground".into(), ParameterValue::Choice("policy".into()));
    }
    CaseCommand::Decide(DecisionRequest {
        id: DecisionId::from_uuid(Uuid::from_u128(77)),
        disposal: disposal.into(),
        parameters,
        obligations: Vec::new(),
        decided_by: member(9),
        reasoning: "settled at the table".into(),
        override_reason: Some("contributions follow later".into()),
    })
}

#[test]
fn only_a_disposal_that_starts_screening_refers_on_decision() {
    let clock = FixedClock::new(now());
    let case = at_table(&clock);
    let (decided, effects) = step(&case, decide("referral_case_management"), &clock);
    let referrals = referrals_from_case(&decided, &effects, nl(), now(), member(9));
    assert_eq!(referrals.len(), 1);
    assert_eq!(referrals[0].reason, ReferralReason::CaseManagement);
    assert_eq!(referrals[0].advice, None);

    let (dismissed, effects) = step(&case, decide("unconditional_dismissal"), &clock);
    assert!(referrals_from_case(&dismissed, &effects, nl(), now(), member(9)).is_empty());
}
