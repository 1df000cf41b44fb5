//! A cohort answered by the database equals the evaluator's answer over the loaded extract,
//! on both backends, for every shipped rule and for rules that reach each corner of the
//! language: `not`, counts that hold at zero, `any` outcomes, windows in days, months and
//! years, type lists (with the unknown type), seriousness sums, ages around birthdays and
//! unknown birth dates, sexes and areas — and with manual decisions (selections and
//! deselections stored in the store, some ended by a later one) applied on top, equal to the
//! evaluator's history for that date.

use crate::support::{TestDb, at};
use domain::jurisdiction::Lang;
use evidence::date::parse_day;
use evidence::membership::{Override, OverrideKind, history};
use evidence::rules::{CompiledRule, parse, shipped_rules};
use store::Store;
use store::evidence::CohortNotify;

const RULES: &[&str] = &[
    "count(proven, within 5y) > 3 and count(proven, within 12m) >= 1",
    "count(any) >= 4",
    "count() = 0",
    "not (count(proven, within 2y) > 1)",
    "count(any, within 90d) >= 1 or count(proven, within 18m) != 2",
    "sum(seriousness, within 3y) >= 12 or type in (burglary, robbery)",
    "type in (theft, \"\") within 6m",
    "count(type in (assault, theft), any) <= 1 and count(any) > 0",
    "sum(seriousness) < 5",
    "age >= 18 and age < 25",
    "age = 30 or age > 70",
    "not (age < 18) and count(proven) > 0",
    "age != 40 and age <= 60",
    "sex in (F, X) and count(proven, within 5y) >= 2",
    "sex in (f, Q)",
    "area in (area-3, area-7, \"\") or not (area in (area-1))",
    "not (sex in (M)) and not (count(any, within 1y) >= 1 and age > 20)",
];

async fn cohorts_from_sql_equal_the_evaluator(db: TestDb) {
    let store = &db.store;
    let dir = tempfile::tempdir().unwrap();
    evidence::generate::generate(5, 400, 6.0, 10, dir.path()).unwrap();
    let (data, _) = evidence::csv_io::load_dir(dir.path()).unwrap();
    store.import_extract(&data, "test", 0, at("2026-11-22T10:00:00Z"), &|_| {}).await.unwrap();
    let shipped: Vec<String> = shipped_rules().into_iter().map(|r| r.expression).collect();
    let dates = ["2014-06-30", "2020-02-29", "2021-02-28", "2024-01-01", "2025-06-30"];
    let mut overrides = store_decisions(store, &data).await;
    // A decision naming someone outside the extract (the store refuses to record one, an
    // older store may hold one): the evaluator leaves them out, and so must the database.
    overrides.push(Override {
        person_id: "not-in-the-extract".into(),
        kind: OverrideKind::Select,
        from: parse_day(b"2010-01-01").unwrap(),
        until: None,
        reason: "typing error".into(),
        decided_by: "analyst".into(),
    });
    let (mut members_seen, mut decided_differently) = (0, 0);
    for rule in shipped.iter().map(String::as_str).chain(RULES.iter().copied()) {
        let expr = parse(rule).unwrap();
        let compiled = CompiledRule::compile(&expr, &data);
        for date in dates {
            let as_of = parse_day(date.as_bytes()).unwrap();
            let expected: Vec<String> =
                compiled.members(&data, as_of).into_iter().map(|p| data.person_id(p).to_owned()).collect();
            let answered = store.cohort_members(&expr, as_of).await.unwrap().expect("translated");
            assert_eq!(answered, expected, "{rule} as of {date}");
            members_seen += expected.len();
            let decided = history(&data, &compiled, &[as_of], &overrides).members;
            let answered = store.cohort_members_decided(&expr, as_of, &overrides).await.unwrap().expect("translated");
            assert_eq!(answered, decided, "{rule} as of {date}, with the manual decisions");
            decided_differently += usize::from(decided != expected);
        }
    }
    assert!(members_seen > 1000, "the rules select people ({members_seen})");
    assert!(decided_differently > 20, "the decisions change cohorts ({decided_differently})");
    // Ages beyond the translation are left to the evaluator.
    let beyond = parse("age > 100000").unwrap();
    assert_eq!(store.cohort_members(&beyond, parse_day(b"2024-01-01").unwrap()).await.unwrap(), None);
}

/// Selections and deselections of every 23rd person, from dates between the test dates, some
/// followed by the opposite decision (which ends the first), saved and read back as the
/// command line and the pages read them.
async fn store_decisions(store: &Store, data: &evidence::Dataset) -> Vec<Override> {
    let from = ["2012-03-01", "2019-07-15", "2021-02-28", "2023-11-30", "2025-06-30"];
    let notify = CohortNotify { by: None, today: jiff::civil::date(2026, 11, 22), lang: Lang::En, rule_label: None };
    for (n, person) in (0..data.person_count() as u32).step_by(23).enumerate() {
        let kind = if n % 2 == 0 { OverrideKind::Select } else { OverrideKind::Deselect };
        let mut decision = Override {
            person_id: data.person_id(person).to_owned(),
            kind,
            from: parse_day(from[n % from.len()].as_bytes()).unwrap(),
            until: None,
            reason: "case conference".into(),
            decided_by: "analyst".into(),
        };
        store.add_cohort_override("decided", &decision, at("2026-11-22T10:00:00Z"), &notify).await.unwrap();
        if n % 3 == 0 {
            decision.kind = if kind == OverrideKind::Select { OverrideKind::Deselect } else { OverrideKind::Select };
            decision.from = parse_day(b"2022-06-01").unwrap().max(decision.from + 1);
            store.add_cohort_override("decided", &decision, at("2026-11-22T10:05:00Z"), &notify).await.unwrap();
        }
    }
    store.cohort_overrides("decided").await.unwrap().into_iter().map(|stored| stored.decision).collect()
}

on_both_backends!(cohorts_from_sql_equal_the_evaluator);
