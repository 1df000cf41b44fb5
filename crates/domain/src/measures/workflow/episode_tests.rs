use super::*;
use jiff::civil::date;

/// The Dutch pack's figures: twelve weeks to start with, twenty-six in all, seven contacts a week.
pub(crate) const RULES: EpisodeRules = EpisodeRules { max_weeks: 12, max_total_weeks: 26, max_contacts_per_week: 7 };
use uuid::Uuid;

pub(crate) fn manager() -> MemberId {
    MemberId(Uuid::from_u128(5))
}

/// Six weeks, two contacts a week, from Monday 2 March 2026.
pub(crate) fn episode() -> Episode {
    let new = NewEpisode {
        id: EpisodeId(Uuid::from_u128(1)),
        person: PersonId(Uuid::from_u128(2)),
        case_manager: manager(),
        started_on: date(2026, 3, 2),
        weeks: 6,
        contacts_per_week: 2,
    };
    Episode::start(new, &RULES).unwrap().0
}

pub(crate) fn contact(on: Date) -> EpisodeCommand {
    EpisodeCommand::LogContact { on, by: manager(), kind: ContactKind::HomeVisit, note: "talked about debts".into() }
}

#[test]
fn starting_needs_a_time_box_and_an_intensity() {
    let mut new = NewEpisode {
        id: EpisodeId(Uuid::from_u128(1)),
        person: PersonId(Uuid::from_u128(2)),
        case_manager: manager(),
        started_on: date(2026, 3, 2),
        weeks: 0,
        contacts_per_week: 2,
    };
    assert_eq!(Episode::start(new.clone(), &RULES).unwrap_err(), EpisodeError::ZeroWeeks);
    new.weeks = 6;
    new.contacts_per_week = 0;
    assert_eq!(Episode::start(new.clone(), &RULES).unwrap_err(), EpisodeError::ZeroIntensity);
    new.contacts_per_week = 8;
    assert_eq!(Episode::start(new.clone(), &RULES).unwrap_err(), EpisodeError::TooIntense { max: 7 });
    new.weeks = 255;
    new.contacts_per_week = 2;
    assert_eq!(Episode::start(new.clone(), &RULES).unwrap_err(), EpisodeError::TooManyWeeks { max: 12 });
    new.weeks = 6;
    let (started, effects) = Episode::start(new, &RULES).unwrap();
    assert_eq!(started.ends_on(), date(2026, 4, 13));
    assert_eq!(effects, vec![EpisodeEffect::NotifyCaseManager { episode: started.id, member: manager() }]);
}

#[test]
fn contacts_are_logged_within_the_episode_and_not_in_the_future() {
    let today = date(2026, 3, 10);
    let (logged, _) = episode().apply(contact(date(2026, 3, 3)), &RULES, today).unwrap();
    assert_eq!(logged.contacts.len(), 1);
    assert_eq!(
        logged.clone().apply(contact(date(2026, 3, 1)), &RULES, today).unwrap_err(),
        EpisodeError::ContactBeforeStart { on: date(2026, 3, 1), started_on: date(2026, 3, 2) }
    );
    assert_eq!(
        logged.apply(contact(date(2026, 3, 11)), &RULES, today).unwrap_err(),
        EpisodeError::ContactInTheFuture { on: date(2026, 3, 11), today }
    );
}

#[test]
fn hand_over_and_extension() {
    let today = date(2026, 3, 10);
    let next = MemberId(Uuid::from_u128(6));
    let (handed, effects) = episode().apply(EpisodeCommand::HandOver { to: next }, &RULES, today).unwrap();
    assert_eq!(handed.case_manager, next);
    assert_eq!(effects, vec![EpisodeEffect::NotifyCaseManager { episode: handed.id, member: next }]);
    let extend = |weeks, reason: &str| EpisodeCommand::Extend { extra_weeks: weeks, reason: reason.into() };
    assert_eq!(handed.clone().apply(extend(0, "x"), &RULES, today).unwrap_err(), EpisodeError::ZeroExtension);
    assert_eq!(handed.clone().apply(extend(2, " "), &RULES, today).unwrap_err(), EpisodeError::ExtendNeedsReason);
    assert_eq!(
        handed.clone().apply(extend(21, "long"), &RULES, today).unwrap_err(),
        EpisodeError::ExtendedTooLong { total: 27, max: 26 }
    );
    assert_eq!(
        handed.clone().apply(extend(255, "long"), &RULES, today).unwrap_err(),
        EpisodeError::ExtendedTooLong { total: 261, max: 26 },
        "no overflow past 255"
    );
    let (extended, _) = handed.apply(extend(2, "housing viewing next month"), &RULES, today).unwrap();
    assert_eq!((extended.weeks, extended.ends_on()), (8, date(2026, 4, 27)));
}

#[test]
fn closing_needs_a_reason_and_ends_the_episode() {
    let today = date(2026, 4, 14);
    assert_eq!(
        episode().apply(EpisodeCommand::Close { reason: "".into() }, &RULES, today).unwrap_err(),
        EpisodeError::CloseNeedsReason
    );
    let (closed, effects) =
        episode().apply(EpisodeCommand::Close { reason: "goals reached".into() }, &RULES, today).unwrap();
    assert_eq!(closed.status, EpisodeStatus::Closed { on: today, reason: "goals reached".into() });
    assert_eq!(effects, vec![EpisodeEffect::EpisodeEnded { episode: closed.id, person: closed.person }]);
    assert_eq!(closed.apply(contact(date(2026, 4, 1)), &RULES, today).unwrap_err(), EpisodeError::Closed);
}
