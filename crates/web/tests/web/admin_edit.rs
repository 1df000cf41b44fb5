//! Changing what administration made (issue 18), per action on the pages and in the API:
//! agencies (and deleting one made by mistake, never one with members), members' names and
//! roles (the hulpofficier designation among them) and ending their sessions, locations (their
//! pack refused while cases are open there), Safety Houses with their partner agencies. Bad
//! input comes back 422 naming each field with nothing changed; two administrators editing at
//! once: the second gets 409 with what they typed kept and what is saved now beside it; the
//! guard rails and every refusal are on record. On SQLite and PostgreSQL.

use crate::support::zsm::{NOW, intake, table_on_app, zsm_app};
use crate::support::{TestApp, api_call, input_value, problem_fields};
use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore};
use domain::partnership::ports::PartnershipStore;
use domain::partnership::service::Administration;
use domain::partnership::{MemberChange, console_operator};
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn agencies_are_edited_and_a_second_editor_keeps_what_they_typed(app: TestApp) {
    let actor = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let beheer = app.store.agencies().await.unwrap().into_iter().find(|a| a.name == "Beheer").unwrap();
    let second = app.member(&beheer, "beheer2", &[Role::Administrator]).await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    // Two administrators, each with the page open.
    let admin = app.session_for(&actor).await;
    let other = app.session_for(&second).await;
    let path = format!("/admin/agencies/{}", police.id);

    let list = admin.visit("/admin/agencies").await;
    assert!(list.body.contains(&format!("href=\"{path}\"")), "the list links each agency's page");
    let page = admin.visit(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("value=\"Politie Utrecht\"") && input_value(&page.body, "version") == "1",
        "{}",
        page.body
    );

    // Bad input: each field named, nothing changed.
    let bad = admin.post_form(&path, &[("name", ""), ("kind", "sheriff"), ("contact", ""), ("version", "1")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("href=\"#name\"") && html.contains("href=\"#kind\""), "{html}");
    assert_eq!(
        app.store.agency_records().await.unwrap().iter().filter(|a| a.agency.name == "Politie Utrecht").count(),
        1
    );

    // Two administrators opened the page on version 1; the first saves.
    let saved = admin
        .submit(
            &path,
            &[("name", "Politie Midden-Nederland"), ("kind", "police"), ("contact", "030 123"), ("version", "1")],
        )
        .await;
    assert!(saved.url == "/admin/agencies" && saved.body.contains("Politie Midden-Nederland"), "{}", saved.body);
    // The second's save is refused: 409, their typing kept, what is saved now beside it.
    let late = other
        .post_form(
            &path,
            &[("name", "Politie Utrecht-Noord"), ("kind", "police"), ("contact", "desk"), ("version", "1")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let html = late.text().await.unwrap();
    assert!(html.contains("value=\"Politie Utrecht-Noord\"") && html.contains("value=\"desk\""), "typed kept: {html}");
    assert!(html.contains("id=\"saved-now\"") && html.contains("Politie Midden-Nederland"), "saved now shown: {html}");
    // Who saved the other change and when (in the reader's time zone, named), beside theirs.
    assert!(
        html.contains("beheer (test) (beheer) saved this at 2026-11-22 10:00 (Europe/Amsterdam)"),
        "who and when: {html}"
    );
    let beside = html.split("id=\"saved-now\"").nth(1).unwrap();
    assert!(
        beside.contains("<td>Politie Utrecht-Noord</td>") && beside.contains("<td>Politie Midden-Nederland</td>"),
        "typed beside saved: {beside}"
    );
    assert!(beside.contains("<td>desk</td>") && beside.contains("<td>030 123</td>"), "{beside}");
    assert_eq!(input_value(&html, "version"), "2", "saving again overwrites knowingly");
    let again = other
        .submit(&path, &[("name", "Politie Utrecht-Noord"), ("kind", "police"), ("contact", "desk"), ("version", "2")])
        .await;
    assert_eq!(again.url, "/admin/agencies");

    // The API: a stale version 409 naming it, a patch of one field.
    let api = format!("/api/v1/admin/agencies/{}", police.id);
    let (status, problem) = api_call(&admin, Method::PATCH, &api, Some(json!({"contact": "x", "version": 1}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::CONFLICT, vec!["version".to_string()]), "{problem}");
    let (status, agency) = api_call(&admin, Method::PATCH, &api, Some(json!({"contact": "zsm@politie.example"}))).await;
    assert_eq!(status, StatusCode::OK, "{agency}");
    assert_eq!((agency["name"].as_str(), agency["version"].as_i64()), (Some("Politie Utrecht-Noord"), Some(4)));
    let (status, problem) = api_call(&admin, Method::PATCH, &api, Some(json!({"kind": "sheriff", "name": ""}))).await;
    assert_eq!(
        (status, problem_fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["name".into(), "kind".into()])
    );

    // Deleting: an agency with members stays (disable them instead), on record; an empty one goes.
    let refused = admin.post_form(&format!("{path}/delete"), &[]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("href=\"#agency\""));
    let (status, problem) = api_call(&admin, Method::DELETE, &api, None).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["agency".to_string()]));
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND what LIKE 'admin: delete agency%'").await, 2);
    let (_, typo) =
        api_call(&admin, Method::POST, "/api/v1/admin/agencies", Some(json!({"name": "Politei", "kind": "police"})))
            .await;
    let typo = format!("/api/v1/admin/agencies/{}", typo["id"].as_str().unwrap());
    assert_eq!(api_call(&admin, Method::DELETE, &typo, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api_call(&admin, Method::GET, &typo, None).await.0, StatusCode::NOT_FOUND);
    let changes = app.count("audit_log WHERE action = 'update' AND what LIKE 'admin: %agency%'").await;
    assert_eq!(changes, 4, "two saved on the page, one in the API, one deleted");
}

#[tokio::test]
async fn agencies_are_edited_and_a_second_editor_keeps_what_they_typed_on_sqlite() {
    agencies_are_edited_and_a_second_editor_keeps_what_they_typed(crate::support::app().in_english().sqlite().await)
        .await;
}

#[tokio::test]
async fn agencies_are_edited_and_a_second_editor_keeps_what_they_typed_on_postgres() {
    let Some(app) = crate::support::app().in_english().postgres().await else { return };
    agencies_are_edited_and_a_second_editor_keeps_what_they_typed(app).await;
}

async fn members_roles_and_sessions_change_with_guard_rails(app: TestApp) {
    let actor = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let agent = app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    let admin = app.session_for(&actor).await;
    let path = format!("/admin/members/{}", agent.member_id);

    // The hulpofficier designation is added beside the police role.
    let page = admin.visit(&path).await;
    assert!(
        page.body.contains(&format!("action=\"{path}\"")) && input_value(&page.body, "version") == "1",
        "{}",
        page.body
    );
    let fields =
        [("name", "Agent Jansen"), ("roles", "police_officer"), ("roles", "assistant_prosecutor"), ("version", "1")];
    let saved = admin.submit(&path, &fields).await;
    assert_eq!(saved.url, path);
    let member = app.store.member(agent.member_id).await.unwrap().unwrap();
    assert_eq!(
        (member.display_name.as_str(), member.roles.as_slice()),
        ("Agent Jansen", [Role::PoliceOfficer, Role::AssistantProsecutor].as_slice())
    );
    let alone = admin.post_form(&path, &[("name", ""), ("roles", "assistant_prosecutor"), ("version", "2")]).await;
    assert_eq!(alone.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = alone.text().await.unwrap();
    assert!(html.contains("href=\"#name\"") && html.contains("href=\"#roles\""), "{html}");

    // Guard rails: one's own administrator role stays; on record.
    let own = format!("/admin/members/{}", actor.member_id);
    let refused = admin.post_form(&own, &[("name", "Beheer"), ("roles", "analyst"), ("version", "1")]).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, problem) =
        api_call(&admin, Method::PATCH, &format!("/api/v1{own}"), Some(json!({"roles": ["analyst"]}))).await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["roles".to_string()]));
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND basis = 'own_administrator_role'").await, 2);
    // The last active administrator is never disabled nor demoted (here by the console, the CLI's actor).
    let passwords = web::SystemPasswords::default();
    let console = Administration { store: &app.store, clock: app.clock.as_ref(), passwords: &passwords };
    let error = console.set_disabled(&console_operator(), actor.member_id, true).await.unwrap_err();
    assert!(error.to_string().contains("last active administrator"), "{error}");
    let demote = MemberChange { roles: Some(vec!["analyst".into()]), ..Default::default() };
    assert!(console.edit_member(&console_operator(), actor.member_id, &demote).await.is_err());
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND basis = 'last_administrator'").await, 2);
    assert!(app.store.member(actor.member_id).await.unwrap().unwrap().roles.contains(&Role::Administrator));

    // The API: a member read and patched, a stale version refused.
    let api = format!("/api/v1/admin/members/{}", agent.member_id);
    let (_, read) = api_call(&admin, Method::GET, &api, None).await;
    assert_eq!(read["version"].as_i64(), Some(2), "{read}");
    let (status, _) = api_call(&admin, Method::PATCH, &api, Some(json!({"name": "A. Jansen", "version": 1}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, patched) =
        api_call(&admin, Method::PATCH, &api, Some(json!({"roles": ["police_officer"], "version": 2}))).await;
    assert_eq!((status, patched["roles"].clone()), (StatusCode::OK, json!(["police_officer"])));

    // Sessions: each listed with a button that ends it at once.
    let signed_in = app.sign_in("agent").await;
    let second = app.sign_in("agent").await;
    assert_eq!(signed_in.get("/zsm").await.status(), StatusCode::OK);
    let page = admin.visit(&path).await;
    let prefix = format!("{path}/sessions/");
    let start = page.body.find(&prefix).expect("a session listed") + prefix.len();
    let reference = page.body[start..start + 16].to_string();
    let (_, sessions) = api_call(&admin, Method::GET, &format!("{api}/sessions"), None).await;
    assert_eq!(sessions.as_array().unwrap().len(), 2, "{sessions}");
    let ended = admin.submit(&format!("{path}/sessions/{reference}/revoke"), &[]).await;
    assert_eq!(ended.url, path);
    let (_, left) = api_call(&admin, Method::GET, &format!("{api}/sessions"), None).await;
    assert_eq!(left.as_array().unwrap().len(), 1, "one ended, the other open: {left}");
    let other = left[0]["id"].as_str().unwrap().to_string();
    let revoke = format!("{api}/sessions/{other}/revoke");
    assert_eq!(api_call(&admin, Method::POST, &revoke, None).await.0, StatusCode::NO_CONTENT);
    assert_eq!(api_call(&admin, Method::POST, &revoke, None).await.0, StatusCode::NOT_FOUND, "gone already");
    assert_eq!(signed_in.get("/zsm").await.status(), StatusCode::SEE_OTHER, "sent to sign in again");
    assert_eq!(second.get("/zsm").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("audit_log WHERE what LIKE 'admin: revoke session%'").await, 2);
}

#[tokio::test]
async fn members_roles_and_sessions_change_with_guard_rails_on_sqlite() {
    members_roles_and_sessions_change_with_guard_rails(crate::support::app().in_english().sqlite().await).await;
}

#[tokio::test]
async fn members_roles_and_sessions_change_with_guard_rails_on_postgres() {
    let Some(app) = crate::support::app().in_english().postgres().await else { return };
    members_roles_and_sessions_change_with_guard_rails(app).await;
}

async fn locations_and_safety_houses_change_and_a_pack_stays_while_cases_are_open(app: TestApp) {
    let table = table_on_app(app).await;
    let app = &table.app;
    let actor = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let admin = app.session_for(&actor).await;
    let agencies = app.store.agencies().await.unwrap();
    let id_of = |name: &str| agencies.iter().find(|a| a.name == name).unwrap().id.to_string();
    let (police, om) = (id_of("Politie Utrecht"), id_of("OM Midden-Nederland"));

    // A location: renamed, an agency leaves the table, the pack changes while nothing is open.
    let list = admin.visit("/admin/locations").await;
    assert!(list.body.contains("href=\"/admin/locations/zsm-utrecht\""), "{}", list.body);
    let path = "/admin/locations/zsm-utrecht";
    let bad = admin.post_form(path, &[("name", ""), ("pack", "mars"), ("time_zone", ""), ("version", "1")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("href=\"#name\"") && html.contains("href=\"#pack\""), "{html}");
    let fields = [
        ("name", "ZSM Midden-Nederland"),
        ("pack", "nl"),
        ("time_zone", "Europe/Amsterdam"),
        ("agencies", police.as_str()),
        ("version", "1"),
    ];
    assert_eq!(admin.submit(path, &fields).await.url, "/admin/locations");
    let location =
        app.store.location_records().await.unwrap().into_iter().find(|l| l.location.code == "zsm-utrecht").unwrap();
    assert_eq!(
        (location.location.name.as_str(), location.location.agencies.len(), location.version),
        ("ZSM Midden-Nederland", 1, 2)
    );
    let (status, moved) =
        api_call(&admin, Method::PATCH, "/api/v1/admin/locations/zsm-utrecht", Some(json!({"pack": "england-wales"})))
            .await;
    assert_eq!((status, moved["time_zone"].as_str()), (StatusCode::OK, Some("Europe/London")), "{moved}");
    let (status, back) = api_call(
        &admin,
        Method::PATCH,
        "/api/v1/admin/locations/zsm-utrecht",
        Some(json!({"pack": "nl", "agencies": [police, om]})),
    )
    .await;
    assert_eq!(
        (status, back["time_zone"].as_str(), back["version"].as_i64()),
        (StatusCode::OK, Some("Europe/Amsterdam"), Some(4))
    );

    // A case is registered there: the pack stays until it is closed, on record.
    let suspect = table.person("Visser").await.to_string();
    let case = table
        .police
        .submit("/zsm/cases", &intake(&suspect, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", ""))
        .await;
    assert!(case.url.starts_with("/zsm/cases/"), "{}", case.body);
    let refused = admin
        .post_form(
            path,
            &[
                ("name", "ZSM Midden-Nederland"),
                ("pack", "italy"),
                ("time_zone", ""),
                ("agencies", police.as_str()),
                ("version", "4"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.unwrap();
    assert!(html.contains("href=\"#pack\"") && html.contains("1 cases are open"), "{html}");
    let (status, problem) = api_call(
        &admin,
        Method::PATCH,
        "/api/v1/admin/locations/zsm-utrecht",
        Some(json!({"time_zone": "Europe/Rome"})),
    )
    .await;
    assert_eq!((status, problem_fields(&problem)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["time_zone".to_string()]));
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND basis = 'open_cases'").await, 2);
    let (status, renamed) =
        api_call(&admin, Method::PATCH, "/api/v1/admin/locations/zsm-utrecht", Some(json!({"name": "ZSM Utrecht"})))
            .await;
    assert_eq!((status, renamed["pack"].as_str()), (StatusCode::OK, Some("nl")), "the name still changes");

    // A Safety House: settings changed, a partner joins and one leaves, two editors at once.
    let fields = [
        ("name", "Veiligheidshuis Utrecht"),
        ("pack", "nl"),
        ("persons_per_day", "6"),
        ("triage_cutoff", "12:00"),
        ("agencies", police.as_str()),
    ];
    admin.submit("/admin/safety-houses", &fields).await;
    let house = app.store.safety_houses().await.unwrap().remove(0);
    let path = format!("/admin/safety-houses/{}", house.agency.agency.id);
    assert!(admin.visit("/admin/safety-houses").await.body.contains(&format!("href=\"{path}\"")));
    let bad = admin
        .post_form(
            &path,
            &[
                ("name", "Veiligheidshuis Utrecht"),
                ("pack", "nl"),
                ("persons_per_day", "0"),
                ("triage_cutoff", "noon"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    assert!(html.contains("href=\"#persons_per_day\"") && html.contains("href=\"#triage_cutoff\""), "{html}");
    let fields = [
        ("name", "Zorg- en Veiligheidshuis Utrecht"),
        ("pack", "nl"),
        ("persons_per_day", "8"),
        ("triage_cutoff", "11:00"),
        ("contact", "zvh"),
        ("agencies", om.as_str()),
        ("version", "1"),
    ];
    assert_eq!(admin.submit(&path, &fields).await.url, "/admin/safety-houses");
    let saved = app.store.safety_houses().await.unwrap().remove(0);
    assert_eq!(
        (
            saved.persons_per_day,
            saved.agencies.iter().map(ToString::to_string).collect::<Vec<_>>(),
            saved.agency.version
        ),
        (8, vec![om.clone()], 2)
    );
    let late = admin
        .post_form(
            &path,
            &[("name", "ZVH"), ("pack", "nl"), ("persons_per_day", "5"), ("triage_cutoff", "10:00"), ("version", "1")],
        )
        .await;
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let html = late.text().await.unwrap();
    assert!(
        html.contains("value=\"ZVH\"") && html.contains("Zorg- en Veiligheidshuis Utrecht") && html.contains("11:00"),
        "{html}"
    );
    let api = format!("/api/v1/admin/safety-houses/{}", house.agency.agency.id);
    let (status, patched) = api_call(
        &admin,
        Method::PATCH,
        &api,
        Some(json!({"agencies": [om, police], "persons_per_day": 7, "version": 2})),
    )
    .await;
    assert_eq!(
        (status, patched["persons_per_day"].as_i64(), patched["agencies"].as_array().map(Vec::len)),
        (StatusCode::OK, Some(7), Some(2)),
        "{patched}"
    );
}

#[tokio::test]
async fn locations_and_safety_houses_change_and_a_pack_stays_while_cases_are_open_on_sqlite() {
    locations_and_safety_houses_change_and_a_pack_stays_while_cases_are_open(zsm_app(NOW).sqlite().await).await;
}

#[tokio::test]
async fn locations_and_safety_houses_change_and_a_pack_stays_while_cases_are_open_on_postgres() {
    let Some(app) = zsm_app(NOW).postgres().await else { return };
    locations_and_safety_houses_change_and_a_pack_stays_while_cases_are_open(app).await;
}

/// Every new route refuses a member who is not an administrator, on record.
#[tokio::test]
async fn others_are_refused_every_change_on_record() {
    let app = crate::support::spawn_app().await;
    let agent = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    let client = app.session_for(&agent).await;
    let (agency, member) = (agent.agency_id, agent.member_id);
    let session = "0123456789abcdef";
    for path in [
        format!("/admin/agencies/{agency}"),
        format!("/admin/agencies/{agency}/delete"),
        "/admin/locations/zsm-utrecht".to_string(),
        format!("/admin/members/{member}"),
        format!("/admin/members/{member}/sessions/{session}/revoke"),
        format!("/admin/safety-houses/{agency}"),
    ] {
        assert_eq!(client.post_form(&path, &[("name", "x")]).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    for (method, path) in [
        (Method::GET, format!("/api/v1/admin/agencies/{agency}")),
        (Method::PATCH, format!("/api/v1/admin/agencies/{agency}")),
        (Method::DELETE, format!("/api/v1/admin/agencies/{agency}")),
        (Method::GET, format!("/api/v1/admin/members/{member}")),
        (Method::PATCH, format!("/api/v1/admin/members/{member}")),
        (Method::POST, format!("/api/v1/admin/members/{member}/sessions/{session}/revoke")),
        (Method::GET, "/api/v1/admin/locations/zsm-utrecht".to_string()),
        (Method::PATCH, "/api/v1/admin/locations/zsm-utrecht".to_string()),
        (Method::GET, format!("/api/v1/admin/safety-houses/{agency}")),
        (Method::PATCH, format!("/api/v1/admin/safety-houses/{agency}")),
    ] {
        let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
        assert_eq!(api_call(&client, method.clone(), &path, body).await.0, StatusCode::FORBIDDEN, "{method} {path}");
    }
    assert_eq!(app.count("audit_log WHERE action = 'denied' AND what LIKE 'admin: %'").await, 16);
    assert_eq!(app.store.agencies().await.unwrap()[0].name, "Politie", "nothing changed");
}
