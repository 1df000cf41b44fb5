//! A referral made from the plan: referring without a task puts the task on the person's plan
//! (owned by the provider, named after the intervention) in the same write, and the plan page
//! shows each referred task's status as the provider last set it, to the probation officer who
//! referred and to the Safety House's process manager on the team; a task not yet referred
//! links to the finder with `?task=`, and a referral made there fulfils that task.

use crate::support::api_call;
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_creates_its_plan_task_and_the_plan_shows_its_status_live() {
    let app = crate::support::app().in_english().sqlite().await;
    let (_, officer_actor) = app.probation_officer().await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let manager_actor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker_actor = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let person = app.person_on_team(&officer_actor, "Hoekstra", "111222333", &[&house]).await;
    let officer = app.session_for(&officer_actor).await;
    let manager = app.session_for(&manager_actor).await;
    let worker = app.session_for(&worker_actor).await;

    let entry = json!({"name": "Minder drinken", "kind": "addiction_treatment", "needs": ["addiction"],
        "outcomes": ["Sober for three months"], "capacity": 5, "sessions": 12, "duration_weeks": 12,
        "areas": ["Utrecht"]});
    let (status, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(entry)).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let drafted = officer.post_form(&format!("/people/{person}/plan"), &[]).await;
    assert_eq!(drafted.status(), StatusCode::SEE_OTHER);
    let events = app.count("plan_event").await;

    // Referred without a task: the plan gains the provider's task in the same write.
    let body = json!({"person_id": person.to_string(), "intervention_id": entry["id"]});
    let (status, referral) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{referral}");
    let id = referral["id"].as_str().unwrap().to_string();
    assert_eq!(app.count("plan_event").await, events + 2, "the provider joins the plan's team, then its task");
    let (_, plan) = api_call(&officer, Method::GET, &format!("/api/v1/people/{person}/plan"), None).await;
    let tasks = plan["plan"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{plan}");
    assert_eq!(tasks[0]["description"], "Minder drinken");
    assert_eq!(tasks[0]["owner_agency"], provider.id.to_string());
    let task = tasks[0]["id"].as_str().unwrap().to_string();
    let (_, read) = api_call(&officer, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!(read["task_id"].as_str(), Some(task.as_str()), "{read}");

    // Both the referrer and the process manager see the status on the plan, live.
    let plan_page = format!("/people/{person}/plan");
    for client in [&officer, &manager] {
        let html = client.get(&plan_page).await.text().await.unwrap();
        assert!(html.contains(&format!("href=\"/referrals/{id}\"")), "{html}");
        assert!(html.contains("<strong class=\"referral-status\">Sent</strong>"), "{html}");
    }
    let changes = format!("/api/v1/referrals/{id}/changes");
    let (status, body) = api_call(&worker, Method::POST, &changes, Some(json!({"action": "accept"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for client in [&officer, &manager] {
        let html = client.get(&plan_page).await.text().await.unwrap();
        assert!(html.contains("<strong class=\"referral-status\">Accepted</strong>"), "{html}");
    }

    // A task typed on the plan links to the finder; referring from there fulfils it, no new task.
    let typed = json!({"description": "Schuldhulp aanvragen", "kind": "care",
        "owner_agency": officer_actor.agency_id.to_string(), "due": "2026-12-31"});
    let (status, typed) =
        api_call(&officer, Method::POST, &format!("/api/v1/people/{person}/plan/tasks"), Some(typed)).await;
    assert_eq!(status, StatusCode::CREATED, "{typed}");
    let typed = typed["id"].as_str().unwrap().to_string();
    let html = officer.get(&plan_page).await.text().await.unwrap();
    assert!(html.contains(&format!("/people/{person}/interventions?task={typed}")), "{html}");
    let events = app.count("plan_event").await;
    let body = json!({"person_id": person.to_string(), "intervention_id": entry["id"], "task_id": typed});
    let (status, second) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(app.count("plan_event").await, events, "the task it was made for is not added again");
    let html = officer.get(&plan_page).await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/referrals/{}\"", second["id"].as_str().unwrap())), "{html}");
}
