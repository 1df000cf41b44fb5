//! `desist bench logins` (issue 16, item 1): hostile sign-in load, and what it does to the
//! server's memory and to the members who are signed in.
//!
//! The server runs as a child process (`desist serve`, with 127.0.0.1 as its trusted proxy), so its
//! resident memory is its own: sampled from `/proc/<pid>/status` every 10 ms. Each round keeps
//! N wrong sign-ins in flight for a while — every one from another address, on another
//! (unknown) account, so the throttle never refuses them and every one admitted costs a real
//! argon2 check — while a signed-in member opens pages one after another and `/healthz` (with
//! the session: session lookup and one small query) is timed beside it as the reference. A
//! quiet round without sign-ins comes first. Reported per round: peak and after-round RSS, the
//! members' p50/p99 beside `/healthz`'s, and how the sign-ins were answered. Targets: peak
//! RSS under 256 MiB, the members' p99 under 100 ms.

use crate::bench_http::{Connection, bench_member, parse_duration, sign_in};
use crate::config::redact_url;
use anyhow::{Context, bail};
use clap::Args;
use domain::directory::{Agency, AgencyKind, DirectoryStore};
use domain::ids::AgencyId;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use store::Store;
use tokio::io::AsyncBufReadExt;

const BENCH_MEMBER: &str = "bench.logins";
const BENCH_AGENCY: &str = "Benchmark sign-ins";
/// The pages the signed-in member opens in turn.
const MEMBER_PAGES: [&str; 3] = ["/people", "/notifications", "/tasks/agency"];
/// Issue 16: targets while sign-ins are hammered.
const RSS_BUDGET_MIB: f64 = 256.0;
const MEMBER_P99_BUDGET_MS: f64 = 100.0;

#[derive(Args)]
pub struct LoginsBenchArgs {
    /// Wrong sign-ins kept in flight at once, one round each (comma-separated).
    #[arg(long, value_delimiter = ',', default_values_t = [200, 2000])]
    logins: Vec<usize>,
    /// How long each round lasts, e.g. 10s or 1m.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// The database (default: sqlite:desist-bench-logins.db). A PostgreSQL database must exist.
    #[arg(long)]
    database_url: Option<String>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    format: String,
}

/// Latencies of requests timed one after another.
#[derive(Debug, Serialize)]
struct Timings {
    requests: usize,
    failed: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

/// How the wrong sign-ins were answered.
#[derive(Debug, Default, Serialize)]
struct SignIns {
    sent: u64,
    /// 401: the password was checked.
    checked: u64,
    /// 429: refused at once (too many being checked) or by the throttle.
    refused: u64,
    /// Anything else, or no answer.
    failed: u64,
    /// What the failed ones got, by kind (an HTTP status or the error), with how many.
    failures: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize)]
struct Round {
    /// Wrong sign-ins in flight at once (0: the quiet round).
    concurrent_logins: usize,
    seconds: f64,
    sign_ins: SignIns,
    rss_before_mib: f64,
    peak_rss_mib: f64,
    /// Two seconds after the round: memory given back.
    rss_after_mib: f64,
    members: Timings,
    healthz: Timings,
    /// Members' p99 relative to /healthz's in the same round.
    p99_ratio: f64,
    within_budget: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    backend: String,
    database: String,
    cores: usize,
    rss_budget_mib: f64,
    member_p99_budget_ms: f64,
    /// The server's high-water mark over the whole run (VmHWM).
    server_peak_rss_mib: f64,
    rounds: Vec<Round>,
}

pub async fn run(args: LoginsBenchArgs, clock: &dyn domain::Clock) -> anyhow::Result<()> {
    let url = args.database_url.clone().unwrap_or_else(|| "sqlite:desist-bench-logins.db".into());
    let store = Store::connect(&url, 2).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let agency = bench_agency(&store, clock).await?;
    let password = bench_member(&store, BENCH_MEMBER, agency, clock).await?;
    let backend = store.backend().to_string();
    store.close().await;

    let mut server = ChildServer::start(&url).await?;
    let outcome = measure(&args, &server, &password).await;
    let peak = server.status("VmHWM").unwrap_or(0.0);
    server.stop().await;
    let rounds = outcome?;
    let report = Report {
        backend,
        database: redact_url(&url),
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        rss_budget_mib: RSS_BUDGET_MIB,
        member_p99_budget_ms: MEMBER_P99_BUDGET_MS,
        server_peak_rss_mib: peak,
        rounds,
    };
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    if report.rounds.iter().any(|r| r.members.failed + r.healthz.failed > 0) {
        bail!("some member or /healthz requests failed: the figures do not describe working pages");
    }
    Ok(())
}

/// The agency of the benchmark member, made on the first run.
async fn bench_agency(store: &Store, clock: &dyn domain::Clock) -> anyhow::Result<AgencyId> {
    if let Some(agency) = store.agencies().await?.into_iter().find(|a| a.name == BENCH_AGENCY) {
        return Ok(agency.id);
    }
    let agency = Agency { id: AgencyId::new(clock.now()), name: BENCH_AGENCY.into(), kind: AgencyKind::Police };
    store.create_agency(&agency).await?;
    Ok(agency.id)
}

async fn measure(args: &LoginsBenchArgs, server: &ChildServer, password: &str) -> anyhow::Result<Vec<Round>> {
    let token = sign_in(server.address, BENCH_MEMBER, password).await?;
    let cookie = format!("Cookie: desist_session={token}\r\n");
    for path in MEMBER_PAGES.iter().chain(&["/healthz"]) {
        let status = Connection::new(server.address).request("GET", path, &cookie, b"").await?;
        if status != 200 {
            bail!("GET {path} answered {status}, not 200: the benchmark would measure errors");
        }
    }
    let addresses = Arc::new(AtomicU64::new(0));
    let mut rounds = Vec::new();
    for concurrent in std::iter::once(0).chain(args.logins.iter().copied()) {
        rounds.push(round(server, &cookie, concurrent, args.duration, &addresses).await?);
    }
    Ok(rounds)
}

/// One round: `concurrent` wrong sign-ins kept in flight for `duration`, the member's pages
/// and `/healthz` timed meanwhile, the server's memory sampled.
async fn round(
    server: &ChildServer,
    cookie: &str,
    concurrent: usize,
    duration: Duration,
    addresses: &Arc<AtomicU64>,
) -> anyhow::Result<Round> {
    let rss_before = server.status("VmRSS").unwrap_or(0.0);
    let done = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn(sample_peak(server.pid, done.clone()));
    let started = Instant::now();
    let deadline = started + duration;
    let attackers: Vec<_> =
        (0..concurrent).map(|_| tokio::spawn(wrong_sign_ins(server.address, deadline, addresses.clone()))).collect();
    let member = tokio::spawn(timed(server.address, cookie.to_string(), MEMBER_PAGES.to_vec(), deadline));
    let healthz = tokio::spawn(timed(server.address, cookie.to_string(), vec!["/healthz"], deadline));
    let mut sign_ins = SignIns::default();
    for attacker in attackers {
        let answered = attacker.await?;
        sign_ins.sent += answered.sent;
        sign_ins.checked += answered.checked;
        sign_ins.refused += answered.refused;
        sign_ins.failed += answered.failed;
        for (kind, n) in answered.failures {
            *sign_ins.failures.entry(kind).or_default() += n;
        }
    }
    let members = summary(member.await?);
    let healthz = summary(healthz.await?);
    let seconds = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Release);
    let peak = sampler.await?.max(rss_before);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = server.status("VmRSS").unwrap_or(0.0);
    let p99_ratio = members.p99_ms / healthz.p99_ms.max(f64::MIN_POSITIVE);
    let within_budget = peak < RSS_BUDGET_MIB && members.p99_ms < MEMBER_P99_BUDGET_MS;
    Ok(Round {
        concurrent_logins: concurrent,
        seconds,
        sign_ins,
        rss_before_mib: rss_before,
        peak_rss_mib: peak,
        rss_after_mib: rss_after,
        members,
        healthz,
        p99_ratio,
        within_budget,
    })
}

/// Wrong sign-ins one after another on one kept-alive connection until `deadline`, each from
/// a new address on a new account.
async fn wrong_sign_ins(address: SocketAddr, deadline: Instant, addresses: Arc<AtomicU64>) -> SignIns {
    let mut connection = Connection::new(address);
    let mut answered = SignIns::default();
    while Instant::now() < deadline {
        let n = addresses.fetch_add(1, Ordering::Relaxed);
        let from = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
        let body = format!("username=intruder{n}&password=not-the-password-{n}&next=");
        let headers = format!("X-Forwarded-For: {from}\r\nContent-Type: application/x-www-form-urlencoded\r\n");
        answered.sent += 1;
        match connection.request("POST", "/login", &headers, body.as_bytes()).await {
            Ok(401) => answered.checked += 1,
            Ok(429) => answered.refused += 1,
            other => {
                answered.failed += 1;
                let kind = match other {
                    Ok(status) => format!("HTTP {status}"),
                    Err(error) => error.to_string(),
                };
                *answered.failures.entry(kind).or_default() += 1;
                // No tight loop against a server that refuses connections.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
    answered
}

/// `paths` opened in turn on one kept-alive connection until `deadline`: each request's
/// milliseconds, or `None` when it did not answer 200.
async fn timed(address: SocketAddr, cookie: String, paths: Vec<&'static str>, deadline: Instant) -> Vec<Option<f64>> {
    let mut connection = Connection::new(address);
    let mut times = Vec::new();
    for path in paths.iter().cycle() {
        if Instant::now() >= deadline {
            break;
        }
        let started = Instant::now();
        let status = connection.request("GET", path, &cookie, b"").await;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        times.push(matches!(status, Ok(200)).then_some(ms));
        if status.is_err() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    times
}

/// p50, p99 (nearest rank) and maximum of the requests that answered.
fn summary(times: Vec<Option<f64>>) -> Timings {
    let failed = times.iter().filter(|t| t.is_none()).count();
    let mut answered: Vec<f64> = times.iter().flatten().copied().collect();
    answered.sort_by(f64::total_cmp);
    let rank = |p: f64| match answered.len() {
        0 => 0.0,
        n => answered[((p * n as f64).ceil() as usize).clamp(1, n) - 1],
    };
    Timings { requests: times.len(), failed, p50_ms: rank(0.5), p99_ms: rank(0.99), max_ms: rank(1.0) }
}

/// The highest VmRSS of `pid` seen every 10 ms until `done`, in MiB.
async fn sample_peak(pid: u32, done: Arc<AtomicBool>) -> f64 {
    let mut peak: f64 = 0.0;
    while !done.load(Ordering::Acquire) {
        if let Some(rss) = proc_status(pid, "VmRSS") {
            peak = peak.max(rss);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    peak
}

/// A `kB` line of `/proc/<pid>/status`, in MiB.
fn proc_status(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    let kib: f64 = line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

/// `desist serve` as a child process on 127.0.0.1 port 0, trusting `X-Forwarded-For` from 127.0.0.1 (the
/// benchmark's sign-ins come from many addresses).
struct ChildServer {
    address: SocketAddr,
    pid: u32,
    child: tokio::process::Child,
}

impl ChildServer {
    async fn start(url: &str) -> anyhow::Result<ChildServer> {
        let mut child = tokio::process::Command::new(std::env::current_exe()?)
            .arg("serve")
            .env_remove("DESIST_CONFIG")
            .env("DATABASE_URL", url)
            .env("DESIST_LISTEN", "127.0.0.1:0")
            .env("DESIST_SECURE_COOKIES", "false")
            .env("DESIST_TRUSTED_PROXIES", "127.0.0.1")
            .env("DESIST_LOG", "error")
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("starting desist serve")?;
        let pid = child.id().context("the server exited at once")?;
        let stdout = child.stdout.take().context("no output from desist serve")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let listening = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(address) = line.strip_prefix("desist listening on http://") {
                    return Ok::<_, anyhow::Error>(address.parse::<SocketAddr>()?);
                }
            }
            bail!("desist serve stopped before listening")
        })
        .await
        .context("desist serve did not start listening within 60 s")??;
        Ok(ChildServer { address: listening, pid, child })
    }

    fn status(&self, field: &str) -> Option<f64> {
        proc_status(self.pid, field)
    }

    async fn stop(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

fn print_table(report: &Report) {
    println!(
        "desist bench logins — {} ({}), {} cores; server as a child process, RSS sampled every 10 ms; \
         each sign-in from a new address on an unknown account (every one admitted is checked)",
        report.backend, report.database, report.cores
    );
    println!();
    println!(
        "{:>8} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9} {:>7}",
        "logins",
        "sent/s",
        "checked",
        "429",
        "failed",
        "RSS MiB",
        "peak MiB",
        "after MiB",
        "member",
        "member",
        "/healthz",
        "/healthz",
        "p99 ÷",
        "within"
    );
    println!(
        "{:>8} {:>7} {:>8} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>9} {:>7}",
        "at once", "", "", "", "", "before", "", "", "p50 ms", "p99 ms", "p50 ms", "p99 ms", "/healthz", "budget"
    );
    for r in &report.rounds {
        println!(
            "{:>8} {:>7.0} {:>8} {:>8} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>9.2} {:>9.2} {:>10.2} {:>10.2} {:>9.2} {:>7}",
            r.concurrent_logins,
            r.sign_ins.sent as f64 / r.seconds.max(f64::MIN_POSITIVE),
            r.sign_ins.checked,
            r.sign_ins.refused,
            r.sign_ins.failed,
            r.rss_before_mib,
            r.peak_rss_mib,
            r.rss_after_mib,
            r.members.p50_ms,
            r.members.p99_ms,
            r.healthz.p50_ms,
            r.healthz.p99_ms,
            r.p99_ratio,
            if r.within_budget { "yes" } else { "NO" }
        );
    }
    for r in report.rounds.iter().filter(|r| r.sign_ins.failed > 0) {
        let kinds: Vec<String> = r.sign_ins.failures.iter().map(|(kind, n)| format!("{n} × {kind}")).collect();
        println!("failed sign-ins at {}: {}", r.concurrent_logins, kinds.join("; "));
    }
    println!();
    println!(
        "member: {} opened in turn, one at a time, signed in; reference: /healthz (session lookup and one small \
         query) timed the same way in the same round. Budget: peak RSS < {:.0} MiB, member p99 < {:.0} ms. \
         Server high-water mark over the run: {:.1} MiB.",
        MEMBER_PAGES.join(", "),
        report.rss_budget_mib,
        report.member_p99_budget_ms,
        report.server_peak_rss_mib
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank_and_failures_apart() {
        let mut times: Vec<Option<f64>> = (1..=100).map(|n| Some(f64::from(n))).collect();
        times.push(None);
        let timings = summary(times);
        assert_eq!((timings.requests, timings.failed), (101, 1));
        assert_eq!((timings.p50_ms, timings.p99_ms, timings.max_ms), (50.0, 99.0, 100.0));
        assert_eq!(summary(Vec::new()).p99_ms, 0.0);
    }

    #[test]
    fn memory_is_read_from_proc() {
        let own = proc_status(std::process::id(), "VmRSS").expect("Linux has /proc");
        assert!(own > 0.0);
        assert_eq!(proc_status(std::process::id(), "NoSuchField"), None);
    }
}
