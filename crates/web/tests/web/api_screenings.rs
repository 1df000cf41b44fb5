//! Screenings in the JSON API (issue 18, the whole API): recorded and read through the same use
//! cases as the pages — every problem named in a 422 with nothing saved, an agency off the
//! team refused with a 403, and reads audited against the person.

use crate::support::spawn_app;
use crate::support::teams::plan_team;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const DOMAINS: [&str; 13] = [
    "finances",
    "work_and_daytime",
    "housing",
    "family_and_relationships",
    "domestic_violence",
    "mental_health",
    "physical_health",
    "addiction",
    "social_network",
    "self_care",
    "household_and_paperwork",
    "community_participation",
    "justice",
];

fn screening(housing: Value) -> Value {
    let scores: Vec<Value> = DOMAINS
        .iter()
        .map(|domain| {
            let score = if *domain == "housing" { housing.clone() } else { json!(3) };
            json!({"domain": domain, "score": score, "note": format!("note on {domain}"), "source": "interview"})
        })
        .collect();
    json!({"scores": scores})
}

#[tokio::test]
async fn screenings_are_recorded_and_read_over_the_api_as_in_the_pages() {
    let s = plan_team(spawn_app().await).await;
    let officer = s.app.session_for(&s.officer).await;
    let path = format!("/api/v1/people/{}/screenings", s.person);

    let saved = officer.api(Method::POST, &path, Some(screening(json!(1)))).await;
    assert_eq!(saved.status(), StatusCode::CREATED);
    let saved: Value = saved.json().await.unwrap();
    let housing = saved["scores"].as_array().unwrap().iter().find(|s| s["domain"] == "housing").unwrap().clone();
    assert_eq!(housing["score"], 1);
    assert_eq!(saved["scores"].as_array().unwrap().len(), 13);

    // A score off the scale: 422 naming the field, nothing saved.
    let refused = officer.api(Method::POST, &path, Some(screening(json!(7)))).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    let problem: Value = refused.json().await.unwrap();
    assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "score-housing"), "{problem}");
    assert_eq!(s.app.count("screening").await, 1);

    // Everyone on the team reads them; the read is audited against the person.
    let police = s.app.session_for(&s.constable).await;
    let list = police.api(Method::GET, &path, None).await;
    assert_eq!(list.status(), StatusCode::OK);
    let list: Value = list.json().await.unwrap();
    assert_eq!(list["screenings"].as_array().unwrap().len(), 1);
    assert_eq!(list["screenings"][0]["id"], saved["id"]);
    let trail: Value =
        police.api(Method::GET, &format!("/api/v1/people/{}/audit", s.person), None).await.json().await.unwrap();
    assert!(trail.as_array().unwrap().iter().any(|a| a["what"] == "api_screenings"), "{trail}");

    // An agency off the team is refused both ways, and nothing is added.
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(stranger.api(Method::GET, &path, None).await.status(), StatusCode::FORBIDDEN);
    let posted = stranger.api(Method::POST, &path, Some(screening(json!(2)))).await;
    assert_eq!(posted.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.app.count("screening").await, 1);
}
