//! Issue 21: holding the weekly review is a record of the plan — who, when, which plan, what it
//! concluded — on the plan page and through the API, on SQLite and PostgreSQL; bad input is a
//! 422 naming the field and changes nothing; an agency off the team gets a 403; the history and
//! the public value report's plan records have each review.

use crate::support;
use crate::support::api_call;
use crate::support::teams::{PlanTeam, plan_team};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn journey(t: PlanTeam) {
    let (officer, plan) = t.active_plan().await;
    let review = format!("{plan}/review");

    // No outcome chosen: the form comes back with the error summary naming it; nothing saved.
    let events = t.app.count("plan_event").await;
    let refused = officer.post_form(&review, &[("review_outcome", ""), ("review_note", "")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("Kies de uitkomst van de wekelijkse bespreking"), "the summary names the outcome");
    assert!(html.contains("href=\"#review_outcome\""), "the summary links to the field");
    let long = "x".repeat(20_000);
    let refused = officer.post_form(&review, &[("review_outcome", "on_track"), ("review_note", &long)]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.app.count("plan_event").await, events, "refused reviews saved nothing");

    // Held: the plan page says when, what and by which agency; the history has the row.
    let held = [("review_outcome", "adjusted"), ("review_note", "Kamer zoeken een week later")];
    assert_eq!(officer.post_form(&review, &held).await.status(), StatusCode::SEE_OTHER);
    let html = officer.get(&plan).await.text().await.unwrap();
    assert!(html.contains("Laatste wekelijkse bespreking: 2026-"), "{html}");
    assert!(html.contains("bijgesteld: taken of doelen zijn aangepast"));
    assert!(html.contains("Kamer zoeken een week later"));
    assert!(html.contains("wekelijkse bespreking gehouden"), "the history names the review");
    let weekly = officer.get("/reviews/weekly").await.text().await.unwrap();
    assert!(weekly.contains("bijgesteld"), "the weekly review list shows the last review");

    // The API: unknown outcome 422 naming the field; an agency off the team 403; held 201.
    let api = format!("/api/v1/people/{}/plan/reviews", t.person);
    let (status, problem) = api_call(&officer, Method::POST, &api, Some(json!({"outcome": "fine"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(support::problem_fields(&problem), vec!["review_outcome".to_string()]);
    let stranger = t.app.session_for(&t.stranger).await;
    let (status, _) = api_call(&stranger, Method::POST, &api, Some(json!({"outcome": "on_track"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = api_call(&officer, Method::POST, &api, Some(json!({"outcome": "on_track"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["outcome"], "on_track");
    assert_eq!(body["by"], t.officer.member_id.to_string());
    assert_eq!(body["agency"], t.probation.id.to_string());

    let held = t.app.count("plan_event WHERE kind = 'record_review'").await;
    assert_eq!(held, 2, "each review is a row of the plan's history");
    let audited = t.app.count("audit_log WHERE what = 'plan: weekly review held'").await;
    assert!(audited >= 2, "each review is audited: {audited}");
    let records = t.app.store.plan_records().await.unwrap();
    let reviews: Vec<_> = records.iter().flat_map(|r| r.reviews.clone()).collect();
    assert_eq!(reviews.len(), 2, "the public value report reads every review: {records:?}");
}

#[tokio::test]
async fn weekly_reviews_are_records_on_sqlite() {
    journey(plan_team(support::spawn_app().await).await).await;
}

#[tokio::test]
async fn weekly_reviews_are_records_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(plan_team(app).await).await;
}
