//! The honest expected wait: computed from the real queue, not a number the provider types.
//! One-to-one: places free now, otherwise the people ahead divided by how many finished in the
//! last 12 weeks. A group: the first scheduled start with a place left after those already
//! waiting. No place — no free place, nobody finishing and no group to come — says so.

use super::catalogue::{Format, Intervention};
use jiff::civil::Date;
use serde::Serialize;

/// How far back completions are counted for the throughput.
pub const THROUGHPUT_WINDOW_DAYS: i64 = 84;

/// An intervention's queue as stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Load {
    /// Referrals started and not yet ended: the places in use.
    pub in_service: u32,
    /// Referrals accepted or on the waiting list: ahead of a new one.
    pub waiting: u32,
    /// Referrals that ended (completed or early) in the last [`THROUGHPUT_WINDOW_DAYS`].
    pub finished_recently: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpectedWait {
    /// A place now (or within the days given).
    Days { days: u32 },
    /// The next group with a free place starts on `starts`.
    NextGroup { starts: Date, days: u32 },
    /// No place can be promised: full, nobody leaving, no group to come.
    NoPlace,
}

impl ExpectedWait {
    /// Days until a place, when one can be promised.
    pub fn days(self) -> Option<u32> {
        match self {
            Self::Days { days } | Self::NextGroup { days, .. } => Some(days),
            Self::NoPlace => None,
        }
    }

    /// Whether the wait passes `threshold_days` (no place always does): unmet need to record.
    pub fn too_long(self, threshold_days: u32) -> bool {
        self.days().is_none_or(|d| d > threshold_days)
    }
}

pub fn expected_wait(intervention: &Intervention, load: Load, today: Date) -> ExpectedWait {
    if intervention.capacity == 0 {
        return ExpectedWait::NoPlace;
    }
    match &intervention.format {
        Format::OneToOne => {
            let free = intervention.capacity.saturating_sub(load.in_service);
            if free > load.waiting {
                return ExpectedWait::Days { days: 0 };
            }
            if load.finished_recently == 0 {
                return ExpectedWait::NoPlace;
            }
            // The new referral is `ahead + 1`-th in line for a place that frees up.
            let ahead = u64::from(load.waiting - free) + 1;
            let days = (ahead * THROUGHPUT_WINDOW_DAYS as u64).div_ceil(u64::from(load.finished_recently));
            ExpectedWait::Days { days: u32::try_from(days).unwrap_or(u32::MAX) }
        }
        Format::Group { starts } => {
            // Those waiting fill the coming groups in order; the new one joins after them.
            let mut before = load.waiting;
            for start in starts.iter().filter(|s| **s >= today) {
                if before < intervention.capacity {
                    let days = (*start - today).get_days().max(0) as u32;
                    return ExpectedWait::NextGroup { starts: *start, days };
                }
                before -= intervention.capacity;
            }
            ExpectedWait::NoPlace
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AgencyId, InterventionId};
    use crate::interventions::model::catalogue::{Eligibility, InterventionKind};
    use jiff::civil::date;
    use uuid::Uuid;

    fn intervention(capacity: u32, format: Format) -> Intervention {
        Intervention {
            id: InterventionId(Uuid::nil()),
            provider: AgencyId(Uuid::nil()),
            name: "x".into(),
            description: String::new(),
            kind: InterventionKind::Housing,
            needs: vec![],
            eligibility: Eligibility::default(),
            format,
            sessions: 1,
            duration_weeks: 1,
            outcomes: vec![],
            capacity,
            unit_cost_cents: None,
            areas: vec![],
            active: true,
        }
    }

    #[test]
    fn a_free_place_means_no_wait_and_a_full_house_with_nobody_leaving_means_no_place() {
        let one = intervention(10, Format::OneToOne);
        let today = date(2026, 12, 7);
        assert_eq!(
            expected_wait(&one, Load { in_service: 5, waiting: 2, finished_recently: 0 }, today).days(),
            Some(0)
        );
        let full = Load { in_service: 10, waiting: 0, finished_recently: 0 };
        assert_eq!(expected_wait(&one, full, today), ExpectedWait::NoPlace);
        assert_eq!(expected_wait(&intervention(0, Format::OneToOne), Load::default(), today), ExpectedWait::NoPlace);
    }

    #[test]
    fn the_queue_is_divided_by_the_completions_of_the_last_twelve_weeks() {
        let one = intervention(10, Format::OneToOne);
        // 12 finished in 84 days: one every 7 days; 3 ahead plus the new one: 28 days.
        let load = Load { in_service: 10, waiting: 3, finished_recently: 12 };
        assert_eq!(expected_wait(&one, load, date(2026, 12, 7)), ExpectedWait::Days { days: 28 });
        assert!(expected_wait(&one, load, date(2026, 12, 7)).too_long(27));
        assert!(!expected_wait(&one, load, date(2026, 12, 7)).too_long(42));
    }

    #[test]
    fn a_group_waits_for_the_first_start_with_a_place_after_those_already_waiting() {
        let starts = vec![date(2026, 12, 1), date(2027, 1, 4), date(2027, 2, 1)];
        let group = intervention(8, Format::Group { starts });
        let today = date(2026, 12, 7);
        let wait = expected_wait(&group, Load { in_service: 8, waiting: 3, finished_recently: 0 }, today);
        assert_eq!(wait, ExpectedWait::NextGroup { starts: date(2027, 1, 4), days: 28 });
        let wait = expected_wait(&group, Load { in_service: 8, waiting: 8, finished_recently: 0 }, today);
        assert_eq!(wait, ExpectedWait::NextGroup { starts: date(2027, 2, 1), days: 56 });
        let wait = expected_wait(&group, Load { in_service: 8, waiting: 16, finished_recently: 0 }, today);
        assert_eq!(wait, ExpectedWait::NoPlace);
    }
}
