//! Administration (issue 18): a fresh install set up through the API by its first
//! administrator, whose new police officer then signs in and registers a ZSM case; the
//! `/admin` pages with their error summaries; a password set by someone else changed before
//! anything else; disabling, enabling and resetting; and non-administrators refused (403) on
//! record. On SQLite and PostgreSQL.

use crate::support::zsm::{NOW, intake, zsm_app};
use crate::support::{PASSWORD, TestApp, api_call, problem_fields};
use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore};
use domain::partnership::service::{Administration, FirstRunInput};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The first administrator, as `desist init --admin beheer --password-file …` makes them.
async fn first_administrator(app: &TestApp) {
    let passwords = web::SystemPasswords::default();
    let admin = Administration { store: &app.store, clock: app.clock.as_ref(), passwords: &passwords };
    let input = FirstRunInput { username: "beheer".into(), password: Some(PASSWORD.into()), ..Default::default() };
    let done = admin.first_administrator(&input).await.unwrap();
    assert!(done.agency_created && done.one_time_password.is_none());
    let again = admin.first_administrator(&FirstRunInput { username: "other".into(), ..Default::default() }).await;
    assert!(again.unwrap_err().to_string().contains("an administrator already exists (beheer)"));
}

/// An API client signed in with `POST /api/v1/login`, sending its bearer token.
struct Bearer {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl Bearer {
    async fn sign_in(app: &TestApp, username: &str, password: &str) -> Bearer {
        let http = reqwest::Client::new();
        let login = http
            .post(app.url("/api/v1/login"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), StatusCode::OK, "{username} signs in");
        let body: Value = login.json().await.unwrap();
        Bearer { http, base: app.address.clone(), token: body["token"].as_str().unwrap().to_string() }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        if status.is_client_error() {
            assert_eq!(response.headers()["content-type"], "application/problem+json", "{path}: {status}");
        }
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

async fn a_fresh_install_is_set_up_through_the_api(app: TestApp) {
    first_administrator(&app).await;
    let admin = Bearer::sign_in(&app, "beheer", PASSWORD).await;
    let (status, police) = admin
        .call(Method::POST, "/api/v1/admin/agencies", Some(json!({"name": "Politie Utrecht", "kind": "police"})))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{police}");
    let police_id = police["id"].as_str().unwrap().to_string();
    let body = json!({"name": "ZSM Utrecht", "pack": "nl", "agencies": [police_id]});
    let (status, location) = admin.call(Method::POST, "/api/v1/admin/locations", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{location}");
    assert_eq!(
        (location["id"].as_str(), location["time_zone"].as_str()),
        (Some("zsm-utrecht"), Some("Europe/Amsterdam"))
    );
    let body = json!({"username": "agent", "name": "Agent Jansen", "agency_id": police_id, "roles": ["police_officer"], "password": PASSWORD});
    let (status, member) = admin.call(Method::POST, "/api/v1/admin/members", Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    assert!(
        member["id"].is_string() && member["one_time_password"].is_null() && member["must_change_password"] == false
    );
    let (_, members) = admin.call(Method::GET, "/api/v1/admin/members", None).await;
    assert_eq!(members.as_array().unwrap().len(), 2, "{members}");
    let (_, locations) = admin.call(Method::GET, "/api/v1/admin/locations", None).await;
    assert_eq!(locations[0]["name"], "ZSM Utrecht");

    // The new member signs in and registers a case at the new table.
    let agent = app.sign_in("agent").await;
    let person = json!({
        "person": {"family_name": "Visser", "given_names": "Sam", "sex": "X"},
        "basis": {"kind": "statutory_task", "statute": "Politiewet 2012 art. 3", "reason": "ZSM"}
    });
    let (status, suspect) = api_call(&agent, Method::POST, "/api/v1/people", Some(person)).await;
    assert_eq!(status, StatusCode::CREATED, "{suspect}");
    let suspect = suspect["id"].as_str().unwrap();
    let page =
        agent.submit("/zsm/cases", &intake(suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.url.starts_with("/zsm/cases/"), "on the case page, not {}", page.url);
    let audited = app.count("audit_log WHERE what LIKE 'admin: %' AND action = 'create'").await;
    assert_eq!(audited, 5, "the agencies, the location and both members are on record");
}

#[tokio::test]
async fn a_fresh_install_is_set_up_through_the_api_on_sqlite() {
    a_fresh_install_is_set_up_through_the_api(zsm_app(NOW).sqlite().await).await;
}

#[tokio::test]
async fn a_fresh_install_is_set_up_through_the_api_on_postgres() {
    let Some(app) = zsm_app(NOW).postgres().await else { return };
    a_fresh_install_is_set_up_through_the_api(app).await;
}

async fn others_are_refused_and_bad_input_named(app: TestApp) {
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    let admin = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let agent = app.session_for(&police).await;
    for (method, path) in [
        (Method::GET, "/api/v1/admin/members"),
        (Method::POST, "/api/v1/admin/agencies"),
        (Method::POST, "/api/v1/admin/locations"),
    ] {
        let body = (method == Method::POST).then(|| json!({"name": "Politie Noord", "kind": "police", "pack": "nl"}));
        let (status, _) = api_call(&agent, method, path, body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(agent.get("/admin/agencies").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(agent.post_form("/admin/members", &[("username", "x")]).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND what LIKE 'admin: %'").await, 5);
    assert_eq!(app.count("agency").await, 2, "nothing was added");
    assert!(!agent.visit("/people").await.body.contains("href=\"/admin\""), "no menu entry for others");

    let admin = app.session_for(&admin).await;
    assert!(admin.visit("/people").await.body.contains("href=\"/admin\""), "the administrator's menu links it");
    let (status, problem) =
        api_call(&admin, Method::POST, "/api/v1/admin/locations", Some(json!({"name": "Marte", "pack": "mars"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["pack"]);
    let member = json!({"username": "a b", "name": "", "agency_id": "nope", "roles": ["sheriff"], "password": "short"});
    let (status, problem) = api_call(&admin, Method::POST, "/api/v1/admin/members", Some(member)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem_fields(&problem), ["username", "name", "agency_id", "roles", "password"]);
    let (status, problem) =
        api_call(&admin, Method::POST, "/api/v1/admin/agencies", Some(json!({"name": "Politie", "kind": "police"})))
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem_fields(&problem), ["name"], "a name taken");
    let (status, _) = api_call(&admin, Method::POST, "/api/v1/admin/agencies", Some(json!({"name": 7}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a body that is not the JSON asked for");

    // The pages: the form again with an error summary naming each field.
    let page = admin.post_form("/admin/agencies", &[("name", ""), ("kind", "sheriff")]).await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert!(html.contains("error-summary") && html.contains("Naam: Vul dit in"), "{html}");
    assert!(html.contains("Soort organisatie: Onbekende soort organisatie sheriff"), "{html}");
    let page = admin
        .post_form("/admin/locations", &[("name", "Torino"), ("pack", "mars"), ("time_zone", "Mars/Olympus")])
        .await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("href=\"#pack\"") && html.contains("href=\"#time_zone\"") && html.contains("value=\"Torino\""),
        "{html}"
    );
}

#[tokio::test]
async fn others_are_refused_and_bad_input_named_on_sqlite() {
    others_are_refused_and_bad_input_named(crate::support::spawn_app().await).await;
}

#[tokio::test]
async fn others_are_refused_and_bad_input_named_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    others_are_refused_and_bad_input_named(app).await;
}

/// The one-time password a page shows once.
fn one_time_password(html: &str) -> String {
    let start = html.find("id=\"one-time-password\">").expect("the one-time password is shown") + 23;
    html[start..].split('<').next().unwrap().to_string()
}

#[tokio::test]
async fn the_pages_add_members_locations_and_safety_houses_and_a_set_password_is_changed_first_on_sqlite() {
    the_pages_add_members_locations_and_safety_houses(crate::support::app().in_english().sqlite().await).await;
}

/// On PostgreSQL the sessions are kept in memory: a changed password, a reset and disabling
/// must reach them too.
#[tokio::test]
async fn the_pages_add_members_locations_and_safety_houses_and_a_set_password_is_changed_first_on_postgres() {
    let Some(app) = crate::support::app().in_english().postgres().await else { return };
    the_pages_add_members_locations_and_safety_houses(app).await;
}

async fn the_pages_add_members_locations_and_safety_houses(app: TestApp) {
    let actor = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let admin = app.session_for(&actor).await;
    assert_eq!(admin.visit("/admin").await.status, 200);
    let page =
        admin.submit("/admin/agencies", &[("name", "Police Utrecht"), ("kind", "police"), ("contact", "desk")]).await;
    assert!(page.url == "/admin/agencies" && page.body.contains("Police Utrecht"), "{}", page.body);
    let agencies = app.store.agencies().await.unwrap();
    let police = agencies.iter().find(|a| a.name == "Police Utrecht").unwrap().id.to_string();

    let page = admin
        .submit("/admin/locations", &[("name", "Custody Leeds"), ("pack", "england-wales"), ("agencies", &police)])
        .await;
    assert!(page.body.contains("custody-leeds") && page.body.contains("Europe/London"), "{}", page.body);
    let fields = [
        ("name", "Veiligheidshuis Utrecht"),
        ("pack", "nl"),
        ("persons_per_day", "6"),
        ("triage_cutoff", "12:00"),
        ("agencies", &police),
    ];
    let page = admin.submit("/admin/safety-houses", &fields).await;
    assert!(page.body.contains("Veiligheidshuis Utrecht") && page.body.contains("12:00"), "{}", page.body);
    let house = app.store.agencies().await.unwrap().into_iter().find(|a| a.name == "Veiligheidshuis Utrecht").unwrap();
    assert!(
        app.store.agency_packs().await.unwrap().contains(&(house.id, "nl".to_string())),
        "its triage and conference pages follow the pack it was given"
    );

    // A member without a password: a one-time password, shown once, not cached.
    let fields = [
        ("username", "Agent"),
        ("name", "Agent Smith"),
        ("agency_id", &police),
        ("roles", "police_officer"),
        ("roles", "assistant_prosecutor"),
        ("password", ""),
    ];
    let shown = admin.post_form("/admin/members", &fields).await;
    assert_eq!(shown.status(), StatusCode::OK);
    assert_eq!(shown.headers()["cache-control"], "no-store");
    let password = one_time_password(&shown.text().await.unwrap());
    assert_eq!(password.len(), 23);

    // Signing in with it leads to changing it, before anything else (the API refuses meanwhile).
    let agent = signed_in_with(&app, "agent", &password).await;
    let page = agent.visit("/people").await;
    assert_eq!(page.url, "/account/password", "sent to change the password first");
    assert!(page.body.contains("id=\"must-change\""));
    let csrf = crate::support::input_value(&page.body, "csrf");
    let agent = Browser { csrf, ..agent };
    let (status, _) = agent.api(Method::GET, "/api/v1/sessions").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let wrong = agent
        .post(
            "/account/password",
            &[
                ("current_password", "nope"),
                ("password", "a brand new password"),
                ("password_again", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().await.unwrap().contains("Current password: The current password is not right"));
    let changed = agent
        .post(
            "/account/password",
            &[
                ("current_password", &password),
                ("password", "a brand new password"),
                ("password_again", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(agent.get("/people").await.status(), StatusCode::OK, "free to go on");

    // The administrator sees the session, resets the password (ending it), disables, enables.
    let members = app.store.members().await.unwrap();
    let agent_id = members.iter().find(|m| m.username == "agent").unwrap().id;
    let page = admin.visit(&format!("/admin/members/{agent_id}")).await;
    assert!(
        page.body.contains("<table class=\"table\" id=\"sessions\">") && page.body.contains("Assistant prosecutor"),
        "{}",
        page.body
    );
    let reset = admin.post_form(&format!("/admin/members/{agent_id}/reset-password"), &[]).await;
    let new_password = one_time_password(&reset.text().await.unwrap());
    assert_eq!(agent.get("/people").await.status(), StatusCode::SEE_OTHER, "the reset ended the session");
    let again = signed_in_with(&app, "agent", &new_password).await;
    assert_eq!(again.visit("/people").await.url, "/account/password");
    admin.submit(&format!("/admin/members/{agent_id}/disable"), &[]).await;
    assert_eq!(again.get("/account/password").await.status(), StatusCode::SEE_OTHER, "disabling ended it");
    let page = admin.submit(&format!("/admin/members/{agent_id}/enable"), &[]).await;
    assert!(page.body.contains("Active"), "{}", page.body);
    let own = admin.post_form(&format!("/admin/members/{}/disable", actor.member_id), &[]).await;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY, "no one disables themselves");
    let (status, sessions) =
        api_call(&admin, Method::GET, &format!("/api/v1/admin/members/{agent_id}/sessions"), None).await;
    assert_eq!((status, sessions.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
}

/// A browser that signed in through the form, keeping its cookie.
struct Browser {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

async fn signed_in_with(app: &TestApp, username: &str, password: &str) -> Browser {
    let http =
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
    let login =
        http.post(app.url("/login")).form(&[("username", username), ("password", password)]).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::SEE_OTHER, "{username} signs in");
    Browser { http, base: app.address.clone(), csrf: String::new() }
}

impl Browser {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.unwrap()
    }

    async fn visit(&self, path: &str) -> crate::support::Page {
        let mut response = self.get(path).await;
        while response.status().is_redirection() {
            let location = response.headers()["location"].to_str().unwrap().to_string();
            response = self.get(&location).await;
        }
        crate::support::Page {
            status: response.status().as_u16(),
            url: response.url().path().to_string(),
            body: response.text().await.unwrap(),
        }
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = fields.to_vec();
        all.push(("csrf", &self.csrf));
        self.http.post(format!("{}{path}", self.base)).form(&all).send().await.unwrap()
    }

    async fn api(&self, method: Method, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("x-csrf-token", &self.csrf)
            .send()
            .await
            .unwrap();
        (response.status(), response.json().await.unwrap_or(Value::Null))
    }
}

async fn partner_systems_call_the_api_with_keys(app: TestApp) {
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let actor = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let admin = app.session_for(&actor).await;
    let new = json!({"name": "Intake", "agency_id": police.id.to_string(), "scopes": ["police_officer"]});
    let (status, key) = api_call(&admin, Method::POST, "/api/v1/admin/api-keys", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{key}");
    let token = key["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("dsk_") && token.len() == 68, "{token}");
    let stored = format!("api_key WHERE token_hash = '{}'", crate::support::sha256_hex(&token));
    assert_eq!(app.count(&stored).await, 1, "only the hash is kept");
    let admin_scope = json!({"name": "Root", "agency_id": police.id.to_string(), "scopes": ["administrator"]});
    let (status, problem) = api_call(&admin, Method::POST, "/api/v1/admin/api-keys", Some(admin_scope)).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["scopes".to_string()]));

    // The system registers a person, on record under the key's name.
    let system = Bearer { http: reqwest::Client::new(), base: app.address.clone(), token: token.clone() };
    let person = json!({
        "person": {"family_name": "Visser", "given_names": "Sam"},
        "basis": {"kind": "statutory_task", "statute": "Politiewet 2012 art. 3", "reason": "ZSM"}
    });
    let (status, created) = system.call(Method::POST, "/api/v1/people", Some(person)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (_, audit) =
        system.call(Method::GET, &format!("/api/v1/people/{}/audit", created["id"].as_str().unwrap()), None).await;
    assert!(audit.to_string().contains("API key: Intake"), "{audit}");
    let (status, _) = system.call(Method::GET, "/api/v1/admin/members", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a key never administers");
    let page = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let page = page.get(app.url("/people")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "keys are for the API, not the pages");

    let key_member =
        app.store.members().await.unwrap().into_iter().find(|m| m.username.starts_with("api-key.")).unwrap();
    let reset = admin.post_form(&format!("/admin/members/{}/reset-password", key_member.id), &[]).await;
    assert_eq!(reset.status(), StatusCode::UNPROCESSABLE_ENTITY, "a key's member has no password to reset");
    let list = admin.visit("/admin/api-keys").await;
    assert!(list.body.contains("Intake") && !list.body.contains(&token), "{}", list.body);
    let revoke = format!("/api/v1/admin/api-keys/{}/revoke", key["id"].as_str().unwrap());
    let (status, revoked) = api_call(&admin, Method::POST, &revoke, None).await;
    assert!(status == StatusCode::OK && revoked["revoked_at"].is_string(), "{revoked}");
    let (status, _) = system.call(Method::GET, "/api/v1/people?q=visser", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a revoked key stops working at once");
    assert_eq!(app.count("audit_log WHERE what LIKE 'admin: %api key%'").await, 3, "made, listed, revoked");
}

#[tokio::test]
async fn partner_systems_call_the_api_with_keys_on_sqlite() {
    partner_systems_call_the_api_with_keys(crate::support::spawn_app().await).await;
}

#[tokio::test]
async fn partner_systems_call_the_api_with_keys_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    partner_systems_call_the_api_with_keys(app).await;
}
