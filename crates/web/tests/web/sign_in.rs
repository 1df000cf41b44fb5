//! Signing in under attack (issue 16): redirect targets taken from input, the throttle under
//! parallel attempts, someone else's guesses against a member's account, the bound on
//! password checks, and the sessions a member has open.

use crate::support::{PASSWORD, TestApp, api_call, input_value, spawn_app, spawn_on};
use reqwest::Method;
use reqwest::StatusCode;
use serde_json::json;
use web::PasswordLimits;

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

/// What a sign-in was answered: status, `Retry-After`, body.
struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: String,
}

/// Sign-ins sent at once, each (username, password, address) as a browser at that address
/// (`X-Forwarded-For`, which the application trusts here); through the form, or the API.
async fn at_once(app: &TestApp, attempts: Vec<(String, String, String)>, api: bool) -> Vec<Answer> {
    let tasks: Vec<_> = attempts
        .into_iter()
        .map(|(username, password, address)| {
            let browser = app.anonymous();
            tokio::spawn(async move {
                let request = if api {
                    let body = json!({"username": username, "password": password});
                    browser.http.post(format!("{}/api/v1/login", browser.base)).json(&body)
                } else {
                    let form = [("username", username.as_str()), ("password", password.as_str()), ("next", "")];
                    browser.http.post(format!("{}/login", browser.base)).form(&form)
                };
                let response = request.header("x-forwarded-for", address).send().await.unwrap();
                let status = response.status();
                let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_string());
                Answer { status, retry_after, body: response.text().await.unwrap() }
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

fn statuses(answers: &[Answer]) -> Vec<u16> {
    answers.iter().map(|a| a.status.as_u16()).collect()
}

fn checked(answers: &[Answer]) -> usize {
    answers.iter().filter(|a| a.status == StatusCode::UNAUTHORIZED).count()
}

/// The application behind a proxy it trusts, so tests can sign in from many addresses.
fn behind_a_proxy() -> crate::support::Spawn {
    crate::support::app().configure(|c| c.trusted_proxies = web::proxies::TrustedProxies::everyone())
}

/// Issue 16, item 3: 60 parallel wrong passwords on one account got 42 checked (limit 5); 60
/// from one address got 32 (limit 20). Attempts are on record before any password is checked,
/// so parallel ones see each other. (Room for every check to wait, so that the throttle, not
/// the bound on checks, is what is tested.)
async fn parallel_wrong_passwords_are_checked_at_most_up_to_the_limits(app: TestApp) {
    app.probation_officer().await;
    let one_account: Vec<_> =
        (0..60).map(|n| ("fatima".to_string(), format!("wrong password {n}"), "10.0.0.66".to_string())).collect();
    let answers = at_once(&app, one_account, false).await;
    assert!(checked(&answers) <= 5, "one account from one address: {:?}", statuses(&answers));
    assert!(answers.iter().all(|a| matches!(a.status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS)));

    let one_address: Vec<_> =
        (0..60).map(|n| (format!("guess{n}"), "wrong password".to_string(), "10.0.0.77".to_string())).collect();
    let answers = at_once(&app, one_address, true).await;
    assert!(checked(&answers) <= 20, "one address, many accounts: {:?}", statuses(&answers));
    assert_eq!(app.state.password_check_stats().refused_busy, 0, "the bound on checks refused none");
}

fn room_for_all() -> crate::support::Spawn {
    behind_a_proxy()
        .configure(|c| c.password_checks = PasswordLimits { concurrent: 2, queue: 200, ..PasswordLimits::default() })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_checked_at_most_up_to_the_limits_on_sqlite() {
    parallel_wrong_passwords_are_checked_at_most_up_to_the_limits(room_for_all().sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_wrong_passwords_are_checked_at_most_up_to_the_limits_on_postgres() {
    let Some(app) = room_for_all().postgres().await else { return };
    parallel_wrong_passwords_are_checked_at_most_up_to_the_limits(app).await;
}

/// Issue 18: `X-Forwarded-For` is believed only from a trusted proxy. Without one, guesses that
/// each claim a fresh address all come from the one peer and are throttled as one address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_from_an_untrusted_peer_do_not_escape_the_throttle() {
    let app = crate::support::app()
        .configure(|c| c.password_checks = PasswordLimits { concurrent: 2, queue: 200, ..PasswordLimits::default() })
        .sqlite()
        .await;
    app.probation_officer().await;
    let invented: Vec<_> =
        (0..30).map(|n| ("fatima".to_string(), format!("wrong password {n}"), format!("198.51.100.{n}"))).collect();
    let answers = at_once(&app, invented, false).await;
    assert!(checked(&answers) <= 5, "one peer, invented addresses: {:?}", statuses(&answers));
}

/// Issue 16, item 1: each check takes ~19 MiB and a core, and 200 concurrent wrong sign-ins
/// took the server from 61 MB to 5.85 GB. At most `concurrent` checks run, `queue` more wait,
/// and the rest are refused before the database or argon2 sees them, answered 429 with
/// `Retry-After` after that second: the page says so in the member's language, the API in
/// problem JSON. (Memory under load is measured by `desist bench logins`, not here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_beyond_what_can_be_checked_are_refused_unchecked() {
    let app = behind_a_proxy()
        .configure(|c| c.password_checks = PasswordLimits { concurrent: 1, queue: 2, ..PasswordLimits::default() })
        .sqlite()
        .await;
    app.probation_officer().await;
    // From as many addresses on as many accounts: the throttle has nothing to say.
    let guesses = |from: usize| {
        (from..from + 24).map(|n| (format!("guess{n}"), "wrong password".to_string(), format!("192.0.2.{n}"))).collect()
    };
    let answers = at_once(&app, guesses(0), false).await;
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS).collect();
    assert!(!busy.is_empty() && checked(&answers) >= 1, "{:?}", statuses(&answers));
    assert_eq!(busy.len() + checked(&answers), answers.len(), "{:?}", statuses(&answers));
    for answer in &busy {
        assert_eq!(answer.retry_after.as_deref(), Some("1"));
        assert!(answer.body.contains("Er worden nu veel aanmeldingen gecontroleerd"), "{}", answer.body);
    }
    let answers = at_once(&app, guesses(100), true).await;
    let busy: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS).collect();
    assert!(!busy.is_empty(), "{:?}", statuses(&answers));
    for answer in &busy {
        assert_eq!(answer.retry_after.as_deref(), Some("1"));
        let problem: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(problem["status"], 429);
    }
    let stats = app.state.password_check_stats();
    assert_eq!((stats.peak_concurrent, stats.buffers), (1, 1), "one check at a time, in one work buffer");
    assert_eq!(app.count("login_attempt WHERE outcome = 'pending'").await, 0, "refused before being recorded");
    // Once the rush is over, the member signs in as always.
    app.sign_in("fatima").await;
}

/// Issue 16, item 4: five wrong passwords from anywhere locked the member out for 15 minutes
/// from every address. Now only the address that guessed is stopped; guesses from many
/// addresses slow those addresses down, never the member's own; and the member is told, on
/// the first page after signing in (and in the API's answer).
async fn someone_elses_guesses_do_not_lock_the_member_out_and_the_member_is_told(app: TestApp) {
    app.probation_officer().await;
    let from = |address: &str, password: &str| vec![("fatima".to_string(), password.to_string(), address.to_string())];
    let mut statuses = Vec::new();
    for n in 0..8 {
        let answer = at_once(&app, from("192.0.2.66", &format!("guess {n}")), false).await.remove(0);
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    let right = at_once(&app, from("192.0.2.66", PASSWORD), false).await.remove(0);
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "that address waits, even with the right password");
    assert_eq!(right.retry_after.as_deref(), Some("900"));
    assert!(right.body.contains("Wacht 15 minuten"), "{}", right.body);

    // The member at her own desk signs in as always, and is told on the first page, once.
    let desk = app.anonymous();
    let signed_in = desk
        .http
        .post(app.url("/login"))
        .header("x-forwarded-for", "10.0.0.7")
        .form(&[("username", "fatima"), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.headers()["location"], "/");
    assert_eq!(desk.get("/").await.status(), StatusCode::SEE_OTHER, "on to the first page, which tells");
    let first = desk.get("/people").await.text().await.unwrap();
    assert!(
        first.contains(
            "5 mislukte aanmeldpogingen op uw account sinds uw vorige aanmelding, de laatste vanaf 192.0.2.66 om 2026-11-22 10:00."
        ),
        "{first}"
    );
    assert!(!desk.get("/people").await.text().await.unwrap().contains("mislukte aanmeldpoging"), "told once");

    // Guesses from many addresses: each gets in once, then that address is slowed down.
    for n in 0..6 {
        let answer = at_once(&app, from(&format!("198.51.100.{n}"), "guess"), false).await.remove(0);
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let again = at_once(&app, from("198.51.100.1", "guess"), false).await.remove(0);
    assert_eq!((again.status, again.retry_after.as_deref()), (StatusCode::TOO_MANY_REQUESTS, Some("60")));
    // Never the member's: the API tells her too.
    let (status, body) = api_call(
        &app.anonymous(),
        Method::POST,
        "/api/v1/login",
        Some(json!({"username": "fatima", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["failed_attempts"]["count"], 6);
    assert_eq!(body["failed_attempts"]["last_from"], "198.51.100.5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_guesses_do_not_lock_the_member_out_and_the_member_is_told_on_sqlite() {
    someone_elses_guesses_do_not_lock_the_member_out_and_the_member_is_told(behind_a_proxy().sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn someone_elses_guesses_do_not_lock_the_member_out_and_the_member_is_told_on_postgres() {
    let Some(app) = behind_a_proxy().postgres().await else { return };
    someone_elses_guesses_do_not_lock_the_member_out_and_the_member_is_told(app).await;
}

/// The session token a sign-in's answer sets.
fn session_cookie(response: &reqwest::Response) -> String {
    let header = response.headers()["set-cookie"].to_str().unwrap();
    header.split(';').next().unwrap().strip_prefix("desist_session=").unwrap().to_string()
}

/// Whether `token` still opens a page, on the server at `address`.
async fn opens_a_page(app: &TestApp, token: &str) -> bool {
    let response = app.anonymous().http.get(app.url("/people")).header("cookie", format!("desist_session={token}"));
    response.send().await.unwrap().status() == StatusCode::OK
}

/// Issue 16, item 15: signing in again kept the old session alive. Signing in ends the session
/// the browser came with; a member sees where they are signed in and signs out everywhere
/// else — on every server of the database.
async fn signing_in_again_ends_the_old_session_and_a_member_signs_out_elsewhere(app: TestApp) {
    let other_server = spawn_on(&app.database_url).await;
    app.probation_officer().await;
    let sign_in_form = [("username", "fatima"), ("password", PASSWORD), ("next", "")];
    let browser = app.anonymous();
    let first = browser.post_raw("/login", &sign_in_form).await;
    let old = session_cookie(&first);
    assert!(opens_a_page(&other_server, &old).await);
    // The same browser signs in again (a sign-in form left open in another tab).
    let again = browser.post_raw("/login", &sign_in_form).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let current = session_cookie(&again);
    assert_ne!(current, old);
    assert!(!opens_a_page(&app, &old).await, "the old session ended");
    wait_until(|| async { !opens_a_page(&other_server, &old).await }).await;
    assert_eq!(app.count("session").await, 1);

    // A second device; the sessions page lists both and marks this browser's.
    let phone = app.anonymous();
    let phone_token = session_cookie(&phone.post_raw("/login", &sign_in_form).await);
    assert!(opens_a_page(&other_server, &phone_token).await);
    let page = browser.get("/people").await.text().await.unwrap();
    assert!(page.contains("href=\"/sessions\""), "linked from the member line");
    let sessions = browser.get("/sessions").await.text().await.unwrap();
    assert_eq!(sessions.matches("<td>127.0.0.1</td>").count(), 2, "{sessions}");
    assert_eq!(sessions.matches("Deze browser").count(), 1);
    let csrf = input_value(&sessions, "csrf");
    let ended = browser.post_raw("/sessions/end-others", &[("csrf", csrf.as_str())]).await;
    assert_eq!((ended.status(), ended.headers()["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/sessions"));
    assert!(!opens_a_page(&app, &phone_token).await);
    wait_until(|| async { !opens_a_page(&other_server, &phone_token).await }).await;
    assert!(opens_a_page(&app, &current).await, "this browser stays signed in");
    assert!(browser.get("/sessions").await.text().await.unwrap().contains("U bent alleen hier aangemeld."));

    // The API: the list, and signing out everywhere else.
    let (status, login) = api_call(
        &app.anonymous(),
        Method::POST,
        "/api/v1/login",
        Some(json!({"username": "fatima", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let bearer = format!("Bearer {}", login["token"].as_str().unwrap());
    let list: serde_json::Value = app
        .anonymous()
        .http
        .get(app.url("/api/v1/sessions"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let currents: Vec<bool> =
        list["sessions"].as_array().unwrap().iter().map(|s| s["current"].as_bool().unwrap()).collect();
    let mut currents = currents;
    currents.sort();
    assert_eq!(currents, [false, true], "the API's, marked as the one asking, and the browser's");
    let ended: serde_json::Value = app
        .anonymous()
        .http
        .post(app.url("/api/v1/sessions/end-others"))
        .header("authorization", &bearer)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ended["ended"], 1);
    assert!(!opens_a_page(&app, &current).await);
}

/// Polls `condition` for up to five seconds: another server hears of an ended session
/// asynchronously (PostgreSQL's LISTEN/NOTIFY).
async fn wait_until<F, Fut>(condition: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..500 {
        if condition().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("not within 5 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_ends_the_old_session_and_a_member_signs_out_elsewhere_on_sqlite() {
    signing_in_again_ends_the_old_session_and_a_member_signs_out_elsewhere(spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_ends_the_old_session_and_a_member_signs_out_elsewhere_on_postgres() {
    let Some(app) = crate::support::spawn_postgres().await else { return };
    signing_in_again_ends_the_old_session_and_a_member_signs_out_elsewhere(app).await;
}
