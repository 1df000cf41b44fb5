//! Who may find help for a person and refer them is data (`referral_side_role`, migration
//! 0062): as seeded, probation and the process manager; housing, municipality and other partners
//! on the person's team are refused the finder (which shows the screened needs), the referral
//! form and unmet need, and are offered no link to them. And for every kind of member, each
//! link in the menu opens: no one is shown a way to a refusal.

use crate::interventions::cast;
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_referrer_sides_roles_find_and_refer_and_a_deployment_may_add_one() {
    let c = cast().await;
    let app = &c.app;
    let person = c.person.to_string();
    let housing = app.agency("Woningcorporatie Utrecht", AgencyKind::Provider).await;
    let housing_worker = app.member(&housing, "henk", &[Role::ProviderWorker]).await;
    let municipality = app.agency("Gemeente Zeist", AgencyKind::Municipality).await;
    let civil_servant = app.member(&municipality, "mira", &[Role::MunicipalityOfficer]).await;
    app.join_team(&c.officer, c.person, &housing).await;
    app.join_team(&c.officer, c.person, &municipality).await;
    let finder = format!("/api/v1/interventions?person={person}");
    let page = format!("/people/{person}/interventions");

    let probation = app.session_for(&c.officer).await;
    assert_eq!(probation.api(Method::GET, &finder, None).await.status(), StatusCode::OK);
    assert_eq!(probation.get(&page).await.status(), StatusCode::OK);
    assert!(probation.visit(&format!("/people/{person}")).await.body.contains("id=\"person-interventions\""));

    for member in [&housing_worker, &civil_servant] {
        let client = app.session_for(member).await;
        let who = &member.display_name;
        assert_eq!(client.api(Method::GET, &finder, None).await.status(), StatusCode::FORBIDDEN, "{who}: finder");
        assert_eq!(client.get(&page).await.status(), StatusCode::FORBIDDEN, "{who}: finder page");
        let body = json!({"person_id": person, "intervention_id": "01900000-0000-7000-8000-000000000001"});
        let refer = client.api(Method::POST, "/api/v1/referrals", Some(body)).await;
        assert_eq!(refer.status(), StatusCode::FORBIDDEN, "{who}: refer");
        let unmet = client
            .post_form(&format!("/people/{person}/unmet-need"), &[("need", "addiction"), ("reason", "none_exists")])
            .await;
        assert_eq!(unmet.status(), StatusCode::FORBIDDEN, "{who}: unmet need");
        let shown = client.visit(&format!("/people/{person}")).await;
        assert!(!shown.body.contains("id=\"person-interventions\""), "{who}: no link to the finder");
        let plan = client.visit(&format!("/people/{person}/plan")).await;
        assert!(!plan.body.contains("/interventions?task="), "{who}: no task offers to refer");
    }
    let refused =
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'denied' AND what = 'interventions: finder'").await;
    assert!(refused >= 4, "each refusal audited: {refused}");

    // The policy is data: a deployment where the municipality refers adds its role.
    app.execute("INSERT INTO referral_side_role (role, side) VALUES ('municipality_officer', 'referrer')").await;
    let client = app.session_for(&civil_servant).await;
    assert_eq!(client.api(Method::GET, &finder, None).await.status(), StatusCode::OK);
    assert!(client.visit(&format!("/people/{person}")).await.body.contains("id=\"person-interventions\""));
    let housing_client = app.session_for(&housing_worker).await;
    assert_eq!(housing_client.api(Method::GET, &finder, None).await.status(), StatusCode::FORBIDDEN);
}

/// The links of the page header's menu (not the language chooser or signing out).
fn menu_links(html: &str) -> Vec<String> {
    let start = html.find("<nav aria-label=").expect("the header's menu");
    links(&html[start..start + html[start..].find("</nav>").expect("the menu ends")])
}

/// The links of a page after `from` (e.g. its main part).
fn menu_links_in(html: &str, from: &str) -> Vec<String> {
    links(&html[html.find(from).unwrap_or(0)..])
}

fn links(menu: &str) -> Vec<String> {
    menu.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("/language/"))
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_menu_link_opens_for_each_kind_of_member() {
    let c = cast().await;
    let app = &c.app;
    // Each role in the kind of agency it works for; a provider's worker twice: at a provider
    // and at a mentoring agency (which coordinates mentors).
    let kinds = [
        (Role::Administrator, AgencyKind::SafetyHouse),
        (Role::PoliceOfficer, AgencyKind::Police),
        (Role::Prosecutor, AgencyKind::Prosecution),
        (Role::ProbationOfficer, AgencyKind::Probation),
        (Role::VictimSupportWorker, AgencyKind::VictimSupport),
        (Role::DefenceLawyer, AgencyKind::Defence),
        (Role::ProcessManager, AgencyKind::SafetyHouse),
        (Role::MunicipalityOfficer, AgencyKind::Municipality),
        (Role::ProviderWorker, AgencyKind::Provider),
        (Role::ProviderWorker, AgencyKind::Mentoring),
        (Role::Mentor, AgencyKind::Mentoring),
        (Role::Analyst, AgencyKind::Municipality),
        (Role::AssistantProsecutor, AgencyKind::Police),
    ];
    let mut failures = Vec::new();
    for (n, (role, kind)) in kinds.into_iter().enumerate() {
        let agency = app.agency(&format!("Menu {n}"), kind).await;
        let member = app.member(&agency, &format!("menu-{n}"), &[role]).await;
        app.join_team(&c.officer, c.person, &agency).await;
        let client = app.session_for(&member).await;
        let home = client.visit("/notifications").await;
        let links = menu_links(&home.body);
        assert!(links.contains(&"/notifications".to_string()), "{role} ({kind:?}): {links:?}");
        // The ZSM index is only a list of links (each location's board, obligations and
        // metrics): those are followed too.
        let mut to_open = links.clone();
        if links.iter().any(|l| l == "/zsm") {
            let index = client.visit("/zsm").await;
            to_open.extend(menu_links_in(&index.body, "<main").into_iter().filter(|l| l.starts_with("/zsm/")));
        }
        for link in to_open {
            let status = client.get(&link).await.status();
            if status != StatusCode::OK {
                failures.push(format!("{role} ({kind:?}): {link} answered {status}"));
            }
        }
        let zsm = links.iter().any(|l| l == "/zsm");
        assert_eq!(zsm, domain::zsm::service::TABLE_ROLES.contains(&role), "{role}: ZSM in the menu only at the table");
    }
    assert!(failures.is_empty(), "menu links that do not open:\n{}", failures.join("\n"));
}

/// Who works a provider's lists is data too (`referral_side_role`'s provider side): as seeded
/// a provider's worker; probation and the municipality are refused the list (page and API,
/// each refusal audited) and offered no link to it. A deployment that moves the provider side
/// to another role moves the list and the menu with it.
async fn the_providers_list_and_menu_follow_the_provider_sides_roles(app: crate::support::TestApp) {
    let (_, officer) = app.probation_officer().await;
    let provider = app.agency("Verslavingszorg Midden", AgencyKind::Provider).await;
    let worker = app.member(&provider, "piet", &[Role::ProviderWorker]).await;
    let municipality = app.agency("Gemeente Zeist", AgencyKind::Municipality).await;
    let civil_servant = app.member(&municipality, "mira", &[Role::MunicipalityOfficer]).await;
    let list = "/provider/referrals?view=waiting";
    let nav = "id=\"nav-provider\"";

    let piet = app.session_for(&worker).await;
    assert_eq!(piet.get(list).await.status(), StatusCode::OK);
    assert_eq!(piet.api(Method::GET, "/api/v1/referrals", None).await.status(), StatusCode::OK);
    assert!(piet.visit("/notifications").await.body.contains(nav), "a provider's worker is offered the list");
    for member in [&officer, &civil_servant] {
        let client = app.session_for(member).await;
        let who = &member.display_name;
        assert_eq!(client.get(list).await.status(), StatusCode::FORBIDDEN, "{who}: list page");
        let api = client.api(Method::GET, "/api/v1/referrals", None).await;
        assert_eq!(api.status(), StatusCode::FORBIDDEN, "{who}: list API");
        assert!(!client.visit("/notifications").await.body.contains(nav), "{who}: no link to the list");
    }
    let refused = "SELECT count(*) FROM audit_log WHERE action = 'denied' AND what = 'referral: provider list'";
    assert_eq!(app.scalar(refused).await, 4, "each refusal audited");

    // The municipality takes the provider side over from the provider's workers.
    app.execute("INSERT INTO referral_side_role (role, side) VALUES ('municipality_officer', 'provider')").await;
    app.execute("DELETE FROM referral_side_role WHERE role = 'provider_worker' AND side = 'provider'").await;
    let mira = app.session_for(&civil_servant).await;
    assert_eq!(mira.get(list).await.status(), StatusCode::OK);
    assert!(mira.visit("/notifications").await.body.contains(nav));
    let piet = app.session_for(&worker).await;
    assert_eq!(piet.get(list).await.status(), StatusCode::FORBIDDEN);
    assert!(!piet.visit("/notifications").await.body.contains(nav));
    assert_eq!(app.scalar(refused).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_list_and_menu_follow_the_provider_sides_roles_on_sqlite() {
    the_providers_list_and_menu_follow_the_provider_sides_roles(crate::support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_providers_list_and_menu_follow_the_provider_sides_roles_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    the_providers_list_and_menu_follow_the_provider_sides_roles(app).await;
}
