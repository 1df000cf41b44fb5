//! The subject-access export holds everything about the person (issue 16, item 9): their plan
//! with its goals, tasks and notes, measures and episodes, exclusion orders (whole for the
//! excluded person, as a mention for the victim), what partners were told, and the audit
//! trail — as JSON and as a readable page — and a victim's export names no one else's record.

use crate::support::teams::{PlanTeam, plan_team};
use crate::support::{api_call, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::jurisdiction::BeyondPack;
use domain::measures::service::Measures;
use domain::measures::{EpisodeInput, OrderInput};
use reqwest::{Method, StatusCode};

#[tokio::test]
async fn the_export_holds_every_record_of_the_person_and_only_mentions_others() {
    let s: PlanTeam = plan_team(spawn_app().await).await;
    let (client, plan) = s.active_plan().await;
    let note = [("text", "Gesprek gehad over schulden")];
    assert_eq!(client.post_form(&format!("{plan}/notes"), &note).await.status(), StatusCode::SEE_OTHER);
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap());
    let measures = Measures { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let episode = EpisodeInput {
        case_manager: s.officer.member_id.to_string(),
        started_on: String::new(),
        weeks: "6".into(),
        contacts_per_week: "2".into(),
    };
    measures.start_episode(&s.officer, s.person, &episode).await.unwrap();
    let victim = s.app.person(&s.officer, "Verhoeven", "123456782").await;
    s.app.join_team(&s.officer, victim, &s.municipality).await;
    let order = OrderInput {
        victims: victim.to_string(),
        children: String::new(),
        address: "Kerkstraat 1, Utrecht".into(),
        decision_ref: "BM-2026-17".into(),
        imposed_at: "2026-11-22T09:00".into(),
    };
    measures.impose_order(&s.clerk, s.person, &order).await.unwrap();

    let office = s.app.agency("Functioneel beheer", AgencyKind::SafetyHouse).await;
    let admin = s.app.member(&office, "beheer", &[Role::Administrator]).await;
    let admin = s.app.session_for(&admin).await;
    let (status, export) = api_call(&admin, Method::GET, &format!("/api/v1/people/{}/export", s.person), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(export["format"], "desist-subject-access/2");
    let plan_json = &export["plans"][0]["plan"];
    assert_eq!(plan_json["goals"][0]["in_own_words"], "Ik wil een eigen kamer");
    assert_eq!(plan_json["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(plan_json["notes"][0]["text"], "Gesprek gehad over schulden");
    assert!(export["plans"][0]["history"].as_array().unwrap().len() >= 6, "every step of the plan");
    assert_eq!(export["episodes"].as_array().unwrap().len(), 1);
    assert_eq!(export["exclusion_orders"][0]["address"], "Kerkstraat 1, Utrecht");
    let told: Vec<&str> =
        export["notifications"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert!(told.contains(&"plan.task.assigned") && told.contains(&"episode.assigned"), "{told:?}");
    assert!(!export["audit"].as_array().unwrap().is_empty());

    // The victim's export mentions the order that protects them, not the excluded person's record.
    let (_, theirs) = api_call(&admin, Method::GET, &format!("/api/v1/people/{victim}/export"), None).await;
    assert_eq!(theirs["exclusion_orders"], serde_json::json!([]));
    assert_eq!(theirs["protected_by"][0]["role"], "victim");
    assert!(!theirs.to_string().contains("Kerkstraat") && !theirs.to_string().contains(&s.person.to_string()));

    // The readable page shows each section.
    let html = admin.get(&format!("/people/{}/export", s.person)).await.text().await.unwrap();
    for text in
        ["Casusteam", "Gebiedsverbod handhaven", "Gesprek gehad over schulden", "Huisverbod", "Kort intensief traject"]
    {
        assert!(html.contains(text), "{text} on the page");
    }
}
