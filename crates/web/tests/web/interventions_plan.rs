//! A referral made from the plan: referring without a task puts the task on the person's plan
//! (owned by the provider, named after the intervention) in the same write, and the plan page
//! shows each referred task's status as the provider last set it, to the probation officer who
//! referred and to the Safety House's process manager on the team; a task not yet referred
//! links to the finder with `?task=`, and a referral made there fulfils that task.

use crate::support::api_call;
use crate::support::teams::referral_team;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_creates_its_plan_task_and_the_plan_shows_its_status_live() {
    let app = crate::support::app().in_english().sqlite().await;
    let team = referral_team(&app).await;
    let (officer, manager, worker, person) = (&team.officer, &team.manager, &team.worker, team.person);
    team.draft_plan(officer).await;
    let events = app.count("plan_event").await;

    // Referred without a task: the plan gains the provider's task in the same write.
    let body = json!({"person_id": person.to_string(), "intervention_id": team.entry});
    let (status, referral) = api_call(officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{referral}");
    let id = referral["id"].as_str().unwrap().to_string();
    assert_eq!(app.count("plan_event").await, events + 2, "the provider joins the plan's team, then its task");
    let (_, plan) = api_call(officer, Method::GET, &format!("/api/v1/people/{person}/plan"), None).await;
    let tasks = plan["plan"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1, "{plan}");
    assert_eq!(tasks[0]["description"], "Minder drinken");
    assert_eq!(tasks[0]["owner_agency"], team.provider.id.to_string());
    let task = tasks[0]["id"].as_str().unwrap().to_string();
    let (_, read) = api_call(officer, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!(read["task_id"].as_str(), Some(task.as_str()), "{read}");

    // Both the referrer and the process manager see the status on the plan, live.
    let plan_page = format!("/people/{person}/plan");
    for client in [officer, manager] {
        let html = client.get(&plan_page).await.text().await.unwrap();
        assert!(html.contains(&format!("href=\"/referrals/{id}\"")), "{html}");
        assert!(html.contains("<strong class=\"referral-status\">Sent</strong>"), "{html}");
    }
    let changes = format!("/api/v1/referrals/{id}/changes");
    let (status, body) = api_call(worker, Method::POST, &changes, Some(json!({"action": "accept"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for client in [officer, manager] {
        let html = client.get(&plan_page).await.text().await.unwrap();
        assert!(html.contains("<strong class=\"referral-status\">Accepted</strong>"), "{html}");
    }

    // A task typed on the plan links to the finder; referring from there fulfils it, no new task.
    let typed = json!({"description": "Schuldhulp aanvragen", "kind": "care",
        "owner_agency": team.officer_actor.agency_id.to_string(), "due": "2026-12-31"});
    let (status, typed) =
        api_call(officer, Method::POST, &format!("/api/v1/people/{person}/plan/tasks"), Some(typed)).await;
    assert_eq!(status, StatusCode::CREATED, "{typed}");
    let typed = typed["id"].as_str().unwrap().to_string();
    let html = officer.get(&plan_page).await.text().await.unwrap();
    assert!(html.contains(&format!("/people/{person}/interventions?task={typed}")), "{html}");
    let events = app.count("plan_event").await;
    let body = json!({"person_id": person.to_string(), "intervention_id": team.entry, "task_id": typed});
    let (status, second) = api_call(officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(app.count("plan_event").await, events, "the task it was made for is not added again");
    let html = officer.get(&plan_page).await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/referrals/{}\"", second["id"].as_str().unwrap())), "{html}");
}
