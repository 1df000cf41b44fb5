//! Triage and case conference meetings written over the JSON API (issue 18, the whole API): a
//! partner system walks what the process manager does in the pages — accept or decline at
//! triage, plan a meeting, put the request on its agenda, take it off and back on, minutes,
//! attendance, close (the decisions land on the plan) and cancel — with each refusal a problem
//! that names the field, and each role refusal audited.

use crate::support::spawn_app;
use crate::support::teams::conference_team;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map_or_else(Vec::new, |errors| errors.iter().filter_map(|e| e["field"].as_str().map(str::to_owned)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_and_meetings_are_written_over_the_api_as_in_the_pages() {
    let s = conference_team(spawn_app().await).await;
    let officer = s.app.session_for(&s.officer).await;
    let manager = s.app.session_for(&s.manager).await;
    let police = s.app.session_for(&s.constable).await;
    let (probation, police_id) = (s.probation.id.to_string(), s.police.id.to_string());
    let person = s.person.to_string();

    // A request, then triage over the API.
    let requests = format!("/api/v1/people/{person}/conference-requests");
    let body =
        json!({"reason": "keeps shoplifting alcohol, no home", "goal": "one plan", "invited": [police_id, probation]});
    let filed: Value = officer.api(Method::POST, &requests, Some(body)).await.json().await.unwrap();
    let request = filed["id"].as_str().unwrap().to_string();
    let triage = format!("/api/v1/triage/{request}");
    // Declining needs a reason; an unknown decision is named too; nothing changes.
    let no_reason = manager.api(Method::POST, &triage, Some(json!({"decision": "decline"}))).await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
    let maybe = manager.api(Method::POST, &triage, Some(json!({"decision": "maybe"}))).await;
    assert_eq!(fields(&maybe.json().await.unwrap()), ["decision"]);
    // Someone who may not triage is refused, and the refusal is audited.
    let denied_before = s.app.count("audit_log WHERE action = 'denied'").await;
    let refused = police.api(Method::POST, &triage, Some(json!({"decision": "accept"}))).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(s.app.count("audit_log WHERE action = 'denied'").await > denied_before);
    let accepted = manager.api(Method::POST, &triage, Some(json!({"decision": "accept"}))).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    let unknown = manager.api(Method::POST, "/api/v1/triage/not-a-request", Some(json!({"decision": "accept"}))).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    // Planning a meeting: in the past refused naming the date; not the chair's role refused
    // and audited; on Tuesday planned (201, the meeting in the body).
    let meeting =
        |date: &str| json!({"date": date, "location": "Zorg- en Veiligheidshuis", "invited": [police_id, probation]});
    let past = manager.api(Method::POST, "/api/v1/meetings", Some(meeting("2026-11-01"))).await;
    assert_eq!(past.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&past.json().await.unwrap()), ["date"]);
    let denied_before = s.app.count("audit_log WHERE action = 'denied' AND what = 'conference: plan a meeting'").await;
    let not_chair = officer.api(Method::POST, "/api/v1/meetings", Some(meeting("2026-11-24"))).await;
    assert_eq!(not_chair.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        s.app.count("audit_log WHERE action = 'denied' AND what = 'conference: plan a meeting'").await,
        denied_before + 1
    );
    assert_eq!(s.app.count("conference_meeting").await, 0);
    let planned = manager.api(Method::POST, "/api/v1/meetings", Some(meeting("2026-11-24"))).await;
    assert_eq!(planned.status(), StatusCode::CREATED);
    let planned: Value = planned.json().await.unwrap();
    assert_eq!((planned["status"].as_str(), planned["date"].as_str()), (Some("planned"), Some("2026-11-24")));
    let meeting_id = planned["id"].as_str().unwrap().to_string();
    let path = |tail: &str| format!("/api/v1/meetings/{meeting_id}{tail}");

    // On the agenda from triage: an unknown meeting is named, then scheduled.
    let schedule = format!("{triage}/schedule");
    let nowhere = manager.api(Method::POST, &schedule, Some(json!({"meeting": "nowhere"}))).await;
    assert_eq!(fields(&nowhere.json().await.unwrap()), ["meeting"]);
    let scheduled = manager.api(Method::POST, &schedule, Some(json!({"meeting": meeting_id}))).await;
    assert_eq!(scheduled.status(), StatusCode::OK);
    let scheduled: Value = scheduled.json().await.unwrap();
    assert_eq!(scheduled["agenda"][0]["person_id"], person.as_str());

    // Off the agenda (a reason is needed), then back on through the meeting's own call.
    let no_reason = manager.api(Method::POST, &path("/agenda/remove"), Some(json!({"person": person}))).await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let removed = manager
        .api(Method::POST, &path("/agenda/remove"), Some(json!({"person": person, "reason": "in custody"})))
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert!(removed.json::<Value>().await.unwrap()["agenda"].as_array().unwrap().is_empty());
    let again = manager.api(Method::POST, &path("/agenda"), Some(json!({"request": request}))).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(s.app.count("conference_agenda").await, 1);

    // Minutes: a decision for an agency off the team is refused naming the decisions;
    // then recorded. The police read them back.
    let minutes = |owner: &str| {
        json!({"person": person, "analysis": "drinks since losing his flat", "strategy": "both",
               "decisions": [{"description": "intake at the addiction clinic", "kind": "care", "owner": probation, "due": "2026-12-15"},
                             {"description": "area ban for the shopping centre", "kind": "enforcement", "owner": owner, "due": "2026-12-01"}]})
    };
    let off_team = manager.api(Method::POST, &path("/minutes"), Some(minutes(&s.outsider.id.to_string()))).await;
    assert_eq!(off_team.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let off_team: Value = off_team.json().await.unwrap();
    assert_eq!(fields(&off_team), ["decisions"], "{off_team}");
    let recorded = manager.api(Method::POST, &path("/minutes"), Some(minutes(&police_id))).await;
    assert_eq!(recorded.status(), StatusCode::OK);
    let seen: Value = police.api(Method::GET, &path(""), None).await.json().await.unwrap();
    assert_eq!(seen["agenda"][0]["minutes"]["decisions"].as_array().unwrap().len(), 2, "{seen}");

    // Attendance; the police may not record it (audited).
    let present = json!({"present": [s.constable.member_id.to_string()]});
    assert_eq!(
        police.api(Method::POST, &path("/attendance"), Some(present.clone())).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(s.app.count("audit_log WHERE action = 'denied' AND what = 'conference: attendance'").await, 1);
    assert_eq!(manager.api(Method::POST, &path("/attendance"), Some(present)).await.status(), StatusCode::OK);

    // Not before the meeting's day; on Tuesday the decisions land on the plan.
    let early = manager.api(Method::POST, &path("/close"), None).await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    s.app.clock.set("2026-11-24T15:00:00Z".parse().unwrap());
    let (manager, police) = (s.app.session_for(&s.manager).await, s.app.session_for(&s.constable).await);
    let closed = manager.api(Method::POST, &path("/close"), None).await;
    assert_eq!(closed.status(), StatusCode::OK);
    assert_eq!(closed.json::<Value>().await.unwrap()["status"], "closed");
    let plan: Value =
        police.api(Method::GET, &format!("/api/v1/people/{person}/plan"), None).await.json().await.unwrap();
    let plan_text = plan.to_string();
    assert!(plan_text.contains("area ban for the shopping centre") && plan_text.contains("addiction clinic"), "{plan}");
    // A closed meeting takes no more changes.
    assert_eq!(manager.api(Method::POST, &path("/close"), None).await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Cancelling another meeting needs a reason.
    let other: Value =
        manager.api(Method::POST, "/api/v1/meetings", Some(meeting("2026-12-01"))).await.json().await.unwrap();
    let cancel = format!("/api/v1/meetings/{}/cancel", other["id"].as_str().unwrap());
    assert_eq!(
        manager.api(Method::POST, &cancel, Some(json!({"reason": ""}))).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let cancelled = manager.api(Method::POST, &cancel, Some(json!({"reason": "the chair is ill"}))).await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    assert_eq!(cancelled.json::<Value>().await.unwrap()["status"], "cancelled");
    let missing = manager.api(Method::POST, "/api/v1/meetings/not-a-meeting/close", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
