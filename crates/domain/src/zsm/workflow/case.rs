//! The ZSM case workflow as an enum with pure transitions:
//!
//! ```text
//! Registered ──► AtTable ──► Decided ──(amendment with reason)──► Decided
//!     │             │           │  ▲
//!     └─────────────┴─► Referred│  └─(maintained / amended)─┐
//!                               └─(breach recorded)──► ReturnedToProsecutor
//! ```
//!
//! Every transition is `apply(case, command, pack, &dyn Clock)`; on error nothing changes.
//! History is data: amendments keep the decision they replaced, breaches keep their resolution.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::ids::{CaseId, DecisionId, MemberId, ObligationId};
use crate::jurisdiction::{
    AgencyCode, ClockAnchor, ClockCategory, ClockCode, ContributionState, DisposalCode, DisposalOutcome,
    JurisdictionPack, Partner,
};
use crate::zsm::ZsmError;
use crate::zsm::model::contribution::{ContributionContent, Contributions};
use crate::zsm::model::decision::{Decision, DecisionRequest, validate_decision};
use crate::zsm::model::intake::{Intake, IntakeInput};
use crate::zsm::model::obligation::{Breach, BreachResolution, Obligation};
use crate::zsm::workflow::clock::ClockRun;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseStatus {
    /// Intake done; the case is not yet being worked on at the table.
    Registered,
    AtTable {
        since: Timestamp,
    },
    Decided {
        decision: Decision,
    },
    /// A breach of an obligation sent the case back; the prosecutor maintains or amends.
    ReturnedToProsecutor {
        decision: Decision,
        breach: ObligationId,
    },
    /// Handed on without a decision at the table (e.g. to the regular prosecution process).
    Referred {
        destination: String,
        reason: String,
        by: MemberId,
        at: Timestamp,
    },
}

impl CaseStatus {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::AtTable { .. } => "at the table",
            Self::Decided { .. } => "decided",
            Self::ReturnedToProsecutor { .. } => "returned to the prosecutor",
            Self::Referred { .. } => "referred",
        }
    }

    /// The decision in force, if any.
    pub fn decision(&self) -> Option<&Decision> {
        match self {
            Self::Decided { decision } | Self::ReturnedToProsecutor { decision, .. } => Some(decision),
            _ => None,
        }
    }

    /// Still waiting for the table: registered, at the table, or returned after a breach (not
    /// decided, not referred).
    pub fn is_open(&self) -> bool {
        matches!(self, Self::Registered | Self::AtTable { .. } | Self::ReturnedToProsecutor { .. })
    }

    /// The case state table: which commands a case in this state takes. [`apply`] refuses the
    /// others; pages ask it which forms to offer.
    pub fn allows(&self, command: CaseCommandKind) -> bool {
        use CaseCommandKind as C;
        match command {
            C::BringToTable => matches!(self, Self::Registered),
            C::UpdateContribution => self.is_open(),
            C::Decide => matches!(self, Self::AtTable { .. }),
            C::Amend => self.decision().is_some(),
            C::Refer => matches!(self, Self::Registered | Self::AtTable { .. }),
            C::RecordBreach => matches!(self, Self::Decided { .. }),
            C::MaintainDecision => matches!(self, Self::ReturnedToProsecutor { .. }),
        }
    }

    /// Whether the first work of this kind on the case is possible now, counting that a case
    /// registered but not yet at the table is brought there first (the service does so for a
    /// contribution or a decision, see [`CaseCommandKind::brings_to_table_first`]).
    pub fn offers(&self, command: CaseCommandKind) -> bool {
        // Every kind that brings the case to the table first is allowed at the table.
        self.allows(command) || (command.brings_to_table_first() && self.allows(CaseCommandKind::BringToTable))
    }
}

/// A decision replaced by a later one, with why, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub previous: Decision,
    pub replaced_by: DecisionId,
    pub reason: String,
    pub amended_by: MemberId,
    pub amended_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZsmCase {
    pub id: CaseId,
    /// The code of the jurisdiction pack whose rules apply.
    pub pack: String,
    pub intake: Intake,
    pub contributions: Contributions,
    pub status: CaseStatus,
    pub amendments: Vec<Amendment>,
    pub breaches: Vec<Breach>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseCommand {
    BringToTable,
    UpdateContribution {
        partner: Partner,
        state: ContributionState,
        content: Option<ContributionContent>,
        by: MemberId,
    },
    Decide(DecisionRequest),
    Amend {
        request: DecisionRequest,
        reason: String,
    },
    Refer {
        destination: String,
        reason: String,
        by: MemberId,
    },
    RecordBreach {
        obligation: ObligationId,
        observed_on: Date,
        description: String,
        reported_by: AgencyCode,
        recorded_by: MemberId,
    },
    /// After a breach: the decision stands, for the recorded reason.
    MaintainDecision {
        reason: String,
        by: MemberId,
    },
}

/// What a [`CaseCommand`] does, without its data: the key of the case state table
/// ([`CaseStatus::allows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseCommandKind {
    BringToTable,
    UpdateContribution,
    Decide,
    Amend,
    Refer,
    RecordBreach,
    MaintainDecision,
}

impl CaseCommandKind {
    /// The first work of this kind on a registered case brings it to the table first: a
    /// partner's contribution or the prosecutor's decision.
    pub fn brings_to_table_first(self) -> bool {
        matches!(self, Self::UpdateContribution | Self::Decide)
    }
}

impl CaseCommand {
    pub fn kind(&self) -> CaseCommandKind {
        match self {
            Self::BringToTable => CaseCommandKind::BringToTable,
            Self::UpdateContribution { .. } => CaseCommandKind::UpdateContribution,
            Self::Decide(_) => CaseCommandKind::Decide,
            Self::Amend { .. } => CaseCommandKind::Amend,
            Self::Refer { .. } => CaseCommandKind::Refer,
            Self::RecordBreach { .. } => CaseCommandKind::RecordBreach,
            Self::MaintainDecision { .. } => CaseCommandKind::MaintainDecision,
        }
    }
}

/// What the store and the board must do after a transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseEffect {
    Registered { case: CaseId },
    ClockStarted(ClockRun),
    BroughtToTable { at: Timestamp },
    ContributionUpdated { partner: Partner, state: ContributionState },
    Decided { decision: DecisionId, disposal: DisposalCode, outcome: DisposalOutcome },
    DecisionAmended { previous: DecisionId, new: DecisionId, reason: String },
    ObligationCreated(Obligation),
    ObligationCancelled { obligation: ObligationId },
    Referred { destination: String },
    BreachRecorded { obligation: ObligationId },
    ReturnedToProsecutor { case: CaseId },
    DecisionMaintained { decision: DecisionId },
}

/// Registers a case from police intake and starts the clocks that run from the arrest or the
/// arrival at the station. Clocks that start on an order (custody, exclusion) are started by
/// the service when the order is given, with [`ClockRun::start`].
pub fn register(
    id: CaseId,
    input: IntakeInput,
    pack: &JurisdictionPack,
    clock: &dyn Clock,
) -> Result<(ZsmCase, Vec<CaseEffect>), ZsmError> {
    let intake = Intake::parse(input, pack, clock)?;
    let facts = intake.facts();
    let mut effects = vec![CaseEffect::Registered { case: id }];
    for definition in &pack.clocks {
        let start = match definition.starts_at {
            ClockAnchor::Arrest => intake.details().arrested_at,
            ClockAnchor::Arrival => intake.details().arrived_at_station,
            ClockAnchor::Order => continue,
        };
        if definition.category == ClockCategory::ExclusionOrder {
            continue;
        }
        let run = ClockRun::start(pack, &definition.code, start, &facts)?;
        effects.push(CaseEffect::ClockStarted(run));
    }
    let case = ZsmCase {
        id,
        pack: pack.code.clone(),
        contributions: Contributions::initial(pack, &facts),
        intake,
        status: CaseStatus::Registered,
        amendments: Vec::new(),
        breaches: Vec::new(),
    };
    Ok((case, effects))
}

/// Applies one command to a case. Access rules (which agency may edit which section, only a
/// prosecutor decides) are enforced by the caller; this enforces the legal and workflow rules.
pub fn apply(
    case: &ZsmCase,
    command: CaseCommand,
    pack: &JurisdictionPack,
    clock: &dyn Clock,
) -> Result<(ZsmCase, Vec<CaseEffect>), ZsmError> {
    if case.pack != pack.code {
        return Err(ZsmError::WrongPack { case_pack: case.pack.clone(), given: pack.code.clone() });
    }
    if !case.status.allows(command.kind()) {
        return Err(refusal(&command, &case.status));
    }
    let now = clock.now();
    let mut next = case.clone();
    let effects = match command {
        CaseCommand::BringToTable => {
            next.status = CaseStatus::AtTable { since: now };
            vec![CaseEffect::BroughtToTable { at: now }]
        }
        CaseCommand::UpdateContribution { partner, state, content, by } => {
            next.contributions = case.contributions.update(partner, state, content, by, now)?;
            vec![CaseEffect::ContributionUpdated { partner, state }]
        }
        CaseCommand::Decide(request) => {
            let decision = validate_decision(request, pack, &case.contributions, clock)?;
            let mut effects = vec![CaseEffect::Decided {
                decision: decision.id,
                disposal: decision.disposal.clone(),
                outcome: decision.outcome,
            }];
            effects.extend(decision.obligations.iter().cloned().map(CaseEffect::ObligationCreated));
            next.status = CaseStatus::Decided { decision };
            effects
        }
        CaseCommand::Amend { request, reason } => amend(&mut next, request, reason, pack, clock)?,
        CaseCommand::Refer { destination, reason, by } => {
            if destination.trim().is_empty() {
                return Err(ZsmError::EmptyField { field: "destination" });
            }
            require_reason(&reason)?;
            next.status = CaseStatus::Referred { destination: destination.clone(), reason, by, at: now };
            vec![CaseEffect::Referred { destination }]
        }
        CaseCommand::RecordBreach { obligation, observed_on, description, reported_by, recorded_by } => {
            let decision = in_force(&case.status)?;
            let Some(breached) = decision.obligations.iter().find(|o| o.id == obligation) else {
                return Err(ZsmError::UnknownObligation(obligation.as_uuid()));
            };
            if observed_on > now.to_zoned(pack.time_zone.clone()).date() {
                return Err(ZsmError::BreachInFuture { date: observed_on });
            }
            // Nothing can be breached before it applies, or after it ended.
            if observed_on < breached.starts_on || observed_on > breached.ends_on {
                return Err(ZsmError::BreachOutsideObligation {
                    date: observed_on,
                    starts_on: breached.starts_on,
                    ends_on: breached.ends_on,
                });
            }
            if description.trim().is_empty() {
                return Err(ZsmError::EmptyField { field: "breach description" });
            }
            next.breaches.push(Breach {
                obligation,
                observed_on,
                description,
                reported_by,
                recorded_by,
                recorded_at: now,
                resolution: None,
            });
            next.status = CaseStatus::ReturnedToProsecutor { decision: decision.clone(), breach: obligation };
            vec![CaseEffect::BreachRecorded { obligation }, CaseEffect::ReturnedToProsecutor { case: case.id }]
        }
        CaseCommand::MaintainDecision { reason, by } => {
            let decision = in_force(&case.status)?;
            require_reason(&reason)?;
            resolve_open_breach(&mut next, BreachResolution::DecisionMaintained { reason, by, at: now });
            next.status = CaseStatus::Decided { decision: decision.clone() };
            vec![CaseEffect::DecisionMaintained { decision: decision.id }]
        }
    };
    Ok((next, effects))
}

/// Replaces the decision in force: the old one is kept as an amendment, its obligations are
/// cancelled and the new decision's obligations created. Settles an open breach, if any.
fn amend(
    next: &mut ZsmCase,
    request: DecisionRequest,
    reason: String,
    pack: &JurisdictionPack,
    clock: &dyn Clock,
) -> Result<Vec<CaseEffect>, ZsmError> {
    require_reason(&reason)?;
    let Some(previous) = next.status.decision().cloned() else {
        return Err(ZsmError::InvalidTransition {
            state: next.status.name(),
            hint: "only a decided case can be amended",
        });
    };
    let decision = validate_decision(request, pack, &next.contributions, clock)?;
    let mut effects =
        vec![CaseEffect::DecisionAmended { previous: previous.id, new: decision.id, reason: reason.clone() }];
    effects.extend(previous.obligations.iter().map(|o| CaseEffect::ObligationCancelled { obligation: o.id }));
    effects.extend(decision.obligations.iter().cloned().map(CaseEffect::ObligationCreated));
    if matches!(next.status, CaseStatus::ReturnedToProsecutor { .. }) {
        resolve_open_breach(next, BreachResolution::DecisionAmended { new_decision: decision.id });
    }
    next.amendments.push(Amendment {
        replaced_by: decision.id,
        amended_by: decision.decided_by,
        amended_at: decision.decided_at,
        previous,
        reason,
    });
    next.status = CaseStatus::Decided { decision };
    Ok(effects)
}

fn resolve_open_breach(case: &mut ZsmCase, resolution: BreachResolution) {
    if let Some(open) = case.breaches.iter_mut().rev().find(|b| b.resolution.is_none()) {
        open.resolution = Some(resolution);
    }
}

fn require_reason(reason: &str) -> Result<(), ZsmError> {
    if reason.trim().is_empty() { Err(ZsmError::ReasonMissing) } else { Ok(()) }
}

/// The decision in force of a case whose state allows a breach or its outcome.
fn in_force(status: &CaseStatus) -> Result<&Decision, ZsmError> {
    status.decision().ok_or(ZsmError::InvalidTransition { state: status.name(), hint: "the case has no decision" })
}

/// Why a command the state table does not allow is refused.
fn refusal(command: &CaseCommand, status: &CaseStatus) -> ZsmError {
    match (command, status) {
        (CaseCommand::Decide(_), CaseStatus::Decided { .. } | CaseStatus::ReturnedToProsecutor { .. }) => {
            ZsmError::AlreadyDecided
        }
        _ => invalid_transition(command, status),
    }
}

/// A command that does not fit the state, with a hint at what the user can do instead.
fn invalid_transition(command: &CaseCommand, status: &CaseStatus) -> ZsmError {
    let hint = match (command, status) {
        (CaseCommand::Decide(_), CaseStatus::Registered) => "bring the case to the table first",
        (CaseCommand::Amend { .. }, _) => "only a decided case can be amended",
        (CaseCommand::RecordBreach { .. }, CaseStatus::ReturnedToProsecutor { .. }) => {
            "a breach is already waiting for the prosecutor"
        }
        (CaseCommand::RecordBreach { .. }, _) => "breaches are recorded on decided cases",
        (CaseCommand::MaintainDecision { .. }, _) => "there is no breach waiting for a decision",
        (CaseCommand::UpdateContribution { .. }, CaseStatus::Decided { .. }) => {
            "contributions are closed once the case is decided"
        }
        (CaseCommand::BringToTable, _) => "the case has already been brought to the table",
        (_, CaseStatus::Referred { .. }) => "the case was referred and is closed at this table",
        _ => "this action is not possible now",
    };
    ZsmError::InvalidTransition { state: status.name(), hint }
}

impl ZsmCase {
    /// Starts a clock that runs from an order, such as *inverzekeringstelling* (art. 57 Sv).
    /// The order must lie between the arrest and now. The caller stops the clock it supersedes
    /// (e.g. *ophouden voor onderzoek*) with [`StopReason::Superseded`](crate::zsm::StopReason).
    pub fn start_order_clock(
        &self,
        code: &ClockCode,
        ordered_at: Timestamp,
        pack: &JurisdictionPack,
        clock: &dyn Clock,
    ) -> Result<(ClockRun, CaseEffect), ZsmError> {
        if pack.clock(code)?.starts_at != ClockAnchor::Order {
            return Err(ZsmError::ClockNotStartedByOrder { clock: code.to_string() });
        }
        if ordered_at < self.intake.details().arrested_at || ordered_at > clock.now() {
            return Err(ZsmError::OrderOutsideCase { ordered_at });
        }
        let run = ClockRun::start(pack, code, ordered_at, &self.intake.facts())?;
        Ok((run.clone(), CaseEffect::ClockStarted(run)))
    }

    /// When the case was first decided (before any amendment), for time-to-decision metrics.
    pub fn first_decided_at(&self) -> Option<Timestamp> {
        self.amendments.first().map(|a| a.previous.decided_at).or_else(|| self.status.decision().map(|d| d.decided_at))
    }

    /// Whether the first decision came at or before `deadline` (e.g. the ZSM target clock's).
    pub fn decided_by(&self, deadline: Timestamp) -> Option<bool> {
        self.first_decided_at().map(|at| at <= deadline)
    }
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;
