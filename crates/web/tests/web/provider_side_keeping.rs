//! A provider's catalogue and webhooks are kept by the roles that act for the provider side
//! of referrals (data, `referral_side_role`, as the provider's lists and menu are): as seeded
//! a provider's worker. A deployment that moves the provider side to another role moves the
//! catalogue and the webhooks with it; everyone else is refused (403), each refusal on record.

use crate::support::{TestApp, api_call};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

fn programme() -> serde_json::Value {
    json!({"name": "Schuldhulp", "kind": "debt_help", "needs": ["finances"], "outcomes": ["Debts in order"],
           "capacity": 5, "sessions": 6, "duration_weeks": 12, "areas": ["Zeist"]})
}

const REFUSED: &str = "SELECT count(*) FROM audit_log WHERE action = 'denied' \
     AND (what LIKE 'intervention%' OR what LIKE 'webhook%')";

async fn the_catalogue_and_webhooks_follow_the_provider_sides_roles(app: TestApp) {
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let municipality = app.agency("Gemeente Zeist", AgencyKind::Municipality).await;
    let civil_servant = app.member(&municipality, "mira", &[Role::MunicipalityOfficer]).await;
    let hook = json!({"url": "http://127.0.0.1:9/hook"});

    // As seeded: the provider's worker keeps them; the municipality's officer may not.
    let piet = app.session_for(&worker).await;
    assert_eq!(piet.get("/provider/catalogue").await.status(), StatusCode::OK);
    let (status, entry) = api_call(&piet, Method::POST, "/api/v1/interventions", Some(programme())).await;
    assert_eq!(status, StatusCode::CREATED, "{entry}");
    let entry = format!("/api/v1/interventions/{}", entry["id"].as_str().unwrap());
    let (status, webhook) = api_call(&piet, Method::POST, "/api/v1/webhooks", Some(hook.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{webhook}");
    let webhook = format!("/api/v1/webhooks/{}", webhook["id"].as_str().unwrap());
    assert_eq!(api_call(&piet, Method::GET, "/api/v1/webhooks", None).await.0, StatusCode::OK);
    let mira = app.session_for(&civil_servant).await;
    assert_eq!(mira.get("/provider/catalogue").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(mira.get("/provider/webhooks").await.status(), StatusCode::FORBIDDEN);
    let refused = api_call(&mira, Method::POST, "/api/v1/interventions", Some(programme())).await;
    assert_eq!(refused.0, StatusCode::FORBIDDEN, "{}", refused.1);
    assert_eq!(api_call(&mira, Method::POST, "/api/v1/webhooks", Some(hook.clone())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(api_call(&mira, Method::GET, "/api/v1/webhooks", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar(REFUSED).await, 5, "each refusal on record");

    // The municipality takes the provider side over from the provider's workers.
    app.execute("INSERT INTO referral_side_role (role, side) VALUES ('municipality_officer', 'provider')").await;
    app.execute("DELETE FROM referral_side_role WHERE role = 'provider_worker' AND side = 'provider'").await;
    assert_eq!(mira.get("/provider/catalogue").await.status(), StatusCode::OK);
    let (status, own) = api_call(&mira, Method::POST, "/api/v1/interventions", Some(programme())).await;
    assert_eq!((status, own["provider"].as_str()), (StatusCode::CREATED, Some(municipality.id.to_string().as_str())));
    assert_eq!(api_call(&mira, Method::POST, "/api/v1/webhooks", Some(hook.clone())).await.0, StatusCode::CREATED);
    assert_eq!(mira.get("/provider/webhooks").await.status(), StatusCode::OK);

    // The provider's worker no longer keeps even their own entry and webhook.
    assert_eq!(piet.get("/provider/catalogue").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(api_call(&piet, Method::GET, &entry, None).await.0, StatusCode::FORBIDDEN);
    let switch = json!({"active": false});
    assert_eq!(api_call(&piet, Method::PATCH, &webhook, Some(switch)).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        api_call(&piet, Method::POST, "/api/v1/interventions", Some(programme())).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(api_call(&piet, Method::GET, "/api/v1/webhooks", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.scalar(REFUSED).await, 10, "each refusal on record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_and_webhooks_follow_the_provider_sides_roles_on_sqlite() {
    the_catalogue_and_webhooks_follow_the_provider_sides_roles(crate::support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_and_webhooks_follow_the_provider_sides_roles_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    the_catalogue_and_webhooks_follow_the_provider_sides_roles(app).await;
}
