use super::*;
use crate::clock::FixedClock;
use crate::jurisdiction::vocabulary::LifeDomain;
use crate::jurisdiction::{ClockCode, ParameterCode, shipped_pack};
use crate::screening::{ProbationAdvice, Signal};
use crate::zsm::model::contribution::{ConsultationMode, LawyerConsultation, QuickScan, VictimInterests};
use crate::zsm::model::decision::ParameterValue;
use crate::zsm::model::intake::tests::{now, sample_input};
use crate::zsm::model::obligation::ObligationRequest;
use jiff::SignedDuration;
use jiff::civil::date;
use proptest::prelude::*;
use uuid::Uuid;

fn nl() -> &'static JurisdictionPack {
    shipped_pack("nl").unwrap()
}

fn member(n: u128) -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(n))
}

fn case_id() -> CaseId {
    CaseId::from_uuid(Uuid::from_u128(42))
}

fn area_ban_id() -> ObligationId {
    ObligationId::from_uuid(Uuid::from_u128(300))
}

fn registered(clock: &FixedClock) -> ZsmCase {
    register(case_id(), sample_input(), nl(), clock).unwrap().0
}

fn step(case: &ZsmCase, command: CaseCommand, clock: &FixedClock) -> ZsmCase {
    apply(case, command, nl(), clock).unwrap().0
}

fn contribute(partner: Partner, content: ContributionContent) -> CaseCommand {
    CaseCommand::UpdateContribution { partner, state: ContributionState::Done, content: Some(content), by: member(5) }
}

fn lawyer_done() -> CaseCommand {
    contribute(
        Partner::DefenceLawyer,
        ContributionContent::DefenceLawyer(LawyerConsultation {
            consulted_at: now(),
            mode: ConsultationMode::InPerson,
            advice: "accept the penalty order".into(),
            settlement_consequences_explained: true,
            suspect_position: "admits".into(),
            shared_with_prosecutor: false,
        }),
    )
}

fn penalty_order(id: u128, fine_cents: i64, with_area_ban: bool) -> DecisionRequest {
    DecisionRequest {
        id: DecisionId::from_uuid(Uuid::from_u128(id)),
        disposal: "penalty_order".into(),
        parameters: [(ParameterCode::from("fine_cents"), ParameterValue::Money(fine_cents))].into_iter().collect(),
        obligations: if with_area_ban {
            vec![ObligationRequest {
                id: area_ban_id(),
                kind: "area_ban".into(),
                starts_on: date(2026, 1, 16),
                ends_on: date(2026, 7, 16),
                details: "Hoog Catharijne shopping centre".into(),
                responsible_agency: None,
            }]
        } else {
            Vec::new()
        },
        decided_by: member(8),
        reasoning: "first offence".into(),
        override_reason: None,
    }
}

fn breach(obligation: ObligationId) -> CaseCommand {
    CaseCommand::RecordBreach {
        obligation,
        observed_on: date(2026, 1, 16),
        description: "seen in the shopping centre".into(),
        reported_by: "police".into(),
        recorded_by: member(6),
    }
}

/// Police intake → table → probation, victim support, lawyer → penalty order with area ban.
fn decided_with_area_ban(clock: &FixedClock) -> ZsmCase {
    let case = registered(clock);
    let case = step(&case, CaseCommand::BringToTable, clock);
    let scan = ContributionContent::Probation(QuickScan {
        advice: ProbationAdvice::ScreeningAdvised,
        signals: vec![Signal { domain: LifeDomain::Housing, note: "sleeps at friends' places".into() }],
    });
    let case = step(&case, contribute(Partner::Probation, scan), clock);
    let victim = ContributionContent::VictimSupport(VictimInterests {
        interests: "shop wants the goods paid".into(),
        damages_claim_cents: Some(8_500),
        wants_information: true,
        wants_restorative_contact: false,
    });
    let case = step(&case, contribute(Partner::VictimSupport, victim), clock);
    let case = step(&case, lawyer_done(), clock);
    step(&case, CaseCommand::Decide(penalty_order(1, 25_000, true)), clock)
}

#[test]
fn registration_starts_the_arrest_clocks_with_the_case_facts() {
    let clock = FixedClock::new(now());
    let (case, effects) = register(case_id(), sample_input(), nl(), &clock).unwrap();
    assert_eq!(case.status, CaseStatus::Registered);
    assert_eq!(case.contributions.state(Partner::VictimSupport), ContributionState::Awaited);
    let started: Vec<(&str, Timestamp)> = effects
        .iter()
        .filter_map(|effect| match effect {
            CaseEffect::ClockStarted(run) => Some((run.clock.as_str(), run.deadline)),
            _ => None,
        })
        .collect();
    // Arrest 22:00 local on 15 January, offence allows pre-trial detention: 9 counted hours.
    assert_eq!(
        started,
        vec![
            ("ophouden_voor_onderzoek", "2026-01-16T15:00:00Z".parse().unwrap()),
            ("voorgeleiding_rechter_commissaris", "2026-01-19T15:00:00Z".parse().unwrap()),
        ]
    );
    assert_eq!(effects[0], CaseEffect::Registered { case: case_id() });
}

#[test]
fn england_and_wales_starts_pace_detention_at_arrival() {
    let pack = shipped_pack("england-wales").unwrap();
    let clock = FixedClock::new(now());
    let (_, effects) = register(case_id(), sample_input(), pack, &clock).unwrap();
    let pace = effects
        .iter()
        .find_map(|effect| match effect {
            CaseEffect::ClockStarted(run) if run.clock == ClockCode::from("pace_detention") => Some(run.clone()),
            _ => None,
        })
        .unwrap();
    assert_eq!(pace.started_at, sample_input().arrived_at_station);
    assert_eq!(pace.deadline, sample_input().arrived_at_station + SignedDuration::from_hours(24));
}

#[test]
fn bad_intake_registers_nothing() {
    let mut input = sample_input();
    input.arrived_at_station = input.arrested_at - SignedDuration::from_mins(5);
    assert!(matches!(
        register(case_id(), input, nl(), &FixedClock::new(now())),
        Err(ZsmError::ArrivalBeforeArrest { .. })
    ));
}

#[test]
fn the_full_table_journey_ends_in_a_decision_with_obligations() {
    let clock = FixedClock::new(now());
    let case = registered(&clock);
    let case = step(&case, CaseCommand::BringToTable, &clock);
    let case = step(&case, lawyer_done(), &clock);
    let (decided, effects) = apply(&case, CaseCommand::Decide(penalty_order(1, 25_000, true)), nl(), &clock).unwrap();
    assert!(matches!(&decided.status, CaseStatus::Decided { decision } if decision.obligations.len() == 1));
    assert!(matches!(
        &effects[..],
        [CaseEffect::Decided { outcome: DisposalOutcome::SettledOutOfCourt, .. }, CaseEffect::ObligationCreated(o)]
            if o.id == area_ban_id() && o.responsible_agency == AgencyCode::from("police")
    ));
    assert_eq!(decided.first_decided_at(), Some(now()));
    assert_eq!(decided.decided_by("2026-01-16T15:00:00Z".parse().unwrap()), Some(true));
    assert!(decided_with_area_ban(&clock).contributions.has_signals_beyond_the_case());
}

#[test]
fn decision_waits_for_the_table_and_for_the_lawyer() {
    let clock = FixedClock::new(now());
    let case = registered(&clock);
    assert_eq!(
        apply(&case, CaseCommand::Decide(penalty_order(1, 100, false)), nl(), &clock).unwrap_err(),
        ZsmError::InvalidTransition { state: "registered", hint: "bring the case to the table first" }
    );
    let at_table = step(&case, CaseCommand::BringToTable, &clock);
    // The area ban is a behaviour order: art. 257c Sv requires the lawyer first.
    assert!(matches!(
        apply(&at_table, CaseCommand::Decide(penalty_order(1, 100, true)), nl(), &clock),
        Err(ZsmError::MandatoryContributionMissing { partner: Partner::DefenceLawyer, .. })
    ));
}

#[test]
fn a_second_decision_is_refused_and_an_amendment_needs_a_reason() {
    let clock = FixedClock::new(now());
    let case = decided_with_area_ban(&clock);
    assert_eq!(
        apply(&case, CaseCommand::Decide(penalty_order(2, 100, false)), nl(), &clock).unwrap_err(),
        ZsmError::AlreadyDecided
    );
    let amend = |reason: &str| CaseCommand::Amend { request: penalty_order(2, 20_000, false), reason: reason.into() };
    assert_eq!(apply(&case, amend(" "), nl(), &clock).unwrap_err(), ZsmError::ReasonMissing);
    clock.advance(SignedDuration::from_hours(2));
    let (amended, effects) = apply(&case, amend("fine lowered after income check"), nl(), &clock).unwrap();
    assert_eq!(amended.amendments.len(), 1);
    assert_eq!(amended.amendments[0].previous.id, DecisionId::from_uuid(Uuid::from_u128(1)));
    assert_eq!(amended.status.decision().unwrap().id, DecisionId::from_uuid(Uuid::from_u128(2)));
    assert!(effects.contains(&CaseEffect::ObligationCancelled { obligation: area_ban_id() }));
    // Time to decision counts from the first decision, not the amendment.
    assert_eq!(amended.first_decided_at(), Some(now()));
}

#[test]
fn a_breach_returns_the_case_to_the_prosecutor() {
    let clock = FixedClock::new(now());
    let case = decided_with_area_ban(&clock);
    let unknown = ObligationId::from_uuid(Uuid::from_u128(999));
    assert_eq!(
        apply(&case, breach(unknown), nl(), &clock).unwrap_err(),
        ZsmError::UnknownObligation(unknown.as_uuid())
    );
    let CaseCommand::RecordBreach { obligation, observed_on, reported_by, recorded_by, .. } = breach(area_ban_id())
    else {
        unreachable!()
    };
    let blank = CaseCommand::RecordBreach {
        obligation,
        observed_on,
        description: " ".into(),
        reported_by: reported_by.clone(),
        recorded_by,
    };
    assert_eq!(apply(&case, blank, nl(), &clock).unwrap_err(), ZsmError::EmptyField { field: "breach description" });
    let tomorrow = CaseCommand::RecordBreach {
        obligation,
        observed_on: date(2026, 1, 17),
        description: "seen".into(),
        reported_by,
        recorded_by,
    };
    assert_eq!(apply(&case, tomorrow, nl(), &clock).unwrap_err(), ZsmError::BreachInFuture { date: date(2026, 1, 17) });
    let (returned, effects) = apply(&case, breach(area_ban_id()), nl(), &clock).unwrap();
    assert!(matches!(returned.status, CaseStatus::ReturnedToProsecutor { breach, .. } if breach == area_ban_id()));
    assert_eq!(effects[1], CaseEffect::ReturnedToProsecutor { case: case_id() });
    assert_eq!(
        apply(&returned, CaseCommand::Decide(penalty_order(3, 1, false)), nl(), &clock).unwrap_err(),
        ZsmError::AlreadyDecided
    );
    assert!(matches!(
        apply(&returned, breach(area_ban_id()), nl(), &clock),
        Err(ZsmError::InvalidTransition { hint: "a breach is already waiting for the prosecutor", .. })
    ));

    let maintained = step(
        &returned,
        CaseCommand::MaintainDecision { reason: "single minor breach; warned".into(), by: member(8) },
        &clock,
    );
    assert!(matches!(maintained.status, CaseStatus::Decided { .. }));
    assert!(matches!(maintained.breaches[0].resolution, Some(BreachResolution::DecisionMaintained { .. })));

    let again = step(&maintained, breach(area_ban_id()), &clock);
    let amended = step(
        &again,
        CaseCommand::Amend {
            request: penalty_order(4, 50_000, false),
            reason: "repeated breach: higher fine instead of the ban".into(),
        },
        &clock,
    );
    assert_eq!(
        amended.breaches[1].resolution,
        Some(BreachResolution::DecisionAmended { new_decision: DecisionId::from_uuid(Uuid::from_u128(4)) })
    );
}

#[test]
fn a_referred_case_is_closed_at_this_table() {
    let clock = FixedClock::new(now());
    let case = step(&registered(&clock), CaseCommand::BringToTable, &clock);
    let refer = |reason: &str| CaseCommand::Refer {
        destination: "regular prosecution".into(),
        reason: reason.into(),
        by: member(8),
    };
    assert_eq!(apply(&case, refer(""), nl(), &clock).unwrap_err(), ZsmError::ReasonMissing);
    let referred = step(&case, refer("complex fraud, needs financial investigation"), &clock);
    assert!(matches!(referred.status, CaseStatus::Referred { .. }));
    assert!(matches!(
        apply(&referred, lawyer_done(), nl(), &clock),
        Err(ZsmError::InvalidTransition { state: "referred", .. })
    ));
    let ew = shipped_pack("england-wales").unwrap();
    assert_eq!(
        apply(&referred, CaseCommand::BringToTable, ew, &clock).unwrap_err(),
        ZsmError::WrongPack { case_pack: "nl".into(), given: "england-wales".into() }
    );
}

fn any_command() -> impl Strategy<Value = CaseCommand> {
    prop_oneof![
        Just(CaseCommand::BringToTable),
        Just(lawyer_done()),
        (1u128..5, -10_000i64..300_000, any::<bool>())
            .prop_map(|(id, fine, ban)| CaseCommand::Decide(penalty_order(id, fine, ban))),
        (5u128..9, 0i64..300_000, prop::sample::select(vec!["", "income check"])).prop_map(|(id, fine, reason)| {
            CaseCommand::Amend { request: penalty_order(id, fine, false), reason: reason.into() }
        }),
        Just(breach(area_ban_id())),
        Just(CaseCommand::MaintainDecision { reason: "warned".into(), by: member(8) }),
        Just(CaseCommand::Refer { destination: "regular prosecution".into(), reason: "complex".into(), by: member(8) }),
    ]
}

proptest! {
    /// Whatever the order of commands: errors change nothing, a decided case keeps a decision in
    /// force, every replaced decision is kept as an amendment, and a case never goes back to
    /// registered or to the table.
    #[test]
    fn workflow_invariants_hold_for_any_command_sequence(commands in prop::collection::vec(any_command(), 1..20)) {
        let clock = FixedClock::new(now());
        let mut case = registered(&clock);
        let mut ever_decided = false;
        let mut amendments_accepted = 0;
        for command in commands {
            let before = case.clone();
            let is_amendment = matches!(command, CaseCommand::Amend { .. });
            match apply(&case, command, nl(), &clock) {
                Ok((next, _)) => {
                    case = next;
                    amendments_accepted += usize::from(is_amendment);
                }
                Err(_) => prop_assert_eq!(&case, &before),
            }
            ever_decided |= case.status.decision().is_some();
            if ever_decided {
                let back_to_the_table =
                    matches!(case.status, CaseStatus::Registered | CaseStatus::AtTable { .. });
                prop_assert!(case.status.decision().is_some());
                prop_assert!(!back_to_the_table);
            }
            prop_assert_eq!(case.amendments.len(), amendments_accepted);
            clock.advance(SignedDuration::from_mins(10));
        }
    }
}

#[test]
fn custody_order_clock_starts_between_arrest_and_now() {
    let clock = FixedClock::new(now());
    let case = registered(&clock);
    let custody = ClockCode::from("inverzekeringstelling");
    let ordered_at: Timestamp = "2026-01-16T09:00:00Z".parse().unwrap();
    let (run, effect) = case.start_order_clock(&custody, ordered_at, nl(), &clock).unwrap();
    assert_eq!(run.deadline, "2026-01-19T09:00:00Z".parse().unwrap());
    assert_eq!(effect, CaseEffect::ClockStarted(run));
    let too_early = sample_input().arrested_at - SignedDuration::from_mins(1);
    assert_eq!(
        case.start_order_clock(&custody, too_early, nl(), &clock).unwrap_err(),
        ZsmError::OrderOutsideCase { ordered_at: too_early }
    );
    let in_future = now() + SignedDuration::from_mins(1);
    assert!(case.start_order_clock(&custody, in_future, nl(), &clock).is_err());
    assert!(matches!(
        case.start_order_clock(&"ophouden_voor_onderzoek".into(), ordered_at, nl(), &clock),
        Err(ZsmError::ClockNotStartedByOrder { .. })
    ));
    assert_eq!(
        case.start_order_clock(&"curfew".into(), ordered_at, nl(), &clock).unwrap_err(),
        ZsmError::UnknownClock("curfew".into())
    );
}
