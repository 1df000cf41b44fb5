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

/// The smaller holes of issue 16, item 15, each a clear error that changes nothing: a period
/// that does not read on the metrics page (it was silently replaced), a date in year 9999, a
/// local time in the hour skipped when summer time starts, and an episode of 255 weeks.
#[tokio::test]
async fn impossible_dates_times_and_periods_are_clear_errors() {
    use crate::support::zsm::{intake, table};
    let t = table().await;
    let metrics = t.prosecutor.get("/zsm/zsm-utrecht/metrics?from=9999-01-01&to=yesterday").await;
    assert_eq!(metrics.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = metrics.text().await.unwrap();
    assert!(html.contains("between 1900-01-01 and 2100-12-31") && html.contains("like 1984-03-12"), "{html}");

    let suspect = t.person("Zomertijd").await.to_string();
    let cases = t.app.count("zsm_case").await;
    let skipped = intake(&suspect, "2026-03-29T02:30", "2026-03-29T03:10", "2026-03-29", "");
    let page = t.police.post_form("/zsm/cases", &skipped).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("this time does not exist"), "the skipped hour is named");
    let far = intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "9999-11-22", "");
    let page = t.police.post_form("/zsm/cases", &far).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.app.count("zsm_case").await, cases, "nothing registered");
}

#[tokio::test]
async fn an_episode_keeps_to_the_packs_time_box() {
    let s: PlanTeam = plan_team(spawn_app().await).await;
    let client = s.app.session_for(&s.officer).await;
    let path = format!("/people/{}/measures/episodes", s.person);
    let manager = s.officer.member_id.to_string();
    let form = [("case_manager", manager.as_str()), ("weeks", "255"), ("contacts_per_week", "2"), ("started_on", "")];
    let page = client.post_form(&path, &form).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("ten hoogste 12 weken"));
    assert_eq!(s.app.count("measure").await, 0);
}

/// A victim or child on an exclusion order is named, linked and offered for help only to an
/// agency on their own team; to the rest of the excluded person's team they are "someone
/// your agency does not work with", without their number (issue 16, item 15).
#[tokio::test]
async fn people_on_an_order_stay_hidden_from_agencies_off_their_team() {
    use crate::support::teams::measures_cast;
    use domain::jurisdiction::BeyondPack;
    use domain::measures::OrderInput;
    use domain::measures::service::Measures;
    let s = measures_cast(spawn_app().await).await;
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap());
    let measures = Measures { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let order = OrderInput {
        victims: s.victim.to_string(),
        children: s.child.to_string(),
        address: "Kerkstraat 1, Utrecht".into(),
        decision_ref: "BM-2026-17".into(),
        imposed_at: "2026-11-22T09:00".into(),
    };
    measures.impose_order(&s.mayor, s.excluded, &order).await.unwrap();
    let police = s.app.agency("Politie Utrecht", domain::directory::AgencyKind::Police).await;
    let constable = s.app.member(&police, "kees", &[domain::access::Role::PoliceOfficer]).await;
    s.app.join_team(&s.officer, s.excluded, &police).await;
    let client = s.app.session_for(&constable).await;
    let html = client.get(&format!("/people/{}/measures", s.excluded)).await.text().await.unwrap();
    assert!(html.contains("Kerkstraat 1"), "the order itself is on the page");
    for hidden in [s.victim, s.child] {
        assert!(!html.contains(&hidden.to_string()), "{hidden} is not on the page");
    }
    let (_, measures) = api_call(&client, Method::GET, &format!("/api/v1/people/{}/measures", s.excluded), None).await;
    let order = &measures["exclusion_orders"][0];
    assert_eq!((order["victims"].clone(), order["not_visible"].clone()), (serde_json::json!([]), serde_json::json!(2)));
    assert!(!measures.to_string().contains(&s.victim.to_string()));
}
