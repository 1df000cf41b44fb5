//! The evidence pages keep the loaded extract in memory and load it again only when the
//! extract's generation in the database changed: an import (also by another server on the
//! same database). A cohort decision is read from its own table and does not make the server
//! load the extract again. On SQLite and PostgreSQL.

use crate::support;
use crate::support::extracts::{import, select_into_ew_iom};
use crate::support::{TestApp, spawn_app, spawn_on};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::jurisdiction::Lang;
use reqwest::StatusCode;

/// 30 people in group "large", plus `extra` people in group "later".
fn extract(extra: usize) -> evidence::Dataset {
    let (mut persons, mut events) = (String::new(), String::new());
    for i in 0..30 + extra {
        let group = if i < 30 { "large" } else { "later" };
        persons.push_str(&format!("P{i:03},1990-01-01,M,North\n"));
        events.push_str(&format!("P{i:03},2023-01-01,release,{group}\n"));
    }
    support::extracts::extract(&persons, "", &events)
}

const PAGE: &str = "/evidence/reoffending?group_by=group&as_of=2025-01-01";

async fn story(this: TestApp, other: TestApp) {
    import(&this.store, &extract(0), "first").await;
    let agency = this.agency("Onderzoeksbureau", AgencyKind::Municipality).await;
    let member = this.member(&agency, "analist", &[Role::Analyst]).await;
    let client = this.session_for(&member).await;
    assert_eq!(this.state.extract_loads(), 0);

    let first = client.get(PAGE).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(!first.text().await.unwrap().contains("later"));
    assert_eq!(this.state.extract_loads(), 1);
    // Further pages and downloads use the loaded extract.
    assert_eq!(client.get(PAGE).await.status(), StatusCode::OK);
    assert_eq!(
        client.get("/evidence/reoffending/data.csv?group_by=group&as_of=2025-01-01").await.status(),
        StatusCode::OK
    );
    assert_eq!(client.get("/evidence/cohorts/ew-iom?as_of=2025-01-01").await.status(), StatusCode::OK);
    assert_eq!(this.state.extract_loads(), 1, "no reload without a change");

    // Another server imports a newer extract: this one notices and loads it.
    import(&other.store, &extract(12), "second").await;
    let html = client.get(PAGE).await.text().await.unwrap();
    assert!(html.contains("later"), "the new extract is shown");
    assert_eq!(this.state.extract_loads(), 2);
    assert_eq!(client.get(PAGE).await.status(), StatusCode::OK);
    assert_eq!(this.state.extract_loads(), 2);

    // A cohort decision shows at once on the cohort pages, without loading the extract again.
    select_into_ew_iom(&other.store, "P001", "2024-01-01", Lang::En).await;
    assert_eq!(client.get(PAGE).await.status(), StatusCode::OK);
    assert_eq!(client.get("/evidence/cohorts/ew-iom?as_of=2025-01-01").await.status(), StatusCode::OK);
    assert_eq!(this.state.extract_loads(), 2, "a cohort decision does not reload the extract");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extract_is_loaded_once_per_generation_on_sqlite() {
    let this = spawn_app().await;
    let other = spawn_on(&this.database_url).await;
    story(this, other).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_extract_is_loaded_once_per_generation_on_postgres() {
    let Some(this) = support::spawn_postgres().await else { return };
    let other = spawn_on(&this.database_url).await;
    story(this, other).await;
}
