//! Interventions over HTTP: the acceptance paths of the JSON API (finder, referral, changes,
//! read back with history and attendance, unmet need report, webhooks), the pages of each side,
//! who may see a referral (provider × own/other), and webhooks received on a local server with
//! their Standard Webhooks signatures checked.

use crate::support::{TestApp, api_call, problem_fields, spawn_app};
use base64::Engine;
use domain::access::{Actor, Role};
use domain::directory::{Agency, AgencyKind};
use domain::ids::PersonId;
use domain::people::{IdentifierInput, PersonInput};
use domain::screening::service::Screenings;
use domain::screening::{ScoreInput, ScreeningInput};
use hmac::{KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

pub(crate) struct Cast {
    pub(crate) app: TestApp,
    pub(crate) officer: Actor,
    provider: Agency,
    pub(crate) worker: Actor,
    other_worker: Actor,
    analyst: Actor,
    pub(crate) person: PersonId,
}

/// fatima (probation) screens Gerrit in Utrecht with an addiction problem; piet works for the
/// provider, olga for another provider; anna is an analyst.
pub(crate) async fn cast() -> Cast {
    let app = spawn_app().await;
    let (_, officer) = app.probation_officer().await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let other_worker =
        app.member_of_new_agency("Andere aanbieder", AgencyKind::Provider, "olga", Role::ProviderWorker).await;
    let analyst = app.member_of_new_agency("Gemeente Utrecht", AgencyKind::Municipality, "anna", Role::Analyst).await;
    let input = PersonInput {
        family_name: "Hoekstra".into(),
        given_names: "Gerrit".into(),
        birth_date: "1970-04-02".into(),
        city: "Utrecht".into(),
        phone: "06-12345678".into(),
        identifiers: vec![IdentifierInput { kind: "bsn".into(), value: crate::support::valid_bsn(1) }],
        ..Default::default()
    };
    let person = screened_with_addiction(&app, &officer, &input).await;
    Cast { app, officer, provider, worker, other_worker, analyst, person }
}

/// `input` registered by `officer` on the statutory basis and screened with an addiction
/// problem (score 1) and every other life domain fine (4), so the finder has a need to match.
pub(crate) async fn screened_with_addiction(app: &TestApp, officer: &Actor, input: &PersonInput) -> PersonId {
    let zone = jiff::tz::TimeZone::UTC;
    let person = app.register(officer, input, "Wet op de reclassering", "toezicht", &zone).await;
    let entries = app
        .state
        .beyond
        .screening
        .domains
        .iter()
        .map(|d| ScoreInput {
            domain: d.key.to_string(),
            score: if d.key.as_str() == "addiction" { "1".into() } else { "4".into() },
            note: String::new(),
            source: "interview".into(),
        })
        .collect();
    let screenings = Screenings {
        store: &app.store,
        clock: app.clock.as_ref(),
        time_zone: &zone,
        config: &app.state.beyond.screening,
    };
    screenings.record(officer, person, &ScreeningInput { screened_on: String::new(), entries }).await.unwrap();
    person
}

pub(crate) fn programme() -> Value {
    json!({
        "name": "Minder drinken",
        "kind": "addiction_treatment",
        "needs": ["addiction"],
        "outcomes": ["Sober for three months", "Daily structure"],
        "capacity": 5,
        "sessions": 12,
        "duration_weeks": 12,
        "unit_cost_cents": 125000,
        "areas": ["Utrecht"]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_is_entered_once_and_worked_on_by_both_sides_through_the_api() {
    let c = cast().await;
    let officer = c.app.session_for(&c.officer).await;
    let worker = c.app.session_for(&c.worker).await;
    let (status, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme())).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let (status, _) = api_call(&officer, Method::POST, "/api/v1/interventions", Some(programme())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only providers keep a catalogue");

    let (status, found) =
        api_call(&officer, Method::GET, &format!("/api/v1/interventions?person={}", c.person), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found[0]["id"], entry["id"]);
    assert_eq!(found[0]["provider"], c.provider.id.to_string());
    assert_eq!(found[0]["expected_wait_days"], 0);

    let body = json!({"person_id": c.person.to_string(), "intervention_id": entry["id"], "risks": "drinks daily"});
    let (status, referral) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{referral}");
    assert_eq!(referral["status"], "sent");
    let id = referral["id"].as_str().unwrap().to_string();
    let changes = format!("/api/v1/referrals/{id}/changes");

    let (status, refused) = api_call(&officer, Method::POST, &changes, Some(json!({"action": "accept"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "the referrer does not accept: {refused}");
    for action in ["accept", "start"] {
        let (status, body) = api_call(&worker, Method::POST, &changes, Some(json!({"action": action}))).await;
        assert_eq!(status, StatusCode::OK, "{action}: {body}");
    }
    let late = json!({"action": "attendance", "attended": "late", "date": "2026-11-22"});
    assert_eq!(api_call(&worker, Method::POST, &changes, Some(late)).await.0, StatusCode::OK);
    let absent = json!({"action": "attendance", "attended": "no", "date": "not a date"});
    let (status, problem) = api_call(&worker, Method::POST, &changes, Some(absent)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), vec!["date"]);
    let progress = json!({"action": "progress", "outcome": "Daily structure", "achievement": "partly_achieved"});
    assert_eq!(api_call(&worker, Method::POST, &changes, Some(progress)).await.0, StatusCode::OK);
    let concern = json!({"action": "concern", "text": "smelled of alcohol"});
    assert_eq!(api_call(&worker, Method::POST, &changes, Some(concern)).await.0, StatusCode::OK);

    // Read back by the referrer: the status history and the attendance.
    let (status, read) = api_call(&officer, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    let statuses: Vec<&str> =
        read["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(&statuses[..4], ["draft", "sent", "accepted", "started"]);
    assert_eq!(read["attendance"][0]["attended"], "late");
    assert_eq!(read["progress"][1]["achievement"], "partly_achieved");
    // The provider reads what is shared; another provider does not see it at all.
    let (status, shared) = api_call(&worker, Method::GET, &format!("/api/v1/referrals/{id}"), None).await;
    assert_eq!((status, shared["person"]["name"].as_str()), (StatusCode::OK, Some("Gerrit Hoekstra")));
    let other = c.app.session_for(&c.other_worker).await;
    assert_eq!(api_call(&other, Method::GET, &format!("/api/v1/referrals/{id}"), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        api_call(&other, Method::POST, &changes, Some(json!({"action": "start"}))).await.0,
        StatusCode::NOT_FOUND
    );
    let reads = c.app.count("audit_log WHERE what LIKE 'referral: %' AND basis LIKE 'referral: %'").await;
    assert!(reads >= 1, "the provider's reads are audited against the referral");
    // The concern told the referrer at once.
    let html = officer.get("/notifications").await.text().await.unwrap();
    assert!(html.contains("smelled of alcohol"), "the referrer is told of the concern");

    // Unmet need and the commissioners' report.
    let unmet = json!({"person_id": c.person.to_string(), "need": "housing", "reason": "no_capacity"});
    assert_eq!(api_call(&officer, Method::POST, "/api/v1/unmet-need", Some(unmet)).await.0, StatusCode::CREATED);
    let analyst = c.app.session_for(&c.analyst).await;
    let (status, report) = api_call(&analyst, Method::GET, "/api/v1/reports/unmet-need", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["rows"][0]["need"], "housing");
    assert_eq!(report["rows"][0]["suppressed"], true, "one record is below the disclosure minimum");
    assert_eq!(api_call(&officer, Method::GET, "/api/v1/reports/unmet-need", None).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_of_each_side_show_the_same_referral() {
    let c = cast().await;
    let officer = c.app.session_for(&c.officer).await;
    let worker = c.app.session_for(&c.worker).await;
    let (_, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme())).await;
    let finder = format!("/people/{}/interventions", c.person);
    let page = officer.visit(&finder).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Minder drinken"));
    let page = officer.submit(&format!("/people/{}/referrals", c.person), &[("intervention_id", "nonsense")]).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("error-summary"));
    let intervention = entry["id"].as_str().unwrap();
    let page = officer
        .submit(&format!("/people/{}/referrals", c.person), &[("intervention_id", intervention), ("risks", "")])
        .await;
    assert_eq!(page.status, 200);
    assert!(page.url.starts_with("/referrals/"), "{}", page.url);
    assert!(!page.body.contains("statutory_task"), "the legal basis shared in words, not as its code");
    let referral = page.url.clone();

    // What the referral does not record (no e-mail, address, risks, note, start, end) reads
    // "—" on both sides, said as "not recorded"; no row is left blank (finder3).
    for client in [&officer, &worker] {
        let shown = client.visit(&referral).await;
        assert!(!shown.body.contains("<dd></dd>"), "no blank row: {}", shown.body);
        assert_eq!(shown.body.matches("<span aria-hidden=\"true\">—</span>").count(), 6, "{}", shown.body);
        assert!(shown.body.contains("Niet vastgelegd"), "read out in the page's language");
    }
    let incoming = worker.visit("/provider/referrals").await;
    assert!(incoming.body.contains("Gerrit Hoekstra"));
    assert!(!incoming.body.contains("<td></td>"), "a referral not started shows — for its start");
    assert_eq!(worker.submit(&format!("{referral}/changes"), &[("action", "accept")]).await.status, 200);
    let waiting = worker.visit("/provider/referrals?view=waiting").await;
    assert!(waiting.body.contains("Gerrit Hoekstra"));
    worker.submit(&format!("{referral}/changes"), &[("action", "start")]).await;
    let page = worker
        .submit(&format!("{referral}/changes"), &[("action", "attendance"), ("attended", "no"), ("reason", "")])
        .await;
    assert_eq!(page.status, 422, "an absence needs a reason");
    assert!(page.body.contains("error-summary"));
    let page = worker
        .submit(
            &format!("{referral}/changes"),
            &[("action", "attendance"), ("attended", "yes"), ("date", "2026-11-22")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(worker.visit("/provider/referrals?view=sessions").await.body.contains("Gerrit Hoekstra"));
    // The referrer sees the progress live.
    let seen = officer.visit(&referral).await;
    assert!(seen.body.contains("referral-status") && seen.body.contains("2026-11-22"));
    assert!(officer.visit(&finder).await.body.contains(&referral));
    // Another provider's member: not found; the commissioners' page is theirs only.
    let other = c.app.session_for(&c.other_worker).await;
    assert_eq!(other.get(&referral).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        other.post_form(&format!("{referral}/changes"), &[("action", "start")]).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(officer.get("/provider/referrals").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(officer.get("/provider/catalogue").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(officer.get("/commissioning").await.status(), StatusCode::FORBIDDEN);
    let analyst = c.app.session_for(&c.analyst).await;
    let page = analyst.visit("/commissioning").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Minder drinken"));
    // The catalogue form names each invalid field.
    let page = worker.submit("/provider/catalogue", &[("name", ""), ("kind", "x"), ("capacity", "many")]).await;
    assert_eq!(page.status, 422);
    for field in ["#name", "#kind", "#needs", "#capacity", "#areas", "#outcomes"] {
        assert!(page.body.contains(&format!("href=\"{field}\"")), "{field} in the error summary");
    }
    assert!(worker.visit("/provider/catalogue").await.body.contains("Minder drinken"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn providers_receive_signed_webhooks_with_retries_a_log_and_replay() {
    let c = cast().await;
    let worker = c.app.session_for(&c.worker).await;
    let officer = c.app.session_for(&c.officer).await;
    // A provider system on a local server: the first call fails, later ones succeed.
    let received: Arc<Mutex<Vec<(axum::http::HeaderMap, String)>>> = Arc::default();
    let seen = received.clone();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let mut all = seen.lock().unwrap();
                all.push((headers, body));
                if all.len() == 1 { StatusCode::SERVICE_UNAVAILABLE } else { StatusCode::NO_CONTENT }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

    let url = format!("http://{address}/hook");
    let (status, hook) = api_call(&worker, Method::POST, "/api/v1/webhooks", Some(json!({"url": url}))).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let (status, _) = api_call(&worker, Method::POST, "/api/v1/webhooks", Some(json!({"url": "not a url"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let secret = hook["secret"].as_str().unwrap().strip_prefix("whsec_").unwrap();
    let secret = base64::engine::general_purpose::STANDARD.decode(secret).unwrap();

    let (_, entry) = api_call(&worker, Method::POST, "/api/v1/interventions", Some(programme())).await;
    let body = json!({"person_id": c.person.to_string(), "intervention_id": entry["id"]});
    let (_, referral) = api_call(&officer, Method::POST, "/api/v1/referrals", Some(body)).await;
    let id = referral["id"].as_str().unwrap();

    let client = web::webhooks::client(&[]).unwrap();
    let clock = c.app.clock.as_ref();
    web::webhooks::follow_outbox(&c.app.store, clock, uuid::Uuid::now_v7()).await.unwrap();
    assert_eq!(web::webhooks::send_due(&c.app.store, clock, &client, false).await.unwrap(), 1);
    let hook_id = hook["id"].as_str().unwrap();
    let (_, log) = api_call(&worker, Method::GET, &format!("/api/v1/webhooks/{hook_id}/deliveries"), None).await;
    assert_eq!((log[0]["state"].as_str(), log[0]["last_status"].as_u64()), (Some("pending"), Some(503)));
    assert_eq!(
        web::webhooks::send_due(&c.app.store, clock, &client, false).await.unwrap(),
        0,
        "backs off before retrying"
    );
    c.app.clock.advance(web::webhooks::backoff(1));
    assert_eq!(web::webhooks::send_due(&c.app.store, clock, &client, false).await.unwrap(), 1);
    let (_, log) = api_call(&worker, Method::GET, &format!("/api/v1/webhooks/{hook_id}/deliveries"), None).await;
    assert_eq!((log[0]["state"].as_str(), log[0]["attempts"].as_u64()), (Some("delivered"), Some(2)));

    {
        let all = received.lock().unwrap();
        assert_eq!(all.len(), 2);
        let (headers, body) = &all[1];
        let header = |name: &str| headers[name].to_str().unwrap().to_string();
        let (msg_id, timestamp) = (header("webhook-id"), header("webhook-timestamp"));
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&secret).unwrap();
        mac.update(format!("{msg_id}.{timestamp}.{body}").as_bytes());
        let expected = format!("v1,{}", base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()));
        assert_eq!(header("webhook-signature"), expected, "signed as Standard Webhooks describes");
        let payload: Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["type"], "referral.changed");
        assert_eq!(payload["data"]["referral_id"], id);
        assert_eq!(all[0].0["webhook-id"], all[1].0["webhook-id"], "a retry keeps the message id");
    }
    // Replay from a position delivers the event again.
    let (status, replayed) =
        api_call(&worker, Method::POST, &format!("/api/v1/webhooks/{hook_id}/replay"), Some(json!({"from": 0}))).await;
    assert_eq!((status, replayed["queued"].as_u64()), (StatusCode::OK, Some(1)));
    assert_eq!(web::webhooks::send_due(&c.app.store, clock, &client, false).await.unwrap(), 1);
    assert_eq!(received.lock().unwrap().len(), 3);
    // Another provider cannot read the log.
    let other = c.app.session_for(&c.other_worker).await;
    let path = format!("/api/v1/webhooks/{hook_id}/deliveries");
    assert_eq!(api_call(&other, Method::GET, &path, None).await.0, StatusCode::NOT_FOUND);
}
