//! Issue 17 items 11 and 23, found walking the demo as probation: a partnership with a Safety
//! House and an IOM hub. Fatima (probation) opens the conference page of a person she works
//! with: the Safety House her agency takes part in is ticked for her — not the IOM hub, which
//! lists its own partners without probation — and a request that names no Safety House is
//! refused with a summary that names the field ("Partners to invite: …"), what she typed kept.
//! On SQLite and PostgreSQL.

use crate::support;
use crate::support::{TestApp, valid_bsn};
use domain::access::Role;
use domain::directory::{AgencyKind, DirectoryStore};

/// Whether the "invited" checkbox of `agency` is ticked on the page.
fn ticked(body: &str, agency: &str) -> bool {
    let input = format!("name=\"invited\" value=\"{agency}\"");
    let at = body.find(&input).unwrap_or_else(|| panic!("{agency} offered"));
    body[at..at + input.len() + 12].contains("checked")
}

async fn journey(app: TestApp) {
    let (probation, officer) = app.probation_officer().await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let house = app.agency("Zorg- en Veiligheidshuis Utrecht", AgencyKind::SafetyHouse).await;
    let admin = app.member_of_new_agency("Beheer", AgencyKind::Municipality, "beheer", Role::Administrator).await;
    let admin = app.session_for(&admin).await;
    let police_id = police.id.to_string();
    let fields = [
        ("name", "Knowsley IOM hub"),
        ("pack", "england-wales"),
        ("persons_per_day", "5"),
        ("triage_cutoff", "12:00"),
        ("agencies", police_id.as_str()),
    ];
    assert_eq!(admin.submit("/admin/safety-houses", &fields).await.status, 200);
    let hub = app.store.agencies().await.unwrap().into_iter().find(|a| a.name == "Knowsley IOM hub").unwrap();
    let person = app.person_on_team(&officer, "Visser", &valid_bsn(4), &[&police]).await;
    let fatima = app.session_for(&officer).await;

    let page = fatima.visit(&format!("/people/{person}/conference")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(ticked(&page.body, &house.id.to_string()), "the Safety House probation takes part in is ticked");
    assert!(!ticked(&page.body, &hub.id.to_string()), "the IOM hub of other partners is not");
    assert!(ticked(&page.body, &probation.id.to_string()), "the team is invited");

    // Unticked: refused, the summary names the field, what was typed kept, nothing stored.
    let refused = fatima
        .submit(
            &format!("/people/{person}/conference"),
            &[("reason", "Schulden en overlast"), ("goal", "Eén plan"), ("invited", police_id.as_str())],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    let summary = refused.body.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    assert!(
        summary.contains("Uit te nodigen partners: kies het Zorg- en Veiligheidshuis waar de aanvraag naartoe gaat"),
        "the summary names the field: {summary}"
    );
    assert!(refused.body.contains("Schulden en overlast"), "what was typed is kept");
    assert_eq!(app.count("conference_request").await, 0);

    // As ticked for her: on the Safety House's triage at once.
    let house_id = house.id.to_string();
    let fields = [("reason", "Schulden en overlast"), ("goal", "Eén plan"), ("invited", house_id.as_str())];
    let sent = fatima.submit(&format!("/people/{person}/conference"), &fields).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let manager = app.member(&house, "noor", &[Role::ProcessManager]).await;
    let triage = app.session_for(&manager).await.visit("/triage").await;
    assert!(triage.body.contains("Schulden en overlast"), "{}", triage.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probation_s_request_goes_to_its_safety_house_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probation_s_request_goes_to_its_safety_house_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}
