//! Help a provider completes closes the plan task it came from, walked as the roles over a
//! real server (SQLite and PostgreSQL): the Safety House's process manager refers from an
//! overdue plan task; the provider's member accepts, starts and completes the referral on
//! its page; the plan then shows the task done — "task done: referral completed" in its
//! history, by the provider — and it is off the agency's task list (page and JSON), and the
//! process manager is told. Through the API
//! (`POST /api/v1/referrals/{id}/changes`) the same; a declined referral leaves its task open
//! and tells its owner.

use crate::support::teams::{ReferralTeam, referral_team};
use crate::support::{TestApp, api_call};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The referral team (probation's person with the Safety House on the team, a provider's
/// programme in the catalogue) with the plan drafted by the Safety House's process manager.
async fn table(app: &TestApp) -> ReferralTeam {
    let t = referral_team(app).await;
    t.draft_plan(&t.manager).await;
    t
}

/// A task of the Safety House's, due in a week, put on the plan by its process manager.
async fn house_task(app: &TestApp, t: &ReferralTeam, description: &str) -> String {
    let due = app.now().to_zoned(jiff::tz::TimeZone::UTC).date().checked_add(jiff::Span::new().days(7)).unwrap();
    let task = json!({"description": description, "kind": "care",
        "owner_agency": t.manager_actor.agency_id.to_string(), "due": due.to_string()});
    let path = format!("/api/v1/people/{}/plan/tasks", t.person);
    let (status, task) = api_call(&t.manager, Method::POST, &path, Some(task)).await;
    assert_eq!(status, StatusCode::CREATED, "{task}");
    task["id"].as_str().unwrap().to_string()
}

async fn plan_task(t: &ReferralTeam, task: &str) -> Value {
    let (_, plan) = api_call(&t.manager, Method::GET, &format!("/api/v1/people/{}/plan", t.person), None).await;
    plan["plan"]["tasks"].as_array().unwrap().iter().find(|x| x["id"] == task).cloned().unwrap()
}

/// The table row of `task` on the plan page.
fn task_row<'a>(html: &'a str, task: &str) -> &'a str {
    let start = html.find(&format!("<tr id=\"task-{task}\"")).unwrap_or_else(|| panic!("no row: {html}"));
    let rest = &html[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

async fn walk(app: TestApp) {
    let mut t = table(&app).await;
    let task = house_task(&app, &t, "Behandeling alcohol regelen").await;
    // Ten days on, the task is overdue on the Safety House's list and on the plan (both sign
    // in again: a session lasts a working day).
    app.clock.advance(jiff::SignedDuration::from_hours(24 * 10));
    t.manager = app.session_for(&t.manager_actor).await;
    t.worker = app.session_for(&t.worker_actor).await;
    let list = t.manager.get("/tasks/agency").await.text().await.unwrap();
    assert!(list.contains("Behandeling alcohol regelen") && list.contains("3 days overdue"), "{list}");

    // The process manager refers from the task, as the finder's form does.
    let referred = t
        .manager
        .post_form(&format!("/people/{}/referrals", t.person), &[("intervention_id", &t.entry), ("task", &task)])
        .await;
    assert_eq!(referred.status(), StatusCode::SEE_OTHER);
    let at = referred.headers()["location"].to_str().unwrap().to_string();
    let id = at.trim_start_matches("/referrals/").to_string();
    let plan_page = format!("/people/{}/plan", t.person);
    let html = t.manager.get(&plan_page).await.text().await.unwrap();
    let row = task_row(&html, &task);
    assert!(
        row.contains("<strong class=\"referral-status\">Sent</strong>") && row.contains("class=\"overdue\""),
        "{row}"
    );

    // The provider's member works it on the referral's page: accept, start, complete.
    let changes = format!("/referrals/{id}/changes");
    for (action, seen) in [("accept", "sent"), ("start", "accepted")] {
        let done = t.worker.post_form(&changes, &[("action", action), ("seen_status", seen)]).await;
        assert_eq!(done.status(), StatusCode::SEE_OTHER, "{action}");
    }
    let page = t.worker.get(&at).await.text().await.unwrap();
    assert!(page.contains("name=\"achievements\""), "the completion form: {page}");
    let complete = [
        ("action", "complete"),
        ("seen_status", "started"),
        ("achievements", "achieved"),
        ("text", "Drie maanden zonder alcohol"),
    ];
    let done = t.worker.post_form(&changes, &complete).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    // The plan: the task done, its referral completed, the history saying how, by whom.
    let html = t.manager.get(&plan_page).await.text().await.unwrap();
    let row = task_row(&html, &task);
    assert!(row.contains("<strong class=\"referral-status\">Completed</strong>"), "{row}");
    assert!(row.contains("Done") && !row.contains("class=\"overdue\""), "{row}");
    assert!(html.contains("Verslavingszorg Midden: task done: referral completed"), "{html}");
    assert_eq!(plan_task(&t, &task).await["status"], "done");
    // Off the lists: the agency's tasks and the weekly review's overdue count.
    let list = t.manager.get("/tasks/agency").await.text().await.unwrap();
    assert!(!list.contains("Behandeling alcohol regelen"), "{list}");
    let (status, lines) = api_call(&t.manager, Method::GET, "/api/v1/tasks/agency", None).await;
    assert_eq!((status, lines.as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{lines}");
    // The Safety House owns the task: its process manager is told, in words.
    let told = t.manager.get("/notifications").await.text().await.unwrap();
    assert!(
        told.contains("The task “Behandeling alcohol regelen” on the plan of")
            && told.contains("is done: the provider completed “Minder drinken”."),
        "{told}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_referral_closes_its_plan_task_walked_as_the_roles_on_sqlite() {
    walk(crate::support::app().in_english().sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_completed_referral_closes_its_plan_task_walked_as_the_roles_on_postgres() {
    let Some(app) = crate::support::app().in_english().postgres().await else { return };
    walk(app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_completion_closes_the_task_and_a_declined_one_stays_open_with_its_owner_told() {
    let app = crate::support::app().in_english().sqlite().await;
    let t = table(&app).await;
    let done_task = house_task(&app, &t, "Behandeling alcohol regelen").await;
    let open_task = house_task(&app, &t, "Schuldhulp regelen").await;
    let refer = |task: &str| json!({"person_id": t.person.to_string(), "intervention_id": t.entry, "task_id": task});
    let (status, first) = api_call(&t.manager, Method::POST, "/api/v1/referrals", Some(refer(&done_task))).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, second) = api_call(&t.manager, Method::POST, "/api/v1/referrals", Some(refer(&open_task))).await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let changes = |r: &Value| format!("/api/v1/referrals/{}/changes", r["id"].as_str().unwrap());

    for action in ["accept", "start"] {
        let (status, body) = api_call(&t.worker, Method::POST, &changes(&first), Some(json!({"action": action}))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // A completion without its report is refused and changes nothing, the task included.
    let (status, body) = api_call(&t.worker, Method::POST, &changes(&first), Some(json!({"action": "complete"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(plan_task(&t, &done_task).await["status"], "open");
    let complete = json!({"action": "complete", "achievements": ["achieved"], "text": "Programme finished"});
    let (status, body) = api_call(&t.worker, Method::POST, &changes(&first), Some(complete)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "completed", "{body}");
    assert_eq!(plan_task(&t, &done_task).await["status"], "done");
    // The same completion again: the referral has ended, nothing more changes.
    let again = json!({"action": "complete", "achievements": ["achieved"], "text": "again"});
    let (status, _) = api_call(&t.worker, Method::POST, &changes(&first), Some(again)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Declined: the task stays open, the referral's status on it, and its owner is told why.
    let decline = json!({"action": "decline", "reason": "no_capacity"});
    let (status, body) = api_call(&t.worker, Method::POST, &changes(&second), Some(decline)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(plan_task(&t, &open_task).await["status"], "open");
    let html = t.manager.get(&format!("/people/{}/plan", t.person)).await.text().await.unwrap();
    assert!(task_row(&html, &open_task).contains("<strong class=\"referral-status\">Declined</strong>"), "{html}");
    let (status, notices) = api_call(&t.manager, Method::GET, "/api/v1/notifications", None).await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> =
        notices["notifications"].as_array().unwrap().iter().filter_map(|n| n["kind"].as_str()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "plan.task.referral_ended").count(), 2, "{notices}");
    let told = t.manager.get("/notifications").await.text().await.unwrap();
    assert!(
        told.contains(
            "ended: Declined (No capacity). The task stays open: refer elsewhere or cancel it with a reason."
        ),
        "{told}"
    );
}
