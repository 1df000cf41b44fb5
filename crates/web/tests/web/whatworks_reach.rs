//! Who sees what on the what-works and public value pages (issue 21, views4): a commissioner
//! the work of the providers their agency contracts, a ZSM location lead the work decided at
//! the locations their agency sits at; anyone else is refused and the refusal audited. And
//! disclosure control by differencing in the scoped views: a group too small is withheld with
//! its complement, and a scoped view's groups equal the whole partnership's, so neither the
//! scope's own groups nor comparing the two views gives a withheld group away.

use crate::support::extracts::{extract, import};
use crate::support::{TestApp, spawn_app};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use domain::ids::PersonId;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

fn bsn(n: usize) -> String {
    crate::support::valid_bsn(5000 + n)
}

fn hex(id: Uuid) -> String {
    id.simple().to_string()
}

/// A `referral.started` event for `person` on 2022-03-01 to `provider`'s `intervention`.
async fn referral(app: &TestApp, person: PersonId, intervention: &str, provider: Uuid) {
    let at = "2022-03-01T10:00:00Z".parse::<jiff::Timestamp>().unwrap().as_microsecond();
    let detail = serde_json::json!({
        "intervention": Uuid::now_v7().to_string(),
        "intervention_name": intervention,
        "provider": provider.to_string(),
        "kind": "programme",
    });
    app.execute(&format!(
        "INSERT INTO outbox_event (position, id, kind, at, person_id, subject_kind, subject_id, detail) \
         VALUES ((SELECT coalesce(max(position), 0) + 1 FROM outbox_event), randomblob(16), 'referral.started', \
         {at}, X'{}', 'referral', randomblob(16), '{detail}')",
        hex(*person.as_uuid())
    ))
    .await;
}

/// Provider A (contracted): "Alcohol programme" 40 people (10 reoffend), "Housing" 30 (15),
/// "Tiny" 7 (3). Provider B (not contracted): "Debt help" 30 (15). A pool of 60 (30 reoffend).
async fn scenario(app: &TestApp, police: &Actor, a: Uuid, b: Uuid) {
    let groups: Vec<(&str, Uuid, usize)> =
        [("Alcohol programme", a, 40), ("Housing", a, 30), ("Tiny", a, 7), ("Debt help", b, 30)]
            .into_iter()
            .flat_map(|(name, provider, n)| (0..n).map(move |k| (name, provider, k)))
            .collect();
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
    for (n, (name, _, k)) in groups.iter().enumerate() {
        let id = bsn(n);
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        let yes = match *name {
            "Alcohol programme" => k % 4 == 0,
            "Tiny" => *k < 3,
            _ => k % 2 == 0,
        };
        reoffend(&id, yes, &mut offences);
    }
    let mut sorted: Vec<&str> = persons.lines().collect();
    sorted.sort_unstable();
    import(&app.store, &extract(&(sorted.join("\n") + "\n"), &offences, &events), "test").await;
    for (n, (name, provider, _)) in groups.iter().enumerate() {
        let person = app.person(police, &format!("Referred{n}"), &bsn(n)).await;
        referral(app, person, name, *provider).await;
    }
}

async fn what_works(app: &TestApp, actor: &Actor, query: &str) -> (StatusCode, Value) {
    let response =
        app.session_for(actor).await.api(Method::GET, &format!("/api/v1/evidence/what-works?{query}"), None).await;
    (response.status(), response.json().await.unwrap_or(Value::Null))
}

fn groups(body: &Value) -> Vec<(String, Option<u64>, Option<u64>)> {
    body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["group"].as_str().unwrap().to_string(), g["people"].as_u64(), g["reoffenders"].as_u64()))
        .collect()
}

async fn contract(app: &TestApp, commissioner: Uuid, provider: Uuid) {
    let contract = store::commissioning::Contract {
        id: Uuid::now_v7(),
        commissioner,
        provider,
        intervention: None,
        starts_on: jiff::civil::date(2020, 1, 1),
        ends_on: None,
        reference: String::new(),
    };
    app.store.add_contract(&contract, "test", app.now()).await.unwrap();
}

#[tokio::test]
async fn a_commissioner_sees_only_their_contracts_and_differencing_gives_nothing_away() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    let provider_a = app.agency("Jellinek", AgencyKind::Provider).await;
    let provider_b = app.agency("Schuldhulp", AgencyKind::Provider).await;
    let (a, b) = (*provider_a.id.as_uuid(), *provider_b.id.as_uuid());
    scenario(&app, &police, a, b).await;
    let commissioner =
        app.member_of_new_agency("Gemeente", AgencyKind::Municipality, "opdrachtgever", Role::Commissioner).await;
    contract(&app, *commissioner.agency_id.as_uuid(), a).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;

    let (status, mine) = what_works(&app, &commissioner, "by=intervention&as_of=2024-01-01").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    let mine = groups(&mine);
    let names: Vec<&str> = mine.iter().map(|g| g.0.as_str()).collect();
    assert_eq!(names, ["Alcohol programme", "Housing", "Tiny"], "only the contracted provider's interventions");
    // Tiny (7) is withheld, and with it the next smallest (Housing): the scope's total minus
    // its published groups is two groups together, never Tiny alone.
    assert_eq!(mine[0], ("Alcohol programme".to_string(), Some(40), Some(10)));
    let withheld: Vec<&str> = mine.iter().filter(|g| g.1.is_none()).map(|g| g.0.as_str()).collect();
    assert_eq!(withheld, ["Housing", "Tiny"]);
    assert!(mine.iter().filter(|g| g.1.is_none()).all(|g| g.2.is_none()));

    // Comparing with the whole partnership's view: every group the commissioner sees published
    // has the same figures there (a contracted intervention's work is all in scope), so the
    // difference of the two views is zero people, not a hidden group.
    let (_, all) = what_works(&app, &analyst, "by=intervention&as_of=2024-01-01").await;
    let all = groups(&all);
    for g in mine.iter().filter(|g| g.1.is_some()) {
        let same = all.iter().find(|o| o.0 == g.0).unwrap();
        assert_eq!(same, g, "the scoped group equals the partnership's");
    }
    assert!(all.iter().any(|g| g.0 == "Debt help"), "the analyst sees the other provider's group");
    // The whole view withholds Tiny with its own complement; every withheld group of either
    // view is small in neither (Housing, Debt help: 30) or withheld in both (Tiny).
    let tiny = all.iter().find(|g| g.0 == "Tiny").unwrap();
    assert!(tiny.1.is_none() && all.iter().filter(|g| g.1.is_none()).count() >= 2, "{all:?}");
    // In every other grouping the commissioner's view holds only their contracts' persons.
    let (status, _) = what_works(&app, &commissioner, "by=disposal&as_of=2024-01-01").await;
    assert_eq!(status, StatusCode::OK);

    // The page, and the public value report of their contracts; another scope is refused and audited.
    let client = app.session_for(&commissioner).await;
    let landing = client.get("/").await;
    let location = landing.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or(landing.url().path());
    assert!(location.starts_with("/evidence/what-works"), "the commissioner lands on what works, not {location}");
    let page = client.get("/evidence/what-works?by=intervention&as_of=2024-01-01").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Alcohol programme") && !html.contains("Debt help"), "{html}");
    // Whose figures they are, in the words of a commissioner's reach (not a Safety House's).
    assert!(html.contains("verwezen naar de aanbieders die uw organisatie contracteert"), "{html}");
    assert!(!html.contains("Veiligheidshuis het plan heeft geactiveerd"), "{html}");
    let scope = format!("contracts:{}", commissioner.agency_id);
    let report = client.get(&format!("/evidence/public-value?scope={scope}")).await;
    assert_eq!(report.status(), StatusCode::OK);
    let report = client.api(Method::GET, &format!("/api/v1/evidence/public-value?scope={scope}"), None).await;
    assert_eq!(report.status(), StatusCode::OK);
    let before = app.count("audit_log WHERE action = 'denied'").await;
    let someone_else = format!("contracts:{}", analyst.agency_id);
    let refused = client.api(Method::GET, &format!("/api/v1/evidence/public-value?scope={someone_else}"), None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = client.api(Method::GET, "/api/v1/evidence/public-value?scope=all", None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied'").await, before + 2);
}

#[tokio::test]
async fn a_location_lead_sees_their_locations_and_everyone_else_is_refused_and_audited() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    let provider = app.agency("Jellinek", AgencyKind::Provider).await;
    scenario(&app, &police, *provider.id.as_uuid(), *provider.id.as_uuid()).await;
    // The lead's agency sits at no location yet: their view is empty, not everyone's.
    let lead = app.member_of_new_agency("ZSM-team", AgencyKind::Police, "locatieleider", Role::LocationLead).await;
    let (status, body) = what_works(&app, &lead, "by=intervention&as_of=2024-01-01").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(groups(&body).is_empty(), "no decided case at their locations: nothing of anyone else's {body}");
    let (status, body) = what_works(&app, &lead, "by=disposal&as_of=2024-01-01").await;
    assert_eq!((status, groups(&body).len()), (StatusCode::OK, 0));
    let page = app.session_for(&lead).await.get("/evidence/what-works?by=location").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("beslist op de ZSM-locaties waar uw organisatie aan tafel zit"), "{html}");
    assert!(!html.contains("Veiligheidshuis het plan heeft geactiveerd"), "{html}");
    // Their public value report offers only their own locations (none here): refused, audited.
    let before = app.count("audit_log WHERE action = 'denied'").await;
    let report = app.session_for(&lead).await.api(Method::GET, "/api/v1/evidence/public-value", None).await;
    assert_eq!(report.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE action = 'denied'").await, before + 1);

    // Roles with no aggregates: refused and audited on the page and the API.
    for (role, kind) in [(Role::ProbationOfficer, AgencyKind::Probation), (Role::Mentor, AgencyKind::Mentoring)] {
        let other = app.member_of_new_agency(&format!("{role:?}"), kind, &format!("{role:?}"), role).await;
        let before = app.count("audit_log WHERE action = 'denied' AND what = 'what works'").await;
        assert_eq!(what_works(&app, &other, "by=intervention").await.0, StatusCode::FORBIDDEN);
        let page = app.session_for(&other).await.get("/evidence/what-works").await;
        assert_eq!(page.status(), StatusCode::FORBIDDEN);
        assert_eq!(app.count("audit_log WHERE action = 'denied' AND what = 'what works'").await, before + 2);
    }
}

/// Provider A: "Housing" 25 people, "Alcohol programme" 40, "Debt help" 30; provider B:
/// "Housing" 5 more. A pool of 60. One municipality contracts A; a region contracts A and B.
async fn overlapping_contracts(app: &TestApp, police: &Actor, a: Uuid, b: Uuid) {
    let groups: Vec<(&str, Uuid, usize)> =
        [("Housing", a, 25), ("Alcohol programme", a, 40), ("Debt help", a, 30), ("Housing", b, 5)]
            .into_iter()
            .flat_map(|(name, provider, n)| (0..n).map(move |k| (name, provider, k)))
            .collect();
    let (mut persons, mut offences, mut events) = (String::new(), String::new(), String::new());
    let offend = |id: &str, again: bool, offences: &mut String| {
        offences.push_str(&format!("{id}-a,{id},2021-06-01,2021-08-01,conviction,theft,3\n"));
        if again {
            offences.push_str(&format!("{id}-b,{id},2022-06-01,2022-08-01,conviction,theft,3\n"));
        }
    };
    for k in 0..60 {
        let id = format!("POOL{k:03}");
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        events.push_str(&format!("{id},2022-03-01,court,court_disposal\n"));
        offend(&id, k % 2 == 0, &mut offences);
    }
    for (n, (_, _, k)) in groups.iter().enumerate() {
        let id = bsn(n);
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        offend(&id, k % 2 == 0, &mut offences);
    }
    let mut sorted: Vec<&str> = persons.lines().collect();
    sorted.sort_unstable();
    import(&app.store, &extract(&(sorted.join("\n") + "\n"), &offences, &events), "test").await;
    for (n, (name, provider, _)) in groups.iter().enumerate() {
        let person = app.person(police, &format!("Referred{n}"), &bsn(n)).await;
        referral(app, person, name, *provider).await;
    }
}

type Figures = Vec<(String, Option<u64>, Option<u64>)>;

/// Every group published in both a view and a view enclosing it differs by nobody or by a
/// group large enough to publish on its own: subtracting them reveals no small group.
fn differencing_reveals_nothing(inner: &Figures, outer: &Figures) -> Result<(), String> {
    for (group, people, reoffenders) in inner {
        let (Some(p), Some(r)) = (people, reoffenders) else { continue };
        let Some((_, Some(op), Some(or))) = outer.iter().find(|o| &o.0 == group) else { continue };
        let (dp, dr) = (op - p, or - r);
        if dp > 0 && (dp < 10 || (dr > 0 && dr < 10) || dp - dr < 10) {
            return Err(format!("{group}: {op} − {p} = {dp} people, {dr} reoffending"));
        }
    }
    Ok(())
}

#[tokio::test]
async fn overlapping_views_cannot_be_differenced_into_a_small_group() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    let (a, b) = (app.agency("Jellinek", AgencyKind::Provider).await, app.agency("Leger", AgencyKind::Provider).await);
    let (a, b) = (*a.id.as_uuid(), *b.id.as_uuid());
    overlapping_contracts(&app, &police, a, b).await;
    let city = app.member_of_new_agency("Gemeente", AgencyKind::Municipality, "stad", Role::Commissioner).await;
    let region = app.member_of_new_agency("Regio", AgencyKind::Municipality, "regio", Role::Commissioner).await;
    contract(&app, *city.agency_id.as_uuid(), a).await;
    contract(&app, *region.agency_id.as_uuid(), a).await;
    contract(&app, *region.agency_id.as_uuid(), b).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;

    let query = "by=intervention&as_of=2024-01-01";
    let whole = groups(&what_works(&app, &analyst, query).await.1);
    let regional = groups(&what_works(&app, &region, query).await.1);
    let city_view = groups(&what_works(&app, &city, query).await.1);
    // The partnership and the region (every provider) publish Housing whole: 30, 16 reoffending.
    let housing = ("Housing".to_string(), Some(30), Some(16));
    assert!(whole.contains(&housing) && regional.contains(&housing), "{whole:?} {regional:?}");
    // The city's Housing (25) would give provider B's 5 away by subtraction: it is withheld,
    // and with it the next smallest (Debt help), so no total gives it back either.
    let withheld: Vec<&str> = city_view.iter().filter(|g| g.1.is_none()).map(|g| g.0.as_str()).collect();
    assert_eq!(withheld, ["Debt help", "Housing"], "{city_view:?}");
    assert!(city_view.contains(&("Alcohol programme".to_string(), Some(40), Some(20))), "{city_view:?}");
    // Differencing every pair of nested views reveals no group under the minimum cell.
    for (inner, outer) in [(&city_view, &regional), (&city_view, &whole), (&regional, &whole)] {
        differencing_reveals_nothing(inner, outer).unwrap();
    }
    // The same check fails on figures published without the rule: it can fail.
    let unguarded = vec![("Housing".to_string(), Some(25), Some(13))];
    assert!(differencing_reveals_nothing(&unguarded, &whole).is_err());
}
