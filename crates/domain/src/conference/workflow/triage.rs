//! A request for a case conference: Requested → Accepted / Declined(reason) → Scheduled.

use crate::conference::{ConferenceError, Proposal};
use crate::ids::{AgencyId, ConferenceRequestId, MeetingId, MemberId, PersonId};
use crate::jurisdiction::TriageCalendar;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who asked for the conference: a partner, or the system because the criteria matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestOrigin {
    Partner { agency: AgencyId, member: MemberId },
    Proposed(Proposal),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestStatus {
    Requested,
    Accepted {
        by: MemberId,
        at: Timestamp,
    },
    Declined {
        by: MemberId,
        at: Timestamp,
        reason: String,
    },
    Scheduled {
        meeting: MeetingId,
        meeting_on: Date,
    },
    /// The meeting was held and closed with the person discussed.
    Discussed {
        meeting: MeetingId,
        meeting_on: Date,
    },
}

impl RequestStatus {
    pub fn name(&self) -> &'static str {
        match self {
            RequestStatus::Requested => "requested",
            RequestStatus::Accepted { .. } => "accepted",
            RequestStatus::Declined { .. } => "declined",
            RequestStatus::Scheduled { .. } => "scheduled",
            RequestStatus::Discussed { .. } => "discussed",
        }
    }

    /// Waiting for triage: only now may the process manager accept or decline it.
    pub fn awaits_triage(&self) -> bool {
        matches!(self, RequestStatus::Requested)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewConferenceRequest {
    pub id: ConferenceRequestId,
    pub person: PersonId,
    pub origin: RequestOrigin,
    pub reason: String,
    pub goal: String,
    pub invited: BTreeSet<AgencyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConferenceRequest {
    pub id: ConferenceRequestId,
    pub person: PersonId,
    pub origin: RequestOrigin,
    pub reason: String,
    pub goal: String,
    pub invited: BTreeSet<AgencyId>,
    pub submitted_at: Timestamp,
    pub triage_on: Date,
    pub status: RequestStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TriageCommand {
    Accept {
        by: MemberId,
    },
    Decline {
        by: MemberId,
        reason: String,
    },
    Schedule {
        meeting: MeetingId,
        meeting_on: Date,
    },
    /// The meeting was cancelled or the person taken off its agenda: the request is accepted
    /// again (by whoever took it off) and waits for another meeting.
    Unschedule {
        by: MemberId,
        reason: String,
    },
    /// The meeting it was scheduled for closed with the person discussed.
    Discussed,
}

/// What became of a request, as the requester is told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TriageOutcome {
    Accepted,
    Declined {
        reason: String,
    },
    Scheduled {
        meeting_on: Date,
    },
    /// Taken off a meeting's agenda (or the meeting was cancelled); it waits for another.
    Unscheduled {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TriageEffect {
    PutOnTriageList {
        request: ConferenceRequestId,
        triage_on: Date,
    },
    /// Tell the requesting agency (or, for a proposal, the Safety House) the outcome.
    NotifyRequester {
        request: ConferenceRequestId,
        outcome: TriageOutcome,
    },
    InviteAgencies {
        request: ConferenceRequestId,
        meeting: MeetingId,
        agencies: BTreeSet<AgencyId>,
    },
}

impl ConferenceRequest {
    /// Files a request; the cut-off rule decides its triage date.
    pub fn submit(
        new: NewConferenceRequest,
        calendar: &TriageCalendar,
        now: Timestamp,
    ) -> Result<(Self, Vec<TriageEffect>), ConferenceError> {
        if new.reason.trim().is_empty() {
            return Err(ConferenceError::MissingReason);
        }
        if new.goal.trim().is_empty() {
            return Err(ConferenceError::MissingGoal);
        }
        if new.invited.is_empty() {
            return Err(ConferenceError::NoAgenciesInvited);
        }
        let triage_on = calendar.triage_date(now);
        let request = Self {
            id: new.id,
            person: new.person,
            origin: new.origin,
            reason: new.reason.trim().to_owned(),
            goal: new.goal.trim().to_owned(),
            invited: new.invited,
            submitted_at: now,
            triage_on,
            status: RequestStatus::Requested,
        };
        let effects = vec![TriageEffect::PutOnTriageList { request: request.id, triage_on }];
        Ok((request, effects))
    }

    pub fn apply(self, command: TriageCommand, now: Timestamp) -> Result<(Self, Vec<TriageEffect>), ConferenceError> {
        let id = self.id;
        match (&self.status, command) {
            (status, TriageCommand::Accept { by }) if status.awaits_triage() => Ok((
                Self { status: RequestStatus::Accepted { by, at: now }, ..self },
                vec![TriageEffect::NotifyRequester { request: id, outcome: TriageOutcome::Accepted }],
            )),
            (status, TriageCommand::Decline { by, reason }) if status.awaits_triage() => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::DeclineNeedsReason);
                }
                let reason = reason.trim().to_owned();
                let outcome = TriageOutcome::Declined { reason: reason.clone() };
                Ok((
                    Self { status: RequestStatus::Declined { by, at: now, reason }, ..self },
                    vec![TriageEffect::NotifyRequester { request: id, outcome }],
                ))
            }
            (status, TriageCommand::Accept { .. } | TriageCommand::Decline { .. }) => {
                Err(ConferenceError::AlreadyTriaged(status.name()))
            }
            (RequestStatus::Accepted { .. }, TriageCommand::Schedule { meeting, meeting_on }) => {
                if meeting_on < self.triage_on {
                    return Err(ConferenceError::MeetingBeforeTriage { meeting_on, triage_on: self.triage_on });
                }
                let effects = vec![
                    TriageEffect::InviteAgencies { request: id, meeting, agencies: self.invited.clone() },
                    TriageEffect::NotifyRequester { request: id, outcome: TriageOutcome::Scheduled { meeting_on } },
                ];
                Ok((Self { status: RequestStatus::Scheduled { meeting, meeting_on }, ..self }, effects))
            }
            (status, TriageCommand::Schedule { .. }) => Err(ConferenceError::NotAccepted(status.name())),
            (RequestStatus::Scheduled { .. }, TriageCommand::Unschedule { by, reason }) => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::RemoveNeedsReason);
                }
                let outcome = TriageOutcome::Unscheduled { reason: reason.trim().to_owned() };
                Ok((
                    Self { status: RequestStatus::Accepted { by, at: now }, ..self },
                    vec![TriageEffect::NotifyRequester { request: id, outcome }],
                ))
            }
            (status, TriageCommand::Unschedule { .. }) => Err(ConferenceError::NotScheduled(status.name())),
            (RequestStatus::Scheduled { meeting, meeting_on }, TriageCommand::Discussed) => {
                let status = RequestStatus::Discussed { meeting: *meeting, meeting_on: *meeting_on };
                Ok((Self { status, ..self }, Vec::new()))
            }
            (status, TriageCommand::Discussed) => Err(ConferenceError::NotScheduled(status.name())),
        }
    }

    /// Still waiting after its triage date: the triage list shows it as carried over.
    pub fn is_carried_over(&self, today: Date) -> bool {
        self.status.awaits_triage() && today > self.triage_on
    }

    /// The triage a waiting request is on now: its own triage date, or, when that passed
    /// without a decision, the first triage day from `today` on (it rolls into the next triage).
    pub fn current_triage_on(&self, calendar: &TriageCalendar, today: Date) -> Date {
        if !self.is_carried_over(today) {
            return self.triage_on;
        }
        let yesterday = today.yesterday().expect("dates are far from the calendar's limits");
        calendar.next_triage_after(yesterday)
    }
}

#[cfg(test)]
#[path = "triage_tests.rs"]
mod tests;
