//! What `desist bench people` and `desist bench plans` share: the real server started in this
//! process on a loopback port, a benchmark member signed in through the login form, `wrk`
//! driving lists of request paths with the session cookie, and the report of each route next
//! to `/healthz` (session lookup, one small query) measured in the same run.

use crate::config::Config;
use anyhow::{Context, bail};
use clap::Args;
use domain::SystemClock;
use domain::access::Role;
use domain::directory::Member;
use domain::ids::{AgencyId, MemberId};
use domain::ports::DirectoryStore;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WRK_SCRIPT: &str = include_str!("../bench/people.lua");
/// Issues 3 and 5: pages answer 99% of requests within this at 64 connections.
pub const P99_BUDGET_MS: f64 = 50.0;

/// How wrk drives the server, the same for every HTTP benchmark.
#[derive(Args, Debug, Clone)]
pub struct HttpBenchArgs {
    /// Concurrent connections wrk keeps open.
    #[arg(long, default_value_t = 64)]
    pub connections: u32,
    /// How long wrk drives each route, e.g. 20s or 1m.
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    pub duration: Duration,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    /// The server's database pool size (default: max_connections from the configuration).
    #[arg(long)]
    pub pool: Option<u32>,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    /// The wrk executable (Debian: apt-get install wrk).
    #[arg(long, default_value = "wrk")]
    pub wrk: PathBuf,
}

pub fn parse_duration(text: &str) -> Result<Duration, String> {
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
pub struct RouteResult {
    pub route: &'static str,
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Responses other than 2xx/3xx, and socket errors or timeouts: any makes the run suspect.
    pub failed: u64,
    pub non_2xx: u64,
    pub socket_errors_or_timeouts: u64,
    /// Throughput relative to the reference route in the same run.
    pub throughput_ratio: f64,
    /// p99 latency relative to the reference route's p99.
    pub p99_ratio: f64,
    pub within_budget: bool,
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

/// The member a benchmark signs in as, with a fresh password each run.
pub async fn bench_member(
    store: &Store,
    username: &str,
    display_name: &str,
    agency: AgencyId,
    role: Role,
    password: &str,
) -> anyhow::Result<()> {
    let hash = web::hash_password(password.to_string()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if store.credentials(username).await?.is_some() {
        store.set_password_hash(username, &hash).await?;
        return Ok(());
    }
    let now = jiff::Timestamp::now();
    let member = Member {
        id: MemberId::new(now),
        agency_id: agency,
        username: username.into(),
        display_name: display_name.into(),
        roles: vec![role],
        disabled: false,
    };
    store.create_member(&member, &hash, now).await?;
    Ok(())
}

/// A route to measure: its name in the report and the request paths wrk rotates through.
pub struct Route {
    pub name: &'static str,
    pub paths: Vec<String>,
}

/// The server running in this process for the length of a benchmark, signed in as one member.
pub struct BenchServer {
    pub address: SocketAddr,
    pub token: String,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl BenchServer {
    /// Starts the application over `store` on a loopback port and signs in as `username`.
    pub async fn start(store: &Store, config: &Config, username: &str, password: &str) -> anyhow::Result<BenchServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let mut web_config = config.web_config();
        web_config.secure_cookies = false;
        let state = web::AppState::new(store.clone(), Arc::new(SystemClock), web_config);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        match sign_in(address, username, password).await {
            Ok(token) => Ok(BenchServer { address, token, stop, server }),
            Err(error) => {
                let _ = stop.send(());
                let _ = server.await;
                Err(error)
            }
        }
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.server.await;
    }

    /// Refuses to measure a route whose first path does not answer 200.
    pub async fn check(&self, path: &str) -> anyhow::Result<()> {
        let status = get_status(self.address, path, &self.token).await?;
        if status != 200 {
            bail!("GET {path} answered {status}, not 200: the benchmark would measure errors");
        }
        Ok(())
    }

    /// Milliseconds of `runs` sequential requests to `path`, sorted.
    pub async fn time_sequential(&self, path: &str, runs: usize) -> anyhow::Result<Vec<f64>> {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let status = get_status(self.address, path, &self.token).await?;
            if status != 200 {
                bail!("GET {path} answered {status}, not 200");
            }
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        Ok(times)
    }

    /// Drives `/healthz` and then each route for `args.duration` (after a short warm-up of each
    /// route) and returns the reference and the routes with their ratios to it.
    pub async fn measure(
        &self,
        args: &HttpBenchArgs,
        routes: &[Route],
    ) -> anyhow::Result<(RouteResult, Vec<RouteResult>)> {
        self.check("/healthz").await?;
        for route in routes {
            self.check(&route.paths[0]).await?;
        }
        let dir = std::env::temp_dir().join(format!("desist-bench-{}-{}", std::process::id(), self.address.port()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("paths.lua"), WRK_SCRIPT)?;
        let result = async {
            // A short warm-up fills the caches a long-running server would have warm.
            let warm = Duration::from_secs(3).min(args.duration);
            for route in routes {
                wrk(args, self.address, &self.token, &dir, &route.paths, warm).await?;
            }
            let health = vec!["/healthz".to_string()];
            let reference = wrk(args, self.address, &self.token, &dir, &health, args.duration).await?;
            let reference = reference.into_route("/healthz");
            let mut measured = Vec::new();
            for route in routes {
                let mut result = wrk(args, self.address, &self.token, &dir, &route.paths, args.duration)
                    .await?
                    .into_route(route.name);
                result.throughput_ratio =
                    result.requests_per_second / reference.requests_per_second.max(f64::MIN_POSITIVE);
                result.p99_ratio = result.p99_ms / reference.p99_ms.max(f64::MIN_POSITIVE);
                measured.push(result);
            }
            Ok((reference, measured))
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        result
    }
}

/// Runs wrk over `paths` for `duration`, bounded: it is killed if it overruns by 30 s.
async fn wrk(
    args: &HttpBenchArgs,
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
        .arg(dir.join("paths.lua"))
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

pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
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

/// The routes as a table: req/s, p50, p90, p99, max, the ratios to the reference, failures.
pub fn print_routes(reference: &RouteResult, routes: &[RouteResult]) {
    println!(
        "{:<20} {:>10} {:>9} {:>9} {:>9} {:>9} {:>12} {:>10} {:>7} {:>10}",
        "route", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s ÷ ref", "p99 ÷ ref", "failed", "p99 ≤ 50ms"
    );
    for route in [reference].into_iter().chain(routes) {
        println!(
            "{:<20} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>12.3} {:>10.2} {:>7} {:>10}",
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

/// Fails the run when any measured request failed: the figures would not describe working pages.
pub fn refuse_failures(reference: &RouteResult, routes: &[RouteResult]) -> anyhow::Result<()> {
    if routes.iter().chain([reference]).any(|r| r.failed > 0) {
        bail!("some requests failed (see the failed column): the figures do not describe working requests");
    }
    Ok(())
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
}
