//! The team's cohort-changes list, on SQLite and PostgreSQL: a person on a case team who joins
//! a cohort without an open plan shows up for the agencies on the team (not for others), and
//! each agency acknowledges it for itself; both the listing and the acknowledgement are
//! audited.

use crate::support;
use crate::support::api_call;
use crate::support::extracts::{extract, import, select_into_ew_iom};
use crate::support::{TestApp, spawn_app};
use domain::access::Role;
use domain::directory::AgencyKind;
use domain::jurisdiction::Lang;
use reqwest::{Method, StatusCode};

async fn story(app: TestApp) {
    let probation = app.agency("Reclassering", AgencyKind::Probation).await;
    let police = app.agency("Politie", AgencyKind::Police).await;
    let research = app.agency("Onderzoeksbureau", AgencyKind::Municipality).await;
    let officer = app.member(&probation, "reclasseerder", &[Role::ProbationOfficer]).await;
    let constable = app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    app.member(&research, "analist", &[Role::Analyst]).await;
    let bsn = support::valid_bsn(7);
    let person = app.person(&officer, "Cohortlid", &bsn).await;

    // The extract knows the person by the same number.
    import(&app.store, &extract(&format!("{bsn},1984-03-12,M,North\n"), "", ""), "test").await;
    let told = select_into_ew_iom(&app.store, &bsn, "2026-11-01", Lang::Nl).await;
    assert_eq!(told, 1);

    let on_team = app.session_for(&officer).await;
    let page = on_team.get("/cohort-changes").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Cohortlid") && html.contains("2026-11-01"), "{html}");
    // The cohort by its name in the reader's language, not its rule's code (walk3).
    assert!(html.contains("Geïntegreerd daderbeheer (IOM)") && !html.contains("ew-iom"), "{html}");
    // The team is told in its notifications too; the police, off the team, are not.
    let (_, told) = api_call(&on_team, Method::GET, "/api/v1/notifications", None).await;
    assert_eq!(told["notifications"][0]["kind"], "cohort.member.joined");
    let message = told["notifications"][0]["message"].as_str().unwrap();
    assert!(message.contains("‘Geïntegreerd daderbeheer (IOM)’") && !message.contains("ew-iom"), "{message}");
    let (_, not_told) = api_call(&app.session_for(&constable).await, Method::GET, "/api/v1/notifications", None).await;
    assert_eq!(not_told["notifications"], serde_json::json!([]));
    let form = html.split("action=\"/cohort-changes/").nth(1).expect("an acknowledge form");
    let id = form.split('/').next().unwrap().to_string();
    let listed = app.count("audit_log WHERE what = 'list: cohort changes'").await;
    assert_eq!(listed, 1, "the listed person is audited");

    let off_team = app.session_for(&constable).await;
    let html = off_team.get("/cohort-changes").await.text().await.unwrap();
    assert!(!html.contains("Cohortlid"), "the police are not on this person's team");
    let refused = off_team.post_form(&format!("/cohort-changes/{id}/acknowledge"), &[]).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let unknown = on_team.post_form("/cohort-changes/01900000-0000-7000-8000-000000000009/acknowledge", &[]).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);

    let seen = on_team.post_form(&format!("/cohort-changes/{id}/acknowledge"), &[]).await;
    assert_eq!(seen.status(), StatusCode::SEE_OTHER);
    assert_eq!(seen.headers()["location"], "/cohort-changes");
    let html = on_team.get("/cohort-changes").await.text().await.unwrap();
    assert!(!html.contains("Cohortlid"), "acknowledged changes leave the list");
    assert_eq!(app.count("audit_log WHERE what = 'cohort change: acknowledge' AND action = 'update'").await, 1);
    let _ = person;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teams_cohort_changes_list_on_sqlite() {
    story(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teams_cohort_changes_list_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    story(app).await;
}
