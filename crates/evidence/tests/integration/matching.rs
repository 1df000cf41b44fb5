//! Comparison groups on data where treatment depends on prior offending and reoffending does
//! too, but the treatment itself has no effect: matching must remove the imbalance.

use std::collections::HashSet;

use evidence::matching::{MatchOptions, Method, match_comparison};
use evidence::prng::Rng;
use evidence::reoffending::{Definition, GroupBy, reoffending};

use crate::common::{EVENTS_HEADER, OFFENCES_HEADER, dataset, day};

fn confounded_data() -> evidence::Dataset {
    let mut rng = Rng::new(42);
    let mut persons = String::from("person_id,birth_date,sex,area\n");
    let mut offences = String::from(OFFENCES_HEADER);
    let mut events = String::from(EVENTS_HEADER);
    let sigmoid = |z: f64| 1.0 / (1.0 + (-z).exp());
    for p in 0..1_500 {
        let priors = rng.below(16) as u32;
        let sex = if rng.below(4) == 0 { "F" } else { "M" };
        persons.push_str(&format!("p{p},19{}-05-01,{sex},\n", 60 + rng.below(40)));
        for k in 0..priors {
            offences.push_str(&format!("p{p}-{k},p{p},2019-0{}-10,2019-12-01,conviction,theft,3\n", k % 9 + 1));
        }
        let treated = rng.next_f64() < sigmoid(-2.5 + 0.35 * f64::from(priors));
        let group = if treated { "T" } else { "C" };
        events.push_str(&format!("p{p},2022-01-01,release,{group}\n"));
        if rng.next_f64() < sigmoid(-2.0 + 0.3 * f64::from(priors)) {
            offences.push_str(&format!("p{p}-re,p{p},2022-06-01,2022-07-01,conviction,burglary,5\n"));
        }
    }
    dataset(&persons, &offences, &events)
}

fn options(method: Method) -> MatchOptions {
    MatchOptions {
        definition: Definition::default_as_of(day("2024-01-01")),
        treated_group: "T".into(),
        method,
        seed: 3,
        controls_never_treated: false,
    }
}

fn naive_difference(data: &evidence::Dataset) -> f64 {
    let report = reoffending(data, Definition::default_as_of(day("2024-01-01")), GroupBy::Group);
    let rate = |g: &str| {
        let found = report.groups.iter().find(|x| x.group == g).unwrap();
        found.measure.binary_rate().unwrap()
    };
    rate("T") - rate("C")
}

fn smd(result: &evidence::matching::MatchResult, name: &str) -> (f64, f64) {
    let b = result.balance.iter().find(|b| b.covariate == name).unwrap();
    (b.smd_before, b.smd_after)
}

#[test]
fn exact_matching_balances_the_matched_cells() {
    let data = confounded_data();
    let result = match_comparison(&data, &options(Method::Exact));
    assert!(result.pairs.len() > 200, "{}", result.pairs.len());
    let controls: HashSet<u32> = result.pairs.iter().map(|p| p.1).collect();
    assert_eq!(controls.len(), result.pairs.len(), "controls are used once");
    assert_eq!(smd(&result, "male").1, 0.0);
    let (before, after) = smd(&result, "ln(1 + prior proven offences)");
    // Bands are coarse (11+ priors is one band), so some imbalance remains within them.
    assert!(before > 0.5 && after.abs() < before / 5.0, "{before} → {after}");
    let naive = naive_difference(&data);
    assert!(naive > 0.1, "the confounding shows in the naive difference: {naive}");
    assert!(result.difference.abs() < naive / 2.0, "{} vs {naive}", result.difference);
    assert!(result.ci95[0] < 0.0 && 0.0 < result.ci95[1], "{:?}", result.ci95);
}

#[test]
fn propensity_matching_balances_and_removes_the_confounded_difference() {
    let data = confounded_data();
    let result = match_comparison(&data, &options(Method::Propensity { caliper_sd: 0.2 }));
    assert!(result.pairs.len() > 200, "{}", result.pairs.len());
    let controls: HashSet<u32> = result.pairs.iter().map(|p| p.1).collect();
    assert_eq!(controls.len(), result.pairs.len());
    for b in &result.balance {
        assert!(b.smd_after.abs() < 0.1, "{}: {} → {}", b.covariate, b.smd_before, b.smd_after);
    }
    let naive = naive_difference(&data);
    assert!(result.difference.abs() < naive / 2.0, "{} vs {naive}", result.difference);
    assert!(result.ci95[0] < 0.0 && 0.0 < result.ci95[1], "{:?}", result.ci95);
    let again = match_comparison(&data, &options(Method::Propensity { caliper_sd: 0.2 }));
    assert_eq!(again.pairs, result.pairs, "seeded: reproducible");
    let table = result.outcome_table();
    assert_eq!(table.rows[0][2], evidence::table::Cell::Count(result.pairs.len() as u64));
}
