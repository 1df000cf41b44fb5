use super::*;
use crate::clock::FixedClock;
use crate::ids::{CaseId, MemberId};
use crate::jurisdiction::{ContributionState, shipped_pack};
use crate::zsm::model::contribution::{ConsultationMode, LawyerConsultation, VictimInterests};
use crate::zsm::model::intake::tests::{now, sample_input};
use crate::zsm::workflow::case::{CaseCommand, CaseEffect, apply, register};
use uuid::Uuid;

fn case_with_sections(shared: bool) -> ZsmCase {
    let nl = shipped_pack("nl").unwrap();
    let clock = FixedClock::new(now());
    let (case, _) = register(CaseId::from_uuid(Uuid::from_u128(7)), sample_input(), nl, &clock).unwrap();
    let by = MemberId::from_uuid(Uuid::from_u128(8));
    let victim = ContributionContent::VictimSupport(VictimInterests {
        interests: "wants the bottles paid".into(),
        damages_claim_cents: Some(6_000),
        wants_information: true,
        wants_restorative_contact: false,
    });
    let lawyer = ContributionContent::DefenceLawyer(LawyerConsultation {
        consulted_at: now(),
        mode: ConsultationMode::Phone,
        advice: "accept".into(),
        settlement_consequences_explained: true,
        suspect_position: "admits".into(),
        shared_with_prosecutor: shared,
    });
    let mut case = case;
    for (partner, content) in [(Partner::VictimSupport, victim), (Partner::DefenceLawyer, lawyer)] {
        let command =
            CaseCommand::UpdateContribution { partner, state: ContributionState::Done, content: Some(content), by };
        case = apply(&case, command, nl, &clock).unwrap().0;
    }
    case
}

const DEFENCE: Viewer = Viewer { agency: AgencyKind::Defence, prosecutor: false, recorded_lawyer: true };
const PROSECUTOR: Viewer = Viewer { agency: AgencyKind::Prosecution, prosecutor: true, recorded_lawyer: false };
const POLICE: Viewer = Viewer { agency: AgencyKind::Police, prosecutor: false, recorded_lawyer: false };

#[test]
fn the_defence_never_sees_victims_or_victim_support() {
    let view = redact(&case_with_sections(true), DEFENCE);
    assert!(view.victims_hidden);
    assert!(view.case.intake.details().victims.is_empty());
    assert_eq!(view.hidden_sections, vec![Partner::VictimSupport]);
    // The state stays visible, so the defence knows victim support has contributed.
    assert_eq!(view.case.contributions.state(Partner::VictimSupport), ContributionState::Done);
    assert!(view.case.contributions.get(Partner::DefenceLawyer).unwrap().content.is_some());
}

#[test]
fn defence_notes_reach_the_prosecutor_only_when_shared() {
    assert_eq!(redact(&case_with_sections(false), PROSECUTOR).hidden_sections, vec![Partner::DefenceLawyer]);
    assert!(redact(&case_with_sections(true), PROSECUTOR).hidden_sections.is_empty());
    assert_eq!(redact(&case_with_sections(true), POLICE).hidden_sections, vec![Partner::DefenceLawyer]);
    let other_lawyer = Viewer { recorded_lawyer: false, ..DEFENCE };
    assert!(redact(&case_with_sections(true), other_lawyer).hidden_sections.contains(&Partner::DefenceLawyer));
}

#[test]
fn only_the_own_agency_edits_a_section() {
    assert!(POLICE.may_edit_section(Partner::Police));
    assert!(!POLICE.may_edit_section(Partner::Probation));
    assert!(!PROSECUTOR.may_edit_section(Partner::Police));
    assert!(DEFENCE.may_edit_section(Partner::DefenceLawyer));
    assert!(!Viewer { recorded_lawyer: false, ..DEFENCE }.may_edit_section(Partner::DefenceLawyer));
}

#[test]
fn index_of_an_open_case_carries_its_most_urgent_deadline() {
    let nl = shipped_pack("nl").unwrap();
    let clock = FixedClock::new(now());
    let (case, effects) = register(CaseId::from_uuid(Uuid::from_u128(7)), sample_input(), nl, &clock).unwrap();
    let clocks: Vec<ClockRun> = effects
        .into_iter()
        .filter_map(|e| match e {
            CaseEffect::ClockStarted(run) => Some(run),
            _ => None,
        })
        .collect();
    let index = index(&case, &clocks, nl);
    assert!(index.open);
    assert_eq!(index.urgent_deadline, clocks.iter().map(|c| c.deadline).min());
    assert_eq!(index.status, "registered");
    assert_eq!(index.within_target, None);
}

#[test]
fn percentiles_use_the_nearest_rank() {
    let values: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&values, 50.0), Some(5));
    assert_eq!(percentile(&values, 90.0), Some(9));
    assert_eq!(percentile(&[42], 90.0), Some(42));
    assert_eq!(percentile(&[], 50.0), None);
}

#[test]
fn metrics_count_every_day_and_the_shares() {
    let zone = TimeZone::get("Europe/Amsterdam").unwrap();
    let at = |s: &str| s.parse::<Timestamp>().unwrap();
    let row = |registered: &str, decided: Option<&str>, settled: bool| MetricsRow {
        registered_at: at(registered),
        arrested_at: at(registered) - jiff::SignedDuration::from_hours(1),
        index: CaseIndex {
            status: if decided.is_some() { "decided".into() } else { "at_table".into() },
            open: decided.is_none(),
            urgent_deadline: None,
            first_decided_at: decided.map(at),
            disposal: decided.map(|_| if settled { "penalty_order".into() } else { "summons".into() }),
            settled_at_table: settled,
            within_target: decided.map(|_| settled),
            signals_beyond_case: settled,
            referral_made: false,
        },
    };
    let rows = vec![
        row("2026-03-02T08:00:00Z", Some("2026-03-02T12:00:00Z"), true),
        row("2026-03-02T09:00:00Z", Some("2026-03-02T10:00:00Z"), false),
        row("2026-03-04T23:30:00Z", None, false),
    ];
    let m = metrics(&rows, &zone, jiff::civil::date(2026, 3, 1), jiff::civil::date(2026, 3, 5));
    assert_eq!(m.cases, 3);
    assert_eq!(m.decided, 2);
    // 23:30 UTC on 4 March is 5 March in Amsterdam.
    let counts: Vec<u32> = m.cases_per_day.iter().map(|(_, n)| *n).collect();
    assert_eq!(counts, [0, 2, 0, 0, 1]);
    assert_eq!(m.median_minutes_to_decision, Some(120));
    assert_eq!(m.p90_minutes_to_decision, Some(300));
    assert_eq!(m.within_target_share, Some(0.5));
    assert_eq!(m.disposals, vec![("penalty_order".into(), 1), ("summons".into(), 1)]);
    assert!((m.settled_share.unwrap() - 1.0 / 3.0).abs() < 1e-9);
}
