//! Duplicate people caught on create (issue 17, item 17), on SQLite and PostgreSQL: the same
//! identifier is refused; the same name and date of birth is a warning naming the match — only
//! a person the member's agency may see, so the check never tells anyone of a person they could
//! not look up — and "create anyway" needs a reason, which the access history keeps.

use crate::support;
use crate::support::{TestApp, api_call};
use domain::access::Role;
use domain::directory::AgencyKind;
use reqwest::{Method, StatusCode};

fn form<'a>(bsn: &'a str, reason: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("family_name", "visser"),
        ("given_names", "Jan"),
        ("birth_date", "12-03-1984"),
        ("sex", "M"),
        ("identifier_kind", "bsn"),
        ("identifier_value", bsn),
        ("basis_kind", "statutory_task"),
        ("statute", "Reclasseringsregeling 1995"),
        ("reason", "Quickscan ZSM"),
        ("duplicate_reason", reason),
    ]
}

async fn journey(app: TestApp) {
    let (_, officer) = app.probation_officer().await;
    let existing = app.person(&officer, "Visser", "111222333").await;
    let client = app.session_for(&officer).await;

    // Same identifier: refused, with the record it belongs to.
    let taken = client.post_form("/people", &form("111222333", "")).await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().await.unwrap().contains(&format!("href=\"/people/{existing}\"")));

    // Same name and date of birth, another identifier: a warning with the match, nothing saved,
    // what was typed kept, the summary linking to the reason field.
    let warned = client.post_form("/people", &form("123456782", "")).await;
    assert_eq!(warned.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = warned.text().await.unwrap();
    assert!(html.contains("heeft al een persoon met deze naam en geboortedatum"), "{html}");
    assert!(html.contains(&format!("href=\"/people/{existing}\"")) && html.contains("Jan Visser, geboren 1984-03-12"));
    assert!(html.contains("href=\"#duplicate_reason\"") && html.contains("id=\"duplicate_reason\""), "{html}");
    assert!(html.contains("value=\"visser\"") && html.contains("value=\"123456782\""), "what was typed is kept");
    assert_eq!(app.count("person").await, 1);

    // The basis left out too: the warning and the basis's problems come at once, each line of
    // the summary naming its field (issue 17 item 23, found walking the form as the police).
    let without_basis: Vec<_> = form("123456782", "")
        .into_iter()
        .filter(|(name, _)| !["basis_kind", "statute", "reason"].contains(name))
        .collect();
    let both = client.post_form("/people", &without_basis).await;
    assert_eq!(both.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = both.text().await.unwrap();
    let summary = html.split("class=\"error-summary\"").nth(1).expect("an error summary");
    let summary = &summary[..summary.find("</ul>").expect("its list")];
    assert!(summary.contains("href=\"#duplicate_reason\"") && summary.contains("href=\"#basis_kind\""), "{summary}");
    assert!(summary.contains("Reden om toch een andere persoon te registreren: "), "the field named: {summary}");
    assert_eq!(app.count("person").await, 1);

    // Created anyway, with the reason kept in the new record's access history.
    let anyway = client.post_form("/people", &form("123456782", "vader en zoon, zelfde naam")).await;
    assert_eq!(anyway.status(), StatusCode::SEE_OTHER);
    let created = anyway.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(app.count("person").await, 2);
    let audit = client.get(&format!("{created}/audit")).await.text().await.unwrap();
    assert!(audit.contains("vader en zoon, zelfde naam") && audit.contains(&existing.to_string()), "{audit}");

    // The JSON API the same: a 409 naming the matches, then created with the reason.
    let body = |reason: &str| {
        serde_json::json!({
            "person": {"family_name": "Visser", "given_names": "Jan", "birth_date": "1984-03-12",
                       "identifiers": [{"kind": "bsn", "value": "100000010"}]},
            "basis": {"kind": "statutory_task", "statute": "Reclasseringsregeling 1995", "reason": "test"},
            "duplicate_reason": reason,
        })
    };
    let (status, problem) = api_call(&client, Method::POST, "/api/v1/people", Some(body(""))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(problem["possible_duplicates"].to_string().contains(&existing.to_string()), "{problem}");
    let (status, _) = api_call(&client, Method::POST, "/api/v1/people", Some(body("tweeling"))).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.count("person").await, 3);

    // Another agency, not on their teams: no warning, nothing told — it registers its own.
    let police = app.agency("Politie Oost", AgencyKind::Police).await;
    let outsider = app.member(&police, "agent", &[Role::PoliceOfficer]).await;
    let theirs = app.session_for(&outsider).await.post_form("/people", &form("100000009", "")).await;
    assert_eq!(theirs.status(), StatusCode::SEE_OTHER, "no match it may see");
    assert_eq!(app.count("person").await, 4);
}

#[tokio::test]
async fn duplicates_are_caught_on_create_on_sqlite() {
    journey(support::spawn_app().await).await;
}

#[tokio::test]
async fn duplicates_are_caught_on_create_on_postgres() {
    let Some(app) = support::spawn_postgres().await else { return };
    journey(app).await;
}
