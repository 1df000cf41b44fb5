//! The browser journeys (`tests/browser/journey.mjs`, `zsm_journey.mjs`, `beyond_journey.mjs`,
//! `admin_journey.mjs`, `custody_journey.mjs`, `interventions_journey.mjs`, …), each
//! against its own real server (`desist demo`, or a fresh `desist init` + `desist serve`):
//! real headless Chromium (Debian's `/usr/bin/chromium`) driven by playwright-core, with
//! axe-core checking every page.
//!
//! Needs Chromium, Node.js and `npm ci --prefix tests/browser`. Without them the test says why
//! and passes, unless `DESIST_BROWSER_TESTS=1` (as `.ci/run` sets): then anything missing is a
//! failure. `DESIST_BROWSER_TESTS=0` skips the journey.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const SERVER_START: Duration = Duration::from_secs(180);
const JOURNEY_LIMIT: Duration = Duration::from_secs(300);

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the repository root")
}

fn chromium() -> PathBuf {
    std::env::var_os("DESIST_CHROMIUM").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
        .unwrap_or(false)
}

/// What the journey needs and is not here.
fn missing(root: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    if !chromium().is_file() {
        missing.push(format!("{} (apt-get install chromium chromium-driver)", chromium().display()));
    }
    if !on_path("node") {
        missing.push("node on PATH".into());
    }
    for package in ["playwright-core", "axe-core"] {
        let dir = root.join("tests/browser/node_modules").join(package);
        if !dir.is_dir() {
            missing.push(format!("{} (npm ci --prefix tests/browser)", dir.display()));
        }
    }
    missing
}

/// Kills the child when dropped, so a failing assertion never leaves a server behind.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Reads a pipe on a thread; every line goes into the channel.
fn lines_of(pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Shows a line of the journey as it runs, also when the test passes (straight to stderr, past
/// the test harness's capture), so CI logs list every step and every axe check.
fn show(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn server_log(path: &Path) -> String {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

#[test]
fn journey_in_headless_chromium_with_axe() {
    run_journey("journey.mjs");
}

/// Police intake → probation quick scan → victim support → lawyer → the prosecutor's penalty
/// order → the board shows the case settled (and fits a 320px screen).
#[test]
fn zsm_journey_in_headless_chromium_with_axe() {
    run_journey("zsm_journey.mjs");
}

/// ZSM quick scan signals → probation's list to screen → screening → case conference → one
/// shared plan with tasks for three agencies → weekly review → re-evaluation.
#[test]
fn beyond_journey_in_headless_chromium_with_axe() {
    run_journey("beyond_journey.mjs");
}

/// The administrator adds an agency, a location (after an error summary), a Safety House, a
/// member with a one-time password and an API key; the new member changes the password first.
#[test]
fn admin_journey_in_headless_chromium_with_axe() {
    run_journey("admin_journey.mjs");
}

/// England and Wales in English: the custody officer books a detainee in (PACE s41) and records
/// the superintendent's s42 authorisation, the duty solicitor the consultation, probation reads
/// the custody record, the Crown prosecutor gives a conditional caution, the IOM lead plans an
/// IOM meeting; no page at the suite speaks of ZSM or Dutch law.
#[test]
fn custody_journey_in_headless_chromium_with_axe() {
    run_journey("custody_journey.mjs");
}

/// The mayor's measures and the cohorts (issue 17, items 18–21): the municipality is refused a
/// second identical exclusion order and an extension without advice, probation may only
/// propose, victim support reads the victim's part in the safety plan, the police read the
/// order, and the process manager sees why each cohort member is in and deselects one with a
/// reason.
#[test]
fn measures_journey_in_headless_chromium_with_axe() {
    run_journey("measures_journey.mjs");
}

/// Interventions, one screen per side: probation finds and refers, the provider schedules,
/// accepts, starts and records attendance and progress while probation's stale withdrawal is
/// refused (409); probation sees it live on the referral and the plan; the provider's
/// catalogue and webhooks; the municipality's waits and unmet need.
#[test]
fn interventions_journey_in_headless_chromium_with_axe() {
    run_journey("interventions_journey.mjs");
}

/// Personal funds and mentors (issue 20, funds2): an order names a goal of the plan, a second
/// colleague approves it on the fund's page (never the requester), charts beside their tables;
/// the mentor on a phone sees only his mentees and is refused their file; the coordinator's
/// Life Change steps.
#[test]
fn funds_journey_in_headless_chromium_with_axe() {
    run_journey("funds_journey.mjs");
}

/// A fresh install (issue 18): `desist init` on an empty store, then `desist serve`; the new
/// administrator signs in with the password given to init, creates the agencies, a location and
/// a police officer, who signs in and registers a person and their case at intake.
#[test]
fn fresh_install_journey_in_headless_chromium_with_axe() {
    run_journey_on("fresh_install_journey.mjs", Server::FreshInstall);
}

/// What the journey runs against.
enum Server {
    /// `desist demo`: the fictitious partnership and its demo logins.
    Demo,
    /// `desist init --admin beheer --password-file …` on an empty SQLite store, then `desist serve`.
    FreshInstall,
}

/// The administrator's password on the fresh install (given to `desist init` in a file).
const FRESH_ADMIN_PASSWORD: &str = "een nieuw beheerwachtwoord";

/// Starts `desist demo` on a free port and runs `tests/browser/{script}` against it.
fn run_journey(script: &str) {
    run_journey_on(script, Server::Demo);
}

/// The server process for `server`, its stdout piped and its log in `log`.
fn start_server(server: &Server, dir: &Path, log: std::fs::File) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_desist"));
    // The server chooses its own database and address; keep the rest at the defaults too.
    command
        .current_dir(dir)
        .env_remove("DATABASE_URL")
        .env_remove("DESIST_DATABASE_URL")
        .env_remove("DESIST_LANGUAGE")
        .env_remove("DESIST_SECURE_COOKIES")
        .env_remove("DESIST_LISTEN")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    match server {
        Server::Demo => {
            command.args(["demo", "--db"]).arg(dir.join("demo.db")).args(["--listen", "127.0.0.1:0"]);
        }
        Server::FreshInstall => {
            let url = format!("sqlite:{}", dir.join("desist.db").display());
            std::fs::write(dir.join("admin-password"), format!("{FRESH_ADMIN_PASSWORD}\n")).expect("the password file");
            let init = Command::new(env!("CARGO_BIN_EXE_desist"))
                .args([
                    "init",
                    "--admin",
                    "beheer",
                    "--name",
                    "Functioneel beheer",
                    "--password-file",
                    "admin-password",
                ])
                .current_dir(dir)
                .env("DATABASE_URL", &url)
                .output()
                .expect("desist init runs");
            let said = format!("{}{}", String::from_utf8_lossy(&init.stdout), String::from_utf8_lossy(&init.stderr));
            assert!(init.status.success(), "desist init failed: {said}");
            assert!(!said.contains(FRESH_ADMIN_PASSWORD), "init never prints a password it was given: {said}");
            // Plain HTTP on the loopback address: the browser must keep the session cookie.
            command
                .arg("serve")
                .env("DATABASE_URL", &url)
                .env("DESIST_LISTEN", "127.0.0.1:0")
                .env("DESIST_SECURE_COOKIES", "false");
        }
    }
    command.spawn().expect("starting desist")
}

/// Starts the server on a free port and runs `tests/browser/{script}` against it.
fn run_journey_on(script: &str, kind: Server) {
    let required = std::env::var("DESIST_BROWSER_TESTS").ok();
    if required.as_deref() == Some("0") {
        show("browser journey skipped: DESIST_BROWSER_TESTS=0");
        return;
    }
    let required = required.as_deref() == Some("1");
    let root = repo_root();
    let missing = missing(&root);
    if !missing.is_empty() {
        let list = missing.join(", ");
        assert!(!required, "DESIST_BROWSER_TESTS=1 but the browser journey cannot run; missing: {list}");
        show(&format!("browser journey skipped (set DESIST_BROWSER_TESTS=1 to make this a failure); missing: {list}"));
        return;
    }

    let dir = tempfile::tempdir().expect("a temporary folder");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("the server log file");
    let mut server = KillOnDrop(start_server(&kind, dir.path(), log));
    let stdout = lines_of(server.0.stdout.take().expect("the server's stdout"));

    // "desist listening on http://127.0.0.1:PORT", after the demo data is loaded.
    let started = Instant::now();
    let mut printed = Vec::new();
    let url = loop {
        let left = SERVER_START.saturating_sub(started.elapsed());
        match stdout.recv_timeout(left) {
            Ok(line) => {
                if let Some(url) = line.strip_prefix("desist listening on ") {
                    break url.trim().to_string();
                }
                printed.push(line);
            }
            Err(_) => {
                let status = server.0.try_wait().ok().flatten();
                panic!(
                    "desist did not say where it listens within {SERVER_START:?} (exit: {status:?})\n\
                     stdout:\n{}\nlog:\n{}",
                    printed.join("\n"),
                    server_log(&log_path)
                );
            }
        }
    };
    show(&format!("desist ready at {url} after {:.1?}", started.elapsed()));
    // Keep draining the server's stdout so it never blocks on a full pipe.
    std::thread::spawn(move || while stdout.recv().is_ok() {});

    let mut journey = KillOnDrop(
        Command::new("node")
            .arg(root.join("tests/browser").join(script))
            .arg(&url)
            .current_dir(&root)
            .env("DESIST_CHROMIUM", chromium())
            .envs(matches!(kind, Server::FreshInstall).then_some(("DESIST_JOURNEY_PASSWORD", FRESH_ADMIN_PASSWORD)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("starting node tests/browser/{script}: {error}")),
    );
    let out = lines_of(journey.0.stdout.take().expect("the journey's stdout"));
    let err = lines_of(journey.0.stderr.take().expect("the journey's stderr"));
    let started = Instant::now();
    let mut output = Vec::new();
    let status = loop {
        for line in out.try_iter().chain(err.try_iter()) {
            show(&line);
            output.push(line);
        }
        if let Some(status) = journey.0.try_wait().expect("waiting for the journey") {
            break Some(status);
        }
        if started.elapsed() > JOURNEY_LIMIT {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    // The rest of what it printed (the readers end when the pipes close).
    std::thread::sleep(Duration::from_millis(200));
    for line in out.try_iter().chain(err.try_iter()) {
        show(&line);
        output.push(line);
    }
    let server_status = server.0.try_wait().ok().flatten();
    drop(server);

    let Some(status) = status else {
        panic!("the browser journey took longer than {JOURNEY_LIMIT:?}:\n{}", output.join("\n"));
    };
    assert!(
        status.success(),
        "the browser journey failed ({status}); server {}:\n{}\n--- server log (last lines) ---\n{}",
        match server_status {
            Some(exit) => format!("exited early ({exit})"),
            None => "was still running".to_string(),
        },
        output.join("\n"),
        server_log(&log_path)
    );
    assert!(
        output.iter().any(|line| line.starts_with("journey passed:")),
        "the journey exited 0 without saying it passed:\n{}",
        output.join("\n")
    );
}
