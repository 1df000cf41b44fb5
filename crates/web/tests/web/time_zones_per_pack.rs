//! "Today" follows the pack of the location or Safety House concerned, never simply the
//! deployment's zone (issue 18, tz2): half an hour before midnight in London is already the
//! next day in Amsterdam, so a use case that took the deployment's zone would date a London
//! custody suite's work, or a London IOM hub's figures, a day (and here a month) late.

use crate::support::api_call;
use crate::support::zsm::{intake, table_on_app, zsm_app};
use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore};
use domain::zsm::ports::{ZsmLocation, ZsmStore};
use reqwest::{Method, StatusCode};
use serde_json::json;

/// 23:30 UTC on 30 November: 23:30 on the 30th in London, 00:30 on 1 December in Amsterdam.
const LATE: &str = "2026-11-30T23:30:00Z";

#[tokio::test]
async fn an_unmet_need_at_a_london_custody_suite_is_dated_in_london() {
    let table = table_on_app(zsm_app(LATE).sqlite().await).await;
    let utrecht = table.app.store.location("zsm-utrecht").await.unwrap().unwrap();
    let location = ZsmLocation {
        code: "custody-liverpool".into(),
        name: "Liverpool custody suite".into(),
        pack: "england-wales".into(),
        agencies: utrecht.agencies,
        time_zone: None,
    };
    table.app.store.create_location(&location, table.app.now()).await.unwrap();
    let mut people = Vec::new();
    for (name, code) in [("Smith", "custody-liverpool"), ("De Vries", "zsm-utrecht")] {
        let suspect = table.person(name).await;
        let id = suspect.to_string();
        let mut form = intake(&id, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
        form.iter_mut().filter(|(field, _)| *field == "location").for_each(|field| field.1 = code);
        let page = table.police.submit("/zsm/cases", &form).await;
        assert!(page.url.starts_with("/zsm/cases/"), "registered at {code}: {}", page.body);
        people.push(suspect);
    }
    // The interventions use case dates the record: in London still November, in Amsterdam
    // already December. Probation records unmet need (it refers; the police do not).
    for (person, month) in [(people[0], "2026-11"), (people[1], "2026-12")] {
        let unmet = json!({"person_id": person.to_string(), "need": "housing", "reason": "no_capacity"});
        let (status, row) = api_call(&table.probation, Method::POST, "/api/v1/unmet-need", Some(unmet)).await;
        assert_eq!(status, StatusCode::CREATED, "{row}");
        assert_eq!(row["month"], month, "{row}");
    }
}

#[tokio::test]
async fn a_london_iom_hub_s_evidence_is_as_of_today_in_london() {
    let app = zsm_app(LATE).sqlite().await;
    let hub = app.agency("IOM Hub Knowsley", AgencyKind::SafetyHouse).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let lee = app.member(&hub, "lee", &[Role::ProcessManager]).await;
    let noor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    app.store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    for (who, zone, today, not_today, month_end) in [
        (&lee, "Europe/London", "2026-11-30", "2026-12-01", "2026-10-31"),
        (&noor, "Europe/Amsterdam", "2026-12-01", "2026-11-30", "2026-11-30"),
    ] {
        let client = app.session_for(who).await;
        let works = client.visit("/evidence/what-works").await.body;
        assert!(works.contains(&format!("Data up to ({zone})")), "{works}");
        let field = |day: &str| format!("value=\"{day}\"");
        assert!(works.contains(&field(today)) && !works.contains(&field(not_today)), "{works}");
        // The public value report of their own Safety House: the twelve whole months before
        // this one there (on 30 November in London, October is the last), the zone named.
        let report = client.visit("/evidence/public-value").await.body;
        assert!(report.contains(&format!("{month_end} ({zone}).")), "{report}");
    }
}

#[tokio::test]
async fn a_london_iom_hub_plans_a_meeting_today_in_london() {
    let app = zsm_app(LATE).sqlite().await;
    let hub = app.agency("IOM Hub Knowsley", AgencyKind::SafetyHouse).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let police = app.agency("Merseyside Police", AgencyKind::Police).await;
    let lee = app.member(&hub, "lee", &[Role::ProcessManager]).await;
    let noor = app.member(&house, "noor", &[Role::ProcessManager]).await;
    app.store.set_agency_pack(hub.id, Some("england-wales")).await.unwrap();
    let meeting =
        |date: &str| json!({"date": date, "location": "Huyton, IOM room", "invited": [police.id.to_string()]});
    // 30 November is still today in London (planned) and already yesterday in Amsterdam
    // (refused, naming the date) — the CI failure of 7 December, 23:12 UTC.
    let london = app.session_for(&lee).await;
    let (status, planned) = api_call(&london, Method::POST, "/api/v1/meetings", Some(meeting("2026-11-30"))).await;
    assert_eq!(status, StatusCode::CREATED, "{planned}");
    assert_eq!(planned["date"], "2026-11-30", "{planned}");
    let utrecht = app.session_for(&noor).await;
    let (status, refused) = api_call(&utrecht, Method::POST, "/api/v1/meetings", Some(meeting("2026-11-30"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("date"), "{refused}");
}
