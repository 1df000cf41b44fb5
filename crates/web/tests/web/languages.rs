//! The language chooser: three languages, each named in itself, and the pages in the chosen one.

use crate::support::spawn_app;
use reqwest::StatusCode;

#[tokio::test]
async fn a_member_chooses_italian_and_pages_answer_in_italian() {
    let app = spawn_app().await;
    app.probation_officer().await;
    // Signed in through the form, so the browser keeps every cookie it is given.
    let client = app.sign_in("fatima").await;
    let dutch = client.get("/people").await.text().await.unwrap();
    assert!(dutch.contains("<html lang=\"nl\">") && dutch.contains("Persoon zoeken"));
    // Every language is on offer from every page, named in itself and marked with its language.
    assert!(dutch.contains("Language/Taal/Lingua"), "the chooser's label in all three languages");
    for (code, name) in [("en", "English"), ("nl", "Nederlands"), ("it", "Italiano")] {
        let link = format!("href=\"/language/{code}?back=%2Fpeople\" lang=\"{code}\" hreflang=\"{code}\"");
        assert!(dutch.contains(&link), "a link to {name}: {link}");
        assert!(dutch.contains(&format!(">{name}</a>")));
    }
    assert!(dutch.contains("lang=\"nl\" hreflang=\"nl\" aria-current=\"true\">Nederlands"));

    let switched = client.get("/language/it?back=/people").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/people");
    let italian = client.get("/people").await.text().await.unwrap();
    assert!(italian.contains("<html lang=\"it\">"), "{italian}");
    assert!(italian.contains("Cerca una persona") && !italian.contains("Persoon zoeken"));
    assert!(italian.contains("lang=\"it\" hreflang=\"it\" aria-current=\"true\">Italiano"));

    assert_eq!(client.get("/language/fr").await.status(), StatusCode::NOT_FOUND);
}
