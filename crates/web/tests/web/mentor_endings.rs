//! Ending a mentor match (issue 20, views4), on SQLite and PostgreSQL: the mentoring agency's
//! coordinator ends a match from their list (the page form and the API) with a reason and the
//! day; the mentor no longer sees the mentee, the ending is kept as history and told through
//! the outbox (`mentor.match_ended`), and every refusal — another role, another agency's
//! coordinator — is audited. A bad form names each field (422) and changes nothing.

use crate::support::{TestApp, api_call, app, problem_fields};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::mentoring::service::Mentoring;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn journey(app: TestApp) {
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let officer = app.member(&probation, "officer", &[Role::ProbationOfficer]).await;
    let person = app.person(&officer, "Hoekstra", "111222333").await;
    let humanitas = app.agency("Humanitas", AgencyKind::Mentoring).await;
    let mentor = app.member(&humanitas, "mentor", &[Role::Mentor]).await;
    let coordinator = app.member(&humanitas, "coordinator", &[Role::ProviderWorker]).await;
    let elsewhere = app.agency("Ander maatjesproject", AgencyKind::Mentoring).await;
    let other_coordinator = app.member(&elsewhere, "other", &[Role::ProviderWorker]).await;
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let zone = jiff::tz::TimeZone::UTC;
    let service = Mentoring { store: &app.store, clock: app.clock.as_ref(), time_zone: &zone };
    let profile = crate::support::teams::mentor_henk(&mentor, &humanitas, today, "Den Haag");
    service.save_profile(&coordinator, profile).await.unwrap();
    let client = app.session_for(&officer).await;
    let body = json!({"mentor": mentor.member_id.to_string(), "shared_goals": ["Werk vinden"]});
    let (status, matched) =
        api_call(&client, Method::POST, &format!("/api/v1/people/{person}/mentor-matches"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{matched}");
    let match_id = matched["id"].as_str().unwrap().to_string();
    assert!(matched["ended_on"].is_null());

    // The coordinator's list carries the match and its end form.
    let coordination = app.session_for(&coordinator).await;
    let (_, lines) = api_call(&coordination, Method::GET, "/api/v1/mentoring/coordinator", None).await;
    assert_eq!(lines[0]["match_id"], match_id.as_str());
    let page = coordination.visit("/mentoring").await;
    assert!(page.body.contains(&format!("/mentoring/matches/{match_id}/end")), "{}", page.body);
    // The end form carries the page's CSRF token: without it a browser's post is refused (403),
    // as it was until walking it in Chromium (the test client adds the token itself).
    let form = &page.body[page.body.find(&format!("action=\"/mentoring/matches/{match_id}/end\"")).unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("name=\"csrf\" value=\""), "{form}");

    // A bad form: each field named, 422, nothing changed.
    let end_path = format!("/mentoring/matches/{match_id}/end");
    let tomorrow = today.tomorrow().unwrap().to_string();
    let response = coordination.post_form(&end_path, &[("reason", ""), ("ended_on", "morgen")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    for field in ["reason", "ended_on"] {
        assert!(html.contains(&format!("href=\"#end-{match_id}-{field}\"")), "{field} in the summary: {html}");
        assert!(html.contains(&format!("id=\"end-{match_id}-{field}\"")), "{field} on the form");
    }
    let response = coordination.post_form(&end_path, &[("reason", "goals_reached"), ("ended_on", &tomorrow)]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "an end is recorded when it happened");
    assert_eq!(app.count("mentor_match_ending").await, 0);

    // Others may not end it: a probation officer, the mentor, another agency's coordinator.
    let api_end = format!("/api/v1/mentoring/matches/{match_id}/end");
    let reason = json!({"reason": "goals_reached"});
    let (status, _) = api_call(&client, Method::POST, &api_end, Some(reason.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = api_call(&app.session_for(&mentor).await, Method::POST, &api_end, Some(reason.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let stranger = app.session_for(&other_coordinator).await;
    let (status, _) = api_call(&stranger, Method::POST, &api_end, Some(reason.clone())).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another agency's match is not shown");
    let refusals =
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'denied' AND what = 'mentoring: end match'").await;
    assert_eq!(refusals, 3, "every refusal audited");

    // The API: a bad reason names the field; then the coordinator ends it through the form.
    let (status, problem) = api_call(&coordination, Method::POST, &api_end, Some(json!({"reason": "bored"}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["reason".to_string()]));
    let page = coordination.submit(&end_path, &[("reason", "goals_reached"), ("ended_on", &today.to_string())]).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"ended-notice\""), "{}", page.body);
    assert!(page.body.contains("id=\"ended-matches\"") && page.body.contains("Doelen bereikt"), "{}", page.body);
    assert!(!page.body.contains(&end_path), "no end form for an ended match");

    // Kept as history, told through the outbox, audited; the mentor no longer sees the mentee.
    assert_eq!(app.count("mentor_match_ending").await, 1);
    assert_eq!(app.scalar("SELECT count(*) FROM outbox_event WHERE kind = 'mentor.match_ended'").await, 1);
    let updates =
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'update' AND what = 'mentoring: end match'").await;
    assert_eq!(updates, 1);
    let (_, mentees) = api_call(&app.session_for(&mentor).await, Method::GET, "/api/v1/mentors/me/mentees", None).await;
    assert_eq!(mentees.as_array().unwrap().len(), 0);
    // Ending again is refused, and the history stays one row.
    let (status, problem) = api_call(&coordination, Method::POST, &api_end, Some(reason)).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["match".to_string()]));
    assert_eq!(app.count("mentor_match_ending").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_ends_a_match_with_its_reason_on_sqlite() {
    journey(app().sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coordinator_ends_a_match_with_its_reason_on_postgres() {
    if let Some(app) = app().postgres().await {
        journey(app).await;
    }
}
