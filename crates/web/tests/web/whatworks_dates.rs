//! Issue 21: disclosure control cannot be undone by asking the same question as of two dates.
//! Thirty people were referred to an alcohol programme on 1 March 2022 (twelve reoffended), one
//! more on 10 April 2022 (who reoffended), twenty on 2 May 2022 (nine reoffended); sixty people
//! of the extract's own are the comparison pool. With twelve months' follow-up and six for the
//! courts, their figures complete on 1 September, 10 October and 2 November 2023. Asking as of
//! 9 and 10 October 2023 and subtracting would give the April person away, and that they
//! reoffended; the answers stay at the September release until November's twenty make the
//! difference publishable (`evidence::grid`).

use crate::support::extracts::{extract, import};
use crate::support::{TestApp, spawn_app, valid_bsn};
use domain::access::{Actor, Role};
use domain::directory::AgencyKind;
use reqwest::Method;
use serde_json::Value;

/// The referrals: (day, how many, how many of them reoffend within the follow-up).
const REFERRED: [(&str, usize, usize); 3] = [("2022-03-01", 30, 12), ("2022-04-10", 1, 1), ("2022-05-02", 20, 9)];

async fn scenario(app: &TestApp, police: &Actor) {
    let (mut persons, mut offences, mut events) = (String::new(), String::new(), String::new());
    for k in 0..60 {
        let id = format!("POOL{k:03}");
        persons.push_str(&format!("{id},1990-01-01,M,Utrecht\n"));
        events.push_str(&format!("{id},2022-01-10,court,court_disposal\n"));
        if k % 2 == 0 {
            offences.push_str(&format!("{id}-r,{id},2022-03-01,2022-04-01,conviction,theft,3\n"));
        }
    }
    let mut referred = Vec::new();
    for (day, count, reoffending) in REFERRED {
        for k in 0..count {
            let bsn = valid_bsn(referred.len());
            persons.push_str(&format!("{bsn},1990-01-01,M,Utrecht\n"));
            if k < reoffending {
                // Two months after the referral, proven a month later: inside the follow-up.
                let on: jiff::civil::Date = day.parse().unwrap();
                let months = |n: i64| on.saturating_add(jiff::Span::new().months(n));
                let (offence, outcome) = (months(2), months(3));
                offences.push_str(&format!("{bsn}-r,{bsn},{offence},{outcome},conviction,theft,3\n"));
            }
            referred.push((bsn, day));
        }
    }
    let mut sorted: Vec<&str> = persons.lines().collect();
    sorted.sort_unstable();
    import(&app.store, &extract(&(sorted.join("\n") + "\n"), &offences, &events), "test").await;
    for (n, (bsn, day)) in referred.iter().enumerate() {
        let person = app.person(police, &format!("Referred{n}"), bsn).await;
        crate::whatworks::referral_on(app, person, "Alcohol programme", day).await;
    }
}

/// The programme's (people, reoffenders, as_of) and the answer's own as-of, as of `as_of`.
async fn programme(app: &TestApp, analyst: &Actor, as_of: &str) -> (Value, Value, Value, Value) {
    let path = format!("/api/v1/evidence/what-works?by=intervention&as_of={as_of}");
    let body: Value = app.session_for(analyst).await.api(Method::GET, &path, None).await.json().await.unwrap();
    let group = body["groups"].as_array().unwrap().iter().find(|g| g["group"] == "Alcohol programme").unwrap().clone();
    (group["people"].clone(), group["reoffenders"].clone(), group["as_of"].clone(), body["method"]["as_of"].clone())
}

#[tokio::test]
async fn two_as_of_dates_a_person_apart_give_the_same_figures() {
    let app = spawn_app().await;
    let police = app.member_of_new_agency("Politie", AgencyKind::Police, "agent", Role::PoliceOfficer).await;
    scenario(&app, &police).await;
    let analyst = app.member_of_new_agency("Bureau", AgencyKind::Municipality, "analist", Role::Analyst).await;
    let september = (Value::from(30), Value::from(12), Value::from("2023-09-30"));
    // The attack: the day before and the day the April person's follow-up completes.
    let before = programme(&app, &analyst, "2023-10-09").await;
    let after = programme(&app, &analyst, "2023-10-10").await;
    assert_eq!((before.0.clone(), before.1.clone(), before.2.clone()), september);
    assert_eq!(before, after, "nothing to subtract");
    assert_eq!(after.3, "2023-09-30", "a day inside October answers as of the end of September");
    // As of the end of October the April person is complete, but alone: held back.
    let october = programme(&app, &analyst, "2023-10-31").await;
    assert_eq!((october.0, october.1, october.2), september, "held back to September");
    assert_eq!(october.3, "2023-10-31");
    // The normal case: November adds twenty-one, ten of them reoffending — published.
    let november = programme(&app, &analyst, "2023-11-30").await;
    assert_eq!(
        (november.0, november.1, november.2),
        (Value::from(51), Value::from(22), Value::from("2023-11-30")),
        "51 - 30 = 21 people, 10 reoffending: publishable on its own"
    );
    // The page says why October's figures are September's, in the deployment's language.
    let html = app
        .session_for(&analyst)
        .await
        .get("/evidence/what-works?by=intervention&as_of=2023-10-31")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Teruggehouden tot 2023-09-30"), "the held-back note");
    assert!(html.contains("alleen per einde van een maand"), "the rule in the page's caveats");
    assert!(html.contains("40,0%"), "the table's rate as the chart's percentage: 12 of 30");
}
