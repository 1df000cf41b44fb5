//! Pure flags over an episode and today's date.

use crate::measures::{Episode, EpisodeStatus};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntensityShortfall {
    pub expected: u32,
    pub actual: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeFlags {
    /// Fewer contacts in the completed weeks than the intensity promises.
    pub behind_intensity: Option<IntensityShortfall>,
    /// Still open on or after the first day past the time box: days over.
    pub overrunning_by_days: Option<i32>,
}

impl Episode {
    /// Whole weeks since the start, capped at the time box. A week still under way is not
    /// counted, so nobody is flagged on Tuesday for contacts planned on Friday.
    pub fn completed_weeks(&self, today: Date) -> u32 {
        if today <= self.started_on {
            return 0;
        }
        let days = self.started_on.until(today).expect("dates are far from the calendar's limits").get_days();
        (days / 7).unsigned_abs().min(u32::from(self.weeks))
    }

    pub fn flags(&self, today: Date) -> EpisodeFlags {
        if self.status != EpisodeStatus::Open {
            return EpisodeFlags { behind_intensity: None, overrunning_by_days: None };
        }
        let weeks = self.completed_weeks(today);
        let window_end = self
            .started_on
            .checked_add((i64::from(weeks) * 7).days())
            .expect("dates are far from the calendar's limits");
        let expected = weeks * u32::from(self.contacts_per_week);
        let actual = self.contacts.iter().filter(|c| c.on < window_end).count() as u32;
        let behind_intensity = (actual < expected).then_some(IntensityShortfall { expected, actual });
        let ends_on = self.ends_on();
        let overrunning_by_days = (today >= ends_on)
            .then(|| ends_on.until(today).expect("dates are far from the calendar's limits").get_days());
        EpisodeFlags { behind_intensity, overrunning_by_days }
    }
}

/// Where an episode stands, for a plain sentence ("2 of 4 contacts so far, on track").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpisodeProgress {
    /// The week under way, from 1 (capped at the time box).
    pub week: u32,
    pub weeks: u8,
    /// Contacts logged so far.
    pub contacts: u32,
    /// Contacts the intensity promises by the end of the completed weeks.
    pub expected: u32,
}

impl EpisodeProgress {
    /// At least as many contacts as the completed weeks promise.
    pub fn on_track(&self) -> bool {
        self.contacts >= self.expected
    }
}

impl Episode {
    /// How far the episode is and whether its contacts keep up with its intensity.
    pub fn progress(&self, today: Date) -> EpisodeProgress {
        let completed = self.completed_weeks(today);
        EpisodeProgress {
            week: (completed + 1).min(u32::from(self.weeks)),
            weeks: self.weeks,
            contacts: u32::try_from(self.contacts.len()).unwrap_or(u32::MAX),
            expected: completed * u32::from(self.contacts_per_week),
        }
    }
}

/// Whether `member` may be an episode's case manager: someone who works on plans (not an
/// administrator, analyst or defence lawyer), who can sign in.
pub fn may_manage_episode(member: &crate::directory::Member) -> bool {
    !member.disabled && member.roles.iter().any(|role| role.grants(crate::access::Permission::WorkOnPlan).is_some())
}

#[cfg(test)]
mod tests {
    use crate::measures::workflow::episode::tests::{RULES, contact, episode};
    use crate::measures::{EpisodeCommand, IntensityShortfall};
    use jiff::civil::date;

    #[test]
    fn progress_counts_contacts_against_the_completed_weeks() {
        let today = date(2026, 3, 17); // two full weeks done, two contacts a week expected
        let (one, _) = episode().apply(contact(date(2026, 3, 3)), &RULES, today).unwrap();
        let progress = one.progress(today);
        assert_eq!((progress.week, progress.contacts, progress.expected), (3, 1, 4));
        assert!(!progress.on_track());
        let first_week = episode().progress(date(2026, 3, 3));
        assert_eq!((first_week.week, first_week.expected), (1, 0));
        assert!(first_week.on_track());
    }

    #[test]
    fn an_episode_in_its_first_week_is_never_behind() {
        let flags = episode().flags(date(2026, 3, 6));
        assert_eq!((flags.behind_intensity, flags.overrunning_by_days), (None, None));
    }

    #[test]
    fn fewer_contacts_than_promised_in_completed_weeks_is_behind() {
        let today = date(2026, 3, 17); // two full weeks done, two contacts a week expected
        let (one, _) = episode().apply(contact(date(2026, 3, 3)), &RULES, today).unwrap();
        let (three, _) = one.clone().apply(contact(date(2026, 3, 9)), &RULES, today).unwrap();
        let (three, _) = three.apply(contact(date(2026, 3, 12)), &RULES, today).unwrap();
        assert_eq!(one.flags(today).behind_intensity, Some(IntensityShortfall { expected: 4, actual: 1 }));
        assert_eq!(three.flags(today).behind_intensity, Some(IntensityShortfall { expected: 4, actual: 3 }));
        let (four, _) = three.apply(contact(date(2026, 3, 15)), &RULES, today).unwrap();
        assert_eq!(four.flags(today).behind_intensity, None);
        // A contact in the current, unfinished week does not count towards finished weeks.
        let (current_week, _) = one.apply(contact(date(2026, 3, 16)), &RULES, today).unwrap();
        assert_eq!(current_week.flags(today).behind_intensity, Some(IntensityShortfall { expected: 4, actual: 1 }));
    }

    #[test]
    fn an_open_episode_past_its_time_box_is_overrunning() {
        let mut busy = episode();
        for week in 0..6 {
            let monday = date(2026, 3, 2).checked_add(jiff::Span::new().days(week * 7)).unwrap();
            busy.contacts.push(crate::measures::Contact {
                on: monday,
                by: crate::measures::workflow::episode::tests::manager(),
                kind: crate::measures::ContactKind::Phone,
                note: String::new(),
            });
            busy.contacts.push(busy.contacts.last().unwrap().clone());
        }
        assert_eq!(busy.flags(date(2026, 4, 12)).overrunning_by_days, None);
        assert_eq!(busy.flags(date(2026, 4, 13)).overrunning_by_days, Some(0));
        let late = busy.flags(date(2026, 4, 20));
        assert_eq!((late.overrunning_by_days, late.behind_intensity), (Some(7), None));
        let (closed, _) =
            busy.apply(EpisodeCommand::Close { reason: "done".into() }, &RULES, date(2026, 4, 20)).unwrap();
        assert_eq!(closed.flags(date(2026, 5, 1)).overrunning_by_days, None, "closed episodes raise no flags");
    }

    proptest::proptest! {
        #[test]
        fn logging_a_contact_never_puts_an_episode_further_behind(
            offsets in proptest::collection::vec(0i64..42, 0..12),
            extra in 0i64..42,
            today_offset in 0i64..60,
        ) {
            let start = date(2026, 3, 2);
            let day = |n: i64| start.checked_add(jiff::Span::new().days(n)).unwrap();
            let today = day(today_offset.max(extra));
            let mut episode = episode();
            for offset in offsets.into_iter().filter(|o| day(*o) <= today) {
                episode = episode.apply(contact(day(offset)), &RULES, today).unwrap().0;
            }
            let shortfall = |e: &crate::measures::Episode| e.flags(today).behind_intensity.map_or(0, |s| s.expected - s.actual);
            let before = shortfall(&episode);
            let after = shortfall(&episode.clone().apply(contact(day(extra)), &RULES, today).unwrap().0);
            proptest::prop_assert!(after <= before);
            let expected = episode.flags(today).behind_intensity.map_or(0, |s| s.expected);
            proptest::prop_assert!(expected <= u32::from(episode.weeks) * u32::from(episode.contacts_per_week));
        }
    }
}
