//! The referral lifecycle. Which status may follow which, and which side may make that move,
//! is data ([`Transitions`], seeded by migration 0035 as `referral_transition`, identical to
//! [`DEFAULT_TRANSITIONS`]); `Referral::apply` checks a command against it and returns the
//! referral after it with its effects, without IO.

use super::model::{
    Amendment, Attended, ChangeDetail, EndOfService, ProgressRecord, ReasonCategory, Referral, ReferralChange,
    ReferralStatus, SessionRecord, Side,
};
use crate::access::{Actor, Role};
use crate::ids::{AgencyId, MemberId};
use crate::service::RuleError;
use crate::validation::FieldError;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use ReferralStatus::*;

/// (from, to, the side that may make the move).
pub type Transition = (ReferralStatus, ReferralStatus, Side);

/// The lifecycle as seeded: the referrer sends and withdraws, the provider answers, queues,
/// starts and ends the service.
pub const DEFAULT_TRANSITIONS: [Transition; 15] = [
    (Draft, Sent, Side::Referrer),
    (Draft, Withdrawn, Side::Referrer),
    (Sent, Accepted, Side::Provider),
    (Sent, Declined, Side::Provider),
    (Sent, Withdrawn, Side::Referrer),
    (Accepted, Waiting, Side::Provider),
    (Accepted, Started, Side::Provider),
    (Accepted, Withdrawn, Side::Referrer),
    (Waiting, Started, Side::Provider),
    (Waiting, Declined, Side::Provider),
    (Waiting, Withdrawn, Side::Referrer),
    (Started, Completed, Side::Provider),
    (Started, EndedEarly, Side::Provider),
    (Started, EndedEarly, Side::Referrer),
    (Started, Withdrawn, Side::Referrer),
];

/// The allowed moves of a deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitions(pub Vec<Transition>);

impl Default for Transitions {
    fn default() -> Self {
        Self(DEFAULT_TRANSITIONS.to_vec())
    }
}

impl Transitions {
    pub fn allows(&self, from: ReferralStatus, to: ReferralStatus, side: Side) -> bool {
        self.0.contains(&(from, to, side))
    }

    /// The moves `side` may make from `from`, for the buttons a page offers.
    pub fn next(&self, from: ReferralStatus, side: Side) -> Vec<ReferralStatus> {
        self.0.iter().filter(|(f, _, s)| *f == from && *s == side).map(|(_, to, _)| *to).collect()
    }
}

/// Which roles act for each side of a referral: who may find help for a person and refer
/// them (the referrer side), who answers and delivers (the provider side). Data like the
/// moves (`referral_side_role`, seeded by migration 0062 as [`DEFAULT_SIDE_ROLES`]), so a
/// deployment that lets, say, the municipality refer adds a row rather than changing code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SideRoles(pub Vec<(Role, Side)>);

/// As seeded: probation and the Safety House's process manager refer — they screen and keep
/// the plan a referral puts its task on; a provider's members answer. Housing, municipality
/// and other partners on the team see the plan and the referrals' status, but neither the
/// finder (which shows the screened needs) nor a referral form.
pub const DEFAULT_SIDE_ROLES: [(Role, Side); 3] = [
    (Role::ProbationOfficer, Side::Referrer),
    (Role::ProcessManager, Side::Referrer),
    (Role::ProviderWorker, Side::Provider),
];

impl Default for SideRoles {
    fn default() -> Self {
        Self(DEFAULT_SIDE_ROLES.to_vec())
    }
}

impl SideRoles {
    /// Whether one of the actor's roles acts for `side`.
    pub fn acts_for(&self, actor: &Actor, side: Side) -> bool {
        self.role_for(actor, side).is_some()
    }

    /// The first of the actor's roles that acts for `side` (the audit names it as the basis).
    pub fn role_for(&self, actor: &Actor, side: Side) -> Option<Role> {
        self.0.iter().find(|(role, s)| *s == side && actor.roles.contains(role)).map(|(role, _)| *role)
    }
}

/// One change to a referral, already parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferralCommand {
    Move {
        to: ReferralStatus,
        reason: Option<ReasonCategory>,
        note: Option<String>,
    },
    Amend(Amendment),
    Schedule {
        on: Date,
        note: String,
    },
    Attendance(SessionRecord),
    Feedback {
        on: Date,
        text: String,
    },
    Concern {
        text: String,
    },
    Progress(ProgressRecord),
    /// Ends the service as completed with the end-of-service report.
    Complete(EndOfService),
}

/// Who makes the change and when.
#[derive(Debug, Clone, Copy)]
pub struct By {
    pub member: MemberId,
    pub agency: AgencyId,
    pub side: Side,
    pub at: Timestamp,
    pub on: Date,
}

/// What a change means beyond the referral: each becomes an outbox event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferralEffect {
    /// Any change both sides (and the provider's system) should hear of.
    Changed {
        action: &'static str,
        status: ReferralStatus,
    },
    Started {
        on: Date,
    },
    Ended {
        on: Date,
        completed: bool,
    },
    /// A concern the provider raised: the referrer is told at once.
    ConcernRaised {
        text: String,
    },
}

/// What a referral's change means for the plan task it was made from (or created): the
/// provider completing the service does the task; a referral that ends any other way —
/// declined, withdrawn, ended early — leaves it open for its owner to act on, never silently
/// closed. Any other change leaves the task as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskOutcome {
    Done,
    KeptOpen,
}

impl TaskOutcome {
    /// For a referral that went from `before` to `after`.
    pub fn of(before: ReferralStatus, after: ReferralStatus) -> Option<Self> {
        if before.has_ended() || !after.has_ended() {
            return None;
        }
        Some(if after == Completed { Self::Done } else { Self::KeptOpen })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferralError {
    #[error("a referral cannot go from {from:?} to {to:?} by the {side:?}")]
    NotAllowed { from: ReferralStatus, to: ReferralStatus, side: Side },
    #[error("{0} is not a desired outcome of this intervention")]
    UnknownOutcome(String),
    #[error("this change needs a reason")]
    ReasonNeeded,
    #[error("a referral that has ended takes no more changes")]
    Ended,
    #[error("only the provider records delivery")]
    ProviderOnly,
    #[error("sessions are recorded once the service has started")]
    NotStarted,
    #[error("an absence needs a reason")]
    AbsenceReason,
    /// The change was decided on a status the referral no longer has (the other side moved it).
    #[error("the referral was changed meanwhile")]
    ChangedMeanwhile,
}

impl RuleError for ReferralError {
    fn field_error(&self) -> FieldError {
        match self {
            Self::NotAllowed { to, .. } => {
                FieldError::new("action", "error.referral.not_allowed").with("to", to.code())
            }
            Self::UnknownOutcome(o) => FieldError::new("outcome", "error.referral.outcome").with("outcome", o),
            Self::ReasonNeeded => FieldError::new("reason", "error.referral.reason"),
            Self::Ended => FieldError::new("action", "error.referral.ended"),
            Self::ProviderOnly => FieldError::new("action", "error.referral.provider_only"),
            Self::NotStarted => FieldError::new("action", "error.referral.not_started"),
            Self::AbsenceReason => FieldError::new("reason", "error.referral.absence_reason"),
            Self::ChangedMeanwhile => FieldError::new("action", "error.referral.changed_meanwhile"),
        }
    }
}

impl ReferralCommand {
    pub fn action(&self) -> &'static str {
        match self {
            Self::Move { to, .. } => to.code(),
            Self::Amend(_) => "amend",
            Self::Schedule { .. } => "schedule",
            Self::Attendance(_) => "attendance",
            Self::Feedback { .. } => "feedback",
            Self::Concern { .. } => "concern",
            Self::Progress(_) => "progress",
            Self::Complete(_) => "completed",
        }
    }
}

impl Referral {
    /// Applies `command` made by `by`; the referral after it and what it means outside.
    pub fn apply(
        &self,
        command: ReferralCommand,
        by: By,
        rules: &Transitions,
    ) -> Result<(Referral, Vec<ReferralEffect>), ReferralError> {
        let mut next = self.clone();
        let mut effects = Vec::new();
        let action = command.action();
        let delivery = |r: &Referral| -> Result<(), ReferralError> {
            if by.side != Side::Provider {
                return Err(ReferralError::ProviderOnly);
            }
            if r.status != Started {
                return Err(if r.status.has_ended() { ReferralError::Ended } else { ReferralError::NotStarted });
            }
            Ok(())
        };
        let detail = match command {
            ReferralCommand::Move { to, reason, note } => {
                next.move_to(to, by, rules, &mut effects)?;
                if matches!(to, Declined | Withdrawn | EndedEarly) && reason.is_none() {
                    return Err(ReferralError::ReasonNeeded);
                }
                ChangeDetail::Status { to, reason, note }
            }
            ReferralCommand::Complete(report) => {
                for (outcome, _) in &report.outcomes {
                    if !self.outcomes.contains(outcome) {
                        return Err(ReferralError::UnknownOutcome(outcome.clone()));
                    }
                }
                next.move_to(Completed, by, rules, &mut effects)?;
                ChangeDetail::Report(report)
            }
            ReferralCommand::Amend(amendment) => {
                if self.status.has_ended() {
                    return Err(ReferralError::Ended);
                }
                if amendment.reason.trim().is_empty() {
                    return Err(ReferralError::ReasonNeeded);
                }
                let field = match amendment.field {
                    super::model::AmendableField::Risks => &mut next.shared.risks,
                    super::model::AmendableField::Basis => &mut next.shared.basis,
                    super::model::AmendableField::Note => &mut next.note,
                };
                let before = std::mem::replace(field, amendment.after.clone());
                ChangeDetail::Amended(Amendment { before, ..amendment })
            }
            ReferralCommand::Schedule { on, note } => {
                if by.side != Side::Provider {
                    return Err(ReferralError::ProviderOnly);
                }
                if self.status.has_ended() {
                    return Err(ReferralError::Ended);
                }
                ChangeDetail::Scheduled { on, note }
            }
            ReferralCommand::Attendance(record) => {
                delivery(self)?;
                if record.attended == Attended::No && record.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                    return Err(ReferralError::AbsenceReason);
                }
                ChangeDetail::Attendance(record)
            }
            ReferralCommand::Feedback { on, text } => {
                delivery(self)?;
                ChangeDetail::Feedback { on, text }
            }
            ReferralCommand::Concern { text } => {
                delivery(self)?;
                effects.push(ReferralEffect::ConcernRaised { text: text.clone() });
                ChangeDetail::Concern { text }
            }
            ReferralCommand::Progress(record) => {
                delivery(self)?;
                if !self.outcomes.contains(&record.outcome) {
                    return Err(ReferralError::UnknownOutcome(record.outcome));
                }
                ChangeDetail::Progress(record)
            }
        };
        next.history.push(ReferralChange {
            at: by.at,
            on: by.on,
            by: by.member,
            agency: by.agency,
            side: by.side,
            status: next.status,
            detail,
        });
        if !effects.iter().any(|e| matches!(e, ReferralEffect::Started { .. } | ReferralEffect::Ended { .. })) {
            effects.push(ReferralEffect::Changed { action, status: next.status });
        }
        Ok((next, effects))
    }

    fn move_to(
        &mut self,
        to: ReferralStatus,
        by: By,
        rules: &Transitions,
        effects: &mut Vec<ReferralEffect>,
    ) -> Result<(), ReferralError> {
        if !rules.allows(self.status, to, by.side) {
            return Err(ReferralError::NotAllowed { from: self.status, to, side: by.side });
        }
        let was_started = self.status == Started;
        self.status = to;
        match to {
            Accepted | Waiting => {
                self.queued_at.get_or_insert(by.at);
            }
            Started => {
                self.started_on = Some(by.on);
                effects.push(ReferralEffect::Started { on: by.on });
            }
            Completed | EndedEarly | Withdrawn | Declined => {
                self.ended_on = Some(by.on);
                if was_started {
                    effects.push(ReferralEffect::Ended { on: by.on, completed: to == Completed });
                }
            }
            Draft | Sent => {}
        }
        Ok(())
    }
}
