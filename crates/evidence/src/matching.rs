//! Matched comparison groups: for the index events of a treated group, find comparable index
//! events among the rest, check balance, and estimate the difference in proven reoffending.
//!
//! Units are uncensored index events (see [`crate::reoffending`]). Covariates are measured on
//! the index day D: age band, sex, prior proven offences (offence date before D) and the type
//! of the most recent prior proven offence. Two methods:
//! - exact: 1:1 within identical (age band, sex, prior band, recent type) cells;
//! - propensity: logistic regression of treatment on the covariates, then greedy 1:1
//!   nearest-neighbour matching on the logit without replacement within a caliper of
//!   `caliper_sd` standard deviations of the logit (0.2 is the usual choice).
//!
//! Ties and matching order are broken by a seeded PRNG, so results are reproducible.
//!
//! The covariates are measured once per dataset ([`Covariates`]) and the propensity model is
//! fitted over their distinct patterns with counts ([`crate::propensity`]): the same model as
//! one row per event, in a fraction of the time. Pairs, rates, the difference and balance
//! after matching are computed from the units as before; [`reference`] keeps the one-row-per-
//! event computation, and the tests hold the two to the same pairs.

use std::collections::HashMap;

use crate::covariates::Covariates;
use crate::dataset::{Dataset, Sex};
use crate::prng::Rng;
use crate::propensity::{self, Design};
use crate::reoffending::{Definition, EventResult, event_results};
use crate::stats::{Z95, mean, standardised_mean_difference, variance};
use crate::table::{Cell, Table};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Method {
    Exact,
    Propensity { caliper_sd: f64 },
}

impl Method {
    /// The method as data for a JSON answer: `{"matching": "exact_1_to_1"}` or
    /// `{"matching": "propensity_nearest_neighbour_1_to_1", "caliper_sd": 0.2}`.
    pub fn json(self) -> serde_json::Value {
        match self {
            Method::Exact => serde_json::json!({ "matching": "exact_1_to_1" }),
            Method::Propensity { caliper_sd } => {
                serde_json::json!({ "matching": "propensity_nearest_neighbour_1_to_1", "caliper_sd": caliper_sd })
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchOptions {
    pub definition: Definition,
    /// The index events whose `group` equals this label are treated.
    pub treated_group: String,
    pub method: Method,
    pub seed: u64,
    /// Leave out, as comparisons, the other index events of treated persons (their own pool
    /// event the same day would otherwise be their perfect match).
    pub controls_never_treated: bool,
}

/// One index event that takes part: treated, or a candidate comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Unit {
    pub event: u32,
    /// Its covariates: a pattern of [`Covariates`].
    pub pattern: u32,
    pub treated: bool,
    pub reoffended: bool,
}

/// The uncensored index events that take part, in dataset order.
fn units(data: &Dataset, options: &MatchOptions, results: &[EventResult], covariates: &Covariates) -> Vec<Unit> {
    let events = &data.index_events;
    let treated_id = (0..data.groups.len() as u32).find(|&g| data.groups.get(g) == options.treated_group);
    let is_treated = |e: usize| treated_id.is_some_and(|g| events.group[e] == g);
    let mut treated_persons = vec![false; if options.controls_never_treated { data.person_count() } else { 0 }];
    if options.controls_never_treated {
        for e in (0..data.index_event_count()).filter(|&e| is_treated(e)) {
            treated_persons[events.person[e] as usize] = true;
        }
    }
    (0..data.index_event_count())
        .filter(|&e| !results[e].censored)
        .filter(|&e| is_treated(e) || treated_persons.get(events.person[e] as usize) != Some(&true))
        .map(|e| Unit {
            event: e as u32,
            pattern: covariates.pattern[e],
            treated: is_treated(e),
            reoffended: results[e].reoffences > 0,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    pub covariate: String,
    pub smd_before: f64,
    pub smd_after: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MatchResult {
    pub treated: u64,
    pub candidates: u64,
    /// (treated index event, comparison index event), in dataset event numbers.
    pub pairs: Vec<(u32, u32)>,
    pub balance: Vec<Balance>,
    pub treated_rate: f64,
    pub comparison_rate: f64,
    /// treated_rate - comparison_rate over the matched pairs.
    pub difference: f64,
    /// 95% interval of the paired difference (normal approximation, paired variance).
    pub ci95: [f64; 2],
}

/// Builds the matched comparison group and its report.
pub fn match_comparison(data: &Dataset, options: &MatchOptions) -> MatchResult {
    let results = event_results(data, options.definition);
    match_comparison_of(data, options, &results, &Covariates::of(data))
}

/// [`match_comparison`] with every index event's result under `options.definition` already
/// counted (`event_results`) and its covariates measured ([`Covariates::of`]), for several
/// groups matched over the same events.
pub fn match_comparison_of(
    data: &Dataset,
    options: &MatchOptions,
    results: &[EventResult],
    covariates: &Covariates,
) -> MatchResult {
    let units = units(data, options, results, covariates);
    let mut rng = Rng::new(options.seed);
    let treated: Vec<usize> = (0..units.len()).filter(|&i| units[i].treated).collect();
    let controls: Vec<usize> = (0..units.len()).filter(|&i| !units[i].treated).collect();
    let design = Design::new(data, &units, covariates);
    let pairs: Vec<(usize, usize)> = match options.method {
        Method::Exact => exact_pairs(&units, covariates, &treated, &controls, &mut rng),
        Method::Propensity { caliper_sd } => {
            propensity::pairs(&units, &design, &treated, &controls, caliper_sd, &mut rng)
        }
    };
    let matched_t: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    let matched_c: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    let before = design.balance_before(&units);
    let balance = design
        .names
        .iter()
        .zip(before)
        .enumerate()
        .map(|(c, (name, smd_before))| Balance {
            covariate: name.clone(),
            smd_before,
            smd_after: standardised_mean_difference(&design.column(&matched_t, c), &design.column(&matched_c, c)),
        })
        .collect();
    let differences: Vec<f64> = pairs
        .iter()
        .map(|&(t, c)| f64::from(u8::from(units[t].reoffended)) - f64::from(u8::from(units[c].reoffended)))
        .collect();
    let rate = |idx: &[usize]| mean(&idx.iter().map(|&i| f64::from(u8::from(units[i].reoffended))).collect::<Vec<_>>());
    let difference = mean(&differences);
    let se = (variance(&differences) / differences.len() as f64).sqrt();
    MatchResult {
        treated: treated.len() as u64,
        candidates: controls.len() as u64,
        pairs: pairs.iter().map(|&(t, c)| (units[t].event, units[c].event)).collect(),
        balance,
        treated_rate: rate(&matched_t),
        comparison_rate: rate(&matched_c),
        difference,
        ci95: [difference - Z95 * se, difference + Z95 * se],
    }
}

fn exact_pairs(
    units: &[Unit],
    covariates: &Covariates,
    treated: &[usize],
    controls: &[usize],
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    let key = |i: usize| covariates.patterns[units[i].pattern as usize].exact_key();
    let mut cells: HashMap<(u8, Sex, u8, u32), Vec<usize>> = HashMap::new();
    for &c in controls {
        cells.entry(key(c)).or_default().push(c);
    }
    let mut keys: Vec<_> = cells.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        rng.shuffle(cells.get_mut(&key).expect("key from the map"));
    }
    let mut order = treated.to_vec();
    rng.shuffle(&mut order);
    let mut pairs: Vec<(usize, usize)> =
        order.into_iter().filter_map(|t| cells.get_mut(&key(t)).and_then(Vec::pop).map(|c| (t, c))).collect();
    pairs.sort_unstable();
    pairs
}

impl MatchResult {
    pub fn balance_table(&self) -> Table {
        let mut table =
            Table::new("Covariate balance (standardised mean differences)", &["covariate", "smd_before", "smd_after"]);
        for b in &self.balance {
            table.push(vec![Cell::Text(b.covariate.clone()), Cell::Number(b.smd_before), Cell::Number(b.smd_after)]);
        }
        table
    }

    /// Rates and the difference; every cell is built on the number of pairs, so disclosure
    /// control hides them all when there are few pairs.
    pub fn outcome_table(&self) -> Table {
        let pairs = self.pairs.len() as u64;
        let count = |rate: f64| (rate * pairs as f64).round() as u64;
        let mut table = Table::new(
            "Proven reoffending, treated vs matched comparison",
            &["treated", "candidates", "pairs", "treated_rate", "comparison_rate", "difference", "ci95"],
        );
        table.push(vec![
            Cell::Count(self.treated),
            Cell::Count(self.candidates),
            Cell::Count(pairs),
            Cell::rate(count(self.treated_rate), pairs),
            Cell::rate(count(self.comparison_rate), pairs),
            Cell::Rate { value: self.difference, numerator: pairs, denominator: pairs },
            Cell::Interval { low: self.ci95[0], high: self.ci95[1], numerator: pairs, denominator: pairs },
        ]);
        table
    }
}

#[cfg(test)]
#[path = "matching_reference.rs"]
pub(crate) mod reference;
