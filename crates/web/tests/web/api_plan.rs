//! The plan API over a real server, on SQLite and PostgreSQL: reading a person's plan, adding a
//! task, changing its status, progress notes, "my tasks" and "my agency's tasks" with due and
//! overdue; bad input is problem JSON 422 and changes nothing; an agency off the person's team
//! gets a 403; entries restricted to some agencies are hidden from the others.

use crate::support;
use crate::support::teams::{PlanTeam, plan_team};
use crate::support::{api_call, problem_fields};
use domain::directory::Agency;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn journey(t: PlanTeam) {
    let plan_path = format!("/api/v1/people/{}/plan", t.person);
    let officer = t.app.session_for(&t.officer).await;
    let constable = t.app.session_for(&t.constable).await;
    let clerk = t.app.session_for(&t.clerk).await;
    let stranger = t.app.session_for(&t.stranger).await;

    let (status, file) = api_call(&officer, Method::GET, &plan_path, None).await;
    assert_eq!((status, &file["plan"]), (StatusCode::OK, &Value::Null), "no plan yet");
    let drafted = officer.post_form(&format!("/people/{}/plan", t.person), &[]).await;
    assert_eq!(drafted.status(), StatusCode::SEE_OTHER);

    let task = |owner: &Agency, due: &str| {
        json!({"description": "Aanmelden bij de schuldhulp", "kind": "care",
               "owner_agency": owner.id.to_string(), "due": due})
    };
    let (status, created) =
        api_call(&officer, Method::POST, &format!("{plan_path}/tasks"), Some(task(&t.municipality, "2026-11-29")))
            .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let task_id = created["id"].as_str().unwrap().to_string();
    assert_eq!(
        (created["status"].as_str(), created["owner_agency"].as_str()),
        (Some("open"), Some(t.municipality.id.to_string().as_str()))
    );

    // Bad input: problem JSON 422, and the plan does not change.
    let events = t.app.count("plan_event").await;
    let (status, problem) =
        api_call(&officer, Method::POST, &format!("{plan_path}/tasks"), Some(task(&t.outsider, "2026-11-29"))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["owner".to_string()]));
    let (status, problem) = api_call(
        &officer,
        Method::POST,
        &format!("{plan_path}/tasks"),
        Some(json!({"kind": "chores", "due": "tomorrow"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), vec!["kind", "owner", "due"]);
    let (status, problem) =
        api_call(&officer, Method::POST, &format!("{plan_path}/tasks"), Some(task(&t.police, "2026-01-01"))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["due".to_string()]));
    let (status, _) =
        api_call(&officer, Method::POST, &format!("{plan_path}/tasks"), Some(json!("not an object"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.app.count("plan_event").await, events, "refused input saved nothing");

    // An agency off the person's team: 403, and nothing changes.
    let (status, _) = api_call(&stranger, Method::GET, &plan_path, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        api_call(&stranger, Method::POST, &format!("{plan_path}/tasks"), Some(task(&t.outsider, "2026-11-29"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) =
        api_call(&stranger, Method::POST, &format!("{plan_path}/notes"), Some(json!({"text": "hallo"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(t.app.count("plan_event").await, events);

    // My agency's tasks, due soon; a week later overdue.
    let (status, lines) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(lines.as_array().unwrap().len(), 1);
    assert_eq!(
        (lines[0]["urgency"].as_str(), lines[0]["person_name"].as_str()),
        (Some("due_soon"), Some("Jan De Boer"))
    );
    let (_, overdue) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency?urgency=overdue", None).await;
    assert_eq!(overdue.as_array().unwrap().len(), 0);
    let (_, none) = api_call(&constable, Method::GET, "/api/v1/tasks/agency", None).await;
    assert_eq!(none.as_array().unwrap().len(), 0, "the police own no task");
    let (status, _) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency?urgency=someday", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency?page=0", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, beyond) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency?page=2", None).await;
    assert_eq!(beyond.as_array().unwrap().len(), 0, "one page of tasks");
    t.app.clock.advance(jiff::SignedDuration::from_hours(24 * 10));
    let clerk = t.app.session_for(&t.clerk).await;
    let (_, overdue) = api_call(&clerk, Method::GET, "/api/v1/tasks/agency?urgency=overdue", None).await;
    assert_eq!((overdue[0]["urgency"].as_str(), overdue[0]["days"].as_i64()), (Some("overdue"), Some(3)));

    // My tasks: a task for one named member of the agency.
    let named = json!({"description": "Huisbezoek", "kind": "care", "owner_agency": t.municipality.id.to_string(),
                       "owner_member": t.clerk.member_id.to_string(), "due": "2026-12-20"});
    let officer = t.app.session_for(&t.officer).await;
    let (status, _) = api_call(&officer, Method::POST, &format!("{plan_path}/tasks"), Some(named)).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, mine) = api_call(&clerk, Method::GET, "/api/v1/tasks/mine", None).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["task"]["description"], "Huisbezoek");

    // Status changes: only the owner (or a plan manager); cancelling needs a reason.
    let status_path = format!("{plan_path}/tasks/{task_id}/status");
    let constable = t.app.session_for(&t.constable).await;
    let (status, problem) = api_call(&constable, Method::POST, &status_path, Some(json!({"status": "done"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["task".to_string()]));
    let (status, problem) = api_call(&clerk, Method::POST, &status_path, Some(json!({"status": "cancelled"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    let (status, changed) = api_call(&clerk, Method::POST, &status_path, Some(json!({"status": "in_progress"}))).await;
    assert_eq!((status, changed["status"].as_str()), (StatusCode::OK, Some("in_progress")));

    // Progress notes, one restricted to police and probation.
    let notes = format!("{plan_path}/notes");
    let (status, problem) = api_call(&constable, Method::POST, &notes, Some(json!({"text": "  "}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["text".to_string()]));
    let only_probation = json!({"text": "Melding huiselijk geweld", "restricted_to": [t.probation.id.to_string()]});
    let (status, problem) = api_call(&constable, Method::POST, &notes, Some(only_probation)).await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["restricted_to".to_string()])
    );
    let restricted = json!({"task": task_id, "text": "Melding huiselijk geweld",
                            "restricted_to": [t.probation.id.to_string(), t.police.id.to_string()]});
    let (status, note) = api_call(&constable, Method::POST, &notes, Some(restricted)).await;
    assert_eq!((status, note["restricted_to"].as_array().map(Vec::len)), (StatusCode::CREATED, Some(2)));
    let (status, _) = api_call(&clerk, Method::POST, &notes, Some(json!({"text": "Schuldhulp gestart"}))).await;
    assert_eq!(status, StatusCode::CREATED);

    let (_, seen_by_officer) = api_call(&officer, Method::GET, &plan_path, None).await;
    assert_eq!(seen_by_officer["plan"]["notes"].as_array().unwrap().len(), 2);
    let (_, seen_by_clerk) = api_call(&clerk, Method::GET, &plan_path, None).await;
    let texts: Vec<&str> =
        seen_by_clerk["plan"]["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["Schuldhulp gestart"], "the municipality is outside the restriction");
    assert_eq!(seen_by_clerk["plan"]["tasks"].as_array().unwrap().len(), 2);

    let reads = t.app.count("audit_log WHERE what = 'api: plan'").await;
    assert_eq!(reads, 4, "every plan read through the API is audited, refused ones included");
    let restricted_writes =
        t.app.count("audit_log WHERE what = 'plan: progress note restricted to some agencies'").await;
    assert_eq!(restricted_writes, 1);

    let openapi: Value = reqwest::get(t.app.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    for path in ["/api/v1/people/{id}/plan", "/api/v1/tasks/agency", "/api/v1/people/{id}/plan/tasks/{task}/status"] {
        assert!(openapi["paths"][path].is_object(), "{path} is in the OpenAPI document");
    }
}

#[tokio::test]
async fn plan_api_on_sqlite() {
    journey(plan_team(support::spawn_app().await).await).await;
}

#[tokio::test]
async fn plan_api_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(plan_team(app).await).await;
}
