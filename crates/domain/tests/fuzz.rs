//! Every parser of outside input in the domain, fed arbitrary text (issue 16, "keep them
//! closed"): the person, team, intake, decision, contribution and minutes forms, dates, local
//! date-times and amounts. None may panic; whatever is accepted keeps to the table of limits,
//! and every refusal names a field.

use domain::access::TeamEntryInput;
use domain::conference::{DecisionInput, MinutesInput};
use domain::ids::MemberId;
use domain::jurisdiction::{Partner, shipped_pack};
use domain::people::{IdentifierInput, PersonInput};
use domain::validation::{TextLimit, ValidationErrors, parse_date};
use domain::zsm::model::forms::{
    ContributionForm, DecisionForm, IntakeForm, OffenceForm, VictimForm, parse_euros, parse_local_time,
};
use jiff::Timestamp;
use jiff::civil::date;
use proptest::prelude::*;

/// Text as it may arrive: anything at all, or shapes close to what a field expects (dates,
/// times, amounts, ids), so the parsers' deeper branches are reached too.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}",
        "-?[0-9.,]{0,12}",
        "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        "\\PC{0,40}",
    ]
}

fn refusal_names_fields(errors: &ValidationErrors) {
    assert!(!errors.is_empty(), "a refusal says what is wrong");
    assert!(errors.iter().all(|e| !e.field.is_empty() && !e.key.is_empty()), "{errors:?}");
}

fn within_limits(text: &str, limit: TextLimit) {
    assert!(text.chars().count() <= limit.max_chars() && text.chars().all(|c| limit.allows(c)), "{text:?}");
}

fn now() -> Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn person_forms(f in text(), g in text(), b in text(), s in text(), a in text(), e in text(), k in text(), v in text()) {
        let input = PersonInput {
            family_name: f, given_names: g, birth_date: b, sex: s, address: a.clone(), postcode: a,
            city: e.clone(), phone: e.clone(), email: e.clone(),
            identifiers: vec![IdentifierInput { kind: k, value: v }], languages: e,
        };
        match input.parse(date(2026, 11, 22)) {
            Ok(draft) => {
                within_limits(&draft.family_name, TextLimit::Line);
                if let Some(given) = &draft.given_names { within_limits(given, TextLimit::Line); }
            }
            Err(errors) => refusal_names_fields(&errors),
        }
    }

    #[test]
    fn team_entries(a in text(), k in text(), s in text(), c in text(), e in text(), r in text()) {
        let kind = if k.len() % 3 == 0 { "consent".to_string() } else { k };
        let input = TeamEntryInput {
            agency_id: a, basis_kind: kind, statute: s, consent_scope: c.clone(), consent_expires_on: e,
            court_order_reference: c, reason: r,
        };
        if let Err(errors) = input.parse(date(2026, 11, 22)) { refusal_names_fields(&errors) }
    }

    #[test]
    fn dates_and_amounts(raw in text()) {
        if let Ok(day) = parse_date("due", &raw) {
            prop_assert!((date(1900, 1, 1)..=date(2100, 12, 31)).contains(&day));
        }
        let _ = parse_euros(&raw);
    }

    #[test]
    fn local_times(raw in text()) {
        let nl = shipped_pack("nl").unwrap();
        if let Ok(at) = parse_local_time(&raw, nl) {
            // What is accepted reads back as the same wall-clock time.
            let local = at.to_zoned(nl.time_zone.clone()).datetime();
            prop_assert!(raw.trim().replace(' ', "T").starts_with(&local.strftime("%Y-%m-%dT%H:%M").to_string()));
        }
    }

    #[test]
    fn intake_forms(s in text(), arrested in text(), arrived in text(), t in text(), d in text(), p in text(), r in text()) {
        let nl = shipped_pack("nl").unwrap();
        let form = IntakeForm {
            suspect_id: s,
            location: "zsm-utrecht".into(),
            arrested_at: arrested,
            arrived_at: arrived,
            offences: vec![OffenceForm {
                offence_type: t, committed_on: d.clone(), place: p.clone(), description: r.clone(),
                pretrial_detention: "yes".into(),
            }],
            victims: vec![VictimForm { person_id: p, description: d }],
            police_report_summary: r,
            ..Default::default()
        };
        if let Err(errors) = form.parse(nl, MemberId::new(now())) { refusal_names_fields(&errors) }
    }

    #[test]
    fn decisions(disposal in text(), key in text(), value in text(), reasoning in text()) {
        let nl = shipped_pack("nl").unwrap();
        let pick = ["penalty_order", "conditional_dismissal", "dismissal", "summons"];
        let disposal = if disposal.len() % 2 == 0 { pick[disposal.len() % pick.len()].to_string() } else { disposal };
        let form = DecisionForm {
            disposal,
            parameters: [(key, value.clone()), ("amount".into(), value)].into(),
            reasoning,
            ..Default::default()
        };
        if let Err(errors) = form.parse(nl, MemberId::new(now()), now()) { refusal_names_fields(&errors) }
    }

    #[test]
    fn contributions(state in text(), a in text(), b in text(), code in text(), note in text()) {
        let nl = shipped_pack("nl").unwrap();
        let form = ContributionForm {
            state,
            additional_information: a.clone(),
            requests_to_prosecutor: b.clone(),
            advice: a,
            signals: [(code, note)].into(),
            interests: b,
            ..Default::default()
        };
        for partner in [Partner::Police, Partner::Probation, Partner::VictimSupport, Partner::DefenceLawyer] {
            if let Err(errors) = form.parse(partner, nl) { refusal_names_fields(&errors) }
        }
    }

    #[test]
    fn minutes(analysis in text(), strategy in text(), note in text(), d in text(), k in text(), o in text(), due in text()) {
        let input = MinutesInput {
            analysis, strategy, note,
            decisions: vec![DecisionInput { description: d, kind: k, owner: o, due }],
            restricted_to: Vec::new(),
        };
        if let Err(errors) = input.parse(now(), date(2026, 11, 22)) { refusal_names_fields(&errors) }
    }
}
