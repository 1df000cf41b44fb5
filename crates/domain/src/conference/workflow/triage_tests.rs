use super::*;
use crate::jurisdiction::BeyondPack;
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
    assert_eq!(ConferenceRequest::submit(nobody, &calendar, now()).unwrap_err(), ConferenceError::NoAgenciesInvited);
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
    assert_eq!(accepted.clone().apply(unschedule("x"), now()).unwrap_err(), ConferenceError::NotScheduled("accepted"));
    let meeting = MeetingId(Uuid::from_u128(9));
    let (scheduled, _) =
        accepted.apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 10) }, now()).unwrap();
    assert_eq!(scheduled.clone().apply(unschedule(" "), now()).unwrap_err(), ConferenceError::RemoveNeedsReason);
    let (again, effects) = scheduled.apply(unschedule("meeting cancelled"), now()).unwrap();
    assert_eq!(again.status, RequestStatus::Accepted { by: member(), at: now() });
    assert!(matches!(&effects[0], TriageEffect::NotifyRequester { outcome: TriageOutcome::Unscheduled { .. }, .. }));
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
        accepted.clone().apply(TriageCommand::Schedule { meeting, meeting_on: date(2026, 3, 2) }, now()).unwrap_err(),
        ConferenceError::MeetingBeforeTriage { meeting_on: date(2026, 3, 2), triage_on: date(2026, 3, 3) }
    );
    assert_eq!(
        accepted.apply(TriageCommand::Accept { by: member() }, now()).unwrap_err(),
        ConferenceError::AlreadyTriaged("accepted")
    );
}
