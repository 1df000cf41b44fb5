use evidence::cli::{CohortOptions, Format, MeasureOptions, cohort, parse_months, reoffending};
use evidence::csv_io::write_dir;
use evidence::reoffending::GroupBy;

use crate::common::{EVENTS_HEADER, OFFENCES_HEADER, TempDir, dataset, day, temp_dir};

fn data_dir(name: &str) -> TempDir {
    // Ids whose code-point order differs from numeric order: P10 < P2 < Z < a.
    let persons = "person_id,birth_date,sex,area\na,,,\nZ,,,\nP2,,,\nP10,,,\n";
    let mut offences = String::from(OFFENCES_HEADER);
    for (i, p) in ["a", "Z", "P2", "P10"].iter().enumerate() {
        offences.push_str(&format!("o{i},{p},2024-01-01,2024-02-01,conviction,theft,\n"));
    }
    let mut events = String::from(EVENTS_HEADER);
    for i in 0..12 {
        events.push_str(&format!("P2,2022-01-{:02},release,A\n", i + 1));
    }
    let dir = temp_dir(name);
    write_dir(&dataset(persons, &offences, &events), &dir).unwrap();
    dir
}

#[test]
fn cohort_csv_lists_members_sorted_by_code_point() {
    let dir = data_dir("cli-cohort");
    let options = CohortOptions {
        rule: "count(proven, within 12m) >= 1".into(),
        as_of: day("2024-06-30"),
        data: dir.to_path_buf(),
        format: Format::Csv,
        own_rules: Vec::new(),
    };
    let mut out = Vec::new();
    cohort(&options, &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "person_id\nP10\nP2\nZ\na\n");
    let mut out = Vec::new();
    cohort(&CohortOptions { format: Format::Json, rule: "ew-iom".into(), ..options.clone() }, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["rule"]["name"], "ew-iom");
    assert_eq!(json["count"], 0);
    let error = cohort(&CohortOptions { rule: "count(proven".into(), ..options }, &mut Vec::new()).unwrap_err();
    assert!(error.to_string().contains("at 12: expected"), "{error}");
}

#[test]
fn reoffending_formats_and_suppression() {
    let dir = data_dir("cli-reoffending");
    let mut options = MeasureOptions::new(dir.to_path_buf(), day("2025-01-01"));
    let mut out = Vec::new();
    reoffending(&options, GroupBy::Group, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["groups"][0]["group"], "A");
    assert_eq!(json["groups"][0]["people"], 12);
    // No one reoffended within 12 months of January 2022: 0 < 10 is suppressed.
    assert!(json["groups"][0]["reoffenders"].is_null());
    assert_eq!(json["definition"]["min_cell"], 10);
    options.min_cell = 0;
    options.format = Format::Csv;
    let mut out = Vec::new();
    reoffending(&options, GroupBy::Group, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.starts_with("group,people,reoffenders,binary_rate,frequency,censored,ci95\nA,12,0,0.0000,0.0000,0,"),
        "{text}"
    );
    options.format = Format::Table;
    let mut out = Vec::new();
    reoffending(&options, GroupBy::Group, &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("(all)"));
    assert_eq!(parse_months("1y").unwrap(), 12);
    assert!(parse_months("30d").is_err());
}

#[test]
fn survival_and_compare_entry_points_write_every_format() {
    use evidence::cli::{compare, survival};
    use evidence::generate::generate;
    let dir = temp_dir("cli-survival");
    generate(8, 2_000, 4.0, 3_000, &dir).unwrap();
    let mut options = MeasureOptions::new(dir.to_path_buf(), day("2025-06-30"));
    let mut out = Vec::new();
    survival(&options, GroupBy::Group, Some(("A", "B")), &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let p = json["log_rank"]["p_value"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p));
    assert!(json["curves"].as_array().unwrap().len() > 10);
    options.format = Format::Table;
    let mut out = Vec::new();
    compare(&options, "A", evidence::matching::Method::Propensity { caliper_sd: 0.2 }, 1, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("smd_before") && text.contains("comparison_rate"), "{text}");
    options.format = Format::Csv;
    let mut out = Vec::new();
    compare(&options, "A", evidence::matching::Method::Exact, 1, &mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().starts_with("treated,candidates,pairs,"));
    // The JSON answer says how it matched as data, not as a debug string.
    options.format = Format::Json;
    let mut out = Vec::new();
    compare(&options, "A", evidence::matching::Method::Propensity { caliper_sd: 0.2 }, 1, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["method"]["matching"], "propensity_nearest_neighbour_1_to_1");
    assert_eq!(json["method"]["caliper_sd"], 0.2);
}
