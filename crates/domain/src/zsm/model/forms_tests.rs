use super::*;
use crate::jurisdiction::shipped_pack;
use uuid::Uuid;

fn member() -> MemberId {
    MemberId::from_uuid(Uuid::from_u128(9))
}

#[test]
fn euros_parse_with_either_decimal_mark() {
    assert_eq!(parse_euros("1250"), Some(125_000));
    assert_eq!(parse_euros("1250.5"), Some(125_050));
    assert_eq!(parse_euros("1.250,50"), Some(125_050));
    assert_eq!(parse_euros("€ 2,000"), Some(200_000));
    assert_eq!(parse_euros("-5"), Some(-500));
    assert_eq!(parse_euros("abc"), None);
    assert_eq!(parse_euros(""), None);
}

#[test]
fn an_arrival_written_in_the_repeated_hour_after_the_arrest_is_accepted() {
    let nl = shipped_pack("nl").unwrap();
    let form = IntakeForm { arrested_at: "2026-10-25T02:53".into(), arrived_at: "2026-10-25T02:03".into(), ..intake() };
    let input = form.parse(nl, member()).expect("valid intake");
    assert_eq!(input.arrested_at.duration_until(input.arrived_at_station), jiff::SignedDuration::from_mins(10));
}

fn intake() -> IntakeForm {
    IntakeForm {
        suspect_id: Uuid::from_u128(1).to_string(),
        location: "zsm-utrecht".into(),
        arrested_at: "2026-01-15T21:00".into(),
        arrived_at: "2026-01-15T21:30".into(),
        offences: vec![
            OffenceForm {
                offence_type: "shoplifting".into(),
                committed_on: "2026-01-15".into(),
                place: "Utrecht".into(),
                description: "Three bottles".into(),
                pretrial_detention: "yes".into(),
            },
            OffenceForm::default(),
        ],
        victims: vec![VictimForm { person_id: String::new(), description: "the shop".into() }],
        police_report_summary: "Caught by the store detective".into(),
        ..Default::default()
    }
}

#[test]
fn a_complete_intake_form_parses_and_blank_rows_are_ignored() {
    let input = intake().parse(shipped_pack("nl").unwrap(), member()).unwrap();
    assert_eq!(input.offences.len(), 1);
    assert!(input.offences[0].pretrial_detention_allowed);
    assert_eq!(input.victims, vec![Victim::Anonymous { description: "the shop".into() }]);
}

#[test]
fn every_field_problem_is_reported_at_once() {
    let mut form = intake();
    form.arrested_at = "not a time".into();
    form.offences[0].committed_on = "15 jan".into();
    form.police_report_summary = " ".into();
    let errors = form.parse(shipped_pack("nl").unwrap(), member()).unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["arrested_at", "offences[0].committed_on", "police_report_summary"]);
}

#[test]
fn decision_form_reads_parameters_by_their_pack_type() {
    let nl = shipped_pack("nl").unwrap();
    let at: Timestamp = "2026-01-16T10:00:00Z".parse().unwrap();
    let form = DecisionForm {
        disposal: "penalty_order".into(),
        parameters: [("fine_cents".to_string(), "250,00".to_string()), ("driving_ban_months".into(), "".into())]
            .into_iter()
            .collect(),
        reasoning: "first offence".into(),
        ..Default::default()
    };
    let request = form.parse(nl, member(), at).unwrap();
    assert_eq!(request.parameters.get(&ParameterCode::new("fine_cents")), Some(&ParameterValue::Money(25_000)));
    assert_eq!(request.parameters.len(), 1);
    let unknown = DecisionForm { disposal: "hang_them".into(), ..form };
    let errors = unknown.parse(nl, member(), at).unwrap_err();
    assert_eq!(errors.0[0].key, "zsm.error.unknown_disposal");
}

#[test]
fn a_negative_damages_claim_is_refused_by_the_form() {
    let nl = shipped_pack("nl").unwrap();
    let form = ContributionForm { state: "done".into(), damages_claim: "-10".into(), ..Default::default() };
    let errors = form.parse(Partner::VictimSupport, nl).unwrap_err();
    assert_eq!(errors.0[0].key, "zsm.error.negative_amount");
}
