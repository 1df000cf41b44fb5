//! The matched comparison as it was computed before covariates were measured once and the
//! propensity model fitted over patterns: every unit measured from its offences, one design
//! row per unit, the fit over every row and a sorted array of every candidate. Kept for the
//! tests, which hold [`super::match_comparison_of`] to the same pairs and figures.

#![allow(clippy::needless_range_loop, reason = "kept as it was written")]

use std::collections::HashMap;

use super::{Balance, MatchOptions, MatchResult, Method};
use crate::dataset::{Dataset, Sex};
use crate::date::{NO_DAY, age_in_years};
use crate::intern::NONE;
use crate::logistic;
use crate::prng::Rng;
use crate::propensity::find;
use crate::reoffending::EventResult;
use crate::stats::{Z95, mean, standardised_mean_difference, variance};

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

/// [`match_comparison`] with every index event's result under `options.definition` already
/// counted (`event_results`), for several groups matched over the same events.
pub(crate) fn match_comparison_of(data: &Dataset, options: &MatchOptions, results: &[EventResult]) -> MatchResult {
    let units = units(data, options, results);
    let mut rng = Rng::new(options.seed);
    let treated: Vec<usize> = (0..units.len()).filter(|&i| units[i].treated).collect();
    let controls: Vec<usize> = (0..units.len()).filter(|&i| !units[i].treated).collect();
    let design = design(data, &units);
    let pairs: Vec<(usize, usize)> = match options.method {
        Method::Exact => unreachable!("the reference is of propensity matching"),
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
    sorted_pairs(&logit, treated, controls, caliper_sd, rng)
}

/// The matching of [`propensity_pairs`] on the units' scores `logit`: every candidate in one
/// array sorted by score.
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
/// on the same scores; the model fitted over patterns is the model fitted over every unit up
/// to the order of its sums, so the figures agree, and balance before matching (now weighted
/// by pattern counts) too. Pairs themselves may differ where two candidates were exactly as
/// near (a treated person of 30 between candidates of 29 and 31 alike in all else): the old
/// computation broke such ties by rounding, as the new one does, only with other rounding.
fn assert_same(data: &Dataset, options: &MatchOptions) {
    let what = &options.treated_group;
    let results = crate::reoffending::event_results(data, options.definition);
    let covariates = crate::covariates::Covariates::of(data);
    let units = super::units(data, options, &results, &covariates);
    let design = crate::propensity::Design::new(data, &units, &covariates);
    let treated: Vec<usize> = (0..units.len()).filter(|&i| units[i].treated).collect();
    let controls: Vec<usize> = (0..units.len()).filter(|&i| !units[i].treated).collect();
    let row_logit = crate::propensity::scores(&units, &design);
    let logit: Vec<f64> = (0..units.len()).map(|u| row_logit[design.row(u)]).collect();
    let Method::Propensity { caliper_sd } = options.method else { unreachable!("propensity only") };
    let runs = crate::propensity::nearest(
        &design,
        &row_logit,
        &units,
        &treated,
        &controls,
        caliper_sd,
        &mut Rng::new(options.seed),
    );
    let sorted = sorted_pairs(&logit, &treated, &controls, caliper_sd, &mut Rng::new(options.seed));
    assert!(!sorted.is_empty(), "{what}: pairs to compare");
    assert_eq!(runs, sorted, "{what}: the same pairs on the same scores");

    let new = super::match_comparison_of(data, options, &results, &covariates);
    let old = match_comparison_of(data, options, &results);
    assert_eq!((new.treated, new.candidates), (old.treated, old.candidates), "{what}");
    let (n, o) = (new.pairs.len() as f64, old.pairs.len() as f64);
    assert!((n - o).abs() <= o / 100.0, "{what}: {n} pairs against {o}");
    let same = new.pairs.iter().filter(|p| old.pairs.binary_search(p).is_ok()).count() as f64;
    assert!(same >= 0.95 * o, "{what}: {same} of {o} pairs the same");
    assert!((new.difference - old.difference).abs() < 0.02, "{what}: {} against {}", new.difference, old.difference);
    for (n, o) in new.balance.iter().zip(&old.balance) {
        assert_eq!(n.covariate, o.covariate, "{what}");
        assert!((n.smd_before - o.smd_before).abs() < 1e-9, "{what} {}: {n:?} vs {o:?}", n.covariate);
        assert!((n.smd_after - o.smd_after).abs() < 0.05, "{what} {}: {n:?} vs {o:?}", n.covariate);
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
