//! Which triage a conference request lands on, given when it was submitted.

use super::pack::PackError;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// Triage days and the cut-off: a request must arrive before `cutoff` local time,
/// `cutoff_days_before` calendar days ahead of a triage day, to be triaged that day.
#[derive(Debug, Clone)]
pub struct TriageCalendar {
    time_zone: TimeZone,
    weekdays: Vec<Weekday>,
    cutoff: Time,
    cutoff_days_before: u8,
}

fn parse_weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

impl TriageCalendar {
    pub fn from_config(
        time_zone: TimeZone,
        weekdays: &[String],
        cutoff_local_time: &str,
        cutoff_days_before: u8,
    ) -> Result<Self, PackError> {
        let weekdays = weekdays
            .iter()
            .map(|w| parse_weekday(w).ok_or_else(|| PackError::UnknownWeekday(w.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        if weekdays.is_empty() {
            return Err(PackError::NoTriageWeekdays);
        }
        let cutoff =
            cutoff_local_time.parse::<Time>().map_err(|_| PackError::BadCutoffTime(cutoff_local_time.to_owned()))?;
        Ok(Self { time_zone, weekdays, cutoff, cutoff_days_before })
    }

    pub fn time_zone(&self) -> &TimeZone {
        &self.time_zone
    }

    fn is_triage_day(&self, date: Date) -> bool {
        self.weekdays.contains(&date.weekday())
    }

    /// The instant by which a request must be in to make the triage on `triage_day`. Computed
    /// as an instant (not a wall-clock time) so that DST changes cannot reorder submissions.
    pub fn deadline_for(&self, triage_day: Date) -> Timestamp {
        let day = triage_day
            .checked_sub(i64::from(self.cutoff_days_before).days())
            .expect("triage dates are far from the calendar's limits");
        day.to_datetime(self.cutoff)
            .to_zoned(self.time_zone.clone())
            .expect("a local time always resolves with compatible disambiguation")
            .timestamp()
    }

    /// The triage date for a request submitted at `submitted_at`: the first triage day whose
    /// deadline is still ahead. Monotonic: a later submission never gets an earlier date.
    pub fn triage_date(&self, submitted_at: Timestamp) -> Date {
        let mut day = submitted_at.to_zoned(self.time_zone.clone()).date();
        loop {
            if self.is_triage_day(day) && submitted_at < self.deadline_for(day) {
                return day;
            }
            day = day.tomorrow().expect("dates are far from the calendar's limits");
        }
    }

    /// The triage day a request submitted at `submitted_at` missed by coming in after its
    /// cut-off: the first triage day from the submission's own day on, when that is before the
    /// request's triage date (the triage list says so, or the requester wonders why it waits).
    pub fn missed_by_cut_off(&self, submitted_at: Timestamp) -> Option<Date> {
        let submitted_on = submitted_at.to_zoned(self.time_zone.clone()).date();
        let first = if self.is_triage_day(submitted_on) { submitted_on } else { self.next_triage_after(submitted_on) };
        (first < self.triage_date(submitted_at)).then_some(first)
    }

    /// The first triage day strictly after `date`; where a request not handled in time goes.
    pub fn next_triage_after(&self, date: Date) -> Date {
        let mut day = date.tomorrow().expect("dates are far from the calendar's limits");
        while !self.is_triage_day(day) {
            day = day.tomorrow().expect("dates are far from the calendar's limits");
        }
        day
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jurisdiction::BeyondPack;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn before_the_cut_off_the_day_before_makes_the_next_triage() {
        // Dutch pack: triage Tuesday and Thursday, cut-off 12:00 Amsterdam the day before.
        let calendar = BeyondPack::nl().triage_calendar;
        // Monday 2 March 2026, 11:59 CET = 10:59 UTC -> Tuesday 3 March.
        assert_eq!(calendar.triage_date(at("2026-03-02T10:59:00Z")), date(2026, 3, 3));
        // Monday 12:00 CET exactly is too late -> Thursday 5 March.
        assert_eq!(calendar.triage_date(at("2026-03-02T11:00:00Z")), date(2026, 3, 5));
        // Tuesday morning -> Thursday; Wednesday afternoon -> next Tuesday.
        assert_eq!(calendar.triage_date(at("2026-03-03T08:00:00Z")), date(2026, 3, 5));
        assert_eq!(calendar.triage_date(at("2026-03-04T13:00:00Z")), date(2026, 3, 10));
    }

    #[test]
    fn a_request_after_the_cut_off_names_the_triage_it_missed() {
        let calendar = BeyondPack::nl().triage_calendar;
        // Monday 11:59: in time for Tuesday, nothing missed.
        assert_eq!(calendar.missed_by_cut_off(at("2026-03-02T10:59:00Z")), None);
        // Monday 12:00: too late for Tuesday 3 March, on Thursday's list.
        assert_eq!(calendar.missed_by_cut_off(at("2026-03-02T11:00:00Z")), Some(date(2026, 3, 3)));
        // Tuesday morning misses that day's triage; Wednesday 13:00 misses Thursday's.
        assert_eq!(calendar.missed_by_cut_off(at("2026-03-03T08:00:00Z")), Some(date(2026, 3, 3)));
        assert_eq!(calendar.missed_by_cut_off(at("2026-03-04T13:00:00Z")), Some(date(2026, 3, 5)));
        // Wednesday 10:00 makes Thursday.
        assert_eq!(calendar.missed_by_cut_off(at("2026-03-04T09:00:00Z")), None);
    }

    #[test]
    fn the_cut_off_is_local_time_across_daylight_saving() {
        let calendar = BeyondPack::nl().triage_calendar;
        // Summer time: Monday 30 March 2026 11:30 CEST = 09:30 UTC -> Tuesday 31 March.
        assert_eq!(calendar.triage_date(at("2026-03-30T09:30:00Z")), date(2026, 3, 31));
        // 10:30 UTC is 12:30 CEST: too late.
        assert_eq!(calendar.triage_date(at("2026-03-30T10:30:00Z")), date(2026, 4, 2));
    }

    #[test]
    fn next_triage_after_skips_to_the_following_triage_weekday() {
        let calendar = BeyondPack::nl().triage_calendar;
        assert_eq!(calendar.next_triage_after(date(2026, 3, 3)), date(2026, 3, 5));
        assert_eq!(calendar.next_triage_after(date(2026, 3, 5)), date(2026, 3, 10));
    }

    #[test]
    fn england_and_wales_triage_on_wednesday_with_a_two_day_cut_off_in_london_time() {
        let calendar = BeyondPack::england_wales().triage_calendar;
        // Monday 2 March 2026 16:59 GMT -> Wednesday 4 March; 17:00 -> Wednesday 11 March.
        assert_eq!(calendar.triage_date(at("2026-03-02T16:59:00Z")), date(2026, 3, 4));
        assert_eq!(calendar.triage_date(at("2026-03-02T17:00:00Z")), date(2026, 3, 11));
        // Monday 30 March 2026 is BST: 17:00 local is 16:00 UTC.
        assert_eq!(calendar.triage_date(at("2026-03-30T16:00:00Z")), date(2026, 4, 8));
    }

    proptest! {
        #[test]
        fn triage_date_is_monotonic_and_never_before_submission(a in 1_700_000_000i64..1_900_000_000, gap in 0i64..3_000_000) {
            let calendar = BeyondPack::nl().triage_calendar;
            let first = Timestamp::from_second(a).unwrap();
            let second = Timestamp::from_second(a + gap).unwrap();
            let first_date = calendar.triage_date(first);
            prop_assert!(first_date <= calendar.triage_date(second));
            prop_assert!(first < calendar.deadline_for(first_date));
            prop_assert!(first_date >= first.to_zoned(calendar.time_zone().clone()).date());
            prop_assert!(first_date.until(first.to_zoned(calendar.time_zone().clone()).date()).unwrap().get_days() > -9);
        }
    }
}
