use evidence::csv_io::{load_dir, write_dir, write_index_events, write_offences, write_persons};
use evidence::generate::generate;

use crate::common::{EVENTS_HEADER, OFFENCES_HEADER, dataset, load, temp_dir};

fn messages(loaded: &evidence::csv_io::Loaded) -> Vec<String> {
    loaded.errors.iter().map(|e| e.to_string()).collect()
}

#[test]
fn every_bad_row_is_reported_with_file_line_and_column() {
    let persons = "person_id,birth_date,sex,area\nP1,1990-01-01,M,north\nP2,1990-02-30,F,\nP1,,,\nP3,,Q,\n";
    let offences = format!(
        "{OFFENCES_HEADER}O1,P1,2020-01-01,2020-03-01,conviction,theft,3\n\
         O2,P9,2020-01-01,,pending,,\n\
         O1,P1,2020-02-01,,pending,,\n\
         O3,P1,2020-13-01,,convicted,,11\n\
         O4,P1,2020-01-05,,caution\n"
    );
    let events = format!("{EVENTS_HEADER}P1,2021-01-01,release,A\nP7,2021-01-01,,\nP1,,,\n");
    let loaded = load(persons, &offences, &events);
    assert_eq!(
        messages(&loaded),
        vec![
            "persons.csv:3:2: bad date '1990-02-30' in birth_date (expected YYYY-MM-DD)",
            "persons.csv:4:1: duplicate person_id 'P1'",
            "persons.csv:5:3: unknown sex 'Q' (expected F, M, X or empty)",
            "offences.csv:3:2: offence for unknown person 'P9' (not in persons.csv)",
            "offences.csv:4:1: duplicate offence_id 'O1'",
            "offences.csv:5:3: bad date '2020-13-01' in offence_date (expected YYYY-MM-DD)",
            "offences.csv:5:5: unknown outcome 'convicted' (expected one of conviction, caution, penalty_order, conditional_dismissal, dismissal, acquittal, pending)",
            "offences.csv:5:7: seriousness '11' out of range (expected an integer 1 to 10, or empty)",
            "offences.csv:6:6: expected 7 fields but found 5",
            "index_events.csv:3:1: index event for unknown person 'P7' (not in persons.csv)",
            "index_events.csv:4:2: empty index_date (required)",
        ]
    );
    // The good rows are kept for --skip-bad style use.
    assert_eq!(loaded.dataset.person_count(), 1);
    assert_eq!(loaded.dataset.offence_count(), 1);
    assert_eq!(loaded.dataset.index_event_count(), 1);
    assert!(loaded.strict().is_err());
}

#[test]
fn missing_required_columns_are_errors_and_extra_columns_warnings() {
    let persons = "person_id,nickname,sex\nP1,Bob,M\n";
    let offences = "offence_id,person_id,offence_date\nO1,P1,2020-01-01\n";
    let loaded = load(persons, offences, "person_id,index_date\n");
    assert_eq!(messages(&loaded), vec!["offences.csv:1:1: missing required column 'outcome'"]);
    let warnings: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(warnings, vec!["persons.csv:1:2: extra column 'nickname' ignored"]);
}

#[test]
fn columns_may_come_in_any_order_and_fields_may_be_quoted() {
    let persons = "area,person_id\n\"North, East\",\"P\"\"1\"\n";
    let offences = "outcome,offence_date,person_id,offence_id\nconviction,2020-01-01,\"P\"\"1\",O1\n";
    let data = dataset(persons, offences, EVENTS_HEADER);
    assert_eq!(data.person_id(0), "P\"1");
    assert_eq!(evidence::Dataset::label(&data.areas, data.persons.area[0]), "North, East");
    assert_eq!(data.offence_count(), 1);
}

#[test]
fn round_trip_is_exact() {
    let dir = temp_dir("round-trip");
    generate(11, 500, 4.0, 300, &dir.join("in")).unwrap();
    let (first, warnings) = load_dir(&dir.join("in")).unwrap();
    assert!(warnings.is_empty());
    write_dir(&first, &dir.join("out")).unwrap();
    let (second, _) = load_dir(&dir.join("out")).unwrap();
    assert!(first == second, "datasets differ after a round trip");
    for name in ["persons.csv", "offences.csv", "index_events.csv"] {
        let a = std::fs::read(dir.join("out").join(name)).unwrap();
        let mut b = Vec::new();
        match name {
            "persons.csv" => write_persons(&second, &mut b).unwrap(),
            "offences.csv" => write_offences(&second, &mut b).unwrap(),
            _ => write_index_events(&second, &mut b).unwrap(),
        }
        assert_eq!(a, b, "{name}");
    }
    // Every input row survives (the generator writes sorted persons by number, not code point).
    let input_rows = std::fs::read_to_string(dir.join("in/offences.csv")).unwrap().lines().count();
    assert_eq!(first.offence_count() + 1, input_rows);
}

#[test]
fn empty_cells_round_trip_as_empty() {
    let persons = "person_id,birth_date,sex,area\nP1,,,\n";
    let offences = format!("{OFFENCES_HEADER}O1,P1,2020-01-01,,pending,,\n");
    let data = dataset(persons, &offences, EVENTS_HEADER);
    let mut out = Vec::new();
    write_persons(&data, &mut out).unwrap();
    write_offences(&data, &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("person_id,birth_date,sex,area\nP1,,,\n{OFFENCES_HEADER}O1,P1,2020-01-01,,pending,,\n")
    );
}

/// Labels from an extract that a spreadsheet would run as formulas are written as text
/// (OWASP: a leading `'`), and read back as they were.
#[test]
fn formula_like_labels_are_neutralised_and_read_back_exactly() {
    let persons = "person_id,birth_date,sex,area\n-1,,,=HYPERLINK(\"http://evil\")\nP2,,,'@x\n";
    let offences = format!("{OFFENCES_HEADER}+O1,-1,2020-01-01,,pending,@SUM(A1),\n");
    let events = format!("{EVENTS_HEADER}P2,2021-01-01,\tkind,-group\n");
    let data = dataset(persons, &offences, &events);
    let (mut written_persons, mut written_offences, mut written_events) = (Vec::new(), Vec::new(), Vec::new());
    write_persons(&data, &mut written_persons).unwrap();
    write_offences(&data, &mut written_offences).unwrap();
    write_index_events(&data, &mut written_events).unwrap();
    let text = String::from_utf8(written_persons.clone()).unwrap();
    assert!(text.contains("'-1,,,\"'=HYPERLINK(\"\"http://evil\"\")\"\n"), "{text}");
    assert!(text.contains("P2,,,'@x\n"), "a quote before a plain text stays as it is: {text}");
    let text = String::from_utf8(written_offences.clone()).unwrap();
    assert!(text.contains("'+O1,'-1,2020-01-01,,pending,'@SUM(A1),"), "{text}");
    let again = dataset(
        std::str::from_utf8(&written_persons).unwrap(),
        std::str::from_utf8(&written_offences).unwrap(),
        std::str::from_utf8(&written_events).unwrap(),
    );
    assert!(data == again, "the round trip is exact");
    assert_eq!(again.person_id(0), "-1");
}

/// An outcome dated before its offence is an error at the outcome's line and column, and the row
/// is not loaded (issue 16, item 15).
#[test]
fn an_outcome_before_its_offence_is_refused_with_line_and_column() {
    let persons = "person_id,birth_date,sex,area\nP1,,,\n";
    let offences =
        format!("{OFFENCES_HEADER}O1,P1,2020-05-01,2020-04-30,conviction,,\nO2,P1,2020-05-01,2020-05-01,caution,,\n");
    let loaded = load(persons, &offences, EVENTS_HEADER);
    let errors = messages(&loaded);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("offences.csv:2:4: outcome_date 2020-04-30 is before offence_date 2020-05-01"),
        "{errors:?}"
    );
    assert_eq!(loaded.dataset.offence_count(), 1, "the same-day outcome is fine");
}

#[test]
fn repeated_offence_ids_keep_the_first_row_and_report_each_repeat() {
    let persons = "person_id\nP1\nP2\n";
    let offences = format!(
        "{OFFENCES_HEADER}X,P1,2020-01-01,,pending,,\nY,P2,2020-01-01,,pending,,\n\
         X,P2,2020-01-02,,pending,,\nX,P2,2020-01-03,,pending,,\n"
    );
    let loaded = load(persons, &offences, EVENTS_HEADER);
    assert_eq!(
        messages(&loaded),
        vec!["offences.csv:4:1: duplicate offence_id 'X'", "offences.csv:5:1: duplicate offence_id 'X'",]
    );
    let data = loaded.dataset;
    assert_eq!(data.offence_count(), 2);
    assert_eq!(data.person_id(data.offences.person[0]), "P1");
    assert_eq!(data.offences.ids.get(0), "X");
}
