//! The provider's catalogue and webhooks pages walked as the provider's member and as a
//! probation officer (issue 19), on SQLite and PostgreSQL: a bad entry is answered 422 with a
//! summary naming each field in the order the form shows them, and nothing is saved; the unit
//! cost is typed and shown in euros (kept in cents, as the API gives it); an entry's edit is its
//! next version in the history, named by the field's label; the webhooks' switches are named for
//! the address they switch; a member whose roles do not act for the provider side is refused
//! every one of these pages (403), and nothing changes.

use crate::support;
use crate::support::{TestApp, api_call, input_value};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};

/// The summary's links, in order.
fn summary_links(html: &str) -> Vec<String> {
    let Some(from) = html.find("class=\"error-summary\"") else { return Vec::new() };
    let summary = &html[from..from + html[from..].find("</div>").unwrap()];
    summary.split("href=\"#").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

fn entry<'a>(name: &'a str, cost: &'a str, sessions: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", name),
        ("kind", "debt_help"),
        ("needs", "finances"),
        ("areas", "Utrecht\nZeist"),
        ("capacity", "5"),
        ("sessions", sessions),
        ("duration_weeks", "12"),
        ("unit_cost_cents", cost),
        ("outcomes", "Schulden op orde"),
    ]
}

async fn journey(app: TestApp) {
    let provider = app.agency("Schuldhulpmaatje Utrecht", AgencyKind::Provider).await;
    let worker = app.member(&provider, "ria", &[Role::ProviderWorker]).await;
    let (_, officer) = app.probation_officer().await;
    let ria = app.session_for(&worker).await;
    let fatima = app.session_for(&officer).await;
    let entries = app.count("intervention").await;

    // Bad: no name, no areas, places and sessions not numbers, a cost that is not money.
    let bad = [
        ("name", ""),
        ("kind", "debt_help"),
        ("needs", "finances"),
        ("areas", ""),
        ("capacity", "veel"),
        ("sessions", "-3"),
        ("unit_cost_cents", "twee euro"),
        ("outcomes", "Schulden op orde"),
    ];
    let response = ria.post_form("/provider/catalogue", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert_eq!(summary_links(&html), ["name", "areas", "capacity", "sessions", "unit_cost_cents"], "{html}");
    for anchor in summary_links(&html) {
        assert!(html.contains(&format!("id=\"{anchor}\"")), "the link {anchor} leads to an input");
    }
    assert!(html.contains("Kosten per deelnemer in euro: Vul de kosten in euro in, bijvoorbeeld 42,50"), "{html}");
    assert!(html.contains("value=\"twee euro\""), "what was typed is kept");
    assert_eq!(app.count("intervention").await, entries, "nothing saved");

    // Good: the cost typed in euros, kept in cents; the form shows it in euros again.
    let added = ria.post_form("/provider/catalogue", &entry("Schuldhulp", "42,50", "6")).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let list = ria.get("/provider/catalogue").await.text().await.unwrap();
    let at = list.find("href=\"/provider/catalogue/").unwrap() + "href=\"".len();
    let page = list[at..at + list[at..].find('"').unwrap()].to_string();
    let id = page.rsplit('/').next().unwrap().to_string();
    let (status, kept) = api_call(&ria, Method::GET, &format!("/api/v1/interventions/{id}"), None).await;
    let current = &kept["intervention"];
    assert_eq!((status, current["unit_cost_cents"].as_i64()), (StatusCode::OK, Some(4_250)), "{kept}");
    assert_eq!(current["areas"], serde_json::json!(["Utrecht", "Zeist"]));
    let html = ria.get(&page).await.text().await.unwrap();
    assert_eq!(input_value(&html, "unit_cost_cents"), "42,50");

    // Edited: the next version, its history naming what changed by the form's label.
    let version = input_value(&html, "version");
    let mut edit = entry("Schuldhulp", "€ 1.250", "8");
    edit.push(("version", &version));
    let saved = ria.post_form(&page, &edit).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let (_, kept) = api_call(&ria, Method::GET, &format!("/api/v1/interventions/{id}"), None).await;
    assert_eq!(kept["intervention"]["unit_cost_cents"].as_i64(), Some(125_000), "{kept}");
    let html = ria.get(&page).await.text().await.unwrap();
    let history = &html[html.find("id=\"history\"").unwrap()..];
    assert_eq!(history.matches("<tr><td>").count(), 2, "{history}");
    assert!(history.contains("Bijeenkomsten, Kosten per deelnemer in euro"), "{history}");
    assert_eq!(input_value(&html, "unit_cost_cents"), "1.250,00");

    // Webhooks: a bad address named; each switch names the address it switches.
    let response = ria.post_form("/provider/webhooks", &[("url", "ftp://nergens")]).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(summary_links(&response.text().await.unwrap()), ["url"]);
    let made = ria.post_form("/provider/webhooks", &[("url", "https://schuldhulp.example/desist")]).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let html = made.text().await.unwrap();
    assert!(
        html.contains("Uitzetten<span class=\"visually-hidden\">: https://schuldhulp.example/desist</span>"),
        "{html}"
    );

    // Probation acts for the referrer side, not the provider's: every page refused, nothing saved.
    let hooks = app.count("webhook").await;
    assert_eq!(fatima.get("/provider/catalogue").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(fatima.get(&page).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(fatima.get("/provider/webhooks").await.status(), StatusCode::FORBIDDEN);
    let refused = fatima.post_form("/provider/catalogue", &entry("Eigen aanbod", "10", "6")).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let mut edit = entry("Overgenomen", "10", "6");
    edit.push(("version", "2"));
    assert_eq!(fatima.post_form(&page, &edit).await.status(), StatusCode::FORBIDDEN);
    let subscribe = [("url", "https://reclassering.example/hook")];
    assert_eq!(fatima.post_form("/provider/webhooks", &subscribe).await.status(), StatusCode::FORBIDDEN);
    assert_eq!((app.count("intervention").await, app.count("webhook").await), (entries + 1, hooks));
    let (_, kept) = api_call(&ria, Method::GET, &format!("/api/v1/interventions/{id}"), None).await;
    assert_eq!(kept["intervention"]["name"], "Schuldhulp", "unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_and_webhook_pages_hold_for_the_provider_and_refuse_probation_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalogue_and_webhook_pages_hold_for_the_provider_and_refuse_probation_on_postgres() {
    if let Some(app) = support::spawn_postgres().await {
        journey(app).await;
    }
}
