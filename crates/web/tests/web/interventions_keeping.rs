//! Keeping what a provider offers (issue 19): a catalogue entry edited into new versions on
//! its page and through the API (every version kept, an edit on an older version refused
//! with what was typed kept), retired and put back, by its provider and by administrators
//! only; webhook subscriptions switched off and on, refused over plain http to other
//! machines (HTTPS delivery is `interventions_https.rs`); the finder's unmet-need threshold
//! taken from the deployment's setting; provider and probation saving the same referral.

use crate::support::{TestApp, api_call, problem_fields, spawn_app};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::people::{IdentifierInput, PersonInput};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

struct Keepers {
    app: TestApp,
    officer: Actor,
    worker: Actor,
    other_worker: Actor,
    admin: Actor,
}

async fn keepers(app: TestApp) -> Keepers {
    let (_, officer) = app.probation_officer().await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let other_worker =
        app.member_of_new_agency("Andere aanbieder", AgencyKind::Provider, "olga", Role::ProviderWorker).await;
    let admin =
        app.member_of_new_agency("Functioneel beheer", AgencyKind::Municipality, "bea", Role::Administrator).await;
    Keepers { app, officer, worker, other_worker, admin }
}

fn programme(capacity: u32) -> Value {
    json!({
        "name": "Minder drinken",
        "kind": "addiction_treatment",
        "needs": ["addiction"],
        "outcomes": ["Sober for three months"],
        "capacity": capacity,
        "sessions": 12,
        "duration_weeks": 12,
        "areas": ["Utrecht"]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catalogue_entry_is_edited_into_new_versions_by_those_who_keep_it() {
    let k = keepers(spawn_app().await).await;
    let worker = k.app.session_for(&k.worker).await;
    let (_, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme(5))).await;
    let id = entry["id"].as_str().unwrap().to_string();
    let page_path = format!("/provider/catalogue/{id}");

    // The list links to the entry; its form comes filled in.
    assert!(worker.visit("/provider/catalogue").await.body.contains(&page_path));
    let form = worker.visit(&page_path).await;
    assert_eq!(form.status, 200);
    assert_eq!(crate::support::input_value(&form.body, "capacity"), "5");
    assert_eq!(crate::support::input_value(&form.body, "version"), "1");

    let edit = |version: &'static str, capacity: &'static str, name: &'static str| {
        vec![
            ("version", version),
            ("name", name),
            ("kind", "addiction_treatment"),
            ("needs", "addiction"),
            ("risk_levels", "high"),
            ("outcomes", "Sober for three months"),
            ("capacity", capacity),
            ("sessions", "12"),
            ("duration_weeks", "12"),
            ("areas", "Utrecht\nZeist"),
        ]
    };
    let saved = worker.submit(&page_path, &edit("1", "8", "Minder drinken")).await;
    assert_eq!(saved.status, 200);
    assert!(saved.url.starts_with(&page_path), "{}", saved.url);
    assert_eq!(crate::support::input_value(&saved.body, "version"), "2");
    assert!(saved.body.contains("id=\"history\""));

    // Invalid input: 422, every field named in the summary, nothing saved.
    let refused = worker.submit(&page_path, &edit("2", "many", "")).await;
    assert_eq!(refused.status, 422);
    for field in ["#name", "#capacity"] {
        assert!(refused.body.contains(&format!("href=\"{field}\"")), "{field} in the error summary");
    }
    assert!(refused.body.contains("Naam") || refused.body.contains("Name"), "the summary names the field");
    // Someone else saved meanwhile: 409, what was typed is kept, nothing overwritten.
    let stale = worker.submit(&page_path, &edit("1", "3", "Minder drinken (oud)")).await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("Minder drinken (oud)"), "the form keeps what was typed");

    // The API reads every version with what each changed; an edit names its version.
    let api_path = format!("/api/v1/interventions/{id}");
    let (status, read) = api_call(&worker, Method::GET, &api_path, None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["version"], 2);
    assert_eq!(read["history"].as_array().unwrap().len(), 2);
    let changed: Vec<&str> =
        read["history"][1]["changed"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(changed, ["risk_levels", "capacity", "areas"]);
    let mut body = programme(10);
    body["version"] = json!(1);
    let (status, problem) = api_call(&worker, Method::PUT, &api_path, Some(body.clone())).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::CONFLICT, vec!["version".to_string()]));
    body["version"] = json!(2);
    body["name"] = json!("");
    let (status, problem) = api_call(&worker, Method::PUT, &api_path, Some(body.clone())).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".to_string()]));
    body["name"] = json!("Minder drinken");
    let (status, read) = api_call(&worker, Method::PUT, &api_path, Some(body)).await;
    assert_eq!((status, read["version"].as_i64()), (StatusCode::OK, Some(3)));
    assert_eq!(read["intervention"]["capacity"], 10);

    // Retired: no longer active, its history kept; put back by an administrator.
    let retire = worker.submit(&format!("{page_path}/active"), &[("version", "3"), ("active", "false")]).await;
    assert_eq!(retire.status, 200);
    let (_, read) = api_call(&worker, Method::GET, &api_path, None).await;
    assert_eq!((read["version"].as_i64(), read["intervention"]["active"].as_bool()), (Some(4), Some(false)));
    let admin = k.app.session_for(&k.admin).await;
    assert_eq!(admin.get(&page_path).await.status(), StatusCode::OK);
    let (status, read) = api_call(&admin, Method::PATCH, &api_path, Some(json!({"version": 4, "active": true}))).await;
    assert_eq!((status, read["intervention"]["active"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(read["history"].as_array().unwrap().len(), 5, "every version kept");

    // Not theirs: another provider is told it does not exist, a probation officer may not.
    let other = k.app.session_for(&k.other_worker).await;
    assert_eq!(other.get(&page_path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(api_call(&other, Method::GET, &api_path, None).await.0, StatusCode::NOT_FOUND);
    let officer = k.app.session_for(&k.officer).await;
    assert_eq!(officer.get(&page_path).await.status(), StatusCode::FORBIDDEN);
    let patch = json!({"version": 5, "active": false});
    assert_eq!(api_call(&officer, Method::PATCH, &api_path, Some(patch)).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_is_switched_off_and_on_and_plain_http_goes_only_to_this_machine() {
    let k = keepers(spawn_app().await).await;
    let worker = k.app.session_for(&k.worker).await;
    let page = worker.submit("/provider/webhooks", &[("url", "http://provider.example/hook")]).await;
    assert_eq!(page.status, 422, "plain http to another machine is refused");
    assert!(page.body.contains("href=\"#url\""));
    let page = worker.submit("/provider/webhooks", &[("url", "http://127.0.0.1:9/hook")]).await;
    assert_eq!(page.status, 201);
    assert!(page.body.contains("whsec_"), "the secret is shown this once");
    assert!(!worker.visit("/provider/webhooks").await.body.contains("whsec_"), "and never again");

    let (_, hooks) = api_call(&worker, Method::GET, "/api/v1/webhooks", None).await;
    let id = hooks[0]["id"].as_str().unwrap().to_string();
    assert_eq!((hooks[0]["active"].as_bool(), hooks[0]["secret"].as_str()), (Some(true), None));
    let off = worker.submit(&format!("/provider/webhooks/{id}/active"), &[("active", "false")]).await;
    assert_eq!(off.status, 200);
    let (_, hooks) = api_call(&worker, Method::GET, "/api/v1/webhooks", None).await;
    assert_eq!(hooks[0]["active"], false);
    let path = format!("/api/v1/webhooks/{id}");
    let (status, hook) = api_call(&worker, Method::PATCH, &path, Some(json!({"active": true}))).await;
    assert_eq!((status, hook["active"].as_bool()), (StatusCode::OK, Some(true)));
    assert_eq!(k.app.count("webhook_switch").await, 2, "each switch kept with who and when");
    let other = k.app.session_for(&k.other_worker).await;
    assert_eq!(api_call(&other, Method::PATCH, &path, Some(json!({"active": false}))).await.0, StatusCode::NOT_FOUND);
    let officer = k.app.session_for(&k.officer).await;
    assert_eq!(officer.get("/provider/webhooks").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_finder_marks_waits_past_the_deployments_threshold() {
    let app = crate::support::app()
        .configure(|config| {
            config.unmet_need_wait = domain::interventions::WaitThreshold {
                days: 56,
                per_need: [(domain::jurisdiction::DomainKey::new("addiction"), 14)].into(),
            };
        })
        .sqlite()
        .await;
    let k = keepers(app).await;
    let worker = k.app.session_for(&k.worker).await;
    api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme(0))).await;
    let input = PersonInput {
        family_name: "Hoekstra".into(),
        given_names: "Gerrit".into(),
        birth_date: "1970-04-02".into(),
        city: "Utrecht".into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: crate::support::valid_bsn(2) }],
        ..Default::default()
    };
    let person =
        k.app.register(&k.officer, &input, "Wet op de reclassering", "toezicht", &jiff::tz::TimeZone::UTC).await;
    let entries = k
        .app
        .state
        .beyond
        .screening
        .domains
        .iter()
        .map(|d| domain::screening::ScoreInput {
            domain: d.key.to_string(),
            score: if d.key.as_str() == "addiction" { "1".into() } else { "4".into() },
            note: String::new(),
            source: "interview".into(),
        })
        .collect();
    let zone = jiff::tz::TimeZone::UTC;
    let screenings = domain::screening::service::Screenings {
        store: &k.app.store,
        clock: k.app.clock.as_ref(),
        time_zone: &zone,
        config: &k.app.state.beyond.screening,
    };
    let input = domain::screening::ScreeningInput { screened_on: String::new(), entries };
    screenings.record(&k.officer, person, &input).await.unwrap();

    let officer = k.app.session_for(&k.officer).await;
    let page = officer.visit(&format!("/people/{person}/interventions")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("8 weken"), "the deployment's threshold, in weeks");
    assert!(page.body.contains(": 2 weken"), "the person's need with a threshold of its own");
    assert!(page.body.contains("href=\"#unmet-need\""), "a wait past it offers to record unmet need");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_and_probation_saving_the_same_referral_at_once_lose_nothing() {
    let k = keepers(spawn_app().await).await;
    let worker = k.app.session_for(&k.worker).await;
    let officer = k.app.session_for(&k.officer).await;
    let (_, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme(5))).await;
    let input = PersonInput {
        family_name: "Hoekstra".into(),
        given_names: "Gerrit".into(),
        birth_date: "1970-04-02".into(),
        city: "Utrecht".into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: crate::support::valid_bsn(3) }],
        ..Default::default()
    };
    let person =
        k.app.register(&k.officer, &input, "Wet op de reclassering", "toezicht", &jiff::tz::TimeZone::UTC).await;
    let body = json!({"person_id": person.to_string(), "intervention_id": entry["id"]});
    let (_, referral) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    let id = referral["id"].as_str().unwrap();
    let page = format!("/referrals/{id}");
    let changes = format!("/referrals/{id}/changes");

    // Both open the referral while it is "sent"; the provider accepts first.
    assert!(officer.visit(&page).await.body.contains("name=\"seen_status\" value=\"sent\""));
    let accepted = worker.submit(&changes, &[("action", "accept"), ("seen_status", "sent")]).await;
    assert_eq!(accepted.status, 200);
    // Probation's withdrawal was decided on "sent": refused, shown as it is now.
    let withdrawn = officer
        .submit(&changes, &[("action", "withdraw"), ("reason", "circumstances_changed"), ("seen_status", "sent")])
        .await;
    assert_eq!(withdrawn.status, 409);
    assert!(withdrawn.body.contains("error-summary"));
    assert!(withdrawn.body.contains("name=\"seen_status\" value=\"accepted\""), "the page shows it as it is now");
    // Through the API the same: 409 naming the action; a change that names no status goes on.
    let api = format!("/api/v1/referrals/{id}/changes");
    let stale = json!({"action": "withdraw", "reason": "circumstances_changed", "seen_status": "sent"});
    let (status, problem) = api_call(&officer, Method::POST, &api, Some(stale)).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::CONFLICT, vec!["action".to_string()]));
    let (_, read) = api_call(&officer, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!(read["status"], "accepted", "nothing was overwritten");
    let schedule = json!({"action": "schedule", "date": "2026-12-20", "note": "Intake"});
    assert_eq!(api_call(&worker, Method::POST, &api, Some(schedule)).await.0, StatusCode::OK);
    assert!(worker.visit(&page).await.body.contains("2026-12-20"), "the appointment is listed");
}
