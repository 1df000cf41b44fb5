//! The authorization matrix: every route × every role × (agency on the person's team / not),
//! against what the domain's access table says. The route list is read from the source, so a
//! route added without a row here fails the test.

use crate::authorization_matrix::{MATRIX, Need};
use crate::support;
use crate::support::{TestApp, spawn_app};
use domain::access::{Role, Scope};
use domain::directory::AgencyKind;
use reqwest::StatusCode;

/// Where a file's routes are mounted.
fn prefix(file: &str) -> &'static str {
    if file.starts_with("api") { "/api" } else { "" }
}

/// Every `.route("path", get(..).post(..))` in the web crate's source.
fn routes_in_source() -> Vec<(String, String, String)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
    let mut found = Vec::new();
    let mut files = Vec::new();
    collect(std::path::Path::new(root), &mut files);
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = path.strip_prefix(root).unwrap().to_string_lossy().to_string();
        for piece in text.split(".route(\"").skip(1) {
            let (route, rest) = piece.split_once('"').unwrap();
            // The handler chain runs until the route call's closing parenthesis.
            let mut depth = 1;
            let chain: String = rest
                .chars()
                .take_while(|c| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth > 0
                })
                .collect();
            for method in ["get", "post", "put", "patch", "delete"] {
                let called = chain.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !chain.as_bytes()[i - 1].is_ascii_alphanumeric() && chain.as_bytes()[i - 1] != b'_'
                });
                if called {
                    found.push((file.clone(), method.to_uppercase(), route.to_string()));
                }
            }
        }
    }
    found
}

fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_route_in_the_source_is_in_the_matrix_and_back() {
    let source = routes_in_source();
    let missing: Vec<_> = source
        .iter()
        .filter(|(file, method, route)| !MATRIX.iter().any(|(f, m, r, _)| f == file && m == method && r == route))
        .collect();
    assert!(missing.is_empty(), "routes without a row in the authorization matrix: {missing:?}");
    let stale: Vec<_> = MATRIX
        .iter()
        .filter(|(f, m, r, _)| !source.iter().any(|(file, method, route)| f == file && m == method && r == route))
        .collect();
    assert!(stale.is_empty(), "matrix rows for routes that no longer exist: {stale:?}");
}

fn expected_allowed(need: Need, role: Role, on_team: bool) -> bool {
    match need {
        Need::Public | Need::SignedIn => true,
        Need::CaseRules(_) | Need::Token => unreachable!("judged on their own"),
        Need::Role(permission) => role.grants(permission).is_some(),
        Need::Referrer => {
            on_team
                && domain::interventions::DEFAULT_SIDE_ROLES
                    .iter()
                    .any(|(r, side)| *r == role && *side == domain::interventions::Side::Referrer)
        }
        Need::Person(permission) => match role.grants(permission) {
            Some(Scope::Everyone) => true,
            Some(Scope::Team) => on_team,
            None => false,
        },
    }
}

fn concrete(route: &str, person: &str) -> String {
    route
        .replace("{id}", person)
        .replace("{code}", "en")
        .replace("{*path}", "desist.css")
        .replace("{rule}", "ew-iom")
        .replace("{location}", "zsm-utrecht")
        .replace("{partner}", "probation")
        .replace("{clock}", "ophouden")
        .replace("{group}", "0192f0c1-0000-7000-8000-000000000001")
        .replace("{notice}", "01900000-0000-7000-8000-000000000002")
        .replace("{task}", "01900000-0000-7000-8000-000000000001")
        .replace("{order}", "01900000-0000-7000-8000-000000000003")
        .replace("{ban}", "01900000-0000-7000-8000-000000000004")
        .replace("{episode}", "01900000-0000-7000-8000-000000000005")
        .replace("{position}", "1")
        .replace("{member}", "01900000-0000-7000-8000-000000000006")
        .replace("{key}", "01900000-0000-7000-8000-000000000007")
        .replace("{invitation}", "01900000-0000-7000-8000-000000000008")
        .replace("{measure}", "01900000-0000-7000-8000-000000000009")
        .replace("{fund}", "01900000-0000-7000-8000-00000000000a")
        .replace("{transfer}", "01900000-0000-7000-8000-00000000000b")
        .replace("{agency}", "01900000-0000-7000-8000-00000000000c")
        .replace("{house}", "01900000-0000-7000-8000-00000000000d")
        .replace("{session}", "0123456789abcdef")
        // Issue 18, the whole API (apiplan).
        .replace("{goal}", "01900000-0000-7000-8000-00000000000e")
        .replace("{proposal}", "01900000-0000-7000-8000-00000000000f")
        // Life Change cohorts and appointments (grants branch).
        .replace("{cohort}", "01900000-0000-7000-8000-000000000010")
        .replace("{appointment}", "01900000-0000-7000-8000-000000000011")
        .replace("{contract}", "01900000-0000-7000-8000-000000000012")
}

#[test]
fn routes_with_case_rules_name_a_test_that_exercises_them() {
    for (_, method, route, need) in MATRIX {
        if let Need::CaseRules(file) = need {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/web/").to_string() + file;
            let text = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{method} {route}: {path} is missing"));
            let stem = route.split('{').next().unwrap_or(route).trim_end_matches('/');
            assert!(text.contains(stem), "{method} {route}: {file} never requests {stem}");
        }
    }
}

/// A body that reaches the handler (it may be refused as invalid: 422 still means "allowed").
fn form_body() -> Vec<(&'static str, &'static str)> {
    vec![("family_name", ""), ("version", "1"), ("basis_kind", ""), ("username", "x"), ("password", "y")]
}

async fn call(app: &TestApp, client: &support::Client, method: &str, path: &str) -> StatusCode {
    let api = path.starts_with("/api/");
    let response = match (method, api) {
        ("GET", false) => client.get(path).await,
        ("POST", false) => client.post_form(path, &form_body()).await,
        (_, true) => {
            let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let body = (method != reqwest::Method::GET).then(|| {
                if path.ends_with("/changes") {
                    // A change to a measure names its action; one that asks ManagePlan of each kind.
                    let action = if path.contains("/episodes/") { "close" } else { "lift" };
                    serde_json::json!({"action": action, "reason": ""})
                } else {
                    serde_json::json!({"version": 1, "person": {}, "basis": {}, "username": "x", "password": "y"})
                }
            });
            client.api(method, path, body).await
        }
        _ => panic!("method {method} not covered by this test"),
    };
    let _ = app;
    response.status()
}

fn is_refusal(status: StatusCode) -> bool {
    matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role_on_and_off_the_team() {
    let app = spawn_app().await;
    let on_team = app.agency("Agency on the team", AgencyKind::Probation).await;
    let off_team = app.agency("Agency off the team", AgencyKind::Police).await;
    let creator = app.member(&on_team, "creator", &[Role::ProbationOfficer]).await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, role) in Role::ALL.into_iter().enumerate() {
        for (team_state, agency) in [(true, &on_team), (false, &off_team)] {
            // A fresh person per role, so one role's edits cannot change another's outcome.
            let bsn = support::valid_bsn(index * 2 + usize::from(team_state));
            let person = app.person(&creator, "Matrix", &bsn).await.to_string();
            let member = app.member(agency, &format!("{}-{team_state}", role.code()), &[role]).await;
            for (file, method, route, need) in MATRIX {
                if matches!(need, Need::Public) && *method == "POST" {
                    continue; // sign-in: covered by its own tests (throttling would interfere here)
                }
                let path = format!("{}{}", prefix(file), concrete(route, &person));
                let client = app.session_for(&member).await;
                let status = call(&app, &client, method, &path).await;
                if matches!(need, Need::Token) {
                    if status != StatusCode::NOT_FOUND {
                        failures.push(format!("{method} {path} as {}: got {status}, expected 404", role.code()));
                    }
                    checked += 1;
                    continue;
                }
                if matches!(need, Need::CaseRules(_)) {
                    if status.is_server_error() {
                        failures.push(format!("{method} {path} as {}: got {status}", role.code()));
                    }
                    checked += 1;
                    continue;
                }
                let allowed = expected_allowed(*need, role, team_state);
                let ok = if allowed {
                    !is_refusal(status) && status != StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    status == StatusCode::FORBIDDEN
                };
                if !ok {
                    failures.push(format!(
                        "{method} {path} as {} ({}): got {status}, expected {}",
                        role.code(),
                        if team_state { "on team" } else { "off team" },
                        if allowed { "allowed" } else { "403" }
                    ));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn anonymous_requests_reach_only_public_routes() {
    let app = spawn_app().await;
    let agency = app.agency("Agency", AgencyKind::Probation).await;
    let creator = app.member(&agency, "creator", &[Role::ProbationOfficer]).await;
    let person = app.person(&creator, "Matrix", "111222333").await.to_string();
    let anonymous = app.anonymous();
    for (file, method, route, need) in MATRIX {
        let path = format!("{}{}", prefix(file), concrete(route, &person));
        let status = call(&app, &anonymous, method, &path).await;
        match need {
            Need::Public => assert!(!is_refusal(status) || *method == "POST", "{method} {path}: {status}"),
            Need::Token => assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}"),
            _ if path.starts_with("/api/") => assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}"),
            _ if *method == "GET" => assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path} sends to sign-in"),
            // A form post without a session has no CSRF token to match: refused before anything.
            _ => assert!(matches!(status, StatusCode::SEE_OTHER | StatusCode::FORBIDDEN), "{method} {path}: {status}"),
        }
    }
}
