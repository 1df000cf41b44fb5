//! People pages over a real server: sign-in, search, person page, add, edit, conflicts, CSRF,
//! team, audit trail and the bad-input rules — each bad input changes nothing.

use crate::support;
use crate::support::{PASSWORD, TestApp, input_value, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

async fn probation_app() -> (TestApp, domain::access::Actor) {
    let app = spawn_app().await;
    let (_, officer) = app.probation_officer().await;
    (app, officer)
}

/// A form, the field its error must link to, and words the message must contain.
type BadInput<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);

fn person_form<'a>(family_name: &'a str, bsn: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("family_name", family_name),
        ("given_names", "Jan"),
        ("birth_date", "12-03-1984"),
        ("sex", "M"),
        ("identifier_kind", "bsn"),
        ("identifier_value", bsn),
        ("identifier_kind", ""),
        ("identifier_value", ""),
        ("basis_kind", "statutory_task"),
        ("statute", "Reclasseringsregeling 1995"),
        ("reason", "Quickscan ZSM"),
    ]
}

#[tokio::test]
async fn sign_in_search_open_edit_and_see_who_changed_it() {
    let (app, officer) = probation_app().await;
    let person = app.person(&officer, "Özdemir", "111222333").await;
    let browser = app.anonymous();

    let login = browser.get("/login").await;
    assert_eq!(login.status(), StatusCode::OK);
    let signed_in =
        browser.post_raw("/login", &[("username", "Fatima"), ("password", PASSWORD), ("next", "/people?q=ozd")]).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()["location"], "/people?q=ozd");
    let cookie = signed_in.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");

    let results = browser.get("/people?q=ozd").await.text().await.unwrap();
    assert!(results.contains(&format!("/people/{person}")), "search finds the person: {results}");

    let page = browser.get(&format!("/people/{person}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Özdemir") && html.contains("111222333"));

    let edit = browser.get(&format!("/people/{person}/edit")).await.text().await.unwrap();
    let csrf = input_value(&edit, "csrf");
    let mut form = person_form("Özdemir", "111222333");
    form.retain(|(k, _)| !["basis_kind", "statute", "reason"].contains(k));
    form.extend([("city", "Utrecht"), ("version", "1"), ("csrf", csrf.as_str())]);
    let saved = browser.post_raw(&format!("/people/{person}"), &form).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    let html = browser.get(&format!("/people/{person}")).await.text().await.unwrap();
    assert!(html.contains("Utrecht"));
    assert!(
        html.contains("Gewijzigd") && html.contains("Persoonsgegevens: Geslacht, Adres"),
        "the audit shows the change: {html}"
    );
    assert!(html.contains("fatima (test)"));
}

#[tokio::test]
async fn wrong_password_gets_a_generic_message_and_is_throttled() {
    let (app, _) = probation_app().await;
    let browser = app.anonymous();
    let unknown = browser.post_raw("/login", &[("username", "nobody"), ("password", "whatever it is")]).await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let unknown_text = unknown.text().await.unwrap();
    let wrong = browser.post_raw("/login", &[("username", "fatima"), ("password", "not the password")]).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let message = "De gebruikersnaam of het wachtwoord klopt niet.";
    assert!(unknown_text.contains(message) && wrong.text().await.unwrap().contains(message));

    for _ in 0..4 {
        browser.post_raw("/login", &[("username", "fatima"), ("password", "still wrong")]).await;
    }
    let throttled = browser.post_raw("/login", &[("username", "fatima"), ("password", PASSWORD)]).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    app.clock.advance(jiff::SignedDuration::from_mins(16));
    let later = browser.post_raw("/login", &[("username", "fatima"), ("password", PASSWORD)]).await;
    assert_eq!(later.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn bad_person_input_is_refused_with_a_linked_summary_and_saves_nothing() {
    let (app, officer) = probation_app().await;
    let client = app.session_for(&officer).await;
    let long = "x".repeat(101);
    let cases: Vec<BadInput> = vec![
        (person_form("de Vries", "111222334"), "identifiers-0-value", "elfproef"),
        (person_form("", "111222333"), "family_name", "Vul dit in"),
        (person_form(&long, "111222333"), "family_name", "hoogstens 100"),
        (
            person_form("de Vries", "111222333")
                .into_iter()
                .map(|(k, v)| if k == "birth_date" { (k, "2027-01-01") } else { (k, v) })
                .collect(),
            "birth_date",
            "verleden",
        ),
        (
            person_form("de Vries", "111222333")
                .into_iter()
                .map(|(k, v)| if k == "identifier_kind" && v == "bsn" { (k, "passport") } else { (k, v) })
                .collect(),
            "identifiers-0-kind",
            "passport",
        ),
    ];
    for (form, anchor, text) in cases {
        let response = client.post_form("/people", &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{anchor}");
        let html = response.text().await.unwrap();
        assert!(html.contains("error-summary") && html.contains(&format!("href=\"#{anchor}\"")), "{anchor}: {html}");
        assert!(html.contains(&format!("id=\"{anchor}\"")), "the summary links to a real field: {anchor}");
        assert!(html.contains(text), "{anchor} says {text}");
    }
    assert_eq!(app.count("person").await, 0);
    assert_eq!(app.count("audit_log").await, 0);
}

#[tokio::test]
async fn a_duplicate_identifier_links_to_the_existing_record() {
    let (app, officer) = probation_app().await;
    let existing = app.person(&officer, "de Vries", "111222333").await;
    let client = app.session_for(&officer).await;
    let response = client.post_form("/people", &person_form("Someone Else", "111.222.333")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/people/{existing}\"")), "{html}");
    assert_eq!(app.count("person").await, 1);
}

/// To an agency not on the person's team, a taken identifier says only that it is registered
/// and whom to ask — no link, no id — and the attempt is audited against that person (issue 16,
/// item 8: the 409 used to hand out the person's internal id).
#[tokio::test]
async fn a_duplicate_identifier_tells_an_agency_off_the_team_only_whom_to_ask() {
    let (app, officer) = probation_app().await;
    let existing = app.person(&officer, "de Vries", "111222333").await;
    let police = app.agency("Politie Oost", AgencyKind::Police).await;
    let outsider = app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    let client = app.session_for(&outsider).await;
    let response = client.post_form("/people", &person_form("Someone Else", "111.222.333")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("al geregistreerd") && html.contains("functioneel beheerder"), "{html}");
    assert!(!html.contains(&existing.to_string()), "the person's id is not shown");
    let body = serde_json::json!({"person": {"family_name": "Else", "identifiers": [{"kind": "bsn", "value": "111222333"}]},
        "basis": {"kind": "statutory_task", "statute": "Politiewet 2012", "reason": "test"}});
    let api = client.api(reqwest::Method::POST, "/api/v1/people", Some(body)).await;
    assert_eq!(api.status(), StatusCode::CONFLICT);
    let problem = api.text().await.unwrap();
    assert!(!problem.contains(&existing.to_string()) && !problem.contains("\"existing\""), "{problem}");
    use domain::audit::{AuditAction, AuditLog};
    let trail = app.store.audit_for_person(existing, 100).await.unwrap();
    let denied = trail
        .iter()
        .filter(|a| a.entry.action == AuditAction::Denied && a.entry.what.contains("identifier already registered"))
        .count();
    assert_eq!(denied, 2, "both attempts are audited against the person");
    assert_eq!(app.count("person").await, 1);
}

#[tokio::test]
async fn a_stale_edit_is_a_conflict_and_the_newer_version_stays() {
    let (app, officer) = probation_app().await;
    let colleague = app
        .member(&app.agency("Reclassering Noord", AgencyKind::Probation).await, "kees", &[Role::ProbationOfficer])
        .await;
    let _ = colleague;
    let person = app.person(&officer, "de Vries", "111222333").await;
    let first = app.session_for(&officer).await;
    let second = app.session_for(&officer).await;
    let edit = |city: &'static str| {
        let mut form = person_form("de Vries", "111222333");
        form.retain(|(k, _)| !["basis_kind", "statute", "reason"].contains(k));
        form.extend([("city", city), ("version", "1")]);
        form
    };
    assert_eq!(first.post_form(&format!("/people/{person}"), &edit("Utrecht")).await.status(), StatusCode::SEE_OTHER);
    let stale = second.post_form(&format!("/people/{person}"), &edit("Rotterdam")).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    let html = stale.text().await.unwrap();
    assert!(html.contains("Iemand anders heeft dit dossier gewijzigd") && html.contains("value=\"Utrecht\""), "{html}");
    let page = first.get(&format!("/people/{person}")).await.text().await.unwrap();
    assert!(page.contains("Utrecht") && !page.contains("Rotterdam"));
}

#[tokio::test]
async fn missing_or_forged_csrf_tokens_are_refused_and_change_nothing() {
    let (app, officer) = probation_app().await;
    let client = app.session_for(&officer).await;
    let form = person_form("de Vries", "111222333");
    let missing = client.post_raw("/people", &form).await;
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    let mut forged = form.clone();
    forged.push(("csrf", "forged-token"));
    assert_eq!(client.post_raw("/people", &forged).await.status(), StatusCode::FORBIDDEN);
    let api = client.http.post(client.base.clone() + "/api/v1/people").header("cookie", "x=y").send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "API without a session");
    assert_eq!(app.count("person").await, 0);
    // A sign-in posted from another site is refused too.
    let cross = app
        .anonymous()
        .http
        .post(app.url("/login"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", "fatima"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_agency_not_on_the_team_is_refused_and_the_attempt_is_audited() {
    let (app, officer) = probation_app().await;
    let police = app.agency("Politie Oost", AgencyKind::Police).await;
    let outsider = app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    let person = app.person(&officer, "de Vries", "111222333").await;
    let client = app.session_for(&outsider).await;
    let page = client.get(&format!("/people/{person}")).await;
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    assert!(page.text().await.unwrap().contains("Deze poging is vastgelegd"));
    let api = client.api(reqwest::Method::GET, &format!("/api/v1/people/{person}"), None).await;
    assert_eq!(api.status(), StatusCode::FORBIDDEN);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    assert!(client.get("/people?q=vries").await.text().await.unwrap().contains("Niemand gevonden"));

    let owner = app.session_for(&officer).await;
    let trail = owner.get(&format!("/people/{person}/audit")).await.text().await.unwrap();
    assert!(trail.contains("Toegang geweigerd") && trail.contains("agent (test)"), "{trail}");
}

/// A member on the team whose role may not edit or manage the team is refused the forms, and
/// each refusal is in the audit log (issue 16, item 13).
#[tokio::test]
async fn refused_edit_and_team_forms_are_audited() {
    let (app, officer) = probation_app().await;
    let defence = app.agency("Advocatenkantoor", AgencyKind::Defence).await;
    let lawyer = app.member(&defence, "advocaat", &[Role::DefenceLawyer]).await;
    let person = app.person_on_team(&officer, "de Vries", "111222333", &[&defence]).await;
    let client = app.session_for(&lawyer).await;
    for form in ["edit", "team"] {
        let page = client.get(&format!("/people/{person}/{form}")).await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN, "{form}");
    }
    let denied = app.count("audit_log WHERE action = 'denied' AND what IN ('edit_form', 'team_form')").await;
    assert_eq!(denied, 2, "both refusals are audited");
}

#[tokio::test]
async fn adding_an_agency_records_who_when_basis_and_why() {
    let (app, officer) = probation_app().await;
    let municipality = app.agency("Gemeente Amsterdam", AgencyKind::Municipality).await;
    let worker = app.member(&municipality, "kees", &[Role::MunicipalityOfficer]).await;
    let person = app.person(&officer, "de Vries", "111222333").await;
    let client = app.session_for(&officer).await;
    let agency_id = municipality.id.to_string();
    let incomplete = client
        .post_form(&format!("/people/{person}/team"), &[("agency_id", &agency_id), ("basis_kind", "consent")])
        .await;
    assert_eq!(incomplete.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = incomplete.text().await.unwrap();
    assert!(html.contains("href=\"#consent_scope\"") && html.contains("href=\"#reason\""), "{html}");
    assert_eq!(app.session_for(&worker).await.get(&format!("/people/{person}")).await.status(), StatusCode::FORBIDDEN);
    let nowhere = uuid::Uuid::now_v7().to_string();
    let unknown = client
        .post_form(
            &format!("/people/{person}/team"),
            &[("agency_id", &nowhere), ("basis_kind", "statutory_task"), ("statute", "x"), ("reason", "y")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown.text().await.unwrap().contains("Organisatie: Kies een organisatie uit de lijst"));
    let team_size = app.count("team_entry").await;

    let added = client
        .post_form(
            &format!("/people/{person}/team"),
            &[
                ("agency_id", &agency_id),
                ("basis_kind", "consent"),
                ("consent_scope", "schuldhulp"),
                ("consent_expires_on", "2027-06-30"),
                ("reason", "Schulden"),
            ],
        )
        .await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("team_entry").await, team_size + 1);
    let page = app.session_for(&worker).await.get(&format!("/people/{person}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Toestemming van de persoon (schuldhulp) tot 2027-06-30") && html.contains("Schulden"));
    assert!(html.contains("fatima (test), 2026-11-22"), "who added it and when: {html}");
    // Consent ends: so does access.
    app.clock.set("2027-07-01T09:00:00Z".parse().unwrap());
    assert_eq!(app.session_for(&worker).await.get(&format!("/people/{person}")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_switch_language_and_health_answers() {
    let (app, officer) = probation_app().await;
    let client = app.session_for(&officer).await;
    let dutch = client.get("/people").await.text().await.unwrap();
    assert!(dutch.contains("lang=\"nl\"") && dutch.contains("Persoon zoeken"));
    let switched = client.get("/language/en?back=/people").await;
    assert_eq!(switched.headers()["location"], "/people");
    let english = client
        .http
        .get(app.url("/people"))
        .header("cookie", format!("{}; desist_lang=en", "x=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(english.status(), StatusCode::SEE_OTHER, "that request had no session");
    let health: serde_json::Value = app.anonymous().get("/healthz").await.json().await.unwrap();
    assert_eq!(health["status"], "ok");
    let anonymous = app.anonymous().get("/people").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(anonymous.headers()["location"], "/login?next=%2Fpeople");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let (app, officer) = probation_app().await;
    let client = app.session_for(&officer).await;
    assert_eq!(client.get("/people").await.status(), StatusCode::OK);
    assert_eq!(client.post_form("/logout", &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(client.get("/people").await.status(), StatusCode::SEE_OTHER);
}

/// A search lists at most 25 people (each listed person is audited) and says when there are
/// more, so the searcher narrows it down.
#[tokio::test]
async fn a_long_result_list_is_cut_and_says_how_to_narrow_it() {
    let (app, officer) = probation_app().await;
    for n in 0..26 {
        app.person(&officer, "Jansen", &support::valid_bsn(n)).await;
    }
    let browser = app.session_for(&officer).await;
    let html = browser.get("/people?q=jansen").await.text().await.unwrap();
    assert_eq!(html.matches("<tr><td><a href=\"/people/").count(), 25, "{html}");
    assert!(html.contains("De eerste 25 gevonden personen"), "{html}");
    let listed = app.count("audit_log WHERE action = 'listed'").await;
    assert_eq!(listed, 25, "each listed person is audited, no one else");
}
