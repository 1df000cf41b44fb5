//! The conference's effects as outbox events. A request goes to the Safety House's triage and
//! its outcome back to the requester (for a proposal of the criteria, to the Safety House);
//! invitations and cancellations go to the invited agencies; a closed meeting tells each
//! person's team that they were discussed, and each decision's owner its task.

use crate::conference::{ConferenceRequest, Meeting, MeetingEffect, RequestOrigin, TriageEffect, TriageOutcome};
use crate::ids::{AgencyId, MemberId};
use crate::notifications::{Audience, Event, EventKind, Subject, SubjectKind};
use crate::plan::{Plan, PlanEffect};
use jiff::Timestamp;
use std::collections::BTreeSet;

/// Who a conference's events are from and who runs triage.
pub(super) struct Teller<'a> {
    pub by: MemberId,
    pub at: Timestamp,
    /// The agencies that run triage and chair the conferences (the Safety Houses).
    pub safety_houses: &'a BTreeSet<AgencyId>,
}

impl Teller<'_> {
    fn request_event(&self, kind: EventKind, request: &ConferenceRequest, audience: Audience) -> Event {
        let subject = Subject::new(SubjectKind::ConferenceRequest, request.id.0);
        Event::new(kind, self.at, subject, audience).about(request.person).by(self.by)
    }

    fn requester(&self, request: &ConferenceRequest) -> Audience {
        match &request.origin {
            RequestOrigin::Partner { agency, .. } => Audience::agency(*agency),
            RequestOrigin::Proposed(_) => Audience::agencies(self.safety_houses.iter().copied()),
        }
    }

    /// The events of a request's effects (`request` as it is after them).
    pub fn triage(&self, request: &ConferenceRequest, effects: &[TriageEffect]) -> Vec<Event> {
        effects
            .iter()
            .map(|effect| match effect {
                TriageEffect::PutOnTriageList { triage_on, .. } => {
                    let audience = Audience::agencies(self.safety_houses.iter().copied());
                    self.request_event(EventKind::ConferenceRequestReceived, request, audience).with("date", triage_on)
                }
                TriageEffect::NotifyRequester { outcome, .. } => {
                    let audience = self.requester(request);
                    match outcome {
                        TriageOutcome::Accepted => {
                            self.request_event(EventKind::ConferenceRequestAccepted, request, audience)
                        }
                        TriageOutcome::Declined { reason } => self
                            .request_event(EventKind::ConferenceRequestDeclined, request, audience)
                            .with("reason", reason),
                        TriageOutcome::Scheduled { meeting_on } => self
                            .request_event(EventKind::ConferenceRequestScheduled, request, audience)
                            .with("date", meeting_on),
                        TriageOutcome::Unscheduled { reason } => self
                            .request_event(EventKind::ConferenceRequestUnscheduled, request, audience)
                            .with("reason", reason),
                    }
                }
                TriageEffect::InviteAgencies { meeting, agencies, .. } => {
                    let subject = Subject::new(SubjectKind::Meeting, meeting.0);
                    let audience = Audience::agencies(agencies.iter().copied());
                    let on = match &request.status {
                        crate::conference::RequestStatus::Scheduled { meeting_on, .. } => meeting_on.to_string(),
                        _ => String::new(),
                    };
                    Event::new(EventKind::ConferenceInvited, self.at, subject, audience)
                        .about(request.person)
                        .by(self.by)
                        .with("date", on)
                }
            })
            .collect()
    }

    /// The events of a meeting's own effects (`meeting` as it is after them). The effects that
    /// change requests and plans are carried out by the use case, and tell through those.
    pub fn meeting(&self, meeting: &Meeting, effects: &[MeetingEffect]) -> Vec<Event> {
        let subject = Subject::new(SubjectKind::Meeting, meeting.id.0);
        let event =
            |kind, audience| Event::new(kind, self.at, subject, audience).by(self.by).with("date", meeting.date);
        effects
            .iter()
            .filter_map(|effect| match effect {
                MeetingEffect::InviteAgencies { agencies, .. } => {
                    Some(event(EventKind::ConferenceMeetingPlanned, Audience::agencies(agencies.iter().copied())))
                }
                MeetingEffect::NotifyCancelled { agencies, reason, .. } => Some(
                    event(EventKind::ConferenceCancelled, Audience::agencies(agencies.iter().copied()))
                        .with("reason", reason),
                ),
                MeetingEffect::StrategyAgreed { person, .. } => {
                    let team = meeting.agenda.iter().find(|i| i.person == *person).map(|i| i.team.clone());
                    let audience = Audience::agencies(team.unwrap_or_default());
                    Some(event(EventKind::ConferenceDiscussed, audience).about(*person))
                }
                MeetingEffect::RequestScheduled { .. }
                | MeetingEffect::RequestUnscheduled { .. }
                | MeetingEffect::RequestDiscussed { .. }
                | MeetingEffect::CreateTask { .. } => None,
            })
            .collect()
    }

    /// A closed meeting's decisions on a person's plan: each task's owner is told it was decided
    /// at the meeting (in place of the plan's own "task given to you").
    pub fn decisions(&self, meeting: &Meeting, plan: &Plan, effects: &[PlanEffect]) -> Vec<Event> {
        let subject = Subject::new(SubjectKind::Plan, plan.id.0);
        effects
            .iter()
            .filter_map(|effect| {
                let PlanEffect::TaskAssigned { task, owner, owner_member, .. } = effect else { return None };
                let task = plan.task(*task)?;
                let audience = Audience::agency(*owner).with_member(*owner_member);
                Some(
                    Event::new(EventKind::ConferenceDecisionRecorded, self.at, subject, audience)
                        .about(plan.person)
                        .by(self.by)
                        .with("task", &task.description)
                        .with("due", task.due)
                        .with("date", meeting.date),
                )
            })
            .collect()
    }
}
