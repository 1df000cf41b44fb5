//! A naive reference implementation: rows as strings and `jiff` dates, every measure computed
//! by looping over rows exactly as the format document words it. Slow and obviously correct;
//! the differential test compares the columnar implementation against it.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;

pub struct Person {
    pub id: String,
    pub birth_date: Option<Date>,
    pub sex: String,
    pub area: String,
}

pub struct Offence {
    pub person_id: String,
    pub offence_date: Date,
    pub outcome_date: Option<Date>,
    pub outcome: String,
    pub offence_type: String,
    pub seriousness: i64,
}

pub struct IndexEvent {
    pub person_id: String,
    pub index_date: Date,
    pub kind: String,
    pub group: String,
}

pub struct Data {
    pub persons: Vec<Person>,
    pub offences: Vec<Offence>,
    pub events: Vec<IndexEvent>,
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers.iter().map(String::from).zip(r.iter().map(String::from)).collect()
        })
        .collect()
}

fn date(text: &str) -> Option<Date> {
    (!text.is_empty()).then(|| text.parse().unwrap())
}

pub fn load(dir: &Path) -> Data {
    Data {
        persons: rows(&dir.join("persons.csv"))
            .into_iter()
            .map(|r| Person {
                id: r["person_id"].clone(),
                birth_date: date(&r["birth_date"]),
                sex: r["sex"].clone(),
                area: r["area"].clone(),
            })
            .collect(),
        offences: rows(&dir.join("offences.csv"))
            .into_iter()
            .map(|r| Offence {
                person_id: r["person_id"].clone(),
                offence_date: date(&r["offence_date"]).unwrap(),
                outcome_date: date(&r["outcome_date"]),
                outcome: r["outcome"].clone(),
                offence_type: r["offence_type"].clone(),
                seriousness: r["seriousness"].parse().unwrap_or(0),
            })
            .collect(),
        events: rows(&dir.join("index_events.csv"))
            .into_iter()
            .map(|r| IndexEvent {
                person_id: r["person_id"].clone(),
                index_date: date(&r["index_date"]).unwrap(),
                kind: r["kind"].clone(),
                group: r["group"].clone(),
            })
            .collect(),
    }
}

pub fn is_proven(outcome: &str) -> bool {
    matches!(outcome, "conviction" | "caution" | "penalty_order" | "conditional_dismissal")
}

fn months_before(day: Date, months: i64) -> Date {
    day.checked_sub(months.months()).unwrap()
}

/// Offences of `person` that are proven, with `as_of - months < offence_date <= as_of`.
pub fn proven_within<'a>(data: &'a Data, person: &str, as_of: Date, months: i64) -> Vec<&'a Offence> {
    let start = months_before(as_of, months);
    data.offences
        .iter()
        .filter(|o| o.person_id == person && is_proven(&o.outcome))
        .filter(|o| start < o.offence_date && o.offence_date <= as_of)
        .collect()
}

fn age(birth: Date, on: Date) -> i64 {
    let mut years = 0;
    while birth.checked_add((years + 1).years()).unwrap() <= on {
        years += 1;
    }
    years
}

/// The reference definition of each rule used in the differential test.
pub fn is_member(data: &Data, person: &Person, rule: &str, as_of: Date) -> bool {
    let id = person.id.as_str();
    match rule {
        "nl-very-active-prolific" => {
            proven_within(data, id, as_of, 60).len() > 10 && !proven_within(data, id, as_of, 12).is_empty()
        }
        "ew-iom" => proven_within(data, id, as_of, 60).len() >= 20 && proven_within(data, id, as_of, 12).len() >= 4,
        "ew-serious-acquisitive" => {
            let seriousness: i64 = proven_within(data, id, as_of, 36).iter().map(|o| o.seriousness).sum();
            let acquisitive = data.offences.iter().any(|o| {
                o.person_id == id
                    && is_proven(&o.outcome)
                    && o.offence_date <= as_of
                    && (o.offence_type == "burglary" || o.offence_type == "robbery")
            });
            seriousness >= 30 || acquisitive
        }
        "young-adult-any-recent" => {
            let young = person.birth_date.is_some_and(|b| (18..25).contains(&age(b, as_of)));
            let start = as_of.checked_sub(90.days()).unwrap();
            let any_recent = data
                .offences
                .iter()
                .filter(|o| o.person_id == id && start < o.offence_date && o.offence_date <= as_of)
                .count();
            (young && any_recent >= 1) || (person.sex == "F" && person.area == "area-3")
        }
        other => panic!("no reference for {other}"),
    }
}

/// The expression the columnar implementation evaluates for each reference rule.
pub fn expression(rule: &str) -> &str {
    match rule {
        "young-adult-any-recent" => {
            "(age >= 18 and age < 25 and count(any, within 90d) >= 1) or (sex in (F) and area in (area-3))"
        }
        shipped => shipped,
    }
}

pub fn members(data: &Data, rule: &str, as_of: Date) -> Vec<String> {
    let mut ids: Vec<String> =
        data.persons.iter().filter(|p| is_member(data, p, rule, as_of)).map(|p| p.id.clone()).collect();
    ids.sort();
    ids
}

/// (people, reoffenders, reoffences, censored) per group label, straight from the definition.
pub fn reoffending(
    data: &Data,
    as_of: Date,
    follow_up: i64,
    waiting: i64,
    label: impl Fn(&IndexEvent) -> String,
) -> BTreeMap<String, (u64, u64, u64, u64)> {
    let mut by_person: HashMap<&str, Vec<&Offence>> = HashMap::new();
    for o in &data.offences {
        by_person.entry(o.person_id.as_str()).or_default().push(o);
    }
    let mut out: BTreeMap<String, (u64, u64, u64, u64)> = BTreeMap::new();
    for event in &data.events {
        let entry = out.entry(label(event)).or_default();
        let d = event.index_date;
        let follow_up_end = d.checked_add(follow_up.months()).unwrap();
        let outcome_limit = d.checked_add((follow_up + waiting).months()).unwrap();
        if outcome_limit > as_of {
            entry.3 += 1;
            continue;
        }
        let reoffences = by_person.get(event.person_id.as_str()).map_or(0, |offences| {
            offences
                .iter()
                .filter(|o| is_proven(&o.outcome))
                .filter(|o| d < o.offence_date && o.offence_date <= follow_up_end)
                .filter(|o| o.outcome_date.is_some_and(|od| od <= outcome_limit))
                .count() as u64
        });
        entry.0 += 1;
        entry.1 += u64::from(reoffences > 0);
        entry.2 += reoffences;
    }
    out
}
