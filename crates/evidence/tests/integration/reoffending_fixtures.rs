//! Hand-computed reoffending fixtures pinning every convention of the format document.

use evidence::reoffending::{Definition, GroupBy, Measure, event_results, reoffending};
use evidence::stats::wilson95;

use crate::common::{EVENTS_HEADER, OFFENCES_HEADER, dataset, day};

const PERSONS: &str = "person_id,birth_date,sex,area\np1,,M,\np2,,F,\np3,,M,\np4,,M,\np5,,F,\n";

fn data() -> evidence::Dataset {
    let offences = format!(
        "{OFFENCES_HEADER}\
         a,p1,2024-02-29,2024-03-10,conviction,,\n\
         b,p1,2025-02-28,2025-08-29,conviction,,\n\
         c,p2,2025-02-28,2025-08-30,conviction,,\n\
         d,p2,2025-03-01,2025-03-05,conviction,,\n\
         e,p3,2024-05-01,2024-05-01,caution,,\n\
         f,p3,2024-06-01,2024-07-01,acquittal,,\n\
         g,p3,2024-07-01,,conviction,,\n\
         h,p3,2024-08-01,2024-09-01,penalty_order,,\n\
         i,p5,2024-07-01,2024-07-02,conviction,,\n"
    );
    let events = format!(
        "{EVENTS_HEADER}p1,2024-02-29,release,A\np2,2024-02-29,release,A\n\
         p3,2024-01-15,caution,A\np4,2024-02-28,release,B\np5,2024-06-01,settlement,B\n"
    );
    dataset(PERSONS, &offences, &events)
}

fn measure(people: u64, reoffenders: u64, reoffences: u64, censored: u64) -> Measure {
    Measure { people, reoffenders, reoffences, censored }
}

#[test]
fn follow_up_waiting_and_censoring_edges() {
    // 2024-02-29 + 12 months = 2025-02-28 (follow-up end, inclusive);
    // 2024-02-29 + 18 months = 2025-08-29 (last outcome day, inclusive).
    let report = reoffending(&data(), Definition::default_as_of(day("2025-08-29")), GroupBy::Group);
    assert_eq!(report.groups.len(), 2);
    assert_eq!(report.groups[0].group, "A");
    // p1: the index-day offence does not count, the one exactly 12 months later with its
    // outcome on the last waiting day does. p2: outcome a day too late; offence a day too late.
    // p3: caution and penalty order count; acquittal is not proven; empty outcome date never counts.
    assert_eq!(report.groups[0].measure, measure(3, 2, 3, 0));
    // p4: no offences (2024-02-28 + 18 months = 2025-08-28 <= as_of). p5: 2024-06-01 + 18 months = 2025-12-01 > as_of → censored.
    assert_eq!(report.groups[1].group, "B");
    assert_eq!(report.groups[1].measure, measure(1, 0, 0, 1));
    assert_eq!(report.overall, measure(4, 2, 3, 1));
    assert_eq!(report.overall.binary_rate(), Some(0.5));
    assert_eq!(report.overall.frequency(), Some(0.75));
    assert_eq!(report.groups[0].measure.ci95(), wilson95(2, 3));
}

#[test]
fn one_day_earlier_the_leap_day_events_are_censored() {
    let report = reoffending(&data(), Definition::default_as_of(day("2025-08-28")), GroupBy::Group);
    assert_eq!(report.groups[0].measure, measure(1, 1, 2, 2));
    assert_eq!(report.groups[1].measure, measure(1, 0, 0, 1));
    assert_eq!(report.groups[1].measure.binary_rate(), Some(0.0));
    let earlier = Definition::default_as_of(day("2025-07-14"));
    let report = reoffending(&data(), earlier, GroupBy::Group);
    assert_eq!(report.overall, measure(0, 0, 0, 5));
    assert_eq!(report.overall.binary_rate(), None);
    assert_eq!(report.overall.ci95(), None);
}

#[test]
fn month_ends_clamp() {
    // 2023-01-31 + 1 month = 2023-02-28: an offence that day counts, the next day does not.
    let offences =
        format!("{OFFENCES_HEADER}a,p1,2023-02-28,2023-02-28,conviction,,\nb,p1,2023-03-01,2023-03-01,conviction,,\n");
    let events = format!("{EVENTS_HEADER}p1,2023-01-31,,\n");
    let data = dataset(PERSONS, &offences, &events);
    let definition = Definition { as_of: day("2023-12-31"), follow_up_months: 1, waiting_months: 0 };
    let results = event_results(&data, definition);
    assert_eq!(results[0].reoffences, 1);
}

#[test]
fn groups_by_person_attributes_and_kind() {
    let d = Definition::default_as_of(day("2025-08-29"));
    let by_sex = reoffending(&data(), d, GroupBy::Sex);
    let labels: Vec<&str> = by_sex.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(labels, vec!["F", "M"]);
    assert_eq!(by_sex.groups[0].measure, measure(1, 0, 0, 1)); // p2 people, p5 censored
    assert_eq!(by_sex.groups[1].measure, measure(3, 2, 3, 0));
    let by_kind = reoffending(&data(), d, GroupBy::Kind);
    let labels: Vec<&str> = by_kind.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(labels, vec!["caution", "release", "settlement"]);
    assert_eq!(by_kind.groups[0].measure, measure(1, 1, 2, 0));
    let by_area = reoffending(&data(), d, GroupBy::Area);
    assert_eq!(by_area.groups.len(), 1);
    assert_eq!(by_area.groups[0].group, "");
}

#[test]
fn json_has_the_documented_shape_and_suppression_hides_small_cells() {
    let report = reoffending(&data(), Definition::default_as_of(day("2025-08-29")), GroupBy::Group);
    let table = report.to_table();
    let json = report.json_from_table(&table);
    let group = &json["groups"][0];
    let keys: Vec<&String> = group.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7);
    assert_eq!(group["group"], "A");
    assert_eq!(group["people"], 3);
    assert_eq!(group["reoffenders"], 2);
    assert_eq!(group["censored"], 0);
    assert_eq!(group["binary_rate"].as_f64(), Some(2.0 / 3.0));
    assert_eq!(group["frequency"].as_f64(), Some(1.0));
    let [lo, hi] = wilson95(2, 3).unwrap();
    assert_eq!(group["ci95"], serde_json::json!([lo, hi]));
    assert_eq!(json["overall"]["people"], 4);
    assert!(json["overall"].get("group").is_none());
    assert_eq!(json["definition"]["follow_up_months"], 12);
    assert_eq!(json["definition"]["waiting_months"], 6);
    assert_eq!(json["definition"]["as_of"], "2025-08-29");

    let mut small = table.clone();
    evidence::table::suppress_small_cells(&mut small, 3);
    let json = report.json_from_table(&small);
    assert_eq!(json["groups"][0]["people"], 3);
    assert!(json["groups"][0]["reoffenders"].is_null());
    assert!(json["groups"][0]["binary_rate"].is_null());
    assert!(json["groups"][0]["ci95"].is_null());
    assert!(json["groups"][1]["people"].is_null());
}
