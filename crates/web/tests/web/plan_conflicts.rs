//! Several members changing one plan at once (issue 16, item 6), over a real server on SQLite
//! and PostgreSQL: notes posted at the same moment are all kept; a task's status set from a
//! status someone else changed meanwhile is a 409 — the page again with what the member typed
//! and what the status is now, problem JSON in the API — and nothing is written; so is a
//! decision on the plan taken in a status that changed meanwhile.

use crate::support::teams::{PlanTeam, plan_team};
use crate::support::{TestApp, api_call, input_value, problem_fields};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// The id of the plan's task whose description starts with `start`, from the API.
async fn task_id(t: &PlanTeam, start: &str) -> String {
    let officer = t.app.session_for(&t.officer).await;
    let (_, file) = api_call(&officer, Method::GET, &format!("/api/v1/people/{}/plan", t.person), None).await;
    let tasks = file["plan"]["tasks"].as_array().unwrap();
    let task = tasks.iter().find(|task| task["description"].as_str().unwrap().starts_with(start)).unwrap();
    task["id"].as_str().unwrap().to_string()
}

async fn task_status(t: &PlanTeam, id: &str) -> String {
    let officer = t.app.session_for(&t.officer).await;
    let (_, file) = api_call(&officer, Method::GET, &format!("/api/v1/people/{}/plan", t.person), None).await;
    let tasks = file["plan"]["tasks"].as_array().unwrap();
    tasks.iter().find(|task| task["id"] == id).unwrap()["status"].as_str().unwrap().to_string()
}

async fn journey(t: PlanTeam) {
    let (officer, plan) = t.active_plan().await;
    let clerk = t.app.session_for(&t.clerk).await;
    let constable = t.app.session_for(&t.constable).await;

    // Twenty notes posted at the same moment by three members: every one is kept.
    let before = t.app.count("plan_event").await;
    let notes = format!("{plan}/notes");
    let mut posts = Vec::new();
    for i in 0..20 {
        let client = t.app.session_for([&t.officer, &t.clerk, &t.constable][i % 3]).await;
        let notes = notes.clone();
        posts.push(tokio::spawn(async move {
            let text = format!("Notitie {i} over de voortgang");
            client.post_form(&notes, &[("text", text.as_str())]).await.status()
        }));
    }
    for post in posts {
        assert_eq!(post.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(t.app.count("plan_event").await, before + 20);
    let page = officer.get(&plan).await.text().await.unwrap();
    assert!((0..20).all(|i| page.contains(&format!("Notitie {i} over de voortgang"))), "every note on the plan");

    // The municipality's task as the clerk sees it: open. The plan's manager sets it in
    // progress first; the clerk's cancellation, decided on "open", is a conflict.
    let task = task_id(&t, "Kamer zoeken").await;
    let shown = clerk.get(&plan).await.text().await.unwrap();
    assert_eq!(input_value(&shown, "seen_status"), "open", "the form sends back the status it showed");
    let started = [("task", task.as_str()), ("seen_status", "open"), ("status", "in_progress"), ("reason", "")];
    assert_eq!(officer.post_form(&format!("{plan}/task-status"), &started).await.status(), StatusCode::SEE_OTHER);
    let events = t.app.count("plan_event").await;
    let cancel = [
        ("task", task.as_str()),
        ("seen_status", "open"),
        ("status", "cancelled"),
        ("reason", "Geen woning beschikbaar in de regio"),
    ];
    let response = clerk.post_form(&format!("{plan}/task-status"), &cancel).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Iemand anders heeft de status van deze taak intussen gewijzigd: die is nu ‘bezig’"),
        "{html}"
    );
    assert!(html.contains("value=\"Geen woning beschikbaar in de regio\""), "the reason typed is kept");
    assert!(html.contains("<option value=\"cancelled\" selected>"), "the status chosen is kept");
    assert!(html.contains("name=\"seen_status\" value=\"in_progress\""), "the form now shows the status as it is");
    assert_eq!(t.app.count("plan_event").await, events, "nothing was written");
    assert_eq!(task_status(&t, &task).await, "in_progress");
    // Decided again on the status as it is now, it is written.
    let mut again = cancel;
    again[1] = ("seen_status", "in_progress");
    assert_eq!(clerk.post_form(&format!("{plan}/task-status"), &again).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(task_status(&t, &task).await, "cancelled");

    // The API: the same, as problem JSON; without `seen_status` a change applies as it is.
    let police_task = task_id(&t, "Gebiedsverbod").await;
    let path = format!("/api/v1/people/{}/plan/tasks/{police_task}/status", t.person);
    let (status, changed) =
        api_call(&constable, Method::POST, &path, Some(json!({"status": "in_progress", "seen_status": "open"}))).await;
    assert_eq!((status, changed["status"].as_str()), (StatusCode::OK, Some("in_progress")));
    let events = t.app.count("plan_event").await;
    let (status, problem) =
        api_call(&constable, Method::POST, &path, Some(json!({"status": "done", "seen_status": "open"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["status"], 409);
    assert_eq!(problem_fields(&problem), vec!["status".to_string()]);
    assert_eq!(problem["errors"][0]["code"], "error.plan.task_changed.in_progress");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("bezig"), "{problem}");
    assert_eq!(t.app.count("plan_event").await, events, "nothing was written");
    let (status, _) = api_call(&constable, Method::POST, &path, Some(json!({"status": "done"}))).await;
    assert_eq!(status, StatusCode::OK);

    // A decision on the plan, taken while it was active, after someone started its
    // re-evaluation: a conflict, with the reason typed kept.
    let shown = officer.get(&plan).await.text().await.unwrap();
    assert_eq!(input_value(&shown, "seen_plan_status"), "active");
    let start = [("seen_plan_status", "active"), ("decision", "start")];
    assert_eq!(officer.post_form(&format!("{plan}/re-evaluation"), &start).await.status(), StatusCode::SEE_OTHER);
    let back = [("seen_plan_status", "active"), ("decision", "return"), ("reason", "Nieuw feit gepleegd")];
    let response = officer.post_form(&format!("{plan}/re-evaluation"), &back).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains("het plan is nu in herbeoordeling"), "{html}");
    assert!(html.contains("Nieuw feit gepleegd</textarea>"), "the reason typed is kept");
    let (_, file) = api_call(&officer, Method::GET, &format!("/api/v1/people/{}/plan", t.person), None).await;
    assert_eq!(file["plan"]["status"], "under_re_evaluation");
}

async fn on(app: TestApp) {
    journey(plan_team(app).await).await;
}

#[tokio::test]
async fn plan_changes_at_once_on_sqlite() {
    on(crate::support::spawn_app().await).await;
}

#[tokio::test]
async fn plan_changes_at_once_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    on(app).await;
}
