//! What the last walk of issue 17 left for a user to trip on at the table and beyond it, each
//! walked as the role concerned, on SQLite (and PostgreSQL where a store query changed):
//!
//! * the police find a victim inside the intake form the way they find the suspect (1);
//! * a task's name on "my agency's tasks" opens the task, for its owner's agency only (2);
//! * only the agency that owns help under an exclusion order can mark it started: the button
//!   is not offered to others and the server refuses and audits their attempt (5);
//! * the triage list says when a request came in after the cut-off, and when it is carried over
//!   from a triage day that passed (6).

use crate::support;
use crate::support::teams::{arrange_help, impose_order};
use crate::support::zsm::{Table, intake, suspect, table, table_on_app, zsm_app};
use crate::support::{TestApp, input_value};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

async fn victim_found_inside_intake(t: Table) {
    let accused = suspect(&t.app, &t.police_actor, "Verdacht", Vec::new()).await.to_string();
    let victim = suspect(&t.app, &t.police_actor, "Benadeeld", Vec::new()).await.to_string();
    let mut form: Vec<(&str, &str)> = intake(&accused, "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
    form.retain(|(k, _)| *k != "victim_person");

    // The form offers a search per victim, not a field for a pasted number.
    let page = t.police.visit("/zsm/intake").await;
    assert!(page.body.contains("name=\"victim_person_0_q\"") && page.body.contains("value=\"victim_person_0\""));
    assert!(!page.body.contains("name=\"victim_person\""), "no free-text person number");

    // Searching for the first victim keeps everything typed and offers the candidates there.
    let mut search = form.clone();
    search.extend([("victim_person_0_q", "Benadeeld"), ("search", "victim_person_0")]);
    let found = t.police.submit("/zsm/cases", &search).await;
    assert_eq!(found.status, 200, "a search registers nothing: {}", found.body);
    assert!(found.body.contains(&format!("id=\"victims-0-person_id-found-{victim}\"")), "{}", found.body);
    assert!(!found.body.contains(&format!("id=\"victims-1-person_id-found-{victim}\"")), "in its own row only");
    assert!(found.body.contains(&format!("value=\"{accused}\" checked")), "the suspect stays chosen");
    assert!(found.body.contains("Aangehouden door de winkeldetective"));

    // Choosing the candidate registers the case with that victim.
    let mut chosen = form.clone();
    chosen.push(("victim_person_0", &victim));
    let registered = t.police.submit("/zsm/cases", &chosen).await;
    assert!(registered.url.starts_with("/zsm/cases/"), "{}", registered.body);
    assert!(registered.body.contains("Sam Benadeeld"), "the victim is on the case: {}", registered.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_police_find_the_victim_within_intake_on_sqlite() {
    victim_found_inside_intake(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_police_find_the_victim_within_intake_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    victim_found_inside_intake(table_on_app(app).await).await;
}

#[tokio::test]
async fn a_task_name_on_the_agency_list_opens_the_task_for_its_agency_only() {
    let s = support::teams::plan_team(support::spawn_app().await).await;
    s.active_plan().await;
    let clerk = s.app.session_for(&s.clerk).await;
    let list = clerk.get("/tasks/agency").await.text().await.unwrap();
    let prefix = format!("<a href=\"/people/{}/plan#task-", s.person);
    let start = list.find(&prefix).unwrap_or_else(|| panic!("the task is a link: {list}"));
    let link = &list[start + "<a href=\"".len()..];
    let href = &link[..link.find('"').unwrap()];
    assert!(link.contains("\">Kamer zoeken via wooncorporatie</a>"), "{link}");
    let task = href.rsplit("#task-").next().unwrap();
    let opened = clerk.get(href).await;
    assert_eq!(opened.status(), StatusCode::OK, "the owner's agency opens it");
    assert!(opened.text().await.unwrap().contains(&format!("<tr id=\"task-{task}\"")), "the link lands on the task");
    let stranger = s.app.session_for(&s.stranger).await;
    assert_eq!(stranger.get(href).await.status(), StatusCode::FORBIDDEN, "an agency off the team is refused");
}

/// Help for the victim owned by victim support: probation, on the excluded person's team and
/// working on plans, is not offered "mark as started", and a start it posts anyway is refused
/// (403) and audited; victim support starts it.
async fn only_the_owner_starts_help(app: TestApp) {
    let (_, officer) = app.probation_officer().await;
    let victim_support = app.agency("Slachtofferhulp Utrecht", AgencyKind::VictimSupport).await;
    let helper = app.member(&victim_support, "vera", &[Role::VictimSupportWorker]).await;
    let excluded = app.person(&officer, "Kuipers", "111222333").await;
    let victim = app.person(&officer, "Kuipers-Jansen", "123456782").await;
    let probation = app.session_for(&officer).await;
    let mayor = app.mayors_office(&officer, &[excluded, victim]).await;
    let order = impose_order(&mayor, excluded, victim, "HV-9", "2026-11-21T10:00").await;
    arrange_help(&mayor, (excluded, victim), &order, &victim_support, "Veiligheidsplan met het slachtoffer").await;

    // Probation sees the help, not the button.
    let page = probation.get(&format!("/people/{excluded}/measures")).await.text().await.unwrap();
    assert!(page.contains("Veiligheidsplan met het slachtoffer"), "{page}");
    let row = page.split("Veiligheidsplan met het slachtoffer").nth(1).unwrap().split("</tr>").next().unwrap();
    assert!(!row.contains("order_help_started"), "no start for another agency's help: {row}");
    let vera = app.session_for(&helper).await;
    let theirs = vera.get(&format!("/people/{victim}/measures")).await.text().await.unwrap();
    let task = input_value(theirs.split("order_help_started").nth(1).expect("the owner has the button"), "task");

    // Posted anyway, from the page and from the list: refused, audited, nothing saved.
    let events = app.count("measure_event").await;
    let denied = app.count("audit_log WHERE action = 'denied'").await;
    let start = [("form", "order_help_started"), ("order", order.as_str()), ("task", task.as_str())];
    let refused = probation.post_form(&format!("/people/{excluded}/measures/exclusion-orders/change"), &start).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(refused.text().await.unwrap().contains("hoort bij een andere organisatie"));
    let from_list = [("person", excluded.to_string()), ("order", order.clone()), ("task", task.clone())];
    let from_list: Vec<(&str, &str)> = from_list.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = probation.post_form("/tasks/agency/help-started", &from_list).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("measure_event").await, events, "nothing saved");
    assert_eq!(app.count("audit_log WHERE action = 'denied'").await, denied + 2, "both refusals audited");
    let audit = probation.get(&format!("/people/{excluded}/audit")).await.text().await.unwrap();
    assert!(audit.contains("De taak hoort bij een andere organisatie"), "{audit}");

    // The owner starts it.
    let started = [("form", "order_help_started"), ("order", order.as_str()), ("task", task.as_str())];
    let response = vera.post_form(&format!("/people/{victim}/measures/exclusion-orders/change"), &started).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("measure_event").await, events + 1);
}

#[tokio::test]
async fn only_the_owning_agency_starts_help_on_sqlite() {
    only_the_owner_starts_help(support::spawn_app().await).await;
}

#[tokio::test]
async fn only_the_owning_agency_starts_help_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    only_the_owner_starts_help(app).await;
}

/// Monday 23 November 2026, 13:00 in Amsterdam: past the noon cut-off for Tuesday's triage.
#[tokio::test]
async fn the_triage_list_marks_requests_after_the_cut_off_and_carried_over() {
    let app = support::app().at("2026-11-23T12:00:00Z").sqlite().await;
    let s = support::teams::conference_team(app).await;
    let officer = s.app.session_for(&s.officer).await;
    let manager = s.app.session_for(&s.manager).await;
    let fields = [
        ("reason", "keeps shoplifting alcohol"),
        ("goal", "one plan with care and enforcement"),
        ("invited", &s.house.id.to_string()),
    ];
    let filed = officer.post_form(&format!("/people/{}/conference", s.person), &fields).await;
    assert_eq!(filed.status(), StatusCode::SEE_OTHER);
    let triage = manager.get("/triage").await.text().await.unwrap();
    assert!(triage.contains("2026-11-26"), "on Thursday's triage: {triage}");
    assert!(triage.contains("binnengekomen na de sluitingstijd voor de triage van 2026-11-24"), "{triage}");
    assert!(!triage.contains("doorgeschoven"), "not carried over yet");
    // Thursday passes without a decision: on Friday it reads carried over.
    s.app.clock.advance(jiff::SignedDuration::from_hours(24 * 4));
    let manager = s.app.session_for(&s.manager).await;
    let triage = manager.get("/triage").await.text().await.unwrap();
    assert!(triage.contains("doorgeschoven van 2026-11-26"), "{triage}");
}

/// Item 24: the navigation offers the ZSM table only to the roles that sit at it; a provider
/// was offered it and then refused every board.
#[tokio::test]
async fn the_navigation_offers_the_table_only_to_those_at_it() {
    let app = support::spawn_app().await;
    let (_, officer) = app.probation_officer().await;
    let shelter = app.agency("Leger des Heils Opvang", AgencyKind::Provider).await;
    let worker = app.member(&shelter, "marieke", &[Role::ProviderWorker]).await;
    let at_table = app.session_for(&officer).await.get("/people").await.text().await.unwrap();
    assert!(at_table.contains("<a href=\"/zsm\">"), "probation sits at the table");
    let provider = app.session_for(&worker).await;
    let page = provider.get("/people").await.text().await.unwrap();
    assert!(!page.contains("<a href=\"/zsm\">"), "no table for a provider: {page}");
    assert!(page.contains("<a href=\"/tasks/agency\">"), "its tasks stay in the navigation");
}
