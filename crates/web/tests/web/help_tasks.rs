//! An exclusion order's help tasks on "my agency's tasks" over a real server, on SQLite and
//! PostgreSQL: listed for the owning agency with the order's deadline and a link to the order,
//! in the JSON list too, marked started from the list (a bad task re-renders the list with an
//! error summary and a 422 and changes nothing), then gone from the list.

use crate::support;
use crate::support::TestApp;
use crate::support::teams::{arrange_help, impose_order};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};

async fn journey(app: TestApp) {
    let (probation, officer) = app.probation_officer().await;
    let police = app.agency("Politie Utrecht", AgencyKind::Police).await;
    let constable = app.member(&police, "kees", &[Role::PoliceOfficer]).await;
    let excluded = app.person(&officer, "Kuipers", "111222333").await;
    let victim = app.person(&officer, "Kuipers-Jansen", "123456782").await;
    let client = app.session_for(&officer).await;
    // The municipality imposes the order and arranges its help.
    let mayor = app.mayors_office(&officer, &[excluded, victim]).await;
    let victims = victim.to_string();
    let order = impose_order(&mayor, excluded, victim, "HV-7", "2026-11-20T10:00").await;
    arrange_help(&mayor, (excluded, victim), &order, &probation, "Veiligheidsplan met het slachtoffer").await;

    // Not started yet: the warning names the agency that must start it and the help, in the
    // same sentence, wherever it is shown — the measures page, the plan, the weekly review.
    let pages = [format!("/people/{excluded}/measures"), format!("/people/{excluded}/plan"), "/reviews/weekly".into()];
    for page in &pages {
        let html = mayor.get(page).await.text().await.unwrap();
        let warned = sentences_naming(&html, "Veiligheidsplan met het slachtoffer");
        assert!(
            warned.iter().any(|s| s.contains("Reclassering Nederland is nog niet begonnen met")),
            "{page}: the warning names the owner: {warned:?}"
        );
    }

    // On the owning agency's list, with the order's deadline for help to start and a link to it.
    let list = client.get("/tasks/agency").await.text().await.unwrap();
    assert!(list.contains("Hulp bij huisverbod"), "{list}");
    assert!(list.contains("Veiligheidsplan met het slachtoffer"), "{list}");
    assert!(list.contains("2026-11-30 10:00"), "ten local days after imposition: {list}");
    assert!(list.contains(&format!("/people/{victim}/measures#order-{order}")), "links to the order: {list}");
    assert!(list.contains("Kuipers-Jansen"), "listed under the person the help is for");
    // Not on another agency's list, nor on anyone's personal list.
    let theirs = app.session_for(&constable).await.get("/tasks/agency").await.text().await.unwrap();
    assert!(!theirs.contains("Veiligheidsplan"), "{theirs}");
    assert!(!client.get("/tasks/mine").await.text().await.unwrap().contains("Veiligheidsplan"));
    // The JSON list carries it as a help task.
    let api = client.api(Method::GET, "/api/v1/tasks/agency", None).await;
    assert_eq!(api.status(), StatusCode::OK);
    let lines: serde_json::Value = api.json().await.unwrap();
    let line = &lines[0];
    assert_eq!(line["source"], "help_task", "{lines}");
    assert_eq!(line["exclusion_order_id"], order.as_str());
    assert_eq!(line["person_id"], victims.as_str());
    assert_eq!(line["help_task"]["due_at"], "2026-11-30T09:00:00Z");
    let task = line["help_task"]["id"].as_str().unwrap().to_string();
    assert!(list.contains(&format!("name=\"task\" value=\"{task}\"")), "a start button: {list}");

    // A bad task: the list again with an error summary and a 422; nothing changes.
    let events = app.count("measure_event").await;
    let wrong =
        [("person", victims.as_str()), ("order", order.as_str()), ("task", "0192f0c1-0000-7000-8000-00000000beef")];
    let response = client.post_form("/tasks/agency/help-started", &wrong).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("error-summary") && html.contains("href=\"#task\"") && html.contains("id=\"task\""),
        "{html}"
    );
    assert_eq!(app.count("measure_event").await, events, "nothing saved");
    // Another agency cannot start it (not on the victim's team).
    let response = app.session_for(&constable).await.post_form("/tasks/agency/help-started", &wrong).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    // Marked started from the list: back to the list, where it is gone; the order shows it.
    let right = [("person", victims.as_str()), ("order", order.as_str()), ("task", task.as_str())];
    let response = client.post_form("/tasks/agency/help-started", &right).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/tasks/agency");
    assert!(!client.get("/tasks/agency").await.text().await.unwrap().contains("Veiligheidsplan"));
    let order_page = client.get(&format!("/people/{victim}/measures")).await.text().await.unwrap();
    assert!(order_page.contains("2026-11-22 10:00"), "started now, shown on the order: {order_page}");
    assert_eq!(app.count("measure_event").await, events + 1);
    // Started: nobody is warned about it any more.
    for page in &pages {
        let html = mayor.get(page).await.text().await.unwrap();
        let warned = sentences_naming(&html, "Veiligheidsplan met het slachtoffer");
        assert!(warned.iter().all(|s| !s.contains("niet begonnen")), "{page}: {warned:?}");
    }
}

/// The texts of the page's elements that mention `what`: each the whole text between the tags
/// around it, so a sentence is checked as one (a name elsewhere on the page does not count).
fn sentences_naming<'a>(html: &'a str, what: &str) -> Vec<&'a str> {
    html.match_indices(what)
        .map(|(at, _)| {
            let start = html[..at].rfind('>').map_or(0, |i| i + 1);
            let end = html[at..].find('<').map_or(html.len(), |i| at + i);
            &html[start..end]
        })
        .collect()
}

#[tokio::test]
async fn help_tasks_on_the_agency_list_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test]
async fn help_tasks_on_the_agency_list_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}

/// Issue 17, item 16: help given to an agency that is not on the team of the person it is for
/// (victim support for the victim) gives that agency access for that purpose, on the statute
/// that asks for the help: the task is on its list, it opens the victim's record, and marks the
/// help started — while the excluded person's record stays closed to it.
async fn help_reaches_its_agency(app: TestApp) {
    let (_, officer) = app.probation_officer().await;
    let victim_support = app.agency("Slachtofferhulp Utrecht", AgencyKind::VictimSupport).await;
    let helper = app.member(&victim_support, "vera", &[Role::VictimSupportWorker]).await;
    let excluded = app.person(&officer, "Kuipers", "111222333").await;
    let victim = app.person(&officer, "Kuipers-Jansen", "123456782").await;
    let client = app.session_for(&officer).await;
    // The municipality imposes the order and arranges its help.
    let mayor = app.mayors_office(&officer, &[excluded, victim]).await;
    let vera = app.session_for(&helper).await;
    let victims = victim.to_string();
    let order = impose_order(&mayor, excluded, victim, "HV-8", "2026-11-21T10:00").await;
    assert_eq!(vera.get(&format!("/people/{victim}")).await.status(), StatusCode::FORBIDDEN, "not on the team yet");

    arrange_help(&mayor, (excluded, victim), &order, &victim_support, "Veiligheidsplan met het slachtoffer").await;

    // Access for that purpose, on the statute: the victim's record, not the excluded person's.
    assert_eq!(vera.get(&format!("/people/{victim}")).await.status(), StatusCode::OK);
    assert_eq!(vera.get(&format!("/people/{excluded}")).await.status(), StatusCode::FORBIDDEN);
    let team = client.get(&format!("/people/{victim}")).await.text().await.unwrap();
    assert!(team.contains("Slachtofferhulp Utrecht") && team.contains("Wet tijdelijk huisverbod"), "{team}");
    assert!(team.contains("help under exclusion order: Veiligheidsplan met het slachtoffer"), "the purpose: {team}");

    // On their task list, and they mark it started.
    let list = vera.get("/tasks/agency").await.text().await.unwrap();
    assert!(list.contains("Veiligheidsplan met het slachtoffer"), "{list}");
    let api: serde_json::Value = vera.api(Method::GET, "/api/v1/tasks/agency", None).await.json().await.unwrap();
    let task = api[0]["help_task"]["id"].as_str().unwrap().to_string();
    let started = [("person", victims.as_str()), ("order", order.as_str()), ("task", task.as_str())];
    let response = vera.post_form("/tasks/agency/help-started", &started).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(!vera.get("/tasks/agency").await.text().await.unwrap().contains("Veiligheidsplan"));
    let order_page = client.get(&format!("/people/{victim}/measures")).await.text().await.unwrap();
    assert!(order_page.contains("2026-11-22 10:00"), "started, shown on the order: {order_page}");
    // A second help task for the same agency adds no second team entry.
    let owner = victim_support.id.to_string();
    let entries =
        app.scalar(&format!("SELECT count(*) FROM team_entry WHERE agency_id = {}", uuid_sql(&app, &owner))).await;
    arrange_help(&mayor, (excluded, victim), &order, &victim_support, "Nazorg na het huisverbod").await;
    let after =
        app.scalar(&format!("SELECT count(*) FROM team_entry WHERE agency_id = {}", uuid_sql(&app, &owner))).await;
    assert_eq!(after, entries);
}

/// A UUID as a literal of the application's database.
fn uuid_sql(app: &TestApp, id: &str) -> String {
    match app.store.pool() {
        store::Pool::Sqlite(_) => format!("X'{}'", id.replace('-', "")),
        store::Pool::Postgres(_) => format!("'{id}'::uuid"),
    }
}

#[tokio::test]
async fn help_reaches_its_agency_on_sqlite() {
    help_reaches_its_agency(support::spawn_app().await).await;
}

#[tokio::test]
async fn help_reaches_its_agency_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    help_reaches_its_agency(app).await;
}
