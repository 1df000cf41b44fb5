//! What works: proven reoffending after the work recorded in desist (a ZSM disposal, a plan,
//! an intervention, …), each group against a matched comparison group.
//!
//! The work arrives as [`WorkEvent`]s already linked to the extract's persons. They replace
//! the extract's own index events, which stay as the comparison pool under [`POOL_GROUP`], so
//! "people like these who did not get X" are the others of the pool and the other groups.
//! Only aggregates leave [`what_works`], after disclosure control: a group under the minimum
//! cell is withheld whole, and when exactly one group is withheld the next smallest is too, so
//! that no total published elsewhere minus the other groups gives it back.

use std::sync::Arc;

use serde::Serialize;

use crate::covariates::Covariates;
use crate::dataset::{Dataset, IndexEvents};
use crate::date::{Day, format_day};
use crate::intern::Interner;
use crate::matching::{self, MatchOptions};
use crate::reoffending::{Definition, GroupBy, reoffending};

/// The group label of the extract's own index events (the comparison pool).
pub const POOL_GROUP: &str = "(comparison pool)";

/// The kind of every index event derived from desist's records.
pub const WORK_KIND: &str = "desist";

/// Matching caliper, in standard deviations of the propensity logit.
pub const CALIPER_SD: f64 = 0.2;

/// The fixed seed of the matching, so a page shows the same figures on every view.
pub const SEED: u64 = 21;

/// One piece of work for a person of the extract, on the day it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkEvent {
    pub person: u32,
    pub day: Day,
    pub group: String,
}

/// A covariate's standardised mean difference before and after matching.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BalanceRow {
    pub covariate: String,
    pub before: f64,
    pub after: f64,
}

/// The matched comparison of one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub pairs: u64,
    /// The comparison group's rate over the matched pairs.
    pub rate: f64,
    /// The group's rate minus the comparison's, over the matched pairs.
    pub difference: f64,
    pub ci95: [f64; 2],
    pub balance: Vec<BalanceRow>,
}

impl Comparison {
    /// The largest absolute standardised difference left after matching.
    pub fn worst_balance(&self) -> f64 {
        self.balance.iter().map(|b| b.after.abs()).fold(0.0, f64::max)
    }
}

/// One group's figures; counts are `None` when withheld by disclosure control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub group: String,
    pub people: Option<u64>,
    pub reoffenders: Option<u64>,
    pub rate: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
    /// Events of this group still inside their follow-up and waiting period.
    #[serde(skip)]
    pub censored: u64,
    /// The month end the figures are as of: the one asked for, or the group's latest release
    /// before it when fewer than the minimum cell have been added since (see [`crate::grid`]).
    #[serde(skip)]
    pub as_of: Day,
}

/// How the figures were made, as data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Method {
    pub measure: &'static str,
    pub as_of: String,
    pub follow_up_months: i32,
    pub waiting_months: i32,
    pub proven_outcomes: [&'static str; 4],
    pub interval: &'static str,
    pub matching: &'static str,
    pub caliper_sd: f64,
    pub seed: u64,
    pub covariates: [&'static str; 4],
    pub min_cell: u64,
}

impl Method {
    pub fn new(definition: Definition, min_cell: u64) -> Method {
        Method {
            measure: "proven_reoffending",
            as_of: format_day(definition.as_of),
            follow_up_months: definition.follow_up_months,
            waiting_months: definition.waiting_months,
            proven_outcomes: ["conviction", "caution", "penalty_order", "conditional_dismissal"],
            interval: "wilson_95",
            matching: "propensity_nearest_neighbour_1_to_1",
            caliper_sd: CALIPER_SD,
            seed: SEED,
            covariates: ["age", "sex", "prior_proven_offences", "most_recent_offence_type"],
            min_cell,
        }
    }
}

/// The extract's persons and offences with `work` as the index events, and the extract's own
/// index events kept as the comparison pool. The persons and offences are shared with `data`,
/// not copied.
pub fn with_work_events(data: &Dataset, work: &[WorkEvent]) -> Dataset {
    let own = &data.index_events;
    let mut groups = Interner::default();
    let pool = groups.intern(POOL_GROUP);
    let mut kinds = Interner::default();
    let pool_kind = kinds.intern("extract");
    let work_kind = kinds.intern(WORK_KIND);
    let mut events = IndexEvents::default();
    for i in 0..own.person.len() {
        events.person.push(own.person[i]);
        events.index_date.push(own.index_date[i]);
        events.kind.push(pool_kind);
        events.group.push(pool);
    }
    for w in work {
        events.person.push(w.person);
        events.index_date.push(w.day);
        events.kind.push(work_kind);
        events.group.push(groups.intern(&w.group));
    }
    Dataset {
        persons: Arc::clone(&data.persons),
        offences: Arc::clone(&data.offences),
        offences_start: Arc::clone(&data.offences_start),
        areas: data.areas.clone(),
        offence_types: data.offence_types.clone(),
        index_events: events,
        kinds: kinds.into_arena(),
        groups: groups.into_arena(),
    }
    .with_canonical_index_events()
}

/// Reoffending per group of `work`, each against a matched comparison where one was possible
/// (at least `min_cell` pairs), after disclosure control.
pub fn what_works(data: &Dataset, definition: Definition, min_cell: u64) -> Vec<GroupResult> {
    let mut results = group_results(data, definition, |_| true);
    withhold_small_groups(&mut results, min_cell);
    add_comparisons(data, definition, &mut results, min_cell);
    results
}

/// [`what_works`] with each group as of its own day (`as_of`, see [`crate::grid`]): a group
/// held back to an earlier release is measured and matched as of that release.
pub fn what_works_as_of(
    data: &Dataset,
    definition: Definition,
    as_of: &std::collections::BTreeMap<String, Day>,
    min_cell: u64,
) -> Vec<GroupResult> {
    let days: std::collections::BTreeSet<Day> = as_of.values().copied().collect();
    let at = |day: Day| Definition { as_of: day, ..definition };
    let mut results: Vec<GroupResult> = Vec::new();
    for &day in &days {
        results.extend(group_results(data, at(day), |group| as_of.get(group) == Some(&day)));
    }
    results.sort_by(|a, b| a.group.cmp(&b.group));
    withhold_small_groups(&mut results, min_cell);
    for &day in &days {
        let mut of_day: Vec<GroupResult> = results.iter().filter(|g| g.as_of == day).cloned().collect();
        add_comparisons(data, at(day), &mut of_day, min_cell);
        for g in of_day {
            if let Some(r) = results.iter_mut().find(|r| r.group == g.group) {
                *r = g;
            }
        }
    }
    results
}

/// Every work group of `data` that `keep` keeps, as of `definition`, before disclosure control.
fn group_results(data: &Dataset, definition: Definition, keep: impl Fn(&str) -> bool) -> Vec<GroupResult> {
    let report = reoffending(data, definition, GroupBy::Group);
    report
        .groups
        .iter()
        .filter(|g| g.group != POOL_GROUP && keep(&g.group))
        .map(|g| {
            let m = g.measure;
            GroupResult {
                group: g.group.clone(),
                people: Some(m.people),
                reoffenders: Some(m.reoffenders),
                rate: m.binary_rate(),
                ci95: m.ci95(),
                comparison: None,
                censored: m.censored,
                as_of: definition.as_of,
            }
        })
        .collect()
}

/// The matched comparison of every published group of `results`, as of `definition`.
fn add_comparisons(data: &Dataset, definition: Definition, results: &mut [GroupResult], min_cell: u64) {
    // Counted and measured once for every group's matching: the events are the same. The
    // groups are matched side by side, each on its own (seeded) and so as it is alone.
    let published: Vec<usize> = (0..results.len()).filter(|&i| results[i].people.is_some()).collect();
    if published.is_empty() {
        return;
    }
    let events = crate::reoffending::event_results(data, definition);
    let covariates = Covariates::of(data);
    let matched = in_parallel(published.len(), |i| {
        let options = MatchOptions {
            definition,
            treated_group: results[published[i]].group.clone(),
            method: matching::Method::Propensity { caliper_sd: CALIPER_SD },
            seed: SEED,
            controls_never_treated: true,
        };
        matching::match_comparison_of(data, &options, &events, &covariates)
    });
    for (&i, matched) in published.iter().zip(matched) {
        if (matched.pairs.len() as u64) < min_cell {
            continue;
        }
        results[i].comparison = Some(Comparison {
            pairs: matched.pairs.len() as u64,
            rate: matched.comparison_rate,
            difference: matched.difference,
            ci95: matched.ci95,
            balance: matched
                .balance
                .iter()
                .map(|b| BalanceRow { covariate: b.covariate.clone(), before: b.smd_before, after: b.smd_after })
                .collect(),
        });
    }
}

/// `f(0), f(1), …, f(n - 1)` in order, computed on as many threads as there are cores.
fn in_parallel<T: Send>(n: usize, f: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from).min(n);
    if threads <= 1 {
        return (0..n).map(f).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= n {
                            return mine;
                        }
                        mine.push((i, f(i)));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// A group with people or reoffenders under `min_cell` (and not zero reoffenders of a large
/// group) is withheld whole; when that leaves exactly one withheld, the smallest published
/// group is withheld too, so the overall total minus the published groups reveals nothing.
pub fn withhold_small_groups(results: &mut [GroupResult], min_cell: u64) {
    let small = |r: &GroupResult| too_small(r.people.unwrap_or(0), r.reoffenders.unwrap_or(0), min_cell);
    let mut withheld = 0;
    for r in results.iter_mut() {
        if r.people.is_some() && small(r) {
            withhold(r);
            withheld += 1;
        }
    }
    if withheld == 1
        && let Some(next) = results.iter_mut().filter(|r| r.people.is_some()).min_by_key(|r| r.people)
    {
        withhold(next);
    }
}

/// Whether a group of `people` with `reoffenders` is too small to publish: people or
/// reoffenders under `min_cell` (zero reoffenders of a large group excepted), or fewer than
/// `min_cell` who did not reoffend.
pub fn too_small(people: u64, reoffenders: u64, min_cell: u64) -> bool {
    people < min_cell || (reoffenders > 0 && reoffenders < min_cell) || people - reoffenders < min_cell
}

/// Withholds the published groups named in `given_away` and, when that withholds exactly
/// one, the smallest published group with it (so no total minus the others gives it back).
pub fn withhold_groups(results: &mut [GroupResult], given_away: &std::collections::BTreeSet<String>) {
    let before = results.iter().filter(|r| r.people.is_none()).count();
    for r in results.iter_mut().filter(|r| r.people.is_some() && given_away.contains(&r.group)) {
        withhold(r);
    }
    let withheld = results.iter().filter(|r| r.people.is_none()).count();
    if withheld == 1
        && withheld > before
        && let Some(next) = results.iter_mut().filter(|r| r.people.is_some()).min_by_key(|r| r.people)
    {
        withhold(next);
    }
}

pub(crate) fn withhold(r: &mut GroupResult) {
    r.people = None;
    r.reoffenders = None;
    r.rate = None;
    r.ci95 = None;
    r.comparison = None;
}

#[cfg(test)]
#[path = "whatworks_tests.rs"]
pub(crate) mod tests;
