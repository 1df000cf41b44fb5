//! Kaplan–Meier time to first proven reoffence, per group, and the log-rank test.
//!
//! For an index event on day D: observation ends at `min(D + F months, as_of)`. The event is
//! the first proven offence with `D < offence_date <= observation end` whose known
//! `outcome_date <= min(D + (F + W) months, as_of)` (proven as far as the data knew on
//! `as_of`); time is `offence_date - D` days. Otherwise the event is censored at the end of
//! observation. Index events with no time at risk (`as_of <= D`) are left out.

use std::collections::BTreeMap;

use crate::dataset::Dataset;
use crate::date::NO_DAY;
use crate::reoffending::{Definition, GroupBy, WindowTable};
use crate::stats::chi_square_p;
use crate::table::{Cell, Table};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SurvivalTime {
    pub days: i32,
    /// true: reoffended at `days`; false: censored at `days`.
    pub event: bool,
}

/// Survival times of every index event with time at risk, by group label.
pub fn survival_times(data: &Dataset, definition: Definition, by: GroupBy) -> BTreeMap<String, Vec<SurvivalTime>> {
    let events = &data.index_events;
    let windows = WindowTable::new(definition, &events.index_date);
    let o = &data.offences;
    let mut out: BTreeMap<String, Vec<SurvivalTime>> = BTreeMap::new();
    for e in 0..data.index_event_count() {
        let day = events.index_date[e];
        let w = windows.get(day);
        let observation_end = w.follow_up_end.min(definition.as_of);
        if observation_end <= day {
            continue;
        }
        let outcome_cutoff = w.outcome_limit.min(definition.as_of);
        let range = data.offences_of(events.person[e]);
        let first_after = range.start + o.offence_date[range.clone()].partition_point(|&d| d <= day);
        let first = (first_after..range.end)
            .take_while(|&i| o.offence_date[i] <= observation_end)
            .find(|&i| o.outcome[i].is_proven() && o.outcome_date[i] != NO_DAY && o.outcome_date[i] <= outcome_cutoff);
        let time = match first {
            Some(i) => SurvivalTime { days: o.offence_date[i] - day, event: true },
            None => SurvivalTime { days: observation_end - day, event: false },
        };
        // A label is copied once per group, not once per event.
        let label = by.label(data, e);
        match out.get_mut(label) {
            Some(times) => times.push(time),
            None => {
                out.insert(label.to_owned(), vec![time]);
            }
        }
    }
    out
}

/// One step of a Kaplan–Meier curve: at `day`, `at_risk` were followed, `events` reoffended
/// and `censored` left observation; `survival` is the estimate just after `day`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Step {
    pub day: i32,
    pub at_risk: u64,
    pub events: u64,
    pub censored: u64,
    pub survival: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub group: String,
    pub people: u64,
    pub steps: Vec<Step>,
}

fn tally(times: &[SurvivalTime]) -> Vec<(i32, u64, u64)> {
    let mut sorted = times.to_vec();
    sorted.sort_unstable_by_key(|t| t.days);
    let mut out: Vec<(i32, u64, u64)> = Vec::new();
    for t in sorted {
        match out.last_mut() {
            Some(last) if last.0 == t.days => {
                if t.event {
                    last.1 += 1
                } else {
                    last.2 += 1
                }
            }
            _ => out.push((t.days, u64::from(t.event), u64::from(!t.event))),
        }
    }
    out
}

/// The Kaplan–Meier product-limit estimate (events before censorings at tied times).
pub fn kaplan_meier(times: &[SurvivalTime]) -> Vec<Step> {
    let mut at_risk = times.len() as u64;
    let mut survival = 1.0;
    let mut steps = Vec::new();
    for (day, events, censored) in tally(times) {
        if events > 0 {
            survival *= 1.0 - events as f64 / at_risk as f64;
        }
        steps.push(Step { day, at_risk, events, censored, survival });
        at_risk -= events + censored;
    }
    steps
}

pub fn curves(times: &BTreeMap<String, Vec<SurvivalTime>>) -> Vec<Curve> {
    times
        .iter()
        .map(|(group, t)| Curve { group: group.clone(), people: t.len() as u64, steps: kaplan_meier(t) })
        .collect()
}

/// A curve read at a fixed day, for publication.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checkpoint {
    pub day: i32,
    /// People still followed after `day`.
    pub at_risk: u64,
    /// Reoffences since the previous published checkpoint.
    pub events: u64,
    /// `None` when publishing it would reveal fewer than `min_cell` events.
    pub survival: Option<f64>,
}

/// Reads a curve every `every_days` days up to its last step. Disclosure control: the
/// change in survival between two published points reveals the number of events between
/// them, so a point is published only once at least `min_cell` events have accumulated since
/// the previous published point and at least `min_cell` people are still at risk.
pub fn checkpoints(curve: &Curve, every_days: i32, min_cell: u64) -> Vec<Checkpoint> {
    let last_day = curve.steps.last().map_or(0, |s| s.day);
    let mut out = Vec::new();
    let (mut next_step, mut left, mut survival, mut pending) = (0, curve.people, 1.0, 0u64);
    let every = every_days.max(1);
    let mut day = every;
    // Up to the first checkpoint on or after the last step.
    while day < last_day + every {
        while next_step < curve.steps.len() && curve.steps[next_step].day <= day {
            let s = curve.steps[next_step];
            survival = s.survival;
            pending += s.events;
            left -= s.events + s.censored;
            next_step += 1;
        }
        let publish = pending >= min_cell && left >= min_cell;
        out.push(Checkpoint { day, at_risk: left, events: pending, survival: publish.then_some(survival) });
        if publish {
            pending = 0;
        }
        day += every;
    }
    out
}

/// The curves read every `every_days` days, as one table
/// (group, day, at_risk, events, survival), after disclosure control.
///
/// A row whose survival is withheld withholds its `at_risk` and `events` too: otherwise the
/// `at_risk` of the rows around it would give the withheld events back by subtraction
/// (112 − 105 = 7). Between two published rows the drop in `at_risk` is then the published
/// events (at least `min_cell`) plus those whose follow-up ended — nothing smaller.
pub fn curves_table(curves: &[Curve], every_days: i32, min_cell: u64) -> Table {
    let mut table = Table::new(
        "Kaplan–Meier survival without proven reoffence",
        &["group", "day", "at_risk", "events", "survival"],
    );
    for curve in curves {
        for c in checkpoints(curve, every_days, min_cell) {
            let (at_risk, events, survival) = match c.survival {
                Some(s) => (Cell::Count(c.at_risk), Cell::Count(c.events), Cell::Number(s)),
                None => (Cell::Suppressed, Cell::Suppressed, Cell::Suppressed),
            };
            table.push(vec![
                Cell::Text(curve.group.clone()),
                Cell::Integer(i64::from(c.day)),
                at_risk,
                events,
                survival,
            ]);
        }
    }
    crate::table::suppress_small_cells(&mut table, min_cell);
    table
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogRank {
    pub observed: [f64; 2],
    pub expected: [f64; 2],
    pub chi_square: f64,
    /// Chi-square with 1 degree of freedom.
    pub p_value: f64,
}

/// The log-rank test of equal survival in two groups.
pub fn log_rank(a: &[SurvivalTime], b: &[SurvivalTime]) -> LogRank {
    let mut all: Vec<(i32, bool, usize)> =
        a.iter().map(|t| (t.days, t.event, 0)).chain(b.iter().map(|t| (t.days, t.event, 1))).collect();
    all.sort_unstable_by_key(|t| t.0);
    let mut at_risk = [a.len() as f64, b.len() as f64];
    let (mut observed, mut expected, mut variance) = ([0.0; 2], [0.0; 2], 0.0);
    let mut i = 0;
    while i < all.len() {
        let day = all[i].0;
        let (mut deaths, mut leaving) = ([0.0; 2], [0.0; 2]);
        while i < all.len() && all[i].0 == day {
            let (_, event, group) = all[i];
            if event {
                deaths[group] += 1.0;
            }
            leaving[group] += 1.0;
            i += 1;
        }
        let n = at_risk[0] + at_risk[1];
        let d = deaths[0] + deaths[1];
        if d > 0.0 {
            for g in 0..2 {
                observed[g] += deaths[g];
                expected[g] += d * at_risk[g] / n;
            }
            if n > 1.0 {
                variance += d * (at_risk[0] / n) * (at_risk[1] / n) * (n - d) / (n - 1.0);
            }
        }
        at_risk[0] -= leaving[0];
        at_risk[1] -= leaving[1];
    }
    let chi_square = if variance > 0.0 { (observed[0] - expected[0]).powi(2) / variance } else { 0.0 };
    LogRank { observed, expected, chi_square, p_value: chi_square_p(chi_square, 1) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(days: i32, event: bool) -> SurvivalTime {
        SurvivalTime { days, event }
    }

    #[test]
    fn kaplan_meier_matches_hand_computation() {
        let steps = kaplan_meier(&[t(1, true), t(2, false), t(3, true), t(3, true), t(4, false)]);
        let survival: Vec<f64> = steps.iter().map(|s| s.survival).collect();
        let at_risk: Vec<u64> = steps.iter().map(|s| s.at_risk).collect();
        assert_eq!(at_risk, vec![5, 4, 3, 1]);
        assert!((survival[0] - 0.8).abs() < 1e-12);
        assert!((survival[1] - 0.8).abs() < 1e-12);
        assert!((survival[2] - 0.8 / 3.0).abs() < 1e-12);
        assert!((survival[3] - 0.8 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn checkpoints_publish_only_after_enough_events() {
        // 30 people: events on days 1..=12, the rest censored on day 100.
        let mut times: Vec<SurvivalTime> = (1..=12).map(|d| t(d, true)).collect();
        times.extend((0..18).map(|_| t(100, false)));
        let curve = Curve { group: "g".into(), people: 30, steps: kaplan_meier(&times) };
        let points = checkpoints(&curve, 5, 5);
        // Day 5: 5 events → published (S = 25/30); day 10: 5 more → published (20/30);
        // day 15: only 2 more → withheld; later days add none; day 100 loses everyone.
        let close = |a: Option<f64>, b: f64| assert!((a.unwrap() - b).abs() < 1e-12, "{a:?} vs {b}");
        close(points[0].survival, 25.0 / 30.0);
        close(points[1].survival, 20.0 / 30.0);
        assert_eq!(points[2].survival, None);
        assert_eq!(points[2].events, 2);
        assert_eq!(points[2].at_risk, 18);
        assert!(points.iter().skip(2).all(|p| p.survival.is_none()));
        assert_eq!(points.last().unwrap().day, 100);
        let all = checkpoints(&curve, 5, 0);
        close(all[2].survival, 18.0 / 30.0);
    }

    /// The attack of issue 21: a withheld `events` cell recovered from the published `at_risk`
    /// of the rows around it. Every difference of published `at_risk` values between two rows
    /// of a curve must be at least the minimum cell, or explained by published events alone.
    #[test]
    fn withheld_events_cannot_be_recovered_by_differencing_at_risk() {
        // 112 people: 7 events in the first month, 20 in the second, none censored early.
        let mut times: Vec<SurvivalTime> = (0..7).map(|i| t(5 + i, true)).collect();
        times.extend((0..20).map(|i| t(35 + i, true)));
        times.extend((0..85).map(|_| t(400, false)));
        let curve = Curve { group: "g".into(), people: 112, steps: kaplan_meier(&times) };
        let table = curves_table(&[curve], 30, 10);
        let published: Vec<(u64, Option<u64>)> = table
            .rows
            .iter()
            .filter_map(|row| match (&row[2], &row[3]) {
                (Cell::Count(at_risk), Cell::Count(events)) => Some((*at_risk, Some(*events))),
                (Cell::Count(at_risk), _) => Some((*at_risk, None)),
                _ => None,
            })
            .collect();
        assert!(!published.is_empty());
        // Day 30 (7 events) is withheld whole: no at_risk of 105 beside 112.
        assert!(published.iter().all(|(at_risk, _)| *at_risk != 105), "{published:?}");
        for pair in published.windows(2) {
            let drop = pair[0].0 - pair[1].0;
            let events = pair[1].1.expect("a published at_risk comes with its events");
            assert!(drop == 0 || drop >= 10, "a drop of {drop} reveals a small count");
            assert!(events == 0 || events >= 10);
        }
        // The first published row's drop from everyone is the 27 events of two months.
        assert_eq!(published[0], (85, Some(27)));
    }

    #[test]
    fn log_rank_matches_hand_computation() {
        // t=1: n=4 (2,2), A dies: E_A=1/2, V=1/4. t=2: n=3 (1,2), A dies: E_A=1/3, V=2/9.
        // t=3: n=2 (0,2), B dies: E_A=0. chi² = (2 - 5/6)² / (17/36) = 49/17.
        let result = log_rank(&[t(1, true), t(2, true)], &[t(3, true), t(4, false)]);
        assert!((result.expected[0] - 5.0 / 6.0).abs() < 1e-12);
        assert!((result.chi_square - 49.0 / 17.0).abs() < 1e-12);
        // p = erfc(sqrt(chi² / 2)), from Python's math.erfc.
        assert!((result.p_value - 0.089_555_074_413_642_56).abs() < 1e-12, "{}", result.p_value);
        let same = log_rank(&[t(1, true), t(5, false)], &[t(1, true), t(5, false)]);
        assert_eq!(same.chi_square, 0.0);
        assert!((same.p_value - 1.0).abs() < 1e-12);
    }
}
