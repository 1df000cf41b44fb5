//! Survival against a well-kept statistics library: the Kaplan–Meier curves and the log-rank
//! test of two groups, computed by desist on generated offence histories (with censoring both
//! at the end of follow-up and at the as-of date), must equal what Python's `lifelines` gives
//! for the same survival times (`tests/reference/lifelines_survival.py`).
//!
//! `DESIST_STATS_PYTHON` names a python that has lifelines (`.ci/run` makes a venv under
//! target/ for it); without it the test says it was skipped. With it, any difference fails.

use std::collections::BTreeMap;
use std::io::Write;

use evidence::generate::generate;
use evidence::reoffending::{Definition, GroupBy};
use evidence::survival::{SurvivalTime, kaplan_meier, log_rank, survival_times};

use crate::common::{day, temp_dir};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/lifelines_survival.py");

fn close(ours: f64, theirs: f64, what: &str) {
    let tolerance = 1e-9 * theirs.abs().max(1.0);
    assert!((ours - theirs).abs() <= tolerance, "{what}: desist {ours} but lifelines {theirs}");
}

#[test]
fn kaplan_meier_and_log_rank_equal_lifelines() {
    let Ok(python) = std::env::var("DESIST_STATS_PYTHON") else {
        eprintln!("skipped: DESIST_STATS_PYTHON is not set (a python with lifelines)");
        return;
    };
    let dir = temp_dir("lifelines");
    generate(21, 4_000, 3.0, 6_000, &dir).unwrap();
    let (data, _) = evidence::csv_io::load_dir(&dir).unwrap();
    // Index events run to 2025-06-30: as of 2025-03-31 the late ones are cut short by the
    // as-of date, the rest by the end of their 12 months' follow-up.
    let definition = Definition::default_as_of(day("2025-03-31"));
    let times: BTreeMap<String, Vec<SurvivalTime>> = survival_times(&data, definition, GroupBy::Group)
        .into_iter()
        .filter(|(group, _)| group == "A" || group == "B")
        .collect();
    assert_eq!(times.len(), 2, "groups A and B");
    for (group, t) in &times {
        let events = t.iter().filter(|t| t.event).count();
        let censored_early = t.iter().filter(|t| !t.event && t.days < 365).count();
        assert!(events > 50 && censored_early > 20, "{group}: {events} events, {censored_early} cut short");
    }

    let input = dir.join("times.csv");
    let mut csv = std::fs::File::create(&input).unwrap();
    writeln!(csv, "group,days,event").unwrap();
    for (group, t) in &times {
        for t in t {
            writeln!(csv, "{group},{},{}", t.days, u8::from(t.event)).unwrap();
        }
    }
    drop(csv);
    let output = std::process::Command::new(&python).arg(SCRIPT).arg(&input).output().expect("running the python");
    assert!(output.status.success(), "lifelines failed: {}", String::from_utf8_lossy(&output.stderr));
    let reference: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    for (group, t) in &times {
        let ours = kaplan_meier(t);
        let theirs = reference["curves"][group].as_array().unwrap();
        assert_eq!(ours.len(), theirs.len(), "{group}: one step per distinct day");
        for (step, point) in ours.iter().zip(theirs) {
            assert_eq!(i64::from(step.day), point[0].as_i64().unwrap(), "{group}: days");
            close(step.survival, point[1].as_f64().unwrap(), &format!("{group}: survival after day {}", step.day));
        }
    }
    let test = log_rank(&times["A"], &times["B"]);
    let theirs = &reference["log_rank"];
    assert_eq!(theirs["groups"], serde_json::json!(["A", "B"]));
    close(test.chi_square, theirs["chi_square"].as_f64().unwrap(), "log-rank chi-square");
    close(test.p_value, theirs["p_value"].as_f64().unwrap(), "log-rank p-value");
}
