//! `desist bench people`: person search and the person page at national scale, measured the
//! way users meet them — over HTTP, signed in, through the whole stack — by `wrk` against the
//! real server started in this process. A trivial route (`/healthz`: session lookup, one small
//! query) is driven in the same run as a reference, so the report reads as "search costs N
//! times a no-op request on this machine", which stays comparable on a busy or shared host.

use crate::config::{Config, redact_url};
use anyhow::{Context, bail};
use clap::Args;
use domain::SystemClock;
use domain::access::Role;
use domain::directory::Member;
use domain::ids::MemberId;
use domain::ports::DirectoryStore;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Store;
use store::bulk::{BulkSpec, generated_agency};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WRK_SCRIPT: &str = include_str!("../bench/people.lua");
const BENCH_MEMBER: &str = "bench.zoeker";
/// Issue 3: search and the person page answer 99% of requests within this at 64 connections.
const P99_BUDGET_MS: f64 = 50.0;
/// Distinct search queries and person pages the benchmark rotates through.
const TARGETS: usize = 2_000;

#[derive(Args)]
pub struct PeopleBenchArgs {
    /// Generated people in the database; loaded when missing, reused when already there.
    #[arg(long, default_value_t = 1_000_000)]
    people: u64,
    /// The database (default: sqlite:desist-bench-<people>.db). A PostgreSQL database must exist.
    #[arg(long)]
    database_url: Option<String>,
    /// Concurrent connections wrk keeps open.
    #[arg(long, default_value_t = 64)]
    connections: u32,
    /// How long wrk drives each route, e.g. 20s or 1m.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    threads: u32,
    /// The server's database pool size (default: max_connections from the configuration).
    #[arg(long)]
    pool: Option<u32>,
    /// Seed of the generated people.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    format: String,
    /// The wrk executable (Debian: apt-get install wrk).
    #[arg(long, default_value = "wrk")]
    wrk: PathBuf,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.strip_suffix('m') {
        Some(minutes) => (minutes, 60),
        None => (text.strip_suffix('s').unwrap_or(text), 1),
    };
    match number.parse::<u64>() {
        Ok(n) if n > 0 => Ok(Duration::from_secs(n * unit)),
        _ => Err(format!("{text:?} is not a duration like 20s or 1m")),
    }
}

/// What `wrk` measured for one route (the line `people.lua` prints when it is done).
#[derive(Debug, Deserialize)]
struct WrkLine {
    requests: u64,
    duration_us: u64,
    p50_us: u64,
    p90_us: u64,
    p99_us: u64,
    max_us: u64,
    non_2xx: u64,
    connect_errors: u64,
    read_errors: u64,
    write_errors: u64,
    timeouts: u64,
}

#[derive(Debug, Serialize)]
struct RouteResult {
    route: &'static str,
    requests: u64,
    requests_per_second: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    /// Responses other than 2xx/3xx, and socket errors or timeouts: any makes the run suspect.
    failed: u64,
    non_2xx: u64,
    socket_errors_or_timeouts: u64,
    /// Throughput relative to the reference route in the same run.
    throughput_ratio: f64,
    /// p99 latency relative to the reference route's p99.
    p99_ratio: f64,
    within_budget: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    backend: &'static str,
    database: String,
    people: u64,
    load_seconds: f64,
    people_loaded_now: u64,
    connections: u32,
    threads: u32,
    seconds_per_route: u64,
    pool: u32,
    p99_budget_ms: f64,
    reference: RouteResult,
    routes: Vec<RouteResult>,
}

pub async fn run(args: PeopleBenchArgs, config: Config) -> anyhow::Result<()> {
    let url = args.database_url.clone().unwrap_or_else(|| format!("sqlite:desist-bench-{}.db", args.people));
    let pool = args.pool.unwrap_or(config.max_connections);
    let store =
        Store::connect(&url, pool).await.with_context(|| format!("opening the database {}", redact_url(&url)))?;
    let spec = BulkSpec::new(args.people, args.seed);

    let started = Instant::now();
    let loaded = load_people(&store, &spec).await?;
    let load_seconds = started.elapsed().as_secs_f64();

    // The searcher works for the first bulk agency and sees the people on its teams.
    let password = format!("bench-{}", uuid::Uuid::now_v7().simple());
    bench_member(&store, loaded.agencies[0], &password).await?;
    let targets = Targets::for_agency(&spec, 0);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
    let address = listener.local_addr()?;
    let mut web_config = config.web_config();
    web_config.secure_cookies = false;
    let state = web::AppState::new(store.clone(), Arc::new(SystemClock), web_config);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(web::serve(listener, state, async {
        let _ = stopped.await;
    }));

    let outcome = measure(&args, address, &password, &targets).await;
    let _ = stop.send(());
    let _ = server.await;
    store.close().await;
    let (reference, mut routes) = outcome?;
    for route in &mut routes {
        route.throughput_ratio = route.requests_per_second / reference.requests_per_second.max(f64::MIN_POSITIVE);
        route.p99_ratio = route.p99_ms / reference.p99_ms.max(f64::MIN_POSITIVE);
    }
    let report = Report {
        backend: store.backend(),
        database: redact_url(&url),
        people: args.people,
        load_seconds,
        people_loaded_now: loaded.written,
        connections: args.connections,
        threads: args.threads,
        seconds_per_route: args.duration.as_secs(),
        pool,
        p99_budget_ms: P99_BUDGET_MS,
        reference,
        routes,
    };
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_table(&report);
    }
    if report.routes.iter().chain([&report.reference]).any(|r| r.failed > 0) {
        bail!("some requests failed (see the failed column): the figures do not describe working requests");
    }
    Ok(())
}

async fn load_people(store: &Store, spec: &BulkSpec) -> anyhow::Result<store::bulk::BulkLoaded> {
    let bar = if std::io::stderr().is_terminal() { ProgressBar::new(spec.count) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("loading people {bar:40.cyan/blue} {human_pos}/{human_len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );
    eprintln!("desist bench people: {} generated people in the {} database", spec.count, store.backend());
    let loaded = store.bulk_load_people(spec, |present| bar.set_position(present)).await?;
    bar.finish_and_clear();
    if loaded.written == 0 {
        eprintln!("reusing the {} people already loaded", loaded.existing);
    }
    Ok(loaded)
}

/// The member the benchmark signs in as, with a fresh password each run.
async fn bench_member(store: &Store, agency: domain::ids::AgencyId, password: &str) -> anyhow::Result<()> {
    let hash = web::hash_password(password.to_string()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if store.credentials(BENCH_MEMBER).await?.is_some() {
        store.set_password_hash(BENCH_MEMBER, &hash).await?;
        return Ok(());
    }
    let now = jiff::Timestamp::now();
    let member = Member {
        id: MemberId::new(now),
        agency_id: agency,
        username: BENCH_MEMBER.into(),
        display_name: "Benchmark zoeker".into(),
        roles: vec![Role::PoliceOfficer],
        disabled: false,
    };
    store.create_member(&member, &hash, now).await?;
    Ok(())
}

/// Request paths for the two measured routes, from people the searcher may see.
struct Targets {
    searches: Vec<String>,
    pages: Vec<String>,
}

impl Targets {
    fn for_agency(spec: &BulkSpec, agency: usize) -> Targets {
        let visible: Vec<u64> = (0..spec.count).filter(|&i| generated_agency(spec.seed, i) == agency).collect();
        let step = (visible.len() / TARGETS).max(1);
        let mut targets = Targets { searches: Vec::new(), pages: Vec::new() };
        for (n, &index) in visible.iter().step_by(step).take(TARGETS).enumerate() {
            let person = spec.person(index);
            targets.pages.push(format!("/people/{}", person.id));
            let details = &person.details;
            let given = details.given_names.as_deref().unwrap_or_default();
            let first_given = given.split(' ').next().unwrap_or_default();
            let dob = details.birth_date.map(|d| d.to_string()).unwrap_or_default();
            let family_word = details.family_name.rsplit(' ').next().unwrap_or_default();
            let prefix = |word: &str, n: usize| word.chars().take(n).collect::<String>();
            // The ways people are looked up at a counter or on the phone.
            let query = match n % 7 {
                0 => prefix(family_word, 4),
                1 => format!("{first_given} {}", details.family_name),
                2 => person.bsn().to_string(),
                3 => format!("{} {dob}", details.family_name),
                4 => format!("{} {}", prefix(first_given, 3), prefix(family_word, 3)),
                5 => details.birth_date.map(|d| d.strftime("%d-%m-%Y").to_string()).unwrap_or_default(),
                _ => details.family_name.to_lowercase(),
            };
            targets.searches.push(format!("/people?q={}", percent_encode(&query)));
        }
        targets
    }
}

fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

async fn measure(
    args: &PeopleBenchArgs,
    address: SocketAddr,
    password: &str,
    targets: &Targets,
) -> anyhow::Result<(RouteResult, Vec<RouteResult>)> {
    let token = sign_in(address, BENCH_MEMBER, password).await?;
    for path in [&targets.searches[0], &targets.pages[0], &"/healthz".to_string()] {
        let status = get_status(address, path, &token).await?;
        if status != 200 {
            bail!("GET {path} answered {status}, not 200: the benchmark would measure errors");
        }
    }
    let dir = std::env::temp_dir().join(format!("desist-bench-people-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("people.lua"), WRK_SCRIPT)?;
    let result = async {
        let health = vec!["/healthz".to_string()];
        // A short warm-up fills the caches a long-running server would have warm.
        let warm = Duration::from_secs(3).min(args.duration);
        for paths in [&targets.searches, &targets.pages] {
            wrk(args, address, &token, &dir, paths, warm).await?;
        }
        let reference = wrk(args, address, &token, &dir, &health, args.duration).await?.into_route("/healthz");
        let search = wrk(args, address, &token, &dir, &targets.searches, args.duration).await?;
        let page = wrk(args, address, &token, &dir, &targets.pages, args.duration).await?;
        Ok((reference, vec![search.into_route("/people?q=…"), page.into_route("/people/{id}")]))
    }
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    result
}

impl WrkLine {
    fn into_route(self, route: &'static str) -> RouteResult {
        let ms = |us: u64| us as f64 / 1000.0;
        let p99_ms = ms(self.p99_us);
        let socket_errors = self.connect_errors + self.read_errors + self.write_errors + self.timeouts;
        RouteResult {
            route,
            requests: self.requests,
            requests_per_second: self.requests as f64 / (self.duration_us.max(1) as f64 / 1e6),
            p50_ms: ms(self.p50_us),
            p90_ms: ms(self.p90_us),
            p99_ms,
            max_ms: ms(self.max_us),
            failed: self.non_2xx + socket_errors,
            non_2xx: self.non_2xx,
            socket_errors_or_timeouts: socket_errors,
            throughput_ratio: 1.0,
            p99_ratio: 1.0,
            within_budget: p99_ms <= P99_BUDGET_MS,
        }
    }
}

/// Runs wrk over `paths` for `duration`, bounded: it is killed if it overruns by 30 s.
async fn wrk(
    args: &PeopleBenchArgs,
    address: SocketAddr,
    token: &str,
    dir: &Path,
    paths: &[String],
    duration: Duration,
) -> anyhow::Result<WrkLine> {
    let list = dir.join("paths.txt");
    std::fs::write(&list, paths.join("\n"))?;
    let mut command = tokio::process::Command::new(&args.wrk);
    command
        .arg(format!("-t{}", args.threads))
        .arg(format!("-c{}", args.connections.max(args.threads)))
        .arg(format!("-d{}s", duration.as_secs()))
        .args(["--latency", "--timeout", "10s", "-s"])
        .arg(dir.join("people.lua"))
        .arg(format!("http://{address}"))
        .arg("--")
        .arg(&list)
        .arg(token)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child =
        command.spawn().with_context(|| format!("starting {} (Debian: apt-get install wrk)", args.wrk.display()))?;
    let output = tokio::time::timeout(duration + Duration::from_secs(30), child.wait_with_output())
        .await
        .context("wrk overran its time and was stopped")??;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().find_map(|l| l.strip_prefix("DESIST_RESULT "));
    match line {
        Some(json) if output.status.success() => Ok(serde_json::from_str(json).context("reading wrk's result")?),
        _ => bail!("wrk failed ({}): {}{}", output.status, stdout, String::from_utf8_lossy(&output.stderr)),
    }
}

/// Signs in through the login form, as a browser does, and returns the session token.
async fn sign_in(address: SocketAddr, username: &str, password: &str) -> anyhow::Result<String> {
    let body = format!("username={}&password={}&next=", percent_encode(username), percent_encode(password));
    let request = format!(
        "POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let head = exchange(address, &request).await?;
    head.lines()
        .filter_map(|line| line.split_once(':'))
        .filter(|(name, _)| name.eq_ignore_ascii_case("set-cookie"))
        .find_map(|(_, value)| value.trim().strip_prefix("desist_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
        .filter(|token| !token.is_empty())
        .with_context(|| format!("signing in as {username} failed: {}", head.lines().next().unwrap_or("no answer")))
}

async fn get_status(address: SocketAddr, path: &str, token: &str) -> anyhow::Result<u16> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nCookie: desist_session={token}\r\nConnection: close\r\n\r\n"
    );
    let head = exchange(address, &request).await?;
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok());
    status.with_context(|| format!("no HTTP status in {head:?}"))
}

/// Sends one HTTP/1.1 request and returns the response head.
async fn exchange(address: SocketAddr, request: &str) -> anyhow::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    Ok(text.split("\r\n\r\n").next().unwrap_or_default().to_string())
}

fn print_table(report: &Report) {
    println!(
        "desist bench people — {} ({}), {} people (load {:.1} s, {} written now); wrk -t{} -c{}, {} s per route, pool {}",
        report.backend,
        report.database,
        report.people,
        report.load_seconds,
        report.people_loaded_now,
        report.threads,
        report.connections,
        report.seconds_per_route,
        report.pool
    );
    println!();
    println!(
        "{:<16} {:>10} {:>9} {:>9} {:>9} {:>9} {:>12} {:>10} {:>7} {:>10}",
        "route", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s ÷ ref", "p99 ÷ ref", "failed", "p99 ≤ 50ms"
    );
    for route in [&report.reference].into_iter().chain(&report.routes) {
        println!(
            "{:<16} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>12.3} {:>10.2} {:>7} {:>10}",
            route.route,
            route.requests_per_second,
            route.p50_ms,
            route.p90_ms,
            route.p99_ms,
            route.max_ms,
            route.throughput_ratio,
            route.p99_ratio,
            route.failed,
            if route.within_budget { "yes" } else { "NO" }
        );
    }
    println!();
    println!("reference: /healthz (session lookup and one small query) in the same run, same connections");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_encoding() {
        assert_eq!(parse_duration("20s"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("15"), Ok(Duration::from_secs(15)));
        assert!(parse_duration("0s").is_err() && parse_duration("soon").is_err());
        assert_eq!(percent_encode("Zoë de Vries"), "Zo%C3%AB%20de%20Vries");
    }

    #[test]
    fn targets_are_people_of_the_searchers_agency() {
        let spec = BulkSpec::new(5_000, 3);
        let targets = Targets::for_agency(&spec, 4);
        assert!(targets.pages.len() > 150 && targets.searches.len() == targets.pages.len());
        let visible: Vec<String> = (0..spec.count)
            .map(|i| spec.person(i))
            .filter(|p| p.agency == 4)
            .map(|p| format!("/people/{}", p.id))
            .collect();
        assert!(targets.pages.iter().all(|page| visible.contains(page)));
    }
}
