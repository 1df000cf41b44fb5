//! Issue 18, the whole API: partner systems saving their sections of one ZSM case at the same
//! moment both succeed (each section has its own version, like the page's), while a save on
//! a section someone saved after the version the client read is a 409 problem naming that
//! section, who saved it and its version now. On SQLite and PostgreSQL.

use crate::support::api_call;
use crate::support::zsm::{Table, register, table, table_on_app, zsm_app};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn journey(t: Table) {
    let case = register(&t, "Gelijktijdig", &t.lawyer_actor.member_id.to_string()).await;
    let (status, read) = api_call(&t.victim_support, Method::GET, &format!("/api/v1/zsm/cases/{case}"), None).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    let version_of = |partner: &str| {
        read["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["partner"] == partner)
            .map(|s| s["version"].as_i64().unwrap())
    };
    let (victim_v, police_v) = (version_of("victim_support").unwrap(), version_of("police").unwrap());
    let path = |partner: &str| format!("/api/v1/zsm/cases/{case}/contributions/{partner}");

    // Victim support and the police save their own sections at once, each on what it read.
    let victim = json!({"state": "in_progress", "interests": "Schade vergoed", "damages_claim": "45,90", "seen_version": victim_v});
    let police = json!({"state": "done", "additional_information": "Camerabeelden", "seen_version": police_v});
    let (victim_path, police_path) = (path("victim_support"), path("police"));
    let ((victim_status, victim_saved), (police_status, police_saved)) = tokio::join!(
        api_call(&t.victim_support, Method::POST, &victim_path, Some(victim.clone())),
        api_call(&t.police, Method::POST, &police_path, Some(police)),
    );
    assert_eq!(victim_status, StatusCode::CREATED, "{victim_saved}");
    assert_eq!(police_status, StatusCode::CREATED, "{police_saved}");
    let (_, now) = api_call(&t.police, Method::GET, &format!("/api/v1/zsm/cases/{case}"), None).await;
    let state = |partner: &str| {
        now["sections"].as_array().unwrap().iter().find(|s| s["partner"] == partner).unwrap()["state"].clone()
    };
    assert_eq!((state("victim_support"), state("police")), (json!("in_progress"), json!("done")), "both saved");

    // Victim support saves again on the version it read first: its section changed since.
    let mut stale = victim;
    stale["interests"] = json!("Uit een tweede systeem");
    let (status, problem) =
        api_call(&t.victim_support, Method::POST, &path("victim_support"), Some(stale.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["section"], "victim_support", "the problem names the section: {problem}");
    assert_eq!(problem["current_version"], victim_saved["version"]);
    assert_eq!(problem["errors"][0]["field"], "section_conflict");
    assert!(problem["saved_by"].as_str().is_some_and(|who| !who.is_empty()), "{problem}");
    // With the version it has now, the save is a knowing overwrite.
    stale["seen_version"] = problem["current_version"].clone();
    let (status, saved) = api_call(&t.victim_support, Method::POST, &path("victim_support"), Some(stale)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    // A section the member does not speak for is refused.
    let (status, _) = api_call(&t.victim_support, Method::POST, &path("police"), Some(json!({"state": "done"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sections_through_the_api_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sections_through_the_api_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
