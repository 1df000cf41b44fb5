//! Manual cohort decisions in the web, on SQLite and PostgreSQL: the Safety House process
//! manager selects a person into a cohort with a reason; the member list says why each person
//! is in (the rule's counts or the reason), the person's team is told with the reason, and the
//! decision is audited. A bad form names every field (422, nothing saved); another role is
//! refused (403) and the refusal is audited.

use crate::support;
use crate::support::extracts::{extract, import};
use crate::support::{TestApp, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

async fn story(app: TestApp) {
    let house = app.agency("Zorg- en Veiligheidshuis", AgencyKind::SafetyHouse).await;
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let manager = app.member(&house, "procesregisseur", &[Role::ProcessManager]).await;
    let officer = app.member(&probation, "reclasseerder", &[Role::ProbationOfficer]).await;
    let bsn = support::valid_bsn(8);
    app.person(&officer, "Geselecteerd", &bsn).await;
    import(&app.store, &extract(&format!("{bsn},1984-03-12,M,North\n"), "", ""), "test").await;

    let pm = app.session_for(&manager).await;
    let page = pm.get("/cohorts/ew-iom").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("action=\"/cohorts/ew-iom/decisions\""), "{html}");
    assert!(!html.contains(&bsn), "not in the cohort by the rule");

    // Every field wrong at once: each is named in the summary, nothing is saved.
    let bad = pm.post_form("/cohorts/ew-iom/decisions", &[("cohort_person", ""), ("cohort_reason", " ")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await.unwrap();
    for anchor in ["#cohort_person", "#cohort_change", "#cohort_reason"] {
        assert!(html.contains(&format!("href=\"{anchor}\"")), "{anchor} in the summary: {html}");
    }
    // Each line names its field by its label, not only the message (issue 17 item 23, found
    // walking the cohort as the process manager: "Vul dit in" without saying where).
    let summary = html.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    for label in [["Person (id in the extract): ", "Persoon (id in het bestand): "], ["Reason: ", "Reden: "]] {
        assert!(label.iter().any(|l| summary.contains(l)), "{label:?} named: {summary}");
    }
    let unknown = pm
        .post_form(
            "/cohorts/ew-iom/decisions",
            &[("cohort_person", "nobody"), ("cohort_change", "select"), ("cohort_reason", "police intelligence")],
        )
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("evidence_cohort_override").await, 0);

    let reason = "Politie-informatie: nieuwe dreiging";
    let done = pm
        .post_form(
            "/cohorts/ew-iom/decisions",
            &[("cohort_person", bsn.as_str()), ("cohort_change", "select"), ("cohort_reason", reason)],
        )
        .await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(done.headers()["location"], "/cohorts/ew-iom");
    let html = pm.get("/cohorts/ew-iom").await.text().await.unwrap();
    // Each id opens the people search; the decision names the member who made it.
    let row = html.split(&format!(">{bsn}</a></td>")).nth(1).expect("the person is listed");
    assert!(html.contains(&format!("href=\"/people?q={bsn}\"")), "{html}");
    assert!(row.contains(reason) && row.contains("procesregisseur (test)"), "{row}");
    assert_eq!(app.count("audit_log WHERE what = 'cohort ew-iom: decision' AND action = 'create'").await, 1);
    assert!(app.count("audit_log WHERE what = 'cohort ew-iom: members' AND action = 'read'").await >= 1);
    // The person's team is told, with the reason.
    let told = format!("outbox_event WHERE kind = 'cohort.member.joined' AND detail LIKE '%{reason}%'");
    assert_eq!(app.count(&told).await, 1);

    // Another role may neither see the list nor decide; both refusals are audited.
    let other = app.session_for(&officer).await;
    assert_eq!(other.get("/cohorts/ew-iom").await.status(), StatusCode::FORBIDDEN);
    let refused = other
        .post_form(
            "/cohorts/ew-iom/decisions",
            &[("cohort_person", bsn.as_str()), ("cohort_change", "deselect"), ("cohort_reason", "no")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("audit_log WHERE what LIKE 'cohort ew-iom: %' AND action = 'denied'").await, 2);
    assert_eq!(app.count("evidence_cohort_override").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_manager_selects_into_a_cohort_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_process_manager_selects_into_a_cohort_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    story(app).await;
}
