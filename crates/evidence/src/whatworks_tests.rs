use super::*;
use crate::dataset::{DatasetBuilder, Outcome, Sex};
use crate::date::days_from_civil;
use crate::prng::Rng;

/// 400 people of the extract, each with a court disposal in 2022 (the pool). 120 of them also
/// had a plan in desist the same day; planned people reoffend a quarter of the time, the rest
/// half of the time — a planted effect of 25 points.
fn scenario() -> (Dataset, Vec<WorkEvent>) {
    let mut rng = Rng::new(7);
    let mut b = DatasetBuilder::new();
    let ids: Vec<String> = (0..400).map(|i| format!("P{i:04}")).collect();
    for (i, id) in ids.iter().enumerate() {
        let sex = if i % 3 == 0 { Sex::F } else { Sex::M };
        b.person(id, days_from_civil(1980 + (i % 20) as i32, 1 + (i % 12) as u32, 1), sex, "Utrecht").unwrap();
    }
    let index = days_from_civil(2022, 3, 1);
    let mut planned = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        b.index_event(id, index, "court", "all").unwrap();
        // One prior proven offence for everyone, two for every other person.
        for k in 0..(1 + i % 2) {
            let day = index - 200 - 30 * k as i32;
            b.offence(&format!("{id}-p{k}"), id, day, day + 30, Outcome::Conviction, "theft", 3).unwrap();
        }
        let treated = i % 10 < 3;
        let chance = if treated { 0.25 } else { 0.5 };
        if rng.next_f64() < chance {
            let day = index + 100;
            b.offence(&format!("{id}-r"), id, day, day + 40, Outcome::Conviction, "theft", 3).unwrap();
        }
        if treated {
            planned.push(i);
        }
    }
    let data = b.finish();
    let work = planned
        .into_iter()
        .map(|i| WorkEvent { person: data.find_person(&ids[i]).unwrap(), day: index, group: "plan".into() })
        .collect();
    (data, work)
}

#[test]
fn a_planted_effect_is_found_against_the_matched_comparison() {
    let (data, work) = scenario();
    let joined = with_work_events(&data, &work);
    assert_eq!(joined.index_event_count(), 520);
    let definition = Definition::default_as_of(days_from_civil(2024, 12, 1));
    let results = what_works(&joined, definition, 10);
    assert_eq!(results.len(), 1, "the pool is not a group of its own");
    let plan = &results[0];
    assert_eq!(plan.group, "plan");
    assert_eq!(plan.people, Some(120));
    let rate = plan.rate.unwrap();
    assert!((0.15..0.35).contains(&rate), "rate {rate}");
    let comparison = plan.comparison.as_ref().expect("a comparison with 120 treated and 400 in the pool");
    assert!(comparison.pairs >= 60, "pairs {}", comparison.pairs);
    assert!(comparison.difference < -0.1 && comparison.ci95[1] < 0.0, "{comparison:?}");
    assert!(comparison.worst_balance() < 0.1, "matched on identical covariates: {comparison:?}");
}

#[test]
fn index_events_still_inside_their_follow_up_are_not_counted() {
    let (data, work) = scenario();
    let joined = with_work_events(&data, &work);
    // As of mid-2023 the 2022 events are still inside 12 months follow-up plus 6 waiting.
    let results = what_works(&joined, Definition::default_as_of(days_from_civil(2023, 6, 1)), 10);
    assert_eq!(results[0].people, None);
    assert_eq!(results[0].censored, 120);
}

pub(crate) fn group(name: &str, people: u64, reoffenders: u64) -> GroupResult {
    GroupResult {
        group: name.into(),
        people: Some(people),
        reoffenders: Some(reoffenders),
        rate: Some(reoffenders as f64 / people as f64),
        ci95: Some([0.0, 1.0]),
        comparison: None,
        censored: 0,
        as_of: 0,
    }
}

/// Differencing: with the overall total published elsewhere (the reoffending page), one
/// withheld group would be the total minus the others. So a second group goes with it.
#[test]
fn one_small_group_takes_the_next_smallest_with_it() {
    let mut results = vec![group("a", 100, 40), group("b", 7, 3), group("c", 50, 20), group("d", 30, 12)];
    let total_people: u64 = results.iter().filter_map(|r| r.people).sum();
    withhold_small_groups(&mut results, 10);
    let published: Vec<&str> = results.iter().filter(|r| r.people.is_some()).map(|r| r.group.as_str()).collect();
    assert_eq!(published, ["a", "c"]);
    let left = total_people - results.iter().filter_map(|r| r.people).sum::<u64>();
    assert_eq!(left, 37, "the total minus what is published is two groups together, not one");
    assert!(left >= 10 * 2);
}

#[test]
fn groups_where_few_did_or_did_not_reoffend_are_withheld() {
    let mut results = vec![group("few", 50, 4), group("most", 50, 45), group("fine", 80, 30), group("ok", 60, 20)];
    withhold_small_groups(&mut results, 10);
    let published: Vec<&str> = results.iter().filter(|r| r.people.is_some()).map(|r| r.group.as_str()).collect();
    assert_eq!(published, ["fine", "ok"]);
}

#[test]
fn the_method_is_structured_data() {
    let method = Method::new(Definition::default_as_of(days_from_civil(2025, 1, 31)), 10);
    let json = serde_json::to_value(&method).unwrap();
    assert_eq!(json["as_of"], "2025-01-31");
    assert_eq!(json["follow_up_months"], 12);
    assert_eq!(json["min_cell"], 10);
    assert_eq!(json["caliper_sd"], 0.2);
}
