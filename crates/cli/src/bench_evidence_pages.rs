//! `desist bench evidence-pages` (issue 21, "the speed of the question"): the first view of
//! each evidence page from a fresh server, whole path — a new `desist serve` process started
//! on a store just imported, then each page asked once over HTTP as the analyst's browser
//! asks it, from the request to the last byte of the answer — beside `/healthz` (session-less,
//! one small query) asked first in the same run. Each page is asked a second time to show
//! what a warm server answers. The server's peak resident memory is read from
//! `/proc/PID/status` (VmHWM) before it is stopped.
//!
//! The store is the demo's (its case work — ZSM decisions, plans, referrals — is what the
//! what-works groups are made of, linked to its own offence record) with a generated extract
//! of `--persons` persons imported on top: the comparison pool every matched comparison
//! searches, and the rows a page would otherwise read. With `--postgres-url` (an empty
//! database) the same is done on PostgreSQL in the same run, and the pages are shown side by
//! side. Target: every page < 2 s on first view at national scale (`--persons 1000000`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use crate::bench_http::Session;

/// Issue 21: an evidence page answers its first view within this at national scale.
const FIRST_VIEW_BUDGET_MS: f64 = 2000.0;

/// The pages timed, in this order, after `/healthz`; the analyst may open each.
const PAGES: [&str; 9] = [
    "/evidence",
    "/evidence/reoffending",
    "/evidence/what-works?by=intervention",
    "/api/v1/evidence/what-works?by=intervention",
    "/api/v1/evidence/what-works?by=disposal",
    "/api/v1/evidence/what-works?by=plan",
    "/api/v1/evidence/what-works?by=location",
    "/evidence/public-value",
    "/evidence/cohorts/nl-very-active-prolific",
];

/// The demo's analyst.
const ANALYST: &str = "analist";

#[derive(Args)]
pub struct EvidencePagesBenchArgs {
    /// Persons of the generated extract imported on top of the demo's (national: 1000000).
    #[arg(long, default_value_t = 100_000)]
    persons: u64,
    /// Offences per person, on average.
    #[arg(long, default_value_t = 10.0)]
    offences_per_person: f64,
    /// Index events of the generated extract (default: one per person).
    #[arg(long)]
    index_events: Option<u64>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the CSV files are generated (reused when already there with the same sizes).
    #[arg(long, default_value = "desist-bench-evidence-pages")]
    dir: PathBuf,
    /// The SQLite database (recreated each run).
    #[arg(long, default_value = "desist-bench-evidence-pages.db")]
    sqlite_file: PathBuf,
    /// An empty PostgreSQL database to measure the same pages on as well; default
    /// `DESIST_BENCH_POSTGRES_URL`.
    #[arg(long, env = "DESIST_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    format: String,
}

#[derive(Debug, Serialize)]
struct PageTime {
    path: String,
    first_ms: f64,
    second_ms: f64,
    /// The first view as a multiple of `/healthz`'s first answer.
    first_vs_healthz: f64,
    within_budget: bool,
}

/// One backend's run: the demo's store with the extract imported, a fresh server, every page.
#[derive(Debug, Serialize)]
struct Run {
    backend: &'static str,
    /// `desist import` of the generated extract, snapshot included, as its own process.
    import_secs: f64,
    import_peak_mib: Option<f64>,
    /// Reading the extract row by row, as each server's first evidence page did before the
    /// snapshot (`Store::load_extract`, in the bench's process).
    rows_load_secs: f64,
    /// The peak memory of `desist export`, which reads the rows the same way.
    rows_load_peak_mib: Option<f64>,
    /// Reading the snapshot instead (`Store::evidence_dataset`, in the bench's process).
    snapshot_read_secs: f64,
    /// From starting `desist serve` to its first `/healthz` answer.
    server_start_ms: f64,
    healthz_ms: f64,
    pages: Vec<PageTime>,
    /// The server's peak resident memory after every page was asked twice.
    server_peak_mib: Option<f64>,
}

#[derive(Debug, Serialize)]
struct Report {
    persons: u64,
    offences: u64,
    index_events: u64,
    /// SQLite first, then PostgreSQL when a database was given.
    runs: Vec<Run>,
}

/// A `desist serve` process of this run, stopped when dropped.
struct ServeProcess(Child);

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn peak_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Runs `desist ARGS` against `url` to its end, under GNU time when there is one; its
/// seconds and peak memory.
fn desist(exe: &Path, url: &str, args: &[&str]) -> anyhow::Result<(f64, Option<f64>)> {
    let peak_file = std::env::temp_dir().join(format!("desist-bench-pages-peak-{}", std::process::id()));
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.exists() {
        let mut c = Command::new(gnu_time);
        c.arg("-f").arg("%M").arg("-o").arg(&peak_file).arg(exe);
        c
    } else {
        Command::new(exe)
    };
    command
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("DESIST_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let output = command.output().with_context(|| format!("running desist {}", args.join(" ")))?;
    let secs = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!("desist {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    let peak = std::fs::read_to_string(&peak_file)
        .ok()
        .and_then(|t| t.lines().last()?.trim().parse::<f64>().ok())
        .map(|kib| kib / 1024.0);
    let _ = std::fs::remove_file(&peak_file);
    Ok((secs, peak))
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// GET `path` without a session, once it answers; the milliseconds of the answering request.
async fn wait_for(address: std::net::SocketAddr, path: &str, within: Duration) -> anyhow::Result<f64> {
    let started = Instant::now();
    loop {
        let mut connection = crate::bench_http::Connection::new(address);
        let asked = Instant::now();
        if let Ok(status) = connection.request("GET", path, "", b"").await {
            if status == 200 {
                return Ok(asked.elapsed().as_secs_f64() * 1000.0);
            }
            bail!("GET {path} answered {status}");
        }
        if started.elapsed() > within {
            bail!("the server did not answer {path} within {within:?}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn run(args: EvidencePagesBenchArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("finding the desist binary")?;
    let index_events = args.index_events.unwrap_or(args.persons);
    let mut options = evidence::bench::BenchOptions::national(args.dir.clone(), 0);
    options.persons = args.persons;
    options.offences_per_person_mean = args.offences_per_person;
    options.index_events = index_events;
    options.seed = args.seed;
    crate::bench_evidence::generate_with_bars(&options)?;

    let db = args.sqlite_file.display().to_string();
    let sqlite_url = format!("sqlite:{db}");
    // A fresh demo store (it removes an old file); on PostgreSQL the database given, empty.
    desist(&exe, &sqlite_url, &["demo", "--db", db.as_str(), "--no-serve"])?;
    let mut backends = vec![("SQLite", sqlite_url.clone())];
    if let Some(url) = &args.postgres_url {
        desist(&exe, url, &["demo", "--database-url", url.as_str(), "--no-serve"])?;
        backends.push(("PostgreSQL", url.clone()));
    }
    let mut runs = Vec::new();
    for (backend, url) in &backends {
        runs.push(run_on(&exe, &args, backend, url).await.with_context(|| format!("the pages on {backend}"))?);
    }
    let store = store::Store::connect(&sqlite_url, 2).await?;
    let counts = store.extract_counts().await?;
    drop(store);
    let report = Report { persons: counts.persons, offences: counts.offences, index_events: counts.index_events, runs };
    let mut out = std::io::stdout().lock();
    if args.format == "json" {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print(&report, &mut out)?;
    }
    Ok(())
}

/// The extract imported into the demo's store at `url`, then every page from a fresh server.
async fn run_on(exe: &Path, args: &EvidencePagesBenchArgs, backend: &'static str, url: &str) -> anyhow::Result<Run> {
    let dir = args.dir.display().to_string();
    let (import_secs, import_peak_mib) = desist(exe, url, &["import", dir.as_str()])?;
    let store = store::Store::connect(url, 2).await?;
    // The reading each server's first evidence page did before the snapshot, and the one it
    // does now, timed in this process one after the other.
    let started = Instant::now();
    drop(store.load_extract().await?);
    let rows_load_secs = started.elapsed().as_secs_f64();
    let started = Instant::now();
    drop(store.evidence_dataset().await?);
    let snapshot_read_secs = started.elapsed().as_secs_f64();
    drop(store);
    // Its memory: `desist export` reads every row the same way (and writes the CSV files).
    let exported = args.dir.with_extension("export");
    let exported_text = exported.display().to_string();
    let (_, rows_load_peak_mib) = desist(exe, url, &["export", exported_text.as_str()])?;
    let _ = std::fs::remove_dir_all(&exported);

    let port = free_port()?;
    let address: std::net::SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let started = Instant::now();
    let server = ServeProcess(
        Command::new(exe)
            .arg("serve")
            .env("DATABASE_URL", url)
            .env_remove("DESIST_DATABASE_URL")
            .env("DESIST_LISTEN", address.to_string())
            .env("DESIST_SECURE_COOKIES", "false")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting desist serve")?,
    );
    let healthz_ms = wait_for(address, "/healthz", Duration::from_secs(120)).await?;
    let server_start_ms = started.elapsed().as_secs_f64() * 1000.0;
    let session = Session::sign_in(address, ANALYST, crate::demo::DEMO_PASSWORD).await?;
    let mut firsts = Vec::new();
    for path in PAGES {
        firsts.push(session.time_requests(path, 1).await.with_context(|| format!("the first view of {path}"))?[0]);
    }
    let mut pages = Vec::new();
    for (path, first_ms) in PAGES.into_iter().zip(firsts) {
        let second_ms = session.time_requests(path, 1).await?[0];
        pages.push(PageTime {
            path: path.to_string(),
            first_ms,
            second_ms,
            first_vs_healthz: first_ms / healthz_ms.max(0.001),
            within_budget: first_ms < FIRST_VIEW_BUDGET_MS,
        });
    }
    let server_peak_mib = peak_mib(server.0.id());
    drop(server);
    Ok(Run {
        backend,
        import_secs,
        import_peak_mib,
        rows_load_secs,
        rows_load_peak_mib,
        snapshot_read_secs,
        server_start_ms,
        healthz_ms,
        pages,
        server_peak_mib,
    })
}

fn print(report: &Report, out: &mut impl Write) -> anyhow::Result<()> {
    let mib = |m: Option<f64>| m.map_or("-".into(), |m| format!("{m:.0} MiB"));
    writeln!(
        out,
        "evidence pages, first view from a fresh server: {} persons, {} offences, {} index events",
        report.persons, report.offences, report.index_events
    )?;
    for r in &report.runs {
        writeln!(out, "{}:", r.backend)?;
        writeln!(out, "  import (snapshot included): {:.1}s, peak {}", r.import_secs, mib(r.import_peak_mib))?;
        writeln!(
            out,
            "  the extract read row by row (before): {:.2}s, peak {} (desist export); from the snapshot (now): {:.2}s",
            r.rows_load_secs,
            mib(r.rows_load_peak_mib),
            r.snapshot_read_secs
        )?;
        writeln!(
            out,
            "  server start to first /healthz: {:.0} ms; /healthz {:.1} ms",
            r.server_start_ms, r.healthz_ms
        )?;
        writeln!(out, "  server peak resident memory: {}", mib(r.server_peak_mib))?;
    }
    // The pages side by side: each backend's first and second view, and the first against
    // its own /healthz.
    write!(out, "{:<46}", "page")?;
    for r in &report.runs {
        write!(out, " {:>22} {:>10} {:>6}", format!("{} first ms", r.backend), "second ms", "< 2 s")?;
    }
    writeln!(out)?;
    for (i, path) in PAGES.iter().enumerate() {
        write!(out, "{path:<46}")?;
        for r in &report.runs {
            let p = &r.pages[i];
            let first = format!("{:.1} ({:.0}x)", p.first_ms, p.first_vs_healthz);
            write!(out, " {first:>22} {:>10.1} {:>6}", p.second_ms, if p.within_budget { "yes" } else { "NO" })?;
        }
        writeln!(out)?;
    }
    Ok(())
}
