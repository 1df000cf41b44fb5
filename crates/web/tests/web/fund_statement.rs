//! The person's fund statement after the walk of issue 20, on SQLite and PostgreSQL: what
//! happened is listed in the order it happened, also where transfers were recorded in another
//! order than they are dated (servers whose clocks differ, a history dated by whoever recorded
//! it); and the statement addresses the person in one register — formal in Dutch and Italian,
//! its own choices as much as its introduction.

use crate::support;
use crate::support::{TestApp, api_call};
use domain::Clock;
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn commit(person: &str, what: &str, choice: &str) -> serde_json::Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "commit", "person_id": person, "amount_cents": 1_500,
        "description": what, "goal": "Een eigen kamer", "choice": choice, "choice_reason": "Dichtbij"})
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let person = app.person(&officer, "Bakker", "123456782").await.to_string();
    let client = app.session_for(&officer).await;
    let new_fund = json!({"name": "Volwassenen", "kind": "stream", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 50_000});
    let (_, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    let transfers = format!("/api/v1/funds/{}/transfers", fund["id"].as_str().unwrap());
    let allocate = json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "allocate", "person_id": person,
        "amount_cents": 40_000, "description": "Persoonlijk budget"});
    assert_eq!(api_call(&client, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);

    // Recorded first, dated a quarter of an hour later than the next one.
    let now = app.clock.now();
    app.clock.set(now + jiff::SignedDuration::from_mins(20));
    let (status, later) =
        api_call(&client, Method::POST, &transfers, Some(commit(&person, "Fiets", "Een fiets"))).await;
    assert_eq!(status, StatusCode::CREATED, "{later}");
    app.clock.set(now + jiff::SignedDuration::from_mins(5));
    let (status, earlier) =
        api_call(&client, Method::POST, &transfers, Some(commit(&person, "Borg kamer", "Een kamer"))).await;
    assert_eq!(status, StatusCode::CREATED, "{earlier}");

    let page = client.visit(&format!("/people/{person}/fund")).await;
    let (borg, fiets) = (page.body.find("Borg kamer").unwrap(), page.body.find("Fiets").unwrap());
    assert!(borg < fiets, "the earlier purchase is listed first: {}", page.body);
    let (_, api) = api_call(&client, Method::GET, &format!("/api/v1/people/{person}/fund"), None).await;
    let listed: Vec<&str> =
        api["transfers"].as_array().unwrap().iter().map(|t| t["description"].as_str().unwrap()).collect();
    assert_eq!(listed, ["Persoonlijk budget", "Borg kamer", "Fiets"], "{api}");

    // One register: "uw doelen" above, "u koos" in the person's own choices.
    assert!(page.body.contains("voor uw doelen") && page.body.contains("Wat u zelf koos"), "{}", page.body);
    for informal in ["Je koos", "je eigen keuzes", "Wat je zelf"] {
        assert!(!page.body.contains(informal), "{informal}: {}", page.body);
    }
    // The same keys in Italian: the formal "Lei" throughout.
    let italian = web::i18n::Texts::new(web::i18n::Lang::It);
    let words: Vec<&str> =
        ["funds.statement.intro", "funds.statement.choices", "funds.statement.choices_intro", "funds.statement.chose"]
            .into_iter()
            .map(|key| italian.get(key))
            .collect();
    assert_eq!(
        words,
        [
            "Questo è il denaro per i suoi obiettivi: quanto resta e cosa ha comprato.",
            "Che cosa ha scelto e perché",
            "Queste sono le sue scelte, come ce le ha raccontate.",
            "Ha scelto"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statement_lists_what_happened_in_time_order_in_one_register_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statement_lists_what_happened_in_time_order_in_one_register_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
