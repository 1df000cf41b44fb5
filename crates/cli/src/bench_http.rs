//! What the HTTP benchmarks (`desist bench people`, `zsm`, `plans`, `logins`) share: the
//! server started in this process on port 0, a benchmark member signed in through the login
//! form, `wrk` driving a list of paths with the session cookie, reported per route with its
//! ratio to `/healthz` (session lookup and one small query) measured in the same run; and a
//! kept-alive HTTP/1.1 connection ([`Connection`]) for requests timed one by one.

use anyhow::{Context, bail};
use clap::Args;
use domain::SystemClock;
use domain::access::Role;
use domain::directory::{DirectoryStore, Member};
use domain::ids::{AgencyId, MemberId};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const WRK_SCRIPT: &str = include_str!("../bench/people.lua");

/// Issues 3 and 4: routes answer 99% of requests within this at 64 connections.
pub const P99_BUDGET_MS: f64 = 50.0;

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

/// The options both HTTP benchmarks take.
#[derive(Args)]
pub struct HttpBenchArgs {
    /// The database (default: a SQLite file named after the benchmark and its size). A
    /// PostgreSQL database must exist.
    #[arg(long)]
    pub database_url: Option<String>,
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
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// table or json.
    #[arg(long, default_value = "table", value_parser = ["table", "json"])]
    pub format: String,
    /// The wrk executable (Debian: apt-get install wrk).
    #[arg(long, default_value = "wrk")]
    pub wrk: PathBuf,
}

impl HttpBenchArgs {
    pub fn wrk_options(&self) -> WrkOptions {
        WrkOptions { wrk: self.wrk.clone(), threads: self.threads, connections: self.connections }
    }
}

/// How wrk drives a route.
#[derive(Debug, Clone)]
pub struct WrkOptions {
    pub wrk: PathBuf,
    pub threads: u32,
    pub connections: u32,
}

/// What `wrk` measured for one route (the line `people.lua` prints when it is done).
#[derive(Debug, Deserialize)]
pub struct WrkLine {
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
    pub fn into_route(self, route: &'static str) -> RouteResult {
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

/// Sets each route's ratios to the reference measured in the same run.
pub fn relate(reference: &RouteResult, routes: &mut [RouteResult]) {
    for route in routes {
        route.throughput_ratio = route.requests_per_second / reference.requests_per_second.max(f64::MIN_POSITIVE);
        route.p99_ratio = route.p99_ms / reference.p99_ms.max(f64::MIN_POSITIVE);
    }
}

/// The web server of this process on 127.0.0.1 port 0, over `store`, until [`Server::stop`].
pub struct Server {
    pub address: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    pub async fn start(store: &Store, config: &crate::config::Config) -> anyhow::Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("binding 127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let mut web_config = config.web_config();
        web_config.secure_cookies = false;
        let state = web::AppState::new(store.clone(), Arc::new(SystemClock), web_config);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(web::serve(listener, state, async {
            let _ = stopped.await;
        }));
        Ok(Server { address, stop, task })
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }
}

/// The member a benchmark signs in as (a police officer of `agency`), with a fresh password
/// each run, which is returned.
pub async fn bench_member(
    store: &Store,
    username: &str,
    agency: AgencyId,
    clock: &dyn domain::Clock,
) -> anyhow::Result<String> {
    bench_member_as(store, username, agency, Role::PoliceOfficer, clock).await
}

/// A member of `agency` with `role` a benchmark signs in as, with a fresh password each run,
/// which is returned.
pub async fn bench_member_as(
    store: &Store,
    username: &str,
    agency: AgencyId,
    role: Role,
    clock: &dyn domain::Clock,
) -> anyhow::Result<String> {
    let password = format!("bench-{}", uuid::Uuid::now_v7().simple());
    let hash = web::hash_password(password.clone()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    if store.credentials(username).await?.is_some() {
        store.set_password_hash(username, &hash).await?;
        return Ok(password);
    }
    let now = clock.now();
    let member = Member {
        id: MemberId::new(now),
        agency_id: agency,
        username: username.into(),
        display_name: format!("Benchmark {username}"),
        roles: vec![role],
        disabled: false,
    };
    store.create_member(&member, &hash, now).await?;
    Ok(password)
}

/// A signed-in wrk session: the session token and a scratch folder for the script and lists.
pub struct Session {
    pub address: SocketAddr,
    pub token: String,
    dir: PathBuf,
}

impl Session {
    pub async fn sign_in(address: SocketAddr, username: &str, password: &str) -> anyhow::Result<Session> {
        let token = sign_in(address, username, password).await?;
        let dir = std::env::temp_dir().join(format!("desist-bench-{}-{}", std::process::id(), uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("people.lua"), WRK_SCRIPT)?;
        Ok(Session { address, token, dir })
    }

    /// Fails unless GET `path` answers 200: a benchmark must not measure errors.
    pub async fn expect_ok(&self, path: &str) -> anyhow::Result<()> {
        let status = get_status(self.address, path, &self.token).await?;
        if status != 200 {
            bail!("GET {path} answered {status}, not 200: the benchmark would measure errors");
        }
        Ok(())
    }

    /// Times `count` sequential GETs of `path` (whole response read), in milliseconds.
    pub async fn time_requests(&self, path: &str, count: usize) -> anyhow::Result<Vec<f64>> {
        let mut times = Vec::with_capacity(count);
        for _ in 0..count {
            let started = Instant::now();
            let status = get_status(self.address, path, &self.token).await?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            if status != 200 {
                bail!("GET {path} answered {status}, not 200");
            }
        }
        Ok(times)
    }

    /// Runs wrk over `paths` for `duration`, bounded: it is killed if it overruns by 30 s.
    pub async fn wrk(&self, options: &WrkOptions, paths: &[String], duration: Duration) -> anyhow::Result<WrkLine> {
        let list = self.dir.join("paths.txt");
        std::fs::write(&list, paths.join("\n"))?;
        let mut command = tokio::process::Command::new(&options.wrk);
        command
            .arg(format!("-t{}", options.threads))
            .arg(format!("-c{}", options.connections.max(options.threads)))
            .arg(format!("-d{}s", duration.as_secs()))
            .args(["--latency", "--timeout", "10s", "-s"])
            .arg(self.dir.join("people.lua"))
            .arg(format!("http://{}", self.address))
            .arg("--")
            .arg(&list)
            .arg(&self.token)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        let child = command
            .spawn()
            .with_context(|| format!("starting {} (Debian: apt-get install wrk)", options.wrk.display()))?;
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
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
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
pub async fn sign_in(address: SocketAddr, username: &str, password: &str) -> anyhow::Result<String> {
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

/// Sends one HTTP/1.1 request, reads the whole response and returns its head.
async fn exchange(address: SocketAddr, request: &str) -> anyhow::Result<String> {
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let text = String::from_utf8_lossy(&response);
    Ok(text.split("\r\n\r\n").next().unwrap_or_default().to_string())
}

/// One HTTP/1.1 connection kept alive between requests, as a browser keeps one; connected
/// again when the server closed it. Answers must carry a `Content-Length` (axum's do).
pub struct Connection {
    address: SocketAddr,
    stream: Option<tokio::io::BufReader<tokio::net::TcpStream>>,
}

impl Connection {
    pub fn new(address: SocketAddr) -> Connection {
        Connection { address, stream: None }
    }

    /// Sends `method path` with `headers` (each ending in CRLF) and `body`; the status. A
    /// connection the server closed since the last answer is opened again, once.
    pub async fn request(&mut self, method: &str, path: &str, headers: &str, body: &[u8]) -> anyhow::Result<u16> {
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\n\r\n",
            self.address,
            body.len()
        );
        let reused = self.stream.is_some();
        match self.exchange(head.as_bytes(), body).await {
            Err(_) if reused => {
                self.stream = None;
                self.exchange(head.as_bytes(), body).await
            }
            answer => answer,
        }
    }

    async fn exchange(&mut self, head: &[u8], body: &[u8]) -> anyhow::Result<u16> {
        use tokio::io::AsyncBufReadExt;
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => {
                let stream = tokio::net::TcpStream::connect(self.address).await?;
                // The head and the body go out as two writes: with Nagle's algorithm the body
                // waits for the server's delayed ACK of the head, ~40 ms a request.
                stream.set_nodelay(true)?;
                self.stream.insert(tokio::io::BufReader::new(stream))
            }
        };
        let sent = async {
            stream.get_mut().write_all(head).await?;
            stream.get_mut().write_all(body).await
        };
        if let Err(error) = sent.await {
            self.stream = None;
            return Err(error.into());
        }
        let (mut status, mut length, mut close) = (None, None, false);
        let mut line = String::new();
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                self.stream = None;
                bail!("the server closed the connection");
            }
            let text = line.trim_end();
            if text.is_empty() {
                break;
            }
            if status.is_none() {
                status = text.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok());
            } else if let Some((name, value)) = text.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse::<usize>().ok();
                } else if name.eq_ignore_ascii_case("connection") && value.trim().eq_ignore_ascii_case("close") {
                    close = true;
                }
            }
        }
        let (Some(status), Some(length)) = (status, length) else {
            self.stream = None;
            bail!("an answer without a status or a Content-Length");
        };
        let mut rest = vec![0u8; length];
        stream.read_exact(&mut rest).await?;
        if close {
            self.stream = None;
        }
        Ok(status)
    }
}

/// The route table both benchmarks print.
pub fn print_routes(routes: &[&RouteResult]) {
    println!(
        "{:<22} {:>10} {:>9} {:>9} {:>9} {:>9} {:>12} {:>10} {:>7} {:>10}",
        "route", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "req/s ÷ ref", "p99 ÷ ref", "failed", "p99 ≤ 50ms"
    );
    for route in routes {
        println!(
            "{:<22} {:>10.1} {:>9.2} {:>9.2} {:>9.2} {:>9.1} {:>12.3} {:>10.2} {:>7} {:>10}",
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
}

/// Fails when any request of any route failed: such figures do not describe working requests.
pub fn require_no_failures<'a>(routes: impl IntoIterator<Item = &'a RouteResult>) -> anyhow::Result<()> {
    if routes.into_iter().any(|r| r.failed > 0) {
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
