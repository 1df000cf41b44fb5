//! The measures API over a real server, on SQLite and PostgreSQL: imposing an exclusion order
//! and an area ban, starting an episode, reading them back; bad input is problem JSON 422 and
//! changes nothing; an agency off the person's team gets a 403; reads and writes are audited;
//! extending, lifting and closing them.

use crate::support;
use crate::support::teams::{MeasuresCast, measures_cast};
use crate::support::{TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::audit::AuditAction;
use domain::audit::AuditLog;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn journey(app: TestApp) {
    let MeasuresCast { app, officer, mayor, stranger, excluded, victim, elsewhere, .. } = measures_cast(app).await;
    // The municipality imposes the mayor's measures; probation starts the episode.
    let client = app.session_for(&mayor).await;
    let probation = app.session_for(&officer).await;
    let base = format!("/api/v1/people/{excluded}");

    // Bad input: problem JSON naming the field; nothing saved, nothing changed.
    let audit_before = app.count("audit_log").await;
    let order = |victims: Vec<String>, days: &str| json!({"victims": victims, "address": "Dorpsstraat 1", "decision_ref": "HV-3", "imposed_at": days});
    let (status, problem) =
        api_call(&client, Method::POST, &format!("{base}/exclusion-orders"), Some(order(vec![], ""))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["victims"], "{problem}");
    let (status, problem) = api_call(
        &client,
        Method::POST,
        &format!("{base}/exclusion-orders"),
        Some(order(vec![elsewhere.to_string()], "")),
    )
    .await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["victims".to_string()]));
    let (status, _) =
        api_call(&client, Method::POST, &format!("{base}/exclusion-orders"), Some(json!({"victims": "not a list"})))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a body of the wrong shape");
    let ban = |starts: &str, ends: &str| json!({"area": "Centrum", "decision_ref": "GB-1", "starts_on": starts, "ends_on": ends});
    let (status, problem) =
        api_call(&client, Method::POST, &format!("{base}/area-bans"), Some(ban("2026-11-30", "2026-11-01"))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["ends_on".to_string()]));
    let episode = |weeks: &str| json!({"case_manager": officer.member_id.to_string(), "started_on": "2026-11-20", "weeks": weeks, "contacts_per_week": "2"});
    let (status, problem) = api_call(&probation, Method::POST, &format!("{base}/episodes"), Some(episode("0"))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["weeks".to_string()]));
    assert_eq!((app.count("measure").await, app.count("measure_event").await), (0, 0), "nothing saved");
    // Only the refused look at the person off the team is recorded, as a denial.
    assert_eq!(app.count("audit_log").await, audit_before + 1);
    let denied = app.store.audit_for_person(elsewhere, 10).await.unwrap();
    assert!(denied.iter().any(|a| a.entry.action == AuditAction::Denied), "the refusal is audited");

    // Imposed, banned, started.
    let (status, created) = api_call(
        &client,
        Method::POST,
        &format!("{base}/exclusion-orders"),
        Some(order(vec![victim.to_string()], "2026-11-20T10:00")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["ends_at"], "2026-11-30T09:00:00Z", "ten local days");
    assert_eq!((created["status"].as_str(), created["total_days"].as_u64()), (Some("in_force"), Some(10)));
    assert_eq!(created["victims"], json!([victim.to_string()]));
    let (status, made) =
        api_call(&client, Method::POST, &format!("{base}/area-bans"), Some(ban("2026-11-01", "2026-12-31"))).await;
    assert_eq!((status, made["status"].as_str()), (StatusCode::CREATED, Some("in_force")));
    let (status, started) = api_call(&probation, Method::POST, &format!("{base}/episodes"), Some(episode("6"))).await;
    assert_eq!((status, started["weeks"].as_u64()), (StatusCode::CREATED, Some(6)));

    // Read back as the pages show them; the victim's read shows the order too.
    let (status, file) = api_call(&client, Method::GET, &format!("{base}/measures"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(file["exclusion_orders"][0]["id"], created["id"]);
    assert_eq!(file["area_bans"][0]["area"], "Centrum");
    assert_eq!(file["episodes"][0]["id"], started["id"]);
    let (_, theirs) = api_call(&client, Method::GET, &format!("/api/v1/people/{victim}/measures"), None).await;
    assert_eq!(theirs["exclusion_orders"][0]["id"], created["id"]);
    let audit = app.store.audit_for_person(excluded, 50).await.unwrap();
    let audited: Vec<(AuditAction, &str)> = audit.iter().map(|a| (a.entry.action, a.entry.what.as_str())).collect();
    for expected in [
        (AuditAction::Create, "exclusion order: impose"),
        (AuditAction::Create, "area ban: impose"),
        (AuditAction::Create, "episode: start"),
        (AuditAction::Read, "api: measures"),
    ] {
        assert!(audited.contains(&expected), "{expected:?} in {audited:?}");
    }

    // An agency off the team: 403, nothing changes.
    let other = app.session_for(&stranger).await;
    assert_eq!(api_call(&other, Method::GET, &format!("{base}/measures"), None).await.0, StatusCode::FORBIDDEN);
    let (status, _) =
        api_call(&other, Method::POST, &format!("{base}/area-bans"), Some(ban("2026-11-01", "2026-12-31"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("measure").await, 3);

    // A group member added through the API, with the same refusals as the group page.
    let safety_house = app.agency("Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let manager = app.member(&safety_house, "noor", &[Role::ProcessManager]).await;
    let young = app.person(&manager, "Bouzid", &support::valid_bsn(11)).await;
    let manager_client = app.session_for(&manager).await;
    let formed = manager_client.post_form("/groups", &[("name", "Slotermeer"), ("area", "Nieuw-West")]).await;
    let group = formed.headers()["location"].to_str().unwrap().trim_start_matches("/groups/").to_string();
    let members = format!("/api/v1/groups/{group}/members");
    let events = app.count("measure_event").await;
    let (status, problem) = api_call(
        &manager_client,
        Method::POST,
        &members,
        Some(json!({"person": young.to_string(), "class": "leider"})),
    )
    .await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["class".to_string()]));
    let (status, problem) = api_call(
        &manager_client,
        Method::POST,
        &members,
        Some(json!({"person": excluded.to_string(), "class": "core"})),
    )
    .await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["person".to_string()]),
        "off the team"
    );
    assert_eq!(app.count("measure_event").await, events, "refusals change nothing");
    let (status, _) =
        api_call(&manager_client, Method::POST, &members, Some(json!({"person": young.to_string(), "class": "core"})))
            .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(app.count("measure_event").await, events + 1);
    let (status, problem) =
        api_call(&probation, Method::POST, &members, Some(json!({"person": young.to_string(), "class": "at_risk"})))
            .await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["person".to_string()]),
        "probation is not on this person's team"
    );
    assert_eq!(app.count("measure_event").await, events + 1);

    // Documented in OpenAPI.
    let spec: Value = app.anonymous().get("/api/openapi.json").await.json().await.unwrap();
    for path in [
        "/api/v1/people/{id}/measures",
        "/api/v1/people/{id}/exclusion-orders",
        "/api/v1/people/{id}/area-bans",
        "/api/v1/people/{id}/episodes",
        "/api/v1/groups/{group}/members",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} is documented");
    }
    assert!(spec["components"]["schemas"]["OrderDto"].is_object());
}

/// Extending and lifting an order and a ban, extending and closing an episode, through the API:
/// each change answers 204 and shows in the read; bad input and an agency off the team change
/// nothing.
async fn changes(app: TestApp) {
    let MeasuresCast { app, officer, mayor, stranger, excluded, victim, .. } = measures_cast(app).await;
    let client = app.session_for(&mayor).await;
    let probation = app.session_for(&officer).await;
    let base = format!("/api/v1/people/{excluded}");
    // The mayor's measures go through the municipality, the episode through probation.
    let post = |path: String, body: Value| {
        let client = if path.contains("/episodes") { &probation } else { &client };
        async move { api_call(client, Method::POST, &path, Some(body)).await }
    };
    let order = json!({"victims": [victim.to_string()], "address": "Dorpsstraat 1", "decision_ref": "HV-3", "imposed_at": "2026-11-20T10:00"});
    let (_, order) = post(format!("{base}/exclusion-orders"), order).await;
    let ban = json!({"area": "Centrum", "decision_ref": "GB-1", "starts_on": "2026-11-01", "ends_on": "2026-12-31"});
    let (_, ban) = post(format!("{base}/area-bans"), ban).await;
    let episode = json!({"case_manager": officer.member_id.to_string(), "started_on": "2026-11-20", "weeks": "6", "contacts_per_week": "2"});
    let (_, episode) = post(format!("{base}/episodes"), episode).await;
    let order_changes = format!("{base}/exclusion-orders/{}/changes", order["id"].as_str().unwrap());
    let ban_changes = format!("{base}/area-bans/{}/changes", ban["id"].as_str().unwrap());
    let episode_changes = format!("{base}/episodes/{}/changes", episode["id"].as_str().unwrap());
    let events = app.count("measure_event").await;

    // Refused: past the legal maximum, no action named, an agency off the team.
    let (status, problem) =
        post(order_changes.clone(), json!({"action": "extend", "to_total_days": "40", "decision_ref": "HV-3b"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(!problem_fields(&problem).is_empty(), "the problem names what to fix: {problem}");
    let (status, _) = post(order_changes.clone(), json!({"to_total_days": "14"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a change must name its action");
    let other = app.session_for(&stranger).await;
    let (status, _) =
        api_call(&other, Method::POST, &ban_changes, Some(json!({"action": "lift", "reason": "x"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("measure_event").await, events, "refusals change nothing");

    // Accepted, and read back.
    for (path, body) in [
        (
            &order_changes,
            json!({"action": "extend", "to_total_days": "14", "decision_ref": "HV-3b", "without_advice_reason": "Veilig Thuis adviseert mondeling; dreiging acuut"}),
        ),
        (&ban_changes, json!({"action": "extend", "ends_on": "2027-01-31", "decision_ref": "GB-2"})),
        (&episode_changes, json!({"action": "extend", "extra_weeks": "2", "reason": "Woning nog niet rond"})),
    ] {
        let (status, answer) = post(path.clone(), body).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{path}: {answer}");
    }
    let (_, file) = api_call(&client, Method::GET, &format!("{base}/measures"), None).await;
    assert_eq!(file["exclusion_orders"][0]["total_days"], 14);
    assert_eq!(file["area_bans"][0]["ends_on"], "2027-01-31");
    assert_eq!(file["episodes"][0]["weeks"], 8);
    for (path, body) in [
        (&order_changes, json!({"action": "lift", "reason": "Risico weggenomen"})),
        (&ban_changes, json!({"action": "lift", "reason": "Verhuisd"})),
        (&episode_changes, json!({"action": "close", "reason": "Doelen bereikt"})),
    ] {
        assert_eq!(post(path.clone(), body).await.0, StatusCode::NO_CONTENT, "{path}");
    }
    let (_, file) = api_call(&client, Method::GET, &format!("{base}/measures"), None).await;
    let states =
        [&file["exclusion_orders"][0]["status"], &file["area_bans"][0]["status"], &file["episodes"][0]["status"]];
    assert_eq!(states, ["lifted", "lifted", "closed"]);
    assert_eq!(app.count("measure_event").await, events + 6);
    let audit = app.store.audit_for_person(excluded, 80).await.unwrap();
    assert!(audit.iter().any(|a| a.entry.action == AuditAction::Update && a.entry.what == "exclusion order: lift"));

    let spec: Value = app.anonymous().get("/api/openapi.json").await.json().await.unwrap();
    for path in [
        "/api/v1/people/{id}/exclusion-orders/{order}/changes",
        "/api/v1/people/{id}/area-bans/{ban}/changes",
        "/api/v1/people/{id}/episodes/{episode}/changes",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} is documented");
    }
}

#[tokio::test]
async fn measures_api_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test]
async fn measure_changes_through_the_api_on_sqlite() {
    changes(support::spawn_app().await).await;
}

#[tokio::test]
async fn measure_changes_through_the_api_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    changes(app).await;
}

#[tokio::test]
async fn measures_api_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}
