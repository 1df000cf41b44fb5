//! Hand-computed cohort fixtures. As of A = 2024-02-29:
//! "within 12m" is 2023-02-28 < offence_date <= 2024-02-29 (2024-02-29 - 12 months = 2023-02-28);
//! "within 5y" is 2019-02-28 < offence_date <= 2024-02-29.

use evidence::rules::{CompiledRule, resolve};

use crate::common::{EVENTS_HEADER, OFFENCES_HEADER, dataset, day};

const PERSONS: &str = "person_id,birth_date,sex,area\n\
    edge,2000-02-29,M,north\n\
    old,1980-05-01,F,south\n\
    busy,2006-03-01,M,north\n\
    b10,,X,\n";

/// Offences for the fixture people, written with repetition helpers below.
fn offences() -> String {
    let mut rows = String::from(OFFENCES_HEADER);
    let mut n = 0;
    let mut add = |person: &str, date: &str, outcome: &str, kind: &str, seriousness: &str| {
        n += 1;
        rows.push_str(&format!("o{n},{person},{date},2024-03-01,{outcome},{kind},{seriousness}\n"));
    };
    // edge: exactly on the window boundaries.
    add("edge", "2023-02-28", "conviction", "theft", "5"); // not within 12m (boundary excluded)
    add("edge", "2019-02-28", "conviction", "theft", "5"); // not within 5y (boundary excluded)
    add("edge", "2019-03-01", "conviction", "theft", "5"); // within 5y
    add("edge", "2024-03-01", "conviction", "burglary", "9"); // after A: never counts
    // old: 11 proven within 5y, one of them within 12m (the day after the boundary) → NL rule.
    for i in 0..10 {
        add("old", &format!("2020-0{}-15", i % 9 + 1), "caution", "theft", "2");
    }
    add("old", "2023-03-01", "penalty_order", "fraud", "2");
    add("old", "2023-06-01", "acquittal", "fraud", "10"); // not proven
    // busy: 20 proven within 5y, 4 within 12m (one on A itself) → IOM rule.
    for i in 0..16 {
        add("busy", &format!("2021-{:02}-01", i % 12 + 1), "conviction", "assault", "1");
    }
    for date in ["2023-03-01", "2023-09-09", "2024-01-01", "2024-02-29"] {
        add("busy", date, "conditional_dismissal", "drugs", "1");
    }
    // b10: one proven robbery long ago, plus pending offences that only `any` counts.
    add("b10", "2010-01-01", "conviction", "robbery", "");
    add("b10", "2024-02-01", "pending", "theft", "");
    add("b10", "2024-02-02", "dismissal", "theft", "");
    rows
}

fn members(rule: &str, as_of: &str) -> Vec<String> {
    let data = dataset(PERSONS, &offences(), EVENTS_HEADER);
    let rule = resolve(rule).unwrap();
    let compiled = CompiledRule::compile(&rule.expr, &data);
    compiled.members(&data, day(as_of)).into_iter().map(|p| data.person_id(p).to_owned()).collect()
}

const A: &str = "2024-02-29";

#[test]
fn window_boundaries_follow_the_format() {
    assert_eq!(members("count(proven, within 12m) >= 1", A), vec!["busy", "old"]);
    assert_eq!(members("count(proven, within 5y) = 2", A), vec!["edge"]); // 2019-03-01, 2023-02-28
    assert_eq!(members("count(proven) = 3", A), vec!["edge"]);
    // A day later the 2024-03-01 burglary is in, and the 12-month window moves to 2023-03-01 <.
    assert_eq!(members("count(proven, within 12m) >= 1", "2024-03-01"), vec!["busy", "edge"]);
    assert_eq!(members("count(proven, within 30d) = 1", A), vec!["busy"]);
}

#[test]
fn shipped_rules_select_the_hand_computed_members() {
    assert_eq!(members("nl-very-active-prolific", A), vec!["busy", "old"]);
    assert_eq!(members("ew-iom", A), vec!["busy"]);
    // One day earlier busy has only 3 offences in the last 12 months.
    assert_eq!(members("ew-iom", "2024-02-28"), Vec::<String>::new());
    // old: 10 × 2 + 2 = 22 < 30; busy: 20 × 1 = 20; edge has no burglary yet; b10 has a robbery.
    assert_eq!(members("ew-serious-acquisitive", A), vec!["b10"]);
    assert_eq!(members("ew-serious-acquisitive", "2024-03-01"), vec!["b10", "edge"]);
}

#[test]
fn outcomes_types_and_seriousness() {
    assert_eq!(members("count(any, within 12m) >= 2", A), vec!["b10", "busy", "old"]);
    assert_eq!(members("count(proven, within 12m) >= 2", A), vec!["busy"]);
    assert_eq!(members("count(any, type in (theft), within 12m) = 2", A), vec!["b10"]);
    assert_eq!(members("sum(seriousness, within 5y) = 10", A), vec!["edge"]);
    assert_eq!(members("sum(seriousness, any, within 12m) = 12", A), vec!["old"]);
    assert_eq!(members("type in (fraud) within 12m", A), vec!["old"]);
    assert_eq!(members("type in (robbery) within 5y", A), Vec::<String>::new());
}

#[test]
fn ages_and_attributes() {
    // edge turns 24 on 2024-02-29; busy turns 18 on 2024-03-01; b10 has no birth date.
    assert_eq!(members("age >= 24", A), vec!["edge", "old"]);
    assert_eq!(members("age >= 24", "2024-02-28"), vec!["old"]);
    assert_eq!(members("age < 18", A), vec!["busy"]);
    assert_eq!(members("age < 18", "2024-03-01"), Vec::<String>::new());
    assert_eq!(members("not (age < 18)", A), vec!["b10", "edge", "old"]);
    assert_eq!(members("sex in (F, X)", A), vec!["b10", "old"]);
    assert_eq!(members("area in (north) and not sex in (F)", A), vec!["busy", "edge"]);
    assert_eq!(members("(age >= 18 and age < 25) or count(proven) > 20 or area in (south)", A), vec!["edge", "old"]);
}
