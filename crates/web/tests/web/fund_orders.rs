//! Orders from the catalogue and the person's own choices (issue 20, funds4 branch), on SQLite
//! and PostgreSQL: a keeper orders units of a priced catalogue intervention through the API and
//! the person's fund page — the amount is the units times the unit cost, computed by the
//! server — refusals (no unit cost, units ≤ 0, a typed amount, more than is left) are 422
//! problem JSON or the form's error summary naming each field, and change nothing; an order
//! above the threshold is approved by a second member, who sees it confirmed; the statement
//! prints what the person chose and why; the reports count spend per intervention; an amount
//! out of range states the maximum as money.

use crate::support;
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn summary_links(html: &str) -> Vec<String> {
    let Some(from) = html.find("class=\"error-summary\"") else { return Vec::new() };
    let summary = &html[from..from + html[from..].find("</div>").unwrap()];
    summary.split("href=\"#").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

fn entry(name: &str, unit_cost_cents: Option<i64>) -> Value {
    json!({"name": name, "kind": "housing", "needs": ["housing"], "outcomes": ["Een nacht rust"], "capacity": 6,
        "sessions": 1, "duration_weeks": 1, "unit_cost_cents": unit_cost_cents, "areas": ["Den Haag"]})
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let shelter = app.agency("Kessler Stichting", AgencyKind::Provider).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let approver = app.member(&probation, "approver", &[Role::ProbationOfficer]).await;
    let worker = app.member(&shelter, "worker", &[Role::ProviderWorker]).await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[]).await;
    let client = app.session_for(&officer).await;
    let second = app.session_for(&approver).await;
    let provider = app.session_for(&worker).await;
    let (status, nights) =
        api_call(&provider, Method::POST, "/api/v1/interventions", Some(entry("Nachtopvang", Some(4_250)))).await;
    assert_eq!(status, StatusCode::CREATED, "{nights}");
    let nights = nights["id"].as_str().unwrap().to_string();
    let (_, unpriced) = api_call(&provider, Method::POST, "/api/v1/interventions", Some(entry("Inloop", None))).await;
    let unpriced = unpriced["id"].as_str().unwrap().to_string();

    let new_fund = json!({"name": "Dak- en thuislozen", "kind": "stream", "stream": "homeless",
        "period_start": "2026-01-01", "period_end": "2026-12-31", "budget_cents": 500_000, "approval_above_cents": 50_000});
    let (_, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    let fund_id = fund["id"].as_str().unwrap().to_string();
    let transfers = format!("/api/v1/funds/{fund_id}/transfers");
    let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": person.to_string(), "amount_cents": 100_000,
        "description": "Nachten opvang tot er een kamer is"});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);

    // Refused, each as 422 naming its field; nothing recorded.
    let order = |intervention: &str, units: Value| {
        json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "intervention_id": intervention,
            "units": units, "goal": "Een eigen kamer", "choice": "Een eigen kamer, geen slaapzaal",
            "choice_reason": "Daar kan ik nuchter blijven"})
    };
    let before = app.count("fund_transfer").await;
    let mut typed = order(&nights, json!(6));
    typed["amount_cents"] = json!(100);
    for (refused, field) in [
        (order(&nights, json!(0)), "units"),
        (order(&unpriced, json!(2)), "intervention_id"),
        (typed, "amount_cents"),
        // Thirty nights cost €1,275: more than the €1,000 allocated.
        (order(&nights, json!(30)), "amount_cents"),
        (order(&uuid(), json!(2)), "intervention_id"),
    ] {
        let (status, problem) = api_call(&client, Method::POST, &transfers, Some(refused)).await;
        assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec![field.to_string()]));
    }
    assert_eq!(app.count("fund_transfer").await, before, "nothing recorded");

    // Six nights at €42.50, priced by the server; paid with the invoice.
    let (status, made) = api_call(&client, Method::POST, &transfers, Some(order(&nights, json!(6)))).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["amount_cents"], 25_500);
    assert_eq!((made["order"]["units"].clone(), made["order"]["unit_cost_cents"].clone()), (json!(6), json!(4_250)));
    assert_eq!(made["description"], "6 × Nachtopvang");
    assert_eq!(made["choice_reason"], "Daar kan ik nuchter blijven");
    let pay = json!({"action": "post", "id": uuid(), "invoice_ref": "KS-2026-014"});
    let made_id = made["id"].as_str().unwrap();
    let (status, paid) =
        api_call(&client, Method::POST, &format!("/api/v1/funds/{fund_id}/commitments/{made_id}"), Some(pay)).await;
    assert_eq!((status, paid["order"]["units"].clone()), (StatusCode::CREATED, json!(6)), "{paid}");

    // The form: nothing chosen, nothing counted — each field named, each link leading to it.
    let page = client.visit(&format!("/people/{person}/fund")).await;
    assert!(page.body.contains("id=\"fund_order-form\"") && page.body.contains("Nachtopvang"), "{}", page.body);
    assert!(!page.body.contains(&format!("value=\"{unpriced}\"")), "an unpriced entry is not offered");
    let orders = format!("/people/{person}/fund/orders");
    let empty = [("transfer_id", uuid()), ("fund", fund_id.clone()), ("intervention_id", String::new())];
    let empty: Vec<(&str, &str)> = empty.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = client.post_form(&orders, &[empty.as_slice(), &[("units", "nul"), ("goal", "")]].concat()).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    let mut links = summary_links(&body);
    links.sort();
    assert_eq!(links, ["fund_order-goal", "fund_order-intervention_id", "fund_order-units"], "{body}");
    for anchor in &links {
        assert!(body.contains(&format!("id=\"{anchor}\"")), "the link {anchor} leads to an input");
    }
    assert!(body.contains("value=\"nul\""), "what was typed is kept");
    assert_eq!(app.count("fund_transfer").await, before + 2, "nothing more recorded");

    // Fourteen nights (€595): above the €500 threshold, so a second member approves it.
    let id = uuid();
    let fields = [
        ("transfer_id", id.as_str()),
        ("fund", &fund_id),
        ("intervention_id", &nights),
        ("units", "14"),
        ("goal", "Een eigen kamer"),
        ("choice", "Twee weken in Den Haag-Zuid"),
        ("choice_reason", "Dicht bij mijn dochter"),
    ];
    let page = client.submit(&orders, &fields).await;
    assert!(page.body.contains("14 × Nachtopvang"), "{}", page.body);
    assert!(page.body.contains("id=\"own-choices\"") && page.body.contains("Dicht bij mijn dochter"), "{}", page.body);
    let ledger = second.visit(&format!("/funds/{fund_id}")).await;
    assert!(ledger.body.contains(&format!("id=\"approve-{id}\"")), "{}", ledger.body);
    let approved = second.submit(&format!("/funds/{fund_id}/commitments/{id}"), &[("action", "approve")]).await;
    assert!(approved.body.contains("id=\"approved\""), "the approval is confirmed: {}", approved.body);
    assert!(approved.body.contains("14 × Nachtopvang"), "{}", approved.body);
    assert!(!approved.body.contains(&format!("id=\"approve-{id}\"")), "no longer waiting");

    // An amount out of range names the maximum as money in the page's language.
    let big = [
        ("transfer_id", uuid()),
        ("fund", fund_id.clone()),
        ("kind", "commit".into()),
        ("amount", "20000000".into()),
        ("description", "Te veel".into()),
        ("goal", "Een eigen kamer".into()),
    ];
    let big: Vec<(&str, &str)> = big.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = client.post_form(&format!("/people/{person}/fund/transfers"), &big).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("1.000.000,00") || body.contains("1,000,000.00"), "{body}");

    // The reports: spend per intervention, the charts drawn at the size they are shown.
    let reports = client.visit("/funds/reports").await;
    assert!(reports.body.contains("id=\"by_intervention\""), "{}", reports.body);
    assert!(reports.body.contains("Nachtopvang"), "{}", reports.body);
    assert!(
        reports.body.contains("viewBox=\"0 0 420 ") && reports.body.contains("font-size=\"15\""),
        "readable charts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_from_the_catalogue_and_choices_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_from_the_catalogue_and_choices_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
