//! Issue 17 item 2: the police find the suspect inside the intake form, by name, date of birth
//! or identifier (no id pasted from a URL), and the person page and search results link to
//! "register at ZSM" for those who may; on SQLite and PostgreSQL.

use crate::support::valid_bsn;
use crate::support::zsm::{Table, intake, suspect, table, table_on_app, zsm_app};
use domain::people::IdentifierInput;

async fn journey(t: Table) {
    let bsn = valid_bsn(4711);
    let id =
        suspect(&t.app, &t.police_actor, "Zoekbaar", vec![IdentifierInput { kind: "bsn".into(), value: bsn.clone() }])
            .await
            .to_string();

    // From the search results and the person page: "register at ZSM", for the police only.
    let results = t.police.visit("/people?q=Zoekbaar").await;
    assert!(results.body.contains(&format!("href=\"/zsm/intake?suspect={id}\"")), "{}", results.body);
    let person = t.police.visit(&format!("/people/{id}")).await;
    assert!(person.body.contains(&format!("href=\"/zsm/intake?suspect={id}\"")));
    assert!(person.body.contains("Register at ZSM"));
    let probation = t.probation.visit("/people?q=Zoekbaar").await;
    assert!(!probation.body.contains("/zsm/intake?suspect="), "probation may not register cases");
    // The link opens intake with the suspect chosen.
    let opened = t.police.visit(&format!("/zsm/intake?suspect={id}")).await;
    assert!(opened.body.contains(&format!("value=\"{id}\" checked")), "{}", opened.body);
    assert!(opened.body.contains("Sam Zoekbaar"));

    // Inside the form: search by identifier, then by name; the typed values are kept.
    let mut form: Vec<(&str, &str)> = intake("", "2026-11-22T08:30", "2026-11-22T08:45", "2026-11-22", "");
    form.retain(|(k, _)| *k != "suspect_id");
    for query in [bsn.as_str(), "Zoekbaar"] {
        let mut search = form.clone();
        search.extend([("suspect_id_q", query), ("search", "suspect_id")]);
        let page = t.police.submit("/zsm/cases", &search).await;
        assert_eq!(page.status, 200, "a search is not a registration: {}", page.body);
        assert!(page.body.contains(&format!("id=\"suspect_id-found-{id}\"")), "{query} finds the suspect");
        assert!(page.body.contains("Aangehouden door de winkeldetective"), "the rest of the form is kept");
        assert!(page.url == "/zsm/cases", "still the form");
    }
    // Choosing the candidate registers the case.
    let mut chosen = form.clone();
    chosen.push(("suspect_id", &id));
    let registered = t.police.submit("/zsm/cases", &chosen).await;
    assert_eq!(registered.status, 200, "{}", registered.body);
    assert!(registered.url.starts_with("/zsm/cases/"), "{}", registered.url);
    assert!(registered.body.contains("Sam Zoekbaar"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_police_find_the_suspect_within_intake_on_sqlite() {
    journey(table().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_police_find_the_suspect_within_intake_on_postgres() {
    let Some(app) = zsm_app(crate::support::zsm::NOW).postgres().await else { return };
    journey(table_on_app(app).await).await;
}
