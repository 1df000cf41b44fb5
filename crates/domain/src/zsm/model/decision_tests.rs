use super::*;
use crate::clock::FixedClock;
use crate::ids::ObligationId;
use crate::jurisdiction::{AgencyCode, shipped_pack};
use crate::zsm::model::contribution::{ConsultationMode, ContributionContent, LawyerConsultation};
use jiff::civil::date;
use proptest::prelude::*;
use std::collections::BTreeSet;
use uuid::Uuid;

fn nl() -> &'static JurisdictionPack {
    shipped_pack("nl").unwrap()
}

/// 11:00 on Friday 16 January 2026 in Amsterdam.
fn clock() -> FixedClock {
    FixedClock::new("2026-01-16T10:00:00Z".parse().unwrap())
}

fn member() -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(9))
}

fn without_lawyer() -> Contributions {
    Contributions::initial(nl(), &BTreeSet::new())
}

fn with_lawyer() -> Contributions {
    without_lawyer()
        .update(
            Partner::DefenceLawyer,
            ContributionState::Done,
            Some(ContributionContent::DefenceLawyer(LawyerConsultation {
                consulted_at: "2026-01-16T09:00:00Z".parse().unwrap(),
                mode: ConsultationMode::Phone,
                advice: "accept; explained that a VOG may be refused".into(),
                settlement_consequences_explained: true,
                suspect_position: "admits".into(),
                shared_with_prosecutor: true,
            })),
            member(),
            "2026-01-16T09:30:00Z".parse().unwrap(),
        )
        .unwrap()
}

fn request(disposal: &str, parameters: &[(&str, ParameterValue)]) -> DecisionRequest {
    DecisionRequest {
        id: DecisionId::from_uuid(Uuid::from_u128(100)),
        disposal: disposal.into(),
        parameters: parameters.iter().map(|(code, value)| (ParameterCode::from(*code), value.clone())).collect(),
        obligations: Vec::new(),
        decided_by: member(),
        reasoning: "first offence, admits".into(),
        override_reason: None,
    }
}

fn obligation(kind: &str, starts_on: Date, ends_on: Date) -> ObligationRequest {
    ObligationRequest {
        id: ObligationId::from_uuid(Uuid::from_u128(200)),
        kind: kind.into(),
        starts_on,
        ends_on,
        details: "Utrecht city centre".into(),
        responsible_agency: None,
    }
}

fn decide(request: DecisionRequest, contributions: &Contributions) -> Result<Decision, ZsmError> {
    validate_decision(request, nl(), contributions, &clock())
}

use ParameterValue::{Choice, Flag, Integer, Money};

#[test]
fn a_valid_penalty_order_is_recorded_with_its_legal_basis_and_signature() {
    let request = request("penalty_order", &[("fine_cents", Money(30_000)), ("community_service_hours", Integer(40))]);
    let decision = decide(request, &with_lawyer()).unwrap();
    assert_eq!(decision.legal_basis, "art. 257a Sv");
    assert_eq!(decision.outcome, DisposalOutcome::SettledOutOfCourt);
    assert_eq!(decision.decided_at, clock().now());
    assert_eq!(decision.decided_by, member());
    assert!(decision.overrides.is_empty());
}

#[test]
fn unknown_disposal_code_is_refused() {
    assert_eq!(
        decide(request("public_flogging", &[]), &with_lawyer()).unwrap_err(),
        ZsmError::UnknownDisposal { code: "public_flogging".into() }
    );
}

#[test]
fn negative_fine_is_refused() {
    assert_eq!(
        decide(request("penalty_order", &[("fine_cents", Money(-100))]), &with_lawyer()).unwrap_err(),
        ZsmError::NegativeAmount { parameter: "fine_cents".into() }
    );
}

#[test]
fn parameter_limits_come_from_the_pack() {
    let cases = [
        (
            ("community_service_hours", Integer(181)),
            ZsmError::ParameterAboveMaximum {
                parameter: "community_service_hours".into(),
                max: 180,
                given: 181,
                unit: "hours".into(),
            },
        ),
        (
            ("community_service_hours", Integer(0)),
            ZsmError::ParameterBelowMinimum {
                parameter: "community_service_hours".into(),
                min: 1,
                given: 0,
                unit: "hours".into(),
            },
        ),
        (
            ("driving_ban_months", Integer(7)),
            ZsmError::ParameterAboveMaximum {
                parameter: "driving_ban_months".into(),
                max: 6,
                given: 7,
                unit: "months".into(),
            },
        ),
        (
            ("fine_cents", Integer(100)),
            ZsmError::WrongParameterType { parameter: "fine_cents".into(), expected: "an amount in euro cents" },
        ),
        (
            ("prison_days", Integer(3)),
            ZsmError::UnknownParameter { disposal: "penalty_order".into(), parameter: "prison_days".into() },
        ),
    ];
    for ((code, value), expected) in cases {
        let result = decide(request("penalty_order", &[(code, value)]), &with_lawyer());
        assert_eq!(result.unwrap_err(), expected);
    }
}

#[test]
fn the_lawyer_safeguard_cannot_be_overridden_and_needs_the_consequences_explained() {
    let hours = request("penalty_order", &[("community_service_hours", Integer(20))]);
    let mandatory =
        ZsmError::MandatoryContributionMissing { partner: Partner::DefenceLawyer, basis: "art. 257c Sv".into() };
    assert_eq!(decide(hours.clone(), &without_lawyer()).unwrap_err(), mandatory);
    // "Cannot wait" does not replace the lawyer where art. 257c Sv requires them.
    let overridden =
        DecisionRequest { override_reason: Some("cannot wait: the suspect must go".into()), ..hours.clone() };
    assert_eq!(decide(overridden, &without_lawyer()).unwrap_err(), mandatory);
    // The lawyer consulted, but did not confirm explaining the consequences (e.g. the VOG).
    let unexplained = without_lawyer()
        .update(
            Partner::DefenceLawyer,
            ContributionState::Done,
            Some(ContributionContent::DefenceLawyer(LawyerConsultation {
                consulted_at: "2026-01-16T09:00:00Z".parse().unwrap(),
                mode: ConsultationMode::Phone,
                advice: "accept".into(),
                settlement_consequences_explained: false,
                suspect_position: "admits".into(),
                shared_with_prosecutor: true,
            })),
            member(),
            "2026-01-16T09:30:00Z".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(
        decide(hours.clone(), &unexplained).unwrap_err(),
        ZsmError::ConsequencesNotExplained { partner: Partner::DefenceLawyer, basis: "art. 257c Sv".into() }
    );
    let decision = decide(hours, &with_lawyer()).unwrap();
    assert!(decision.overrides.is_empty());
}

#[test]
fn an_overridable_requirement_records_why_the_decision_could_not_wait() {
    let mut pack = nl().clone();
    for disposal in &mut pack.disposals {
        for requirement in &mut disposal.requires {
            requirement.overridable = true;
        }
    }
    let hours = request("penalty_order", &[("community_service_hours", Integer(20))]);
    let clock = clock();
    let missing =
        ZsmError::RequiredContributionMissing { partner: Partner::DefenceLawyer, basis: "art. 257c Sv".into() };
    assert_eq!(validate_decision(hours.clone(), &pack, &without_lawyer(), &clock).unwrap_err(), missing);
    let blank = DecisionRequest { override_reason: Some("   ".into()), ..hours.clone() };
    assert_eq!(validate_decision(blank, &pack, &without_lawyer(), &clock).unwrap_err(), missing);
    let overridden = DecisionRequest { override_reason: Some("suspect waived counsel in writing".into()), ..hours };
    let decision = validate_decision(overridden, &pack, &without_lawyer(), &clock).unwrap();
    assert_eq!(
        decision.overrides,
        vec![ContributionOverride {
            partner: Partner::DefenceLawyer,
            legal_basis: "art. 257c Sv".into(),
            reason: "suspect waived counsel in writing".into(),
        }]
    );
}

#[test]
fn lawyer_is_required_for_fine_plus_compensation_above_2000_euro() {
    let at_threshold =
        request("penalty_order", &[("fine_cents", Money(150_000)), ("compensation_cents", Money(50_000))]);
    assert!(decide(at_threshold, &without_lawyer()).is_ok());
    let above = request("penalty_order", &[("fine_cents", Money(150_000)), ("compensation_cents", Money(50_001))]);
    assert!(matches!(decide(above.clone(), &without_lawyer()), Err(ZsmError::MandatoryContributionMissing { .. })));
    assert!(decide(above, &with_lawyer()).is_ok());
}

#[test]
fn behaviour_orders_become_obligations_monitored_by_the_pack_agency() {
    let mut order = request("penalty_order", &[("fine_cents", Money(10_000))]);
    order.obligations = vec![obligation("area_ban", date(2026, 1, 16), date(2027, 1, 15))];
    assert!(matches!(
        decide(order.clone(), &without_lawyer()),
        Err(ZsmError::MandatoryContributionMissing { partner: Partner::DefenceLawyer, .. })
    ));
    let decision = decide(order.clone(), &with_lawyer()).unwrap();
    assert_eq!(decision.obligations.len(), 1);
    assert_eq!(decision.obligations[0].responsible_agency, AgencyCode::from("police"));
    assert_eq!(decision.obligations[0].decision, decision.id);

    // Up to and including 16 January 2027 is twelve months and a day.
    order.obligations = vec![obligation("area_ban", date(2026, 1, 16), date(2027, 1, 16))];
    assert_eq!(decide(order.clone(), &with_lawyer()).unwrap_err(), ZsmError::ObligationTooLong { max_months: 12 });
    order.obligations = vec![obligation("area_ban", date(2026, 1, 15), date(2026, 6, 1))];
    assert_eq!(decide(order.clone(), &with_lawyer()).unwrap_err(), ZsmError::ObligationStartsInPast);
    order.obligations = vec![obligation("area_ban", date(2026, 3, 1), date(2026, 3, 1))];
    assert_eq!(decide(order, &with_lawyer()).unwrap_err(), ZsmError::ObligationEndsBeforeStart);
}

#[test]
fn obligations_only_where_the_disposal_allows_them() {
    let mut dismissal = request("unconditional_dismissal", &[("ground", Choice("policy".into()))]);
    dismissal.obligations = vec![obligation("treatment", date(2026, 2, 1), date(2026, 8, 1))];
    assert_eq!(
        decide(dismissal, &with_lawyer()).unwrap_err(),
        ZsmError::ObligationNotAllowed { disposal: "unconditional_dismissal".into(), kind: "treatment".into() }
    );
    let mut conditional = request("conditional_dismissal", &[]);
    conditional.obligations = vec![obligation("treatment", date(2026, 2, 1), date(2027, 8, 1))];
    let decision = decide(conditional, &without_lawyer()).unwrap();
    assert_eq!(decision.obligations[0].responsible_agency, AgencyCode::from("probation"));
}

#[test]
fn summons_tracks_enforce_hearing_windows_and_consent() {
    let summons = |track: &str, hearing: Option<Date>, consent: bool| {
        let mut parameters = vec![("track", Choice(track.into())), ("suspect_consents", Flag(consent))];
        if let Some(day) = hearing {
            parameters.push(("hearing_date", ParameterValue::Date(day)));
        }
        decide(request("summons", &parameters), &without_lawyer())
    };
    assert!(summons("super_fast_track", Some(date(2026, 1, 20)), true).is_ok());
    assert_eq!(
        summons("super_fast_track", Some(date(2026, 1, 20)), false).unwrap_err(),
        ZsmError::OptionRequiresFlag { option: "super_fast_track".into(), flag: "suspect_consents".into() }
    );
    assert!(matches!(
        summons("super_fast_track", Some(date(2026, 1, 23)), true),
        Err(ZsmError::DateOutsideWindow { min_days: 3, max_days: 6, .. })
    ));
    assert!(summons("fast_track", Some(date(2026, 2, 2)), false).is_ok());
    assert!(matches!(
        summons("fast_track", Some(date(2026, 2, 3)), false),
        Err(ZsmError::DateOutsideWindow { max_days: 17, .. })
    ));
    assert!(matches!(
        summons("fast_track", None, false),
        Err(ZsmError::MissingParameter { parameter, .. }) if parameter == "hearing_date"
    ));
    assert!(summons("regular", None, false).is_ok());
    assert_eq!(
        summons("lightning_track", None, false).unwrap_err(),
        ZsmError::UnknownOption { parameter: "track".into(), option: "lightning_track".into() }
    );
    assert!(matches!(
        decide(request("summons", &[]), &without_lawyer()),
        Err(ZsmError::MissingParameter { parameter, .. }) if parameter == "track"
    ));
}

proptest! {
    #[test]
    fn community_service_accepted_exactly_within_1_to_180_hours(hours in -500i64..500) {
        let result = decide(
            request("penalty_order", &[("community_service_hours", Integer(hours))]),
            &with_lawyer(),
        );
        prop_assert_eq!(result.is_ok(), (1..=180).contains(&hours));
    }

    #[test]
    fn fines_accepted_exactly_when_not_negative(cents in -1_000_000i64..1_000_000) {
        let result = decide(request("penalty_order", &[("fine_cents", Money(cents))]), &with_lawyer());
        prop_assert_eq!(result.is_ok(), cents >= 0);
    }
}
