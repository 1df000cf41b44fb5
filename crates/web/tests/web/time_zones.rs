//! Times follow the person's or the member's pack (issue 18): in a Dutch deployment a
//! detainee of a Liverpool custody suite's personal fund and referrals read in London time and a
//! Turin arrestee's in Rome time, each heading naming its zone; the other pages that list times
//! (notifications, catalogue history, cohort changes, mentoring's roster) name theirs too.

use crate::support::api_call;
use crate::support::zsm::{Table, intake, table};
use domain::ids::PersonId;
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// A location beside ZSM Utrecht with the same agencies, under `pack`, and a suspect
/// registered there: the person's pages follow the location's pack.
async fn suspect_at(table: &Table, code: &str, pack: &str, family_name: &str) -> PersonId {
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let location = ZsmLocation {
        code: code.into(),
        name: code.into(),
        pack: pack.into(),
        agencies: utrecht.agencies,
        time_zone: None,
    };
    table.app.store.create_location(&location, table.app.now()).await.unwrap();
    let suspect = table.person(family_name).await;
    let id = suspect.to_string();
    let mut form = intake(&id, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
    form.iter_mut().filter(|(field, _)| *field == "location").for_each(|field| field.1 = code);
    let page = table.police.submit("/zsm/cases", &form).await;
    assert!(page.url.starts_with("/zsm/cases/"), "registered at {code}: {}", page.body);
    suspect
}

#[tokio::test]
async fn a_person_s_fund_reads_in_the_zone_of_the_location_of_their_case() {
    // 10:00 UTC on 22 November: 10:00 in London (GMT), 11:00 in Amsterdam and in Rome.
    let table = table().await;
    let smith = suspect_at(&table, "custody-liverpool", "england-wales", "Smith").await;
    let rossi = suspect_at(&table, "torino", "italy", "Rossi").await;
    let new_fund = json!({"name": "Personal budgets", "kind": "stream", "stream": "adults", "period_start": "2026-01-01",
        "period_end": "2026-12-31", "budget_cents": 100_000, "approval_above_cents": 25_000, "person_limit_cents": 50_000});
    let (status, fund) = api_call(&table.probation, Method::POST, "/api/v1/funds", Some(new_fund)).await;
    assert_eq!(status, StatusCode::CREATED, "{fund}");
    let transfers = format!("/api/v1/funds/{}/transfers", fund["id"].as_str().unwrap());
    for person in [smith, rossi] {
        let allocate = json!({"id": uuid::Uuid::now_v7().to_string(), "kind": "allocate", "person_id": person.to_string(),
            "amount_cents": 10_000, "description": "Budget", "goal": "A bike to get to work"});
        let (status, body) = api_call(&table.probation, Method::POST, &transfers, Some(allocate)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }

    let london = table.probation.visit(&format!("/people/{smith}/fund")).await.body;
    assert!(london.contains("When (Europe/London)") && london.contains("<td>2026-11-22 10:00</td>"), "{london}");
    assert!(!london.contains("Amsterdam") && !london.contains("2026-11-22 11:00"), "{london}");
    let rome = table.probation.visit(&format!("/people/{rossi}/fund")).await.body;
    assert!(rome.contains("When (Europe/Rome)") && rome.contains("<td>2026-11-22 11:00</td>"), "{rome}");
    assert!(!rome.contains("Europe/London") && !rome.contains("Amsterdam"), "{rome}");
}

/// A mentoring agency that sits only at a custody suite keeps its helpline roster in London
/// time: shifts are typed and shown in it, and the page says so; one at the Turin office in
/// Rome time.
#[tokio::test]
async fn a_mentoring_roster_is_kept_in_the_zone_of_its_agency_s_location() {
    use domain::access::Role;
    use domain::directory::AgencyKind;
    use domain::mentoring::ports::MentoringStore;
    let app = crate::support::app().at("2026-11-22T10:00:00Z").in_english().sqlite().await;
    for (code, pack, agency, login, typed, stored) in [
        ("custody-liverpool", "england-wales", "Mentors Merseyside", "lee", "2026-11-23T09:00", "2026-11-23T09:00:00Z"),
        ("torino", "italy", "Mentori Torino", "giulia", "2026-11-23T09:00", "2026-11-23T08:00:00Z"),
    ] {
        let mentors = app.agency(agency, AgencyKind::Mentoring).await;
        let coordinator = app.member(&mentors, login, &[Role::ProviderWorker]).await;
        let location = ZsmLocation {
            code: code.into(),
            name: code.into(),
            pack: pack.into(),
            agencies: vec![mentors.id],
            time_zone: None,
        };
        app.store.create_location(&location, app.now()).await.unwrap();
        let client = app.session_for(&coordinator).await;
        let zone = if pack == "italy" { "Europe/Rome" } else { "Europe/London" };
        let page = client.visit("/mentoring/roster").await.body;
        assert!(page.contains(&format!("Times are in {zone}.")), "{page}");
        let shift = [
            ("id", ""),
            ("member", &coordinator.member_id.to_string()),
            ("starts_at", typed),
            ("ends_at", "2026-11-23T17:00"),
            ("phone", "0151 000 0000"),
        ];
        let saved = client.submit("/mentoring/roster", &shift).await;
        assert_eq!(saved.url, "/mentoring/roster", "{}", saved.body);
        assert!(saved.body.contains("2026-11-23 09:00"), "shown as typed, in {zone}: {}", saved.body);
        let shifts = app.store.shifts_from(app.now()).await.unwrap();
        let kept = shifts.iter().find(|s| s.agency == mentors.id).unwrap();
        assert_eq!(kept.starts_at.to_string(), stored, "09:00 in {zone}");
    }
}
