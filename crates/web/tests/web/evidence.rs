//! Evidence pages: an analyst sees aggregates with charts, tables and CSV downloads; other
//! roles get 403; cells under 10 never reach the HTML or the CSV.

use crate::support;
use crate::support::extracts::{extract, import};
use crate::support::{TestApp, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

/// 40 people in group "large", 3 in group "tiny" (2 of whom reoffend): the tiny group's counts
/// must be suppressed everywhere.
async fn import_extract(app: &TestApp) {
    let (mut persons, mut offences, mut events) = (String::new(), String::new(), String::new());
    for i in 0..43 {
        let group = if i < 40 { "large" } else { "tiny" };
        persons.push_str(&format!("P{i:03},1990-01-01,M,North\n"));
        events.push_str(&format!("P{i:03},2023-01-01,release,{group}\n"));
        offences.push_str(&format!("O{i:03}a,P{i:03},2022-06-01,2022-09-01,conviction,theft,3\n"));
        if i % 3 == 0 || i >= 41 {
            offences.push_str(&format!("O{i:03}b,P{i:03},2023-05-01,2023-08-01,conviction,burglary,5\n"));
        }
    }
    import(&app.store, &extract(&persons, &offences, &events), "test").await;
}

async fn analyst(app: &TestApp) -> support::Client {
    let agency = app.agency("Onderzoeksbureau", AgencyKind::Municipality).await;
    let member = app.member(&agency, "analist", &[Role::Analyst]).await;
    app.session_for(&member).await
}

/// The cells after the label in the row whose first cell is `label`.
fn row_cells(html: &str, label: &str) -> Vec<String> {
    let start = html.find(&format!("<tr><td>{label}</td>")).unwrap_or_else(|| panic!("no row {label}"));
    let row = &html[start..start + html[start..].find("</tr>").unwrap()];
    row.split("<td>").skip(2).map(|c| c.split("</td>").next().unwrap().to_string()).collect()
}

fn suppressed_or_empty(cell: &str) -> bool {
    cell.is_empty() || cell == "[c]"
}

#[tokio::test]
async fn an_analyst_sees_charts_tables_and_csv_with_small_cells_suppressed() {
    let app = spawn_app().await;
    import_extract(&app).await;
    let client = analyst(&app).await;

    let index = client.get("/evidence").await;
    assert_eq!(index.status(), StatusCode::OK);
    let index = index.text().await.unwrap();
    assert!(index.contains("43"), "counts shown");
    assert!(index.contains("/evidence/cohorts/ew-iom"));

    let page = client.get("/evidence/reoffending?group_by=group&as_of=2025-01-01").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert_eq!(html.matches("<svg").count(), 2, "rates and survival charts");
    assert!(html.contains("/evidence/reoffending/data.csv?group_by=group"));
    assert!(html.contains("<td>large</td>"));
    let tiny = row_cells(&html, "tiny");
    assert!(tiny.iter().all(|c| suppressed_or_empty(c)), "tiny row leaks: {tiny:?}");
    // With two groups the larger one is suppressed too (secondary suppression): otherwise
    // the small one could be worked out from the total.
    let large = row_cells(&html, "large");
    assert!(large.iter().all(|c| suppressed_or_empty(c)), "large row allows differencing: {large:?}");
    // No person-level data: no source ids on the page.
    assert!(!html.contains("P001") && !html.contains("O001"));

    let csv = client.get("/evidence/reoffending/data.csv?group_by=group&as_of=2025-01-01").await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let tiny_line = csv.lines().find(|l| l.starts_with("tiny,")).expect("tiny row in csv");
    assert!(tiny_line.split(',').skip(1).all(suppressed_or_empty), "tiny csv row leaks: {tiny_line}");

    let survival = client.get("/evidence/reoffending/survival.csv?group_by=group&as_of=2025-01-01").await;
    assert_eq!(survival.status(), StatusCode::OK);
    let survival = survival.text().await.unwrap();
    for line in survival.lines().filter(|l| l.starts_with("tiny,")) {
        let cells: Vec<&str> = line.split(',').collect();
        assert!(cells[2..].iter().all(|c| suppressed_or_empty(c)), "tiny survival leaks: {line}");
    }

    let cohort = client.get("/evidence/cohorts/ew-iom?as_of=2025-01-01").await;
    assert_eq!(cohort.status(), StatusCode::OK);
    assert_eq!(cohort.text().await.unwrap().matches("<svg").count(), 2);
    assert_eq!(client.get("/evidence/cohorts/no-such-rule").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get("/evidence/reoffending?group_by=shoe_size").await.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_probation_officer_gets_403_on_every_evidence_page() {
    let app = spawn_app().await;
    import_extract(&app).await;
    let agency = app.agency("Reclassering", AgencyKind::Probation).await;
    let officer = app.member(&agency, "officer", &[Role::ProbationOfficer]).await;
    let client = app.session_for(&officer).await;
    for path in [
        "/evidence",
        "/evidence/reoffending",
        "/evidence/reoffending/data.csv",
        "/evidence/reoffending/survival.csv",
        "/evidence/cohorts/ew-iom",
        "/evidence/cohorts/ew-iom/data.csv",
        "/evidence/cohorts/ew-iom/survival.csv",
    ] {
        assert_eq!(client.get(path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
}

/// A deployment's own rule (from its config) is listed beside the shipped ones and has its
/// cohort page.
#[tokio::test]
async fn own_cohort_rules_appear_beside_the_shipped_ones() {
    let own = evidence::rules::NamedRule {
        name: "inbrekers".into(),
        jurisdiction: String::new(),
        description: "Proven burglary".into(),
        expression: "type in (burglary)".into(),
    };
    let app = support::app().configure(|config| config.cohort_rules = vec![own]).sqlite().await;
    import_extract(&app).await;
    let client = analyst(&app).await;
    let index = client.get("/evidence").await.text().await.unwrap();
    assert!(index.contains("/evidence/cohorts/inbrekers") && index.contains("type in (burglary)"), "{index}");
    assert!(index.contains("/evidence/cohorts/ew-iom"), "the shipped rules are still there");
    let page = client.get("/evidence/cohorts/inbrekers?as_of=2025-01-01").await;
    assert_eq!(page.status(), StatusCode::OK);
    let csv = client.get("/evidence/cohorts/inbrekers/data.csv?as_of=2025-01-01").await;
    assert_eq!(csv.status(), StatusCode::OK);
}

/// Without a day asked for, every evidence page measures up to the extract's own "data up to"
/// date (its latest offence or outcome date: 1 August 2023 here), not today, and says so.
async fn pages_default_to_the_extracts_own_date(app: TestApp) {
    import_extract(&app).await;
    let client = analyst(&app).await;
    for path in ["/evidence/reoffending", "/evidence/cohorts/ew-iom", "/evidence/what-works"] {
        let page = client.get(path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let html = page.text().await.unwrap();
        assert!(html.contains("Gegevens tot en met 1 augustus 2023"), "{path} names the date: {html}");
        let field = &html[html.find("id=\"as_of\"").unwrap_or_else(|| panic!("{path}: no as_of field"))..];
        assert!(field.split('>').next().unwrap().contains("value=\"2023-08-01\""), "{path} defaults to it");
    }
    let page = client.get("/evidence/public-value").await;
    assert!(page.text().await.unwrap().contains("Gegevens tot en met 1 augustus 2023"), "the public value report too");
    // The figures are those of that day, not of today (2026-11-22).
    let csv = |query: &'static str| {
        let client = &client;
        async move {
            client.get(&format!("/evidence/reoffending/data.csv?group_by=group{query}")).await.text().await.unwrap()
        }
    };
    let default = csv("").await;
    assert_eq!(default, csv("&as_of=2023-08-01").await);
    assert_ne!(default, csv("&as_of=2026-11-22").await);
}

#[tokio::test]
async fn evidence_pages_default_to_the_extracts_own_date_on_sqlite() {
    pages_default_to_the_extracts_own_date(crate::support::app().sqlite().await).await;
}

#[tokio::test]
async fn evidence_pages_default_to_the_extracts_own_date_on_postgres() {
    if let Some(app) = crate::support::app().postgres().await {
        pages_default_to_the_extracts_own_date(app).await;
    }
}
