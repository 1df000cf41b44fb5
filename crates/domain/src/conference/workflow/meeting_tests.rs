use super::*;
use crate::conference::{Decision, Entry, meeting_view_for};
use jiff::civil::date;
use uuid::Uuid;

fn agency(n: u128) -> AgencyId {
    AgencyId(Uuid::from_u128(100 + n))
}
fn person(n: u128) -> PersonId {
    PersonId(Uuid::from_u128(200 + n))
}
fn now() -> Timestamp {
    "2026-03-10T14:00:00Z".parse().unwrap()
}
const POLICE: u128 = 1;
const PROBATION: u128 = 2;
const MUNICIPALITY: u128 = 3;

fn planned(quota: usize) -> Meeting {
    let new = NewMeeting {
        id: MeetingId(Uuid::from_u128(1)),
        date: date(2026, 3, 10),
        location: "Safety House, room 2".into(),
        chair: MemberId(Uuid::from_u128(9)),
        invited: [agency(POLICE), agency(PROBATION), agency(MUNICIPALITY)].into(),
    };
    Meeting::plan(new, &ConferenceRules { persons_per_day: quota }).unwrap().0
}

fn add(meeting: Meeting, who: u128, team: &[u128]) -> Result<Meeting, ConferenceError> {
    let command = MeetingCommand::AddToAgenda {
        person: person(who),
        request: None,
        team: team.iter().map(|a| agency(*a)).collect(),
        restriction: Restriction::Team,
        booked_elsewhere: 0,
    };
    meeting.apply(command, now()).map(|(m, _)| m)
}

fn remove(who: u128, reason: &str) -> MeetingCommand {
    MeetingCommand::RemoveFromAgenda { person: person(who), reason: reason.into() }
}

/// Person `who` on the agenda through request `request`.
fn add_requested(meeting: Meeting, who: u128, request: u128) -> (Meeting, Vec<MeetingEffect>) {
    let command = MeetingCommand::AddToAgenda {
        person: person(who),
        request: Some(ConferenceRequestId(Uuid::from_u128(request))),
        team: [agency(POLICE)].into(),
        restriction: Restriction::Team,
        booked_elsewhere: 0,
    };
    meeting.apply(command, now()).unwrap()
}

fn minutes(owner: u128) -> PersonMinutes {
    PersonMinutes {
        analysis: Entry::for_team("drinking drives the thefts; no address"),
        strategy: Strategy::Both,
        decisions: vec![Decision {
            task: TaskId(Uuid::from_u128(50)),
            description: "arrange a room in supported housing".into(),
            kind: crate::plan::TaskKind::Care,
            owner: agency(owner),
            owner_member: None,
            due: date(2026, 4, 1),
            restriction: Restriction::Team,
        }],
        notes: vec![
            Entry::for_team("agreed to see the GP"),
            Entry {
                text: "partner reported threats".into(),
                restriction: Restriction::Agencies([agency(POLICE)].into()),
            },
        ],
    }
}

/// Minutes for `who`, with the team as it was when they were put on the agenda.
fn record(meeting: Meeting, who: u128, minutes: PersonMinutes) -> Result<Meeting, ConferenceError> {
    let team = meeting.agenda.iter().find(|i| i.person == person(who)).map(|i| i.team.clone());
    let team = team.unwrap_or_else(|| [agency(POLICE)].into());
    meeting.apply(MeetingCommand::RecordMinutes { person: person(who), minutes, team }, now()).map(|(m, _)| m)
}

fn close(meeting: Meeting) -> Result<(Meeting, Vec<MeetingEffect>), ConferenceError> {
    meeting.apply(MeetingCommand::Close { today: date(2026, 3, 10) }, now())
}

#[test]
fn planning_checks_location_and_invitations() {
    let rules = ConferenceRules { persons_per_day: 5 };
    let good = NewMeeting {
        id: MeetingId(Uuid::from_u128(1)),
        date: date(2026, 3, 10),
        location: "  Room 2 ".into(),
        chair: MemberId(Uuid::from_u128(9)),
        invited: [agency(POLICE)].into(),
    };
    let (meeting, effects) = Meeting::plan(good.clone(), &rules).unwrap();
    assert_eq!((meeting.location.as_str(), meeting.quota), ("Room 2", 5));
    assert!(matches!(&effects[0], MeetingEffect::InviteAgencies { agencies, .. } if agencies.len() == 1));
    let no_place = NewMeeting { location: " ".into(), ..good.clone() };
    assert_eq!(Meeting::plan(no_place, &rules).unwrap_err(), ConferenceError::MissingLocation);
    let nobody = NewMeeting { invited: BTreeSet::new(), ..good };
    assert_eq!(Meeting::plan(nobody, &rules).unwrap_err(), ConferenceError::NoAgenciesInvited);
}

#[test]
fn the_agenda_refuses_persons_beyond_the_quota() {
    let mut meeting = planned(2);
    meeting = add(meeting, 1, &[POLICE]).unwrap();
    meeting = add(meeting, 2, &[POLICE]).unwrap();
    assert!(!meeting.has_room(0));
    let error = add(meeting.clone(), 3, &[POLICE]).unwrap_err();
    assert_eq!(error, ConferenceError::AgendaFull { quota: 2 });
    assert!(error.to_string().contains("next meeting with room"));
    assert_eq!(meeting.agenda.len(), 2, "a refused command changes nothing");
}

#[test]
fn first_meeting_with_room_skips_full_and_past_meetings() {
    let full = add(planned(1), 1, &[POLICE]).unwrap();
    let mut later = planned(1);
    later.id = MeetingId(Uuid::from_u128(2));
    later.date = date(2026, 3, 12);
    let mut earlier = planned(1);
    earlier.id = MeetingId(Uuid::from_u128(3));
    earlier.date = date(2026, 3, 3);
    let meetings = [full, later, earlier];
    assert_eq!(first_meeting_with_room(&meetings, date(2026, 3, 5)).map(|m| m.id), Some(MeetingId(Uuid::from_u128(2))));
    assert_eq!(first_meeting_with_room(&meetings, date(2026, 3, 13)), None);
}

#[test]
fn agenda_items_need_a_team_and_appear_once() {
    let meeting = add(planned(5), 1, &[POLICE]).unwrap();
    assert_eq!(add(meeting.clone(), 1, &[POLICE]).unwrap_err(), ConferenceError::AlreadyOnAgenda(person(1)));
    assert_eq!(add(meeting.clone(), 2, &[]).unwrap_err(), ConferenceError::EmptyTeam);
    let (removed, _) = meeting.clone().apply(remove(1, "in custody"), now()).unwrap();
    assert!(removed.agenda.is_empty());
    assert_eq!(removed.apply(remove(1, "in custody"), now()).unwrap_err(), ConferenceError::NotOnAgenda(person(1)));
}

#[test]
fn attendance_is_recorded_once_per_member() {
    let member = MemberId(Uuid::from_u128(30));
    let command = |present| MeetingCommand::RecordAttendance { member, agency: agency(POLICE), present };
    let (meeting, _) = planned(5).apply(command(false), now()).unwrap();
    let (meeting, _) = meeting.apply(command(true), now()).unwrap();
    assert_eq!(meeting.attendance, vec![Attendee { member, agency: agency(POLICE), present: true }]);
}

#[test]
fn minutes_need_an_analysis_and_decisions_owned_by_the_team() {
    let meeting = add(planned(5), 1, &[POLICE, MUNICIPALITY]).unwrap();
    let mut no_analysis = minutes(MUNICIPALITY);
    no_analysis.analysis.text = " ".into();
    assert_eq!(record(meeting.clone(), 1, no_analysis).unwrap_err(), ConferenceError::MissingAnalysis);
    assert_eq!(
        record(meeting.clone(), 1, minutes(PROBATION)).unwrap_err(),
        ConferenceError::DecisionOwnerNotOnTeam(agency(PROBATION))
    );
    let mut blank = minutes(MUNICIPALITY);
    blank.decisions[0].description.clear();
    assert_eq!(record(meeting.clone(), 1, blank).unwrap_err(), ConferenceError::DecisionWithoutDescription);
    assert_eq!(record(meeting, 2, minutes(MUNICIPALITY)).unwrap_err(), ConferenceError::NotOnAgenda(person(2)));
}

#[test]
fn closing_turns_decisions_into_tasks_and_needs_minutes_for_everyone() {
    let meeting = add(add(planned(5), 1, &[POLICE, MUNICIPALITY]).unwrap(), 2, &[POLICE]).unwrap();
    let meeting = record(meeting, 1, minutes(MUNICIPALITY)).unwrap();
    assert_eq!(close(meeting.clone()).unwrap_err(), ConferenceError::UndiscussedPersons(vec![person(2)]));
    let (meeting, _) = meeting.apply(remove(2, "moved to another region"), now()).unwrap();
    let (closed, effects) = close(meeting).unwrap();
    assert_eq!(closed.status, MeetingStatus::Closed { at: now() });
    assert_eq!(effects[0], MeetingEffect::StrategyAgreed { person: person(1), strategy: Strategy::Both });
    assert!(matches!(
        &effects[1],
        MeetingEffect::CreateTask { owner, due, .. } if *owner == agency(MUNICIPALITY) && *due == date(2026, 4, 1)
    ));
    assert_eq!(
        closed.apply(MeetingCommand::Cancel { reason: "x".into() }, now()).unwrap_err(),
        ConferenceError::NotPlanned("closed")
    );
}

#[test]
fn cancelling_needs_a_reason_and_notifies_the_invited() {
    assert_eq!(
        planned(5).apply(MeetingCommand::Cancel { reason: "".into() }, now()).unwrap_err(),
        ConferenceError::CancelNeedsReason
    );
    let (cancelled, effects) = planned(5).apply(MeetingCommand::Cancel { reason: "chair ill".into() }, now()).unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled { reason: "chair ill".into() });
    assert!(matches!(&effects[0], MeetingEffect::NotifyCancelled { agencies, .. } if agencies.len() == 3));
    assert_eq!(add(cancelled, 1, &[POLICE]).unwrap_err(), ConferenceError::NotPlanned("cancelled"));
}

#[test]
fn an_agency_sees_only_its_persons_and_unrestricted_entries() {
    let meeting = add(add(planned(5), 1, &[POLICE, MUNICIPALITY]).unwrap(), 2, &[PROBATION]).unwrap();
    let mut meeting = record(meeting, 1, minutes(MUNICIPALITY)).unwrap();
    meeting.agenda.push(AgendaItem {
        person: person(3),
        request: None,
        team: [agency(POLICE), agency(MUNICIPALITY)].into(),
        restriction: Restriction::Agencies([agency(POLICE)].into()),
        minutes: None,
    });

    let police = meeting_view_for(&meeting, agency(POLICE));
    let police_persons: Vec<PersonId> = police.items.iter().map(|i| i.person).collect();
    assert_eq!(police_persons, vec![person(1), person(3)]);
    let police_minutes = police.items[0].minutes.as_ref().unwrap();
    assert_eq!(police_minutes.notes, vec!["agreed to see the GP".to_owned(), "partner reported threats".to_owned()]);

    let municipality = meeting_view_for(&meeting, agency(MUNICIPALITY));
    assert_eq!(municipality.items.len(), 1, "the restricted person 3 is hidden");
    let their_minutes = municipality.items[0].minutes.as_ref().unwrap();
    assert_eq!(their_minutes.notes, vec!["agreed to see the GP".to_owned()]);
    assert_eq!(their_minutes.analysis.as_deref(), Some("drinking drives the thefts; no address"));
    assert_eq!(their_minutes.decisions.len(), 1);

    let probation = meeting_view_for(&meeting, agency(PROBATION));
    assert_eq!(probation.items.iter().map(|i| i.person).collect::<Vec<_>>(), vec![person(2)]);
    let outsider = meeting_view_for(&meeting, agency(99));
    assert!(outsider.items.is_empty());
}

#[test]
fn a_restriction_to_an_agency_off_the_team_shows_nothing_to_it() {
    let team: BTreeSet<AgencyId> = [agency(POLICE)].into();
    let restriction = Restriction::Agencies([agency(PROBATION)].into());
    assert!(!restriction.allows(agency(PROBATION), &team));
    assert!(!restriction.allows(agency(POLICE), &team));
    assert!(Restriction::Team.allows(agency(POLICE), &team));
}

#[test]
fn adding_a_requested_person_schedules_the_request() {
    let request = ConferenceRequestId(Uuid::from_u128(77));
    let command = MeetingCommand::AddToAgenda {
        person: person(1),
        request: Some(request),
        team: [agency(POLICE)].into(),
        restriction: Restriction::Team,
        booked_elsewhere: 0,
    };
    let (meeting, effects) = planned(5).apply(command, now()).unwrap();
    assert_eq!(
        effects,
        vec![MeetingEffect::RequestScheduled { request, meeting: meeting.id, meeting_on: date(2026, 3, 10) }]
    );
    assert_eq!(meeting.agenda[0].request, Some(request));
}

#[test]
fn taking_a_person_off_the_agenda_needs_a_reason_and_frees_their_request() {
    let (meeting, _) = add_requested(planned(5), 1, 70);
    let meeting = add(meeting, 2, &[POLICE]).unwrap();
    assert_eq!(meeting.clone().apply(remove(1, "  "), now()).unwrap_err(), ConferenceError::RemoveNeedsReason);
    let (meeting, effects) = meeting.apply(remove(1, " in custody until May "), now()).unwrap();
    assert_eq!(
        effects,
        vec![MeetingEffect::RequestUnscheduled {
            request: ConferenceRequestId(Uuid::from_u128(70)),
            reason: "in custody until May".into()
        }]
    );
    let people: Vec<PersonId> = meeting.agenda.iter().map(|i| i.person).collect();
    assert_eq!(people, vec![person(2)]);
    assert_eq!(
        meeting.removed,
        vec![Removal {
            person: person(1),
            request: Some(ConferenceRequestId(Uuid::from_u128(70))),
            reason: "in custody until May".into()
        }]
    );
    // Without a request (put on the agenda directly) nothing else needs to follow.
    let (_, effects) = meeting.apply(remove(2, "discussed elsewhere"), now()).unwrap();
    assert!(effects.is_empty());
}

#[test]
fn cancelling_frees_every_request_on_the_agenda() {
    let (meeting, _) = add_requested(planned(5), 1, 70);
    let (meeting, _) = add_requested(meeting, 2, 71);
    let (cancelled, effects) = meeting.apply(MeetingCommand::Cancel { reason: " chair ill ".into() }, now()).unwrap();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled { reason: "chair ill".into() });
    let freed: Vec<ConferenceRequestId> = effects
        .iter()
        .filter_map(|e| match e {
            MeetingEffect::RequestUnscheduled { request, reason } if reason == "chair ill" => Some(*request),
            _ => None,
        })
        .collect();
    assert_eq!(freed, vec![ConferenceRequestId(Uuid::from_u128(70)), ConferenceRequestId(Uuid::from_u128(71))]);
    assert_eq!(cancelled.apply(remove(1, "too late"), now()).unwrap_err(), ConferenceError::NotPlanned("cancelled"));
}

#[test]
fn minutes_can_be_restricted_only_to_agencies_on_the_team() {
    let meeting = add(planned(5), 1, &[POLICE, MUNICIPALITY]).unwrap();
    let mut outside = minutes(MUNICIPALITY);
    outside.analysis.restriction = Restriction::Agencies([agency(PROBATION)].into());
    assert_eq!(
        record(meeting.clone(), 1, outside).unwrap_err(),
        ConferenceError::RestrictionOutsideTeam(agency(PROBATION))
    );
    let mut inside = minutes(MUNICIPALITY);
    inside.analysis.restriction = Restriction::Agencies([agency(POLICE)].into());
    let meeting = record(meeting, 1, inside).unwrap();
    let municipality = meeting_view_for(&meeting, agency(MUNICIPALITY));
    assert_eq!(municipality.items[0].minutes.as_ref().unwrap().analysis, None, "outside the restriction");
    let police = meeting_view_for(&meeting, agency(POLICE));
    assert!(police.items[0].minutes.as_ref().unwrap().analysis.is_some(), "inside the restriction");
}

#[test]
fn the_quota_counts_every_meeting_of_the_day() {
    let mut morning = add(add(planned(3), 1, &[POLICE]).unwrap(), 2, &[POLICE]).unwrap();
    morning.id = MeetingId(Uuid::from_u128(5));
    let afternoon = planned(3);
    let booked = booked_on(&[morning.clone(), afternoon.clone()], afternoon.date, afternoon.id);
    assert_eq!(booked, 2);
    let command = |who: u128, booked_elsewhere| MeetingCommand::AddToAgenda {
        person: person(who),
        request: None,
        team: [agency(POLICE)].into(),
        restriction: Restriction::Team,
        booked_elsewhere,
    };
    let (afternoon, _) = afternoon.apply(command(3, booked), now()).unwrap();
    assert_eq!(afternoon.apply(command(4, booked), now()).unwrap_err(), ConferenceError::AgendaFull { quota: 3 });
    let next_day = Meeting { id: MeetingId(Uuid::from_u128(6)), date: date(2026, 3, 11), ..planned(3) };
    let full_day = [morning, add(planned(3), 3, &[POLICE]).unwrap(), next_day];
    assert_eq!(first_meeting_with_room(&full_day, date(2026, 3, 10)).map(|m| m.date), Some(date(2026, 3, 11)));
}

#[test]
fn decisions_may_go_to_an_agency_that_joined_the_team_after_scheduling() {
    let meeting = add(planned(5), 1, &[POLICE]).unwrap();
    assert_eq!(
        record(meeting.clone(), 1, minutes(MUNICIPALITY)).unwrap_err(),
        ConferenceError::DecisionOwnerNotOnTeam(agency(MUNICIPALITY))
    );
    let team: BTreeSet<AgencyId> = [agency(POLICE), agency(MUNICIPALITY)].into();
    let command =
        MeetingCommand::RecordMinutes { person: person(1), minutes: minutes(MUNICIPALITY), team: team.clone() };
    let (meeting, _) = meeting.apply(command, now()).unwrap();
    assert_eq!(meeting.agenda[0].team, team, "the minutes are shared with the team as it is now");
}

#[test]
fn a_meeting_closes_on_its_date_and_marks_the_requests_discussed() {
    let (meeting, _) = add_requested(planned(5), 1, 70);
    // Before its day the date is the reason, not the minutes it cannot have yet.
    let too_soon = meeting.clone().apply(MeetingCommand::Close { today: date(2026, 3, 9) }, now());
    assert_eq!(too_soon.unwrap_err(), ConferenceError::CloseBeforeDate { date: date(2026, 3, 10) });
    let meeting = record(meeting, 1, minutes(POLICE)).unwrap();
    let early = meeting.clone().apply(MeetingCommand::Close { today: date(2026, 3, 9) }, now());
    assert_eq!(early.unwrap_err(), ConferenceError::CloseBeforeDate { date: date(2026, 3, 10) });
    let (_, effects) = close(meeting).unwrap();
    assert!(effects.contains(&MeetingEffect::RequestDiscussed { request: ConferenceRequestId(Uuid::from_u128(70)) }));
}
