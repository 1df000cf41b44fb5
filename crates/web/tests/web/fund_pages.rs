//! The fund pages' forms and tables (issue 20, funds3 branch), on SQLite and PostgreSQL: a
//! refusal on one open commitment's form is shown on that row only, its summary links leading
//! to that row's inputs; the keeper's form names every invalid field at once, the missing goal
//! among them; a grant pot lists the project groups it funded instead of an empty people table,
//! and a fund nobody had money from yet says so.

use crate::support;
use crate::support::{TestApp, api_call};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The `href`s of the error summary's links.
fn summary_links(html: &str) -> Vec<String> {
    let Some(from) = html.find("class=\"error-summary\"") else { return Vec::new() };
    let summary = &html[from..from + html[from..].find("</div>").unwrap()];
    summary.split("href=\"#").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering Den Haag", AgencyKind::Probation).await;
    let house = app.agency("Zorg- en Veiligheidshuis Haaglanden", AgencyKind::SafetyHouse).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let manager = app.member(&house, "procesregisseur", &[Role::ProcessManager]).await;
    let person = app.person_on_team(&officer, "Hoekstra", "111222333", &[&house]).await;
    let without_plan = app.person(&officer, "Bakker", "123456782").await;
    let client = app.session_for(&officer).await;
    let noor = app.session_for(&manager).await;
    let plan = format!("/api/v1/people/{person}/plan");
    assert_eq!(api_call(&noor, Method::POST, &plan, None).await.0, StatusCode::CREATED);
    let goal = json!({"domain": "housing", "in_own_words": "Een eigen kamer", "agreed_by_person": true});
    assert_eq!(api_call(&noor, Method::POST, &format!("{plan}/goals"), Some(goal)).await.0, StatusCode::CREATED);

    let new_fund = json!({"name": "Volwassenen", "kind": "stream", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 50_000});
    let (_, fund) = api_call(&client, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    let fund_id = fund["id"].as_str().unwrap().to_string();
    // Before anyone has money from it, the fund's page says so instead of an empty table.
    let page = client.visit(&format!("/funds/{fund_id}")).await;
    assert!(page.body.contains("id=\"fund-nobody\"") && !page.body.contains("id=\"fund-people\""), "{}", page.body);
    let transfers = format!("/api/v1/funds/{fund_id}/transfers");
    for who in [person, without_plan] {
        let allocate = json!({"id": uuid(), "kind": "allocate", "person_id": who.to_string(), "amount_cents": 40_000,
            "description": "Persoonlijk budget"});
        assert_eq!(api_call(&client, Method::POST, &transfers, Some(allocate)).await.0, StatusCode::CREATED);
    }

    // The keeper's form: amount, description and goal all missing are named at once.
    for (who, goal_field) in [(person, "fund_transfer-goal_id"), (without_plan, "fund_transfer-goal")] {
        let id = uuid();
        let fields =
            [("transfer_id", id.as_str()), ("fund", &fund_id), ("kind", "commit"), ("amount", ""), ("description", "")];
        let response = client.post_form(&format!("/people/{who}/fund/transfers"), &fields).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = response.text().await.unwrap();
        let mut links = summary_links(&body);
        links.sort();
        let mut expected = vec!["fund_transfer-amount_cents", "fund_transfer-description", goal_field];
        expected.sort();
        assert_eq!(links, expected, "{body}");
        for anchor in &links {
            assert!(body.contains(&format!("id=\"{anchor}\"")), "the link {anchor} leads to an input");
        }
        // Each line names its field.
        assert!(body.contains("Bedrag: ") || body.contains("Amount: "), "{body}");
    }

    // Two open commitments: a post without the invoice on the second shows on the second only.
    let mut open = Vec::new();
    for what in ["Fiets", "Borg kamer"] {
        let commit = json!({"id": uuid(), "kind": "commit", "person_id": person.to_string(), "amount_cents": 2_000,
            "description": what, "goal": "Een eigen kamer"});
        let (status, commit) = api_call(&client, Method::POST, &transfers, Some(commit)).await;
        assert_eq!(status, StatusCode::CREATED, "{commit}");
        open.push(commit["id"].as_str().unwrap().to_string());
    }
    let before = app.count("fund_transfer").await;
    let post = [("action", "post"), ("transfer_id", &uuid()), ("invoice_ref", ""), ("amount", "twaalf")];
    let response = client.post_form(&format!("/funds/{fund_id}/commitments/{}", open[1]), &post).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert_eq!(app.count("fund_transfer").await, before, "nothing recorded");
    let mut links = summary_links(&body);
    links.sort();
    let row = |field: &str| format!("commitment-{}-{field}", open[1]);
    assert_eq!(links, vec![row("amount_cents"), row("invoice_ref")], "both named at once: {body}");
    for anchor in &links {
        assert!(body.contains(&format!("id=\"{anchor}\"")), "the link {anchor} leads to the row's input");
        assert!(body.contains(&format!("id=\"{anchor}-error\"")), "the error beside it");
    }
    for field in ["amount_cents", "invoice_ref"] {
        assert!(!body.contains(&format!("id=\"commitment-{}-{field}-error\"", open[0])), "not on the other row");
    }
    assert_eq!(body.matches("class=\"field-error\"").count(), 2, "{body}");
    assert!(body.contains("value=\"twaalf\""), "what was typed is kept in its row");
    // The money right, the invoice missing: that one named, on that row.
    let post = [("action", "post"), ("transfer_id", &uuid()), ("invoice_ref", ""), ("amount", "")];
    let body =
        client.post_form(&format!("/funds/{fund_id}/commitments/{}", open[1]), &post).await.text().await.unwrap();
    assert_eq!(summary_links(&body), vec![format!("commitment-{}-invoice_ref", open[1])], "{body}");
    assert_eq!(body.matches("class=\"field-error\"").count(), 1, "{body}");

    // A grant pot: the groups it funded, no empty people table.
    let pot = json!({"name": "Samen maken", "kind": "grant_pot", "stream": "projects", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 50_000});
    let (_, pot) = api_call(&client, Method::POST, "/api/v1/funds", Some(pot)).await;
    let pot_id = pot["id"].as_str().unwrap().to_string();
    let group_id = crate::fund_goals::garden_group(&client, &[person.to_string(), without_plan.to_string()]).await;
    let page = client.visit(&format!("/funds/{pot_id}")).await;
    assert!(page.body.contains("id=\"fund-nobody\""), "{}", page.body);
    let grant = json!({"id": uuid(), "kind": "grant", "group_id": group_id, "amount_cents": 30_000,
        "description": "Zaad en gereedschap", "goal": "Samen iets opbouwen"});
    let (status, grant) =
        api_call(&client, Method::POST, &format!("/api/v1/funds/{pot_id}/transfers"), Some(grant)).await;
    assert_eq!(status, StatusCode::CREATED, "{grant}");
    let page = client.visit(&format!("/funds/{pot_id}")).await;
    assert!(page.body.contains("id=\"fund-groups\"") && page.body.contains("Moestuin Laakkwartier"), "{}", page.body);
    assert!(!page.body.contains("id=\"fund-people\"") && !page.body.contains("id=\"fund-nobody\""), "{}", page.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_pages_scope_errors_and_list_what_was_funded_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fund_pages_scope_errors_and_list_what_was_funded_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
