//! The propensity model of one matched comparison, over covariate patterns instead of rows.
//!
//! Every unit's design row follows from its covariate pattern ([`crate::covariates`]), and
//! units with equal rows have equal propensity scores. So the design holds each distinct row
//! once with the number of treated and comparison units on it; the logistic model is fitted
//! over those counts ([`logistic::fit_counts`]: the same likelihood as one row per unit) and
//! balance before matching is weighted by them. Matching works on the distinct scores: the
//! candidates with one score are a run of the score-sorted candidates, and nearest-neighbour
//! matching only ever takes the first or the last unused candidate of a run, so it keeps each
//! run's unused candidates as a range and finds the same pairs as the sorted array of every
//! candidate did (see `matching::reference`).

use std::collections::HashMap;

use crate::covariates::{Covariates, Pattern};
use crate::dataset::{Dataset, Sex};
use crate::intern::NONE;
use crate::logistic;
use crate::matching::Unit;
use crate::prng::Rng;
use crate::stats::{mean, variance};

/// Numeric covariates used for the propensity model and for balance, with their names: each
/// distinct row once, and the row of every unit.
pub(crate) struct Design {
    pub names: Vec<String>,
    /// The distinct rows, without the intercept.
    rows: Vec<Vec<f64>>,
    /// `rows[row_of[u]]` is unit `u`'s row.
    row_of: Vec<u32>,
}

/// The recent offence type's column of a row: one of the most frequent types, "other", or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Recent {
    Type(u8),
    Other,
    None,
}

impl Design {
    pub fn new(data: &Dataset, units: &[Unit], covariates: &Covariates) -> Design {
        let patterns = &covariates.patterns;
        let known_ages: Vec<f64> =
            units.iter().filter_map(|u| patterns[u.pattern as usize].age.map(f64::from)).collect();
        let mean_age = if known_ages.is_empty() { 0.0 } else { mean(&known_ages) };
        let mut per_pattern = vec![0usize; patterns.len()];
        for u in units {
            per_pattern[u.pattern as usize] += 1;
        }
        // The most frequent recent types get their own indicator; the rest share "other".
        let mut type_counts: HashMap<u32, usize> = HashMap::new();
        for (p, &n) in patterns.iter().zip(&per_pattern).filter(|(p, n)| **n > 0 && p.recent_type != NONE) {
            *type_counts.entry(p.recent_type).or_default() += n;
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
        let recent = |t: u32| match types.iter().position(|(known, _)| *known == t) {
            _ if t == NONE => Recent::None,
            Some(i) => Recent::Type(i as u8),
            None => Recent::Other,
        };
        // Patterns whose types share "other" share a row.
        let mut numbers: HashMap<(Option<i32>, Sex, u32, Recent), u32> = HashMap::new();
        let mut rows = Vec::new();
        let mut pattern_row = vec![u32::MAX; patterns.len()];
        for (k, p) in patterns.iter().enumerate().filter(|&(k, _)| per_pattern[k] > 0) {
            let key = (p.age, p.sex, p.priors, recent(p.recent_type));
            pattern_row[k] = *numbers.entry(key).or_insert_with(|| {
                rows.push(row(p, mean_age, key.3, types.len()));
                rows.len() as u32 - 1
            });
        }
        let row_of = units.iter().map(|u| pattern_row[u.pattern as usize]).collect();
        Design { names, rows, row_of }
    }

    /// The row of unit `u`.
    #[cfg(test)]
    pub fn row(&self, u: usize) -> usize {
        self.row_of[u] as usize
    }

    /// Unit `u`'s covariates.
    #[cfg(test)]
    pub fn column_row(&self, u: usize) -> impl Iterator<Item = f64> + '_ {
        self.rows[self.row(u)].iter().copied()
    }

    /// Covariate `c` of each of `units` (positions in the units).
    pub fn column(&self, units: &[usize], c: usize) -> Vec<f64> {
        units.iter().map(|&u| self.rows[self.row_of[u] as usize][c]).collect()
    }

    /// The treated and comparison units on each row.
    fn counts(&self, units: &[Unit]) -> (Vec<f64>, Vec<f64>) {
        let (mut treated, mut controls) = (vec![0.0; self.rows.len()], vec![0.0; self.rows.len()]);
        for (u, &r) in units.iter().zip(&self.row_of) {
            let counts = if u.treated { &mut treated } else { &mut controls };
            counts[r as usize] += 1.0;
        }
        (treated, controls)
    }

    /// Each covariate's standardised mean difference between all treated and all comparison
    /// units, from the rows weighted by their counts.
    pub fn balance_before(&self, units: &[Unit]) -> Vec<f64> {
        let (treated, controls) = self.counts(units);
        (0..self.names.len())
            .map(|c| {
                let (mean_t, var_t) = weighted_mean_variance(&self.rows, &treated, c);
                let (mean_c, var_c) = weighted_mean_variance(&self.rows, &controls, c);
                smd(mean_t - mean_c, var_t, var_c)
            })
            .collect()
    }
}

/// A pattern's design row (see `Design::names` for the columns).
fn row(p: &Pattern, mean_age: f64, recent: Recent, types: usize) -> Vec<f64> {
    let mut row = vec![
        p.age.map_or(mean_age, f64::from),
        f64::from(u8::from(p.age.is_none())),
        f64::from(u8::from(p.sex == Sex::M)),
        f64::from(u8::from(p.sex == Sex::F)),
        f64::from(p.priors).ln_1p(),
    ];
    row.extend((0..types).map(|i| f64::from(u8::from(recent == Recent::Type(i as u8)))));
    row.push(f64::from(u8::from(recent == Recent::Other)));
    row
}

/// Mean and sample variance (n - 1) of column `c` of `rows`, row `r` counted `weights[r]`
/// times: NaN and 0 without values, as [`mean`] and [`variance`] give.
fn weighted_mean_variance(rows: &[Vec<f64>], weights: &[f64], c: usize) -> (f64, f64) {
    let n: f64 = weights.iter().sum();
    if n == 0.0 {
        return (f64::NAN, 0.0);
    }
    let m = rows.iter().zip(weights).map(|(row, w)| w * row[c]).sum::<f64>() / n;
    if n < 2.0 {
        return (m, 0.0);
    }
    let squares: f64 = rows.iter().zip(weights).map(|(row, w)| w * (row[c] - m).powi(2)).sum();
    (m, squares / (n - 1.0))
}

/// [`crate::stats::standardised_mean_difference`] from the means' difference and variances.
fn smd(difference: f64, var_t: f64, var_c: f64) -> f64 {
    let pooled = ((var_t + var_c) / 2.0).sqrt();
    if pooled == 0.0 {
        if difference == 0.0 { 0.0 } else { f64::INFINITY.copysign(difference) }
    } else {
        difference / pooled
    }
}

/// Union-find style "next unused slot" finder over a sorted array.
pub(crate) fn find(next: &mut [usize], mut i: usize) -> usize {
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

/// Greedy 1:1 nearest-neighbour pairs on the propensity logit, without replacement, within
/// `caliper_sd` standard deviations of the logit; treated units in a seeded random order.
/// Pairs are (treated, comparison) positions in `units`, in order.
pub(crate) fn pairs(
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
    let row_logit = scores(units, design);
    nearest(design, &row_logit, units, treated, controls, caliper_sd, rng)
}

/// The propensity logit of each distinct row of `design`: the logistic model of treatment
/// fitted over the rows with their counts of treated and comparison units.
pub(crate) fn scores(units: &[Unit], design: &Design) -> Vec<f64> {
    let x: Vec<Vec<f64>> =
        design.rows.iter().map(|row| std::iter::once(1.0).chain(row.iter().copied()).collect()).collect();
    let (positives, negatives) = design.counts(units);
    let totals: Vec<f64> = positives.iter().zip(&negatives).map(|(p, n)| p + n).collect();
    let beta = logistic::fit_counts(&x, &positives, &totals, 30);
    x.iter().map(|row| logistic::dot(row, &beta)).collect()
}

/// The pairs of [`pairs`] on the rows' scores `row_logit`.
pub(crate) fn nearest(
    design: &Design,
    row_logit: &[f64],
    units: &[Unit],
    treated: &[usize],
    controls: &[usize],
    caliper_sd: f64,
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    let logit = |u: usize| row_logit[design.row_of[u] as usize];
    let caliper = caliper_sd * variance(&(0..units.len()).map(logit).collect::<Vec<_>>()).sqrt();
    let has_candidates = {
        let mut has = vec![false; row_logit.len()];
        for &c in controls {
            has[design.row_of[c] as usize] = true;
        }
        has
    };
    // Runs of equal scores, ascending: the candidates' distinct scores (those of the rows with
    // candidates), and each run's candidates in unit order (the sorted array's order within a
    // run).
    let mut scores: Vec<f64> = (0..row_logit.len()).filter(|&r| has_candidates[r]).map(|r| row_logit[r]).collect();
    scores.sort_unstable_by(f64::total_cmp);
    scores.dedup_by(|a, b| a.to_bits() == b.to_bits());
    let row_run: Vec<usize> =
        row_logit.iter().map(|l| scores.binary_search_by(|s| s.total_cmp(l)).unwrap_or(usize::MAX)).collect();
    let runs: Vec<usize> = controls.iter().map(|&c| row_run[design.row_of[c] as usize]).collect();
    let mut start = vec![0usize; scores.len() + 1];
    for &r in &runs {
        start[r + 1] += 1;
    }
    for r in 0..scores.len() {
        start[r + 1] += start[r];
    }
    let mut slots = vec![0usize; controls.len()];
    let mut filled = start.clone();
    for (&c, &r) in controls.iter().zip(&runs) {
        slots[filled[r]] = c;
        filled[r] += 1;
    }
    // Each run's unused candidates are slots[front[r]..back[r]].
    let (mut front, mut back) = (start[..scores.len()].to_vec(), start[1..].to_vec());
    let n = scores.len();
    // right[i]: first run >= i with unused candidates (n = none); left[i + 1]: last run <= i
    // with unused candidates (0 = none).
    let mut right: Vec<usize> = (0..=n).collect();
    let mut left: Vec<usize> = (0..=n).collect();
    let mut order = treated.to_vec();
    rng.shuffle(&mut order);
    let mut pairs = Vec::new();
    for t in order {
        let score = logit(t);
        let position = scores.partition_point(|&s| s < score);
        let r = find(&mut right, position);
        let l = find(&mut left, position);
        let distance = |run: usize| (scores[run] - score).abs();
        let best = match (r < n, l > 0) {
            (true, true) if distance(l - 1) <= distance(r) => Some(l - 1),
            (true, _) => Some(r),
            (false, true) => Some(l - 1),
            (false, false) => None,
        };
        if let Some(run) = best.filter(|&run| distance(run) <= caliper) {
            // The sorted array's nearest unused slot: the first of a run above, the last of a
            // run below.
            let c = if run == r {
                front[run] += 1;
                slots[front[run] - 1]
            } else {
                back[run] -= 1;
                slots[back[run]]
            };
            pairs.push((t, c));
            if front[run] == back[run] {
                right[run] = run + 1;
                left[run + 1] = run;
            }
        }
    }
    pairs.sort_unstable();
    pairs
}
