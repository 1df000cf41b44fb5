//! The matching covariates of every index event, measured once on its index day D and kept as
//! flat columns: age, sex, prior proven offences (offence date before D) and the type of the
//! most recent of them. Every group's comparison over the same events reads these instead of
//! walking each person's offences again.
//!
//! Events are also numbered by their distinct covariate *pattern*: two events with the same
//! pattern have the same design row in every propensity model, so a model is fitted over the
//! patterns with their counts (tens of thousands) instead of over every event (a million at
//! national scale), and matched on the patterns' scores.

use std::collections::HashMap;

use crate::dataset::{Dataset, Sex};
use crate::date::{NO_DAY, age_in_years};
use crate::intern::NONE;

/// One combination of covariate values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pattern {
    /// Age in whole years on the index day; `None` without a birth date.
    pub age: Option<i32>,
    pub sex: Sex,
    /// Prior proven offences.
    pub priors: u32,
    /// The offence type of the most recent prior proven offence (`NONE` for none or unknown).
    pub recent_type: u32,
}

impl Pattern {
    pub fn age_band(&self) -> u8 {
        match self.age {
            None => 0,
            Some(a) if a < 18 => 1,
            Some(a) if a < 25 => 2,
            Some(a) if a < 35 => 3,
            Some(a) if a < 50 => 4,
            Some(_) => 5,
        }
    }

    pub fn prior_band(&self) -> u8 {
        match self.priors {
            0 => 0,
            1..=2 => 1,
            3..=5 => 2,
            6..=10 => 3,
            _ => 4,
        }
    }

    /// The cell of exact matching: (age band, sex, prior band, recent type).
    pub fn exact_key(&self) -> (u8, Sex, u8, u32) {
        (self.age_band(), self.sex, self.prior_band(), self.recent_type)
    }
}

/// Every index event's pattern, in dataset order, and the distinct patterns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Covariates {
    /// `patterns[pattern[e]]` are index event `e`'s covariates.
    pub pattern: Vec<u32>,
    pub patterns: Vec<Pattern>,
}

/// The covariates of index event `e` of `data`.
fn measure(data: &Dataset, e: usize) -> Pattern {
    let events = &data.index_events;
    let o = &data.offences;
    let person = events.person[e];
    let day = events.index_date[e];
    let range = data.offences_of(person);
    let before = range.start + o.offence_date[range.clone()].partition_point(|&d| d < day);
    let (mut priors, mut recent_type) = (0u32, NONE);
    for i in range.start..before {
        if o.outcome[i].is_proven() {
            priors += 1;
            recent_type = o.offence_type[i];
        }
    }
    let birth = data.persons.birth_date[person as usize];
    Pattern {
        age: (birth != NO_DAY).then(|| age_in_years(birth, day)),
        sex: data.persons.sex[person as usize],
        priors,
        recent_type,
    }
}

impl Covariates {
    /// The covariates of every index event of `data`. The events are measured in two halves
    /// on two threads when there are many; the patterns are numbered in event order either way.
    pub fn of(data: &Dataset) -> Covariates {
        let n = data.index_event_count();
        let measured: Vec<Pattern> = if n >= 1 << 16 {
            let half = n / 2;
            std::thread::scope(|scope| {
                let second = scope.spawn(|| (half..n).map(|e| measure(data, e)).collect::<Vec<_>>());
                let mut first: Vec<Pattern> = (0..half).map(|e| measure(data, e)).collect();
                first.extend(second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
                first
            })
        } else {
            (0..n).map(|e| measure(data, e)).collect()
        };
        let mut numbers: HashMap<Pattern, u32> = HashMap::new();
        let mut patterns = Vec::new();
        let pattern = measured
            .into_iter()
            .map(|p| {
                *numbers.entry(p).or_insert_with(|| {
                    patterns.push(p);
                    patterns.len() as u32 - 1
                })
            })
            .collect();
        Covariates { pattern, patterns }
    }

    /// The covariates of index event `e`.
    pub fn of_event(&self, e: usize) -> Pattern {
        self.patterns[self.pattern[e] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DatasetBuilder, Outcome};
    use crate::date::days_from_civil;

    #[test]
    fn each_event_is_measured_on_its_own_day_and_equal_ones_share_a_pattern() {
        let mut b = DatasetBuilder::new();
        let d = |y, m, day| days_from_civil(y, m, day);
        b.person("A", d(1990, 6, 15), Sex::M, "").unwrap();
        b.person("B", NO_DAY, Sex::F, "").unwrap();
        b.offence("A1", "A", d(2020, 1, 1), d(2020, 2, 1), Outcome::Conviction, "theft", 3).unwrap();
        b.offence("A2", "A", d(2021, 1, 1), d(2021, 2, 1), Outcome::Acquittal, "fraud", 3).unwrap();
        b.offence("A3", "A", d(2022, 1, 1), d(2022, 2, 1), Outcome::Caution, "assault", 3).unwrap();
        b.index_event("A", d(2021, 6, 1), "", "").unwrap();
        b.index_event("A", d(2022, 1, 1), "", "").unwrap();
        b.index_event("A", d(2022, 6, 16), "", "").unwrap();
        b.index_event("B", d(2022, 6, 16), "", "").unwrap();
        b.index_event("B", d(2023, 6, 16), "", "").unwrap();
        let data = b.finish();
        let c = Covariates::of(&data);
        let theft = (0..data.offence_types.len() as u32).find(|&t| data.offence_types.get(t) == "theft").unwrap();
        let assault = (0..data.offence_types.len() as u32).find(|&t| data.offence_types.get(t) == "assault").unwrap();
        let a = |age, priors, recent_type| Pattern { age: Some(age), sex: Sex::M, priors, recent_type };
        // The acquittal is not proven; an offence on the index day is not prior.
        assert_eq!(c.of_event(0), a(30, 1, theft));
        assert_eq!(c.of_event(1), a(31, 1, theft));
        assert_eq!(c.of_event(2), a(32, 2, assault));
        let b = Pattern { age: None, sex: Sex::F, priors: 0, recent_type: NONE };
        assert_eq!((c.of_event(3), c.of_event(4)), (b, b));
        assert_eq!(c.pattern, [0, 1, 2, 3, 3]);
        assert_eq!(c.patterns.len(), 4);
    }
}
