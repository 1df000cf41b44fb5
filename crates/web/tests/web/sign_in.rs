//! Signing in under attack (issue 16): redirect targets taken from input, the throttle under
//! parallel attempts, someone else's guesses against a member's account, the bound on
//! password checks, and the sessions a member has open.

use crate::support::{PASSWORD, input_value, spawn_app};
use reqwest::StatusCode;

/// `target` as a query parameter `name`, percent-encoded.
fn query(name: &str, target: &str) -> String {
    serde_urlencoded::to_string([(name, target)]).unwrap()
}

/// Targets a redirect must never follow: other sites however spelled (a tab or a line break
/// that browsers drop, a backslash they read as a slash, a scheme), and what a `Location`
/// header cannot carry (these answered 500).
const HOSTILE_TARGETS: &[&str] = &[
    "/\t/evil.example",
    "/\n",
    "/\r\n/evil.example",
    "//evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/people\\..\\evil",
    "https://evil.example",
    "javascript:alert(1)",
    " /people",
    "people",
    "/Özdemir",
    "/x\r\nSet-Cookie: desist_session=forged",
];

/// Issue 16, item 5: `/login?next=/%09/evil.example` sent the browser to evil.example;
/// `/language/en?back=/%0a` and `next=/\n` answered 500, the latter after opening a session.
/// Every target from input is a path on this site, or `/`.
#[tokio::test]
async fn redirect_targets_from_input_stay_on_this_site() {
    let app = spawn_app().await;
    app.probation_officer().await;
    let browser = app.anonymous();

    // The probe's own examples, as sent.
    let page = browser.get("/login?next=/%09/evil.example").await.text().await.unwrap();
    assert_eq!(input_value(&page, "next"), "/", "the sign-in form does not carry the target on");
    let switched = browser.get("/language/en?back=/%0a").await;
    assert_eq!(switched.status(), StatusCode::SEE_OTHER);
    assert_eq!(switched.headers()["location"], "/");

    for target in HOSTILE_TARGETS {
        let switched = browser.get(&format!("/language/en?{}", query("back", target))).await;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER, "{target:?}");
        assert_eq!(switched.headers()["location"], "/", "{target:?}");
        let page = browser.get(&format!("/login?{}", query("next", target))).await;
        assert_eq!(page.status(), StatusCode::OK, "{target:?}");
        assert_eq!(input_value(&page.text().await.unwrap(), "next"), "/", "{target:?}");
    }

    // Signing in with a hostile target goes to `/`, and the session it opened works.
    for target in ["/\n", "/\t/evil.example", "//evil.example"] {
        let fresh = app.anonymous();
        let signed_in =
            fresh.post_raw("/login", &[("username", "fatima"), ("password", PASSWORD), ("next", target)]).await;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{target:?}");
        assert_eq!(signed_in.headers()["location"], "/", "{target:?}");
    }

    // Paths on this site are kept, with their query.
    let kept = browser.get(&format!("/language/en?{}", query("back", "/people?q=ozd"))).await;
    assert_eq!(kept.headers()["location"], "/people?q=ozd");
    let signed_in =
        app.anonymous().post_raw("/login", &[("username", "fatima"), ("password", PASSWORD), ("next", "/zsm")]).await;
    assert_eq!(signed_in.headers()["location"], "/zsm");
}
