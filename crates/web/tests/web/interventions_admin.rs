//! Administrators keeping the catalogue on a provider's behalf (issue 19): the catalogue page
//! lists every provider's entries and adds one for the provider chosen on the form (a missing
//! or unknown provider named in the error summary with every other invalid field, nothing
//! added); the JSON API takes the provider's id; the entry is the provider's from then on and
//! each addition, and each refusal, is in the audit log.

use crate::support::{api_call, problem_fields, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn entry<'a>(provider: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("provider", provider),
        ("name", name),
        ("kind", "debt_help"),
        ("needs", "finances"),
        ("outcomes", "Debts under control"),
        ("capacity", "12"),
        ("sessions", "6"),
        ("duration_weeks", "10"),
        ("areas", "Utrecht"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_adds_an_entry_on_behalf_of_the_provider_chosen() {
    let app = spawn_app().await;
    let provider = app.agency("Schuldhulp Utrecht", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let admin =
        app.member_of_new_agency("Functioneel beheer", AgencyKind::Municipality, "bea", Role::Administrator).await;
    let (_, officer) = app.probation_officer().await;
    let beheer = app.session_for(&admin).await;
    let provider_id = provider.id.to_string();

    // The administration page leads to every provider's catalogue, whose form asks for the provider.
    assert!(beheer.visit("/admin").await.body.contains("href=\"/provider/catalogue\""));
    let page = beheer.visit("/provider/catalogue").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<select id=\"provider\" name=\"provider\""), "{}", page.body);
    assert!(page.body.contains(&format!("<option value=\"{provider_id}\">Schuldhulp Utrecht</option>")));
    assert!(!page.body.contains("Politie Utrecht"), "only agencies that deliver help are offered");

    // No provider chosen, and no name: both named, nothing added.
    let page = beheer.submit("/provider/catalogue", &entry("", "")).await;
    assert_eq!(page.status, 422);
    for field in ["#provider", "#name"] {
        assert!(page.body.contains(&format!("href=\"{field}\"")), "{field} in the error summary");
    }
    // An agency that delivers no help (the police) is not a provider to choose.
    let page = beheer.submit("/provider/catalogue", &entry(&police.id.to_string(), "Geldzaken op orde")).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("href=\"#provider\""));
    assert_eq!(app.count("intervention").await, 0);

    // Chosen: added to that provider's catalogue, which its own member sees and keeps.
    let page = beheer.submit("/provider/catalogue", &entry(&provider_id, "Geldzaken op orde")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Geldzaken op orde") && page.body.contains("Schuldhulp Utrecht"));
    let piet = app.session_for(&worker).await;
    let own = piet.visit("/provider/catalogue").await;
    assert!(own.body.contains("Geldzaken op orde"), "the provider's own catalogue holds it");
    let audited = "audit_log WHERE what LIKE 'intervention: %' AND action = 'create' AND basis LIKE '%administrator%'";
    assert_eq!(app.count(audited).await, 1, "the addition is on record with the administrator's role");

    // The API: the provider's id in the body; without it an administrator is told which field.
    let body = json!({"provider": provider_id, "name": "Budgetcoaching", "kind": "debt_help", "needs": ["finances"],
        "outcomes": ["Budget kept"], "capacity": 8, "sessions": 6, "duration_weeks": 8, "areas": ["Utrecht"]});
    let (status, created) = api_call(&beheer, Method::POST, "/api/v1/interventions", Some(body.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["provider"], provider_id);
    let mut without = body.clone();
    without.as_object_mut().unwrap().remove("provider");
    let (status, problem) = api_call(&beheer, Method::POST, "/api/v1/interventions", Some(without)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), vec!["provider"]);

    // A provider's member adds only to their own catalogue; a probation officer to none.
    let other = app.member_of_new_agency("Andere aanbieder", AgencyKind::Provider, "olga", Role::ProviderWorker).await;
    let olga = app.session_for(&other).await;
    let (status, _) = api_call(&olga, Method::POST, "/api/v1/interventions", Some(body.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let fatima = app.session_for(&officer).await;
    assert_eq!(fatima.get("/provider/catalogue").await.status(), StatusCode::FORBIDDEN);
    let (status, _) = api_call(&fatima, Method::POST, "/api/v1/interventions", Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refusals = "audit_log WHERE what = 'intervention: add' AND action = 'denied'";
    assert_eq!(app.count(refusals).await, 2, "each refusal is on record");
    assert_eq!(app.count("intervention").await, 2);
}
