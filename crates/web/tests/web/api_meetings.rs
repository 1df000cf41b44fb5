//! The triage list and case conference meetings in the JSON API (issue 18, the whole API): a meeting planned and
//! filled in the pages reads the same over `/api/v1/meetings`, with need-to-know — an agency
//! off the person's team does not see (or count) the person on the agenda.

use crate::support::spawn_app;
use crate::support::teams::conference_team;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn meetings_and_their_agenda_read_over_the_api_with_need_to_know() {
    let s = conference_team(spawn_app().await).await;
    let officer = s.app.session_for(&s.officer).await;
    let manager = s.app.session_for(&s.manager).await;
    let police = s.app.session_for(&s.constable).await;
    let stranger = s.app.session_for(&s.stranger).await;
    let (probation, police_id) = (s.probation.id.to_string(), s.police.id.to_string());
    // A request over the API: without a reason refused with the field named, nothing filed.
    let requests = format!("/api/v1/people/{}/conference-requests", s.person);
    let body = |reason: &str| json!({"reason": reason, "goal": "one plan: housing, health, area ban", "invited": [police_id, probation]});
    let empty = officer.api(Method::POST, &requests, Some(body(" "))).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = empty.json().await.unwrap();
    assert!(problem["errors"].as_array().unwrap().iter().any(|e| e["field"] == "reason"), "{problem}");
    assert_eq!(s.app.count("conference_request").await, 0);
    let filed = officer.api(Method::POST, &requests, Some(body("keeps shoplifting alcohol, no home"))).await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let filed: Value = filed.json().await.unwrap();
    assert_eq!(
        (filed["status"].as_str(), filed["person_id"].as_str()),
        (Some("requested"), Some(&*s.person.to_string()))
    );
    let refused = stranger.api(Method::POST, &requests, Some(body("not our person"))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(s.app.count("conference_request").await, 1);
    // The triage list over the API: the process manager sees the request; a probation officer
    // has no triage list.
    let listed: Value = manager.api(Method::GET, "/api/v1/triage", None).await.json().await.unwrap();
    let first = &listed["requests"][0];
    assert_eq!(
        (first["person_id"].as_str(), first["status"].as_str()),
        (Some(&*s.person.to_string()), Some("requested"))
    );
    assert_eq!(first["requested_by_agency"], probation.as_str());
    assert_eq!(first["id"], filed["id"]);
    assert_eq!(officer.api(Method::GET, "/api/v1/triage", None).await.status(), StatusCode::FORBIDDEN);
    let triage = manager.get("/triage").await.text().await.unwrap();
    let start = triage.find("action=\"/triage/").unwrap() + "action=\"/triage/".len();
    let request = triage[start..start + 36].to_string();
    let accepted = manager.post_form(&format!("/triage/{request}"), &[("decision", "accept")]).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
    let planned = manager
        .post_form(
            "/conferences",
            &[("date", "2026-11-24"), ("location", "Zorg- en Veiligheidshuis"), ("invited", &police_id)],
        )
        .await;
    let meeting = planned.headers()["location"].to_str().unwrap().trim_start_matches("/conferences/").to_string();
    let added = manager.post_form(&format!("/conferences/{meeting}/agenda"), &[("request", &request)]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);

    // The list: the police (on the team) count the person, the stranger's agency does not.
    let list: Value = police.api(Method::GET, "/api/v1/meetings", None).await.json().await.unwrap();
    let line = list["meetings"].as_array().unwrap().iter().find(|m| m["id"] == meeting.as_str()).unwrap().clone();
    assert_eq!((line["status"].as_str(), line["visible_persons"].as_u64()), (Some("planned"), Some(1)), "{list}");
    let list: Value = stranger.api(Method::GET, "/api/v1/meetings", None).await.json().await.unwrap();
    assert!(list["meetings"].as_array().unwrap().iter().all(|m| m["visible_persons"] == 0), "{list}");

    // One meeting: the agenda as each agency may see it.
    let path = format!("/api/v1/meetings/{meeting}");
    let seen = police.api(Method::GET, &path, None).await;
    assert_eq!(seen.status(), StatusCode::OK);
    let seen: Value = seen.json().await.unwrap();
    assert_eq!(seen["agenda"][0]["person_id"], s.person.to_string());
    assert!(seen["agenda"][0]["minutes"].is_null());
    let hidden = stranger.api(Method::GET, &path, None).await.text().await.unwrap();
    assert!(!hidden.contains(&s.person.to_string()), "{hidden}");
    let unknown = police.api(Method::GET, "/api/v1/meetings/not-a-meeting", None).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
}
