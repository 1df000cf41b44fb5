//! The outbox's events and the notifications members read from them.
//!
//! An [`Event`] is a fact a workflow's effect produced, written in the same transaction as the
//! change it reports. It names its audience — the agencies entitled to be told — and the person
//! it concerns, so a member is shown it only while their agency is on that person's case team
//! (checked when the list is read, not when the event was written: an agency that left the
//! team stops seeing it). Events are never changed; what a member has read is kept beside them.

use crate::ids::{AgencyId, EventId, MemberId, PersonId};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use uuid::Uuid;

/// What happened. The code is stable: it is stored, chooses the message a member reads
/// (`notification.<code>` in the catalogue) and is what partner systems subscribe to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// A plan task was given to an agency (or one of its members).
    PlanTaskAssigned,
    /// An outstanding task ended because its plan closed or went back to criminal justice.
    PlanTaskCancelled,
    PlanActivated,
    PlanReEvaluationStarted,
    PlanContinued,
    PlanClosed,
    /// The plan ended and the prosecution picks the person up on the regular route.
    PlanReturnedToProsecution,
    /// A conference request is on the Safety House's triage list.
    ConferenceRequestReceived,
    ConferenceRequestAccepted,
    ConferenceRequestDeclined,
    ConferenceRequestScheduled,
    /// The person was taken off a meeting's agenda (or the meeting was cancelled).
    ConferenceRequestUnscheduled,
    /// A case conference was planned and the agency invited to it.
    ConferenceMeetingPlanned,
    /// An agency is invited to discuss one person at a case conference.
    ConferenceInvited,
    ConferenceCancelled,
    /// A case conference decided a task for an agency; it is on the person's plan.
    ConferenceDecisionRecorded,
    /// A case conference discussed the person and agreed a strategy.
    ConferenceDiscussed,
    /// A member became the case manager of a short intensive episode.
    EpisodeAssigned,
    EpisodeEnded,
    /// An exclusion order's help task was given to an agency.
    ExclusionHelpAssigned,
    ExclusionEnded,
    CohortMemberJoined,
    CohortMemberLeft,
    /// A legal clock on a ZSM case came within the pack's warning window, or ran out.
    ZsmClockEscalated,
    /// An agency is invited onto a person's team; it answers with its own legal basis.
    TeamInvitation,
    TeamInvitationAccepted,
    TeamInvitationDeclined,
    // --- issue 17 item 18 (table branch) ---
    /// A partner proposed a mayor's measure; the municipality on the team decides.
    MeasureProposed,
    // --- issue 17 walk (walk4): the proposer hears the municipality's answer ---
    /// The municipality answered a proposal: `outcome` "imposed" or "declined", with its `note`.
    MeasureProposalAnswered,
    // Interventions (issue 19): the outbox contract shared with funds and what-works.
    /// A referral's service started (an index event for "what works").
    ReferralStarted,
    /// A started referral ended: `outcome` is "completed" or "ended_early".
    ReferralCompleted,
    /// Any other change to a referral (sent, accepted, waiting, attendance, progress, …).
    ReferralChanged,
    /// The provider flagged a concern: the referrer is told at once.
    ReferralConcern,
    // Personal funds and mentors (issue 20).
    MentorMatched,
    FundAllocated,
    // Ending a mentor match (views4): the mentor and their coordinator's agency are told.
    MentorMatchEnded,
    /// A referred plan task's referral ended (plantask): `status` "completed" (the task is
    /// done) or the status it ended in otherwise (declined, withdrawn, ended early: the task
    /// stays open), told to the task's owner and the referrer.
    PlanTaskReferralEnded,
}

impl EventKind {
    pub const ALL: [EventKind; 37] = [
        Self::PlanTaskAssigned,
        Self::PlanTaskCancelled,
        Self::PlanActivated,
        Self::PlanReEvaluationStarted,
        Self::PlanContinued,
        Self::PlanClosed,
        Self::PlanReturnedToProsecution,
        Self::ConferenceRequestReceived,
        Self::ConferenceRequestAccepted,
        Self::ConferenceRequestDeclined,
        Self::ConferenceRequestScheduled,
        Self::ConferenceRequestUnscheduled,
        Self::ConferenceMeetingPlanned,
        Self::ConferenceInvited,
        Self::ConferenceCancelled,
        Self::ConferenceDecisionRecorded,
        Self::ConferenceDiscussed,
        Self::EpisodeAssigned,
        Self::EpisodeEnded,
        Self::ExclusionHelpAssigned,
        Self::ExclusionEnded,
        Self::CohortMemberJoined,
        Self::CohortMemberLeft,
        Self::ZsmClockEscalated,
        Self::TeamInvitation,
        Self::TeamInvitationAccepted,
        Self::TeamInvitationDeclined,
        Self::MeasureProposed,
        Self::MeasureProposalAnswered,
        Self::ReferralStarted,
        Self::ReferralCompleted,
        Self::ReferralChanged,
        Self::ReferralConcern,
        Self::MentorMatched,
        Self::FundAllocated,
        Self::MentorMatchEnded,
        Self::PlanTaskReferralEnded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::PlanTaskAssigned => "plan.task.assigned",
            Self::PlanTaskCancelled => "plan.task.cancelled",
            Self::PlanActivated => "plan.activated",
            Self::PlanReEvaluationStarted => "plan.re_evaluation.started",
            Self::PlanContinued => "plan.continued",
            Self::PlanClosed => "plan.closed",
            Self::PlanReturnedToProsecution => "plan.returned_to_prosecution",
            Self::ConferenceRequestReceived => "conference.request.received",
            Self::ConferenceRequestAccepted => "conference.request.accepted",
            Self::ConferenceRequestDeclined => "conference.request.declined",
            Self::ConferenceRequestScheduled => "conference.request.scheduled",
            Self::ConferenceRequestUnscheduled => "conference.request.unscheduled",
            Self::ConferenceMeetingPlanned => "conference.meeting.planned",
            Self::ConferenceInvited => "conference.invited",
            Self::ConferenceCancelled => "conference.meeting.cancelled",
            Self::ConferenceDecisionRecorded => "conference.decision.recorded",
            Self::ConferenceDiscussed => "conference.discussed",
            Self::EpisodeAssigned => "episode.assigned",
            Self::EpisodeEnded => "episode.ended",
            Self::ExclusionHelpAssigned => "exclusion.help.assigned",
            Self::ExclusionEnded => "exclusion.ended",
            Self::CohortMemberJoined => "cohort.member.joined",
            Self::CohortMemberLeft => "cohort.member.left",
            Self::ZsmClockEscalated => "zsm.clock.escalated",
            Self::TeamInvitation => "team.invitation",
            Self::TeamInvitationAccepted => "team.invitation.accepted",
            Self::TeamInvitationDeclined => "team.invitation.declined",
            Self::MeasureProposed => "measure.proposed",
            Self::MeasureProposalAnswered => "measure.proposal.answered",
            Self::ReferralStarted => "referral.started",
            Self::ReferralCompleted => "referral.completed",
            Self::ReferralChanged => "referral.changed",
            Self::ReferralConcern => "referral.concern",
            Self::MentorMatched => "mentor.matched",
            Self::FundAllocated => "fund.allocated",
            Self::MentorMatchEnded => "mentor.match_ended",
            Self::PlanTaskReferralEnded => "plan.task.referral_ended",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What kind of record an event is about; with the id it says where to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SubjectKind {
    Person,
    Plan,
    ConferenceRequest,
    Meeting,
    Episode,
    ExclusionOrder,
    ZsmCase,
    Invitation,
    // Interventions (issue 19).
    Referral,
    // Personal funds and mentors (issue 20).
    MentorMatch,
    Fund,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 11] = [
        Self::Person,
        Self::Plan,
        Self::ConferenceRequest,
        Self::Meeting,
        Self::Episode,
        Self::ExclusionOrder,
        Self::ZsmCase,
        Self::Invitation,
        Self::Referral,
        Self::MentorMatch,
        Self::Fund,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Plan => "plan",
            Self::ConferenceRequest => "conference_request",
            Self::Meeting => "meeting",
            Self::Episode => "episode",
            Self::ExclusionOrder => "exclusion_order",
            Self::ZsmCase => "zsm_case",
            Self::Invitation => "invitation",
            Self::Referral => "referral",
            Self::MentorMatch => "mentor_match",
            Self::Fund => "fund",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: Uuid,
}

impl Subject {
    pub fn new(kind: SubjectKind, id: Uuid) -> Self {
        Self { kind, id }
    }
}

/// Who is entitled to be told: agencies, and where the event names one member (the member a
/// task or an episode was given to), that member — who reads it as "for you" among the rest of
/// their agency's notifications.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Audience {
    pub agencies: BTreeSet<AgencyId>,
    pub member: Option<MemberId>,
}

impl Audience {
    pub fn agencies(agencies: impl IntoIterator<Item = AgencyId>) -> Self {
        Self { agencies: agencies.into_iter().collect(), member: None }
    }

    pub fn agency(agency: AgencyId) -> Self {
        Self::agencies([agency])
    }

    pub fn with_member(mut self, member: Option<MemberId>) -> Self {
        self.member = member;
        self
    }
}

/// The longest value an event's detail keeps; longer texts are cut (the record itself holds
/// the whole text, the event only says what happened).
pub const DETAIL_MAX_CHARS: usize = 200;

/// One fact for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub kind: EventKind,
    pub at: Timestamp,
    /// The member whose action produced it; `None` for what the system noticed (a clock).
    pub by: Option<MemberId>,
    /// The person it concerns: members see it only while their agency is on this person's team.
    pub person: Option<PersonId>,
    pub subject: Subject,
    pub audience: Audience,
    /// The message's parameters (`{task}`, `{date}`, …), short plain texts.
    pub detail: BTreeMap<String, String>,
    /// A fact recorded at most once under this key (e.g. one escalation per clock, deadline
    /// and level, however many servers notice it).
    pub once: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind, at: Timestamp, subject: Subject, audience: Audience) -> Self {
        Self {
            id: EventId::new(at),
            kind,
            at,
            by: None,
            person: None,
            subject,
            audience,
            detail: BTreeMap::new(),
            once: None,
        }
    }

    pub fn by(mut self, member: MemberId) -> Self {
        self.by = Some(member);
        self
    }

    pub fn about(mut self, person: PersonId) -> Self {
        self.person = Some(person);
        self
    }

    /// Adds a message parameter, cut to [`DETAIL_MAX_CHARS`] characters.
    pub fn with(mut self, name: &str, value: impl fmt::Display) -> Self {
        let text = value.to_string();
        let cut = match text.char_indices().nth(DETAIL_MAX_CHARS) {
            Some((end, _)) => format!("{}…", &text[..end]),
            None => text,
        };
        self.detail.insert(name.to_owned(), cut);
        self
    }

    pub fn once(mut self, key: impl Into<String>) -> Self {
        self.once = Some(key.into());
        self
    }

    /// Whether a member of `agency` is among those told (the member who caused it is not told
    /// of their own action: they know).
    pub fn addressed_to(&self, agency: AgencyId, member: MemberId) -> bool {
        self.audience.agencies.contains(&agency) && self.by != Some(member)
    }
}

/// An event as stored, with its place in the outbox. Positions increase in commit order
/// without gaps, so a consumer that has handled everything up to a position has missed nothing
/// before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    pub position: i64,
    pub event: Event,
}

/// An event addressed to a member's agency, with whether that member has read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub position: i64,
    pub event: Event,
    pub read: bool,
}

impl Notification {
    /// Whether the event names this member (a task or an episode given to them).
    pub fn for_member(&self, member: MemberId) -> bool {
        self.event.audience.member == Some(member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> Timestamp {
        "2026-12-01T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn kinds_and_subjects_round_trip_through_their_codes() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.code()), Some(kind));
        }
        for kind in SubjectKind::ALL {
            assert_eq!(SubjectKind::parse(kind.code()), Some(kind));
        }
        assert_eq!(EventKind::parse("plan.unknown"), None);
        let codes: BTreeSet<&str> = EventKind::ALL.iter().map(|k| k.code()).collect();
        assert_eq!(codes.len(), EventKind::ALL.len(), "codes are unique");
    }

    #[test]
    fn long_details_are_cut_on_a_character_boundary() {
        let subject = Subject::new(SubjectKind::Plan, Uuid::nil());
        let long = "é".repeat(DETAIL_MAX_CHARS + 5);
        let event = Event::new(EventKind::PlanActivated, at(), subject, Audience::default()).with("task", &long);
        let kept = &event.detail["task"];
        assert_eq!(kept.chars().count(), DETAIL_MAX_CHARS + 1);
        assert!(kept.ends_with('…'));
        let short = Event::new(EventKind::PlanActivated, at(), subject, Audience::default()).with("task", "kort");
        assert_eq!(short.detail["task"], "kort");
    }

    #[test]
    fn the_member_who_acted_is_not_told_of_their_own_action() {
        let agency = AgencyId::new(at());
        let (actor, colleague) = (MemberId::new(at()), MemberId::new(at()));
        let subject = Subject::new(SubjectKind::Plan, Uuid::nil());
        let event = Event::new(EventKind::PlanActivated, at(), subject, Audience::agency(agency)).by(actor);
        assert!(!event.addressed_to(agency, actor));
        assert!(event.addressed_to(agency, colleague));
        assert!(!event.addressed_to(AgencyId::new(at()), colleague));
    }
}
