use super::*;
use jiff::civil::date;

fn input() -> PersonInput {
    PersonInput {
        family_name: " de Vries ".into(),
        given_names: "Jan".into(),
        birth_date: "12-03-1984".into(),
        sex: "M".into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: "111222333".into() }],
        ..Default::default()
    }
}

fn keys(errors: ValidationErrors) -> Vec<(String, &'static str)> {
    errors.iter().map(|e| (e.field.clone(), e.key)).collect()
}

const TODAY: Date = date(2026, 11, 22);

#[test]
fn valid_input_is_trimmed_and_parsed() {
    let draft = input().parse(TODAY).unwrap();
    assert_eq!(draft.family_name, "de Vries");
    assert_eq!(draft.birth_date, Some(date(1984, 3, 12)));
    assert_eq!(draft.sex, Sex::Male);
    assert_eq!(draft.display_name(), "Jan de Vries");
    assert_eq!(draft.name_tokens(), vec!["de", "jan", "vries"]);
}

#[test]
fn every_problem_is_reported_at_once() {
    let bad = PersonInput {
        family_name: "   ".into(),
        birth_date: "2027-01-01".into(),
        sex: "Q".into(),
        email: "not an email".into(),
        identifiers: vec![
            IdentifierInput { kind: "bsn".into(), value: "123456789".into() },
            IdentifierInput { kind: "passport".into(), value: "X".into() },
        ],
        ..Default::default()
    };
    assert_eq!(
        keys(bad.parse(TODAY).unwrap_err()),
        vec![
            ("family_name".into(), "error.required"),
            ("birth_date".into(), "error.birth_date.future"),
            ("sex".into(), "error.sex.invalid"),
            ("email".into(), "error.email.invalid"),
            ("identifiers[0].value".into(), "error.bsn.check"),
            ("identifiers[1].kind".into(), "error.identifier.unknown_kind"),
        ]
    );
}

#[test]
fn oversized_fields_are_rejected() {
    let mut long = input();
    long.family_name = "x".repeat(MAX_NAME + 1);
    long.address = "y".repeat(MAX_LINE + 1);
    let errors = keys(long.parse(TODAY).unwrap_err());
    assert_eq!(errors, vec![("family_name".into(), "error.too_long"), ("address".into(), "error.too_long")]);
}

#[test]
fn birth_date_today_is_allowed_tomorrow_is_not() {
    let mut today = input();
    today.birth_date = "2026-11-22".into();
    assert!(today.parse(TODAY).is_ok());
    today.birth_date = "2026-11-23".into();
    assert!(today.parse(TODAY).is_err());
    today.birth_date = "31-02-1990".into();
    assert_eq!(keys(today.parse(TODAY).unwrap_err())[0].1, "error.date.invalid");
}

#[test]
fn two_identifiers_of_one_national_kind_are_refused() {
    let mut twice = input();
    twice.identifiers.push(IdentifierInput { kind: "bsn".into(), value: "123456782".into() });
    assert_eq!(keys(twice.parse(TODAY).unwrap_err())[0].1, "error.identifier.repeated_kind");
}

#[test]
fn blank_identifier_rows_are_ignored() {
    let mut blank = input();
    blank.identifiers.push(IdentifierInput::default());
    assert_eq!(blank.parse(TODAY).unwrap().identifiers.len(), 1);
}

#[test]
fn edit_form_round_trips_a_draft() {
    let draft = input().parse(TODAY).unwrap();
    assert_eq!(PersonInput::from_draft(&draft).parse(TODAY).unwrap(), draft);
}

#[test]
fn languages_are_codes_kept_in_lower_case_in_the_order_typed() {
    let parsed = PersonInput { languages: "PL, en; pl\nber".into(), ..input() }.parse(TODAY).unwrap();
    assert_eq!(parsed.languages, ["pl", "en", "ber"]);
    assert_eq!(PersonInput::from_draft(&parsed).languages, "pl, en, ber");
    let refused = PersonInput { languages: "nl, Nederlands".into(), ..input() }.parse(TODAY).unwrap_err();
    assert_eq!(keys(refused), [("languages".to_string(), "error.languages.invalid")]);
    assert!(PersonInput { languages: String::new(), ..input() }.parse(TODAY).unwrap().languages.is_empty());
}
