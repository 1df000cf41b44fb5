//! The matched comparison as it was computed before the propensity model was fitted over
//! covariate patterns: the model fitted over one row per unit, and every candidate in one
//! array sorted by score. Kept for the tests, which hold the pattern computation to it.

use super::{MatchOptions, Method};
use crate::dataset::Dataset;
use crate::logistic;
use crate::prng::Rng;
use crate::propensity::{Design, find};
use crate::stats::{standardised_mean_difference, variance};

/// Greedy nearest-neighbour matching on the units' scores `logit` as it was: every candidate
/// in one array sorted by score (ties by unit), the nearest unused one taken.
fn sorted_pairs(
    logit: &[f64],
    treated: &[usize],
    controls: &[usize],
    caliper_sd: f64,
    rng: &mut Rng,
) -> Vec<(usize, usize)> {
    let caliper = caliper_sd * variance(logit).sqrt();
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

/// Generated extracts (as the bench makes them, small) with five groups of index events.
fn generated(seed: u64, persons: u64) -> Dataset {
    let dir = std::env::temp_dir().join(format!("desist-matching-reference-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    crate::generate::generate(seed, persons, 5.0, persons, &dir).unwrap();
    let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let data =
        crate::csv_io::read_dataset(&read("persons.csv")[..], &read("offences.csv")[..], &read("index_events.csv")[..])
            .unwrap()
            .dataset;
    let _ = std::fs::remove_dir_all(&dir);
    data
}

/// Matching runs of equal scores finds the pairs the sorted array of every candidate finds,
/// on the same scores. The model fitted over patterns with counts is the model fitted over one
/// row per unit up to the order of its sums, so nearly all pairs are the same: only where two
/// candidates were exactly as near (a treated person of 30 between candidates of 29 and 31
/// alike in all else) rounding broke the tie, and other rounding may break it otherwise.
/// Balance before matching, weighted by pattern counts, is the balance over every unit.
fn assert_same(data: &Dataset, options: &MatchOptions) {
    let what = &options.treated_group;
    let results = crate::reoffending::event_results(data, options.definition);
    let covariates = crate::covariates::Covariates::of(data);
    let units = super::units(data, options, &results, &covariates);
    let design = Design::new(data, &units, &covariates);
    let treated: Vec<usize> = (0..units.len()).filter(|&i| units[i].treated).collect();
    let controls: Vec<usize> = (0..units.len()).filter(|&i| !units[i].treated).collect();
    let Method::Propensity { caliper_sd } = options.method else { unreachable!("propensity only") };
    let rng = || Rng::new(options.seed);

    let row_logit = crate::propensity::scores(&units, &design);
    let logit: Vec<f64> = (0..units.len()).map(|u| row_logit[design.row(u)]).collect();
    let runs = crate::propensity::nearest(&design, &row_logit, &units, &treated, &controls, caliper_sd, &mut rng());
    let sorted = sorted_pairs(&logit, &treated, &controls, caliper_sd, &mut rng());
    assert!(sorted.len() > 100, "{what}: pairs to compare");
    assert_eq!(runs, sorted, "{what}: the same pairs on the same scores");

    // One row per unit, fitted row by row.
    let x: Vec<Vec<f64>> =
        (0..units.len()).map(|u| std::iter::once(1.0).chain(design.column_row(u)).collect()).collect();
    let y: Vec<bool> = units.iter().map(|u| u.treated).collect();
    let beta = logistic::fit(&x, &y, 30);
    let every_unit: Vec<f64> = x.iter().map(|row| logistic::dot(row, &beta)).collect();
    for (a, b) in every_unit.iter().zip(&logit) {
        assert!((a - b).abs() < 1e-6, "{what}: score {a} over every unit, {b} over patterns");
    }
    let old = sorted_pairs(&every_unit, &treated, &controls, caliper_sd, &mut rng());
    let (n, o) = (runs.len() as f64, old.len() as f64);
    assert!((n - o).abs() <= o / 100.0, "{what}: {n} pairs against {o}");
    let same = runs.iter().filter(|p| old.binary_search(p).is_ok()).count() as f64;
    assert!(same >= 0.95 * o, "{what}: {same} of {o} pairs the same");

    for (c, before) in design.balance_before(&units).into_iter().enumerate() {
        let every = standardised_mean_difference(&design.column(&treated, c), &design.column(&controls, c));
        assert!((before - every).abs() < 1e-9, "{what} covariate {c}: {before} against {every}");
    }
}

#[test]
fn matching_over_patterns_finds_the_pairs_of_matching_over_every_unit() {
    for (seed, persons) in [(1, 4000), (2, 1500)] {
        let data = generated(seed, persons);
        let as_of = data.index_events.index_date.iter().max().copied().unwrap() + 800;
        for group in ["A", "C", "E"] {
            for (caliper_sd, controls_never_treated) in [(0.2, true), (0.2, false), (0.01, false)] {
                let options = MatchOptions {
                    definition: crate::reoffending::Definition::default_as_of(as_of),
                    treated_group: group.into(),
                    method: Method::Propensity { caliper_sd },
                    seed: seed + 20,
                    controls_never_treated,
                };
                assert_same(&data, &options);
            }
        }
    }
}
