use crate::ids::{AgencyId, MemberId, PersonId};
use crate::mentoring::model::*;
use crate::mentoring::workflow::*;
use jiff::civil::date;
use uuid::Uuid;

fn profile(n: u128, area: &str, capacity: u8, expires: jiff::civil::Date) -> MentorProfile {
    MentorProfile {
        member: MemberId(Uuid::from_u128(n)),
        agency: AgencyId(Uuid::from_u128(1)),
        name: format!("Mentor {n}"),
        lived_experience: n.is_multiple_of(2),
        vetted_on: date(2025, 1, 1),
        vetting_expires: expires,
        training_completed: None,
        languages: vec!["nl".into()],
        area: area.into(),
        availability: "evenings".into(),
        capacity,
        gender: if n == 2 { "female".into() } else { String::new() },
    }
}

fn matched(person: u128, on: jiff::civil::Date) -> MentorMatch {
    MentorMatch {
        id: Uuid::from_u128(900 + person),
        person: PersonId(Uuid::from_u128(person)),
        mentor: MemberId(Uuid::from_u128(2)),
        mentor_agency: AgencyId(Uuid::from_u128(1)),
        programme: Programme::Mentoring,
        consented: ConsentedItems::default(),
        shared_goals: vec![],
        first_meeting: None,
        started_on: on,
        ended_on: None,
        ended_reason: None,
        recorded_by: MemberId(Uuid::from_u128(3)),
        recorded_at: "2026-01-01T00:00:00Z".parse().unwrap(),
    }
}

#[test]
fn an_expired_vetting_or_a_full_mentor_stops_new_matches() {
    let today = date(2026, 6, 1);
    let expired = profile(2, "Den Haag", 3, date(2026, 5, 31));
    assert_eq!(
        may_match(&expired, &[], PersonId(Uuid::from_u128(7)), today),
        Err(MentoringError::VettingExpired { expired: date(2026, 5, 31) })
    );
    let full = profile(2, "Den Haag", 1, date(2027, 1, 1));
    let one = [matched(8, today)];
    assert_eq!(
        may_match(&full, &one, PersonId(Uuid::from_u128(7)), today),
        Err(MentoringError::AtCapacity { capacity: 1 })
    );
    assert_eq!(
        may_match(&profile(2, "x", 2, date(2027, 1, 1)), &one, PersonId(Uuid::from_u128(8)), today),
        Err(MentoringError::AlreadyMatched)
    );
}

#[test]
fn suggestions_prefer_what_the_person_wishes_and_skip_who_cannot_take_them() {
    let today = date(2026, 6, 1);
    let profiles = [
        profile(1, "Utrecht", 2, date(2027, 1, 1)),
        profile(2, "Den Haag", 2, date(2027, 1, 1)),
        profile(4, "Den Haag", 2, date(2026, 1, 1)),
    ];
    let wishes = Wishes { area: "den haag".into(), gender: "female".into(), ..Default::default() };
    let found = suggestions(&profiles, |_| 0, &wishes, today);
    let names: Vec<&str> = found.iter().map(|(p, _)| p.name.as_str()).collect();
    assert_eq!(names, ["Mentor 2", "Mentor 1"], "the expired one is left out");
    assert!(suggestions(&profiles, |_| 2, &wishes, today).is_empty(), "no free places");
}

#[test]
fn two_weeks_without_contact_is_overdue() {
    let m = matched(8, date(2026, 6, 1));
    assert!(!overdue(&m, &[], date(2026, 6, 15)));
    assert!(overdue(&m, &[], date(2026, 6, 16)));
    let contact = Contact {
        id: Uuid::nil(),
        match_id: m.id,
        person: m.person,
        mentor: m.mentor,
        on: date(2026, 6, 10),
        minutes: 60,
        place: "café".into(),
        how_it_went: "goed".into(),
    };
    assert!(!overdue(&m, std::slice::from_ref(&contact), date(2026, 6, 20)));
}

#[test]
fn the_helpline_names_who_is_on_call_now_and_next() {
    let shift = |n: u128, from: &str, to: &str| Shift {
        id: Uuid::from_u128(n),
        agency: AgencyId(Uuid::nil()),
        member: MemberId(Uuid::from_u128(n)),
        name: format!("M{n}"),
        starts_at: from.parse().unwrap(),
        ends_at: to.parse().unwrap(),
        phone: "0800".into(),
    };
    let shifts = [
        shift(1, "2026-06-01T08:00:00Z", "2026-06-01T20:00:00Z"),
        shift(2, "2026-06-01T20:00:00Z", "2026-06-02T08:00:00Z"),
    ];
    let (now, next) = on_call(&shifts, "2026-06-01T12:00:00Z".parse().unwrap());
    assert_eq!((now.map(|s| s.name.as_str()), next.map(|s| s.name.as_str())), (Some("M1"), Some("M2")));
}
