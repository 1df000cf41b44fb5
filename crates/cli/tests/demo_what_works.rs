//! Issue 21: a fresh `desist demo` ships an offence record for its own people, so what works
//! shows real groups — by intervention, disposal, plan, location and fund stream, each with
//! its matched comparison — to the analyst and to the Safety House's process manager, through
//! the same JSON API the partners' checks call. Disclosure control stays on: groups too small
//! are withheld, and the test only asks that not every one is.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the demo server when dropped, so a failing assertion never leaves it behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request on its own connection: (status, headers, body).
fn http(address: &str, request: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(address).expect("the demo listens");
    stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let body =
        if head.to_ascii_lowercase().contains("transfer-encoding: chunked") { dechunk(body) } else { body.into() };
    (status, head.to_string(), body)
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.push_str(&rest[..size]);
        body = &rest[size + 2..];
    }
    out
}

/// Signs in as `username` (demo password) and answers the session cookie.
fn sign_in(address: &str, username: &str) -> String {
    let form = format!("username={username}&password=desist-demo-2026&next=%2F");
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    );
    let (status, head, _) = http(address, &request);
    assert_eq!(status, 303, "{username} signs in: {head}");
    head.lines()
        .filter(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .filter_map(|l| l.split_once(':').map(|(_, v)| v.trim().split(';').next().unwrap_or("").to_string()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn what_works(address: &str, cookie: &str, by: &str) -> Value {
    let request = format!(
        "GET /api/v1/evidence/what-works?by={by} HTTP/1.1\r\nHost: {address}\r\nCookie: {cookie}\r\n\
         Accept: application/json\r\nConnection: close\r\n\r\n"
    );
    let (status, _, body) = http(address, &request);
    assert_eq!(status, 200, "what works by {by}: {body}");
    serde_json::from_str(&body).expect("JSON")
}

#[test]
fn a_fresh_demo_shows_what_works_by_each_grouping_to_the_analyst_and_the_process_manager() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_desist"))
        .current_dir(dir.path())
        .args(["demo", "--db", "demo.db", "--listen", "127.0.0.1:0"])
        .env("DESIST_SECURE_COOKIES", "false")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("desist runs");
    let stdout = child.stdout.take().unwrap();
    let _server = KillOnDrop(child);
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let address = loop {
        let line = lines.recv_timeout(Duration::from_secs(300)).expect("the demo starts serving");
        if let Some(url) = line.strip_prefix("desist listening on http://") {
            break url.trim().to_string();
        }
    };

    for (username, groupings) in [
        // Views4: the mentor programmes and measures too (the history's ended matches, closed
        // episodes and exclusion orders); a commissioner their contracts' interventions, the
        // police's location lead the ZSM decisions of their locations.
        ("analist", vec!["intervention", "disposal", "plan", "location", "fund", "mentor", "measure"]),
        ("procesregisseur", vec!["intervention", "disposal", "plan", "location", "fund", "mentor", "measure"]),
        ("opdrachtgever", vec!["intervention"]),
        ("locatieleider", vec!["disposal", "location"]),
    ] {
        let cookie = sign_in(&address, username);
        for by in groupings {
            let answer = what_works(&address, &cookie, by);
            let groups = answer["groups"].as_array().expect("groups");
            let published: Vec<&Value> = groups.iter().filter(|g| g["people"].is_u64()).collect();
            assert!(!published.is_empty(), "{username} sees a group by {by} with its figures: {answer}");
            for g in &published {
                let people = g["people"].as_u64().unwrap();
                let reoffenders = g["reoffenders"].as_u64().unwrap();
                // Disclosure control: a published group has at least ten of each.
                assert!(reoffenders >= 10 && people - reoffenders >= 10, "{username}, {by}: {g}");
                assert!(g["rate"].is_f64() && g["ci95"].as_array().is_some_and(|c| c.len() == 2), "{g}");
            }
            let compared = published.iter().find(|g| g["comparison"].is_object());
            let comparison =
                &compared.unwrap_or_else(|| panic!("{username}, {by}: no comparison in {answer}"))["comparison"];
            for key in ["pairs", "rate", "difference", "ci95", "balance"] {
                assert!(!comparison[key].is_null(), "comparison has {key}: {comparison}");
            }
            assert!(comparison["pairs"].as_u64().unwrap() >= 10, "{comparison}");
            assert!(comparison["balance"].as_array().is_some_and(|b| !b.is_empty()), "{comparison}");
            // Withheld groups keep every figure back, not some.
            for g in groups.iter().filter(|g| g["people"].is_null()) {
                assert!(g["reoffenders"].is_null() && g["rate"].is_null() && g["comparison"].is_null(), "{g}");
            }
        }
        if username == "opdrachtgever" {
            // Only the contracted providers' interventions: never the addiction care.
            let answer = what_works(&address, &cookie, "intervention");
            assert!(!answer.to_string().contains("alcoholbehandeling"), "{answer}");
            continue;
        }
        if username == "locatieleider" {
            continue;
        }
        // The demo's people are in its offence record: the work of hardly anyone is unlinked.
        let plans = what_works(&address, &cookie, "plan");
        assert_eq!(plans["unlinked"], 0, "every planned person links to the record: {plans}");
    }
}
