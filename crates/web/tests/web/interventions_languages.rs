//! Language eligibility over HTTP (issue 19): a person's languages are kept with their details
//! (form and API, checked), and the finder — API and page — says of an intervention not given
//! in any of them that it does not fit, and why.

use crate::support::{api_call, problem_fields, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::people::{IdentifierInput, PersonInput};
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finder_says_an_intervention_is_not_given_in_a_language_the_person_speaks() {
    let app = spawn_app().await;
    let (_, officer) = app.probation_officer().await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let input = PersonInput {
        family_name: "Nowak".into(),
        given_names: "Piotr".into(),
        birth_date: "1985-06-01".into(),
        city: "Utrecht".into(),
        languages: "PL, en".into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: crate::support::valid_bsn(3) }],
        ..Default::default()
    };
    let person = crate::interventions::screened_with_addiction(&app, &officer, &input).await;

    let officer = app.session_for(&officer).await;
    let worker = app.session_for(&worker).await;
    let (_, read) = api_call(&officer, Method::GET, &format!("/api/v1/people/{person}"), None).await;
    assert_eq!(read["languages"], json!(["pl", "en"]), "kept in lower case, their own first");

    for (name, languages) in [("Minder drinken", json!(["nl"])), ("Less drinking", json!(["en", "nl"]))] {
        let body = json!({"name": name, "kind": "addiction_treatment", "needs": ["addiction"],
            "outcomes": ["Sober"], "capacity": 5, "areas": ["Utrecht"], "languages": languages});
        let (status, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        assert_eq!(entry["languages"], languages);
    }
    let (status, found) =
        api_call(&officer, Method::GET, &format!("/api/v1/interventions?person={person}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found[0]["name"], "Less drinking", "what fits first");
    assert_eq!((found[0]["eligible"].as_bool(), found[0]["misfits"].as_array().map(Vec::len)), (Some(true), Some(0)));
    assert_eq!(found[1]["eligible"], false);
    assert_eq!(
        found[1]["misfits"],
        json!([{"reason": "language", "min_age": null, "max_age": null, "languages": ["nl"]}])
    );
    assert_eq!(found[1]["expected_wait_days"], 0, "the wait is still shown");

    let html = officer.get(&format!("/people/{person}/interventions")).await.text().await.unwrap();
    assert!(
        html.contains("(gegeven in: Nederlands)") || html.contains("(given in: Dutch)"),
        "the page says why: {html}"
    );
    let page = officer.get(&format!("/people/{person}")).await.text().await.unwrap();
    assert!(page.contains("Pools, Engels") || page.contains("Polish, English"), "named on the person page");

    // A language code that is none is refused, naming the field.
    let body = json!({"person": {"family_name": "Jansen", "languages": ["nl", "dutch!"]},
        "basis": {"kind": "statutory_task", "statute": "Wet op de reclassering", "reason": "toezicht"}});
    let (status, problem) = api_call(&officer, Method::POST, "/api/v1/people", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem_fields(&problem), ["languages"]);
}
