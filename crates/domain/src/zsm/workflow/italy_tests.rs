//! The Italian validation clocks (packs/italy.toml) run through the same workflow as the Dutch
//! and English ones: nothing in the code knows Italy, so these tests are the proof that the
//! pack's data says what c.p.p. and the Constitution say.

use crate::clock::FixedClock;
use crate::ids::{CaseId, MemberId};
use crate::jurisdiction::{AuthorityRole, ClockCode, JurisdictionPack, Named, shipped_pack};
use crate::zsm::ZsmError;
use crate::zsm::model::intake::tests::{now, sample_input};
use crate::zsm::workflow::case::{CaseEffect, register};
use crate::zsm::workflow::clock::{ClockRun, ClockStatus, Grantor, StopReason};
use crate::zsm::workflow::order::{ClockOrder, order_clock};
use jiff::Timestamp;
use uuid::Uuid;

fn italy() -> &'static JurisdictionPack {
    shipped_pack("italy").unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn run<'a>(clocks: &'a [ClockRun], code: &str) -> Option<&'a ClockRun> {
    clocks.iter().find(|run| run.clock.as_str() == code)
}

/// Arrested at 22:00 Rome time (21:00 UTC) on 15 January 2026, in Turin.
fn registered() -> (crate::zsm::workflow::case::ZsmCase, Vec<ClockRun>) {
    let mut input = sample_input();
    input.location = "torino".into();
    let (case, effects) =
        register(CaseId::from_uuid(Uuid::from_u128(9)), input, italy(), &FixedClock::new(now())).unwrap();
    let clocks = effects
        .into_iter()
        .filter_map(|effect| match effect {
            CaseEffect::ClockStarted(run) => Some(run),
            _ => None,
        })
        .collect();
    (case, clocks)
}

fn request_for_validation(role: AuthorityRole, when: &str) -> ClockOrder {
    ClockOrder {
        clock: ClockCode::from("decisione_convalida"),
        ordered_at: at(when),
        by: Grantor { role, member: MemberId::from_uuid(Uuid::from_u128(3)) },
        basis: "richiesta di convalida dell'arresto (art. 390 c.p.p.)".into(),
    }
}

#[test]
fn the_arrest_starts_the_24_48_and_96_hour_clocks_in_rome_time() {
    let (_, clocks) = registered();
    // Art. 386 c. 3 c.p.p.: at the prosecutor's disposal within 24 hours of the arrest.
    assert_eq!(run(&clocks, "messa_a_disposizione_pm").unwrap().deadline, at("2026-01-16T21:00:00Z"));
    // Art. 390 c. 1 c.p.p.: the prosecutor asks for validation within 48 hours.
    assert_eq!(run(&clocks, "richiesta_convalida").unwrap().deadline, at("2026-01-17T21:00:00Z"));
    // Art. 13 c. 3 Cost.: 48 + 48 hours is the outer limit, whatever happens in between.
    assert_eq!(run(&clocks, "limite_costituzionale_convalida").unwrap().deadline, at("2026-01-19T21:00:00Z"));
    // The judge's 48 hours start only with the request; the emergency removal is not the table's.
    assert!(run(&clocks, "decisione_convalida").is_none());
    assert!(run(&clocks, "allontanamento_urgenza_convalida").is_none());
    assert_eq!(italy().time_zone_name, "Europe/Rome");
    assert_eq!(italy().zsm_target.clock.as_str(), "richiesta_convalida");
}

#[test]
fn the_request_for_validation_starts_the_judges_48_hours_and_ends_the_prosecutors() {
    let (case, clocks) = registered();
    let clock = FixedClock::new(now());
    // Asked 12 hours after the arrest: the judge must decide 60 hours after the arrest, well
    // inside the 96-hour limit, which keeps running.
    let ordered = order_clock(
        &case,
        &clocks,
        request_for_validation(AuthorityRole::Prosecutor, "2026-01-16T09:00:00Z"),
        italy(),
        &clock,
    )
    .unwrap();
    let judge = run(&ordered.clocks, "decisione_convalida").unwrap();
    assert_eq!(judge.deadline, at("2026-01-18T09:00:00Z"), "art. 391 c. 7 c.p.p.: 48 hours");
    let asked = run(&ordered.clocks, "richiesta_convalida").unwrap();
    assert_eq!(asked.status, ClockStatus::Stopped { reason: StopReason::Superseded, at: at("2026-01-16T09:00:00Z") });
    assert!(run(&ordered.clocks, "limite_costituzionale_convalida").unwrap().is_running());
}

#[test]
fn only_the_prosecutor_asks_for_validation() {
    let (case, clocks) = registered();
    let refused = order_clock(
        &case,
        &clocks,
        request_for_validation(AuthorityRole::AssistantProsecutor, "2026-01-16T09:00:00Z"),
        italy(),
        &FixedClock::new(now()),
    );
    assert!(matches!(refused, Err(ZsmError::OrderRoleNotAllowed { .. })), "{refused:?}");
}

#[test]
fn every_clock_and_disposal_is_named_in_italian() {
    let pack = italy();
    assert_eq!(pack.name(crate::jurisdiction::Lang::It), "Italia (Torino)");
    let clock = pack.clock(&"messa_a_disposizione_pm".into()).unwrap();
    assert_eq!(clock.name(crate::jurisdiction::Lang::It), "Messa a disposizione del pubblico ministero");
    assert_eq!(clock.legal_basis, "art. 386 c. 3 c.p.p.");
    let probation = pack.disposal(&"messa_alla_prova".into()).unwrap();
    assert_eq!(probation.name(crate::jurisdiction::Lang::It), "Sospensione del procedimento con messa alla prova");
    assert_eq!(probation.obligations.as_ref().unwrap().max_period_months, 24);
}
