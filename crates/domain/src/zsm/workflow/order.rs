//! Orders given on an open case at the table: a clock that runs from an order, such as
//! *inverzekeringstelling* (police custody, art. 57–58 Sv), started by a legal office the pack
//! allows. A pure function like every other transition: on error nothing changes.
//!
//! ```text
//! ophouden voor onderzoek (running) ──order (prosecutor / assistant prosecutor)──►
//!     ophouden stopped (superseded, at the order)  +  inverzekeringstelling running (3 days)
//! ```

use jiff::Timestamp;

use crate::clock::Clock;
use crate::jurisdiction::{ClockAnchor, ClockCategory, ClockCode, JurisdictionPack};
use crate::zsm::ZsmError;
use crate::zsm::workflow::case::{CaseEffect, CaseStatus, ZsmCase};
use crate::zsm::workflow::clock::{ClockEffect, ClockRun, ClockStatus, GivenOrder, Grantor, StopReason};

/// Where a case can be referred without a decision at the table: the regular prosecution
/// procedure, the examining judge (for pre-trial detention), or the juvenile procedure.
pub const REFERRAL_DESTINATIONS: [&str; 3] = ["regular_procedure", "examining_judge", "juvenile_procedure"];

/// An order to start clock `clock` at `ordered_at`, given by `by` on the recorded `basis`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockOrder {
    pub clock: ClockCode,
    pub ordered_at: Timestamp,
    pub by: Grantor,
    pub basis: String,
}

/// The case's clocks after the order, with what the store must record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered {
    pub clocks: Vec<ClockRun>,
    pub effects: Vec<CaseEffect>,
    pub clock_effects: Vec<ClockEffect>,
}

/// Starts the ordered clock and stops the one it supersedes at the moment of the order. Refused
/// when the case is no longer open at the table, the clock does not start at an order given at
/// the table, the grantor's office may not give it, the case lacks the fact the order needs, it
/// was already given, its grounds are missing, or it lies before the arrest or in the future.
pub fn order_clock(
    case: &ZsmCase,
    clocks: &[ClockRun],
    order: ClockOrder,
    pack: &JurisdictionPack,
    clock: &dyn Clock,
) -> Result<Ordered, ZsmError> {
    if case.pack != pack.code {
        return Err(ZsmError::WrongPack { case_pack: case.pack.clone(), given: pack.code.clone() });
    }
    if !matches!(case.status, CaseStatus::Registered | CaseStatus::AtTable { .. }) {
        return Err(ZsmError::InvalidTransition {
            state: case.status.name(),
            hint: "orders are given while the case is open at the table",
        });
    }
    let definition = pack.clock(&order.clock)?;
    let code = order.clock.to_string();
    if definition.starts_at != ClockAnchor::Order {
        return Err(ZsmError::ClockNotStartedByOrder { clock: code });
    }
    if definition.category == ClockCategory::ExclusionOrder {
        return Err(ZsmError::ClockNotOrderedAtTable { clock: code });
    }
    if !definition.ordered_by.contains(&order.by.role) {
        let allowed = definition.ordered_by.iter().map(|role| role.code()).collect::<Vec<_>>().join(", ");
        return Err(ZsmError::OrderRoleNotAllowed { clock: code, role: order.by.role, allowed });
    }
    if let Some(fact) = definition.only_when
        && !case.intake.facts().contains(&fact)
    {
        return Err(ZsmError::OrderConditionNotMet { clock: code, fact: fact.code() });
    }
    if clocks.iter().any(|run| run.clock == order.clock) {
        return Err(ZsmError::ClockAlreadyStarted { clock: code });
    }
    if order.basis.trim().is_empty() {
        return Err(ZsmError::ReasonMissing);
    }
    let (mut run, _) = case.start_order_clock(&order.clock, order.ordered_at, pack, clock)?;
    run.order = Some(GivenOrder { by: order.by, basis: order.basis.trim().to_string() });
    let mut next: Vec<ClockRun> = clocks.to_vec();
    let mut clock_effects = Vec::new();
    if let Some(superseded) = &definition.supersedes
        && let Some(previous) = next.iter_mut().find(|r| &r.clock == superseded)
    {
        // The order continues the deprivation of liberty the superseded clock allowed: given
        // after that clock ended (run out, or already stopped), it would cover time nobody
        // ordered. Refused: the suspect must be released (art. 57 Sv), not kept on paper.
        let ended = match previous.status {
            ClockStatus::Stopped { at, .. } | ClockStatus::Expired { at } => at.min(previous.deadline),
            _ => previous.deadline,
        };
        if order.ordered_at >= ended {
            return Err(ZsmError::OrderAfterExpiry {
                clock: code,
                superseded: previous.clock.to_string(),
                ordered_at: order.ordered_at,
                deadline: ended,
            });
        }
        let reason = StopReason::Superseded;
        previous.status = ClockStatus::Stopped { reason, at: order.ordered_at };
        clock_effects.push(ClockEffect::Stopped { clock: previous.clock.clone(), reason, at: order.ordered_at });
    }
    let effects = vec![CaseEffect::ClockStarted(run.clone())];
    next.push(run);
    Ok(Ordered { clocks: next, effects, clock_effects })
}

#[cfg(test)]
#[path = "order_tests.rs"]
mod tests;
