//! Hostile input at the edge, on SQLite and PostgreSQL (issue 16): control characters (a NUL
//! byte made PostgreSQL answer 500, even at sign-in), texts past the table of limits, and
//! invalid UTF-8 (silently replaced before) are refused with 422 naming the field, and change
//! nothing — through the forms, the API and the sign-in page alike.

use crate::support::teams::{PlanTeam, plan_team};
use crate::support::{TestApp, api_call, spawn_app, spawn_postgres};
use domain::validation::TEXT_MAX_CHARS;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn control_characters_long_texts_and_bad_utf8_are_refused(app: TestApp) {
    // Sign-in with a NUL byte: refused before the database sees it, no session made.
    let sessions = app.count("session").await;
    let anonymous = app.anonymous();
    let page = anonymous.post_raw("/login", &[("username", "admin\u{0}"), ("password", "x"), ("next", "")]).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = page.text().await.unwrap();
    assert!(text.contains("stuurtekens"), "the page says what is wrong: {text}");
    let (status, problem) =
        api_call(&anonymous, Method::POST, "/api/v1/login", Some(json!({"username": "a\u{0}", "password": "x"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "username");
    assert_eq!(problem["errors"][0]["code"], "error.control_characters");
    assert_eq!(app.count("session").await, sessions);

    let s: PlanTeam = plan_team(app).await;
    let client = s.app.session_for(&s.officer).await;
    let plan = format!("/people/{}/plan", s.person);
    assert_eq!(client.post_form(&plan, &[]).await.status(), StatusCode::SEE_OTHER);
    let events = s.app.count("plan_event").await;

    // Free text past its limit, through the form and the API.
    let long = "x".repeat(TEXT_MAX_CHARS + 1);
    let form = client.post_form(&format!("{plan}/notes"), &[("text", &long)]).await;
    assert_eq!(form.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(form.text().await.unwrap().contains("5000"), "the limit is named");
    let (status, problem) =
        api_call(&client, Method::POST, &format!("/api/v1{plan}/notes"), Some(json!({"text": long}))).await;
    assert_eq!((status, problem["errors"][0]["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("text")));
    // A NUL in a person's name through the API; tabs and line breaks in a note are fine.
    let person = json!({"person": {"family_name": "Jan\u{0}sen"}, "basis": {"kind": "statutory_task"}});
    let (status, problem) = api_call(&client, Method::POST, "/api/v1/people", Some(person)).await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("family_name"))
    );
    // Invalid UTF-8 in a form is refused, not replaced.
    let raw = client.post_bytes(&format!("{plan}/notes"), b"text=caf%E9".to_vec()).await;
    assert_eq!(raw.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(s.app.count("plan_event").await, events, "nothing was saved");
    let fine = client.post_form(&format!("{plan}/notes"), &[("text", "one\ttwo\nthree")]).await;
    assert_eq!(fine.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn control_characters_long_texts_and_bad_utf8_are_refused_on_sqlite() {
    control_characters_long_texts_and_bad_utf8_are_refused(spawn_app().await).await;
}

#[tokio::test]
async fn control_characters_long_texts_and_bad_utf8_are_refused_on_postgres() {
    let Some(app) = spawn_postgres().await else { return };
    control_characters_long_texts_and_bad_utf8_are_refused(app).await;
}

/// Every answer carries the security headers; pages and API answers with personal data are
/// never cached (issue 16, item 14).
#[tokio::test]
async fn answers_carry_the_security_headers_and_personal_data_is_not_cached() {
    let s = plan_team(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    for path in [format!("/people/{}", s.person), format!("/api/v1/people/{}", s.person), "/login".into()] {
        let response = client.get(&path).await;
        let headers = response.headers();
        assert_eq!(headers["cache-control"], "no-store", "{path}");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), "{path}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    }
    let asset = client.get("/assets/desist.css").await;
    assert_eq!(asset.headers()["cache-control"], "public, max-age=3600");
    // No page holds inline script for the policy to forbid.
    let print = client.get(&format!("/people/{}/plan/print", s.person)).await.text().await.unwrap();
    assert!(!print.contains("onclick") && print.contains("/assets/print.js"));
}
