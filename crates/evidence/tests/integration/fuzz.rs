//! The evidence crate's parsers of outside input, fed arbitrary text (issue 16, "keep them
//! closed"): extract files and the cohort rule language. Neither may panic; a broken extract
//! reports every problem as file:line:column, and a broken rule names its position.

use evidence::csv_io::read_dataset;
use evidence::rules::{CompiledRule, parse};
use proptest::prelude::*;

const PERSONS: &str = "person_id,birth_date,sex,area\n";
const OFFENCES: &str = "offence_id,person_id,offence_date,outcome_date,outcome,offence_type,seriousness\n";
const EVENTS: &str = "person_id,index_date,kind,group\n";

/// A cell: anything, or shapes close to what a column expects.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "(conviction|caution|pending|dismissal|x)",
        "P[0-9]{1,2}",
        "-?[0-9]{1,3}",
        "[=+@\"',\r\n-]{0,3}\\PC{0,8}",
    ]
}

fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
    quoted.join(",") + "\n"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn extracts_never_panic_and_name_each_problem(
        persons in prop::collection::vec(prop::collection::vec(cell(), 4), 0..6),
        offences in prop::collection::vec(prop::collection::vec(cell(), 7), 0..8),
        events in prop::collection::vec(prop::collection::vec(cell(), 4), 0..4),
        raw in prop::collection::vec(any::<u8>(), 0..200),
    ) {
        let persons = PERSONS.to_string() + &persons.iter().map(|r| csv_line(r)).collect::<String>();
        let offences = OFFENCES.to_string() + &offences.iter().map(|r| csv_line(r)).collect::<String>();
        let events = EVENTS.to_string() + &events.iter().map(|r| csv_line(r)).collect::<String>();
        if let Ok(loaded) = read_dataset(persons.as_bytes(), offences.as_bytes(), events.as_bytes()) {
            for issue in &loaded.errors {
                prop_assert!(issue.line >= 1 && issue.column >= 1, "{issue}");
            }
        }
        // Bytes that are not CSV at all, in any of the files.
        let _ = read_dataset(&raw[..], OFFENCES.as_bytes(), EVENTS.as_bytes());
        let _ = read_dataset(PERSONS.as_bytes(), &raw[..], EVENTS.as_bytes());
    }

    #[test]
    fn rules_never_panic_and_errors_point_into_the_text(source in prop_oneof![
        any::<String>(),
        "(offences|proven|age|within|and|or|not|>=|<|[0-9]{1,3}|[(),]|y|m| ){0,12}",
    ]) {
        match parse(&source) {
            Ok(expr) => {
                let data = read_dataset(PERSONS.as_bytes(), OFFENCES.as_bytes(), EVENTS.as_bytes()).unwrap().dataset;
                let _ = CompiledRule::compile(&expr, &data);
            }
            Err(error) => prop_assert!(error.position <= source.len(), "{} at {}", error.message, error.position),
        }
    }
}
