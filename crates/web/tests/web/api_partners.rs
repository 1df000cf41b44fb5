//! The JSON API does what the pages do for the hand-offs between partners (issue 17): victim
//! support answers its invitation onto a person's team through the API (with its own legal
//! basis; a blank one is a 422 naming the field), and the plan links the person's own area
//! ban picked by its id — never a free-text duplicate — and ends it.

use crate::support::teams::{conference_team, plan_team};
use crate::support::{api_call, problem_fields, spawn_app};
use domain::access::Role;
use domain::conference::service::Conferences;
use domain::conference::{RequestInput, TriageInput};
use domain::directory::AgencyKind;
use domain::jurisdiction::BeyondPack;
use domain::measures::BanInput;
use domain::measures::service::Measures;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn victim_support_answers_its_invitation_through_the_api() {
    let s = conference_team(spawn_app().await).await;
    let support = s.app.agency("Slachtofferhulp Utrecht", AgencyKind::VictimSupport).await;
    let helper = s.app.member(&support, "vera", &[Role::VictimSupportWorker]).await;
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::UTC);
    let conferences = Conferences { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let input = RequestInput {
        reason: "threatens his ex-partner".into(),
        goal: "safety of the ex-partner".into(),
        invited: vec![s.house.id.to_string(), support.id.to_string()],
    };
    let request = conferences.request(&s.officer, s.person, &input).await.unwrap().id;
    conferences.triage(&s.manager, request, &TriageInput::Accept).await.unwrap();

    let vera = s.app.session_for(&helper).await;
    let (status, list) = api_call(&vera, Method::GET, "/api/v1/invitations", None).await;
    assert_eq!(status, StatusCode::OK);
    let invitation = list["invitations"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(list["invitations"][0]["purpose"], "safety of the ex-partner", "{list}");
    let path = format!("/api/v1/invitations/{invitation}");
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(api_call(&stranger, Method::GET, &path, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        api_call(&vera, Method::GET, &format!("/api/v1/people/{}", s.person), None).await.0,
        StatusCode::FORBIDDEN
    );

    let blank =
        json!({"decision": "accept", "basis": {"kind": "statutory_task", "statute": "", "reason": "slachtoffer"}});
    let (status, problem) = api_call(&vera, Method::POST, &path, Some(blank)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem_fields(&problem).contains(&"statute".to_string()), "{problem}");
    let accept = json!({"decision": "accept", "basis": {"kind": "statutory_task", "statute": "Wetboek van Strafvordering, art. 51aa", "reason": "slachtoffer"}});
    let (status, answered) = api_call(&vera, Method::POST, &path, Some(accept)).await;
    assert_eq!((status, answered["status"].as_str()), (StatusCode::OK, Some("accepted")), "{answered}");
    assert_eq!(api_call(&vera, Method::GET, &format!("/api/v1/people/{}", s.person), None).await.0, StatusCode::OK);
    let (_, list) = api_call(&vera, Method::GET, "/api/v1/invitations", None).await;
    assert_eq!(list["invitations"], json!([]), "answered");

    let spec: serde_json::Value = s.app.anonymous().get("/api/openapi.json").await.json().await.unwrap();
    assert!(spec["paths"]["/api/v1/invitations/{invitation}"]["post"].is_object());
    assert!(spec["paths"]["/api/v1/people/{id}/plan/measures"]["post"].is_object());
}

#[tokio::test]
async fn the_plan_links_the_persons_own_area_ban_through_the_api() {
    let s = plan_team(spawn_app().await).await;
    let (client, _) = s.active_plan().await;
    let (pack, zone) = (BeyondPack::nl(), jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap());
    let measures = Measures { store: &s.app.store, clock: s.app.clock.as_ref(), time_zone: &zone, pack: &pack };
    let ban = BanInput {
        area: "Centrum".into(),
        decision_ref: "GB-7".into(),
        starts_on: "2026-11-20".into(),
        ends_on: "2027-02-20".into(),
    };
    let ban = measures.impose_ban(&s.clerk, s.person, &ban).await.unwrap();
    let path = format!("/api/v1/people/{}/plan/measures", s.person);
    let (status, problem) =
        api_call(&client, Method::POST, &path, Some(json!({"measure": "gebiedsverbod centrum"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "free text is not a measure: {problem}");
    assert_eq!(problem_fields(&problem), ["measure"]);
    let (status, linked) = api_call(&client, Method::POST, &path, Some(json!({"measure": ban.id.to_string()}))).await;
    assert_eq!(status, StatusCode::CREATED, "{linked}");
    assert_eq!((linked["kind"].as_str(), linked["open"].as_bool()), (Some("area_ban"), Some(true)));
    assert!(linked["description"].as_str().unwrap().contains("Centrum"));
    let (_, plan) = api_call(&client, Method::GET, &format!("/api/v1/people/{}/plan", s.person), None).await;
    assert_eq!(plan["plan"]["measures"][0]["id"], linked["id"], "{plan}");
    let end = format!("{path}/{}/end", linked["id"].as_str().unwrap());
    let police = s.app.session_for(&s.constable).await;
    assert_eq!(
        api_call(&police, Method::POST, &end, None).await.0,
        StatusCode::FORBIDDEN,
        "the plan's managers end it"
    );
    assert_eq!(api_call(&client, Method::POST, &end, None).await.0, StatusCode::NO_CONTENT);
    let (_, plan) = api_call(&client, Method::GET, &format!("/api/v1/people/{}/plan", s.person), None).await;
    assert_eq!(plan["plan"]["measures"][0]["open"], false);
}
