//! The person picker of the measures forms over a real server: searching by name or date of
//! birth re-renders the form (200) with candidate radio buttons among the people the member
//! may see, keeping every other value; nothing is saved until the form is submitted; a
//! refusal (422) keeps the persons chosen; the group page picks a member the same way.

use crate::support;
use crate::support::TestApp;
use crate::support::teams::{MeasuresCast, measures_cast};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::StatusCode;

async fn post(client: &support::Client, path: &str, fields: &[(&str, &str)], status: StatusCode) -> String {
    let response = client.post_form(path, fields).await;
    assert_eq!(response.status(), status, "{path} {fields:?}");
    response.text().await.unwrap()
}

async fn journey(app: TestApp) {
    // The victim "Verhoeven" has a namesake off the team.
    let MeasuresCast { app, mayor, excluded, victim, child, elsewhere: hidden, .. } = measures_cast(app).await;
    // The mayor's office imposes the order.
    let client = app.session_for(&mayor).await;
    let path = format!("/people/{excluded}/measures/exclusion-orders");
    let form = [("form", "order_new"), ("address", "Dorpsstraat 1"), ("decision_ref", "HV-9")];

    // Search for the victim: the form again, with a candidate to choose and the values kept.
    let mut search = form.to_vec();
    search.extend([("victims_q", "Verhoeven"), ("search", "victims")]);
    let html = post(&client, &path, &search, StatusCode::OK).await;
    assert!(html.contains(&format!("type=\"radio\" id=\"order_new-victims-found-{victim}\"")), "{html}");
    assert!(html.contains("Jan Verhoeven, geboren 1984-03-12"), "{html}");
    assert!(!html.contains(&hidden.to_string()), "a person off the team is not offered");
    assert!(html.contains("value=\"Dorpsstraat 1\"") && html.contains("value=\"HV-9\""), "values kept");
    assert!(html.contains("<legend>Kies uit de gevonden personen</legend>"));
    assert!(html.contains("<legend>Slachtoffers (ten minste één)</legend>"));
    assert_eq!(app.count("measure").await, 0, "a search saves nothing");

    // The victim picked, then the child searched by date of birth: the victim stays ticked.
    let victims = victim.to_string();
    let mut search = form.to_vec();
    search.extend([("victims", victims.as_str()), ("children_q", "Mees 12-03-1984"), ("search", "children")]);
    let html = post(&client, &path, &search, StatusCode::OK).await;
    assert!(
        html.contains(&format!(
            "type=\"checkbox\" id=\"order_new-victims-chosen-{victim}\" name=\"victims\" value=\"{victim}\" checked"
        )),
        "{html}"
    );
    assert!(html.contains(&format!("id=\"order_new-children-found-{child}\"")), "{html}");
    let mut nobody = form.to_vec();
    nobody.extend([("children_q", "Onbekend"), ("search", "children")]);
    assert!(post(&client, &path, &nobody, StatusCode::OK).await.contains("Niemand gevonden"));

    // Submitted without a victim: 422 with the summary linking to the picker; the child stays.
    let children = child.to_string();
    let mut refused = form.to_vec();
    refused.push(("children", children.as_str()));
    let html = post(&client, &path, &refused, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(html.contains("href=\"#order_new-victims\"") && html.contains("id=\"order_new-victims\""), "{html}");
    assert!(
        html.contains(&format!("id=\"order_new-children-chosen-{child}\" name=\"children\" value=\"{child}\" checked"))
    );
    assert_eq!(app.count("measure").await, 0);
    let mut good = refused.clone();
    good.push(("victims", victims.as_str()));
    post(&client, &path, &good, StatusCode::SEE_OTHER).await;
    assert_eq!(app.count("measure").await, 1);

    // The group page picks a member the same way.
    let safety_house = app.agency("Zorg- en Veiligheidshuis Amsterdam", AgencyKind::SafetyHouse).await;
    let manager = app.member(&safety_house, "noor", &[Role::ProcessManager]).await;
    let member = app.person(&manager, "Bouzid", &support::valid_bsn(11)).await;
    let client = app.session_for(&manager).await;
    let response = client.post_form("/groups", &[("name", "Jongeren Slotermeer"), ("area", "Slotermeer")]).await;
    let group = response.headers()["location"].to_str().unwrap().to_string();
    let members = format!("{group}/members");
    let html =
        post(&client, &members, &[("person_q", "Bouzid"), ("class", "core"), ("search", "person")], StatusCode::OK)
            .await;
    assert!(html.contains(&format!("type=\"radio\" id=\"person-found-{member}\"")), "{html}");
    let picked = member.to_string();
    post(&client, &members, &[("person", picked.as_str()), ("class", "core"), ("form", "add")], StatusCode::SEE_OTHER)
        .await;
    assert!(client.get(&group).await.text().await.unwrap().contains("Bouzid"));
}

#[tokio::test]
async fn person_picker_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test]
async fn person_picker_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}
