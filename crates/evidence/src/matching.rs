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

use std::collections::HashMap;

use crate::dataset::{Dataset, Sex};
use crate::date::{NO_DAY, age_in_years};
use crate::intern::NONE;
use crate::logistic;
use crate::prng::Rng;
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

#[derive(Debug, Clone, Copy, PartialEq)]
struct Unit {
    event: u32,
    age: Option<i32>,
    sex: Sex,
    priors: u32,
    recent_type: u32,
    treated: bool,
    reoffended: bool,
}

impl Unit {
    fn age_band(&self) -> u8 {
        match self.age {
            None => 0,
            Some(a) if a < 18 => 1,
            Some(a) if a < 25 => 2,
            Some(a) if a < 35 => 3,
            Some(a) if a < 50 => 4,
            Some(_) => 5,
        }
    }

    fn prior_band(&self) -> u8 {
        match self.priors {
            0 => 0,
            1..=2 => 1,
            3..=5 => 2,
            6..=10 => 3,
            _ => 4,
        }
    }

    fn exact_key(&self) -> (u8, Sex, u8, u32) {
        (self.age_band(), self.sex, self.prior_band(), self.recent_type)
    }
}

fn units(data: &Dataset, options: &MatchOptions, results: &[EventResult]) -> Vec<Unit> {
    let events = &data.index_events;
    let o = &data.offences;
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
        .map(|e| {
            let person = events.person[e];
            let day = events.index_date[e];
            let range = data.offences_of(person);
            let before = range.start + o.offence_date[range.clone()].partition_point(|&d| d < day);
            let prior: Vec<usize> = (range.start..before).filter(|&i| o.outcome[i].is_proven()).collect();
            let birth = data.persons.birth_date[person as usize];
            Unit {
                event: e as u32,
                age: (birth != NO_DAY).then(|| age_in_years(birth, day)),
                sex: data.persons.sex[person as usize],
                priors: prior.len() as u32,
                recent_type: prior.last().map_or(NONE, |&i| o.offence_type[i]),
                treated: is_treated(e),
                reoffended: results[e].reoffences > 0,
            }
        })
        .collect()
}

/// Numeric covariates used for the propensity model and for balance, with their names.
struct Design {
    names: Vec<String>,
    rows: Vec<Vec<f64>>,
}

fn design(data: &Dataset, units: &[Unit]) -> Design {
    let known_ages: Vec<f64> = units.iter().filter_map(|u| u.age.map(f64::from)).collect();
    let mean_age = if known_ages.is_empty() { 0.0 } else { mean(&known_ages) };
    // The most frequent recent types get their own indicator; the rest share "other".
    let mut type_counts: HashMap<u32, usize> = HashMap::new();
    for u in units.iter().filter(|u| u.recent_type != NONE) {
        *type_counts.entry(u.recent_type).or_default() += 1;
    }
    let mut types: Vec<(u32, usize)> = type_counts.into_iter().collect();
    types.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    types.truncate(12);
    let mut names: Vec<String> =
        ["age (years, imputed)", "age unknown", "male", "female", "ln(1 + prior proven offences)"]
            .map(String::from)
            .to_vec();
    names.extend(types.iter().map(|(t, _)| format!("recent type: {}", data.offence_types.get(*t))));
    names.push("recent type: other".into());
    let rows = units
        .iter()
        .map(|u| {
            let mut row = vec![
                u.age.map_or(mean_age, f64::from),
                f64::from(u8::from(u.age.is_none())),
                f64::from(u8::from(u.sex == Sex::M)),
                f64::from(u8::from(u.sex == Sex::F)),
                f64::from(u.priors).ln_1p(),
            ];
            row.extend(types.iter().map(|(t, _)| f64::from(u8::from(u.recent_type == *t))));
            let other = u.recent_type != NONE && !types.iter().any(|(t, _)| *t == u.recent_type);
            row.push(f64::from(u8::from(other)));
            row
        })
        .collect();
    Design { names, rows }
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
    match_comparison_of(data, options, &event_results(data, options.definition))
}

/// [`match_comparison`] with every index event's result under `options.definition` already
/// counted (`event_results`), for several groups matched over the same events.
pub fn match_comparison_of(data: &Dataset, options: &MatchOptions, results: &[EventResult]) -> MatchResult {
    let units = units(data, options, results);
    let mut rng = Rng::new(options.seed);
    let treated: Vec<usize> = (0..units.len()).filter(|&i| units[i].treated).collect();
    let controls: Vec<usize> = (0..units.len()).filter(|&i| !units[i].treated).collect();
    let design = design(data, &units);
    let pairs: Vec<(usize, usize)> = match options.method {
        Method::Exact => exact_pairs(&units, &treated, &controls, &mut rng),
        Method::Propensity { caliper_sd } => {
            propensity_pairs(&units, &design, &treated, &controls, caliper_sd, &mut rng)
        }
    };
    let column = |idx: &[usize], c: usize| idx.iter().map(|&i| design.rows[i][c]).collect::<Vec<f64>>();
    let matched_t: Vec<usize> = pairs.iter().map(|p| p.0).collect();
    let matched_c: Vec<usize> = pairs.iter().map(|p| p.1).collect();
    let balance = design
        .names
        .iter()
        .enumerate()
        .map(|(c, name)| Balance {
            covariate: name.clone(),
            smd_before: standardised_mean_difference(&column(&treated, c), &column(&controls, c)),
            smd_after: standardised_mean_difference(&column(&matched_t, c), &column(&matched_c, c)),
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

fn exact_pairs(units: &[Unit], treated: &[usize], controls: &[usize], rng: &mut Rng) -> Vec<(usize, usize)> {
    let mut cells: HashMap<(u8, Sex, u8, u32), Vec<usize>> = HashMap::new();
    for &c in controls {
        cells.entry(units[c].exact_key()).or_default().push(c);
    }
    let mut keys: Vec<_> = cells.keys().copied().collect();
    keys.sort_unstable();
    for key in keys {
        rng.shuffle(cells.get_mut(&key).expect("key from the map"));
    }
    let mut order = treated.to_vec();
    rng.shuffle(&mut order);
    let mut pairs: Vec<(usize, usize)> = order
        .into_iter()
        .filter_map(|t| cells.get_mut(&units[t].exact_key()).and_then(Vec::pop).map(|c| (t, c)))
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Union-find style "next unused slot" finder over a sorted array.
fn find(next: &mut [usize], mut i: usize) -> usize {
    let mut root = i;
    while next[root] != root {
        root = next[root];
    }
    while next[i] != root {
        let up = next[i];
        next[i] = root;
        i = up;
    }
    root
}

fn propensity_pairs(
    units: &[Unit],
    design: &Design,
    treated: &[usize],
    controls: &[usize],
    caliper_sd: f64,
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    if treated.is_empty() || controls.is_empty() {
        return Vec::new();
    }
    let x: Vec<Vec<f64>> =
        design.rows.iter().map(|row| std::iter::once(1.0).chain(row.iter().copied()).collect()).collect();
    let y: Vec<bool> = units.iter().map(|u| u.treated).collect();
    let beta = logistic::fit(&x, &y, 30);
    let logit: Vec<f64> = x.iter().map(|row| logistic::dot(row, &beta)).collect();
    let caliper = caliper_sd * variance(&logit).sqrt();
    let mut sorted = controls.to_vec();
    sorted.sort_unstable_by(|&a, &b| logit[a].total_cmp(&logit[b]).then(a.cmp(&b)));
    let n = sorted.len();
    // right[i]: smallest unused >= i (n = none); left[i + 1]: largest unused <= i (0 = none).
    let mut right: Vec<usize> = (0..=n).collect();
    let mut left: Vec<usize> = (0..=n).collect();
    let mut order = treated.to_vec();
    rng.shuffle(&mut order);
    let mut pairs = Vec::new();
    for t in order {
        let score = logit[t];
        let position = sorted.partition_point(|&c| logit[c] < score);
        let r = find(&mut right, position);
        let l = find(&mut left, position);
        let distance = |slot: usize| (logit[sorted[slot]] - score).abs();
        let best = match (r < n, l > 0) {
            (true, true) if distance(l - 1) <= distance(r) => Some(l - 1),
            (true, _) => Some(r),
            (false, true) => Some(l - 1),
            (false, false) => None,
        };
        if let Some(slot) = best.filter(|&s| distance(s) <= caliper) {
            pairs.push((t, sorted[slot]));
            right[slot] = slot + 1;
            left[slot + 1] = slot;
        }
    }
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
