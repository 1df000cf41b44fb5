//! A request for a case conference: Requested → Accepted / Declined(reason) → Scheduled.

use super::calendar::TriageCalendar;
use super::criteria::Proposal;
use super::error::ConferenceError;
use crate::ids::{AgencyId, ConferenceRequestId, MeetingId, MemberId, PersonId};
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
    Accepted { by: MemberId, at: Timestamp },
    Declined { by: MemberId, at: Timestamp, reason: String },
    Scheduled { meeting: MeetingId, meeting_on: Date },
}

impl RequestStatus {
    pub fn name(&self) -> &'static str {
        match self {
            RequestStatus::Requested => "requested",
            RequestStatus::Accepted { .. } => "accepted",
            RequestStatus::Declined { .. } => "declined",
            RequestStatus::Scheduled { .. } => "scheduled",
        }
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum TriageEffect {
    PutOnTriageList {
        request: ConferenceRequestId,
        triage_on: Date,
    },
    /// Tell the requesting agency (or, for a proposal, the process manager) the outcome.
    NotifyRequester {
        request: ConferenceRequestId,
        outcome: &'static str,
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
            (RequestStatus::Requested, TriageCommand::Accept { by }) => Ok((
                Self { status: RequestStatus::Accepted { by, at: now }, ..self },
                vec![TriageEffect::NotifyRequester { request: id, outcome: "accepted" }],
            )),
            (RequestStatus::Requested, TriageCommand::Decline { by, reason }) => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::DeclineNeedsReason);
                }
                let reason = reason.trim().to_owned();
                Ok((
                    Self { status: RequestStatus::Declined { by, at: now, reason }, ..self },
                    vec![TriageEffect::NotifyRequester { request: id, outcome: "declined" }],
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
                    TriageEffect::NotifyRequester { request: id, outcome: "scheduled" },
                ];
                Ok((Self { status: RequestStatus::Scheduled { meeting, meeting_on }, ..self }, effects))
            }
            (status, TriageCommand::Schedule { .. }) => Err(ConferenceError::NotAccepted(status.name())),
            (RequestStatus::Scheduled { .. }, TriageCommand::Unschedule { by, reason }) => {
                if reason.trim().is_empty() {
                    return Err(ConferenceError::RemoveNeedsReason);
                }
                Ok((
                    Self { status: RequestStatus::Accepted { by, at: now }, ..self },
                    vec![TriageEffect::NotifyRequester { request: id, outcome: "taken off the agenda" }],
                ))
            }
            (status, TriageCommand::Unschedule { .. }) => Err(ConferenceError::NotScheduled(status.name())),
        }
    }

    /// Still waiting after its triage date: the triage list shows it as carried over.
    pub fn is_carried_over(&self, today: Date) -> bool {
        matches!(self.status, RequestStatus::Requested) && today > self.triage_on
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
mod tests {
    use super::*;
    use crate::beyond_pack::BeyondPack;
    use jiff::civil::date;
    use uuid::Uuid;

    fn now() -> Timestamp {
        "2026-03-02T09:00:00Z".parse().unwrap()
    }

    fn member() -> MemberId {
        MemberId(Uuid::from_u128(7))
    }

    fn new_request() -> NewConferenceRequest {
        NewConferenceRequest {
            id: ConferenceRequestId(Uuid::from_u128(1)),
            person: PersonId(Uuid::from_u128(2)),
            origin: RequestOrigin::Partner { agency: AgencyId(Uuid::from_u128(3)), member: member() },
            reason: " shoplifting weekly, homeless, drinking ".into(),
            goal: "one plan: housing, health, area ban".into(),
            invited: [AgencyId(Uuid::from_u128(3)), AgencyId(Uuid::from_u128(4))].into(),
        }
    }

    fn submitted() -> ConferenceRequest {
        ConferenceRequest::submit(new_request(), &BeyondPack::nl().triage_calendar, now()).unwrap().0
    }

    #[test]
    fn submitting_puts_the_request_on_the_triage_list_by_the_cut_off() {
        let (request, effects) =
            ConferenceRequest::submit(new_request(), &BeyondPack::nl().triage_calendar, now()).unwrap();
        assert_eq!(request.triage_on, date(2026, 3, 3));
        assert_eq!(request.reason, "shoplifting weekly, homeless, drinking");
        assert_eq!(request.status, RequestStatus::Requested);
        assert_eq!(effects, vec![TriageEffect::PutOnTriageList { request: request.id, triage_on: date(2026, 3, 3) }]);
        assert!(!request.is_carried_over(date(2026, 3, 3)));
        assert!(request.is_carried_over(date(2026, 3, 4)));
    }

    #[test]
    fn incomplete_requests_are_refused() {
        let calendar = BeyondPack::nl().triage_calendar;
        let mut no_reason = new_request();
        no_reason.reason = "  ".into();
        assert_eq!(ConferenceRequest::submit(no_reason, &calendar, now()).unwrap_err(), ConferenceError::MissingReason);
        let mut no_goal = new_request();
        no_goal.goal = String::new();
        assert_eq!(ConferenceRequest::submit(no_goal, &calendar, now()).unwrap_err(), ConferenceError::MissingGoal);
        let mut nobody = new_request();
        nobody.invited.clear();
        assert_eq!(
            ConferenceRequest::submit(nobody, &calendar, now()).unwrap_err(),
            ConferenceError::NoAgenciesInvited
        );
    }

    #[test]
    fn a_request_not_triaged_in_time_rolls_into_the_next_triage() {
        let calendar = BeyondPack::nl().triage_calendar;
        let request = submitted();
        assert_eq!(request.triage_on, date(2026, 3, 3));
        // On its triage day and before it, it stays there.
        assert_eq!(request.current_triage_on(&calendar, date(2026, 3, 3)), date(2026, 3, 3));
        // Not handled on Tuesday: on Wednesday it is on Thursday's triage, on Friday on next Tuesday's.
        assert!(request.is_carried_over(date(2026, 3, 4)));
        assert_eq!(request.current_triage_on(&calendar, date(2026, 3, 4)), date(2026, 3, 5));
        assert_eq!(request.current_triage_on(&calendar, date(2026, 3, 5)), date(2026, 3, 5));
        assert_eq!(request.current_triage_on(&calendar, date(2026, 3, 6)), date(2026, 3, 10));
        // A decided request keeps its date.
        let (accepted, _) = request.apply(TriageCommand::Accept { by: member() }, now()).unwrap();
        assert_eq!(accepted.current_triage_on(&calendar, date(2026, 3, 6)), date(2026, 3, 3));
    }

    #[test]
    fn accept_then_schedule() {
        let (accepted, effects) = submitted().apply(TriageCommand::Accept { by: member() }, now()).unwrap();
        assert_eq!(accepted.status, RequestStatus::Accepted { by: member(), at: now() });
        assert_eq!(effects.len(), 1);
        let meeting = MeetingId(Uuid::from_u128(9));
        let (scheduled, effects) =
            accepted.apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 10) }, now()).unwrap();
        assert_eq!(scheduled.status, RequestStatus::Scheduled { meeting, meeting_on: date(2026, 3, 10) });
        assert!(matches!(&effects[0], TriageEffect::InviteAgencies { agencies, .. } if agencies.len() == 2));
    }

    #[test]
    fn a_scheduled_request_taken_off_the_agenda_is_accepted_again() {
        let (accepted, _) = submitted().apply(TriageCommand::Accept { by: member() }, now()).unwrap();
        let unschedule = |reason: &str| TriageCommand::Unschedule { by: member(), reason: reason.into() };
        assert_eq!(
            accepted.clone().apply(unschedule("x"), now()).unwrap_err(),
            ConferenceError::NotScheduled("accepted")
        );
        let meeting = MeetingId(Uuid::from_u128(9));
        let (scheduled, _) =
            accepted.apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 10) }, now()).unwrap();
        assert_eq!(scheduled.clone().apply(unschedule(" "), now()).unwrap_err(), ConferenceError::RemoveNeedsReason);
        let (again, effects) = scheduled.apply(unschedule("meeting cancelled"), now()).unwrap();
        assert_eq!(again.status, RequestStatus::Accepted { by: member(), at: now() });
        assert!(matches!(effects[0], TriageEffect::NotifyRequester { outcome: "taken off the agenda", .. }));
    }

    #[test]
    fn declining_needs_a_reason_and_is_final() {
        let request = submitted();
        assert_eq!(
            request.clone().apply(TriageCommand::Decline { by: member(), reason: " ".into() }, now()).unwrap_err(),
            ConferenceError::DeclineNeedsReason
        );
        let (declined, _) = request
            .apply(TriageCommand::Decline { by: member(), reason: "regular probation suffices".into() }, now())
            .unwrap();
        assert!(
            matches!(&declined.status, RequestStatus::Declined { reason, .. } if reason == "regular probation suffices")
        );
        assert_eq!(
            declined.clone().apply(TriageCommand::Accept { by: member() }, now()).unwrap_err(),
            ConferenceError::AlreadyTriaged("declined")
        );
        let meeting = MeetingId(Uuid::from_u128(9));
        assert_eq!(
            declined.apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 10) }, now()).unwrap_err(),
            ConferenceError::NotAccepted("declined")
        );
    }

    #[test]
    fn scheduling_needs_acceptance_and_a_meeting_after_triage() {
        let meeting = MeetingId(Uuid::from_u128(9));
        assert_eq!(
            submitted().apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 10) }, now()).unwrap_err(),
            ConferenceError::NotAccepted("requested")
        );
        let (accepted, _) = submitted().apply(TriageCommand::Accept { by: member() }, now()).unwrap();
        assert_eq!(
            accepted
                .clone()
                .apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 2) }, now())
                .unwrap_err(),
            ConferenceError::MeetingBeforeTriage { meeting_on: date(2026, 3, 2), triage_on: date(2026, 3, 3) }
        );
        assert_eq!(
            accepted.apply(TriageCommand::Accept { by: member() }, now()).unwrap_err(),
            ConferenceError::AlreadyTriaged("accepted")
        );
    }
}
