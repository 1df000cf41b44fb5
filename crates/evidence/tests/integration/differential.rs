//! The columnar implementation against the naive reference on random seeded data, and
//! results independent of row order.

use std::collections::BTreeMap;
use std::path::Path;

use evidence::csv_io::load_dir;
use evidence::generate::generate;
use evidence::prng::Rng;
use evidence::reoffending::{Definition, GroupBy, reoffending};
use evidence::rules::{CompiledRule, resolve};

use crate::common::{day, temp_dir};
use crate::reference;

const RULES: [&str; 4] = ["nl-very-active-prolific", "ew-iom", "ew-serious-acquisitive", "young-adult-any-recent"];
const DATES: [&str; 4] = ["2020-02-29", "2023-01-31", "2024-12-31", "2025-03-01"];

fn members(dir: &Path, rule: &str, as_of: &str) -> Vec<String> {
    let (data, _) = load_dir(dir).unwrap();
    let rule = resolve(reference::expression(rule)).unwrap();
    let compiled = CompiledRule::compile(&rule.expr, &data);
    compiled.members(&data, day(as_of)).into_iter().map(|p| data.person_id(p).to_owned()).collect()
}

type Counts = BTreeMap<String, (u64, u64, u64, u64)>;

fn columnar_reoffending(dir: &Path, definition: Definition, by: GroupBy) -> Counts {
    let (data, _) = load_dir(dir).unwrap();
    reoffending(&data, definition, by)
        .groups
        .into_iter()
        .map(|g| {
            let m = g.measure;
            (g.group, (m.people, m.reoffenders, m.reoffences, m.censored))
        })
        .collect()
}

#[test]
fn cohorts_match_the_reference_on_random_data() {
    let dir = temp_dir("differential-cohorts");
    // Few persons with many offences so that the prolific rules select someone.
    generate(20_240_229, 300, 18.0, 10, &dir).unwrap();
    let data = reference::load(&dir);
    let mut selected = 0;
    for rule in RULES {
        for as_of in DATES {
            let expected = reference::members(&data, rule, as_of.parse().unwrap());
            selected += expected.len();
            assert_eq!(members(&dir, rule, as_of), expected, "{rule} as of {as_of}");
        }
    }
    assert!(selected > 50, "the random data should select members ({selected})");
}

#[test]
fn reoffending_matches_the_reference_on_random_data() {
    let dir = temp_dir("differential-reoffending");
    generate(7, 1_500, 5.0, 2_000, &dir).unwrap();
    let data = reference::load(&dir);
    let areas: std::collections::HashMap<&str, &str> =
        data.persons.iter().map(|p| (p.id.as_str(), p.area.as_str())).collect();
    for (as_of, follow_up, waiting) in [("2025-06-30", 12, 6), ("2024-02-29", 24, 3), ("2025-01-31", 1, 0)] {
        let definition = Definition { as_of: day(as_of), follow_up_months: follow_up, waiting_months: waiting };
        let as_of_date = as_of.parse().unwrap();
        let expected = reference::reoffending(&data, as_of_date, follow_up.into(), waiting.into(), |e| e.group.clone());
        let got = columnar_reoffending(&dir, definition, GroupBy::Group);
        assert_eq!(got, expected, "by group {as_of} {follow_up} {waiting}");
        assert!(expected.values().any(|c| c.1 > 0), "someone should reoffend");
        let expected = reference::reoffending(&data, as_of_date, follow_up.into(), waiting.into(), |e| {
            areas[e.person_id.as_str()].to_owned()
        });
        assert_eq!(columnar_reoffending(&dir, definition, GroupBy::Area), expected);
        let expected = reference::reoffending(&data, as_of_date, follow_up.into(), waiting.into(), |e| e.kind.clone());
        assert_eq!(columnar_reoffending(&dir, definition, GroupBy::Kind), expected);
    }
}

/// Copies the three files with their data rows in a random order.
fn shuffled_copy(from: &Path, to: &Path, seed: u64) {
    std::fs::create_dir_all(to).unwrap();
    let mut rng = Rng::new(seed);
    for name in ["persons.csv", "offences.csv", "index_events.csv"] {
        let text = std::fs::read_to_string(from.join(name)).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        rng.shuffle(&mut lines[1..]);
        std::fs::write(to.join(name), lines.join("\n") + "\n").unwrap();
    }
}

#[test]
fn results_do_not_depend_on_row_order() {
    let dir = temp_dir("row-order");
    generate(99, 800, 8.0, 1_000, &dir.join("a")).unwrap();
    shuffled_copy(&dir.join("a"), &dir.join("b"), 1);
    let (a, _) = load_dir(&dir.join("a")).unwrap();
    let (b, _) = load_dir(&dir.join("b")).unwrap();
    assert!(a == b, "the same rows in another order must give the same dataset");
    for rule in RULES {
        assert_eq!(members(&dir.join("a"), rule, "2024-12-31"), members(&dir.join("b"), rule, "2024-12-31"));
    }
    let definition = Definition::default_as_of(day("2025-06-30"));
    for by in [GroupBy::Group, GroupBy::Sex, GroupBy::Kind] {
        assert_eq!(
            columnar_reoffending(&dir.join("a"), definition, by),
            columnar_reoffending(&dir.join("b"), definition, by)
        );
    }
}
