use super::*;
use crate::clock::FixedClock;
use crate::ids::{CaseId, MemberId};
use crate::jurisdiction::{AuthorityRole, shipped_pack};
use crate::zsm::model::intake::tests::{now, sample_input};
use crate::zsm::workflow::case::{CaseCommand, apply, register};
use jiff::SignedDuration;
use uuid::Uuid;

fn nl() -> &'static JurisdictionPack {
    shipped_pack("nl").unwrap()
}

fn custody() -> ClockCode {
    "inverzekeringstelling".into()
}

fn ophouden() -> ClockCode {
    "ophouden_voor_onderzoek".into()
}

fn by(role: AuthorityRole) -> Grantor {
    Grantor { role, member: MemberId::from_uuid(Uuid::from_u128(7)) }
}

fn order(role: AuthorityRole, at: &str) -> ClockOrder {
    ClockOrder {
        clock: custody(),
        ordered_at: at.parse().unwrap(),
        by: by(role),
        basis: "in het belang van het onderzoek".into(),
    }
}

/// Arrested 22:00 Amsterdam on 15 January; ophouden (9 counted hours) ends 16:00 on the 16th.
fn registered(clock: &FixedClock) -> (ZsmCase, Vec<ClockRun>) {
    let (case, effects) = register(CaseId::from_uuid(Uuid::from_u128(42)), sample_input(), nl(), clock).unwrap();
    let clocks = effects
        .into_iter()
        .filter_map(|effect| match effect {
            CaseEffect::ClockStarted(run) => Some(run),
            _ => None,
        })
        .collect();
    (case, clocks)
}

#[test]
fn a_prosecutor_orders_custody_and_ophouden_ends_at_the_order() {
    let clock = FixedClock::new(now());
    let (case, clocks) = registered(&clock);
    let ordered =
        order_clock(&case, &clocks, order(AuthorityRole::Prosecutor, "2026-01-16T09:00:00Z"), nl(), &clock).unwrap();
    let run = ordered.clocks.iter().find(|run| run.clock == custody()).unwrap();
    assert_eq!(run.started_at, "2026-01-16T09:00:00Z".parse().unwrap());
    assert_eq!(run.deadline, "2026-01-19T09:00:00Z".parse().unwrap(), "art. 58 Sv: three days");
    assert_eq!(run.order.as_ref().unwrap().by.role, AuthorityRole::Prosecutor);
    assert_eq!(ordered.effects, vec![CaseEffect::ClockStarted(run.clone())]);
    let stopped_at: Timestamp = "2026-01-16T09:00:00Z".parse().unwrap();
    let held = ordered.clocks.iter().find(|run| run.clock == ophouden()).unwrap();
    assert_eq!(held.status, ClockStatus::Stopped { reason: StopReason::Superseded, at: stopped_at });
    assert_eq!(
        ordered.clock_effects,
        vec![ClockEffect::Stopped { clock: ophouden(), reason: StopReason::Superseded, at: stopped_at }]
    );
    // The examining-judge clock (art. 59a Sv) keeps running from the arrest.
    let judge = ordered.clocks.iter().find(|run| run.clock.as_str() == "voorgeleiding_rechter_commissaris").unwrap();
    assert!(judge.is_running());
    assert_eq!(ordered.clocks.len(), clocks.len() + 1);
}

#[test]
fn only_the_offices_the_pack_names_may_order_custody() {
    let clock = FixedClock::new(now());
    let (case, clocks) = registered(&clock);
    assert!(
        order_clock(&case, &clocks, order(AuthorityRole::AssistantProsecutor, "2026-01-16T09:00:00Z"), nl(), &clock)
            .is_ok()
    );
    assert_eq!(
        order_clock(&case, &clocks, order(AuthorityRole::Superintendent, "2026-01-16T09:00:00Z"), nl(), &clock)
            .unwrap_err(),
        ZsmError::OrderRoleNotAllowed {
            clock: "inverzekeringstelling".into(),
            role: AuthorityRole::Superintendent,
            allowed: "assistant_prosecutor, prosecutor".into(),
        }
    );
}

#[test]
fn custody_ordered_after_ophouden_ran_out_is_refused() {
    let clock = FixedClock::new("2026-01-16T16:00:00Z".parse().unwrap());
    let (case, clocks) = registered(&clock);
    let deadline: Timestamp = "2026-01-16T15:00:00Z".parse().unwrap();
    for late in ["2026-01-16T15:00:00Z", "2026-01-16T15:30:00Z"] {
        let refused = order_clock(&case, &clocks, order(AuthorityRole::Prosecutor, late), nl(), &clock).unwrap_err();
        assert_eq!(
            refused,
            ZsmError::OrderAfterExpiry {
                clock: custody().to_string(),
                superseded: ophouden().to_string(),
                ordered_at: late.parse().unwrap(),
                deadline,
            }
        );
    }
    // Given in time and recorded late (after the deadline): the order stands.
    let ordered =
        order_clock(&case, &clocks, order(AuthorityRole::Prosecutor, "2026-01-16T14:59:00Z"), nl(), &clock).unwrap();
    assert!(matches!(ordered.clock_effects[0], ClockEffect::Stopped { reason: StopReason::Superseded, .. }));
}

#[test]
fn every_refused_order_names_its_reason() {
    let clock = FixedClock::new(now());
    let (case, clocks) = registered(&clock);
    let prosecutor = |at: &str| order(AuthorityRole::Prosecutor, at);
    let once = order_clock(&case, &clocks, prosecutor("2026-01-16T09:00:00Z"), nl(), &clock).unwrap();
    assert_eq!(
        order_clock(&case, &once.clocks, prosecutor("2026-01-16T09:30:00Z"), nl(), &clock).unwrap_err(),
        ZsmError::ClockAlreadyStarted { clock: "inverzekeringstelling".into() }
    );
    let no_grounds = ClockOrder { basis: "  ".into(), ..prosecutor("2026-01-16T09:00:00Z") };
    assert_eq!(order_clock(&case, &clocks, no_grounds, nl(), &clock).unwrap_err(), ZsmError::ReasonMissing);
    let in_future = prosecutor("2026-01-16T10:01:00Z");
    assert!(matches!(order_clock(&case, &clocks, in_future, nl(), &clock), Err(ZsmError::OrderOutsideCase { .. })));
    let held = ClockOrder { clock: ophouden(), ..prosecutor("2026-01-16T09:00:00Z") };
    assert!(matches!(order_clock(&case, &clocks, held, nl(), &clock), Err(ZsmError::ClockNotStartedByOrder { .. })));
    let exclusion =
        ClockOrder { clock: "tijdelijk_huisverbod".into(), ..order(AuthorityRole::Mayor, "2026-01-16T09:00:00Z") };
    assert!(matches!(
        order_clock(&case, &clocks, exclusion, nl(), &clock),
        Err(ZsmError::ClockNotOrderedAtTable { .. })
    ));

    // art. 58 Sv: no custody for an offence that does not allow pre-trial detention.
    let mut input = sample_input();
    input.offences[0].pretrial_detention_allowed = false;
    let (minor_case, effects) = register(CaseId::from_uuid(Uuid::from_u128(43)), input, nl(), &clock).unwrap();
    let minor_clocks: Vec<ClockRun> = effects
        .into_iter()
        .filter_map(|e| if let CaseEffect::ClockStarted(run) = e { Some(run) } else { None })
        .collect();
    assert_eq!(
        order_clock(&minor_case, &minor_clocks, prosecutor("2026-01-16T09:00:00Z"), nl(), &clock).unwrap_err(),
        ZsmError::OrderConditionNotMet { clock: "inverzekeringstelling".into(), fact: "pretrial_detention_allowed" }
    );

    // Once referred, the case is closed at this table: no more orders.
    let at_table = apply(&case, CaseCommand::BringToTable, nl(), &clock).unwrap().0;
    let refer = CaseCommand::Refer {
        destination: "regular prosecution".into(),
        reason: "complex".into(),
        by: by(AuthorityRole::Prosecutor).member,
    };
    let referred = apply(&at_table, refer, nl(), &clock).unwrap().0;
    assert!(matches!(
        order_clock(&referred, &clocks, prosecutor("2026-01-16T09:00:00Z"), nl(), &clock),
        Err(ZsmError::InvalidTransition { state: "referred", .. })
    ));
    let later = FixedClock::new(now() + SignedDuration::from_hours(1));
    assert!(order_clock(&case, &clocks, prosecutor("2026-01-16T10:30:00Z"), nl(), &later).is_ok());
}
