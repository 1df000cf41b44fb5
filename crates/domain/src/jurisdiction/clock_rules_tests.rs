//! Hand-computed examples first (each worked out in its comment), then property tests against
//! an independent minute-by-minute oracle, across midnight, the 00:00–09:00 window and both
//! daylight-saving changes in Europe/Amsterdam and Europe/London.

use super::*;
use jiff::civil::DateTime;
use proptest::prelude::*;

fn amsterdam() -> TimeZone {
    jiff::tz::db().get("Europe/Amsterdam").unwrap()
}

fn london() -> TimeZone {
    jiff::tz::db().get("Europe/London").unwrap()
}

fn night() -> NotCountedWindow {
    NotCountedWindow { from: Time::constant(0, 0, 0, 0), until: Time::constant(9, 0, 0, 0) }
}

/// A local wall-clock time in `tz` as an instant.
fn local(tz: &TimeZone, civil: &str) -> Timestamp {
    civil.parse::<DateTime>().unwrap().to_zoned(tz.clone()).unwrap().timestamp()
}

fn counted(arrest: Timestamp, hours: u32, tz: &TimeZone) -> Timestamp {
    counted_hours_deadline(arrest, hours, &night(), tz).unwrap()
}

#[test]
fn hand_computed_counted_hours_examples() {
    let tz = amsterdam();
    // (arrest local, counted hours, expected deadline local)
    let examples = [
        // 22:00–00:00 counts 2 h, 00:00–09:00 does not, then 4 h: 13:00 next day.
        ("2026-01-15T22:00", 6, "2026-01-16T13:00"),
        // Daytime only: 10:00 + 9 h.
        ("2026-01-15T10:00", 9, "2026-01-15T19:00"),
        // Arrested inside the window: counting starts at 09:00.
        ("2026-01-15T03:00", 6, "2026-01-15T15:00"),
        // 23:59: one minute counts, then 8 h 59 min from 09:00.
        ("2026-01-15T23:59", 9, "2026-01-16T17:59"),
        // 08:59: the minute to 09:00 does not count.
        ("2026-01-15T08:59", 6, "2026-01-15T15:00"),
        // Exactly six hours up to midnight: the deadline is midnight itself.
        ("2026-01-15T18:00", 6, "2026-01-16T00:00"),
        // 9 h + 6 h identity extension = 15 h from 20:00: 4 h, then 11 h from 09:00.
        ("2026-01-15T20:00", 15, "2026-01-16T20:00"),
        // Spring forward (29 March 2026, 02:00 -> 03:00): the window is 8 real hours, the
        // counted hours are unchanged, so the local deadline is still 13:00.
        ("2026-03-28T22:00", 6, "2026-03-29T13:00"),
        // Fall back (25 October 2026, 03:00 -> 02:00): the window is 10 real hours.
        ("2026-10-24T22:00", 6, "2026-10-25T13:00"),
    ];
    for (arrest, hours, expected) in examples {
        assert_eq!(
            counted(local(&tz, arrest), hours, &tz),
            local(&tz, expected),
            "arrest {arrest} + {hours} counted hours"
        );
    }
}

#[test]
fn bundled_and_system_time_zone_data_agree_on_the_dst_examples() {
    let bundled = jiff::tz::TimeZoneDatabase::bundled().get("Europe/Amsterdam").unwrap();
    for arrest in ["2026-03-28T22:00", "2026-10-24T22:00", "2027-03-27T23:59"] {
        let at = local(&amsterdam(), arrest);
        assert_eq!(counted(at, 9, &bundled), counted(at, 9, &amsterdam()), "{arrest}");
    }
}

#[test]
fn dst_nights_change_the_real_length_not_the_counted_hours() {
    let tz = amsterdam();
    let spring = local(&tz, "2026-03-28T22:00");
    let autumn = local(&tz, "2026-10-24T22:00");
    let winter = local(&tz, "2026-01-15T22:00");
    let real = |arrest: Timestamp| counted(arrest, 6, &tz).duration_since(arrest);
    assert_eq!(real(winter), SignedDuration::from_hours(15));
    assert_eq!(real(spring), SignedDuration::from_hours(14));
    assert_eq!(real(autumn), SignedDuration::from_hours(16));
    // Same instants in UTC, spelled out: 21:00Z + 14 h = 11:00Z on 29 March.
    assert_eq!(counted(spring, 6, &tz), "2026-03-29T11:00:00Z".parse::<Timestamp>().unwrap());
}

#[test]
fn elapsed_hours_are_real_hours_even_across_dst() {
    let tz = london();
    // PACE: 24 h from arrival at 12:00 GMT on 28 March 2026 ends at 13:00 BST on 29 March.
    let arrival = local(&tz, "2026-03-28T12:00");
    let deadline = elapsed_deadline(arrival, ClockSpan::hours(24), &tz).unwrap();
    assert_eq!(deadline, local(&tz, "2026-03-29T13:00"));
    assert_eq!(deadline.duration_since(arrival), SignedDuration::from_hours(24));
}

#[test]
fn elapsed_days_are_civil_days_in_the_pack_time_zone() {
    let tz = amsterdam();
    // Inverzekeringstelling, 3 days from 14:00 on 23 October 2026 ends at 14:00 on 26 October:
    // 73 real hours because the clocks go back on 25 October.
    let order = local(&tz, "2026-10-23T14:00");
    let deadline = elapsed_deadline(order, ClockSpan::days(3), &tz).unwrap();
    assert_eq!(deadline, local(&tz, "2026-10-26T14:00"));
    assert_eq!(deadline.duration_since(order), SignedDuration::from_hours(73));
    // Art. 59a Sv: 3 days and 18 hours after an arrest at 10:00 is 04:00 four days later.
    let arrest = local(&tz, "2026-01-10T10:00");
    let judge = elapsed_deadline(arrest, ClockSpan { days: 3, hours: 18 }, &tz).unwrap();
    assert_eq!(judge, local(&tz, "2026-01-14T04:00"));
}

#[test]
fn counted_duration_counts_only_outside_the_window() {
    let tz = amsterdam();
    let from = local(&tz, "2026-01-15T22:00");
    let to = local(&tz, "2026-01-16T10:30");
    assert_eq!(counted_duration(from, to, &night(), &tz).unwrap(), SignedDuration::from_mins(3 * 60 + 30));
    assert_eq!(counted_duration(to, from, &night(), &tz).unwrap(), SignedDuration::ZERO);
}

/// Independent oracle: walk minute by minute and count the minutes whose local hour is 9 or
/// later. Only valid for whole-minute starts, which is what the strategies generate.
fn oracle_deadline(arrest: Timestamp, hours: u32, tz: &TimeZone) -> Timestamp {
    let mut remaining = i64::from(hours) * 60;
    let mut cursor = arrest;
    loop {
        if remaining == 0 {
            return cursor;
        }
        if cursor.to_zoned(tz.clone()).hour() >= 9 {
            remaining -= 1;
        }
        cursor = cursor.checked_add(SignedDuration::from_mins(1)).unwrap();
    }
}

/// Whole-minute instants across all of 2026 (covers every DST change of the year).
fn any_minute_2026() -> impl Strategy<Value = Timestamp> {
    let start = "2026-01-01T00:00:00Z".parse::<Timestamp>().unwrap();
    (0i64..365 * 24 * 60).prop_map(move |m| start + SignedDuration::from_mins(m))
}

/// Whole-minute instants within two days of a DST change in Amsterdam or London.
fn around_dst() -> impl Strategy<Value = Timestamp> {
    let changes = ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2027-03-28T01:00:00Z", "2027-10-31T01:00:00Z"]
        .map(|s| s.parse::<Timestamp>().unwrap());
    (0usize..changes.len(), -2 * 24 * 60i64..2 * 24 * 60)
        .prop_map(move |(i, m)| changes[i] + SignedDuration::from_mins(m))
}

/// Arrests at 23:59 or 08:59 local time on any day of 2026.
fn at_edge_minutes(tz: TimeZone) -> impl Strategy<Value = Timestamp> {
    (0i64..365, prop::bool::ANY).prop_map(move |(day, late)| {
        let date = jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(day);
        let time = if late { Time::constant(23, 59, 0, 0) } else { Time::constant(8, 59, 0, 0) };
        date.to_datetime(time).to_zoned(tz.clone()).unwrap().timestamp()
    })
}

fn allowed_hours() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![6u32, 9, 12, 15])
}

fn check_invariants(arrest: Timestamp, hours: u32, tz: &TimeZone) -> Result<(), TestCaseError> {
    let deadline = counted(arrest, hours, tz);
    let allowed = SignedDuration::from_hours(i64::from(hours));
    let real = deadline.duration_since(arrest);
    prop_assert!(real >= allowed, "{arrest}: {real:?} < {allowed:?}");
    // At most one night fits in 15 counted hours; a fall-back night is 10 real hours long.
    prop_assert!(real <= allowed + SignedDuration::from_hours(10), "{arrest}: {real:?}");
    prop_assert_eq!(counted_duration(arrest, deadline, &night(), tz).unwrap(), allowed);
    // The deadline never falls inside the night: a clock cannot run out while it is paused.
    let local = deadline.to_zoned(tz.clone()).time();
    prop_assert!(local == Time::midnight() || local > Time::constant(9, 0, 0, 0), "deadline at {local} local");
    prop_assert_eq!(deadline, oracle_deadline(arrest, hours, tz));
    Ok(())
}

proptest! {
    #[test]
    fn counted_deadline_invariants_all_year(arrest in any_minute_2026(), hours in allowed_hours()) {
        check_invariants(arrest, hours, &amsterdam())?;
        check_invariants(arrest, hours, &london())?;
    }

    #[test]
    fn counted_deadline_invariants_around_dst(arrest in around_dst(), hours in allowed_hours()) {
        check_invariants(arrest, hours, &amsterdam())?;
        check_invariants(arrest, hours, &london())?;
    }

    #[test]
    fn counted_deadline_at_23_59_and_08_59(
        (tz, arrest) in prop_oneof![
            at_edge_minutes(amsterdam()).prop_map(|a| (amsterdam(), a)),
            at_edge_minutes(london()).prop_map(|a| (london(), a)),
        ],
        hours in allowed_hours(),
    ) {
        check_invariants(arrest, hours, &tz)?;
        let local = arrest.to_zoned(tz.clone()).time();
        let deadline = counted(arrest, hours, &tz).to_zoned(tz.clone());
        let arrest_date = arrest.to_zoned(tz.clone()).date();
        let (from, counting_starts) = if local == Time::constant(8, 59, 0, 0) {
            // Nothing counts before 09:00: the hours run from 09:00 the same day.
            (arrest_date, Time::constant(9, 0, 0, 0))
        } else {
            // One minute before midnight counts; the rest runs from 09:00 the next day.
            (arrest_date.tomorrow().unwrap(), Time::constant(8, 59, 0, 0))
        };
        let expected = from.to_datetime(counting_starts) + jiff::Span::new().hours(i64::from(hours));
        prop_assert_eq!(deadline.datetime(), expected);
    }

    #[test]
    fn evening_arrests_resume_counting_at_nine(
        day in 0i64..365, minute in 0i64..(3 * 60), hours in allowed_hours(),
    ) {
        // Arrests between 21:00 and 23:59 with at least 3 h allowed always cross midnight:
        // the hours before midnight count, the rest is counted from 09:00 the next day.
        let tz = amsterdam();
        let evening = jiff::civil::date(2026, 1, 1) + jiff::Span::new().days(day);
        let arrest = evening
            .to_datetime(Time::constant(21, 0, 0, 0))
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp()
            + SignedDuration::from_mins(minute);
        let before_midnight = SignedDuration::from_mins(3 * 60 - minute);
        let resume = evening
            .tomorrow()
            .unwrap()
            .to_datetime(Time::constant(9, 0, 0, 0))
            .to_zoned(tz.clone())
            .unwrap()
            .timestamp();
        let expected = resume + (SignedDuration::from_hours(i64::from(hours)) - before_midnight);
        prop_assert_eq!(counted(arrest, hours, &tz), expected);
    }

    #[test]
    fn no_more_than_nine_extra_hours_outside_dst(arrest in any_minute_2026(), hours in allowed_hours()) {
        let tz = amsterdam();
        let month = arrest.to_zoned(tz.clone()).month();
        prop_assume!(month != 3 && month != 10);
        let real = counted(arrest, hours, &tz).duration_since(arrest);
        prop_assert!(real <= SignedDuration::from_hours(i64::from(hours) + 9));
    }

    #[test]
    fn later_arrest_never_gives_earlier_deadline(
        a in around_dst(), gap in 0i64..36 * 60, hours in allowed_hours(),
    ) {
        let tz = amsterdam();
        let b = a + SignedDuration::from_mins(gap);
        prop_assert!(counted(a, hours, &tz) <= counted(b, hours, &tz));
    }

    #[test]
    fn elapsed_hours_are_exact_across_dst(arrival in around_dst(), hours in 1u32..=96) {
        for tz in [amsterdam(), london()] {
            let deadline = elapsed_deadline(arrival, ClockSpan::hours(hours), &tz).unwrap();
            prop_assert_eq!(deadline.duration_since(arrival), SignedDuration::from_hours(i64::from(hours)));
        }
    }
}
