//! What works: a hand-built scenario with known answers. Persons in desist, linked to the
//! offence record by their BSN, were referred to interventions (outbox events of the
//! interventions work's contract, written here directly); the extract's own index events are
//! the comparison pool. The answer's exact shape, who may see it, and that a withheld group
//! cannot be worked out by differencing.

use crate::support::extracts::{extract, import};
use crate::support::{TestApp, spawn_app};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// The `count` first nine-digit numbers from 100000000 that pass the BSN 11-check.
fn bsns(count: usize) -> Vec<String> {
    (100_000_000u64..)
        .filter(|n| {
            let digits: Vec<u64> = n.to_string().bytes().map(|b| u64::from(b - b'0')).collect();
            let sum: i64 = digits[..8].iter().zip([9, 8, 7, 6, 5, 4, 3, 2]).map(|(d, w)| (d * w) as i64).sum();
            (sum - digits[8] as i64) % 11 == 0
        })
        .take(count)
        .map(|n| n.to_string())
        .collect()
}

fn hex(person: PersonId) -> String {
    person.as_uuid().simple().to_string()
}

/// A `referral.started` event for `person` on 2022-03-01, as the interventions work writes it.
async fn referral(app: &TestApp, person: PersonId, intervention: &str) {
    referral_on(app, person, intervention, "2022-03-01").await;
}

/// A `referral.started` event for `person` on `day`, as the interventions work writes it.
pub(crate) async fn referral_on(app: &TestApp, person: PersonId, intervention: &str, day: &str) {
    let at = format!("{day}T10:00:00Z").parse::<jiff::Timestamp>().unwrap().as_microsecond();
    let detail = serde_json::json!({
        "intervention": "0193c3a0-0000-7000-8000-000000000001",
        "intervention_name": intervention,
        "provider": "0193c3a0-0000-7000-8000-000000000002",
        "kind": "programme",
    });
    app.execute(&format!(
        "INSERT INTO outbox_event (position, id, kind, at, person_id, subject_kind, subject_id, detail) \
         VALUES ((SELECT coalesce(max(position), 0) + 1 FROM outbox_event), randomblob(16), 'referral.started', \
         {at}, X'{}', 'referral', randomblob(16), '{detail}')",
        hex(person)
    ))
    .await;
}

/// 40 people referred to "Alcohol programme" (10 reoffend), 30 to "Debt help" (15 reoffend),
/// 7 to "Tiny" (3 reoffend); 60 in the extract's pool (30 reoffend); and one person whose two
/// identifiers name two people of the extract (ambiguous: left out, never guessed).
async fn scenario(app: &TestApp, police: &Actor) {
    let ids = bsns(78);
    let (mut persons, mut offences, mut events) = (String::new(), String::new(), String::new());
    let reoffend = |id: &str, yes: bool, offences: &mut String| {
        offences.push_str(&format!("{id}-a,{id},2021-06-01,2021-08-01,conviction,theft,3\n"));
        if yes {
            offences.push_str(&format!("{id}-b,{id},2022-06-01,2022-08-01,conviction,theft,3\n"));
        }
    };
    for k in 0..60 {
        let id = format!("POOL{k:03}");
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        events.push_str(&format!("{id},2022-03-01,court,court_disposal\n"));
        reoffend(&id, k % 2 == 0, &mut offences);
    }
    let groups: Vec<(&str, usize)> = [("Alcohol programme", 40usize), ("Debt help", 30), ("Tiny", 7)]
        .into_iter()
        .flat_map(|(name, n)| (0..n).map(move |k| (name, k)))
        .collect();
    for (id, (_, k)) in ids.iter().zip(&groups) {
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        let _ = k;
    }
    for (id, (name, k)) in ids.iter().zip(&groups) {
        let yes = match *name {
            "Alcohol programme" => k % 4 == 0,
            "Debt help" => k % 2 == 0,
            _ => *k < 3,
        };
        reoffend(id, yes, &mut offences);
    }
    // Two extract persons for the ambiguous one.
    persons.push_str("PNC-1,1990-01-01,M,Utrecht\nPNC-2,1990-01-01,M,Utrecht\n");
    let mut sorted: Vec<&str> = persons.lines().collect();
    sorted.sort_unstable();
    let persons = sorted.join("\n") + "\n";
    import(&app.store, &extract(&persons, &offences, &events), "test").await;
    for (n, (id, (name, _))) in ids.iter().zip(&groups).enumerate() {
        let person = app.person(police, &format!("Referred{n}"), id).await;
        referral(app, person, name).await;
    }
    let ambiguous = app.person(police, "Twice", &ids[77]).await;
    app.execute(&format!(
        "INSERT INTO person_identifier (kind, value, person_id) VALUES ('pnc', 'PNC-1', X'{0}'), ('local', 'PNC-2', X'{0}')",
        hex(ambiguous)
    ))
    .await;
    referral(app, ambiguous, "Alcohol programme").await;
}

async fn what_works(app: &TestApp, actor: &Actor, query: &str) -> reqwest::Response {
    app.session_for(actor).await.api(Method::GET, &format!("/api/v1/evidence/what-works?{query}"), None).await
}

#[tokio::test]
async fn an_analyst_gets_each_intervention_against_its_matched_comparison() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;

    let response = what_works(&app, &analyst, "by=intervention&as_of=2024-01-01").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["by"], "intervention");
    assert_eq!(body["unlinked"], 1, "the ambiguous person is left out, not guessed");
    assert_eq!(body["method"]["follow_up_months"], 12);
    assert_eq!(body["method"]["as_of"], "2023-12-31", "published as of the month end before the day asked");
    assert_eq!(body["method"]["min_cell"], 10);
    let groups = body["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["group"].as_str().unwrap()).collect();
    assert_eq!(names, ["Alcohol programme", "Debt help", "Tiny"]);

    let alcohol = &groups[0];
    assert_eq!(alcohol["people"], 40);
    assert_eq!(alcohol["reoffenders"], 10);
    assert_eq!(alcohol["rate"], 0.25);
    let ci = alcohol["ci95"].as_array().unwrap();
    assert!((ci[0].as_f64().unwrap() - 0.1419).abs() < 1e-3 && (ci[1].as_f64().unwrap() - 0.4019).abs() < 1e-3);
    let comparison = &alcohol["comparison"];
    assert_eq!(comparison["pairs"], 40, "identical covariates: every treated person is matched");
    let (rate, difference) = (comparison["rate"].as_f64().unwrap(), comparison["difference"].as_f64().unwrap());
    assert!((difference - (0.25 - rate)).abs() < 1e-9);
    assert!(comparison["ci95"].as_array().unwrap().len() == 2);
    assert!(comparison["balance"].as_array().unwrap().iter().all(|b| b["after"].as_f64().unwrap().abs() < 1e-9));

    // Differencing: "Tiny" (7) is withheld, and so is the next smallest group, so the total
    // of the pool-free extract minus the published groups is two groups together.
    for withheld in &groups[1..] {
        for key in ["people", "reoffenders", "rate", "ci95"] {
            assert!(withheld[key].is_null(), "{} {key} published: {withheld}", withheld["group"]);
        }
        assert!(withheld.get("comparison").is_none());
    }
}

#[tokio::test]
async fn a_process_manager_sees_only_their_own_safety_house_and_others_see_nothing() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    let manager =
        app.member_of_new_agency("Veiligheidshuis", AgencyKind::SafetyHouse, "regie", Role::ProcessManager).await;
    // The referred persons have no plan of this Safety House: none of them is theirs.
    let response = what_works(&app, &manager, "by=intervention&as_of=2024-01-01").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["groups"].as_array().unwrap().len(), 0, "{body}");

    let page = app.session_for(&manager).await.get("/evidence/what-works?by=plan").await;
    assert_eq!(page.status(), StatusCode::OK);

    for (role, kind) in [(Role::PoliceOfficer, AgencyKind::Police), (Role::ProbationOfficer, AgencyKind::Probation)] {
        let other = app.member_of_new_agency(&format!("{role:?}"), kind, &format!("{role:?}"), role).await;
        assert_eq!(what_works(&app, &other, "by=intervention").await.status(), StatusCode::FORBIDDEN);
        let page = app.session_for(&other).await.get("/evidence/what-works").await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
    }
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    assert_eq!(what_works(&app, &analyst, "by=nonsense").await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_page_shows_rates_in_plain_words_with_the_comparison_and_the_analyst_lands_there() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let client = app.session_for(&analyst).await;
    let landing = client.get("/").await;
    let location = landing.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or(landing.url().path());
    assert!(location.starts_with("/evidence/what-works"), "the analyst lands on what works, not {location}");
    // The deployment's language (nl); the other two are held to the same keys by the catalogue's
    // every-key test.
    let html = client.get("/evidence/what-works?by=intervention&as_of=2024-01-01").await.text().await.unwrap();
    assert!(html.contains("Vergelijkbare mensen die geen Alcohol programme kregen"), "no plain words");
    assert!(html.contains("25% van 40 mensen"), "the rate in words");
    assert!(html.contains("Leeftijd (jaren)"), "covariates in the page's language");
    assert_eq!(html.matches("<svg").count(), 2, "rates and survival charts");
    assert!(!html.contains("Tiny</td>"), "a withheld group is not in the chart's table");
}

#[tokio::test]
async fn administrators_get_the_match_report() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    let admin = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let response = app.session_for(&admin).await.api(Method::GET, "/api/v1/evidence/links", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["matched"], 77);
    assert_eq!(body["unmatched"], 0);
    assert_eq!(body["ambiguous"].as_array().unwrap().len(), 1);
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let refused = app.session_for(&analyst).await.api(Method::GET, "/api/v1/evidence/links", None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// The match report's page: an administrator sees the counts and who is ambiguous or
/// unmatched with each identifier's kind and what it finds in the record, paged, each listed
/// person audited; an analyst sees the counts only; anyone else is refused (and audited).
#[tokio::test]
async fn the_match_report_page_lists_who_does_not_link_to_administrators_only() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    // A BSN the record does not have: unmatched. A second person with the ambiguous one's PNC.
    let unmatched = app.person(&police, "Elsewhere", &bsns(79)[78]).await;
    let admin = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let session = app.session_for(&admin).await;

    let index = session.get("/admin").await.text().await.unwrap();
    assert!(index.contains("href=\"/evidence/links\""), "the administration menu links the report");
    let page = session.get("/evidence/links").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"nav-links\""), "the menu offers it");
    for expected in ["Gekoppeld", "77", "Dubbelzinnig (1)", "Niet gekoppeld (1)", "Twice", "PNC-1", "vindt één persoon"]
    {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    assert!(!html.contains("Elsewhere"), "the ambiguous list is shown first");
    let unmatched_page = session.get("/evidence/links?list=unmatched&page=1").await.text().await.unwrap();
    assert!(unmatched_page.contains("Elsewhere") && unmatched_page.contains("niet in het bestand"), "{unmatched_page}");
    assert!(unmatched_page.contains("Pagina 1 van 1"));
    // Past the last page shows the last; nonsense shows the first list.
    let past = session.get("/evidence/links?list=unmatched&page=99").await.text().await.unwrap();
    assert!(past.contains("Elsewhere"));
    assert_eq!(session.get("/evidence/links?list=x&page=y").await.status(), StatusCode::OK);
    let listed = |person: PersonId| {
        format!(
            "audit_log WHERE what = 'list: offence record links' AND action = 'listed' AND basis = 'role: administrator' \
             AND person_id = X'{}'",
            hex(person)
        )
    };
    // A repeated listing to the same member is recorded once per window (ListingMemo).
    assert!(app.count(&listed(unmatched)).await >= 1, "the listing is audited");

    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let counts = app.session_for(&analyst).await.get("/evidence/links").await;
    assert_eq!(counts.status(), StatusCode::OK);
    let counts = counts.text().await.unwrap();
    assert!(counts.contains("77") && counts.contains("links-counts-only"), "{counts}");
    assert!(!counts.contains("Twice") && !counts.contains("Elsewhere"), "an analyst sees no person");

    let refused = app.session_for(&police).await.get("/evidence/links").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let denied = "audit_log WHERE what = 'list: offence record links' AND action = 'denied'";
    assert_eq!(app.count(denied).await, 1);
}
