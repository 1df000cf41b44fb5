//! Contracts (issue 21), on SQLite and PostgreSQL: an administrator adds a contract on the
//! `/contracts` page and through `POST /api/v1/contracts`, ends one on a day (the ending is a
//! row beside the contract: both stay), and a bad form or body names each field (422) and
//! changes nothing. A commissioner reads their own agency's contracts, without the forms, and
//! so their what-works reach follows them; anyone else is refused (403), on record.

use crate::support::{TestApp, api_call, app, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn journey(app: TestApp) {
    let office = app.agency("Functioneel beheer", AgencyKind::Municipality).await;
    let admin = app.member(&office, "beheer", &[Role::Administrator]).await;
    let gemeente = app.agency("Gemeente Amsterdam", AgencyKind::Municipality).await;
    let commissioner = app.member(&gemeente, "opdrachtgever", &[Role::Commissioner]).await;
    let elsewhere = app.agency("Gemeente Utrecht", AgencyKind::Municipality).await;
    let other_commissioner = app.member(&elsewhere, "utrecht", &[Role::Commissioner]).await;
    let shelter = app.agency("Nachtopvang De Kruisweg", AgencyKind::Provider).await;
    let debt = app.agency("Schuldhulp Amsterdam", AgencyKind::Provider).await;
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;

    // A bad form: each field named in the summary and beside it, 422, nothing saved.
    let beheer = app.session_for(&admin).await;
    let page = beheer.visit("/contracts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Er zijn nog geen contracten."), "{}", page.body);
    let bad = [
        ("commissioner_id", gemeente.id.to_string()),
        ("provider_id", gemeente.id.to_string()),
        ("intervention_id", "not-an-id".to_string()),
        ("starts_on", "2026-05-01".to_string()),
        ("ends_on", "2026-04-01".to_string()),
        ("reference", "x".repeat(201)),
    ];
    let fields: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = beheer.post_form("/contracts", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for field in ["provider_id", "intervention_id", "ends_on", "reference"] {
        assert!(html.contains(&format!("href=\"#{field}\"")), "{field} in the summary: {html}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field} beside its field");
    }
    assert!(html.contains("Aanbieder: een aanbieder kan niet zijn eigen opdrachtgever zijn"), "{html}");
    assert_eq!(app.count("commissioned_contract").await, 0);

    // The page adds a contract; the API another, with a reference.
    let form = [
        ("commissioner_id", gemeente.id.to_string()),
        ("provider_id", shelter.id.to_string()),
        ("intervention_id", String::new()),
        ("starts_on", "2021-01-01".to_string()),
        ("ends_on", String::new()),
        ("reference", "AMS-ZORG-2021-014".to_string()),
    ];
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page = beheer.submit("/contracts", &fields).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Nachtopvang De Kruisweg") && page.body.contains("AMS-ZORG-2021-014"), "{}", page.body);
    let body = json!({"commissioner_id": gemeente.id.to_string(), "provider_id": debt.id.to_string(), "starts_on": "2022-03-01"});
    let (status, created) = api_call(&beheer, Method::POST, "/api/v1/contracts", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let debt_contract = created["id"].as_str().unwrap().to_string();
    assert!(created["ends_on"].is_null() && created["intervention_id"].is_null(), "{created}");
    let body = json!({"commissioner_id": gemeente.id.to_string(), "provider_id": "nobody", "starts_on": "1 maart"});
    let (status, problem) = api_call(&beheer, Method::POST, "/api/v1/contracts", Some(body)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["provider_id", "starts_on"]);
    assert_eq!(app.count("commissioned_contract").await, 2);
    let creates = "SELECT count(*) FROM audit_log WHERE action = 'create' AND what LIKE 'admin: contract %'";
    assert_eq!(app.scalar(creates).await, 2);

    // Ending: a day before the start is refused (the page names the row's field), then it ends.
    let end_path = format!("/contracts/{debt_contract}/end");
    let response = beheer.post_form(&end_path, &[("ends_on", "2020-01-01")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("href=\"#end-{debt_contract}\"")), "{html}");
    assert!(html.contains(&format!("id=\"end-{debt_contract}-error\"")), "{html}");
    assert_eq!(app.count("commissioned_contract_end").await, 0);
    let page = beheer.submit(&end_path, &[("ends_on", "2026-06-30")]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("2026-06-30") && !page.body.contains(&end_path), "{}", page.body);
    let api_end = format!("/api/v1/contracts/{debt_contract}/end");
    let (status, problem) = api_call(&beheer, Method::POST, &api_end, Some(json!({"ends_on": "2026-07-31"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["ends_on".to_string()]));
    // History kept: the contract row as it was made, its ending beside it.
    assert_eq!(app.count("commissioned_contract").await, 2);
    assert_eq!(app.count("commissioned_contract_end").await, 1);
    let (_, list) = api_call(&beheer, Method::GET, "/api/v1/contracts", None).await;
    let ended = list.as_array().unwrap().iter().find(|c| c["id"] == debt_contract.as_str()).unwrap();
    assert_eq!(ended["ends_on"], "2026-06-30");
    assert!(ended["ended_at"].is_string(), "{ended}");
    let updates = "SELECT count(*) FROM audit_log WHERE action = 'update' AND what LIKE 'admin: end contract %'";
    assert_eq!(app.scalar(updates).await, 1);

    // The commissioner reads their own agency's contracts, without the forms; another
    // municipality's commissioner sees none of them.
    let reader = app.session_for(&commissioner).await;
    let (status, own) = api_call(&reader, Method::GET, "/api/v1/contracts", None).await;
    assert_eq!((status, own.as_array().unwrap().len()), (StatusCode::OK, 2));
    let page = reader.visit("/contracts").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Schuldhulp Amsterdam") && page.body.contains("id=\"nav-contracts\""), "{}", page.body);
    assert!(!page.body.contains("action=\"/contracts\"") && !page.body.contains("/end\""), "read only: {}", page.body);
    let (_, theirs) =
        api_call(&app.session_for(&other_commissioner).await, Method::GET, "/api/v1/contracts", None).await;
    assert_eq!(theirs.as_array().unwrap().len(), 0);
    assert!(app.store.contracted_places(*gemeente.id.as_uuid()).await.unwrap().contains(&debt.id.to_string()));

    // Refusals, each on record: a commissioner adding or ending, a probation officer reading.
    let denied = "SELECT count(*) FROM audit_log WHERE action = 'denied'";
    let before = app.scalar(denied).await;
    let body = json!({"commissioner_id": gemeente.id.to_string(), "provider_id": debt.id.to_string(), "starts_on": "2022-03-01"});
    let (status, _) = api_call(&reader, Method::POST, "/api/v1/contracts", Some(body)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = reader.post_form(&end_path, &[("ends_on", "2026-06-30")]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let stranger = app.session_for(&officer).await;
    assert_eq!(stranger.get("/contracts").await.status(), StatusCode::FORBIDDEN);
    let (status, _) = api_call(&stranger, Method::GET, "/api/v1/contracts", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar(denied).await, before + 4, "every refusal audited");
    assert_eq!(app.count("commissioned_contract").await, 2);
    assert_eq!(app.count("commissioned_contract_end").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_are_kept_by_administrators_and_read_by_their_commissioner_on_sqlite() {
    journey(app().sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contracts_are_kept_by_administrators_and_read_by_their_commissioner_on_postgres() {
    if let Some(app) = app().postgres().await {
        journey(app).await;
    }
}
